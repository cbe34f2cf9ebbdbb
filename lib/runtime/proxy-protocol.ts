/**
 * PROXY protocol version 2 (the binary header a Network Load Balancer prepends to every TCP
 * connection, health checks included, when the target group's `proxy_protocol_v2.enabled` is on):
 * a strict parser and a reader that strips the header before Node's HTTP server sees the bytes.
 * Spec: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt §2.2; NLB:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol
 *
 * Strict means a connection whose first bytes are not one well-formed v2 header is destroyed, never
 * passed on: a wrong signature (including a v1 text header), a version other than 2, an unassigned
 * command, family or transport, an address block shorter than the family needs, or TLVs that do not
 * tile the rest of the header exactly. Only the first header is read: the load balancer's own comes
 * first, and any header after it was sent by the client and reaches the HTTP parser as bad input.
 */
import type { Server as NetServer, Socket } from 'node:net';

/** The 12-byte signature of a v2 header (§2.2). */
export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Fixed part of a v2 header: signature, version/command, family/transport, length (§2.2). */
export const PROXY_V2_FIXED_BYTES = 16;

/** Address block bytes per family (§2.2): AF_INET 12, AF_INET6 36, AF_UNIX 216, AF_UNSPEC 0. */
const ADDRESS_BYTES = { UNSPEC: 0, IPv4: 12, IPv6: 36, UNIX: 216 } as const;
const FAMILIES = ['UNSPEC', 'IPv4', 'IPv6', 'UNIX'] as const;
const TRANSPORTS = ['UNSPEC', 'STREAM', 'DGRAM'] as const;

/** One endpoint of the proxied connection. */
export interface ProxyEndpoint {
  /** IPv4 dotted quad, IPv6 in RFC 5952 form, or a UNIX socket path. */
  readonly address: string;
  /** TCP/UDP port 0–65535; absent for UNIX sockets. */
  readonly port?: number;
}

/** A parsed v2 header. */
export interface ProxyHeader {
  /** `LOCAL`: the proxy's own connection (e.g. a health check), use the socket's addresses; `PROXY`: relayed. */
  readonly command: 'LOCAL' | 'PROXY';
  readonly family: (typeof FAMILIES)[number];
  readonly transport: (typeof TRANSPORTS)[number];
  /** The original client; absent for `LOCAL`, and for the `UNSPEC` family. */
  readonly source?: ProxyEndpoint;
  /** The address the client connected to (the load balancer's listener); absent like `source`. */
  readonly destination?: ProxyEndpoint;
  /** Header length in bytes (fixed part + address block + TLVs). */
  readonly length: number;
}

/** Result of `parseProxyV2`: more bytes needed, a refusal with its reason, or a header. */
export type ProxyParse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'header'; readonly header: ProxyHeader };

/**
 * Parse a v2 header at the start of `buf` (which may hold fewer bytes than the header, or the
 * application bytes after it). Never throws.
 * @returns `incomplete` while every byte so far is consistent with a header, `invalid` as soon as one is not
 */
export function parseProxyV2(buf: Buffer): ProxyParse {
  const sig = Math.min(buf.length, PROXY_V2_SIGNATURE.length);
  if (!buf.subarray(0, sig).equals(PROXY_V2_SIGNATURE.subarray(0, sig))) {
    return invalid('the connection does not start with the PROXY protocol v2 signature');
  }
  if (buf.length < 13) return { kind: 'incomplete' };
  const version = buf[12] >> 4;
  const cmd = buf[12] & 0x0f;
  if (version !== 2) return invalid(`version is ${version}; allowed: 2`);
  if (cmd > 1) return invalid(`command is ${cmd}; allowed: 0 (LOCAL) or 1 (PROXY)`);
  if (buf.length < 14) return { kind: 'incomplete' };
  const fam = buf[13] >> 4;
  const tr = buf[13] & 0x0f;
  if (fam >= FAMILIES.length) return invalid(`address family is ${fam}; allowed: 0–3`);
  if (tr >= TRANSPORTS.length) return invalid(`transport protocol is ${tr}; allowed: 0–2`);
  if (buf.length < PROXY_V2_FIXED_BYTES) return { kind: 'incomplete' };
  const length = PROXY_V2_FIXED_BYTES + buf.readUInt16BE(14);
  const family = FAMILIES[fam];
  const transport = TRANSPORTS[tr];
  const command = cmd === 0 ? 'LOCAL' : 'PROXY';
  const addressBytes = ADDRESS_BYTES[family];
  // A LOCAL header may carry anything after the fixed part (§2.2: the receiver skips it); a PROXY
  // header must hold at least its family's address block.
  if (command === 'PROXY' && length - PROXY_V2_FIXED_BYTES < addressBytes) {
    return invalid(`length ${length - PROXY_V2_FIXED_BYTES} is shorter than the ${family} address block (${addressBytes} bytes)`);
  }
  if (buf.length < length) return { kind: 'incomplete' };
  if (command === 'LOCAL') return { kind: 'header', header: { command, family, transport, length } };
  // TLVs (§2.2.7): type (1 byte), length (2 bytes), value; they must fill the rest exactly.
  let at = PROXY_V2_FIXED_BYTES + addressBytes;
  while (at < length) {
    if (length - at < 3) return invalid(`a TLV at byte ${at} is cut short`);
    const tlvEnd = at + 3 + buf.readUInt16BE(at + 1);
    if (tlvEnd > length) return invalid(`the TLV of type 0x${buf[at].toString(16)} at byte ${at} overruns the header`);
    at = tlvEnd;
  }
  const a = PROXY_V2_FIXED_BYTES;
  let source: ProxyEndpoint | undefined;
  let destination: ProxyEndpoint | undefined;
  if (family === 'IPv4') {
    source = { address: ipv4(buf, a), port: buf.readUInt16BE(a + 8) };
    destination = { address: ipv4(buf, a + 4), port: buf.readUInt16BE(a + 10) };
  } else if (family === 'IPv6') {
    source = { address: ipv6(buf, a), port: buf.readUInt16BE(a + 32) };
    destination = { address: ipv6(buf, a + 16), port: buf.readUInt16BE(a + 34) };
  } else if (family === 'UNIX') {
    source = { address: unixPath(buf, a) };
    destination = { address: unixPath(buf, a + 108) };
  }
  return { kind: 'header', header: { command, family, transport, source, destination, length } };
}

