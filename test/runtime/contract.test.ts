/**
 * The runtime honours the server contract by default: pings at the profile's interval, HTTP
 * keep-alive above the load balancer's idle timeout, refusals with the documented status on every
 * transport, and `drained` only after CompleteLifecycleAction was acknowledged.
 * Real `ws` and socket.io-client clients on loopback; every wait is an event bounded by `within`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { SERVER_ENV } from '../../lib/core/server-contract';
import {
  applyServerTimeouts,
  attachSocketIoServer,
  attachWebSocketServer,
  createRuntime,
  type LifecycleActions,
  type LifecycleActionTarget,
  socketIoServerOptions,
  WebSocketRuntime,
  wsServerOptions,
} from '../../lib/runtime';
import { within } from '../helpers/net';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

/** The README's `ws` snippet, with the environment passed in rather than read from the process. */
async function readmeWsServer(env: NodeJS.ProcessEnv, extra: Parameters<typeof createRuntime>[0] = {}) {
  const runtime = createRuntime({ env, signals: [], ...extra });
  cleanups.push(() => runtime.stop());
  const server = http.createServer((req, res) => runtime.handleHealth(req, res) || res.writeHead(404).end());
  applyServerTimeouts(server, runtime);
  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return { runtime, server, wss, port: await listen(server) };
}

async function socketIoServer(runtime: WebSocketRuntime) {
  cleanups.push(() => runtime.stop());
  const server = http.createServer((req, res) => void runtime.handleHealth(req, res));
  const io = new SocketIoServer(server, { ...socketIoServerOptions(runtime) });
  attachSocketIoServer(runtime, io);
  cleanups.push(() => void io.close());
  return { io, port: await listen(server) };
}

function open(url: string, headers: Record<string, string> = {}, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...options });
    cleanups.push(() => ws.terminate());
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** The HTTP response a `ws` client gets instead of 101. */
function refusal(url: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    cleanups.push(() => ws.terminate());
    ws.once('open', () => reject(new Error('upgraded, expected a refusal')));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
      res.resume();
    });
    ws.once('error', reject);
  });
}

/** Resolves after `n` events named `event` on `emitter`. */
function count(emitter: NodeJS.EventEmitter, event: string, n: number): Promise<number> {
  let seen = 0;
  return new Promise((resolve) => {
    const on = () => {
      if (++seen >= n) {
        emitter.off(event, on);
        resolve(seen);
      }
    };
    emitter.on(event, on);
  });
}

describe('pings (RFC 6455 §5.5.2) at the profile interval', () => {
  test('a ws server from the README snippet pings an idle socket every WST_PING_INTERVAL_SECONDS', async () => {
    const { runtime, port } = await readmeWsServer({ [SERVER_ENV.pingIntervalSeconds]: '1' });
    expect(runtime.pingIntervalMs).toBe(1000);
    const ws = await open(`ws://127.0.0.1:${port}/`);
    const pings: number[] = [];
    ws.on('ping', () => pings.push(Date.now()));
    await within(count(ws, 'ping', 3), 10_000, 'three pings on an idle socket');
    expect(pings.length).toBeGreaterThanOrEqual(3);
    // the pings come from one shared interval, not back to back
    expect(pings[2] - pings[0]).toBeGreaterThanOrEqual(1500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  test('a socket that stops answering pings is terminated after two unanswered pings', async () => {
    const { runtime, port, wss } = await readmeWsServer({}, { pingIntervalSeconds: 1 });
    const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
    const ws = await open(`ws://127.0.0.1:${port}/`, {}, { autoPong: false });
    const serverClosed = new Promise<void>((r) => void serverSide.then((s) => s.once('close', () => r())));
    let pings = 0;
    ws.on('ping', () => pings++);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    expect(await within(closed, 10_000, 'termination of a silent socket')).toBe(1006);
    expect(pings).toBe(2);
    await within(serverClosed, 5000, 'server-side close');
    expect(runtime.connections).toBe(0);
  });

  test('an answering socket is never terminated by the ping loop', async () => {
    const { runtime, port } = await readmeWsServer({}, { pingIntervalSeconds: 1 });
    const ws = await open(`ws://127.0.0.1:${port}/`);
    await within(count(ws, 'ping', 4), 15_000, 'four pings');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(runtime.connections).toBe(1);
  });

  test('socket.io: pingInterval and pingTimeout come from the profile', async () => {
    const runtime = new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.pingIntervalSeconds]: '7' } });
    expect(socketIoServerOptions(runtime)).toMatchObject({ pingInterval: 7000, pingTimeout: 7000 });
    expect(socketIoServerOptions(new WebSocketRuntime({ signals: [], env: {} }))).toMatchObject({
      pingInterval: 25_000,
      pingTimeout: 25_000,
    });
  });

  test('socket.io: a client receives Engine.IO pings at the profile interval', async () => {
    const { port } = await socketIoServer(new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.pingIntervalSeconds]: '1' } }).start());
    const client = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
    cleanups.push(() => void client.close());
    await within(new Promise<void>((r) => client.once('connect', () => r())), 5000, 'connect');
    await within(count(client.io.engine as unknown as NodeJS.EventEmitter, 'ping', 2), 10_000, 'two Engine.IO pings');
  });
});

