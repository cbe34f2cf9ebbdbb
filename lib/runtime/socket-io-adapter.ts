/**
 * Adapter for socket.io 4: one tracked connection per Engine.IO connection (whatever the
 * namespaces), admission through Engine.IO's `allowRequest`, drain by closing the transport.
 *
 * Closing the transport (not `socket.disconnect()`) matters: the client then sees
 * `"transport close"` and reconnects, and with connection state recovery the server stores the
 * session so the client resumes, on any node when the adapter persists sessions (Redis Streams).
 * On the WebSocket transport the close frame carries the runtime's code and retry hint; socket.io-
 * client passes them to `disconnect` listeners as `description.context.code` / `.reason`.
 *
 * Refusals: `attachSocketIoServer` answers a new Engine.IO session's handshake itself, on both
 * transports, with 503 + `Retry-After` while draining and 403 for a foreign Origin (Engine.IO
 * alone answers 403 on polling and 400 on the WebSocket transport). Requests of an existing
 * session (`sid` in the query) go through, so a polling client keeps its session while it drains.
 *
 * ```ts
 * const io = new Server(httpServer, { ...socketIoServerOptions(runtime), adapter, connectionStateRecovery: {} });
 * attachSocketIoServer(runtime, io);
 * io.on('connection', (socket) => {
 *   const { address } = runtime.clientAddress(socket.request); // the client behind the ALB / NLB
 * });
 * ```
 *
 * With `runtime.proxyProtocol` on (`WST_PROXY_PROTOCOL=1`), `attachSocketIoServer` installs
 * `acceptProxyProtocol` on `io.httpServer`; attach the server to its HTTP server before calling it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Server, ServerOptions } from 'socket.io';
import type { Admission, ConnectionCloser, WebSocketRuntime } from './runtime';
import { guardServerConnectionStateRecovery } from './socket-io-recovery';
import { acceptRuntimeProxyProtocol, DRAINING_RETRY_AFTER_SECONDS } from './ws-adapter';

/** The slice of an Engine.IO server socket the adapter uses. */
export interface EngineSocket {
  readonly transport: { readonly name: string; readonly socket?: { close(code: number, reason: string): void } };
  close(discard?: boolean): void;
  on(event: 'close', listener: (this: EngineSocket) => void): unknown;
}

/**
 * socket.io server options the runtime owns: `maxHttpBufferSize` (the runtime's maximum message
 * size), `pingInterval` (the runtime's ping interval, ms) and `pingTimeout` (the same, so a client
 * silent for about two intervals is dropped, as the `ws` adapter does), and `allowRequest` (a
 * fallback refusal when `attachSocketIoServer` is not used; Engine.IO then answers 403 or 400).
 * https://socket.io/docs/v4/server-options/#pinginterval
 */
export function socketIoServerOptions(
  runtime: WebSocketRuntime,
): Pick<Partial<ServerOptions>, 'maxHttpBufferSize' | 'allowRequest' | 'pingInterval' | 'pingTimeout'> {
  return {
    maxHttpBufferSize: runtime.maxMessageBytes,
    pingInterval: runtime.pingIntervalMs,
    pingTimeout: runtime.pingIntervalMs,
    allowRequest: (req: IncomingMessage, cb: (err: string | null | undefined, success: boolean) => void) => {
      const a = runtime.admit(req);
      cb(a.accept ? null : a.reason, a.accept);
    },
  };
}

/** Closes Engine.IO connections: the WebSocket transport with a close frame, polling by closing the session. */
export const ENGINE_IO_CLOSER: ConnectionCloser<EngineSocket> = {
  close(raw, code, reason) {
    const ws = raw.transport.name === 'websocket' ? raw.transport.socket : undefined;
    if (ws) ws.close(code, reason);
    else raw.close();
  },
  terminate(raw) {
    raw.close(true);
  },
};

/**
 * Track every connection of a socket.io server. Create it with `socketIoServerOptions(runtime)`.
 * When the server has `connectionStateRecovery` on, this also installs
 * `guardServerConnectionStateRecovery(io)` (lib/runtime/socket-io-recovery.ts), so a session resumed
 * on this node neither loses nor repeats a broadcast sent while it was being restored.
 * @returns a function that detaches the adapter
 */
export function attachSocketIoServer(runtime: WebSocketRuntime, io: Server): () => void {
  function onClose(this: EngineSocket): void {
    runtime.untrack(this);
  }
  const onConnection = (raw: EngineSocket) => {
    if (runtime.track(raw, ENGINE_IO_CLOSER)) raw.on('close', onClose);
  };
  // Engine.IO's attach() calls these methods through `this` on every request, so wrapping them on
  // the instance puts the runtime's admission in front of both transports.
  const engine = io.engine as unknown as EngineEntry;
  const { handleRequest, handleUpgrade } = engine;
  engine.handleRequest = function (req, res) {
    const a = newSession(req) ? runtime.admit(req) : undefined;
    if (a && !a.accept) refuseRequest(res, a);
    else handleRequest.call(this, req, res);
  };
  engine.handleUpgrade = function (req, socket, head) {
    const a = newSession(req) ? runtime.admit(req) : undefined;
    if (a && !a.accept) refuseUpgrade(socket, a);
    else handleUpgrade.call(this, req, socket, head);
  };
  io.engine.on('connection', onConnection);
  acceptRuntimeProxyProtocol(runtime, io.httpServer as unknown as NetServer | undefined);
  // With connection state recovery on, a resumed session gets every broadcast exactly once.
  const unguard = guardServerConnectionStateRecovery(io);
  return () => {
    unguard();
    engine.handleRequest = handleRequest;
    engine.handleUpgrade = handleUpgrade;
    io.engine.off('connection', onConnection);
  };
}

/** The two Engine.IO server methods its `attach()` routes HTTP requests and upgrades to. */
interface EngineEntry {
  handleRequest(this: EngineEntry, req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(this: EngineEntry, req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** A handshake (no `sid` yet) rather than a request of an open session. */
function newSession(req: IncomingMessage): boolean {
  return !new URL(req.url ?? '/', 'http://x').searchParams.has('sid');
}

type Refusal = Extract<Admission, { accept: false }>;

function refusalHeaders(a: Refusal): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (a.status === 503) h['retry-after'] = String(DRAINING_RETRY_AFTER_SECONDS);
  return h;
}

function refusalBody(a: Refusal): string {
  return JSON.stringify({ status: a.status, message: a.reason });
}

function refuseRequest(res: ServerResponse, a: Refusal): void {
  res.writeHead(a.status, { ...refusalHeaders(a), connection: 'close' });
  res.end(refusalBody(a));
}

function refuseUpgrade(socket: Duplex, a: Refusal): void {
  socket.on('error', () => undefined);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = refusalBody(a);
  const headers = { ...refusalHeaders(a), connection: 'close', 'content-length': String(Buffer.byteLength(body)) };
  const text = a.status === 403 ? 'Forbidden' : 'Service Unavailable';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${a.status} ${text}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n${body}`,
  );
}
