/**
 * Asking the tier's endpoint allocator for a cell (`allocatorUrl`): one `GET`, answered with
 * `{ url, cell, ticket, expiresAt }` (dial `url` as is: it carries the ticket), or 503
 * `{ retryAfterSeconds }` when every cell is full. Anything else (network error, timeout, another
 * status, a body that is not an allocation) counts as unreachable, and the caller falls back to the
 * tier's DNS name. Uses the platform's `fetch` (browsers, Node ≥ 18).
 */

/** The allocator's answer, as the client uses it. */
export type Allocation =
  | { readonly kind: 'cell'; readonly url: string; readonly cell: string; readonly ticket: string; readonly expiresAt: number }
  | { readonly kind: 'full'; readonly retryAfterMs: number }
  | { readonly kind: 'unreachable'; readonly error: string };

/** The part of `fetch` the client uses. */
export type FetchLike = (
  url: string,
  init: { method: string; signal?: AbortSignal; headers?: Record<string, string> },
) => Promise<{ status: number; json(): Promise<unknown>; headers?: { get(name: string): string | null } }>;

/** Options of {@link requestAllocation}. */
export interface AllocationRequestOptions {
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** Give up on the allocator after this many ms (then: unreachable), > 0. @default 3000 */
  readonly timeoutMs?: number;
}

/** Default allocator timeout, ms. */
export const ALLOCATOR_TIMEOUT_MS = 3000;

function isAllocation(b: unknown): b is { url: string; cell: string; ticket: string; expiresAt: number } {
  const o = b as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.url === 'string' &&
    /^wss?:\/\//.test(o.url) &&
    typeof o.cell === 'string' &&
    typeof o.ticket === 'string' &&
    typeof o.expiresAt === 'number'
  );
}

/** Ask the allocator once. Never rejects. */
export async function requestAllocation(allocatorUrl: string, options: AllocationRequestOptions = {}): Promise<Allocation> {
  const f = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) return { kind: 'unreachable', error: 'no fetch available' };
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = setTimeout(() => controller?.abort(), options.timeoutMs ?? ALLOCATOR_TIMEOUT_MS);
  try {
    const res = await f(allocatorUrl, { method: 'GET', signal: controller?.signal, headers: { accept: 'application/json' } });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.status === 200 && isAllocation(body)) return { kind: 'cell', ...body };
    if (res.status === 503) {
      const s = (body as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      const raw = res.headers?.get('retry-after');
      const header = raw === null || raw === undefined || raw === '' ? Number.NaN : Number(raw);
      const seconds = typeof s === 'number' && s >= 0 ? s : Number.isFinite(header) && header >= 0 ? header : undefined;
      if (seconds !== undefined) return { kind: 'full', retryAfterMs: seconds * 1000 };
    }
    return { kind: 'unreachable', error: `allocator answered HTTP ${res.status}` };
  } catch (e) {
    return { kind: 'unreachable', error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
