/**
 * Calibration: how many idle WebSockets does one server process hold within a memory budget on
 * this machine, and how close is the capacity planner's prediction?
 *
 * For each server (the example server bundled by examples/server/bundle.ts, bare `ws`, and
 * socket.io when it is installed) it:
 * 1. starts the server in its own process with `--expose-gc` and a preload that runs `gc()` twice
 *    on SIGUSR2 (the same "after gc() twice" rule as dataplane.md §1.7);
 * 2. opens idle connections in steps from several client processes, each bound to its own
 *    127.0.0.x source address (one process may hold 20,000 files here and one address pair has
 *    28,232 ephemeral ports), until the server's RSS has grown by the budget, the connection cap,
 *    or the time limit;
 * 3. after each step forces GC in the server and reads its RSS from /proc/<pid>/status;
 * 4. fits bytes per connection (least squares over the steps), derives the connections that fit
 *    in the budget, and compares with `predictConnectionsWithinBudget()`.
 *
 * Writes bench/results/calibration.json. Run: `npx ts-node --transpile-only bench/calibration.ts`
 * Options (environment): CAL_BUDGET_MIB (default 96), CAL_MAX_CONNECTIONS (default 18000; one
 * process may hold 20,000 files here), CAL_STEP (default 1500), CAL_CLIENT_PROCESSES (default 3),
 * CAL_TIME_LIMIT_S (default 240 per server), CAL_SERVERS (default `example,ws,socket.io`),
 * CAL_EXAMPLE_FILE (a different build of the example server), CAL_OUT (results file name).
 * Not a test: it takes minutes and its numbers depend on the machine.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FRAMEWORK_BYTES_PER_CONNECTION } from '../lib/core/capacity/data';
import { predictConnectionsWithinBudget, type ServerFramework } from '../lib/core/capacity';

const ROOT = path.join(__dirname, '..');
const TMP = path.join(ROOT, '.bench-tmp', 'calibration');
const MIB = 1024 * 1024;
const BUDGET_BYTES = Number(process.env.CAL_BUDGET_MIB ?? 96) * MIB;
const MAX_CONNECTIONS = Number(process.env.CAL_MAX_CONNECTIONS ?? 18_000);
const STEP = Number(process.env.CAL_STEP ?? 1_500);
const CLIENT_PROCESSES = Number(process.env.CAL_CLIENT_PROCESSES ?? 3);
const TIME_LIMIT_MS = Number(process.env.CAL_TIME_LIMIT_S ?? 240) * 1000;
const TARGET_ERROR = 0.15;

// ---------------------------------------------------------------------------------------------
// Child scripts (plain CommonJS, written to .bench-tmp so they run without ts-node).
// ---------------------------------------------------------------------------------------------

const GC_HOOK = `process.on('SIGUSR2', () => { global.gc(); global.gc(); process.send ? process.send({ gc: true }) : null; });\n`;

const WS_SERVER = `
const { WebSocketServer } = require(${JSON.stringify(require.resolve('ws'))});
const wss = new WebSocketServer({ port: 0, backlog: 4096 });
wss.on('connection', (ws) => { ws.on('message', (m) => ws.send(m)); });
wss.on('listening', () => console.log(JSON.stringify({ event: 'listening', port: wss.address().port })));
`;

const SOCKET_IO_SERVER = (modulePath: string) => `
const http = require('http');
const { Server } = require(${JSON.stringify(modulePath)});
const server = http.createServer();
const io = new Server(server, { transports: ['websocket'] });
io.engine.on('connection', (raw) => { raw.request = null; });
io.on('connection', (s) => { s.on('echo', (m) => s.emit('echo', m)); });
server.listen({ port: 0, backlog: 4096 }, () => console.log(JSON.stringify({ event: 'listening', port: server.address().port })));
`;

/** A client process: holds idle connections, opens more on request, reports counts over IPC. */
const CLIENT = `
const WebSocket = require(${JSON.stringify(require.resolve('ws'))});
const sockets = [];
let failed = 0;
process.on('message', async (m) => {
  if (m.open) {
    const { url, count, localAddress, engineIo } = m.open;
    let pending = 0;
    await new Promise((resolve) => {
      let started = 0;
      const next = () => {
        while (pending < 200 && started < count) {
          started++; pending++;
          const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
          const done = (ok) => { if (ws._wstDone) return; ws._wstDone = true; pending--; if (ok) sockets.push(ws); else failed++; if (started === count && pending === 0) resolve(); else next(); };
          ws.on('open', () => done(true));
          // socket.io over a raw WebSocket: join the default namespace, answer engine.io pings.
          if (engineIo) ws.on('message', (d) => { const t = d.toString(); if (t[0] === '0') ws.send('40'); else if (t === '2') ws.send('3'); });
          ws.on('error', () => done(false));
        }
        if (count === 0) resolve();
      };
      next();
    });
    process.send({ opened: sockets.filter((s) => s.readyState === 1).length, failed });
  }
  if (m.close) { for (const s of sockets) s.terminate(); process.send({ closed: true }); }
});
process.send({ ready: true });
`;

