import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import {
  attachSocketIoServer,
  attachWebSocketServer,
  type LifecycleActions,
  type LifecycleActionTarget,
  socketIoServerOptions,
  WebSocketRuntime,
  wsServerOptions,
  type RuntimeOptions,
  type ConnectionCountStore,
} from '../../lib/runtime';
import { CONNECTION_GAUGE } from '../../lib/core';
import { within } from '../helpers/net';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** A ws server with the runtime attached. */
async function wsServer(options: RuntimeOptions) {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, ...options }).start();
  cleanups.push(() => runtime.stop());
  const server = http.createServer((req, res) => {
    if (!runtime.handleHealth(req, res)) res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  const port = await listen(server);
  return { runtime, port, wss };
}

interface Closed {
  code: number;
  reason: string;
}

function connect(port: number, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; closed: Promise<Closed> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers });
    const closed = new Promise<Closed>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('readiness and drain (ws)', () => {
  test('health 200 while serving, 503 once draining; liveness stays 200', async () => {
    const { runtime, port } = await wsServer({ drainWindowSeconds: 0.2 });
    expect((await get(port, '/healthz')).status).toBe(200);
    void runtime.drain();
    expect((await get(port, '/healthz')).status).toBe(503);
    expect(JSON.parse((await get(port, '/healthz')).body).status).toMatch(/draining|drained/);
    expect((await get(port, '/livez')).status).toBe(200);
  });

  test('drain closes every socket with 1001 and a JSON retry hint, then resolves', async () => {
    const { runtime, port } = await wsServer({ drainWindowSeconds: 0.3, retryAfterMs: 700 });
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => connect(port)));
    expect(runtime.connections).toBe(5);
    await within(runtime.drain(), 5000, 'drain');
    const closes = await Promise.all(clients.map((c) => c.closed));
    for (const c of closes) {
      expect(c.code).toBe(1001);
      expect(JSON.parse(c.reason)).toEqual({ retryAfterMs: 700, why: 'drain' });
    }
    expect(runtime.state).toBe('drained');
  });

  test('a draining node refuses new upgrades with 503', async () => {
    const { runtime, port } = await wsServer({ drainWindowSeconds: 5 });
    const keep = await connect(port);
    void runtime.drain();
    await expect(connect(port)).rejects.toThrow(/HTTP 503/);
    keep.ws.terminate();
  });

  test('leftover sockets are terminated after window + grace', async () => {
    const { runtime, port, wss } = await wsServer({ drainWindowSeconds: 0.1, drainGraceSeconds: 0.2 });
    // A client that never answers the close handshake: the server-side socket ignores close().
    wss.on('connection', (ws) => {
      ws.close = () => undefined;
    });
    const c = await connect(port);
    await within(runtime.drain(), 5000, 'hard close');
    expect((await c.closed).code).toBe(1006);
  });

  test('SIGTERM starts the drain when signals are handled', async () => {
    const { runtime, port } = await wsServer({ drainWindowSeconds: 0.1, signals: ['SIGUSR2'] });
    const c = await connect(port);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(runtime.state).not.toBe('serving');
    expect((await c.closed).code).toBe(1001);
  });

  test('drainCloseCode 1012 is sent when configured', async () => {
    const { runtime, port } = await wsServer({ drainWindowSeconds: 0.05, drainCloseCode: 1012 });
    const c = await connect(port);
    void runtime.drain();
    expect((await c.closed).code).toBe(1012);
  });
});

describe('admission (ws)', () => {
  test('beyond the per-node cap new sockets are closed with 1013', async () => {
    const { port } = await wsServer({ maxConnections: 2 });
    const a = await connect(port);
    const b = await connect(port);
    const c = await connect(port);
    const closed = await within(c.closed, 3000, '1013');
    expect(closed.code).toBe(1013);
    expect(JSON.parse(closed.reason).why).toBe('capacity');
    a.ws.terminate();
    b.ws.terminate();
  });

  test('an Origin outside the allowlist gets 403; an allowed one and none at all connect', async () => {
    const { port } = await wsServer({ allowedOrigins: ['https://app.example.com'] });
    await expect(connect(port, { Origin: 'https://evil.example.net' })).rejects.toThrow(/HTTP 403/);
    const ok = await connect(port, { Origin: 'https://app.example.com' });
    const none = await connect(port);
    ok.ws.terminate();
    none.ws.terminate();
  });

  test('a message over the maximum size closes the socket with 1009', async () => {
    const { port } = await wsServer({ maxMessageBytes: 64 });
    const c = await connect(port);
    c.ws.send('x'.repeat(65));
    expect((await c.closed).code).toBe(1009);
  });
});

