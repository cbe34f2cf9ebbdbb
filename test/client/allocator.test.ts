/** `allocatorUrl`: the client asks a local allocator (the real handler over node:http) before every attempt. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { type Allocation, ReconnectingWebSocket, requestAllocation, type WebSocketConstructor } from '../../lib/client';
import { type AllocatorResponse, type CellLoad, createAllocatorHandler, type ResolvedAllocator } from '../../lib/core';
import { attachWebSocketServer, WebSocketRuntime, wsServerOptions } from '../../lib/runtime';

const KEY = 'client-test-key-0123456789abcdefghijklmnop';
const WS = WebSocket as unknown as WebSocketConstructor;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function waitFor<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`timed out: ${what}`)), ms)))]).finally(() =>
    clearTimeout(t),
  );
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

/** A cell node under allocation 'require' (or 'off'). */
async function node(cell: string, mode: 'require' | 'off' = 'require') {
  const runtime = new WebSocketRuntime({
    signals: [],
    env: {},
    drainWindowSeconds: 0.05,
    retryAfterMs: 50,
    allocation: mode === 'off' ? 'off' : { mode, keys: { current: KEY }, cell },
  }).start();
  const server = http.createServer((req, res) => void runtime.handleHealth(req, res));
  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  wss.on('connection', (ws) => ws.send(cell));
  cleanups.push(() => {
    runtime.stop();
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return { runtime, port: await listen(server) };
}

/** An HTTP server answering every request with `answer` (counts requests). */
async function allocatorServer(answer: (req: http.IncomingMessage) => Promise<AllocatorResponse>) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    void answer(req).then((r) => res.writeHead(r.status, r.headers).end(r.body));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/`, requests: () => requests };
}

const resolved = (cells: string[]): ResolvedAllocator => ({
  domainName: 'alloc.ws.example.com',
  ticketTtlSeconds: 30,
  mode: 'require',
  loadSource: 'backplane',
  stalenessSeconds: 30,
  loadPublishIntervalSeconds: 10,
  retryAfterSeconds: 1,
  cells: cells.map((name) => ({ name, url: `wss://${name}.ws.example.com/`, state: 'active', weight: 100, capacity: 100 })),
});

test('connect asks the allocator and lands on the emptier cell; after a drain (1001) it asks again and avoids the drained cell', async () => {
  const a = await node('a');
  const b = await node('b');
  const ports: Record<string, number> = { a: a.port, b: b.port };
  const unhealthy = new Set<string>();
  const load = new Map<string, CellLoad>([
    ['a', { connections: 10, nodes: 1, observedAtMs: Date.now() + 60_000 }],
    ['b', { connections: 50, nodes: 1, observedAtMs: Date.now() + 60_000 }],
  ]);
  const handler = createAllocatorHandler({
    allocator: resolved(['a', 'b']),
    load: { read: async () => load },
    keys: { current: KEY },
    unhealthy: () => unhealthy,
    loadCacheMs: 0,
    cellUrl: (c) => `ws://127.0.0.1:${ports[c]}/`,
  });
  const alloc = await allocatorServer((req) => handler({ method: req.method ?? 'GET', headers: {}, query: {} }));
  const rws = new ReconnectingWebSocket('ws://127.0.0.1:1/', { WebSocket: WS, allocatorUrl: alloc.url });
  cleanups.push(() => rws.close());
  const seen: string[] = [];
  const next = () => waitFor(new Promise<string>((r) => rws.on('message', (d) => r(String(d)))), 5000, 'message');
  seen.push(await next());
  expect(seen).toEqual(['a']); // 10/100 vs 50/100: a, and the 'require' node accepted the ticket
  unhealthy.add('a'); // the allocator learns a is going
  const second = next();
  void a.runtime.drain();
  seen.push(await second);
  expect(seen).toEqual(['a', 'b']);
  expect(alloc.requests()).toBe(2);
});

test('503 "full" waits the hint plus jitter (policy as for 1013), then asks again', async () => {
  const b = await node('b', 'off');
  let n = 0;
  const alloc = await allocatorServer(async () =>
    n++ === 0
      ? { status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retryAfterSeconds: 0.3, reason: 'full' }) }
      : {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `ws://127.0.0.1:${b.port}/`, cell: 'b', ticket: 't', expiresAt: 1 }),
        },
  );
  const rws = new ReconnectingWebSocket('ws://127.0.0.1:1/', { WebSocket: WS, allocatorUrl: alloc.url, baseMs: 10, random: () => 0.5 });
  cleanups.push(() => rws.close());
  const delays: number[] = [];
  const allocations: Allocation[] = [];
  rws.on('reconnecting', (d) => delays.push(d));
  rws.on('allocated', (x) => allocations.push(x));
  const t0 = Date.now();
  await waitFor(new Promise<void>((r) => rws.on('open', () => r())), 5000, 'open');
  // 1013 with a 300 ms hint at attempt 0: hint + U(0, min(cap, base × 2^1)) = 300 + 0.5 × 20 = 310.
  expect(delays).toEqual([310]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  expect(allocations.map((x) => x.kind)).toEqual(['full', 'cell']);
});

test('an unreachable allocator falls back to the DNS URL', async () => {
  const dns = await node('dns', 'off');
  const closed = http.createServer();
  const port = await listen(closed);
  await new Promise((r) => closed.close(r)); // nothing listens there now
  const rws = new ReconnectingWebSocket(`ws://127.0.0.1:${dns.port}/`, { WebSocket: WS, allocatorUrl: `http://127.0.0.1:${port}/` });
  cleanups.push(() => rws.close());
  const fallbacks: string[] = [];
  rws.on('fallback', (e) => fallbacks.push(e));
  const msg = await waitFor(new Promise<string>((r) => rws.on('message', (d) => r(String(d)))), 5000, 'message');
  expect(msg).toBe('dns');
  expect(fallbacks).toHaveLength(1);
});

describe('requestAllocation', () => {
  test.each([
    ['200 without a url', 200, { cell: 'a' }, 'unreachable'],
    ['500', 500, {}, 'unreachable'],
    ['503 without a hint', 503, {}, 'unreachable'],
    ['503 with a hint', 503, { retryAfterSeconds: 2 }, 'full'],
  ])('%s', async (_n, status, body, kind) => {
    const alloc = await allocatorServer(async () => ({ status, headers: {}, body: JSON.stringify(body) }));
    expect((await requestAllocation(alloc.url)).kind).toBe(kind);
  });

  test('a slow allocator times out (unreachable)', async () => {
    const alloc = await allocatorServer(() => new Promise(() => undefined));
    const r = await requestAllocation(alloc.url, { timeoutMs: 100 });
    expect(r.kind).toBe('unreachable');
  });
});