// ---------------------------------------------------------------------------------------------

interface Sample {
  readonly connections: number;
  readonly rssBytes: number;
}

interface ServerRun {
  readonly name: string;
  readonly framework: ServerFramework;
  readonly samples: readonly Sample[];
  readonly baselineRssBytes: number;
  readonly connectionsOpened: number;
  readonly failedConnections: number;
  readonly stoppedBecause: 'budget' | 'connection-cap' | 'time-limit' | 'connect-failures';
  readonly seconds: number;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not report a port within 20 s')), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        try {
          const j = JSON.parse(line) as { event?: string; port?: number };
          if (j.event === 'listening' && typeof j.port === 'number') {
            clearTimeout(timer);
            resolve(j.port);
            return;
          }
        } catch {
          // partial line or non-JSON output
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited early with code ${code}`)));
  });
}

/** Force GC twice in the server (SIGUSR2 → preload hook) and read its RSS once it settles. */
async function settledRss(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  await sleep(700);
  process.kill(pid, 'SIGUSR2');
  await sleep(700);
  return rssOf(pid);
}

function request<T>(child: ChildProcess, msg: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    child.send(msg as object);
  });
}

async function measure(
  name: string,
  framework: ServerFramework,
  serverFile: string,
  env: NodeJS.ProcessEnv = {},
  engineIo = false,
): Promise<ServerRun> {
  const hook = path.join(TMP, 'gc-hook.js');
  const server = spawn(process.execPath, ['--expose-gc', '-r', hook, serverFile], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = Date.now();
  const clients: ChildProcess[] = [];
  try {
    const port = await waitForPort(server);
    server.stdout!.resume();
    await sleep(1000);
    const baselineRssBytes = await settledRss(server.pid!);
    const samples: Sample[] = [{ connections: 0, rssBytes: baselineRssBytes }];
    const clientFile = path.join(TMP, 'client.js');
    for (let i = 0; i < CLIENT_PROCESSES; i++) {
      const c = fork(clientFile, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      await new Promise<void>((r) => c.once('message', () => r()));
      clients.push(c);
    }
    const opened = new Array<number>(CLIENT_PROCESSES).fill(0);
    let failed = 0;
    let stoppedBecause: ServerRun['stoppedBecause'] = 'connection-cap';
    let total = 0;
    while (true) {
      if (total >= MAX_CONNECTIONS) break;
      if (Date.now() - started > TIME_LIMIT_MS) {
        stoppedBecause = 'time-limit';
        break;
      }
      const step = Math.min(STEP, MAX_CONNECTIONS - total);
      const per = Math.ceil(step / CLIENT_PROCESSES);
      const results = await Promise.all(
        clients.map((c, i) =>
          request<{ opened: number; failed: number }>(
            c,
            {
              open: {
                url: engineIo ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket` : `ws://127.0.0.1:${port}/calibration`,
                count: per,
                localAddress: `127.0.0.${2 + i}`,
                engineIo,
              },
            },
            'opened',
          ),
        ),
      );
      results.forEach((r, i) => {
        opened[i] = r.opened;
      });
      failed = results.reduce((a, r) => a + r.failed, 0);
      total = opened.reduce((a, b) => a + b, 0);
      const rssBytes = await settledRss(server.pid!);
      samples.push({ connections: total, rssBytes });
      process.stdout.write(
        `  ${name}: ${total} connections, RSS +${((rssBytes - baselineRssBytes) / MIB).toFixed(1)} MiB${failed ? `, ${failed} failed` : ''}\n`,
      );
      if (failed > step / 2) {
        stoppedBecause = 'connect-failures';
        break;
      }
      if (rssBytes - baselineRssBytes >= BUDGET_BYTES) {
        stoppedBecause = 'budget';
        break;
      }
    }
    return {
      name,
      framework,
      samples,
      baselineRssBytes,
      connectionsOpened: total,
      failedConnections: failed,
      stoppedBecause,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const c of clients) c.kill('SIGKILL');
    server.kill('SIGKILL'); // the example server drains for minutes on SIGTERM
    await sleep(500);
  }
}

