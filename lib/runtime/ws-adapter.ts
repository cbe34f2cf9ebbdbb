/**
 * Adapter for `ws` (websockets/ws 8): admission at the handshake, tracking, pings, drain, cap.
 *
 * ```ts
 * const runtime = createRuntime();
 * const server = http.createServer((req, res) => runtime.handleHealth(req, res) || res.writeHead(404).end());
 * applyServerTimeouts(server, runtime);
 * const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
 * attachWebSocketServer(runtime, wss);
 * wss.on('connection', (ws, req) => {
 *   const { address } = runtime.clientAddress(req); // the client behind the ALB / NLB, not the load balancer
 * });
 * ```
 */
import type { Server as NetServer } from 'node:net';
import type { ServerOptions, WebSocket, WebSocketServer } from 'ws';
import { RUNTIME_ENV } from '../core/server-contract';
import { acceptProxyProtocol } from './proxy-protocol';
import type { WebSocketRuntime } from './runtime';

/** Seconds a refused client is told to wait (`Retry-After`, RFC 9110 §10.2.3) while the node drains. */
export const DRAINING_RETRY_AFTER_SECONDS = 1;

/**
 * `ws` server options the runtime owns: `maxPayload` (the runtime's maximum message size; a
 * bigger message closes the socket with 1009) and `verifyClient` (503 with `Retry-After` while
 * draining, 403 for an Origin outside the allowlist).
 */
export function wsServerOptions(runtime: WebSocketRuntime): Pick<ServerOptions, 'maxPayload' | 'verifyClient'> {
  return {
    maxPayload: runtime.maxMessageBytes,
    verifyClient: (info, cb) => {
      const a = runtime.admit(info.req);
      if (a.accept) cb(true);
      else cb(false, a.status, a.reason, a.status === 503 ? { 'Retry-After': String(DRAINING_RETRY_AFTER_SECONDS) } : undefined);
    },
  };
}

/** Options of `attachWebSocketServer`. */
export interface WebSocketAdapterOptions {
  /**
   * Ping every open socket this often, ms ≥ 10, from one shared timer; a socket with no pong for two
   * intervals is terminated (RFC 6455 §5.5.2 Ping, §5.5.3 Pong). `false` turns pings off (the
   * application pings itself).
   * @default runtime.pingIntervalMs (env `WST_PING_INTERVAL_SECONDS`, else the tier default 25 s)
   */
  readonly pingIntervalMs?: number | false;
}

/**
 * When the runtime expects PROXY protocol v2 (`WST_PROXY_PROTOCOL=1`), install `acceptProxyProtocol`
 * on the HTTP server; refused connections become runtime `warning`s. No-op otherwise.
 */
export function acceptRuntimeProxyProtocol(runtime: WebSocketRuntime, server: NetServer | undefined | null): void {
  if (!runtime.proxyProtocol || !server) return;
  acceptProxyProtocol(server, {
    onRefused: (socket, reason) =>
      runtime.emit('warning', new Error(`connection from ${socket.remoteAddress} refused: ${reason} (${RUNTIME_ENV.proxyProtocol}=1)`)),
  });
}

/**
 * Track every connection of a `ws` server and ping it. Create the server with
 * `wsServerOptions(runtime)` so admission and the message-size limit apply. A `ws` WebSocket is
 * itself a `RuntimeConnection`, and the listeners and the ping timer are shared by every socket, so
 * tracking allocates one map entry per socket. With `runtime.proxyProtocol` on, the server's HTTP
 * server (`server` option, or the one `port` created) gets `acceptProxyProtocol`; with
 * `noServer: true` call `acceptProxyProtocol(httpServer)` yourself.
 * @returns a function that detaches the adapter (and stops pinging)
 * @throws RangeError when `pingIntervalMs` is below 10
 */
export function attachWebSocketServer(runtime: WebSocketRuntime, wss: WebSocketServer, options: WebSocketAdapterOptions = {}): () => void {
  const interval = options.pingIntervalMs ?? runtime.pingIntervalMs;
  if (interval !== false && !(interval >= 10)) {
    throw new RangeError(`pingIntervalMs is ${interval}; allowed: ≥ 10 or false. Fix: pass a larger interval, or false to ping yourself.`);
  }
  acceptRuntimeProxyProtocol(runtime, wss.options.server ?? (wss as unknown as { _server?: NetServer | null })._server);
  /** Pings sent since the last pong, per open socket. */
  const unanswered = new Map<WebSocket, number>();
  function onPong(this: WebSocket): void {
    if (unanswered.has(this)) unanswered.set(this, 0);
  }
  function onClose(this: WebSocket): void {
    unanswered.delete(this);
    runtime.untrack(this);
  }
  // ws emits 'error' (e.g. 1009 on an oversized message) before closing; without a listener Node
  // would throw. Report it as a runtime warning instead.
  function onError(this: WebSocket, e: Error): void {
    runtime.emit('warning', e);
  }
  const onConnection = (ws: WebSocket) => {
    ws.on('error', onError);
    if (!runtime.track(ws)) return;
    ws.on('close', onClose);
    if (interval === false) return;
    unanswered.set(ws, 0);
    ws.on('pong', onPong);
  };
  const tick = () => {
    for (const [ws, missed] of unanswered) {
      if (missed >= 2) {
        unanswered.delete(ws);
        ws.terminate();
        continue;
      }
      if (ws.readyState !== ws.OPEN) continue;
      unanswered.set(ws, missed + 1);
      ws.ping();
    }
  };
  const timer = interval === false ? undefined : setInterval(tick, interval);
  timer?.unref();
  const detach = () => {
    if (timer) clearInterval(timer);
    unanswered.clear();
    wss.off('connection', onConnection);
    wss.off('close', detach);
  };
  wss.on('connection', onConnection);
  wss.on('close', detach);
  return detach;
}
