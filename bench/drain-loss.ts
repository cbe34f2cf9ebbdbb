/**
 * Drain-loss benchmark (not a test): lost and duplicated socket.io deliveries when a node of the
 * local twin goes away under fan-out load.
 *
 *   npx ts-node --transpile-only bench/drain-loss.ts         # writes bench/results/drain-loss.json
 *   DRAIN_LOSS_CLIENTS=60 DRAIN_LOSS_RUNS=1 npx ts-node --transpile-only bench/drain-loss.ts
 *
 * Each run starts a fresh twin (real HAProxy, Redis and 3 example chat-server nodes), connects the
 * clients through HAProxy (socket.io-client, WebSocket transport, the tier's reconnect policy),
 * connects a publisher straight to the last node, and has it emit sequenced `chat` messages
 * `{ text, seq }` at a fixed rate; the chat server broadcasts each to every client. Then node n1
 * (or Redis) is taken away by the scenario:
 * - `paced`:   `twin.drainNode('n1')`: HAProxy deregistration, then SIGTERM (the runtime's paced drain);
 * - `sigterm`: SIGTERM to n1 while HAProxy still routes to it (no deregistration first);
 * - `kill`:    `twin.killNode('n1')` (SIGKILL);
 * - `redis`:   `twin.restartRedis(1000)` (Redis down 1 s, restarted empty).
 * Per client, every seq from its first received to the last sent must arrive: the missing ones are
 * lost deliveries; a seq received twice is a duplicated delivery.
 *
 * Options (environment): DRAIN_LOSS_CLIENTS (300), DRAIN_LOSS_RATE (messages/s, 75), DRAIN_LOSS_RUNS (5),
 * DRAIN_LOSS_SCENARIOS (paced,sigterm,kill,redis), DRAIN_LOSS_HOG (both | on | off; on = two busy-loop
 * processes for the whole run), DRAIN_LOSS_WINDOW_S (drain window, 6), DRAIN_LOSS_NODES (3),
 * DRAIN_LOSS_OUT (bench/results/drain-loss.json), DRAIN_LOSS_MERGE (1: replace only the runs of
 * the scenarios run now in the existing DRAIN_LOSS_OUT, keep the others, recompute the summary and
 * append this invocation to its `invocations`), DRAIN_LOSS_NOTE (with MERGE: the file's new `note`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { manageSocketIoReconnect } from '../lib/client';
import { resolveTier } from '../lib/core';
import { type BuiltServer, buildServer, startTwin, type Twin, twinBackendName } from '../lib/twin';

type Scenario = 'paced' | 'sigterm' | 'kill' | 'redis';
const ALL_SCENARIOS: Scenario[] = ['paced', 'sigterm', 'kill', 'redis'];

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} is ${JSON.stringify(raw)}; allowed: an integer ≥ ${min}.`);
  return n;
}

const CLIENTS = envInt('DRAIN_LOSS_CLIENTS', 300, 1);
const RATE = envInt('DRAIN_LOSS_RATE', 75, 1);
const RUNS = envInt('DRAIN_LOSS_RUNS', 5, 1);
const WINDOW_S = envInt('DRAIN_LOSS_WINDOW_S', 6, 0);
const NODES = envInt('DRAIN_LOSS_NODES', 3, 2);
const SCENARIOS = (process.env.DRAIN_LOSS_SCENARIOS ?? ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()) as Scenario[];
for (const s of SCENARIOS) {
  if (!ALL_SCENARIOS.includes(s)) throw new Error(`DRAIN_LOSS_SCENARIOS has ${JSON.stringify(s)}; allowed: ${ALL_SCENARIOS.join(', ')}.`);
}
const HOG = process.env.DRAIN_LOSS_HOG ?? 'both';
if (!['both', 'on', 'off'].includes(HOG)) throw new Error(`DRAIN_LOSS_HOG is ${JSON.stringify(HOG)}; allowed: both, on, off.`);
const HOGS: boolean[] = HOG === 'both' ? [false, true] : [HOG === 'on'];
const OUT = process.env.DRAIN_LOSS_OUT ?? path.resolve(__dirname, 'results/drain-loss.json');
/** Highest seq a run can send (the per-client arrays are sized by it): 10 minutes at the rate. */
const MAX_SEQ = RATE * 600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, timeoutMs: number, predicate: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      process.stderr.write(`  (gave up after ${timeoutMs} ms: ${what})\n`);
      return false;
    }
    await sleep(50);
  }
  return true;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One client event, `t` in ms since the scenario's start (negative: before it; epoch ms until the run ends). */
