/**
 * Runtime benchmark (not a test): what the runtime companion costs and what paced drain buys.
 *
 *   npx ts-node --transpile-only bench/runtime.ts            # writes bench/results/runtime.json
 *   WST_BENCH_CONNECTIONS=5000 npx ts-node --transpile-only bench/runtime.ts
 *
 * Measures, on loopback:
 * 1. idle connections per GiB of server memory (RSS and JS heap, after GC) and handshakes per
 *    second, for bare `ws`, `ws` + runtime, socket.io (WebSocket transport) and socket.io + runtime;
 *    each server runs in its own process so its memory is its own;
 * 2. broadcast deliveries per second across 2 chat-server nodes through the Redis Streams backplane;
 * 3. peak reconnect rate (per 1 s bucket) when a node with K clients drains paced over a window,
 *    versus closing every socket at once (window 0), against the uniform rate K / window.
 * Targets (issue 4): runtime adds ≤ 10 % memory per idle connection and ≤ 5 % handshake cost;
 * paced drain's peak within 2× uniform. The load generator shares the machine's cores with the
 * server, so read handshake rates as relative numbers (dataplane.md §1.7).
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

type Mode = 'ws' | 'ws+runtime' | 'socket.io' | 'socket.io+runtime';
const MODES: Mode[] = ['ws', 'ws+runtime', 'socket.io', 'socket.io+runtime'];

// ---------------------------------------------------------------- server child
async function serverMain(mode: Mode): Promise<void> {
  const { WebSocketServer } = await import('ws');
  const { Server } = await import('socket.io');
  const rt = await import('../lib/runtime');
  const runtime = mode.endsWith('+runtime') ? rt.createRuntime({ signals: [], env: {}, imds: false, metrics: false }) : undefined;
  const server = http.createServer((req, res) => {
    if (!runtime?.handleHealth(req, res)) res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1', 4096);
  if (mode.startsWith('ws')) {
    const wss = new WebSocketServer({ server, ...(runtime ? rt.wsServerOptions(runtime) : {}) });
    if (runtime) rt.attachWebSocketServer(runtime, wss);
  } else {
    const io = new Server(server, { transports: ['websocket'], ...(runtime ? rt.socketIoServerOptions(runtime) : {}) });
    if (runtime) rt.attachSocketIoServer(runtime, io);
  }
  await new Promise((r) => server.once('listening', r));
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: string) => {
    if (m === 'mem') {
      gc?.();
      gc?.();
      const u = process.memoryUsage();
      process.send?.({ rss: u.rss, heapUsed: u.heapUsed });
    }
  });
  process.send?.({ port: (server.address() as AddressInfo).port });
}

// ---------------------------------------------------------------- helpers
function ask<T>(child: ChildProcess, msg: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(msg);
  });
}

async function pool<T>(n: number, concurrency: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await make(i);
      }
    }),
  );
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface IdleResult {
  mode: Mode;
  connections: number;
  rssBytesPerConnection: number;
  heapBytesPerConnection: number;
  idleConnectionsPerGiB: number;
  handshakesPerSecond: number;
}

/** Open `n` idle connections to `port`; returns the closers and the seconds it took. */
async function openConnections(mode: Mode, port: number, n: number): Promise<{ closers: (() => void)[]; seconds: number }> {
  const { WebSocket } = await import('ws');
  const { io } = await import('socket.io-client');
  const closers: (() => void)[] = [];
  const t0 = process.hrtime.bigint();
  await pool(n, 64, async () => {
    if (mode.startsWith('ws')) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      await new Promise<void>((res, rej) => {
        ws.once('open', () => res());
        ws.once('error', rej);
      });
      closers.push(() => ws.terminate());
    } else {
      const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise<void>((res, rej) => {
        s.once('connect', () => res());
        s.once('connect_error', rej);
      });
      closers.push(() => s.close());
    }
  });
  return { closers, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/**
 * One measurement: a fresh server process, a warm-up round (n/4 connections opened and closed,
 * so JIT and pools are warm), then n idle connections; memory is read after two forced GCs.
 */
async function idleBench(mode: Mode, n: number): Promise<IdleResult> {
  const child = fork(__filename, ['server', mode], {
    execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only'],
    stdio: 'inherit',
  });
  try {
    const { port } = await new Promise<{ port: number }>((r) => child.once('message', (m) => r(m as { port: number })));
    const warm = await openConnections(mode, port, Math.ceil(n / 4));
    for (const c of warm.closers) c();
    await sleep(1000);
    const before = await ask<{ rss: number; heapUsed: number }>(child, 'mem');
    const { closers, seconds } = await openConnections(mode, port, n);
    await sleep(500);
    const after = await ask<{ rss: number; heapUsed: number }>(child, 'mem');
    for (const c of closers) c();
    const rssPer = (after.rss - before.rss) / n;
    return {
      mode,
      connections: n,
      rssBytesPerConnection: Math.round(rssPer),
      heapBytesPerConnection: Math.round((after.heapUsed - before.heapUsed) / n),
      idleConnectionsPerGiB: rssPer > 0 ? Math.round(2 ** 30 / rssPer) : -1,
      handshakesPerSecond: Math.round(n / seconds),
    };
  } finally {
    child.kill('SIGKILL');
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function broadcastBench(clientsPerNode: number, messages: number) {
  const { resolveTier } = await import('../lib/core');
  const { buildServer, startTwin } = await import('../lib/twin');
  const { io } = await import('socket.io-client');
  const built = buildServer(path.resolve(__dirname, '../examples/chat-server/server.ts'));
  const twin = await startTwin({
    tier: resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a' }] }),
    nodes: 2,
    server: { args: [built.file], env: { NODE_PATH: built.nodePath } },
  });
  try {
    const sockets = [];
    for (const node of twin.nodes.filter((x) => x.running)) {
      for (let i = 0; i < clientsPerNode; i++)
        sockets.push(io(`http://127.0.0.1:${node.port}`, { transports: ['websocket'], forceNew: true, reconnection: false }));
    }
    await Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', () => r(undefined)))));
    let delivered = 0;
    for (const s of sockets) s.on('chat', () => delivered++);
    const expected = sockets.length * messages;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < messages; i++) {
      sockets[i % sockets.length].emit('chat', { text: 'x'.repeat(64), seq: i });
      if (i % 50 === 49) await sleep(0);
    }
    const deadline = Date.now() + 120_000;
    while (delivered < expected && Date.now() < deadline) await sleep(20);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    for (const s of sockets) s.close();
    return { nodes: 2, clients: sockets.length, messages, delivered, expected, deliveriesPerSecond: Math.round(delivered / seconds) };
  } finally {
    await twin.stop();
  }
}

async function drainBench(k: number, windowSeconds: number) {
  const { resolveTier } = await import('../lib/core');
  const { buildServer, startTwin } = await import('../lib/twin');
  const { io } = await import('socket.io-client');
  const { manageSocketIoReconnect } = await import('../lib/client');
  const built = buildServer(path.resolve(__dirname, '../examples/chat-server/server.ts'));
  const run = async (window: number) => {
    const twin = await startTwin({
      tier: resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a' }], connection: { drainWindowSeconds: windowSeconds } }),
      nodes: 1,
      maxNodes: 2,
      server: {
        args: [built.file],
        env: { NODE_PATH: built.nodePath, WST_DRAIN_WINDOW_SECONDS: String(window), WST_DRAIN_GRACE_SECONDS: '5' },
      },
    });
    try {
      const sockets = Array.from({ length: k }, () => {
        const s = io(twin.url, { transports: ['websocket'], forceNew: true, reconnection: false });
        manageSocketIoReconnect(s, { baseMs: 1000, capMs: 30_000 });
        return s;
      });
      const deadline = Date.now() + 60_000;
      while (!sockets.every((s) => s.connected) && Date.now() < deadline) await sleep(50);
      await twin.addNode();
      const at: number[] = [];
      for (const s of sockets) s.once('disconnect', () => s.once('connect', () => at.push(Date.now())));
      const start = Date.now();
      await twin.drainNode('n1');
      const until = Date.now() + 20_000;
      while (at.length < k && Date.now() < until) await sleep(50);
      for (const s of sockets) s.close();
      const buckets = new Map<number, number>();
      for (const t of at) buckets.set(Math.floor((t - start) / 1000), (buckets.get(Math.floor((t - start) / 1000)) ?? 0) + 1);
      return {
        reconnected: at.length,
        peakPerSecond: Math.max(0, ...buckets.values()),
        lastReconnectSeconds: at.length ? (Math.max(...at) - start) / 1000 : undefined,
      };
    } finally {
      await twin.stop();
    }
  };
  const paced = await run(windowSeconds);
  const closeAll = await run(0);
  const uniform = k / windowSeconds;
  return { clients: k, windowSeconds, uniformPerSecond: uniform, paced, closeAll, pacedPeakOverUniform: paced.peakPerSecond / uniform };
}

async function main(): Promise<void> {
  const n = Number(process.env.WST_BENCH_CONNECTIONS ?? 4000);
  const rounds = Number(process.env.WST_BENCH_ROUNDS ?? 3);
  // Interleave modes round by round so background load on a shared machine hits every mode alike;
  // report the median of each figure over the rounds.
  const samples = new Map<Mode, IdleResult[]>(MODES.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) {
      process.stdout.write(`idle/handshake round ${r + 1}/${rounds}: ${mode} × ${n}\n`);
      samples.get(mode)!.push(await idleBench(mode, n));
      await sleep(500);
    }
  }
  const idle: IdleResult[] = MODES.map((mode) => {
    const xs = samples.get(mode)!;
    const rss = median(xs.map((x) => x.rssBytesPerConnection));
    return {
      mode,
      connections: n,
      rssBytesPerConnection: rss,
      heapBytesPerConnection: median(xs.map((x) => x.heapBytesPerConnection)),
      idleConnectionsPerGiB: rss > 0 ? Math.round(2 ** 30 / rss) : -1,
      handshakesPerSecond: median(xs.map((x) => x.handshakesPerSecond)),
    };
  });
  const by = (m: Mode) => idle.find((r) => r.mode === m)!;
  const overhead = (base: Mode, withRt: Mode) => ({
    /** Relative RSS growth per idle connection (noisy: RSS moves in pages and arenas). */
    memoryPerConnection: +(by(withRt).rssBytesPerConnection / by(base).rssBytesPerConnection - 1).toFixed(3),
    /** Relative JS-heap growth per idle connection (the steadier figure). */
    heapPerConnection: +(by(withRt).heapBytesPerConnection / by(base).heapBytesPerConnection - 1).toFixed(3),
    /** Relative time per handshake. */
    handshakeCost: +(by(base).handshakesPerSecond / by(withRt).handshakesPerSecond - 1).toFixed(3),
  });
  process.stdout.write('broadcast through the backplane\n');
  const broadcast = await broadcastBench(100, 400);
  process.stdout.write('paced drain vs close-all\n');
  const drain = await drainBench(100, 5);
  const ws = overhead('ws', 'ws+runtime');
  const sio = overhead('socket.io', 'socket.io+runtime');
  const results = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    idle,
    idleSamples: Object.fromEntries(samples),
    runtimeOverhead: { ws, socketIo: sio },
    broadcast,
    drain,
    targets: {
      runtimeMemoryOverheadAtMost: 0.1,
      runtimeHandshakeOverheadAtMost: 0.05,
      pacedPeakOverUniformAtMost: 2,
      met: {
        wsMemory: ws.memoryPerConnection <= 0.1 && ws.heapPerConnection <= 0.1,
        socketIoMemory: sio.memoryPerConnection <= 0.1 && sio.heapPerConnection <= 0.1,
        wsHandshake: ws.handshakeCost <= 0.05,
        socketIoHandshake: sio.handshakeCost <= 0.05,
        pacedDrain: drain.pacedPeakOverUniform <= 2,
      },
    },
  };
  const out = path.join(__dirname, 'results', 'runtime.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\nwrote ${out}\n`);
}

if (process.argv[2] === 'server') {
  void serverMain(process.argv[3] as Mode);
} else {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
