/**
 * Close codes and the retry hint the runtime sends, and the paced-drain schedule. Pure.
 *
 * Close codes (RFC 6455 §7.4.1, IANA WebSocket Close Code Number Registry,
 * https://www.iana.org/assignments/websocket/websocket.xhtml#close-code-number):
 * - 1001 Going Away: this node is leaving (scale-in, Spot interruption, deploy);
 * - 1012 Service Restart: the service restarts; come back soon, to any node;
 * - 1013 Try Again Later: overloaded or rebalancing; back off longer.
 * The reason is JSON `{"retryAfterMs":N}` (the client adds a random delay of up to N ms). A close
 * reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payload minus the code).
 */

/** 1001 Going Away (RFC 6455 §7.4.1). */
export const CLOSE_GOING_AWAY = 1001;
/** 1012 Service Restart (IANA registry). */
export const CLOSE_SERVICE_RESTART = 1012;
/** 1013 Try Again Later (IANA registry). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** 1009 Message Too Big (RFC 6455 §7.4.1). */
export const CLOSE_MESSAGE_TOO_BIG = 1009;

/** Close codes a draining node may send. */
export type DrainCloseCode = typeof CLOSE_GOING_AWAY | typeof CLOSE_SERVICE_RESTART;

/** Largest close reason, bytes of UTF-8 (RFC 6455 §5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** The retry hint carried in a close reason. */
export interface RetryHint {
  /** Upper bound, ms, of the random extra delay the client should add before reconnecting. Integer ≥ 0. */
  readonly retryAfterMs: number;
  /** Why the server closed (`drain`, `rebalance`, `lifetime`, `capacity`); informative only. */
  readonly why?: string;
}

/**
 * The close reason text for a hint: compact JSON, at most 123 bytes.
 * @throws RangeError when `retryAfterMs` is not a finite integer ≥ 0, or the text exceeds 123 bytes
 *   (shorten `why`).
 */
export function closeReason(hint: RetryHint): string {
  if (!Number.isInteger(hint.retryAfterMs) || hint.retryAfterMs < 0) {
    throw new RangeError(`retryAfterMs is ${hint.retryAfterMs}; allowed: an integer ≥ 0 (milliseconds). Fix: round it.`);
  }
  const text = JSON.stringify(hint.why ? { retryAfterMs: hint.retryAfterMs, why: hint.why } : { retryAfterMs: hint.retryAfterMs });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(
      `close reason ${JSON.stringify(text)} is ${bytes} bytes; allowed: at most ${MAX_CLOSE_REASON_BYTES} (RFC 6455 §5.5). Fix: shorten 'why'.`,
    );
  }
  return text;
}

/**
 * Offsets, ms from the start of a drain, at which to close `count` sockets: one per equal slice
 * of the window, at a uniformly random point inside its slice (stratified jitter), then shuffled so
 * the order of sockets is random too. Closes are therefore spread evenly over the window: any
 * interval of length `windowMs / count` holds at most 2 of them, so the reconnect rate stays
 * within 2× the uniform rate `count / window` (random independent offsets would cluster).
 *
 * @param count - sockets to close, integer ≥ 0
 * @param windowMs - drain window, ms ≥ 0 (0 closes everything at once)
 * @param random - uniform [0, 1) source (tests inject one)
 * @returns `count` offsets in [0, windowMs), in random order
 */
export function drainOffsets(count: number, windowMs: number, random: () => number = Math.random): number[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count is ${count}; allowed: an integer ≥ 0.`);
  if (!(windowMs >= 0)) throw new RangeError(`windowMs is ${windowMs}; allowed: a number ≥ 0.`);
  const slice = count === 0 ? 0 : windowMs / count;
  const offsets = Array.from({ length: count }, (_, i) => Math.floor((i + random()) * slice));
  for (let i = offsets.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [offsets[i], offsets[j]] = [offsets[j], offsets[i]];
  }
  return offsets;
}

/**
 * Lifetime of one connection under a maximum connection lifetime with dither (Netflix Zuul Push:
 * TTL − U(0, dither)), ms.
 * @param maxLifetimeMs - > 0
 * @param ditherMs - 0 ≤ ditherMs < maxLifetimeMs
 */
export function connectionLifetimeMs(maxLifetimeMs: number, ditherMs: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(maxLifetimeMs - random() * ditherMs));
}