describe('maximum connection lifetime and rebalancing', () => {
  test('a connection past its lifetime is closed with 1013', async () => {
    const { port } = await wsServer({ maxConnectionLifetimeSeconds: 0.2, connectionLifetimeDitherSeconds: 0.1 });
    const c = await connect(port);
    const closed = await within(c.closed, 3000, 'lifetime close');
    expect(closed.code).toBe(1013);
    expect(JSON.parse(closed.reason).why).toBe('lifetime');
  });

  test('a node above fair share sheds with 1013, at most the bounded amount per interval', async () => {
    const published: number[] = [];
    const store: ConnectionCountStore = {
      publish: async (_n, c) => void published.push(c),
      read: async () =>
        new Map([
          ['other-1', 0],
          ['other-2', 0],
        ]),
      remove: async () => undefined,
    };
    const { runtime, port } = await wsServer({
      rebalance: { store, nodeId: 'me', intervalMs: 150, tolerance: 0.1, maxShedFraction: 0.25 },
    });
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect(port)));
    const shed: number[] = [];
    runtime.on('shed', (n: number) => shed.push(n));
    const first = await within(Promise.race(clients.map((c) => c.closed)), 5000, 'first shed');
    expect(first.code).toBe(1013);
    expect(JSON.parse(first.reason).why).toBe('rebalance');
    await within(
      (async () => {
        while (runtime.connections > 3) await new Promise((r) => setTimeout(r, 50));
      })(),
      8000,
      'shed to fair share',
    );
    // fair share of 8 over 3 nodes is 2.67 → ceil 3; each round sheds ≤ 25 % of the sockets then open.
    expect(shed.every((n) => n <= 2)).toBe(true);
    expect(published.length).toBeGreaterThan(0);
    for (const c of clients) c.ws.terminate();
  });
});

describe('IMDS, Spot and lifecycle actions (fake IMDS on loopback, fake Auto Scaling)', () => {
  async function fakeImds(state: { lifecycle: string; spot?: string }) {
    const tokens: string[] = [];
    const server = http.createServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') {
        tokens.push(String(req.headers['x-aws-ec2-metadata-token-ttl-seconds']));
        res.end('tok');
      } else if (req.headers['x-aws-ec2-metadata-token'] !== 'tok') res.writeHead(401).end();
      else if (req.url === '/latest/meta-data/autoscaling/target-lifecycle-state') res.end(state.lifecycle);
      else if (req.url === '/latest/meta-data/instance-id') res.end('i-0123456789abcdef0');
      else if (req.url === '/latest/meta-data/spot/instance-action' && state.spot) res.end(state.spot);
      else res.writeHead(404).end();
    });
    const port = await listen(server);
    return { baseUrl: `http://127.0.0.1:${port}`, tokens };
  }

  function fakeActions() {
    const calls: { op: string; target: LifecycleActionTarget; result?: string }[] = [];
    const actions: LifecycleActions = {
      recordHeartbeat: async (target) => void calls.push({ op: 'heartbeat', target }),
      complete: async (target, result) => void calls.push({ op: 'complete', target, result }),
    };
    return { calls, actions };
  }

  test('target lifecycle state Terminated drains, heartbeats, then completes with CONTINUE', async () => {
    const imdsState = { lifecycle: 'InService' };
    const imds = await fakeImds(imdsState);
    const { calls, actions } = fakeActions();
    const { runtime, port } = await wsServer({
      drainWindowSeconds: 0.4,
      imds: { baseUrl: imds.baseUrl, pollIntervalMs: 100, spot: false },
      lifecycle: { lifecycleHookName: 'hook', autoScalingGroupName: 'asg', actions, heartbeatIntervalMs: 100 },
    });
    const c = await connect(port);
    await new Promise((r) => setTimeout(r, 250));
    expect(runtime.state).toBe('serving');
    imdsState.lifecycle = 'Terminated';
    const completed = new Promise((r) => runtime.once('lifecycle-completed', r));
    expect((await within(c.closed, 5000, 'lifecycle drain')).code).toBe(1001);
    await within(completed, 5000, 'complete');
    expect(imds.tokens[0]).toBe('21600');
    const ops = calls.map((x) => x.op);
    expect(ops[0]).toBe('heartbeat');
    expect(ops[ops.length - 1]).toBe('complete');
    expect(calls[calls.length - 1]).toEqual({
      op: 'complete',
      result: 'CONTINUE',
      target: { autoScalingGroupName: 'asg', lifecycleHookName: 'hook', instanceId: 'i-0123456789abcdef0' },
    });
  });

  test('a Spot interruption notice drains within the time left', async () => {
    const soon = new Date(Date.now() + 10_500).toISOString();
    const imds = await fakeImds({ lifecycle: 'InService', spot: JSON.stringify({ action: 'terminate', time: soon }) });
    const { runtime, port } = await wsServer({ drainWindowSeconds: 300, imds: { baseUrl: imds.baseUrl, pollIntervalMs: 100 } });
    const c = await connect(port);
    const started = Date.now();
    const triggers: string[] = [];
    runtime.on('draining', (t: string) => triggers.push(t));
    await within(c.closed, 5000, 'spot drain');
    expect(triggers).toEqual(['spot-interruption']);
    // window = time left − 10 s margin ≈ 0.5 s, far below the configured 300 s
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('the real SDK path sends RecordLifecycleActionHeartbeat and CompleteLifecycleAction through an injected client', async () => {
    const { sdkLifecycleActions } = await import('../../lib/runtime');
    const sent: { name: string; input: unknown }[] = [];
    const actions = sdkLifecycleActions({
      send: async (cmd: unknown) => void sent.push({ name: (cmd as object).constructor.name, input: (cmd as { input: unknown }).input }),
    });
    const target = { autoScalingGroupName: 'asg', lifecycleHookName: 'hook', instanceId: 'i-1' };
    await actions.recordHeartbeat(target);
    await actions.complete(target, 'CONTINUE');
    expect(sent).toEqual([
      {
        name: 'RecordLifecycleActionHeartbeatCommand',
        input: { AutoScalingGroupName: 'asg', LifecycleHookName: 'hook', InstanceId: 'i-1' },
      },
      {
        name: 'CompleteLifecycleActionCommand',
        input: { AutoScalingGroupName: 'asg', LifecycleHookName: 'hook', InstanceId: 'i-1', LifecycleActionResult: 'CONTINUE' },
      },
    ]);
  });
});

