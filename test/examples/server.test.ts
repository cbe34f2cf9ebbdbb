/**
 * The plain-`ws` example server as an instance would run it: the esbuild bundle, started with
 * `node`, on loopback, configured only through environment variables. Its drain, close codes and
 * retry hint, health and gauge are the runtime's (lib/runtime): the tests check the wire against
 * the runtime's own formats and lib/client's parser. Every wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { CONNECTION_GAUGE, DEFAULTS, SERVER_ENV } from '../../lib/core';
import { parseRetryHint } from '../../lib/client/backoff';
import { CLOSE_GOING_AWAY, closeReason, emfRecord, MAX_CLOSE_REASON_BYTES, RUNTIME_DEFAULTS } from '../../lib/runtime';
import { bundleServer } from '../../examples/server/bundle';
import { readSettings, SettingsError } from '../../examples/server/server';
import { freePort, httpGet, within } from '../helpers/net';

// ---------- helpers ----------

/** Reject after `ms` with a message saying what was awaited. */

interface LogLine {
  event: string;
  [k: string]: unknown;
}

interface ServerProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(event: string, ms: number): Promise<LogLine>;
}

const children: ChildProcess[] = [];

function startProcess(bundle: string, env: Record<string, string>): ServerProcess {
  // Only PATH is inherited, so no WST_* variable of the outer environment leaks in.
  const child = spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: LogLine[] = [];
  const waiters: Array<{ event: string; resolve: (l: LogLine) => void }> = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = JSON.parse(out.slice(0, nl)) as LogLine;
      out = out.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.filter((x) => x.event === line.event)) w.resolve(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitFor: (event, ms) => {
      const seen = lines.find((l) => l.event === event);
      if (seen) return Promise.resolve(seen);
      return within(new Promise<LogLine>((resolve) => waiters.push({ event, resolve })), ms, `log event "${event}" (stderr: ${err})`);
    },
  };
}

interface Client {
  readonly ws: WebSocket;
  readonly messages: Array<{ data: Buffer; isBinary: boolean }>;
  nextMessage(ms: number): Promise<{ data: Buffer; isBinary: boolean }>;
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
}

async function connect(port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const messages: Array<{ data: Buffer; isBinary: boolean }> = [];
  let read = 0;
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    messages.push({ data: data as Buffer, isBinary });
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8'), at: Date.now() })),
  );
  await within(new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject)), 5000, 'WebSocket open');
  return {
    ws,
    messages,
    closed,
    nextMessage: (ms) =>
      within(
        new Promise((resolve) => {
          const take = (): void => {
            if (messages.length > read) resolve(messages[read++]);
            else waiters.push(take);
          };
          take();
        }),
        ms,
        'a WebSocket message',
      ),
  };
}

let bundle: string;
let tmpDir: string;

beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-server-'));
  bundle = bundleServer(tmpDir);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmpDir, { recursive: true, force: true });
});

// ---------- pure parts ----------

