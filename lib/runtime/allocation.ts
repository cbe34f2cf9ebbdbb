/**
 * Allocation tickets at the upgrade (docs/server-contract.md §14): the server side of the endpoint
 * allocator. The client dials the URL the allocator returned, which carries the ticket as query
 * parameter `wst_ticket`; the runtime verifies it (HMAC-SHA256, current or previous key, expiry,
 * this cell) before the upgrade.
 *
 * | mode      | no ticket        | invalid ticket (forged, expired, other cell, malformed) |
 * | --------- | ---------------- | -------------------------------------------------------- |
 * | `off`     | accepted         | accepted (not read)                                      |
 * | `prefer`  | accepted (DNS path) | HTTP 403 `ticket <reason>`                            |
 * | `require` | HTTP 403 `ticket missing` | HTTP 403 `ticket <reason>`                       |
 *
 * A refusal is an HTTP 403 before the upgrade, like the Origin check (§8): the client's next step
 * is to ask the allocator again, which it does on every reconnect anyway.
 */
import type { IncomingMessage } from 'node:http';
import { TICKET_QUERY_PARAM, type TicketKeys, verifyTicket } from '../core/allocator/ticket';
import type { AllocationMode } from '../core/allocator/config';
import { RUNTIME_ENV, SERVER_ENV } from '../core/server-contract';

export type { AllocationMode } from '../core/allocator/config';

/** Ticket checking at the upgrade. */
export interface AllocationOptions {
  /** @default env `WST_ALLOCATION`, else `off` */
  readonly mode?: AllocationMode;
  /** @default env `WST_TICKET_KEY` and `WST_TICKET_PREVIOUS_KEY` */
  readonly keys?: TicketKeys;
  /** This server's cell. @default env `WST_CELL` */
  readonly cell?: string;
  /** Seconds past a ticket's expiry still accepted (clock skew), 0–60. @default 5 */
  readonly leewaySeconds?: number;
  /** Clock, Unix ms. @default Date.now */
  readonly now?: () => number;
}

/** The checker the runtime's `admit()` calls; undefined when the mode is `off`. */
export interface TicketCheck {
  readonly mode: 'prefer' | 'require';
  /** undefined to accept, else the 403 reason. */
  refusal(req: Pick<IncomingMessage, 'url'>): string | undefined;
}

/**
 * Build the ticket check from options and the environment.
 * @throws RangeError naming the variable or option when the mode is unknown, or a key or the cell is missing under `prefer`/`require`
 */
export function ticketCheck(options: AllocationOptions | AllocationMode | undefined, env: NodeJS.ProcessEnv): TicketCheck | undefined {
  const o: AllocationOptions = typeof options === 'string' ? { mode: options } : (options ?? {});
  const raw = o.mode ?? (env[RUNTIME_ENV.allocation] || 'off');
  if (raw !== 'off' && raw !== 'prefer' && raw !== 'require') {
    throw new RangeError(
      `allocation mode is ${JSON.stringify(raw)} (${o.mode !== undefined ? 'allocation.mode' : RUNTIME_ENV.allocation}); allowed: "off", "prefer" or "require". Fix: use one of them.`,
    );
  }
  if (raw === 'off') return undefined;
  const current = o.keys?.current ?? env[RUNTIME_ENV.ticketKey];
  const previous = o.keys ? o.keys.previous : env[RUNTIME_ENV.ticketPreviousKey] || undefined;
  const cell = o.cell ?? env[SERVER_ENV.cellName];
  if (!current) {
    throw new RangeError(
      `allocation is "${raw}" but no ticket key is set; allowed: allocation.keys.current or ${RUNTIME_ENV.ticketKey} (≥ 32 bytes). Fix: give the allocator's key, or set the mode to "off".`,
    );
  }
  if (!cell) {
    throw new RangeError(
      `allocation is "${raw}" but this server's cell is unknown. Fix: set ${SERVER_ENV.cellName} (the tier writes it) or allocation.cell.`,
    );
  }
  const leewaySeconds = o.leewaySeconds ?? 5;
  if (!(leewaySeconds >= 0 && leewaySeconds <= 60)) {
    throw new RangeError(`allocation.leewaySeconds is ${leewaySeconds}; allowed: 0–60. Fix: use a few seconds.`);
  }
  const keys: TicketKeys = { current, previous };
  // Fail at start, not at the first client, on a short key.
  verifyTicket('', { cell, keys });
  const now = o.now ?? Date.now;
  return {
    mode: raw,
    refusal(req) {
      const ticket = ticketOf(req.url);
      if (ticket === undefined) return raw === 'require' ? 'ticket missing' : undefined;
      const v = verifyTicket(ticket, { cell, keys, nowMs: now(), leewaySeconds });
      return v.ok ? undefined : `ticket ${v.reason}`;
    },
  };
}

/** The `wst_ticket` query parameter of a request target, if any. */
export function ticketOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const value = new URLSearchParams(url.slice(q + 1)).get(TICKET_QUERY_PARAM);
  return value === null ? undefined : value;
}
