/** Crafted PROXY protocol v2 headers for tests (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt §2.2). */
import { PROXY_V2_SIGNATURE } from '../../lib/runtime';

/** A v2 header: version/command byte, family/transport byte, then the body (address block + TLVs). */
export function v2(verCmd: number, famTr: number, body: Buffer, lengthOverride?: number): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = verCmd;
  fixed[1] = famTr;
  fixed.writeUInt16BE(lengthOverride ?? body.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, body]);
}

/** An AF_INET/STREAM PROXY header from `src:sport` to `dst:dport`, with optional TLV bytes. */
export function v4Header(src: string, sport: number, dst = '10.0.0.5', dport = 443, tlvs: Buffer = Buffer.alloc(0)): Buffer {
  const a = Buffer.alloc(12);
  src.split('.').forEach((o, i) => (a[i] = Number(o)));
  dst.split('.').forEach((o, i) => (a[4 + i] = Number(o)));
  a.writeUInt16BE(sport, 8);
  a.writeUInt16BE(dport, 10);
  return v2(0x21, 0x11, Buffer.concat([a, tlvs]));
}

export function tlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(3);
  h[0] = type;
  h.writeUInt16BE(value.length, 1);
  return Buffer.concat([h, value]);
}

export function v6Body(src: number[], dst: number[], sport: number, dport: number): Buffer {
  const b = Buffer.alloc(36);
  src.forEach((g, i) => b.writeUInt16BE(g, 2 * i));
  dst.forEach((g, i) => b.writeUInt16BE(g, 16 + 2 * i));
  b.writeUInt16BE(sport, 32);
  b.writeUInt16BE(dport, 34);
  return b;
}
