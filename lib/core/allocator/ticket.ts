/**
 * Allocation tickets: what the allocator signs and a cell's servers verify at the upgrade
 * (docs/server-contract.md §14, the normative text for servers in other languages).
 *
 * Format (version 1), ASCII, five fields joined by `.`:
 * ```
 * v1.<cell>.<expiresAt>.<nonce>.<mac>
 * ```
 * - `cell`: the cell's name (`[a-z0-9-]`, 1–32 characters, no leading or trailing hyphen);
 * - `expiresAt`: Unix time in whole seconds, decimal, no sign, no leading zero, 1–12 digits;
 * - `nonce`: 8–64 characters of the base64url alphabet (RFC 4648 §5, `[A-Za-z0-9_-]`), random per
 *   ticket (the client may supply it);
 * - `mac`: base64url without padding (43 characters) of HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed
 *   with the secret's UTF-8 bytes over the first four fields exactly as sent, dots included
 *   (`v1.<cell>.<expiresAt>.<nonce>`).
 * Every character is URI-unreserved (RFC 3986 §2.3), so the ticket travels in a query parameter
 * (`wst_ticket`) unescaped. Keys are at least 32 bytes (RFC 2104 §3: not shorter than the hash output).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The ticket format version this module writes and reads. */
export const TICKET_VERSION = 'v1';
/** Query parameter that carries the ticket on the WebSocket URL. */
export const TICKET_QUERY_PARAM = 'wst_ticket';
/** Shortest key, bytes (RFC 2104 §3: at least the hash output, 32 bytes for SHA-256). */
export const MIN_TICKET_KEY_BYTES = 32;

const CELL = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const EXPIRES = /^[1-9][0-9]{0,11}$/;
const NONCE = /^[A-Za-z0-9_-]{8,64}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

/** The signing keys: the current one signs, both verify (rotation). */
export interface TicketKeys {
  readonly current: string;
  /** The key before the last rotation, still accepted. @default - none */
  readonly previous?: string;
}

/** What a valid ticket says. */
export interface TicketClaims {
  readonly cell: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly nonce: string;
}

/** Why a ticket was refused. */
export type TicketRefusal = 'malformed' | 'bad-signature' | 'expired' | 'wrong-cell';

/** The verdict of {@link verifyTicket}. */
export type TicketVerdict =
  ({ readonly ok: true; readonly key: 'current' | 'previous' } & TicketClaims) | { readonly ok: false; readonly reason: TicketRefusal };

function checkKey(key: string, name: string): void {
  if (typeof key !== 'string' || Buffer.byteLength(key, 'utf8') < MIN_TICKET_KEY_BYTES) {
    throw new RangeError(
      `ticket ${name} key is ${typeof key === 'string' ? `${Buffer.byteLength(key, 'utf8')} bytes` : typeof key}; allowed: a string of at least ${MIN_TICKET_KEY_BYTES} bytes (RFC 2104 §3). Fix: use a random 32-byte (or longer) secret, e.g. 43 base64url characters.`,
    );
  }
}

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(payload, 'ascii').digest();
}

/** A fresh random nonce: 16 bytes, base64url (22 characters). */
export function ticketNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Sign a ticket.
 * @param claims - cell, expiry (Unix seconds, integer), nonce (default: {@link ticketNonce})
 * @throws RangeError when a claim does not fit the format or the key is shorter than 32 bytes
 */
export function signTicket(claims: { cell: string; expiresAt: number; nonce?: string }, key: string): string {
  checkKey(key, 'current');
  const nonce = claims.nonce ?? ticketNonce();
  const expires = String(claims.expiresAt);
  if (!CELL.test(claims.cell)) throw new RangeError(`ticket cell ${JSON.stringify(claims.cell)} is not a cell name ([a-z0-9-], 1–32).`);
  if (!Number.isInteger(claims.expiresAt) || !EXPIRES.test(expires)) {
    throw new RangeError(`ticket expiresAt ${claims.expiresAt} is not a positive integer of Unix seconds (1–12 digits).`);
  }
  if (!NONCE.test(nonce)) throw new RangeError(`ticket nonce ${JSON.stringify(nonce)} is not 8–64 base64url characters.`);
  const payload = `${TICKET_VERSION}.${claims.cell}.${expires}.${nonce}`;
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** Options of {@link verifyTicket}. */
export interface VerifyTicketOptions {
  /** The cell this server belongs to (`WST_CELL`). */
  readonly cell: string;
  readonly keys: TicketKeys;
  /** Now, Unix ms. @default Date.now() */
  readonly nowMs?: number;
  /** Seconds past `expiresAt` still accepted (clock skew between allocator and server), ≥ 0. @default 0 */
  readonly leewaySeconds?: number;
}

/**
 * Verify a ticket: well-formed, signed by the current or the previous key (compared in constant
 * time), not expired, for this cell, checked in that order.
 * @returns the claims and which key matched, or the reason for refusal
 */
export function verifyTicket(ticket: unknown, options: VerifyTicketOptions): TicketVerdict {
  checkKey(options.keys.current, 'current');
  if (options.keys.previous !== undefined) checkKey(options.keys.previous, 'previous');
  if (typeof ticket !== 'string' || ticket.length > 256) return { ok: false, reason: 'malformed' };
  const parts = ticket.split('.');
  if (parts.length !== 5) return { ok: false, reason: 'malformed' };
  const [version, cell, expires, nonce, sig] = parts;
  if (version !== TICKET_VERSION || !CELL.test(cell) || !EXPIRES.test(expires) || !NONCE.test(nonce) || !MAC.test(sig)) {
    return { ok: false, reason: 'malformed' };
  }
  const given = Buffer.from(sig, 'base64url');
  // Canonical encoding only: a second spelling of the same MAC bytes is refused.
  if (given.length !== 32 || given.toString('base64url') !== sig) return { ok: false, reason: 'malformed' };
  const payload = `${version}.${cell}.${expires}.${nonce}`;
  // Both keys are always computed and compared, so timing does not tell which one matched.
  const current = timingSafeEqual(given, mac(options.keys.current, payload));
  const previous = options.keys.previous !== undefined && timingSafeEqual(given, mac(options.keys.previous, payload));
  if (!current && !previous) return { ok: false, reason: 'bad-signature' };
  const expiresAt = Number(expires);
  const nowSeconds = (options.nowMs ?? Date.now()) / 1000;
  if (nowSeconds > expiresAt + (options.leewaySeconds ?? 0)) return { ok: false, reason: 'expired' };
  if (cell !== options.cell) return { ok: false, reason: 'wrong-cell' };
  return { ok: true, key: current ? 'current' : 'previous', cell, expiresAt, nonce };
}
