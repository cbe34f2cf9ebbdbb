/**
 * PROXY protocol v2 (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt §2.2): the strict
 * parser on crafted headers, and `acceptProxyProtocol` in front of a real HTTP server on loopback.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { acceptProxyProtocol, parseProxyV2, PROXY_V2_SIGNATURE, proxyHeaderOf } from '../../lib/runtime';
import { within } from '../helpers/net';
import { tlv, v2, v4Header, v6Body } from './proxy-header';

describe('parseProxyV2 on crafted headers', () => {
  test('AF_INET PROXY: source and destination, length; bytes after the header are not consumed', () => {
    const h = v4Header('203.0.113.7', 51000, '10.0.0.5', 443);
    const r = parseProxyV2(Buffer.concat([h, Buffer.from('GET / HTTP/1.1\r\n')]));
    expect(r).toEqual({
      kind: 'header',
      header: {
        command: 'PROXY',
        family: 'IPv4',
        transport: 'STREAM',
        source: { address: '203.0.113.7', port: 51000 },
        destination: { address: '10.0.0.5', port: 443 },
        length: 28,
      },
    });
  });

  test('AF_INET6 PROXY: addresses in RFC 5952 form', () => {
    const body = v6Body([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], [0xfd00, 0, 0, 0x1, 0, 0, 0, 0x20], 4000, 80);
    const r = parseProxyV2(v2(0x21, 0x21, body));
    expect(r).toMatchObject({
      kind: 'header',
      header: { family: 'IPv6', source: { address: '2001:db8::1', port: 4000 }, destination: { address: 'fd00:0:0:1::20', port: 80 } },
    });
    const full = parseProxyV2(v2(0x21, 0x21, v6Body([1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 1], 1, 2)));
    expect(full).toMatchObject({ header: { source: { address: '1:2:3:4:5:6:7:8' }, destination: { address: '::1' } } });
  });

  test('TLVs (the NLB adds its VPC endpoint id as type 0xEA) are skipped', () => {
    const tlvs = Buffer.concat([tlv(0xea, Buffer.from('\x01vpce-0123456789abcdef')), tlv(0x04, Buffer.alloc(0))]);
    const r = parseProxyV2(v4Header('198.51.100.9', 1234, '10.0.0.5', 443, tlvs));
    expect(r).toMatchObject({ kind: 'header', header: { source: { address: '198.51.100.9', port: 1234 }, length: 28 + tlvs.length } });
  });

  test('LOCAL (a health check from the load balancer itself): accepted, no addresses, anything after the fixed part skipped', () => {
    expect(parseProxyV2(v2(0x20, 0x00, Buffer.alloc(0)))).toEqual({
      kind: 'header',
      header: { command: 'LOCAL', family: 'UNSPEC', transport: 'UNSPEC', length: 16 },
    });
    const withAddr = v2(0x20, 0x11, Buffer.alloc(12, 7));
    expect(parseProxyV2(withAddr)).toMatchObject({ kind: 'header', header: { command: 'LOCAL', length: 28 } });
    expect(parseProxyV2(withAddr)).not.toHaveProperty('header.source');
  });

  test('PROXY with the UNSPEC family: accepted without addresses', () => {
    expect(parseProxyV2(v2(0x21, 0x00, Buffer.alloc(0)))).toMatchObject({ kind: 'header', header: { command: 'PROXY', family: 'UNSPEC' } });
  });

  test('every strict prefix of a valid header is incomplete, never a header', () => {
    const h = v4Header('203.0.113.7', 51000, '10.0.0.5', 443, tlv(0xea, Buffer.from('x')));
    for (let n = 0; n < h.length; n++) expect(parseProxyV2(h.subarray(0, n)).kind).toBe('incomplete');
    expect(parseProxyV2(h).kind).toBe('header');
  });

  test.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), /signature/],
    ['a PROXY v1 text header', Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.5 51000 443\r\n'), /signature/],
    ['a signature differing in its last byte', Buffer.concat([PROXY_V2_SIGNATURE.subarray(0, 11), Buffer.from([0x0b])]), /signature/],
    ['version 1 in the binary form', v2(0x11, 0x11, Buffer.alloc(12)), /version is 1; allowed: 2/],
    ['version 3', v2(0x31, 0x11, Buffer.alloc(12)), /version is 3/],
    ['command 2 (unassigned)', v2(0x22, 0x11, Buffer.alloc(12)), /command is 2/],
    ['command 15', v2(0x2f, 0x11, Buffer.alloc(12)), /command is 15/],
    ['family 4 (unassigned)', v2(0x21, 0x41, Buffer.alloc(12)), /address family is 4/],
    ['transport 3 (unassigned)', v2(0x21, 0x13, Buffer.alloc(12)), /transport protocol is 3/],
    ['AF_INET with an 11-byte address block', v2(0x21, 0x11, Buffer.alloc(11)), /shorter than the IPv4 address block/],
    ['AF_INET6 with a 12-byte address block', v2(0x21, 0x21, Buffer.alloc(12)), /shorter than the IPv6 address block/],
    ['AF_UNIX with no address block', v2(0x21, 0x31, Buffer.alloc(0)), /shorter than the UNIX address block/],
    ['a TLV overrunning the header', v4Header('1.2.3.4', 1, '5.6.7.8', 2, Buffer.from([0xea, 0x00, 0x09, 0x01])), /overruns the header/],
    ['two stray bytes after the address block', v4Header('1.2.3.4', 1, '5.6.7.8', 2, Buffer.from([0xea, 0x00])), /cut short/],
  ])('%s is invalid (the connection is refused), as soon as the bad byte arrives', (_what, bytes, reason) => {
    const r = parseProxyV2(bytes);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });

  test('a wrong first byte is refused at once, before 16 bytes arrived', () => {
    expect(parseProxyV2(Buffer.from('G')).kind).toBe('invalid');
  });
});

describe('acceptProxyProtocol in front of an http.Server', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function server(options: Parameters<typeof acceptProxyProtocol>[1] = {}) {
    const seen: { url?: string; source?: string; command?: string }[] = [];
    const refused: string[] = [];
    const s = http.createServer((req, res) => {
      const h = proxyHeaderOf(req.socket);
      seen.push({ url: req.url, source: h?.source?.address, command: h?.command });
      res.end(`ok ${req.url}`);
    });
    acceptProxyProtocol(s, { onRefused: (_sock, reason) => refused.push(reason), ...options });
    acceptProxyProtocol(s); // idempotent: a second call must not strip a second header
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      s.closeAllConnections();
      return new Promise<void>((r) => s.close(() => r()));
    });
    return { port: (s.address() as AddressInfo).port, seen, refused };
  }

  /** Write `chunks` one by one (each in its own write, on the next turn), then collect the reply until the server closes or answers. */
  function exchange(port: number, chunks: Buffer[]): Promise<{ reply: string; closedWithoutReply: boolean }> {
    return new Promise((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1');
      cleanups.push(() => void c.destroy());
      let reply = '';
      c.on('data', (d) => {
        reply += d.toString();
        if (/\r\n\r\nok /.test(reply)) {
          c.destroy();
          resolve({ reply, closedWithoutReply: false });
        }
      });
      c.on('close', () => resolve({ reply, closedWithoutReply: reply === '' }));
      c.on('error', (e) => (/ECONNRESET/.test(e.message) ? undefined : reject(e)));
      const write = (i: number) => {
        if (i >= chunks.length) return;
        c.write(chunks[i], () => setImmediate(() => write(i + 1)));
      };
      c.once('connect', () => write(0));
    });
  }

  const request = (url: string) => Buffer.from(`GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

  test('header and request in one write: the HTTP server sees only the request, the header is kept for the socket', async () => {
    const { port, seen } = await server();
    const r = await within(exchange(port, [Buffer.concat([v4Header('203.0.113.7', 51000), request('/one')])]), 5000, 'reply');
    expect(r.reply).toMatch(/^HTTP\/1\.1 200[\s\S]*ok \/one$/);
    expect(seen).toEqual([{ url: '/one', source: '203.0.113.7', command: 'PROXY' }]);
  });

  test('the header split byte by byte, then the request: still one request with the header’s source', async () => {
    const { port, seen } = await server();
    const h = v4Header('198.51.100.1', 2000);
    const chunks = [...h].map((b) => Buffer.from([b]));
    const r = await within(exchange(port, [...chunks, request('/split')]), 10_000, 'reply');
    expect(r.reply).toMatch(/ok \/split$/);
    expect(seen).toEqual([{ url: '/split', source: '198.51.100.1', command: 'PROXY' }]);
  });

  test('LOCAL (health check): answered, no source', async () => {
    const { port, seen } = await server();
    const r = await within(exchange(port, [Buffer.concat([v2(0x20, 0x00, Buffer.alloc(0)), request('/healthz')])]), 5000, 'reply');
    expect(r.reply).toMatch(/ok \/healthz$/);
    expect(seen).toEqual([{ url: '/healthz', source: undefined, command: 'LOCAL' }]);
  });

  test.each([
    ['a plain HTTP request (no header)', [request('/direct')], /signature/],
    ['a PROXY v1 text header', [Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), request('/v1')], /signature/],
    ['an unassigned command', [Buffer.concat([v2(0x22, 0x11, Buffer.alloc(12)), request('/x')])], /command is 2/],
    ['a truncated address block', [Buffer.concat([v2(0x21, 0x21, Buffer.alloc(12)), request('/x')])], /shorter than the IPv6/],
  ])('%s: the connection is closed without any reply and the request never reaches the server', async (_what, chunks, reason) => {
    const { port, seen, refused } = await server();
    const r = await within(exchange(port, chunks), 5000, 'close');
    expect(r.closedWithoutReply).toBe(true);
    expect(seen).toEqual([]);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(reason);
  });

  test('a connection that never completes its header is closed after headerTimeoutMs', async () => {
    const { port, seen, refused } = await server({ headerTimeoutMs: 200 });
    const r = await within(exchange(port, [PROXY_V2_SIGNATURE.subarray(0, 8)]), 5000, 'close');
    expect(r.closedWithoutReply).toBe(true);
    expect(seen).toEqual([]);
    expect(refused[0]).toMatch(/no complete PROXY protocol v2 header within 200 ms/);
  });

  test('a bad timeout is refused with the option name', () => {
    expect(() => acceptProxyProtocol(http.createServer(), { headerTimeoutMs: 0 })).toThrow(/headerTimeoutMs is 0; allowed: ≥ 1/);
  });
});
