/**
 * The kit's socket.io client: `socket.io-client` (not a client of this repository), one Manager per
 * connection, no reconnection, so every observation is of one Engine.IO session.
 *
 * What it maps to the kit's `KitSocket`:
 * - opened: Engine.IO's `open` packet (the Manager's `open` event), the socket.io equivalent of the
 *   101: the server has accepted, tracked and counted the connection;
 * - pings: Engine.IO `ping` packets (protocol v4: the server pings, the client answers `pong`),
 *   https://socket.io/docs/v4/engine-io-protocol/#heartbeat;
 * - close: on the `websocket` transport the close frame's code and reason, which engine.io-client
 *   passes as the `close` event's `description.context` (a `ws` CloseEvent); anything else (a
 *   dropped connection, a ping timeout) is 1006 with socket.io's reason string;
 * - a refusal: the HTTP status of the failed handshake, from the `ws` error
 *   (`Unexpected server response: 403`) on the websocket transport or the XHR status on polling.
 *
 * `socket.io-client` is an optional peer dependency, loaded on first use.
 */
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { type KitSocket, now, type OpenResult } from './probes';

/** The Engine.IO transport a kit client uses. */
export type SocketIoTransport = 'websocket' | 'polling';

/** Event name of the kit's oversized message (no server needs to handle it). */
const BIG_EVENT = 'conformance';

/**
 * Characters of padding that make `42["conformance","<pad>"]` (an Engine.IO message packet `4`
 * carrying a socket.io EVENT `2`) exactly `frameBytes` long.
 * https://socket.io/docs/v4/socket-io-protocol/#packet-encoding
 */
export function socketIoPadding(frameBytes: number): number {
  return Math.max(0, frameBytes - `42${JSON.stringify([BIG_EVENT, ''])}`.length);
}

type SocketIoClient = typeof import('socket.io-client');

function loadClient(): SocketIoClient {
  try {
    // Loaded lazily: socket.io-client is an optional peer dependency, needed only in socket.io mode.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('socket.io-client') as SocketIoClient;
  } catch {
    throw new Error(
      "protocol 'socket.io' needs the socket.io-client package; allowed: install it next to websocket-tier. Fix: npm install --save-dev socket.io-client",
    );
  }
}

/** The HTTP status in a failed handshake's error, when there is one. */
function refusalStatus(err: unknown): number | undefined {
  const e = err as { description?: unknown; message?: string };
  if (typeof e.description === 'number' && e.description >= 100) return e.description; // polling: the XHR status
  const text = [typeof e.description === 'object' ? (e.description as { message?: string } | null)?.message : undefined, e.message].join(
    ' ',
  );
  const m = /Unexpected server response: (\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Open a socket.io connection to `url` (the server's origin; the default path `/socket.io/`),
 * bounded by `timeoutMs`. Resolves at Engine.IO `open`; a refused handshake gives its HTTP status.
 */
export function openSocketIoClient(
  url: string,
  origin: string | undefined,
  timeoutMs: number,
  transport: SocketIoTransport = 'websocket',
): Promise<OpenResult> {
  const { io } = loadClient();
  return new Promise((resolve) => {
    const options: Partial<ManagerOptions & SocketOptions> = {
      forceNew: true,
      reconnection: false,
      transports: [transport],
      upgrade: false,
      timeout: timeoutMs,
      extraHeaders: origin ? { Origin: origin } : {},
    };
    const startedAt = now();
    const client: Socket = io(url, options);
    const manager = client.io;
    const pings: number[] = [];
    let closeResolve: (v: { code: number; reason: string; at: number }) => void;
    const closed = new Promise<{ code: number; reason: string; at: number }>((r) => (closeResolve = r));
    const socket: KitSocket = {
      startedAt,
      openedAt: 0,
      pings,
      closed,
      onPing: (listener) => manager.on('ping', listener),
      sendBytes: (bytes) => client.emit(BIG_EVENT, 'a'.repeat(socketIoPadding(bytes))),
      onMessage: (listener) => client.onAny((...args: unknown[]) => listener(Buffer.byteLength(JSON.stringify(args)))),
      close: () => client.disconnect(),
      terminate: () => {
        client.disconnect();
        manager.engine?.close();
      },
    };
    manager.on('ping', () => pings.push(now()));
    manager.on('close', (reason: string, description?: unknown) => {
      if (socket.closeInfo) return;
      const ctx = (description as { context?: { code?: unknown; reason?: unknown } } | undefined)?.context;
      const code = typeof ctx?.code === 'number' ? ctx.code : 1006;
      const text = typeof ctx?.reason === 'string' && ctx.reason ? ctx.reason : reason;
      socket.closeInfo = { code, reason: text, at: now() };
      closeResolve(socket.closeInfo);
    });
    let settled = false;
    const done = (r: OpenResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    manager.once('open', () => done({ ok: true, socket: Object.assign(socket, { openedAt: now() }) }));
    manager.once('error', (err: Error) => {
      const status = refusalStatus(err);
      client.disconnect();
      done({ ok: false, status, error: status !== undefined ? `HTTP ${status}` : err.message });
    });
  });
}
