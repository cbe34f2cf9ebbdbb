/**
 * Adapter for `ws` (websockets/ws 8): admission at the handshake, tracking, drain, cap.
 *
 * ```ts
 * const runtime = createRuntime();
 * const server = http.createServer((req, res) => runtime.handleHealth(req, res) || res.writeHead(404).end());
 * const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
 * attachWebSocketServer(runtime, wss);
 * ```
 */
import type { ServerOptions, WebSocket, WebSocketServer } from 'ws';
import type { WebSocketRuntime } from './runtime';

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
      else cb(false, a.status, a.reason, a.status === 503 ? { 'Retry-After': '1' } : undefined);
    },
  };
}

/**
 * Track every connection of a `ws` server. Create the server with `wsServerOptions(runtime)` so
 * admission and the message-size limit apply. A `ws` WebSocket is itself a `RuntimeConnection`,
 * and the listeners are shared by every socket, so tracking allocates almost nothing per socket.
 * @returns a function that detaches the adapter
 */
export function attachWebSocketServer(runtime: WebSocketRuntime, wss: WebSocketServer): () => void {
  function onClose(this: WebSocket): void {
    runtime.untrack(this);
  }
  // ws emits 'error' (e.g. 1009 on an oversized message) before closing; without a listener Node
  // would throw. Report it as a runtime warning instead.
  function onError(this: WebSocket, e: Error): void {
    runtime.emit('warning', e);
  }
  const onConnection = (ws: WebSocket) => {
    ws.on('error', onError);
    if (runtime.track(ws)) ws.on('close', onClose);
  };
  wss.on('connection', onConnection);
  return () => wss.off('connection', onConnection);
}