describe('HTTP keep-alive above the load balancer idle timeout', () => {
  test('applyServerTimeouts sets keepAliveTimeout from WST_KEEP_ALIVE_TIMEOUT_SECONDS and headersTimeout above it', () => {
    const server = applyServerTimeouts(
      http.createServer(),
      new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.keepAliveTimeoutSeconds]: '355' } }),
    );
    expect(server.keepAliveTimeout).toBe(355_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  test('without the variable: the default ALB idle timeout (120 s) + 5 s', () => {
    const server = applyServerTimeouts(http.createServer(), new WebSocketRuntime({ signals: [], env: {} }));
    expect(server.keepAliveTimeout).toBe(125_000);
  });
});

describe('refusals carry the documented status on every transport', () => {
  const env = { [SERVER_ENV.pingIntervalSeconds]: '25' };
  const allowed = ['https://app.example.com'];

  test('ws: 403 for a foreign Origin, 503 + Retry-After while draining', async () => {
    const { runtime, port } = await readmeWsServer(env, { allowedOrigins: allowed, drainWindowSeconds: 0 });
    expect(await refusal(`ws://127.0.0.1:${port}/`, { Origin: 'https://evil.com/.app.example.com' })).toEqual({
      status: 403,
      retryAfter: undefined,
    });
    await runtime.drain();
    expect(await refusal(`ws://127.0.0.1:${port}/`, { Origin: 'https://app.example.com' })).toEqual({ status: 503, retryAfter: '1' });
  });

  test('socket.io websocket transport: 403 for a foreign Origin, 503 + Retry-After while draining (Engine.IO alone answers 400)', async () => {
    const runtime = new WebSocketRuntime({ signals: [], env, allowedOrigins: allowed, drainWindowSeconds: 0 }).start();
    const { port } = await socketIoServer(runtime);
    const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
    expect(await refusal(url, { Origin: 'https://app.example.com.evil.net' })).toEqual({ status: 403, retryAfter: undefined });
    // the same refusal through socket.io-client
    const foreign = ioClient(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { Origin: 'https://evil.example.com' },
    });
    cleanups.push(() => void foreign.close());
    const err = await within(new Promise<Error>((r) => foreign.once('connect_error', r)), 5000, 'connect_error');
    expect(String((err as Error & { description?: { message?: string } }).description?.message)).toMatch(/Unexpected server response: 403/);
    await runtime.drain();
    expect(await refusal(url, { Origin: 'https://app.example.com' })).toEqual({ status: 503, retryAfter: '1' });
    const late = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    cleanups.push(() => void late.close());
    const err2 = await within(new Promise<Error>((r) => late.once('connect_error', r)), 5000, 'connect_error while draining');
    expect(String((err2 as Error & { description?: { message?: string } }).description?.message)).toMatch(
      /Unexpected server response: 503/,
    );
  });

  test('socket.io polling: 403 for a foreign Origin, 503 + Retry-After while draining', async () => {
    const runtime = new WebSocketRuntime({ signals: [], env, allowedOrigins: allowed, drainWindowSeconds: 0 }).start();
    const { port } = await socketIoServer(runtime);
    const url = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
    const foreign = await fetch(url, { headers: { Origin: 'http://app.example.com' } });
    expect(foreign.status).toBe(403);
    const client = ioClient(`http://127.0.0.1:${port}`, {
      transports: ['polling'],
      reconnection: false,
      extraHeaders: { Origin: 'https://evil.example.com' },
    });
    cleanups.push(() => void client.close());
    const err = await within(new Promise<Error>((r) => client.once('connect_error', r)), 5000, 'connect_error');
    expect((err as Error & { description?: unknown }).description).toBe(403);
    await runtime.drain();
    const draining = await fetch(url, { headers: { Origin: 'https://app.example.com' } });
    expect(draining.status).toBe(503);
    expect(draining.headers.get('retry-after')).toBe('1');
    const late = ioClient(`http://127.0.0.1:${port}`, { transports: ['polling'], reconnection: false, forceNew: true });
    cleanups.push(() => void late.close());
    const err2 = await within(new Promise<Error>((r) => late.once('connect_error', r)), 5000, 'connect_error while draining');
    expect((err2 as Error & { description?: unknown }).description).toBe(503);
  });

  test('socket.io: an open polling session keeps working while new handshakes are refused', async () => {
    const runtime = new WebSocketRuntime({ signals: [], env, drainWindowSeconds: 60 }).start();
    const { io, port } = await socketIoServer(runtime);
    io.on('connection', (s) => s.on('echo', (m: string, ack: (m: string) => void) => ack(m)));
    const client = ioClient(`http://127.0.0.1:${port}`, { transports: ['polling'], reconnection: false });
    cleanups.push(() => void client.close());
    await within(new Promise<void>((r) => client.once('connect', () => r())), 5000, 'connect');
    void runtime.drain();
    const reply = await within(new Promise<string>((r) => client.emit('echo', 'still here', r)), 5000, 'echo while draining');
    expect(reply).toBe('still here');
    const refused = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`);
    expect(refused.status).toBe(503);
  });
});

describe('drained waits for CompleteLifecycleAction', () => {
  const target = { lifecycleHookName: 'hook', autoScalingGroupName: 'asg', instanceId: 'i-1' };

  function scriptedActions(script: ('fail' | 'late')[]) {
    const log: string[] = [];
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    const actions: LifecycleActions = {
      recordHeartbeat: async () => void log.push('heartbeat'),
      complete: async (_t: LifecycleActionTarget, result) => {
        const step = script.shift() ?? 'late';
        log.push(`complete:${result}:${step}`);
        if (step === 'fail') throw new Error('ValidationError: no active lifecycle action');
        await late;
        log.push('complete:acknowledged');
      },
    };
    return { log, actions, release };
  }

  test('complete fails twice, then resolves late: drained comes only after the acknowledgement', async () => {
    const { log, actions, release } = scriptedActions(['fail', 'fail', 'late']);
    const runtime = new WebSocketRuntime({
      signals: [],
      env: {},
      drainWindowSeconds: 0,
      lifecycle: { ...target, actions, heartbeatIntervalMs: 1000, completeBackoffMs: 20 },
    });
    const warnings: string[] = [];
    runtime.on('warning', (e: Error) => warnings.push(e.message));
    runtime.on('drained', () => log.push('drained'));
    const thirdCall = new Promise<void>((r) => {
      const t = setInterval(() => log.filter((l) => l.startsWith('complete:CONTINUE')).length === 3 && (clearInterval(t), r()), 5);
    });
    const drained = runtime.drain();
    await within(thirdCall, 5000, 'third CompleteLifecycleAction');
    // the third call is in flight: the runtime must still be draining
    expect(runtime.state).toBe('draining');
    expect(log).not.toContain('drained');
    release();
    await within(drained, 5000, 'drained');
    expect(log.slice(-2)).toEqual(['complete:acknowledged', 'drained']);
    expect(warnings.filter((w) => /no active lifecycle action/.test(w))).toHaveLength(2);
    expect(runtime.state).toBe('drained');
  });

  test('after the last failed attempt: a warning naming the fix, then drained anyway', async () => {
    const { log, actions } = scriptedActions(['fail', 'fail', 'fail']);
    const runtime = new WebSocketRuntime({
      signals: [],
      env: {},
      drainWindowSeconds: 0,
      lifecycle: { ...target, actions, heartbeatIntervalMs: 1000, completeAttempts: 3, completeBackoffMs: 10 },
    });
    const warnings: string[] = [];
    runtime.on('warning', (e: Error) => warnings.push(e.message));
    await within(runtime.drain(), 5000, 'drained');
    expect(log.filter((l) => l.startsWith('complete:'))).toHaveLength(3);
    expect(warnings[warnings.length - 1]).toMatch(/CompleteLifecycleAction failed 3 times .*autoscaling:CompleteLifecycleAction/);
  });

  test('a bad retry setting names the option and the range', () => {
    const runtime = new WebSocketRuntime({
      signals: [],
      env: {},
      drainWindowSeconds: 0,
      lifecycle: { ...target, actions: scriptedActions([]).actions, completeAttempts: 0 },
    });
    expect(() => runtime.drain()).toThrow(/lifecycle\.completeAttempts is 0; allowed: 1–20/);
  });
});