interface ClientEvent {
  readonly t: number;
  readonly e: 'connect' | 'disconnect' | 'connect_error' | 'node';
  readonly detail?: string;
}

interface Client {
  readonly socket: Socket;
  /** Time of first receipt per seq (ms since epoch; 0: not received). */
  readonly at: Float64Array;
  /** Receipts per seq. */
  readonly count: Uint16Array;
  first: number;
  node?: string;
  initialNode?: string;
  connects: number;
  reconnects: number;
  recovered: number;
  connectErrors: number;
  disconnected: boolean;
  readonly reconnectTimes: number[];
  readonly events: ClientEvent[];
}

interface LossDetail {
  readonly client: number;
  readonly initialNode?: string;
  readonly missing: { seq: number; sentAtMs: number }[];
  /** Last seq received before the first missing one and first after the last missing one, with receipt times. */
  readonly around: { before?: { seq: number; atMs: number }; after?: { seq: number; atMs: number } };
  readonly events: ClientEvent[];
  /** When the run ended: connected, the manager's and the engine's ready state. */
  readonly final: { connected: boolean; manager?: string; engine?: string };
}

interface RunResult {
  readonly scenario: Scenario;
  readonly hog: boolean;
  readonly run: number;
  readonly loadavgAtStart: number[];
  readonly clients: number;
  readonly clientsPerNode: Record<string, number>;
  readonly messageRate: number;
  readonly messagesSent: number;
  readonly lostDeliveries: number;
  readonly clientsWithLoss: number;
  readonly duplicatedDeliveries: number;
  readonly clientsWithDuplicates: number;
  /** Clients that lost their connection in the scenario. */
  readonly clientsDisconnected: number;
  readonly reconnects: number;
  readonly recoveredSessions: number;
  readonly connectErrors: number;
  /** Every client's connect errors and disconnects in the scenario, by message. */
  readonly connectErrorReasons: Record<string, number>;
  readonly disconnectReasons: Record<string, number>;
  /** Clients not connected when the run ended. */
  readonly notReconnected: number;
  readonly peakReconnectsPerSecond: number;
  /** Peak reconnects per 1 s bucket ÷ (clients disconnected / drain window); null when none disconnected. */
  readonly reconnectRateRatioToUniform: number | null;
  readonly lastReconnectMs: number | null;
  readonly scenarioMs: number;
  /** Clients that never received the last seq (counted as lost from their gap). */
  readonly missingLast: number;
  /** Timelines of clients with a loss: up to 100 in a paced drain (where any loss is a defect), 5 otherwise. */
  readonly lossDetails: LossDetail[];
}

function startHog(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

async function stopHog(hogs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    hogs.map(
      (h) =>
        new Promise<void>((resolve) => {
          if (h.exitCode !== null || h.signalCode !== null) return resolve();
          h.once('exit', () => resolve());
          h.kill('SIGKILL');
        }),
    ),
  );
}

function newClient(url: string): Client {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, withCredentials: true, timeout: 5000 });
  manageSocketIoReconnect(socket, { baseMs: 500, capMs: 5000 });
  const c: Client = {
    socket,
    at: new Float64Array(MAX_SEQ),
    count: new Uint16Array(MAX_SEQ),
    first: -1,
    connects: 0,
    reconnects: 0,
    recovered: 0,
    connectErrors: 0,
    disconnected: false,
    reconnectTimes: [],
    events: [],
  };
  const ev = (e: ClientEvent['e'], detail?: string) => c.events.push({ t: Date.now(), e, detail });
  socket.on('connect', () => {
    c.connects++;
    const again = c.connects > 1;
    if (again) {
      c.reconnects++;
      c.reconnectTimes.push(Date.now());
      if (socket.recovered) c.recovered++;
    }
    ev('connect', `recovered=${socket.recovered} sid=${socket.id}`);
    socket
      .timeout(5000)
      .emitWithAck('whoami')
      .then((me: { node: string }) => {
        c.node = me.node;
        c.initialNode ??= me.node;
        ev('node', me.node);
      })
      .catch(() => undefined);
  });
  socket.on('disconnect', (reason: string, description?: unknown) => {
    c.disconnected = true;
    const ctx = (description as { context?: { code?: unknown } } | undefined)?.context;
    ev('disconnect', `${reason}${ctx?.code !== undefined ? ` code=${String(ctx.code)}` : ''}`);
  });
  socket.on('connect_error', (e: Error) => {
    c.connectErrors++;
    const d = (e as Error & { description?: unknown }).description;
    ev('connect_error', d === undefined ? e.message : `${e.message} ${String((d as { message?: unknown })?.message ?? d)}`);
  });
  socket.on('chat', (m: { seq?: number }) => {
    const s = m?.seq;
    if (typeof s !== 'number' || s < 0 || s >= MAX_SEQ) return;
    if (c.first < 0) c.first = s;
    if (c.count[s] === 0) c.at[s] = Date.now();
    c.count[s]++;
  });
  return c;
}

