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
 * ```ts
 * const io = new Server(httpServer, { ...socketIoServerOptions(runtime), adapter, connectionStateRecovery: {} });
 * attachSocketIoServer(runtime, io);
 * ```
 */
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import type { ConnectionCloser, WebSocketRuntime } from './runtime';

/** The slice of an Engine.IO server socket the adapter uses. */
export interface EngineSocket {
  readonly transport: { readonly name: string; readonly socket?: { close(code: number, reason: string): void } };
  close(discard?: boolean): void;
  on(event: 'close', listener: (this: EngineSocket) => void): unknown;
}

/**
 * socket.io server options the runtime owns: `maxHttpBufferSize` (the runtime's maximum message
 * size) and `allowRequest` (refuses handshakes while draining or from an Origin outside the
 * allowlist; Engine.IO answers 403).
 */
export function socketIoServerOptions(runtime: WebSocketRuntime): Pick<Partial<ServerOptions>, 'maxHttpBufferSize' | 'allowRequest'> {
  return {
    maxHttpBufferSize: runtime.maxMessageBytes,
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
 * @returns a function that detaches the adapter
 */
export function attachSocketIoServer(runtime: WebSocketRuntime, io: Server): () => void {
  function onClose(this: EngineSocket): void {
    runtime.untrack(this);
  }
  const onConnection = (raw: EngineSocket) => {
    if (runtime.track(raw, ENGINE_IO_CLOSER)) raw.on('close', onClose);
  };
  io.engine.on('connection', onConnection);
  return () => io.engine.off('connection', onConnection);
}
