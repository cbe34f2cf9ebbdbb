/**
 * The example WebSocket backend the tier's instances run (bundled to one file by ./bundle.ts and
 * started by systemd as `node server.js`), also runnable locally with no environment at all.
 *
 * It behaves the way the infrastructure assumes:
 * - health on `WST_HEALTH_PATH` answers 200 while serving and 503 once draining, so the load
 *   balancer stops placing new connections; `/livez` answers 200 while the process runs;
 * - WebSocket ping every `WST_PING_INTERVAL_SECONDS` (data on the wire keeps the LB idle timer
 *   from expiring) and sockets that missed the previous pong are terminated;
 * - HTTP keep-alive outlives the LB idle timeout (aws-facts §9 item 3);
 * - SIGTERM/SIGINT drains: health 503, new upgrades refused with 503, then every socket is closed
 *   with 1001 at a random offset spread over `WST_DRAIN_WINDOW_SECONDS`, so clients do not all
 *   reconnect at once;
 * - the open-connection gauge is sent every minute as a CloudWatch embedded-metric-format record to
 *   the local CloudWatch agent; the Auto Scaling target-tracking policy follows it.
 *
 * Application protocol (deliberately tiny): every message is echoed to its sender, except a text
 * message `{"type":"broadcast","data":X}`, which goes to every other client of this process as
 * `{"type":"broadcast","data":X,"from":<connection id>}` (no backplane: other instances never see it).
 *
 * Configuration comes only from environment variables; see README.md next to this file.
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  ASG_NAME_ENV,
  CONNECTION_GAUGE,
  DEFAULTS,
  EMF_AGENT_PORT,
  EMF_ENDPOINT_ENV,
  LIMITS,
  SERVER_ENV,
  SERVER_KEEP_ALIVE_MARGIN_SECONDS,
} from '../../lib/core';

/** Test-only: milliseconds between connection-gauge records. @default 60000 (the metric's period) */
export const METRIC_INTERVAL_ENV = 'WST_METRIC_INTERVAL_MS';

/** Liveness path: 200 while the process runs, draining or not. */
export const LIVENESS_PATH = '/livez';

/** Largest message accepted, bytes (1 MiB); a bigger one closes the socket with 1009 (RFC 6455 §7.4.1). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Seconds after the drain window at which sockets still open are terminated and the process exits. */
export const DRAIN_GRACE_SECONDS = 5;

/**
 * Upper bound, ms, of the extra random delay the close reason asks clients to wait before
 * reconnecting (RFC 6455 §7.2.3 suggests a random 0–5 s first delay). Small, because the server
 * already spreads the closes over the drain window.
 */
export const DRAIN_RETRY_AFTER_MS = 1000;

/** Close code sent while draining: 1001 Going Away (RFC 6455 §7.4.1). */
export const DRAIN_CLOSE_CODE = 1001;

/** Close reasons are at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payload minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Every setting the server reads, after defaults. */
export interface ServerSettings {
  /** WebSocket and health port; 0 = any free port (local runs and tests). */
  readonly port: number;
  /** Absolute HTTP path of the health endpoint. */
  readonly healthPath: string;
  /** Health port; equal to `port` means the same server. */
  readonly healthPort: number;
  readonly pingIntervalSeconds: number;
  readonly drainWindowSeconds: number;
  readonly keepAliveTimeoutSeconds: number;
  readonly listenBacklog: number;
  readonly cell: string;
  readonly metricNamespace: string;
  readonly metricName: string;
  /** Where embedded-metric-format records go (UDP). */
  readonly emfEndpoint: { readonly host: string; readonly port: number };
  /** Auto Scaling group name; undefined = do not publish the gauge. */
  readonly autoScalingGroupName: string | undefined;
  readonly metricIntervalMs: number;
}

/** Thrown by `readSettings()`; `issues` holds one message per bad variable. */
export class SettingsError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'SettingsError';
  }
}

