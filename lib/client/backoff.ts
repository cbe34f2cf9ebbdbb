/**
 * Reconnect policy for WebSocket clients (browsers and Node): full-jitter exponential backoff
 * that honours the server's close codes and retry hint, and resets only after a minimum uptime.
 *
 * - Full Jitter: `random_between(0, min(cap, base × 2^attempt))` (Marc Brooker, "Exponential
 *   Backoff And Jitter", https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *   RFC 6455 §7.2.3 asks for a random first delay and truncated exponential backoff after.
 * - 1001 Going Away / 1012 Service Restart (a planned close; the server already spread its closes
 *   over a drain window): wait U(0, hint) where hint = the `retryAfterMs` in the close reason, else
 *   `baseMs`; the attempt counter does not grow.
 * - 1013 Try Again Later (overload, rebalancing): wait the hint (else `baseMs`) plus the full
 *   jitter of the next attempt: back off longer.
 * - Anything else (1006 abnormal, network errors): full jitter, plus U(0, hint) when a hint came.
 * - The attempt counter resets only when the previous connection stayed open `minUptimeMs`, so a
 *   server that accepts then drops at once does not get hammered (reconnecting-websocket's
 *   `minUptime`).
 * - Terminal closes (default 1008 Policy Violation and 4000–4099, the Pusher convention for "do
 *   not reconnect unchanged") stop reconnecting.
 */

/** Close codes with reconnect meaning (RFC 6455 §7.4.1, IANA registry). */
export const CLOSE_CODES = { goingAway: 1001, policyViolation: 1008, serviceRestart: 1012, tryAgainLater: 1013 } as const;

/** Reconnect policy knobs. */
export interface ReconnectPolicyOptions {
  /** First full-jitter ceiling, ms > 0. @default 1000 */
  readonly baseMs?: number;
  /** Largest full-jitter ceiling, ms ≥ baseMs. @default 30000 */
  readonly capMs?: number;
  /** Uptime after which the backoff resets, ms ≥ 0. @default 5000 */
  readonly minUptimeMs?: number;
  /** Largest server retry hint honoured, ms ≥ 0 (protects against a bad hint). @default 60000 */
  readonly maxRetryAfterMs?: number;
  /** Stop after this many consecutive failed attempts. @default Infinity */
  readonly maxAttempts?: number;
  /** Close codes after which the client gives up. @default code 1008 or 4000–4099 */
  readonly isTerminal?: (code: number) => boolean;
}

/** Reconnect defaults. */
export const RECONNECT_DEFAULTS = { baseMs: 1000, capMs: 30_000, minUptimeMs: 5000, maxRetryAfterMs: 60_000 } as const;

/** How the last connection ended (all optional: a failed connect has no code). */
export interface CloseInfo {
  readonly code?: number;
  /** The close reason text; JSON `{"retryAfterMs":N}` is read as a hint. */
  readonly reason?: string;
}

/** Default terminal codes: 1008 Policy Violation and 4000–4099. */
export function defaultIsTerminal(code: number): boolean {
  return code === CLOSE_CODES.policyViolation || (code >= 4000 && code <= 4099);
}