test('the bundle has the same bytes whatever the working directory (stable asset hash)', async () => {
  // Build again from another working directory, in a child process (jest workers must not chdir).
  const otherDir = path.join(tmpDir, 'from-elsewhere');
  const script = `require(${JSON.stringify(path.resolve(__dirname, '../../examples/server/bundle.ts'))}).bundleServer(${JSON.stringify(otherDir)})`;
  const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script], {
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: path.resolve(__dirname, '../../tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await within(new Promise<number | null>((resolve) => child.on('exit', resolve)), 30_000, 'the second bundle build');
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(fs.readFileSync(path.join(otherDir, 'server.js')).equals(fs.readFileSync(bundle))).toBe(true);
});

describe('readSettings', () => {
  test('no environment gives the core defaults', () => {
    const s = readSettings({});
    expect(s).toMatchObject({
      port: DEFAULTS.server.port,
      healthPort: DEFAULTS.server.port,
      healthPath: DEFAULTS.healthCheck.path,
      pingIntervalSeconds: DEFAULTS.connection.pingIntervalSeconds,
      drainWindowSeconds: DEFAULTS.connection.drainWindowSeconds,
      listenBacklog: DEFAULTS.host.listenBacklog,
      metricNamespace: CONNECTION_GAUGE.namespace,
      metricName: CONNECTION_GAUGE.metricName,
      emfEndpoint: { host: '127.0.0.1', port: 25888 },
      autoScalingGroupName: undefined,
      metricIntervalMs: 60_000,
    });
    expect(s.keepAliveTimeoutSeconds).toBeGreaterThan(DEFAULTS.connection.albIdleTimeoutSeconds);
  });

  test('reads every variable', () => {
    const s = readSettings({
      WST_PORT: '9000',
      WST_HEALTH_PORT: '9001',
      WST_HEALTH_PATH: '/ready',
      WST_PING_INTERVAL_SECONDS: '30',
      WST_DRAIN_WINDOW_SECONDS: '0',
      WST_KEEP_ALIVE_TIMEOUT_SECONDS: '355',
      WST_LISTEN_BACKLOG: '1024',
      WST_CELL: 'eu-1',
      WST_METRIC_NAMESPACE: 'Ns',
      WST_METRIC_NAME: 'Conns',
      WST_EMF_ENDPOINT: 'udp://[::1]:25999',
      WST_AUTO_SCALING_GROUP_NAME: 'asg-1',
    });
    expect(s).toMatchObject({
      port: 9000,
      healthPort: 9001,
      healthPath: '/ready',
      pingIntervalSeconds: 30,
      drainWindowSeconds: 0,
      keepAliveTimeoutSeconds: 355,
      listenBacklog: 1024,
      cell: 'eu-1',
      metricNamespace: 'Ns',
      metricName: 'Conns',
      emfEndpoint: { host: '::1', port: 25999 },
      autoScalingGroupName: 'asg-1',
    });
  });

  test('reports every bad variable with its value and allowed range', () => {
    let error: unknown;
    try {
      readSettings({
        WST_PORT: '70000',
        WST_PING_INTERVAL_SECONDS: '2.5',
        WST_HEALTH_PATH: 'healthz',
        WST_EMF_ENDPOINT: 'tcp://127.0.0.1:25888',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const issues = (error as SettingsError).issues;
    expect(issues).toHaveLength(4);
    expect(issues[0]).toMatch(/WST_PORT is "70000"; allowed: a whole number from 0 to 65535/);
    expect(issues[1]).toMatch(/WST_HEALTH_PATH is "healthz"/);
    expect(issues[2]).toMatch(/WST_PING_INTERVAL_SECONDS is "2.5"; allowed: a whole number from 1 to 3600 seconds/);
    expect(issues[3]).toMatch(/WST_EMF_ENDPOINT is "tcp:\/\/127.0.0.1:25888"; allowed: udp:\/\/HOST:PORT/);
  });

  test('the variable names are the core SERVER_ENV names', () => {
    expect(() => readSettings({ [SERVER_ENV.drainWindowSeconds]: '-1' })).toThrow(
      /WST_DRAIN_WINDOW_SECONDS is "-1"; allowed: a whole number from 0 to 7170/,
    );
  });
});

// ---------- the bundled process ----------

describe('bundled server process', () => {
  const DRAIN_WINDOW_SECONDS = 2;
  let proc: ServerProcess;
  let port: number;
  let udp: dgram.Socket;
  const records: Array<Record<string, unknown>> = [];
  const clients: Client[] = [];
  const recordWaiters: Array<() => void> = [];

  beforeAll(async () => {
    udp = dgram.createSocket('udp4');
    udp.on('message', (msg) => {
      records.push(JSON.parse(msg.toString('utf8')) as Record<string, unknown>);
      recordWaiters.splice(0).forEach((w) => w());
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    proc = startProcess(bundle, {
      [SERVER_ENV.port]: '0',
      [SERVER_ENV.cellName]: 'cell-a',
      [SERVER_ENV.drainWindowSeconds]: String(DRAIN_WINDOW_SECONDS),
      [SERVER_ENV.pingIntervalSeconds]: '1',
      WST_EMF_ENDPOINT: `udp://127.0.0.1:${(udp.address() as AddressInfo).port}`,
      WST_AUTO_SCALING_GROUP_NAME: 'wst-test-asg',
      WST_METRIC_INTERVAL_MS: '100',
      WST_NODE_ID: 'node-a',
      // IMDS polling is on with a group name; point it at a closed local port.
      WST_IMDS_BASE_URL: 'http://127.0.0.1:9',
    });
    port = (await proc.waitFor('listening', 10_000)).port as number;
  });

  afterAll(() => {
    for (const c of clients) c.ws.terminate();
    udp.close();
  });

  test("health answers 200 (the runtime's body) while serving; liveness answers 200", async () => {
    const health = await httpGet(port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'serving', connections: 0, node: 'node-a' });
    expect((await httpGet(port, '/livez')).status).toBe(200);
    expect((await httpGet(port, '/')).status).toBe(426);
  });

  test('echoes text and binary messages to the sender', async () => {
    const c = await connect(port);
    clients.push(c);
    c.ws.send('hello');
    const text = await c.nextMessage(5000);
    expect(text.isBinary).toBe(false);
    expect(text.data.toString('utf8')).toBe('hello');
    c.ws.send(Buffer.from([0, 1, 2, 255]));
    const binary = await c.nextMessage(5000);
    expect(binary.isBinary).toBe(true);
    expect([...binary.data]).toEqual([0, 1, 2, 255]);
  });

  test('a broadcast reaches every other client of the process and not the sender', async () => {
    const [a, b, c] = [clients[0], await connect(port), await connect(port)];
    clients.push(b, c);
    a.ws.send(JSON.stringify({ type: 'broadcast', data: { n: 1 } }));
    for (const other of [b, c]) {
      const msg = JSON.parse((await other.nextMessage(5000)).data.toString('utf8')) as Record<string, unknown>;
      expect(msg).toMatchObject({ type: 'broadcast', data: { n: 1 } });
      expect(typeof msg.from).toBe('number');
    }
    // Messages to one socket keep their order: if the broadcast had come back to the sender, it
    // would arrive before the echo of this later message.
    a.ws.send('after');
    expect((await a.nextMessage(5000)).data.toString('utf8')).toBe('after');
    expect(a.messages).toHaveLength(3); // 'hello', the binary echo, 'after'
  });

  test('pings an idle socket every WST_PING_INTERVAL_SECONDS (1 s here), through the runtime adapter', async () => {
    const c = await connect(port);
    clients.push(c);
    let pings = 0;
    await within(
      new Promise<void>((resolve) => {
        c.ws.on('ping', () => {
          if (++pings === 2) resolve();
        });
      }),
      10_000,
      'two pings on an idle socket',
    );
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  test("publishes the connection gauge as the runtime's EMF record over UDP", async () => {
    const open = clients.length;
    const match = (): Record<string, unknown> | undefined => records.find((r) => r.ActiveConnections === open);
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => (match() ? resolve() : void recordWaiters.push(check));
        check();
      }),
      5000,
      `an EMF record with ${open} connections`,
    );
    const record = match()!;
    expect(record).toEqual(
      JSON.parse(
        emfRecord({
          connections: open,
          autoScalingGroupName: 'wst-test-asg',
          timestampMs: (record._aws as { Timestamp: number }).Timestamp,
        }),
      ),
    );
    expect(record).toMatchObject({ AutoScalingGroupName: 'wst-test-asg', [CONNECTION_GAUGE.metricName]: open });
  });

  test("SIGTERM drains: health 503, upgrades refused, closes 1001 with the runtime's retry hint spread over the window, exit 0", async () => {
    while (clients.length < 20) clients.push(await connect(port));
    expect(JSON.parse((await httpGet(port, '/healthz')).body).connections).toBe(20);

    proc.child.kill('SIGTERM');
    await proc.waitFor('drain-start', 5000);

    const health = await httpGet(port, '/healthz');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'draining', node: 'node-a' });

    const refused = await within(
      new Promise<number>((resolve, reject) => {
        const late = new WebSocket(`ws://127.0.0.1:${port}/`);
        late.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          late.terminate();
        });
        late.on('open', () => reject(new Error('upgrade accepted while draining')));
        late.on('error', () => undefined);
      }),
      5000,
      'the refused upgrade',
    );
    expect(refused).toBe(503);

    const closes = await within(
      Promise.all(clients.map((c) => c.closed)),
      (DRAIN_WINDOW_SECONDS + 10) * 1000,
      'every drained socket to close',
    );
    for (const close of closes) {
      expect(close.code).toBe(CLOSE_GOING_AWAY);
      expect(close.reason).toBe(closeReason({ retryAfterMs: RUNTIME_DEFAULTS.retryAfterMs, why: 'drain' }));
      expect(parseRetryHint(close.reason)).toBe(RUNTIME_DEFAULTS.retryAfterMs);
      expect(Buffer.byteLength(close.reason)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    }
    const times = closes.map((c) => c.at);
    // Spread, not a burst: at least a quarter of the window between the first and the last close.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(DRAIN_WINDOW_SECONDS * 1000 * 0.25);

    expect(await within(proc.exited, 10_000, 'the process to exit')).toEqual({ code: 0, signal: null });
    expect(proc.lines.find((l) => l.event === 'drain-complete')).toMatchObject({ how: 'drained' });
  });
});

describe('server process configuration', () => {
  test('a bad environment value exits 1 naming the variable, the value and the allowed range', async () => {
    const proc = startProcess(bundle, { [SERVER_ENV.pingIntervalSeconds]: 'abc', [SERVER_ENV.drainWindowSeconds]: '99999' });
    expect(await within(proc.exited, 10_000, 'the process to exit')).toEqual({ code: 1, signal: null });
    expect(proc.stderr()).toMatch(/WST_PING_INTERVAL_SECONDS is "abc"; allowed: a whole number from 1 to 3600/);
    expect(proc.stderr()).toMatch(/WST_DRAIN_WINDOW_SECONDS is "99999"; allowed: a whole number from 0 to 7170/);
    expect(proc.lines).toEqual([]);
  });

  test('a distinct health port gets its own server; without a group name the gauge is off', async () => {
    const healthPort = await freePort();
    const proc = startProcess(bundle, {
      [SERVER_ENV.port]: '0',
      [SERVER_ENV.healthPort]: String(healthPort),
      [SERVER_ENV.healthPath]: '/ready',
    });
    const listening = await proc.waitFor('listening', 10_000);
    expect(listening.healthPort).toBe(healthPort);
    expect(listening.port).not.toBe(healthPort);
    const health = await httpGet(healthPort, '/ready');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'serving', connections: 0 });
    expect((await httpGet(healthPort, '/livez')).status).toBe(200);
    expect((await httpGet(listening.port as number, '/ready')).status).toBe(200);
    expect(proc.stderr()).toMatch(/WST_AUTO_SCALING_GROUP_NAME is unset: not publishing the connection gauge/);
    proc.child.kill('SIGINT');
    expect(await within(proc.exited, 10_000, 'the process to exit')).toEqual({ code: 0, signal: null });
  });
});
