/**
 * The allocator's request handler: a plain async function from a request to a response, so the
 * same code answers behind API Gateway (a thin adapter maps the HTTP API event), in the local twin
 * and in tests.
 *
 * `GET /` (any path; query `nonce` optional, 8–64 base64url characters):
 * - 200 `{ url, cell, ticket, expiresAt }`: `url` is the cell's direct URL with the ticket as query
 *   parameter `wst_ticket` (dial it as is); `expiresAt` is the ticket's expiry in Unix seconds.
 * - 503 `{ retryAfterSeconds, reason }` with `Retry-After`, when every eligible cell is full
 *   (`reason: 'full'`) or none is healthy and active (`'unavailable'`).
 * - 400 for a malformed nonce, 405 for other methods; `OPTIONS` answers the CORS preflight (204).
 * Every answer has `Cache-Control: no-store` and CORS headers: `Access-Control-Allow-Origin` is the
 * request's Origin when `originAllowed` accepts it (`*` without a predicate), with `Vary: Origin`.
 *
 * Load: read through the `LoadSource` at most every `loadCacheMs`; a reading older than the
 * allocator's `stalenessSeconds` is unknown. Between readings the handler adds the tickets it
 * issued itself since each cell's reading was taken, so a burst of requests does not all land on
 * the one cell that had the most headroom at the last reading (other handler instances' tickets
 * are seen only at the next reading: with N concurrent instances, up to N × burst per reading).
 */
import type { ResolvedAllocator } from './config';
import type { CellLoad, LoadSource } from './load';
import { type SelectableCell, selectCell } from './select';
import { signTicket, TICKET_QUERY_PARAM, type TicketKeys, ticketNonce } from './ticket';

/** A request as the handler needs it (header names lowercase). */
export interface AllocatorRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Query parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
}

/** The handler's answer; `body` is JSON text (empty for 204). */
export interface AllocatorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The 200 body. */
export interface AllocationBody {
  readonly url: string;
  readonly cell: string;
  readonly ticket: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** Options of {@link createAllocatorHandler}. */
export interface AllocatorHandlerOptions {
  /** `resolveTier(config).allocator`. */
  readonly allocator: ResolvedAllocator;
  readonly load: LoadSource;
  /** Signing keys (the current one signs), or a function returning them (e.g. a cached Secrets Manager read). */
  readonly keys: TicketKeys | (() => TicketKeys | Promise<TicketKeys>);
  /** Cells known to fail health checks, by name. @default - none beyond what the load source reports */
  readonly unhealthy?: () => ReadonlySet<string> | Promise<ReadonlySet<string>>;
  /** Which browser Origins get CORS headers. @default every origin (`*`) */
  readonly originAllowed?: (origin: string) => boolean;
  /** Longest time a load reading is reused, ms ≥ 0. @default 1000 */
  readonly loadCacheMs?: number;
  /** Per-cell URL override (the twin's loopback nodes). @default the resolved `wss://<cell>.<domainName>/` */
  readonly cellUrl?: (cell: string) => string;
  /** Clock, Unix ms. @default Date.now */
  readonly now?: () => number;
  /** Uniform [0, 1) source. @default Math.random */
  readonly random?: () => number;
}

const NONCE = /^[A-Za-z0-9_-]{8,64}$/;

/** Build the handler (rules in the module comment). */
export function createAllocatorHandler(options: AllocatorHandlerOptions): (req: AllocatorRequest) => Promise<AllocatorResponse> {
  const a = options.allocator;
  const now = options.now ?? Date.now;
  const cacheMs = options.loadCacheMs ?? 1000;
  const names = a.cells.map((c) => c.name);
  let cached: { atMs: number; load: ReadonlyMap<string, CellLoad> } | undefined;
  /** Tickets this handler issued: cell → issue times (ms), pruned after the staleness window. */
  const issued = new Map<string, number[]>();

  const readLoad = async (t: number): Promise<ReadonlyMap<string, CellLoad>> => {
    if (cached && t - cached.atMs <= cacheMs) return cached.load;
    const load = await options.load.read(names);
    cached = { atMs: t, load };
    return load;
  };

  return async (req) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> = { 'cache-control': 'no-store', vary: 'Origin' };
    if (origin !== undefined && (options.originAllowed === undefined || options.originAllowed(origin))) {
      cors['access-control-allow-origin'] = options.originAllowed === undefined ? '*' : origin;
    }
    const json = (status: number, body: unknown, extra: Record<string, string> = {}): AllocatorResponse => ({
      status,
      headers: { ...cors, 'content-type': 'application/json', ...extra },
      body: JSON.stringify(body),
    });
    const method = req.method.toUpperCase();
    if (method === 'OPTIONS') {
      return {
        status: 204,
        headers: { ...cors, 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-max-age': '600' },
        body: '',
      };
    }
    if (method !== 'GET') return json(405, { error: `method ${method} not allowed; use GET` }, { allow: 'GET, OPTIONS' });
    const nonce = req.query?.nonce;
    if (nonce !== undefined && !NONCE.test(nonce)) {
      return json(400, { error: 'nonce must be 8–64 base64url characters ([A-Za-z0-9_-])' });
    }

    const t = now();
    const staleMs = a.stalenessSeconds * 1000;
    const [load, unhealthy] = await Promise.all([
      readLoad(t).catch(() => new Map<string, CellLoad>()),
      options.unhealthy ? Promise.resolve(options.unhealthy()).catch(() => new Set<string>()) : new Set<string>(),
    ]);
    const cells: SelectableCell[] = a.cells.map((c) => {
      const l = load.get(c.name);
      const times = (issued.get(c.name) ?? []).filter((x) => t - x <= staleMs);
      issued.set(c.name, times);
      const stale = l === undefined || t - l.observedAtMs > staleMs;
      const pending = l === undefined ? 0 : times.filter((x) => x >= l.observedAtMs).length;
      return {
        name: c.name,
        url: options.cellUrl ? options.cellUrl(c.name) : c.url,
        state: c.state,
        healthy: !unhealthy.has(c.name) && l?.healthy !== false,
        connections: l === undefined ? undefined : l.connections + pending,
        stale,
        capacity: c.capacity,
        weight: c.weight,
      };
    });
    const choice = selectCell(cells, { retryAfterSeconds: a.retryAfterSeconds, random: options.random });
    if (!choice.ok) {
      return json(
        503,
        { retryAfterSeconds: choice.retryAfterSeconds, reason: choice.reason },
        { 'retry-after': String(choice.retryAfterSeconds) },
      );
    }
    const keys = typeof options.keys === 'function' ? await options.keys() : options.keys;
    const expiresAt = Math.floor(t / 1000) + a.ticketTtlSeconds;
    const ticket = signTicket({ cell: choice.cell.name, expiresAt, nonce: nonce ?? ticketNonce() }, keys.current);
    issued.get(choice.cell.name)?.push(t);
    const url = new URL(choice.cell.url);
    url.searchParams.set(TICKET_QUERY_PARAM, ticket);
    const body: AllocationBody = { url: url.toString(), cell: choice.cell.name, ticket, expiresAt };
    return json(200, body);
  };
}