/** The server's retry hint from a close reason, or undefined when there is none or it is malformed. */
export function parseRetryHint(reason: string | undefined): number | undefined {
  if (!reason || reason[0] !== '{') return undefined;
  try {
    const v = (JSON.parse(reason) as { retryAfterMs?: unknown }).retryAfterMs;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

function validate(o: ReconnectPolicyOptions): Required<Omit<ReconnectPolicyOptions, 'isTerminal'>> {
  const baseMs = o.baseMs ?? RECONNECT_DEFAULTS.baseMs;
  const capMs = o.capMs ?? RECONNECT_DEFAULTS.capMs;
  const minUptimeMs = o.minUptimeMs ?? RECONNECT_DEFAULTS.minUptimeMs;
  const maxRetryAfterMs = o.maxRetryAfterMs ?? RECONNECT_DEFAULTS.maxRetryAfterMs;
  const maxAttempts = o.maxAttempts ?? Number.POSITIVE_INFINITY;
  if (!(baseMs > 0)) throw new RangeError(`baseMs is ${baseMs}; allowed: > 0 (milliseconds). Fix: e.g. 1000.`);
  if (!(capMs >= baseMs)) throw new RangeError(`capMs is ${capMs}; allowed: ≥ baseMs (${baseMs}). Fix: raise capMs.`);
  if (!(minUptimeMs >= 0)) throw new RangeError(`minUptimeMs is ${minUptimeMs}; allowed: ≥ 0 (milliseconds). Fix: e.g. 5000.`);
  if (!(maxRetryAfterMs >= 0)) throw new RangeError(`maxRetryAfterMs is ${maxRetryAfterMs}; allowed: ≥ 0 (milliseconds). Fix: e.g. 30000.`);
  if (!(maxAttempts >= 1))
    throw new RangeError(`maxAttempts is ${maxAttempts}; allowed: ≥ 1. Fix: omit it to retry forever, or give a positive count.`);
  return { baseMs, capMs, minUptimeMs, maxRetryAfterMs, maxAttempts };
}

/**
 * The delay before reconnect attempt `attempt` (0-based), ms, integer ≥ 0. Pure.
 * @param random - uniform [0, 1) source (tests inject one)
 */
export function reconnectDelayMs(
  attempt: number,
  close: CloseInfo,
  options: ReconnectPolicyOptions = {},
  random: () => number = Math.random,
): number {
  const o = validate(options);
  const hintRaw = parseRetryHint(close.reason);
  const hint = hintRaw === undefined ? undefined : Math.min(hintRaw, o.maxRetryAfterMs);
  const jitter = (n: number) => random() * Math.min(o.capMs, o.baseMs * 2 ** Math.max(0, n));
  let delay: number;
  if (close.code === CLOSE_CODES.goingAway || close.code === CLOSE_CODES.serviceRestart) {
    delay = random() * (hint ?? o.baseMs);
  } else if (close.code === CLOSE_CODES.tryAgainLater) {
    delay = (hint ?? o.baseMs) + jitter(attempt + 1);
  } else {
    delay = jitter(attempt) + (hint === undefined ? 0 : random() * hint);
  }
  return Math.round(delay);
}

/** Stateful policy: counts attempts, applies the minimum uptime, decides whether to go on. */
export class ReconnectPolicy {
  /** Consecutive attempts since the last connection that lasted `minUptimeMs`. */
  attempt = 0;
  private openedAt?: number;
  private readonly options: ReconnectPolicyOptions;
  private readonly maxAttempts: number;
  private readonly minUptimeMs: number;

  constructor(
    options: ReconnectPolicyOptions = {},
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    const v = validate(options);
    this.options = options;
    this.maxAttempts = v.maxAttempts;
    this.minUptimeMs = v.minUptimeMs;
  }

  /** Call when a connection opens. */
  opened(): void {
    this.openedAt = this.now();
  }

  /**
   * Call when a connection closes or a connect attempt fails.
   * @returns the delay before the next attempt, ms, or undefined to stop (terminal code, or too many attempts)
   */
  next(close: CloseInfo): number | undefined {
    if (this.openedAt !== undefined && this.now() - this.openedAt >= this.minUptimeMs) this.attempt = 0;
    this.openedAt = undefined;
    const terminal = this.options.isTerminal ?? defaultIsTerminal;
    if (close.code !== undefined && terminal(close.code)) return undefined;
    if (this.attempt >= this.maxAttempts) return undefined;
    const delay = reconnectDelayMs(this.attempt, close, this.options, this.random);
    const planned = close.code === CLOSE_CODES.goingAway || close.code === CLOSE_CODES.serviceRestart;
    if (!planned) this.attempt++;
    return delay;
  }
}