/** Cell name used when `WST_CELL` is unset (local runs). */
export const LOCAL_CELL_NAME = 'local';

/**
 * Read and validate the settings from an environment. An empty value counts as unset.
 * @throws SettingsError naming every bad variable, its value, the allowed range and the default.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const issues: string[] = [];
  const get = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const int = (name: string, def: number, min: number, max: number, unit: string): number => {
    const raw = get(name);
    if (raw === undefined) return def;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      issues.push(`${name} is ${JSON.stringify(raw)}; allowed: a whole number from ${min} to ${max}${unit}. Fix: set it in that range, or unset it for the default ${def}.`);
      return def;
    }
    return value;
  };
  const text = (name: string, def: string, maxLength: number): string => {
    const raw = get(name);
    if (raw === undefined) return def;
    if (raw.length > maxLength) {
      issues.push(`${name} is ${raw.length} characters long; allowed: 1 to ${maxLength}. Fix: shorten it, or unset it for the default ${JSON.stringify(def)}.`);
      return def;
    }
    return raw;
  };

  const port = int(SERVER_ENV.port, DEFAULTS.server.port, 0, LIMITS.port.max, ' (0 = any free port)');
  const healthPort = int(SERVER_ENV.healthPort, port, 0, LIMITS.port.max, ' (unset = same as WST_PORT)');
  const healthPath = text(SERVER_ENV.healthPath, DEFAULTS.healthCheck.path, 1024);
  if (!healthPath.startsWith('/') || /\s/.test(healthPath) || healthPath === LIVENESS_PATH) {
    issues.push(`${SERVER_ENV.healthPath} is ${JSON.stringify(healthPath)}; allowed: an absolute HTTP path without spaces, other than ${LIVENESS_PATH}. Fix: e.g. ${DEFAULTS.healthCheck.path}.`);
  }
  const pingIntervalSeconds = int(SERVER_ENV.pingIntervalSeconds, DEFAULTS.connection.pingIntervalSeconds, 1, 3600, ' seconds');
  const drainWindowSeconds = int(SERVER_ENV.drainWindowSeconds, DEFAULTS.connection.drainWindowSeconds, 0, 7170, ' seconds');
  const keepAliveTimeoutSeconds = int(
    SERVER_ENV.keepAliveTimeoutSeconds,
    DEFAULTS.connection.albIdleTimeoutSeconds + SERVER_KEEP_ALIVE_MARGIN_SECONDS,
    1,
    LIMITS.nlbTcpIdleTimeoutSeconds.max + SERVER_KEEP_ALIVE_MARGIN_SECONDS,
    ' seconds',
  );
  const listenBacklog = int(SERVER_ENV.listenBacklog, DEFAULTS.host.listenBacklog, 1, LIMITS.somaxconn.max, ' connections');
  const cell = text(SERVER_ENV.cellName, LOCAL_CELL_NAME, 64);
  // CloudWatch: namespace and metric name are 1–255 characters.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html
  const metricNamespace = text(SERVER_ENV.metricNamespace, CONNECTION_GAUGE.namespace, 255);
  const metricName = text(SERVER_ENV.metricName, CONNECTION_GAUGE.metricName, 255);
  const metricIntervalMs = int(METRIC_INTERVAL_ENV, CONNECTION_GAUGE.periodSeconds * 1000, 10, 3_600_000, ' ms');
  const emfEndpoint = parseEmfEndpoint(get(EMF_ENDPOINT_ENV), issues);
  const autoScalingGroupName = get(ASG_NAME_ENV);

  if (issues.length > 0) throw new SettingsError(issues);
  return {
    port,
    healthPath,
    healthPort,
    pingIntervalSeconds,
    drainWindowSeconds,
    keepAliveTimeoutSeconds,
    listenBacklog,
    cell,
    metricNamespace,
    metricName,
    emfEndpoint,
    autoScalingGroupName,
    metricIntervalMs,
  };
}

function parseEmfEndpoint(raw: string | undefined, issues: string[]): { host: string; port: number } {
  const def = { host: '127.0.0.1', port: EMF_AGENT_PORT };
  if (raw === undefined) return def;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const port = url?.port ? Number(url.port) : NaN;
  if (!url || url.protocol !== 'udp:' || !url.hostname || !(port >= 1 && port <= 65535)) {
    issues.push(`${EMF_ENDPOINT_ENV} is ${JSON.stringify(raw)}; allowed: udp://HOST:PORT with PORT 1 to 65535. Fix: e.g. udp://127.0.0.1:${EMF_AGENT_PORT} (the CloudWatch agent's default), or unset it for that default.`);
    return def;
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * When to close each of `count` sockets during a drain: offsets in ms from the start of the drain,
 * each in [0, windowMs]. Jittered stratification: the window is cut into `count` equal slots and
 * socket i closes at a uniformly random point of slot i. Each offset is still uniform over the
 * window for a socket in random position, but the closes never bunch up, so the reconnect rate stays
 * near count / window.
 * @param random - source of numbers in [0, 1) (inject a seeded one for tests) @default Math.random
 * @throws RangeError when count is not a non-negative integer or windowMs is negative or not finite
 */