let built: BuiltServer | undefined;

async function oneRun(scenario: Scenario, hog: boolean, run: number): Promise<RunResult> {
  const loadavgAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const hogs = hog ? startHog() : [];
  let twin: Twin | undefined;
  const clients: Client[] = [];
  let publisher: Socket | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let t0 = Date.now();
  try {
    built ??= buildServer(path.resolve(__dirname, '../examples/chat-server/server.ts'));
    twin = await startTwin({
      tier: resolveTier({
        domainName: 'ws.example.com',
        cells: [{ name: 'a' }],
        connection: { longPollingFallback: true, drainWindowSeconds: WINDOW_S, drainGraceSeconds: 5 },
        healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      }),
      nodes: NODES,
      maxNodes: NODES,
      server: { args: [built.file], env: { NODE_PATH: built.nodePath, WST_DRAIN_GRACE_SECONDS: '5' } },
      startTimeoutMs: 60_000,
      onServerOutput: process.env.DRAIN_LOSS_VERBOSE ? (n, l) => process.stderr.write(`[${n}] ${l}\n`) : undefined,
    });
    const tw = twin;
    // Connect in batches of 25 so HAProxy's leastconn sees the counts and spreads them.
    for (let i = 0; i < CLIENTS; i += 25) {
      const batch = Array.from({ length: Math.min(25, CLIENTS - i) }, () => newClient(tw.url));
      clients.push(...batch);
      await eventually('a batch of clients connected', 30_000, () => batch.every((c) => c.socket.connected));
    }
    await eventually('every client knows its node', 30_000, () => clients.every((c) => c.node !== undefined));
    const clientsPerNode: Record<string, number> = {};
    for (const c of clients) clientsPerNode[c.node ?? '?'] = (clientsPerNode[c.node ?? '?'] ?? 0) + 1;

    // Publisher straight on the last node (never the one taken away), not through HAProxy.
    const pubNode = tw.nodes[NODES - 1];
    publisher = io(`http://127.0.0.1:${pubNode.port}`, { transports: ['websocket'], reconnection: true, forceNew: true });
    const pub = publisher;
    await eventually('publisher connected', 15_000, () => pub.connected);
    const sentAt = new Float64Array(MAX_SEQ);
    let seq = 0;
    const pubStart = Date.now();
    ticker = setInterval(() => {
      const due = Math.min(MAX_SEQ, Math.floor(((Date.now() - pubStart) * RATE) / 1000));
      while (seq < due) {
        sentAt[seq] = Date.now();
        pub.emit('chat', { text: 'tick', seq });
        seq++;
      }
    }, 5);
    await eventually('every client has received a message', 20_000, () => clients.every((c) => c.first >= 0));
    await sleep(1000);

    // The scenario.
    for (const c of clients) c.disconnected = false;
    t0 = Date.now();
    const n1 = tw.nodes[0];
    if (scenario === 'paced') {
      await tw.drainNode(n1.name);
    } else if (scenario === 'sigterm') {
      const child = n1.process;
      if (child && child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await tw.haproxyCommand(`set server ${twinBackendName(tw.cell.name)}/${n1.name} state maint`);
    } else if (scenario === 'kill') {
      await tw.killNode(n1.name);
    } else {
      await tw.restartRedis(1000);
    }
    const scenarioMs = Date.now() - t0;
    // A killed node's clients notice the closed TCP connection only when their event loop gets to it:
    // wait for every client that was on n1 to have seen its disconnect before waiting for reconnects.
    if (scenario !== 'redis') {
      await eventually(`every client of ${n1.name} saw its disconnect`, 30_000, () =>
        clients.every((c) => c.initialNode !== n1.name || c.disconnected),
      );
    }
    await eventually('every client connected again', (WINDOW_S + 30) * 1000, () => clients.every((c) => c.socket.connected));
    await sleep(2000);
    clearInterval(ticker);
    ticker = undefined;
    const last = seq - 1;
    const messageRate = Math.round((seq / ((Date.now() - pubStart) / 1000)) * 10) / 10;
    await eventually('last message delivered', 15_000, () => clients.every((c) => !c.socket.connected || c.count[last] > 0));

    // Count.
    let lost = 0;
    let dup = 0;
    let withLoss = 0;
    let withDup = 0;
    let missingLast = 0;
    const lossDetails: LossDetail[] = [];
    clients.forEach((c, i) => {
      if (c.count[last] === 0) missingLast++;
      const missing: { seq: number; sentAtMs: number }[] = [];
      let dups = 0;
      for (let s = Math.max(0, c.first); s <= last; s++) {
        if (c.count[s] === 0) missing.push({ seq: s, sentAtMs: Math.round(sentAt[s] - t0) });
        else if (c.count[s] > 1) dups += c.count[s] - 1;
      }
      if (c.first < 0) for (let s = 0; s <= last; s++) missing.push({ seq: s, sentAtMs: Math.round(sentAt[s] - t0) });
      lost += missing.length;
      dup += dups;
      if (missing.length) withLoss++;
      if (dups) withDup++;
      if (missing.length && lossDetails.length < (scenario === 'paced' ? 100 : 5)) {
        const lo = missing[0].seq;
        const hi = missing[missing.length - 1].seq;
        let before: { seq: number; atMs: number } | undefined;
        for (let s = lo - 1; s >= 0; s--)
          if (c.count[s]) {
            before = { seq: s, atMs: Math.round(c.at[s] - t0) };
            break;
          }
        let after: { seq: number; atMs: number } | undefined;
        for (let s = hi + 1; s <= last; s++)
          if (c.count[s]) {
            after = { seq: s, atMs: Math.round(c.at[s] - t0) };
            break;
          }
        lossDetails.push({
          client: i,
          initialNode: c.initialNode,
          missing: missing.length > 40 ? [...missing.slice(0, 20), ...missing.slice(-20)] : missing,
          around: { before, after },
          events: c.events.map((e) => ({ ...e, t: e.t - t0 })),
          final: {
            connected: c.socket.connected,
            manager: (c.socket.io as unknown as { _readyState?: string })._readyState,
            engine: (c.socket.io as unknown as { engine?: { readyState?: string } }).engine?.readyState,
          },
        });
      }
    });
    const affected = clients.filter((c) => c.disconnected);
    const tally = (kind: ClientEvent['e']) => {
      const out: Record<string, number> = {};
      for (const c of clients)
        for (const e of c.events) if (e.e === kind && e.t >= t0) out[e.detail ?? ''] = (out[e.detail ?? ''] ?? 0) + 1;
      return out;
    };
    const times = clients.flatMap((c) => c.reconnectTimes.filter((t) => t >= t0));
    const buckets = new Map<number, number>();
    for (const t of times) buckets.set(Math.floor((t - t0) / 1000), (buckets.get(Math.floor((t - t0) / 1000)) ?? 0) + 1);
    const peak = buckets.size ? Math.max(...buckets.values()) : 0;
    const uniform = affected.length && WINDOW_S > 0 ? affected.length / WINDOW_S : 0;
    return {
      scenario,
      hog,
      run,
      loadavgAtStart,
      clients: clients.length,
      clientsPerNode,
      messageRate,
      messagesSent: seq,
      lostDeliveries: lost,
      clientsWithLoss: withLoss,
      duplicatedDeliveries: dup,
      clientsWithDuplicates: withDup,
      clientsDisconnected: affected.length,
      reconnects: clients.reduce((a, c) => a + c.reconnects, 0),
      recoveredSessions: clients.reduce((a, c) => a + c.recovered, 0),
      connectErrors: clients.reduce((a, c) => a + c.connectErrors, 0),
      connectErrorReasons: tally('connect_error'),
      disconnectReasons: tally('disconnect'),
      notReconnected: clients.filter((c) => !c.socket.connected).length,
      peakReconnectsPerSecond: peak,
      reconnectRateRatioToUniform: uniform ? Math.round((peak / uniform) * 100) / 100 : null,
      lastReconnectMs: times.length ? Math.max(...times) - t0 : null,
      scenarioMs,
      missingLast,
      lossDetails,
    };
  } finally {
    if (ticker) clearInterval(ticker);
    publisher?.close();
    for (const c of clients) c.socket.close();
    await twin?.stop();
    await stopHog(hogs);
  }
}

type Stat = { min: number; median: number; max: number };
const stat = (xs: number[]): Stat | null => (xs.length ? { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) } : null);

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const machine = {
    node: process.version,
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    platform: `${os.platform()} ${os.release()}`,
  };
  process.stdout.write(`drain-loss: ${CLIENTS} clients, ${RATE} msg/s, ${RUNS} runs × ${SCENARIOS.join(',')} × hog ${HOG}\n`);
  const runs: RunResult[] = [];
  for (const hog of HOGS) {
    for (const scenario of SCENARIOS) {
      for (let run = 1; run <= RUNS; run++) {
        const t = Date.now();
        const r = await oneRun(scenario, hog, run);
        runs.push(r);
        process.stdout.write(
          `${scenario.padEnd(7)} hog=${hog ? 'on ' : 'off'} #${run}: sent ${r.messagesSent} @${r.messageRate}/s, lost ${r.lostDeliveries} (${r.clientsWithLoss} clients), dup ${r.duplicatedDeliveries}, ` +
            `disconnected ${r.clientsDisconnected}, reconnects ${r.reconnects}, recovered ${r.recoveredSessions}, peak ${r.peakReconnectsPerSecond}/s ` +
            `(ratio ${r.reconnectRateRatioToUniform}), connect errors ${r.connectErrors}, not back ${r.notReconnected} [${Math.round((Date.now() - t) / 1000)} s]\n`,
        );
      }
    }
  }
  const config = { clients: CLIENTS, rate: RATE, runs: RUNS, scenarios: SCENARIOS, hog: HOG, drainWindowSeconds: WINDOW_S, nodes: NODES };
  const invocation = { startedAt, finishedAt: new Date().toISOString(), machine, config, scenariosKept: SCENARIOS };
  if (process.env.DRAIN_LOSS_MERGE === '1') {
    const old = JSON.parse(fs.readFileSync(OUT, 'utf8')) as {
      note?: string;
      invocations?: (typeof invocation & { changes?: string })[];
      summary: Record<string, unknown>;
      runs: RunResult[];
    };
    const merged = [...old.runs.filter((r) => !(SCENARIOS.includes(r.scenario) && HOGS.includes(r.hog))), ...runs];
    const summary: Record<string, unknown> = {};
    for (const key of Object.keys(old.summary)) {
      const [scenario, hogKey] = key.split('+');
      summary[key] = summarize(merged.filter((r) => r.scenario === scenario && r.hog === (hogKey === 'hog')));
    }
    const order = (r: RunResult) => (r.hog ? 1 : 0) * 100 + ALL_SCENARIOS.indexOf(r.scenario);
    merged.sort((a, b) => order(a) - order(b) || a.run - b.run);
    const result = {
      ...old,
      note: process.env.DRAIN_LOSS_NOTE ?? old.note,
      invocations: [
        ...(old.invocations ?? []).map((i) => ({ ...i, scenariosKept: i.scenariosKept.filter((s) => !SCENARIOS.includes(s)) })),
        invocation,
      ],
      summary,
      runs: merged,
    };
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`merged into ${OUT}\n`);
    return;
  }
  const summary: Record<string, Record<string, Stat | null>> = {};
  for (const hog of HOGS) {
    for (const scenario of SCENARIOS) {
      summary[`${scenario}${hog ? '+hog' : ''}`] = summarize(runs.filter((r) => r.scenario === scenario && r.hog === hog));
    }
  }
  const result = {
    benchmark: 'drain-loss',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    config,
    summary,
    runs,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${OUT}\n`);
}

function summarize(rs: readonly RunResult[]): Record<string, Stat | null> {
  return {
    lostDeliveries: stat(rs.map((r) => r.lostDeliveries)),
    clientsWithLoss: stat(rs.map((r) => r.clientsWithLoss)),
    duplicatedDeliveries: stat(rs.map((r) => r.duplicatedDeliveries)),
    clientsDisconnected: stat(rs.map((r) => r.clientsDisconnected)),
    reconnects: stat(rs.map((r) => r.reconnects)),
    recoveredSessions: stat(rs.map((r) => r.recoveredSessions)),
    connectErrors: stat(rs.map((r) => r.connectErrors)),
    reconnectRateRatioToUniform: stat(rs.map((r) => r.reconnectRateRatioToUniform).filter((x): x is number => x !== null)),
    messageRate: stat(rs.map((r) => r.messageRate)),
    messagesSent: stat(rs.map((r) => r.messagesSent)),
  };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
