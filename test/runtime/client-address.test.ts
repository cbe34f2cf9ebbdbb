/**
 * The client address behind the load balancer: the right-most `X-Forwarded-For` entry (ALB,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html) or
 * the PROXY protocol v2 source (NLB, `WST_PROXY_PROTOCOL=1`), on the `ws` and socket.io adapters
 * with real clients on loopback.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import {
  attachSocketIoServer,
  attachWebSocketServer,
  type ClientAddress,
  clientAddressOf,
  type EngineSocket,
  isPrivateAddress,
  lastForwardedFor,
  RUNTIME_ENV,
  type RuntimeOptions,
  socketIoServerOptions,
  WebSocketRuntime,
  wsServerOptions,
} from '../../lib/runtime';
import { within } from '../helpers/net';
import { v2, v4Header, v6Body } from './proxy-header';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const fakeReq = (remoteAddress: string, xff?: string | string[]) =>
  ({ headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress, remotePort: 40000 } }) as unknown as Parameters<
    typeof clientAddressOf
  >[0];

describe('X-Forwarded-For: the right-most entry, from a trusted peer only', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['6.6.6.6, 203.0.113.7', '203.0.113.7'],
    ['spoofed, 1.1.1.1,203.0.113.7 ', '203.0.113.7'],
    ['2001:db8::1', '2001:db8::1'],
    ['1.2.3.4, ::ffff:198.51.100.2', '198.51.100.2'],
    ['203.0.113.7:51000', '203.0.113.7'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['203.0.113.7, not-an-ip', undefined],
    ['203.0.113.7, ', undefined],
    ['', undefined],
  ])('%j → %p', (header, expected) => {
    expect(lastForwardedFor(header)).toBe(expected);
  });

  test('repeated headers: the last one’s last entry', () => {
    expect(lastForwardedFor(['6.6.6.6', '7.7.7.7, 203.0.113.9'])).toBe('203.0.113.9');
  });

  test('the left-most (client-controlled) value is never used', () => {
    const a = clientAddressOf(fakeReq('10.0.1.20', '127.0.0.1, 203.0.113.7'), { proxyProtocol: false, forwardedFor: 'private-peer' });
    expect(a).toEqual({ address: '203.0.113.7', source: 'x-forwarded-for' });
  });

  test('private-peer: trusted from a VPC address (the ALB), ignored from a public peer (an NLB preserving a client IP)', () => {
    const opts = { proxyProtocol: false, forwardedFor: 'private-peer' } as const;
    expect(clientAddressOf(fakeReq('172.31.4.5', '203.0.113.7'), opts).address).toBe('203.0.113.7');
    expect(clientAddressOf(fakeReq('198.51.100.50', '203.0.113.7'), opts)).toEqual({
      address: '198.51.100.50',
      port: 40000,
      source: 'socket',
    });
    expect(clientAddressOf(fakeReq('198.51.100.50', '203.0.113.7'), { ...opts, forwardedFor: 'always' }).address).toBe('203.0.113.7');
    expect(clientAddressOf(fakeReq('10.0.0.1', '203.0.113.7'), { ...opts, forwardedFor: 'never' }).source).toBe('socket');
    expect(clientAddressOf(fakeReq('10.0.0.1'), opts)).toEqual({ address: '10.0.0.1', port: 40000, source: 'socket' });
    expect(clientAddressOf(fakeReq('::ffff:10.0.0.1'), opts).address).toBe('10.0.0.1');
  });

  test('with proxy protocol on, X-Forwarded-For is ignored (an NLB adds none; any there is the client’s)', () => {
    expect(clientAddressOf(fakeReq('10.0.0.1', '203.0.113.7'), { proxyProtocol: true, forwardedFor: 'always' }).source).toBe('socket');
  });

  test.each([
    ['127.0.0.1', true],
    ['10.255.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['172.15.0.1', false],
    ['192.168.1.1', true],
    ['192.169.1.1', false],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['169.254.169.254', true],
    ['203.0.113.7', false],
    ['::1', true],
    ['fd12:3456::1', true],
    ['fc00::1', true],
    ['fe80::1', true],
    ['fc::1', false],
    ['2001:db8::1', false],
    ['::ffff:10.1.2.3', true],
    ['', false],
  ])('isPrivateAddress(%j) is %p', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  test('a bad forwardedFor option is refused with the allowed values', () => {
    expect(() => new WebSocketRuntime({ signals: [], env: {}, forwardedFor: 'yes' as never })).toThrow(/forwardedFor is "yes"; allowed: /);
  });
});

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

async function wsServer(options: RuntimeOptions) {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, ...options });
  const server = http.createServer((req, res) => runtime.handleHealth(req, res) || res.writeHead(404).end());
  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  const warnings: string[] = [];
  runtime.on('warning', (e: Error) => warnings.push(e.message));
  const addresses: ClientAddress[] = [];
  wss.on('connection', (_ws, req) => addresses.push(runtime.clientAddress(req)));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return { runtime, port: await listen(server), addresses, warnings };
}

/** A `ws` client whose TCP connection starts with `prefix` (what the NLB would send first). */
function openWs(port: number, options: { prefix?: Buffer; headers?: Record<string, string>; path?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/'}`, {
      headers: options.headers,
      createConnection: options.prefix
        ? () => {
            const s = net.connect(port, '127.0.0.1');
            s.write(options.prefix as Buffer);
            return s;
          }
        : undefined,
    });
    cleanups.push(() => ws.terminate());
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('ws adapter', () => {
  test('behind an ALB: runtime.clientAddress(req) is the right-most X-Forwarded-For entry', async () => {
    const { port, addresses } = await wsServer({});
    await within(openWs(port, { headers: { 'X-Forwarded-For': '127.0.0.9, 203.0.113.7' } }), 5000, 'open');
    expect(addresses).toEqual([{ address: '203.0.113.7', source: 'x-forwarded-for' }]);
  });

  test('without the header: the socket peer and port', async () => {
    const { port, addresses } = await wsServer({});
    await within(openWs(port), 5000, 'open');
    expect(addresses).toEqual([{ address: '127.0.0.1', port: expect.any(Number), source: 'socket' }]);
  });

  test('WST_PROXY_PROTOCOL=1: the header is stripped and its IPv4 / IPv6 source is the client; X-Forwarded-For is ignored', async () => {
    const { runtime, port, addresses } = await wsServer({ env: { [RUNTIME_ENV.proxyProtocol]: '1' } });
    expect(runtime.proxyProtocol).toBe(true);
    await within(openWs(port, { prefix: v4Header('203.0.113.7', 51000), headers: { 'X-Forwarded-For': '6.6.6.6' } }), 5000, 'open v4');
    const v6 = v2(0x21, 0x21, v6Body([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x42], [0xfd00, 0, 0, 0, 0, 0, 0, 1], 60000, 443));
    await within(openWs(port, { prefix: v6 }), 5000, 'open v6');
    expect(addresses).toEqual([
      { address: '203.0.113.7', port: 51000, source: 'proxy-protocol' },
      { address: '2001:db8::42', port: 60000, source: 'proxy-protocol' },
    ]);
  });

  test('WST_PROXY_PROTOCOL=1: a LOCAL health check is answered; a client without a header is refused with a warning', async () => {
    const { port, warnings } = await wsServer({ proxyProtocol: true });
    const health = await within(
      new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.write(
            Buffer.concat([v2(0x20, 0x00, Buffer.alloc(0)), Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]),
          );
        });
        let text = '';
        s.on('data', (d) => (text += d.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      }),
      5000,
      'health answer',
    );
    expect(health).toMatch(/^HTTP\/1\.1 200 /);
    await expect(within(openWs(port), 5000, 'refusal')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(
      warnings.some((w) => /refused: PROXY protocol v2: the connection does not start with the PROXY protocol v2 signature/.test(w)),
    ).toBe(true);
  });
});

