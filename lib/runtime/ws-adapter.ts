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

/** Track one accepted `ws` socket. @returns false when the runtime refused it (closed already) */
export function trackWebSocket(runtime: WebSocketRuntime, ws: WebSocket): boolean {
  const untrack = runtime.track({
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  });
  // ws emits 'error' (e.g. 1009 on an oversized message) before closing; without a listener Node
  // would throw. Report it as a runtime warning instead.
  ws.on('error', (e) => runtime.emit('warning', e));
  if (!untrack) return false;
  ws.once('close', untrack);
  return true;
}

/**
 * Track every connection of a `ws` server. Create the server with `wsServerOptions(runtime)` so
 * admission and the message-size limit apply.
 * @returns a function that detaches the adapter
 */
export function attachWebSocketServer(runtime: WebSocketRuntime, wss: WebSocketServer): () => void {
  const onConnection = (ws: WebSocket) => void trackWebSocket(runtime, ws);
  wss.on('connection', onConnection);
  return () => wss.off('connection', onConnection);
}