export function drainOffsetsMs(count: number, windowMs: number, random: () => number = Math.random): number[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count is ${count}; allowed: a whole number ≥ 0.`);
  if (!Number.isFinite(windowMs) || windowMs < 0) throw new RangeError(`windowMs is ${windowMs}; allowed: a finite number ≥ 0.`);
  const slot = count === 0 ? 0 : windowMs / count;
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.min(Math.max(random(), 0), 1);
    offsets.push(Math.min(windowMs, Math.floor((i + r) * slot)));
  }
  return offsets;
}

/**
 * The close reason sent while draining, `draining; retry-after-ms=<n>`: reconnect (to any instance)
 * after a random delay of up to n ms. Always ≤ 123 bytes (RFC 6455 §5.5).
 */
export function drainCloseReason(retryAfterMs: number = DRAIN_RETRY_AFTER_MS): string {
  return `draining; retry-after-ms=${Math.max(0, Math.round(retryAfterMs))}`;
}

/** Parse the retry hint out of a close reason from `drainCloseReason()`; undefined when absent. */
export function parseRetryAfterMs(reason: string): number | undefined {
  const m = /(?:^|;\s*)retry-after-ms=(\d+)(?:;|$)/.exec(reason);
  return m ? Number(m[1]) : undefined;
}

/**
 * One CloudWatch embedded-metric-format record for the connection gauge.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function connectionGaugeRecord(
  s: Pick<ServerSettings, 'metricNamespace' | 'metricName' | 'cell'>,
  autoScalingGroupName: string,
  connections: number,
  timestampMs: number,
): Record<string, unknown> {
  const dimension = CONNECTION_GAUGE.dimension.name;
  return {
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        { Namespace: s.metricNamespace, Dimensions: [[dimension]], Metrics: [{ Name: s.metricName, Unit: 'Count' }] },
      ],
    },
    [dimension]: autoScalingGroupName,
    Cell: s.cell,
    [s.metricName]: connections,
  };
}

/** A started server. */
export interface RunningServer {
  /** Bound WebSocket port (differs from settings when that was 0). */
  readonly port: number;
  /** Bound health port. */
  readonly healthPort: number;
  /** Open WebSocket connections. */
  connections(): number;
  /** Start draining (idempotent); a second call ends the drain at once, terminating what is left. */
  drain(trigger: string): void;
  /** Resolves when the drain has finished and every listener is closed. */
  readonly finished: Promise<void>;
}

type Log = (event: string, fields?: Record<string, unknown>) => void;

/** One JSON line per lifecycle event on stdout (journald collects it). */
export function jsonLog(cell: string): Log {
  return (event, fields = {}) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, cell, ...fields })}\n`);
  };
}