test('WST_PROXY_PROTOCOL=1, LOCAL header: the socket peer is still known after the peer reset the connection', async () => {
  const runtime = new WebSocketRuntime({ signals: [], env: { [RUNTIME_ENV.proxyProtocol]: '1' } });
  let gotRequest!: () => void;
  const requested = new Promise<void>((r) => (gotRequest = r));
  const seen = new Promise<ClientAddress>((resolve) => {
    const s = http.createServer((req) => {
      req.socket.once('close', () => resolve(runtime.clientAddress(req)));
      gotRequest();
    });
    const wss = new WebSocketServer({ server: s, ...wsServerOptions(runtime) });
    attachWebSocketServer(runtime, wss);
    cleanups.push(() => void wss.close());
    void listen(s).then((port) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.write(Buffer.concat([v2(0x20, 0x00, Buffer.alloc(0)), Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')]));
        void requested.then(() => c.resetAndDestroy());
      });
      c.on('error', () => undefined);
    });
  });
  expect(await within(seen, 5000, 'the reset')).toMatchObject({ address: '127.0.0.1', source: 'socket' });
});

describe('socket.io adapter', () => {
  async function ioServer(options: RuntimeOptions) {
    const runtime = new WebSocketRuntime({ signals: [], env: {}, ...options });
    const server = http.createServer();
    const io = new SocketIoServer(server, { ...socketIoServerOptions(runtime) });
    attachSocketIoServer(runtime, io);
    const addresses: ClientAddress[] = [];
    io.on('connection', (socket) => addresses.push(runtime.clientAddress(socket.request)));
    const engine: ClientAddress[] = [];
    io.engine.on('connection', (raw: EngineSocket & { request: http.IncomingMessage }) => engine.push(runtime.clientAddress(raw.request)));
    cleanups.push(() => void io.close());
    return { io, port: await listen(server), addresses, engine };
  }

  test.each(['websocket', 'polling'] as const)(
    'behind an ALB (%s transport): runtime.clientAddress(socket.request) is the right-most X-Forwarded-For entry',
    async (transport) => {
      const { io, port, addresses } = await ioServer({});
      const client = ioClient(`http://127.0.0.1:${port}`, {
        transports: [transport],
        forceNew: true,
        reconnection: false,
        extraHeaders: { 'X-Forwarded-For': '10.9.9.9, 203.0.113.8' },
      });
      await within(new Promise<void>((r) => client.once('connect', () => r())), 5000, 'connect');
      // close the client and wait for the server to see it, so no polling request outlives the test
      const gone = new Promise<void>((r) => io.sockets.sockets.forEach((s) => s.once('disconnect', () => r())));
      client.close();
      await within(gone, 5000, 'server-side disconnect');
      expect(addresses).toEqual([{ address: '203.0.113.8', source: 'x-forwarded-for' }]);
    },
  );

  test('WST_PROXY_PROTOCOL=1: an Engine.IO polling handshake carries the header’s source; the header never reaches Engine.IO', async () => {
    const { port, engine } = await ioServer({ env: { [RUNTIME_ENV.proxyProtocol]: '1' } });
    const res = await within(
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/socket.io/?EIO=4&transport=polling',
            // no `agent`: http.request then connects through createConnection (an agent would use its own)
            createConnection: () => {
              const s = net.connect(port, '127.0.0.1');
              s.write(v4Header('198.51.100.77', 40404));
              return s;
            },
          },
          (r) => {
            let body = '';
            r.on('data', (d: Buffer) => (body += d.toString()));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
      }),
      5000,
      'handshake',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/"sid"/);
    expect(engine).toEqual([{ address: '198.51.100.77', port: 40404, source: 'proxy-protocol' }]);
  });

  test('WST_PROXY_PROTOCOL=1: an Engine.IO WebSocket-transport upgrade carries the header’s source', async () => {
    const { port, engine } = await ioServer({ env: { [RUNTIME_ENV.proxyProtocol]: '1' } });
    await within(
      openWs(port, { prefix: v4Header('198.51.100.78', 40405), path: '/socket.io/?EIO=4&transport=websocket' }),
      5000,
      'upgrade',
    );
    expect(engine).toEqual([{ address: '198.51.100.78', port: 40405, source: 'proxy-protocol' }]);
  });
});