/**
 * Least-squares line through the RSS growth of the samples with connections (the step from 0 to
 * the first sample holds the runtime warm-up): slope = bytes per additional connection,
 * intercept = warm-up bytes.
 */
function fit(run: ServerRun): { bytesPerConnection: number; warmupBytes: number } {
  const s = run.samples.filter((x) => x.connections > 0).map((x) => ({ x: x.connections, y: x.rssBytes - run.baselineRssBytes }));
  const n = s.length;
  const mx = s.reduce((a, p) => a + p.x, 0) / n;
  const my = s.reduce((a, p) => a + p.y, 0) / n;
  const sxy = s.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const sxx = s.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const b = sxy / sxx;
  return { bytesPerConnection: b, warmupBytes: my - b * mx };
}

/** Connections at which RSS growth first reached the budget (linear between samples), if it did. */
function connectionsAtBudget(run: ServerRun): number | undefined {
  const s = run.samples;
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1].rssBytes - run.baselineRssBytes;
    const b = s[i].rssBytes - run.baselineRssBytes;
    if (b >= BUDGET_BYTES) return s[i - 1].connections + ((BUDGET_BYTES - a) / (b - a)) * (s[i].connections - s[i - 1].connections);
  }
  return undefined;
}

function findSocketIo(): string | undefined {
  try {
    return require.resolve('socket.io', { paths: [ROOT] });
  } catch {
    return undefined;
  }
}

