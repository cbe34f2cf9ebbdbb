/**
 * The plain-`ws` example server, built on the websocket-tier runtime (lib/runtime): the smallest
 * server that behaves the way the infrastructure assumes, and the one the calibration bench
 * measures. The example tiers deploy the socket.io chat server (examples/chat-server), which is
 * built on the same runtime; this one stays as the minimal `ws` integration.
 *
 * What comes from the runtime (one copy, shared with the chat server):
 * - readiness on `WST_HEALTH_PATH` (200 while serving, 503 once draining) and liveness on `/livez`;
 * - admission: upgrades refused with 503 + `Retry-After` while draining, Origin allowlist,
 *   per-node connection cap (1013), maximum message size (1009);
 * - the paced drain on SIGTERM, the lifecycle state from IMDS or a Spot notice: sockets closed with
 *   1001 at stratified random offsets over `WST_DRAIN_WINDOW_SECONDS`, each with the runtime's JSON
 *   retry hint (`{"retryAfterMs":N,"why":"drain"}`, read by lib/client's `parseRetryHint`),
 *   leftovers terminated after `WST_DRAIN_GRACE_SECONDS`, the termination lifecycle action
 *   completed on the NLB path;
 * - the connection gauge (CloudWatch embedded metric format over UDP to the local agent);
 * - pings every `WST_PING_INTERVAL_SECONDS` from one shared timer (data on the wire keeps the LB
 *   idle timer from expiring; a socket that left two pings unanswered is terminated) and HTTP
 *   keep-alive `WST_KEEP_ALIVE_TIMEOUT_SECONDS`, above the LB idle timeout (`applyServerTimeouts`).
 *
 * What stays here: settings validation, an optional separate health port, and the tiny
 * application protocol: every message is echoed to its sender, except a text message
 * `{"type":"broadcast","data":X}`, which goes to every other client of this process as
 * `{"type":"broadcast","data":X,"from":<connection id>}` (no backplane: use the chat server for that).
 *
 * Configuration comes only from environment variables; see README.md next to this file.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import {
  applyServerTimeouts,
  attachWebSocketServer,
  parseUdpEndpoint,
  RUNTIME_DEFAULTS,
  RUNTIME_ENV,
  WebSocketRuntime,
  wsServerOptions,
} from '../../lib/runtime';

/** Milliseconds between connection-gauge records (the contract's variable). @default 60000 (the metric's period) */
export const METRIC_INTERVAL_ENV = RUNTIME_ENV.metricIntervalMs;

/** Liveness path: 200 while the process runs, draining or not (the runtime's). */
export const LIVENESS_PATH = RUNTIME_DEFAULTS.livenessPath;

/**
 * Default largest message accepted, bytes (1 MiB, the runtime's); the tier's `WST_MAX_MESSAGE_BYTES`
 * overrides it. A bigger message closes the socket with 1009 (RFC 6455 §7.4.1).
 */
export const MAX_PAYLOAD_BYTES = RUNTIME_DEFAULTS.maxMessageBytes;

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
      issues.push(
        `${name} is ${JSON.stringify(raw)}; allowed: a whole number from ${min} to ${max}${unit}. Fix: set it in that range, or unset it for the default ${def}.`,
      );
      return def;
    }
    return value;
  };
  const text = (name: string, def: string, maxLength: number): string => {
    const raw = get(name);
    if (raw === undefined) return def;
    if (raw.length > maxLength) {
      issues.push(
        `${name} is ${raw.length} characters long; allowed: 1 to ${maxLength}. Fix: shorten it, or unset it for the default ${JSON.stringify(def)}.`,
      );
      return def;
    }
    return raw;
  };

  const port = int(SERVER_ENV.port, DEFAULTS.server.port, 0, LIMITS.port.max, ' (0 = any free port)');
  const healthPort = int(SERVER_ENV.healthPort, port, 0, LIMITS.port.max, ' (unset = same as WST_PORT)');
  const healthPath = text(SERVER_ENV.healthPath, DEFAULTS.healthCheck.path, 1024);
  if (!healthPath.startsWith('/') || /\s/.test(healthPath) || healthPath === LIVENESS_PATH) {
    issues.push(
      `${SERVER_ENV.healthPath} is ${JSON.stringify(healthPath)}; allowed: an absolute HTTP path without spaces, other than ${LIVENESS_PATH}. Fix: e.g. ${DEFAULTS.healthCheck.path}.`,
    );
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
  try {
    return parseUdpEndpoint(raw);
  } catch {
    issues.push(
      `${EMF_ENDPOINT_ENV} is ${JSON.stringify(raw)}; allowed: udp://HOST:PORT with PORT 1 to 65535. Fix: e.g. udp://127.0.0.1:${EMF_AGENT_PORT} (the CloudWatch agent's default), or unset it for that default.`,
    );
    return def;
  }
}

