import { createAllocatorHandler, type CellLoad, redisLoadSource, type ResolvedAllocator, verifyTicket } from '../../../lib/core/allocator';

const KEY = 'k'.repeat(32);
const NOW = 1_800_000_000_000;

const allocator = (over: Partial<ResolvedAllocator> = {}): ResolvedAllocator => ({
  domainName: 'alloc.ws.example.com',
  ticketTtlSeconds: 30,
  mode: 'require',
  loadSource: 'backplane',
  stalenessSeconds: 30,
  loadPublishIntervalSeconds: 10,
  retryAfterSeconds: 10,
  cells: [
    { name: 'a', url: 'wss://a.ws.example.com/', state: 'active', weight: 100, capacity: 100 },
    { name: 'b', url: 'wss://b.ws.example.com/', state: 'active', weight: 100, capacity: 100 },
    { name: 'c', url: 'wss://c.ws.example.com/', state: 'draining', weight: 100, capacity: 100 },
  ],
  ...over,
});

const loadOf = (entries: Record<string, number>, observedAtMs = NOW): Map<string, CellLoad> =>
  new Map(Object.entries(entries).map(([cell, connections]) => [cell, { connections, nodes: 1, observedAtMs }]));

function handler(load: Map<string, CellLoad>, over: Partial<Parameters<typeof createAllocatorHandler>[0]> = {}) {
  let reads = 0;
  const h = createAllocatorHandler({
    allocator: allocator(),
    load: {
      read: async () => {
        reads++;
        return load;
      },
    },
    keys: { current: KEY },
    now: () => NOW,
    ...over,
  });
  return { h, reads: () => reads };
}

const get = (headers: Record<string, string> = {}, query: Record<string, string> = {}) => ({ method: 'GET', headers, query });

describe('allocator handler', () => {
  test('200: the emptier active cell, a ticket for it in the URL, expiry in Unix seconds', async () => {
    const { h } = handler(loadOf({ a: 60, b: 20, c: 0 }));
    const r = await h(get());
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ cell: 'b', expiresAt: NOW / 1000 + 30 });
    expect(body.url).toBe(`wss://b.ws.example.com/?wst_ticket=${body.ticket}`);
    expect(verifyTicket(body.ticket, { cell: 'b', keys: { current: KEY }, nowMs: NOW })).toMatchObject({ ok: true });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  test('a client nonce is signed into the ticket; a malformed one is 400', async () => {
    const { h } = handler(loadOf({ a: 0, b: 0 }));
    const body = JSON.parse((await h(get({}, { nonce: 'client-nonce-1' }))).body);
    expect(body.ticket.split('.')[3]).toBe('client-nonce-1');
    expect((await h(get({}, { nonce: 'bad nonce' }))).status).toBe(400);
  });

  test('tickets it issued since the reading count as load: 10 clients level a 10-vs-0 pair (hand-computed: all 10 to b, then a)', async () => {
    const { h, reads } = handler(loadOf({ a: 10, b: 0 }), { loadCacheMs: 60_000 });
    const cells: string[] = [];
    for (let i = 0; i < 10; i++) cells.push(JSON.parse((await h(get())).body).cell);
    // b at 0..9 pending has more headroom than a at 10; after 10 tickets both are at 10.
    expect(cells.filter((c) => c === 'b')).toHaveLength(10);
    const next = JSON.parse((await h(get())).body).cell;
    expect(next).toBe('a'); // 10 vs 10: tie → config order
    expect(reads()).toBe(1); // one reading served every request within loadCacheMs
  });

  test('503 with Retry-After when every active cell is full; the draining cell is never used', async () => {
    const { h } = handler(loadOf({ a: 100, b: 150, c: 0 }));
    const r = await h(get());
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('10');
    expect(JSON.parse(r.body)).toEqual({ retryAfterSeconds: 10, reason: 'full' });
  });

  test('stale readings are unknown: the prior (weights) decides', async () => {
    const { h } = handler(loadOf({ a: 0, b: 0 }, NOW - 31_000), { random: () => 0.9 });
    expect(JSON.parse((await h(get())).body).cell).toBe('b'); // 0.9 × 200 = 180 ≥ 100 → b
  });

  test('a load source that fails is unknown load, not an error', async () => {
    const h = createAllocatorHandler({
      allocator: allocator(),
      load: { read: () => Promise.reject(new Error('redis down')) },
      keys: { current: KEY },
      random: () => 0,
    });
    expect((await h(get())).status).toBe(200);
  });

  test('unhealthy cells are skipped', async () => {
    const { h } = handler(loadOf({ a: 90, b: 0 }), { unhealthy: () => new Set(['b']) });
    expect(JSON.parse((await h(get())).body).cell).toBe('a');
  });

  test('CORS: * without a predicate; the Origin when allowed; none when refused; preflight 204', async () => {
    const open = handler(loadOf({ a: 0 })).h;
    expect((await open(get({ origin: 'https://app.example.com' }))).headers['access-control-allow-origin']).toBe('*');
    const strict = handler(loadOf({ a: 0 }), { originAllowed: (o) => o === 'https://app.example.com' }).h;
    expect((await strict(get({ origin: 'https://app.example.com' }))).headers['access-control-allow-origin']).toBe(
      'https://app.example.com',
    );
    expect((await strict(get({ origin: 'https://evil.example' }))).headers['access-control-allow-origin']).toBeUndefined();
    const pre = await strict({ method: 'OPTIONS', headers: { origin: 'https://app.example.com' } });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
    expect((await strict({ method: 'POST', headers: {} })).status).toBe(405);
  });
});

describe('redisLoadSource', () => {
  test('sums live entries per cell, ignores expired and malformed ones, dates the reading by the oldest entry', async () => {
    const hashes: Record<string, Record<string, string>> = {
      'wst:connections:a': { n1: `30:${NOW + 25_000}`, n2: `12:${NOW + 5_000}`, dead: `99:${NOW - 1}`, junk: 'x' },
      'wst:connections:b': { n3: `7:${NOW - 10}` },
    };
    const src = redisLoadSource({ hGetAll: async (k) => hashes[k] ?? {} }, 30_000, () => NOW);
    const load = await src.read(['a', 'b', 'c']);
    expect(load.get('a')).toEqual({ connections: 42, nodes: 2, observedAtMs: NOW + 5_000 - 30_000 });
    expect(load.has('b')).toBe(false); // every entry expired: unknown
    expect(load.has('c')).toBe(false);
  });
});
