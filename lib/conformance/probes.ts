/**
 * What the conformance kit uses to observe a server: WebSocket clients that record pings and
 * closes (socket.io clients: socket-io-probes.ts), a raw HTTP keep-alive probe, a health prober, the UDP gauge listener (the kit is the EMF
 * endpoint) and a loopback IMDSv2 stand-in (so a runtime that polls instance metadata never leaves
 * the machine). Every wait is bounded.
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { type GaugeMeasurement, type KeepAliveObservation, parseGaugeDatagram } from './checks';

/** Monotonic ms. */
export const now = (): number => performance.now();

/** A client connection of the kit: a WebSocket (`openSocket`) or a socket.io client (`openSocketIoClient`). */
export interface KitSocket {
  /** When the connection attempt was started (monotonic ms). */
  readonly startedAt: number;
  /** When the client saw the connection open: the 101, or Engine.IO's `open` packet (monotonic ms). */
  readonly openedAt: number;
  /** Heartbeat arrival times: Ping frames, or Engine.IO `ping` packets (monotonic ms). */
  readonly pings: number[];
  /** Resolves on close with the code, reason and time; `1006` when the connection dropped. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  /** Set once closed. */
  closeInfo?: { code: number; reason: string; at: number };
  /** Call `listener` on every heartbeat after this call. */
  onPing(listener: () => void): void;
  /**
   * Send one message whose frame on the wire is `bytes` long (a binary message, or a socket.io
   * event padded so its Engine.IO frame is); `onMessage` hears the size of whatever comes back.
   */
  sendBytes(bytes: number): void;
  onMessage(listener: (bytes: number) => void): void;
  /** Close from the client side (1000, or socket.io's `disconnect()`). */
  close(): void;
  /** Drop the connection. */
  terminate(): void;
}

/** The outcome of an upgrade attempt. */
export type OpenResult = { ok: true; socket: KitSocket } | { ok: false; status?: number; error: string };

/** Open a WebSocket; bounded by `timeoutMs`. A refused upgrade gives its HTTP status. */
export function openSocket(url: string, origin: string | undefined, timeoutMs: number): Promise<OpenResult> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: origin ? { Origin: origin } : {}, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const pings: number[] = [];
    let info: KitSocket['closeInfo'];
    const closed = new Promise<{ code: number; reason: string; at: number }>((res) =>
      ws.on('close', (code, reason) => {
        info = { code, reason: reason.toString('utf8'), at: now() };
        socket.closeInfo = info;
        res(info);
      }),
    );
    const socket: KitSocket = {
      startedAt: now(),
      openedAt: 0,
      pings,
      closed,
      onPing: (listener) => ws.on('ping', listener),
      sendBytes: (bytes) => ws.send(Buffer.alloc(bytes, 0x61)),
      onMessage: (listener) => ws.on('message', (d: Buffer) => listener(d.length)),
      close: () => ws.close(1000),
      terminate: () => ws.terminate(),
    };
    ws.on('ping', () => pings.push(now()));
    let settled = false;
    const done = (r: OpenResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    ws.once('open', () => done({ ok: true, socket: Object.assign(socket, { openedAt: now() }) }));
    ws.once('unexpected-response', (_req, res) => {
      done({ ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}` });
      res.resume();
      ws.terminate();
    });
    ws.on('error', (e) => done({ ok: false, error: e.message }));
  });
}

/** Resolve with `promise`, or with `fallback` after `ms`. */
export function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}

/** One GET of the health path on a fresh connection, bounded to `timeoutMs`. */
export function healthGet(port: number, path: string, timeoutMs: number): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
  });
}

/**
 * Send one keep-alive request for `path`, leave the connection idle for `idleMs`, then send a
 * second one on the same connection. Raw HTTP/1.1 so nothing pools or retries behind the kit's back.
 */
export function keepAliveProbe(port: number, path: string, idleMs: number): Promise<KeepAliveObservation> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
    let buf = '';
    let first: { status: number; headers: Record<string, string>; at: number } | undefined;
    let closedAt: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (o: Partial<KeepAliveObservation>) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ headers: first?.headers ?? {}, firstStatus: first?.status, ...o });
    };
    /** A complete response at the start of `buf`, or undefined. */
    const response = (): { status: number; headers: Record<string, string> } | undefined => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = buf.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const body = buf.slice(end + 4);
      const len = headers['content-length'];
      if (len !== undefined && Buffer.byteLength(body) < Number(len)) return undefined;
      if (len === undefined && /chunked/i.test(headers['transfer-encoding'] ?? '') && !body.includes('0\r\n\r\n')) return undefined;
      buf = '';
      return { status: Number(statusLine.split(' ')[1]), headers };
    };
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      const r = response();
      if (!r) return;
      if (!first) {
        first = { ...r, at: now() };
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (closedAt !== undefined) return;
          sock.write(request);
          timer = setTimeout(() => finish({ error: 'no answer to the second request in 5 s' }), 5000);
        }, idleMs);
        return;
      }
      finish({ secondStatus: r.status });
    });
    sock.on('close', () => {
      if (closedAt !== undefined) return;
      closedAt = now();
      finish(first ? { closedAfterMs: closedAt - first.at } : { error: 'connection closed before any response' });
    });
    sock.on('error', (e) => finish({ error: e.message }));
    sock.write(request);
    timer = setTimeout(() => finish({ error: 'no answer to the first request in 5 s' }), 5000);
  });
}

/** The kit's EMF endpoint: a UDP listener on loopback that parses gauge datagrams. */
export class GaugeListener {
  private readonly socket = dgram.createSocket('udp4');
  /** Parsed values with arrival time. */
  readonly samples: { at: number; value: number }[] = [];
  /** Datagrams that were not gauge records. */
  readonly malformed: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly namespace: string,
    private readonly metricName: string,
  ) {
    this.socket.on('message', (msg) => {
      for (const line of msg
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim())) {
        const r = parseGaugeDatagram(line, this.namespace, this.metricName);
        if ('value' in r) this.samples.push({ at: now(), value: r.value });
        else this.malformed.push(r.error);
      }
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  /** Bind to a free loopback port; resolves with `udp://127.0.0.1:<port>`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return `udp://127.0.0.1:${this.socket.address().port}`;
  }

  /**
   * Wait for a datagram carrying `expected` that arrives after `startedAt` (when the kit started the
   * change: a datagram sent before the client saw the change completes counts); the latency is from
   * `observedAt` (when the client saw it), 0 when the datagram came first. Bounded by `timeoutMs`.
   */
  async measure(expected: number, startedAt: number, observedAt: number, timeoutMs: number): Promise<GaugeMeasurement> {
    const deadline = observedAt + timeoutMs;
    for (;;) {
      const later = this.samples.filter((x) => x.at >= startedAt);
      const hit = later.find((x) => x.value === expected);
      if (hit) return { expected, latencyMs: Math.max(0, hit.at - observedAt), seen: later.map((x) => x.value) };
      const left = deadline - now();
      if (left <= 0) return { expected, seen: later.map((x) => x.value) };
      await within(new Promise<void>((r) => this.waiters.push(r)), left, undefined);
    }
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * A loopback IMDSv2 stand-in: a token for `PUT /latest/api/token`, `InService` for the target
 * lifecycle state, 404 for everything else (no Spot notice, no instance id), so a server that polls
 * instance metadata sees a healthy in-service instance and never calls 169.254.169.254.
 */
export async function startImdsStub(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.writeHead(200).end('conformance-token');
    if (req.url === '/latest/meta-data/autoscaling/target-lifecycle-state') return void res.writeHead(200).end('InService');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