async function run(): Promise<void> {
  fs.mkdirSync(TMP, { recursive: true });
  fs.writeFileSync(path.join(TMP, 'gc-hook.js'), GC_HOOK);
  fs.writeFileSync(path.join(TMP, 'client.js'), CLIENT);
  fs.writeFileSync(path.join(TMP, 'ws-server.js'), WS_SERVER);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bundleServer } = require('../examples/server/bundle') as { bundleServer: (outDir?: string) => string };
  const exampleServer = bundleServer(path.join(TMP, 'example-server'));

  const only = (process.env.CAL_SERVERS ?? 'example,ws,socket.io').split(',');
  const servers: { name: string; framework: ServerFramework; file: string; env?: NodeJS.ProcessEnv; engineIo?: boolean }[] = [];
  if (only.includes('example'))
    servers.push({
      name: 'example server (ws, bundled)',
      framework: 'ws',
      file: process.env.CAL_EXAMPLE_FILE ?? exampleServer,
      env: { WST_PORT: '0', WST_CELL: 'calibration' },
    });
  if (only.includes('ws')) servers.push({ name: 'bare ws', framework: 'ws', file: path.join(TMP, 'ws-server.js') });
  const sio = only.includes('socket.io') ? findSocketIo() : undefined;
  const skipped: string[] = [];
  if (!only.includes('socket.io')) {
    // not requested
  } else if (sio) {
    fs.writeFileSync(path.join(TMP, 'sio-server.js'), SOCKET_IO_SERVER(sio));
    servers.push({
      name: 'socket.io (websocket transport)',
      framework: 'socket.io',
      file: path.join(TMP, 'sio-server.js'),
      engineIo: true,
    });
  } else {
    skipped.push(
      'socket.io: not installed in this project (npm i -D socket.io to include it); the planner uses 15,056 B derived from dataplane.md §1.7',
    );
  }

  const results = [];
  for (const s of servers) {
    process.stdout.write(`${s.name}\n`);
    const r = await measure(s.name, s.framework, s.file, s.env, s.engineIo);
    const { bytesPerConnection, warmupBytes } = fit(r);
    const atBudget = connectionsAtBudget(r);
    const measuredWithinBudget = atBudget ?? (BUDGET_BYTES - warmupBytes) / bytesPerConnection;
    const predicted = predictConnectionsWithinBudget(s.framework, BUDGET_BYTES);
    const error = (predicted - measuredWithinBudget) / measuredWithinBudget;
    results.push({
      server: s.name,
      framework: s.framework,
      plannerBytesPerConnection:
        typeof s.framework === 'string' ? FRAMEWORK_BYTES_PER_CONNECTION[s.framework] : s.framework.bytesPerConnection,
      measuredBytesPerConnection: Math.round(bytesPerConnection),
      measuredWarmupMiB: +(warmupBytes / MIB).toFixed(1),
      averageBytesPerConnectionAtEnd: Math.round(
        (r.samples[r.samples.length - 1].rssBytes - r.baselineRssBytes) / Math.max(1, r.connectionsOpened),
      ),
      connectionsOpened: r.connectionsOpened,
      failedConnections: r.failedConnections,
      stoppedBecause: r.stoppedBecause,
      baselineRssMiB: +(r.baselineRssBytes / MIB).toFixed(1),
      rssGrowthMiB: +((r.samples[r.samples.length - 1].rssBytes - r.baselineRssBytes) / MIB).toFixed(1),
      measuredConnectionsWithinBudget: Math.round(measuredWithinBudget),
      measuredHow:
        atBudget !== undefined
          ? 'budget reached (interpolated between steps)'
          : 'budget not reached under the connection cap: extrapolated on the fitted line, (budget − warm-up) ÷ bytes per connection',
      predictedConnectionsWithinBudget: predicted,
      error: +error.toFixed(4),
      withinTarget: Math.abs(error) <= TARGET_ERROR,
      seconds: +r.seconds.toFixed(1),
      samples: r.samples.map((x) => ({ connections: x.connections, rssMiB: +(x.rssBytes / MIB).toFixed(2) })),
    });
    process.stdout.write(
      `  → ${Math.round(bytesPerConnection)} B/connection + ${(warmupBytes / MIB).toFixed(1)} MiB warm-up measured, ${Math.round(measuredWithinBudget)} connections in ${BUDGET_BYTES / MIB} MiB; planner ${predicted} (${(error * 100).toFixed(1)} %)\n`,
    );
  }

  const out = {
    what: 'Idle WebSocket connections one server process holds within an RSS-growth budget, measured vs the capacity planner',
    when: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, memoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1), kernel: os.release() },
    method: `RSS from /proc/<pid>/status after gc() twice; ${CLIENT_PROCESSES} client processes on 127.0.0.2–127.0.0.${1 + CLIENT_PROCESSES}; steps of ${STEP}; stop at ${BUDGET_BYTES / MIB} MiB growth, ${MAX_CONNECTIONS} connections or ${TIME_LIMIT_MS / 1000} s`,
    budgetMiB: BUDGET_BYTES / MIB,
    targetError: TARGET_ERROR,
    results,
    skipped,
  };
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const outName = process.env.CAL_OUT ?? 'calibration.json';
  fs.writeFileSync(path.join(__dirname, 'results', outName), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/${outName}\n`);
}

run().catch((e) => {
  process.stderr.write(`calibration failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