/** A started server. */
export interface RunningServer {
  /** Bound WebSocket port (differs from settings when that was 0). */
  readonly port: number;
  /** Bound health port. */
  readonly healthPort: number;
  /** The runtime: drain state, health, gauge, close codes. */
  readonly runtime: WebSocketRuntime;
  /** Open WebSocket connections. */
  connections(): number;
  /** Start the runtime's paced drain (idempotent); a second call ends it at once, terminating what is left. */
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

/** `udp://host:port`, IPv6 hosts in brackets. */
function udpUrl(e: { host: string; port: number }): string {
  return `udp://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
}

/**
 * Start listening. Signals are left to the caller (`main` drains on SIGTERM and SIGINT).
 * Rejects when a port cannot be bound.
 */
export async function startServer(
  s: ServerSettings,
  log: Log = jsonLog(s.cell),
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningServer> {
  const asg = s.autoScalingGroupName;
  if (asg === undefined) {
    process.stderr.write(
      `${ASG_NAME_ENV} is unset: not publishing the connection gauge (${s.metricNamespace}/${s.metricName}); the scaling policy needs it on instances.\n`,
    );
  }
  const runtime = new WebSocketRuntime({
    env,
    drainWindowSeconds: s.drainWindowSeconds,
    pingIntervalSeconds: s.pingIntervalSeconds,
    keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds,
    healthPath: s.healthPath,
    signals: [],
    metrics:
      asg === undefined
        ? false
        : {
            endpoint: udpUrl(s.emfEndpoint),
            autoScalingGroupName: asg,
            intervalMs: s.metricIntervalMs,
            namespace: s.metricNamespace,
            metricName: s.metricName,
          },
  });
  runtime.on('warning', (e: Error) => log('warning', { message: e.message }));
  runtime.on('shed', (n: number, why: string) => log('shed', { n, why }));

  let nextId = 1;
  const ids = new WeakMap<WebSocket, number>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: true, ...wsServerOptions(runtime) });
  // The adapter pings every socket each WST_PING_INTERVAL_SECONDS (one shared timer) and
  // terminates one that left two pings unanswered; ping frames also reset the LB idle timer.
  attachWebSocketServer(runtime, wss);

  const tune = (server: http.Server): http.Server => {
    applyServerTimeouts(server, runtime);
    server.requestTimeout = server.headersTimeout;
    return server;
  };
  const main = tune(
    http.createServer((req, res) => {
      if (runtime.handleHealth(req, res)) return;
      res.writeHead(426, { upgrade: 'websocket', 'content-type': 'text/plain' });
      res.end('WebSocket only: send an Upgrade request\n');
    }),
  );
  main.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (path === runtime.healthPath || path === runtime.livenessPath) return refuse(socket, 404, 'Not Found', 'not a WebSocket path');
    // Admission (503 while draining, Origin allowlist) is the runtime's verifyClient.
    // Emit without `req`: a closure over it would keep every upgrade request alive for the
    // socket's lifetime (~2.9 KB per connection, found by bench/calibration.ts).
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  const healthServer =
    s.healthPort === s.port
      ? undefined
      : tune(
          http.createServer((req, res) => {
            if (runtime.handleHealth(req, res)) return;
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end('not found\n');
          }),
        );

  wss.on('connection', (ws: WebSocket) => {
    const id = nextId++;
    ids.set(ws, id);
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

  await Promise.all([
    listen(main, s.port, s.listenBacklog),
    healthServer ? listen(healthServer, s.healthPort, s.listenBacklog) : undefined,
  ]);
  runtime.start();
  const port = (main.address() as AddressInfo).port;
  const healthPort = healthServer ? (healthServer.address() as AddressInfo).port : port;

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let done = false;
  const complete = (how: string): void => {
    if (done) return;
    done = true;
    runtime.stop();
    wss.close();
    const servers = [main, healthServer].filter((x): x is http.Server => x !== undefined);
    let open = servers.length;
    for (const server of servers) {
      server.close(() => {
        if (--open === 0) {
          log('drain-complete', { how });
          finish();
        }
      });
      server.closeAllConnections();
    }
  };
  runtime.once('drained', () => complete('drained'));

  const drain = (trigger: string): void => {
    if (runtime.state !== 'serving') {
      log('drain-cut-short', { trigger, connections: runtime.connections });
      for (const ws of wss.clients) ws.terminate();
      complete('cut-short');
      return;
    }
    log('drain-start', {
      trigger,
      connections: runtime.connections,
      windowSeconds: s.drainWindowSeconds,
      graceSeconds: runtime.drainGraceMs / 1000,
    });
    void runtime.drain('signal');
  };

  log('listening', {
    port,
    healthPort,
    healthPath: s.healthPath,
    pingIntervalSeconds: s.pingIntervalSeconds,
    drainWindowSeconds: s.drainWindowSeconds,
    keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds,
    listenBacklog: s.listenBacklog,
    maxPayloadBytes: runtime.maxMessageBytes,
    node: runtime.nodeId,
    gauge: asg === undefined ? 'off' : `${s.metricNamespace}/${s.metricName} to ${udpUrl(s.emfEndpoint)}`,
  });
  return { port, healthPort, runtime, connections: () => runtime.connections, drain, finished };
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

function refuse(socket: Duplex, code: number, status: string, body: string): void {
  const lines = [
    `HTTP/1.1 ${code} ${status}`,
    'connection: close',
    'content-type: text/plain',
    `content-length: ${Buffer.byteLength(body)}`,
  ];
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
