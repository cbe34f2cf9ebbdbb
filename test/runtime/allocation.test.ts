/** Allocation tickets at the upgrade (docs/server-contract.md §14), with real `ws` clients. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { signTicket } from '../../lib/core';
import {
  attachWebSocketServer,
  type ConnectionCountStore,
  type RuntimeOptions,
  ticketCheck,
  ticketOf,
  WebSocketRuntime,
  wsServerOptions,
} from '../../lib/runtime';

const KEY = 'current-key-0123456789abcdefghijklmnop';
const OLD = 'previous-key-0123456789abcdefghijklmnop';
const inFuture = () => Math.floor(Date.now() / 1000) + 30;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function server(options: RuntimeOptions) {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, ...options }).start();
  const http1 = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http1, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  await new Promise<void>((r) => http1.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    runtime.stop();
    for (const c of wss.clients) c.terminate();
    wss.close();
    http1.close();
  });
  return { runtime, port: (http1.address() as AddressInfo).port };
}

/** Dial; resolve 'open' or the HTTP status and body (the reason) of the refusal. */
function dial(port: number, ticket?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const q = ticket === undefined ? '' : `?wst_ticket=${encodeURIComponent(ticket)}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat${q}`);
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    ws.once('error', reject);
  });
}

const env = (mode: string) => ({ WST_ALLOCATION: mode, WST_TICKET_KEY: KEY, WST_TICKET_PREVIOUS_KEY: OLD, WST_CELL: 'a' });

describe("allocation 'require' (ws clients)", () => {
  test('a valid ticket for this cell opens; current and previous key both verify', async () => {
    const { port, runtime } = await server({ env: env('require') });
    expect(runtime.allocation).toBe('require');
    expect(await dial(port, signTicket({ cell: 'a', expiresAt: inFuture() }, KEY))).toBe('open');
    expect(await dial(port, signTicket({ cell: 'a', expiresAt: inFuture() }, OLD))).toBe('open');
  });

  test.each([
    ['missing', undefined, '403 ticket missing'],
    ['forged', () => signTicket({ cell: 'a', expiresAt: inFuture() }, 'x'.repeat(32)), '403 ticket bad-signature'],
    ['expired (beyond the 5 s leeway)', () => signTicket({ cell: 'a', expiresAt: inFuture() - 60 }, KEY), '403 ticket expired'],
    ['for another cell', () => signTicket({ cell: 'b', expiresAt: inFuture() }, KEY), '403 ticket wrong-cell'],
    ['malformed', () => 'v1.a.garbage', '403 ticket malformed'],
  ])('%s → HTTP 403 with the reason', async (_name, make, want) => {
    const { port } = await server({ env: env('require') });
    expect(await dial(port, make?.())).toBe(want);
  });
});

describe("allocation 'prefer' and 'off'", () => {
  test('prefer: no ticket opens (the DNS path), a bad ticket is refused', async () => {
    const { port } = await server({ allocation: { mode: 'prefer', keys: { current: KEY }, cell: 'a' } });
    expect(await dial(port)).toBe('open');
    expect(await dial(port, signTicket({ cell: 'b', expiresAt: inFuture() }, KEY))).toBe('403 ticket wrong-cell');
  });

  test('off (the default): tickets are not read', async () => {
    const { port, runtime } = await server({});
    expect(runtime.allocation).toBe('off');
    expect(await dial(port, 'anything')).toBe('open');
  });
});

describe('ticketCheck settings', () => {
  test.each([
    [{ WST_ALLOCATION: 'always' }, /allowed: "off", "prefer" or "require"/],
    [{ WST_ALLOCATION: 'require', WST_CELL: 'a' }, /no ticket key is set.*WST_TICKET_KEY/],
    [{ WST_ALLOCATION: 'require', WST_TICKET_KEY: KEY }, /cell is unknown.*WST_CELL/],
    [{ WST_ALLOCATION: 'prefer', WST_TICKET_KEY: 'short', WST_CELL: 'a' }, /at least 32 bytes/],
  ])('%j is refused at start', (e, re) => {
    expect(() => ticketCheck(undefined, e)).toThrow(re);
  });

  test('ticketOf reads only wst_ticket', () => {
    expect(ticketOf('/x?a=1&wst_ticket=v1.a.1.n.m')).toBe('v1.a.1.n.m');
    expect(ticketOf('/x?a=1')).toBeUndefined();
    expect(ticketOf(undefined)).toBeUndefined();
  });
});

describe('load reports for the allocator', () => {
  test('publishes the count with a 3-interval lifetime while serving and removes the node on drain', async () => {
    const calls: string[] = [];
    const store: ConnectionCountStore = {
      publish: async (node, n, ttl) => void calls.push(`publish ${node} ${n} ${ttl}`),
      read: async () => new Map(),
      remove: async (node) => void calls.push(`remove ${node}`),
    };
    const { runtime } = await server({ loadReport: { store, intervalMs: 1000 }, rebalance: undefined, env: { WST_NODE_ID: 'n1' } });
    expect(calls).toEqual(['publish n1 0 3000']);
    void runtime.drain('explicit', 0);
    expect(calls).toContain('remove n1');
  });
});
