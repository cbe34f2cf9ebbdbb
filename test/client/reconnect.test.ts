import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { manageSocketIoReconnect, ReconnectingWebSocket, type CloseInfo, type WebSocketConstructor } from '../../lib/client';
import { attachSocketIoServer, attachWebSocketServer, socketIoServerOptions, WebSocketRuntime, wsServerOptions } from '../../lib/runtime';

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

async function wsNode(retryAfterMs: number) {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: 0.1, retryAfterMs }).start();
  const server = http.createServer((req, res) => void runtime.handleHealth(req, res));
  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  wss.on('connection', (ws) => ws.send('hello'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    runtime.stop();
    for (const c of wss.clients) c.terminate();
    wss.close();
    return new Promise((r) => server.close(r));
  });
  return { runtime, port: (server.address() as AddressInfo).port };
}

test('ReconnectingWebSocket: a drained node’s 1001 + hint leads to a reconnect on the next node', async () => {
  const a = await wsNode(200);
  const b = await wsNode(200);
  let target = a.port;
  const rws = new ReconnectingWebSocket(() => `ws://127.0.0.1:${target}/`, { WebSocket: WebSocket as unknown as WebSocketConstructor });
  cleanups.push(() => rws.close());
  const opens: number[] = [];
  const closes: CloseInfo[] = [];
  const delays: number[] = [];
  rws.on('open', () => opens.push(target));
  rws.on('close', (c) => closes.push(c));
  rws.on('reconnecting', (d) => delays.push(d));
  await waitFor(new Promise<void>((r) => rws.on('open', () => r())), 5000, 'first open');
  target = b.port;
  await a.runtime.drain();
  await waitFor(
    (async () => {
      while (opens.length < 2) await new Promise((r) => setTimeout(r, 20));
    })(),
    5000,
    'reconnect',
  );
  expect(closes[0].code).toBe(1001);
  expect(delays[0]).toBeLessThanOrEqual(200); // U(0, hint)
  expect(opens).toEqual([a.port, b.port]);
  expect(rws.send('x')).toBe(true);
});

test('socket.io: managed reconnect after a drain resumes the session (connection state recovery) once the server admits again', async () => {
  // One socket.io server, drained then "restarted" as a fresh runtime: recovery within one process.
  const runtime1 = new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: 0.05, retryAfterMs: 100 }).start();
  const server = http.createServer();
  const io = new SocketIoServer(server, {
    ...socketIoServerOptions(runtime1),
    connectionStateRecovery: { maxDisconnectionDuration: 30_000 },
  });
  const detach1 = attachSocketIoServer(runtime1, io);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => io.close(() => r(undefined))));
  cleanups.push(() => runtime1.stop());
  const port = (server.address() as AddressInfo).port;
  io.on('connection', (s) => s.emit('seq', 1));
  const client = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
  cleanups.push(() => client.close());
  const handle = manageSocketIoReconnect(client, { baseMs: 50 });
  cleanups.push(() => handle.stop());
  await waitFor(new Promise<void>((r) => client.once('seq', () => r())), 5000, 'first connect');
  const firstId = client.id;
  // Drain closes the transport with 1001; allow new connections again by swapping the runtime.
  const runtime2 = new WebSocketRuntime({ signals: [], env: {} }).start();
  cleanups.push(() => runtime2.stop());
  const disconnected = new Promise<void>((r) => client.once('disconnect', () => r()));
  void runtime1.drain();
  await waitFor(disconnected, 5000, 'disconnect');
  detach1();
  Object.assign(io.engine.opts, socketIoServerOptions(runtime2));
  attachSocketIoServer(runtime2, io);
  await waitFor(new Promise<void>((r) => client.once('connect', () => r())), 5000, 'reconnect');
  expect(client.recovered).toBe(true);
  expect(client.id).toBe(firstId);
});

test('manageSocketIoReconnect refuses a socket that reconnects by itself', () => {
  const client = ioClient('http://127.0.0.1:1', { autoConnect: false });
  expect(() => manageSocketIoReconnect(client)).toThrow(/reconnection: false/);
});

test('ReconnectingWebSocket stops on a terminal close code and never reconnects', async () => {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.close(4001, 'banned');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    wss.close();
    return new Promise((r) => server.close(r));
  });
  const port = (server.address() as AddressInfo).port;
  const rws = new ReconnectingWebSocket(`ws://127.0.0.1:${port}/`, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    baseMs: 10,
    capMs: 20,
  });
  cleanups.push(() => rws.close());
  const stopped = await waitFor(new Promise<CloseInfo>((r) => rws.on('stopped', r)), 5000, 'stopped');
  expect(stopped.code).toBe(4001);
  await new Promise((r) => setTimeout(r, 200));
  expect(connections).toBe(1);
});

test('ReconnectingWebSocket: a node at its cap answers 1013 and the client retries after at least the hint', async () => {
  const runtime = new WebSocketRuntime({ signals: [], env: {}, maxConnections: 1, retryAfterMs: 300 }).start();
  const server = http.createServer();
  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    runtime.stop();
    for (const c of wss.clients) c.terminate();
    wss.close();
    return new Promise((r) => server.close(r));
  });
  const port = (server.address() as AddressInfo).port;
  const holder = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((r) => holder.once('open', r));
  const rws = new ReconnectingWebSocket(`ws://127.0.0.1:${port}/`, { WebSocket: WebSocket as unknown as WebSocketConstructor, baseMs: 50 });
  cleanups.push(() => rws.close());
  const [delay, info] = await waitFor(new Promise<[number, CloseInfo]>((r) => rws.on('reconnecting', (d, i) => r([d, i]))), 5000, '1013');
  expect(info.code).toBe(1013);
  expect(delay).toBeGreaterThanOrEqual(300);
  holder.terminate();
  await waitFor(new Promise<void>((r) => rws.on('open', () => r())), 5000, 'open after the holder left');
});