/** Start listening. Rejects when a port cannot be bound. */
export async function startServer(s: ServerSettings, log: Log = jsonLog(s.cell)): Promise<RunningServer> {
  let draining = false;
  let nextId = 1;
  const ids = new WeakMap<WebSocket, number>();
  const alive = new WeakMap<WebSocket, boolean>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES, clientTracking: true });

  const health = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== s.healthPath && path !== LIVENESS_PATH) return false;
    const status = path === LIVENESS_PATH ? 'alive' : draining ? 'draining' : 'serving';
    const body = JSON.stringify({ status, connections: wss.clients.size, cell: s.cell });
    res.writeHead(status === 'draining' ? 503 : 200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
    return true;
  };
  const tune = (server: http.Server): http.Server => {
    server.keepAliveTimeout = s.keepAliveTimeoutSeconds * 1000;
    server.headersTimeout = server.keepAliveTimeout + 1000;
    server.requestTimeout = server.headersTimeout;
    return server;
  };

  const main = tune(
    http.createServer((req, res) => {
      if (health(req, res)) return;
      res.writeHead(426, { upgrade: 'websocket', 'content-type': 'text/plain' });
      res.end('WebSocket only: send an Upgrade request\n');
    }),
  );
  main.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (draining) return refuse(socket, 503, 'Service Unavailable', 'draining', { 'retry-after': String(Math.ceil(DRAIN_RETRY_AFTER_MS / 1000)) });
    if (path === s.healthPath || path === LIVENESS_PATH) return refuse(socket, 404, 'Not Found', 'not a WebSocket path');
    // Emit without `req`: a closure over it would keep every upgrade request alive for the
    // socket's lifetime (~2.9 KB per connection, found by bench/calibration.ts).
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  const healthServer = s.healthPort === s.port ? undefined : tune(http.createServer((req, res) => {
    if (health(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }));

  wss.on('connection', (ws: WebSocket) => {
    const id = nextId++;
    ids.set(ws, id);
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', () => undefined); // ws closes the socket itself (bad frame, maxPayload); nothing to add.
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const broadcast = asBroadcast(data);
        if (broadcast) {
          const out = JSON.stringify({ type: 'broadcast', data: broadcast.data, from: id });
          for (const other of wss.clients) if (other !== ws && other.readyState === WebSocket.OPEN) other.send(out);
          return;
        }
      }
      ws.send(data, { binary: isBinary });
    });
  });

  // Keep-alive: the ws README pattern. A socket that did not answer the previous ping is dead.
  const pinger = setInterval(() => {
    let terminated = 0;
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        terminated++;
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
    if (terminated > 0) log('unresponsive-terminated', { sockets: terminated });
  }, s.pingIntervalSeconds * 1000);

  // Connection gauge over UDP to the CloudWatch agent.
  let udp: dgram.Socket | undefined;
  let gauge: NodeJS.Timeout | undefined;
  const asg = s.autoScalingGroupName;
  if (asg === undefined) {
    process.stderr.write(`${ASG_NAME_ENV} is unset: not publishing the connection gauge (${s.metricNamespace}/${s.metricName}); the scaling policy needs it on instances.\n`);
  } else {
    udp = dgram.createSocket(net.isIPv6(s.emfEndpoint.host) ? 'udp6' : 'udp4');
    udp.on('error', (err) => log('gauge-error', { message: err.message }));
    gauge = setInterval(() => {
      const record = Buffer.from(JSON.stringify(connectionGaugeRecord(s, asg, wss.clients.size, Date.now())));
      udp?.send(record, s.emfEndpoint.port, s.emfEndpoint.host, (err) => {
        if (err) log('gauge-error', { message: err.message });
      });
    }, s.metricIntervalMs);
  }

  await Promise.all([listen(main, s.port, s.listenBacklog), healthServer ? listen(healthServer, s.healthPort, s.listenBacklog) : undefined]);
  const port = (main.address() as AddressInfo).port;
  const healthPort = healthServer ? (healthServer.address() as AddressInfo).port : port;

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let deadline: NodeJS.Timeout | undefined;
  const timers: NodeJS.Timeout[] = [];
  let done = false;
  const complete = (how: string): void => {
    if (done) return;
    done = true;
    const stragglers = wss.clients.size;
    for (const ws of wss.clients) ws.terminate();
    for (const t of [pinger, gauge, deadline, ...timers]) if (t) clearTimeout(t);
    udp?.close();
    wss.close();
    const servers = [main, healthServer].filter((x): x is http.Server => x !== undefined);
    let open = servers.length;
    for (const server of servers) {
      server.close(() => {
        if (--open === 0) {
          log('drain-complete', { how, terminated: stragglers });
          finish();
        }
      });
      server.closeAllConnections();
    }
  };

  const drain = (trigger: string): void => {
    if (draining) {
      log('drain-cut-short', { trigger, connections: wss.clients.size });
      complete('cut-short');
      return;
    }
    draining = true;
    const sockets = [...wss.clients];
    const windowMs = s.drainWindowSeconds * 1000;
    log('drain-start', { trigger, connections: sockets.length, windowSeconds: s.drainWindowSeconds, graceSeconds: DRAIN_GRACE_SECONDS });
    const reason = drainCloseReason();
    const check = (): void => {
      if (wss.clients.size === 0) complete('all-closed');
    };
    drainOffsetsMs(sockets.length, windowMs).forEach((offset, i) => {
      const ws = sockets[i];
      ws.once('close', check);
      timers.push(setTimeout(() => ws.close(DRAIN_CLOSE_CODE, reason), offset));
    });
    deadline = setTimeout(() => complete('deadline'), windowMs + DRAIN_GRACE_SECONDS * 1000);
    check();
  };

  log('listening', {
    port,
    healthPort,
    healthPath: s.healthPath,
    pingIntervalSeconds: s.pingIntervalSeconds,
    drainWindowSeconds: s.drainWindowSeconds,
    keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds,
    listenBacklog: s.listenBacklog,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    gauge: asg === undefined ? 'off' : `${s.metricNamespace}/${s.metricName} to udp://${s.emfEndpoint.host}:${s.emfEndpoint.port}`,
  });
  return { port, healthPort, connections: () => wss.clients.size, drain, finished };
}

