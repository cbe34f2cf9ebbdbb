/**
 * The reconnect policy on a socket.io-client `Socket`: socket.io's own reconnection (1000 ms ±50 %,
 * ×2, cap 5000 ms; https://socket.io/docs/v4/client-options/#reconnectiondelay) cannot see close codes or the server's hint, so create the
 * socket with `reconnection: false` and let `manageSocketIoReconnect` call `socket.connect()` on
 * the policy's schedule. socket.io's connection state recovery still works: the socket keeps its
 * session id and offset across `connect()` calls, and `socket.recovered` says whether it resumed.
 *
 * ```ts
 * const socket = io(url, { reconnection: false, withCredentials: true });
 * manageSocketIoReconnect(socket, { baseMs: 1000, capMs: 30000 });
 * ```
 */
import type { Socket } from 'socket.io-client';
import { type CloseInfo, ReconnectPolicy, type ReconnectPolicyOptions } from './backoff';

/** Options of `manageSocketIoReconnect`. */
export interface SocketIoReconnectOptions extends ReconnectPolicyOptions {
  /** Uniform [0, 1) source. @default Math.random */
  readonly random?: () => number;
  /**
   * Reconnect after the server called `socket.disconnect()` (reason `io server disconnect`).
   * socket.io's own behaviour is not to. @default false
   */
  readonly reconnectAfterServerDisconnect?: boolean;
}

/** Handle returned by `manageSocketIoReconnect`. */
export interface SocketIoReconnectHandle {
  readonly policy: ReconnectPolicy;
  /** Stop managing (pending attempt cancelled). */
  stop(): void;
}

/** The close code and reason of a socket.io disconnect, when the WebSocket transport carried one. */
export function closeInfoOf(description: unknown): CloseInfo {
  const ctx = (description as { context?: { code?: unknown; reason?: unknown } } | undefined)?.context;
  const code = typeof ctx?.code === 'number' ? ctx.code : undefined;
  const reason = ctx?.reason === undefined || ctx.reason === null ? undefined : String(ctx.reason);
  return { code, reason };
}

/**
 * Drive a socket.io-client socket's reconnects with the policy.
 * @throws Error when the socket's manager has reconnection on (two schedulers would race)
 */
export function manageSocketIoReconnect(socket: Socket, options: SocketIoReconnectOptions = {}): SocketIoReconnectHandle {
  if (socket.io.reconnection()) {
    throw new Error(
      'socket.io reconnection is on; create the socket with { reconnection: false } so the tier policy schedules reconnects.',
    );
  }
  const policy = new ReconnectPolicy(options, options.random);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = (info: CloseInfo) => {
    if (stopped) return;
    const delay = policy.next(info);
    if (delay === undefined) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped && !socket.connected) socket.connect();
    }, delay);
  };
  const onConnect = () => policy.opened();
  const onDisconnect = (reason: string, description?: unknown) => {
    if (reason === 'io client disconnect') return;
    if (reason === 'io server disconnect' && !options.reconnectAfterServerDisconnect) return;
    schedule(closeInfoOf(description));
  };
  const onConnectError = () => schedule({});
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  return {
    policy,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
    },
  };
}
