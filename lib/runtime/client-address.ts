/**
 * The real client address of a request behind the cell's load balancer.
 *
 * - ALB cells: the ALB connects from its own address and appends the address it accepted the
 *   connection from to `X-Forwarded-For` (default `append` processing mode). Earlier entries were
 *   sent by the client and can say anything, so only the right-most entry (the last hop, added by
 *   the load balancer) is used.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html#x-forwarded-for
 * - NLB cells with proxy protocol (`WST_PROXY_PROTOCOL=1`): the source address of the PROXY
 *   protocol v2 header (see `acceptProxyProtocol`); `LOCAL` headers (the NLB's health checks) and
 *   the `UNSPEC` family fall back to the socket.
 *   https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt §2.2
 * - Otherwise (NLB with client IP preservation, or no load balancer): the socket's peer address.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { proxyHeaderOf } from './proxy-protocol';

/** Where a client address came from. */
export type ClientAddressSource = 'proxy-protocol' | 'x-forwarded-for' | 'socket';

/** The client of one request. */
export interface ClientAddress {
  /** IPv4 dotted quad or IPv6 text (an IPv4-mapped IPv6 peer, `::ffff:a.b.c.d`, is given as `a.b.c.d`). */
  readonly address: string;
  /** Client port: from the PROXY header or the socket; absent for `x-forwarded-for` (the header carries none). */
  readonly port?: number;
  readonly source: ClientAddressSource;
}

/**
 * When to believe `X-Forwarded-For`:
 * - `private-peer` (default): only when the connection comes from a loopback, RFC 1918
 *   (10/8, 172.16/12, 192.168/16), shared (100.64/10, RFC 6598), link-local or IPv6 unique-local
 *   (fc00::/7, RFC 4193) address, i.e. from a load balancer inside the VPC; a client reaching the
 *   server directly from the internet (an NLB cell preserving client IPs) cannot spoof it.
 * - `always`: every request (a VPC on a public CIDR); `never`: ignore the header.
 */
export type ForwardedForTrust = 'private-peer' | 'always' | 'never';

/** Options of `clientAddressOf`. */
export interface ClientAddressOptions {
  /** The server expects a PROXY protocol v2 header (env `WST_PROXY_PROTOCOL=1`); `X-Forwarded-For` is then ignored. */
  readonly proxyProtocol: boolean;
  readonly forwardedFor: ForwardedForTrust;
}

/**
 * The client address of a request (or an upgrade request, or socket.io's `socket.request`).
 * Never throws: anything unusable falls back to the next source, and finally the socket.
 */
export function clientAddressOf(req: Pick<IncomingMessage, 'headers' | 'socket'>, options: ClientAddressOptions): ClientAddress {
  const socket = req.socket;
  const peer = unmapped(socket?.remoteAddress ?? '');
  if (options.proxyProtocol) {
    const h = socket ? proxyHeaderOf(socket) : undefined;
    if (h?.command === 'PROXY' && h.source && (h.family === 'IPv4' || h.family === 'IPv6')) {
      return { address: unmapped(h.source.address), port: h.source.port, source: 'proxy-protocol' };
    }
  } else if (options.forwardedFor === 'always' || (options.forwardedFor === 'private-peer' && isPrivateAddress(peer))) {
    const last = lastForwardedFor(req.headers['x-forwarded-for']);
    if (last) return { address: last, source: 'x-forwarded-for' };
  }
  return { address: peer, port: socket?.remotePort, source: 'socket' };
}

/**
 * The right-most `X-Forwarded-For` entry if it is an IP address (Node joins repeated headers with
 * `, `, so the last header's last entry wins). An entry with a port (`a.b.c.d:p`, `[v6]:p`) is
 * taken without it.
 * @returns undefined when the header is absent or its last entry is not an address
 */
export function lastForwardedFor(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  const entry = text.slice(text.lastIndexOf(',') + 1).trim();
  if (isIP(entry)) return unmapped(entry);
  const withPort = /^\[([0-9a-f:.]+)\]:\d{1,5}$/i.exec(entry) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  return withPort && isIP(withPort[1]) ? unmapped(withPort[1]) : undefined;
}

/** `::ffff:10.0.0.1` → `10.0.0.1` (a dual-stack socket reports IPv4 peers that way). */
function unmapped(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1] : address;
}

/** Loopback, RFC 1918, RFC 6598 shared, link-local, or IPv6 unique-local / link-local / loopback. */
export function isPrivateAddress(address: string): boolean {
  const a = unmapped(address);
  if (isIP(a) === 4) {
    const [o1, o2] = a.split('.').map(Number);
    return (
      o1 === 127 ||
      o1 === 10 ||
      (o1 === 172 && o2 >= 16 && o2 <= 31) ||
      (o1 === 192 && o2 === 168) ||
      (o1 === 100 && o2 >= 64 && o2 <= 127) ||
      (o1 === 169 && o2 === 254)
    );
  }
  if (isIP(a) === 6) {
    const lower = a.toLowerCase();
    return lower === '::1' || /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower);
  }
  return false;
}