function asBroadcast(data: RawData): { data: unknown } | undefined {
  const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
  if (!text.startsWith('{')) return undefined;
  try {
    const msg = JSON.parse(text) as unknown;
    if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'broadcast' && 'data' in msg) {
      return { data: (msg as { data: unknown }).data };
    }
  } catch {
    // Not JSON: an ordinary message, echoed.
  }
  return undefined;
}

function refuse(socket: Duplex, code: number, status: string, body: string, headers: Record<string, string> = {}): void {
  const lines = [`HTTP/1.1 ${code} ${status}`, 'connection: close', 'content-type: text/plain', `content-length: ${Buffer.byteLength(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function listen(server: http.Server, port: number, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Entry point: read settings (exit 1 on bad ones), serve, drain on SIGTERM/SIGINT, exit 0. */
export async function main(): Promise<void> {
  let settings: ServerSettings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    for (const issue of err.issues) process.stderr.write(`websocket-tier example server: ${issue}\n`);
    process.exit(1);
  }
  const log = jsonLog(settings.cell);
  let server: RunningServer;
  try {
    server = await startServer(settings, log);
  } catch (err) {
    log('listen-failed', { message: (err as Error).message });
    process.exit(1);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.drain(signal));
  await server.finished;
  log('exit', { code: 0 });
  process.exit(0);
}

if (require.main === module) {
  void main();
}