test('the connection gauge goes out as an EMF record over UDP', async () => {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  cleanups.push(() => void sock.close());
  const records: Record<string, unknown>[] = [];
  sock.on('message', (m) => records.push(JSON.parse(m.toString())));
  const udp = `udp://127.0.0.1:${(sock.address() as AddressInfo).port}`;
  const { port } = await wsServer({ metrics: { endpoint: udp, intervalMs: 100, autoScalingGroupName: 'asg-x' } });
  const c = await connect(port);
  await within(
    (async () => {
      while (!records.some((r) => r[CONNECTION_GAUGE.metricName] === 1)) await new Promise((r) => setTimeout(r, 50));
    })(),
    5000,
    'gauge record',
  );
  expect(records.find((r) => r[CONNECTION_GAUGE.metricName] === 1)?.AutoScalingGroupName).toBe('asg-x');
  c.ws.terminate();
});

test('socket.io: drain closes the transport with the code and hint; the client sees them and reconnects by itself', async () => {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: 0.1, retryAfterMs: 300 }).start();
  cleanups.push(() => runtime.stop());
  const server = http.createServer((req, res) => void runtime.handleHealth(req, res));
  const io = new SocketIoServer(server, { ...socketIoServerOptions(runtime) });
  attachSocketIoServer(runtime, io);
  cleanups.push(() => void io.close());
  const port = await listen(server);
  const client = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
  cleanups.push(() => void client.close());
  await within(new Promise<void>((r) => client.once('connect', () => r())), 5000, 'connect');
  expect(runtime.connections).toBe(1);
  const disc = new Promise<{ reason: string; code?: number; text?: string }>((r) =>
    client.once('disconnect', (reason, desc) => {
      const ctx = (desc as { context?: { code?: number; reason?: unknown } } | undefined)?.context;
      r({ reason, code: ctx?.code, text: ctx?.reason === undefined ? undefined : String(ctx.reason) });
    }),
  );
  void runtime.drain();
  const d = await within(disc, 5000, 'disconnect');
  expect(d.reason).toBe('transport close');
  expect(d.code).toBe(1001);
  expect(JSON.parse(d.text ?? '{}').retryAfterMs).toBe(300);
  // new handshakes are refused while draining (Engine.IO answers 403)
  const second = ioClient(`http://127.0.0.1:${port}`, { transports: ['polling'], reconnection: false, forceNew: true });
  cleanups.push(() => void second.close());
  const err = await within(new Promise<Error>((r) => second.once('connect_error', r)), 5000, 'refused');
  expect(err).toBeInstanceOf(Error);
});

test('socket.io over long-polling: drain closes the session and the client sees "transport close"', async () => {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: 0.05 }).start();
  cleanups.push(() => runtime.stop());
  const server = http.createServer();
  const io = new SocketIoServer(server, { ...socketIoServerOptions(runtime) });
  attachSocketIoServer(runtime, io);
  cleanups.push(() => void io.close());
  const port = await listen(server);
  const client = ioClient(`http://127.0.0.1:${port}`, { transports: ['polling'], reconnection: false });
  cleanups.push(() => void client.close());
  await within(new Promise<void>((r) => client.once('connect', () => r())), 5000, 'connect');
  const reason = new Promise<string>((r) => client.once('disconnect', (why) => r(why)));
  await within(runtime.drain(), 5000, 'drain');
  expect(await within(reason, 5000, 'disconnect')).toBe('transport close');
  expect(runtime.connections).toBe(0);
});