function invalid(reason: string): ProxyParse {
  return { kind: 'invalid', reason };
}

function ipv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

/** RFC 5952 §4: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function ipv6(buf: Buffer, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(at + 2 * i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function unixPath(buf: Buffer, at: number): string {
  const raw = buf.subarray(at, at + 108);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
}

const headers = new WeakMap<Socket, ProxyHeader>();

/** The v2 header read from this connection by `acceptProxyProtocol`, if any. */
export function proxyHeaderOf(socket: Socket): ProxyHeader | undefined {
  return headers.get(socket);
}

/** Options of `acceptProxyProtocol`. */
export interface AcceptProxyProtocolOptions {
  /** Ms to wait for the complete header before the connection is destroyed, ≥ 1. @default 5000 */
  readonly headerTimeoutMs?: number;
  /** Called with the reason when a connection is refused (malformed header, timeout). @default none */
  readonly onRefused?: (socket: Socket, reason: string) => void;
}

/** Servers `acceptProxyProtocol` was installed on (installing twice would strip two headers). */
const installed = new WeakSet<NetServer>();

/**
 * Make a server (an `http.Server`, or any `net.Server`) require a PROXY protocol v2 header on every
 * connection: the header is read and stripped before any `connection` listener runs (so Node's HTTP
 * parser, `ws` and Engine.IO only see the bytes after it), kept for `proxyHeaderOf(socket)`, and a
 * connection without a well-formed header within `headerTimeoutMs` is destroyed. Idempotent. Turn
 * it on only behind a load balancer that sends the header (NLB with `proxy_protocol_v2.enabled`):
 * a direct client cannot connect at all.
 * @returns the server
 * @throws RangeError when `headerTimeoutMs` is below 1
 */
export function acceptProxyProtocol<S extends NetServer>(server: S, options: AcceptProxyProtocolOptions = {}): S {
  const timeoutMs = options.headerTimeoutMs ?? 5000;
  if (!(timeoutMs >= 1)) throw new RangeError(`headerTimeoutMs is ${timeoutMs}; allowed: ≥ 1. Fix: pass a positive number of ms.`);
  if (installed.has(server)) return server;
  installed.add(server);
  const emit = server.emit as (this: S, event: string | symbol, ...args: unknown[]) => boolean;
  // net.Server announces every accepted socket with emit('connection'); holding that back until the
  // header is read puts the reader in front of every listener, including ones added later.
  server.emit = function (this: S, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'connection') return emit.call(this, event, ...args);
    const socket = args[0] as Socket;
    // Node caches the peer address on first read; read it now, so it is still known for a LOCAL
    // header's fallback after the peer reset the connection (HAProxy resets checks once answered).
    void socket.remoteAddress;
    readHeader(socket, timeoutMs).then(
      (header) => {
        headers.set(socket, header);
        emit.call(this, 'connection', socket);
      },
      (e: Error) => {
        options.onRefused?.(socket, e.message);
        socket.destroy();
      },
    );
    return true;
  } as S['emit'];
  return server;
}

function readHeader(socket: Socket, timeoutMs: number): Promise<ProxyHeader> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`no complete PROXY protocol v2 header within ${timeoutMs} ms`)), timeoutMs);
    const done = (err?: Error, header?: ProxyHeader, rest?: Buffer) => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('error', onEnd);
      socket.off('end', onEnd);
      if (err || !header) return reject(err);
      if (rest && rest.length > 0) socket.unshift(rest);
      resolve(header);
    };
    const onEnd = () => done(new Error('the connection ended before a complete PROXY protocol v2 header'));
    const onReadable = () => {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null;) {
        chunks = chunks.length === 0 ? chunk : Buffer.concat([chunks, chunk]);
        const r = parseProxyV2(chunks);
        if (r.kind === 'invalid') return done(new Error(`PROXY protocol v2: ${r.reason}`));
        if (r.kind === 'header') return done(undefined, r.header, chunks.subarray(r.header.length));
      }
    };
    socket.on('readable', onReadable);
    socket.on('error', onEnd);
    socket.on('end', onEnd);
  });
}
