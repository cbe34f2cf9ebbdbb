/**
 * Release benchmark (and the scenario test/e2e/release.test.ts asserts on): a rolling release of
 * new server code on the local twin, measured against `planRelease()`.
 *
 *   npx ts-node --transpile-only bench/release.ts        # writes bench/results/release-twin.json
 *   RELEASE_CLIENTS=300 npx ts-node --transpile-only bench/release.ts
 *
 * The twin (real HAProxy, Redis and the example chat server) starts 3 nodes running "old code"
 * (`APP_BUILD_ID=v1`, which the server echoes in `whoami`) and K socket.io clients connect through
 * HAProxy (WebSocket transport, the tier's reconnect policy). Then every node is replaced one at a
 * time, the way a rolling update with batch size 1 and launch-before-terminate does it: a node
 * running "new code" (`APP_BUILD_ID=v2`) is added, then the old node is deregistered and sent
 * SIGTERM (the runtime's paced drain over the drain window). A publisher connected straight to
 * the first new node (not through HAProxy, never replaced) emits a sequenced `chat` message every
 * 100 ms, which the server broadcasts to every client.
 *
 * Measured: reconnects per 1 s bucket from the start of each drain (the peak is the largest
 * bucket), how long each batch took, lost and duplicated deliveries (per client, every seq from its
 * first received to the last sent), and which build every client ends on. Predicted: the peak
 * reconnect rate of `planRelease()` for the twin's tier with a capacity plan of K connections over
 * 3 instances (clients per instance × 1 ÷ drain window).
 *
 * Every wait is on an event or a condition (a bounded `eventually`), never a fixed sleep.
 * Options (environment): RELEASE_CLIENTS (210), RELEASE_NODES (3), RELEASE_OUT (bench/results/release-twin.json).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { planCapacity, planRelease, type TierConfig } from '../lib/core';
import type { Twin } from '../lib/twin';
import { allConnected, chatClient, chatTwin, eventually, testTier, whoami } from '../test/e2e/helpers';

/** Options of {@link runTwinRelease}. */
export interface TwinReleaseOptions {
  /** Clients, K. @default 210 */
  readonly clients?: number;
  /** Nodes replaced one at a time. @default 3 */
  readonly nodes?: number;
  /** Progress lines. @default none */
  readonly onProgress?: (line: string) => void;
}

/** One replaced node. */
export interface TwinReleaseBatch {
  readonly oldNode: string;
  readonly newNode: string;
  /** Clients on the old node when its drain started. */
  readonly clients: number;
  /** Seconds to start the new node and see HAProxy mark it UP (the twin's boot time). */
  readonly bootSeconds: number;
  /** Seconds from the drain's start to the last of its clients reconnecting. */
  readonly drainSeconds: number;
  /** Largest number of reconnects in one 1 s bucket of this drain. */
  readonly peakReconnectsPerSecond: number;
}

/** What the scenario measured, next to the plan's prediction. */
export interface TwinReleaseResult {
  readonly clients: number;
  readonly nodes: number;
  readonly drainWindowSeconds: number;
  readonly drainGraceSeconds: number;
  readonly predicted: {
    readonly clientsPerInstance: number;
    readonly peakReconnectsPerSecond: number;
    /** planRelease's total with the measured mean boot time. */
    readonly totalSeconds: number;
  };
  readonly measured: {
    readonly peakReconnectsPerSecond: number;
    readonly reconnects: number;
    readonly totalSeconds: number;
    readonly batches: readonly TwinReleaseBatch[];
    readonly messagesSent: number;
    readonly lostDeliveries: number;
    readonly duplicatedDeliveries: number;
    /** Clients whose `whoami` reports the new build at the end. */
    readonly clientsOnNewCode: number;
    /** Builds reported at the end, with their client counts. */
    readonly builds: Readonly<Record<string, number>>;
  };
  /** measured peak ÷ predicted peak. */
  readonly peakRatio: number;
}

/** The tier the twin models: the end-to-end test tier (one ALB cell, 6 s drain window, 5 s grace). */
export function releaseTier(): TierConfig {
  return testTier();
}

/** Run the release scenario on a fresh twin; stops everything it started. */
export async function runTwinRelease(options: TwinReleaseOptions = {}): Promise<TwinReleaseResult> {
  const K = options.clients ?? 210;
  const N = options.nodes ?? 3;
  const progress = options.onProgress ?? (() => undefined);
  const tier = releaseTier();
  const window = tier.connection?.drainWindowSeconds ?? 0;
  const grace = tier.connection?.drainGraceSeconds ?? 0;
  const sockets: Socket[] = [];
  let twin: Twin | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    twin = await chatTwin({ tier, nodes: N, maxNodes: 2 * N, env: { APP_BUILD_ID: 'v1' } });
    const t = twin;
    progress(`twin up: ${N} nodes on v1; connecting ${K} clients`);
    for (let i = 0; i < K; i++) sockets.push(chatClient(t.url));
    await allConnected(sockets, 120_000);

    // Reconnect times (every `connect` after a socket's first) and sequenced deliveries per client.
    const reconnects: number[] = [];
    const received = sockets.map(() => new Set<number>());
    let duplicates = 0;
    sockets.forEach((s, i) => {
      s.on('disconnect', () => s.once('connect', () => reconnects.push(Date.now())));
      s.on('chat', (m: { seq?: number }) => {
        if (typeof m.seq !== 'number') return;
        if (received[i].has(m.seq)) duplicates++;
        received[i].add(m.seq);
      });
    });

    let seq = 0;
    const batches: TwinReleaseBatch[] = [];
    const releaseStart = Date.now();
    for (let b = 0; b < N; b++) {
      const oldNode = `n${b + 1}`;
      const bootStart = Date.now();
      const fresh = await t.addNode({ env: { APP_BUILD_ID: 'v2' } });
      const bootSeconds = (Date.now() - bootStart) / 1000;
      if (b === 0) {
        // The publisher sits on the first new node, which the release never replaces.
        const publisher = chatClient(`http://127.0.0.1:${fresh.port}`);
        sockets.push(publisher);
        await allConnected([publisher], 30_000);
        ticker = setInterval(() => publisher.emit('chat', { text: 'tick', seq: seq++ }), 100);
        await eventually('every client has received a message', 30_000, () => received.every((r) => r.size > 0));
      }
      const clients = (await t.status()).find((s) => s.name === oldNode)?.connections ?? 0;
      progress(`batch ${b + 1}: ${fresh.name} (v2) up in ${bootSeconds.toFixed(1)} s; draining ${oldNode} (${clients} clients)`);
      const mark = reconnects.length;
      const drainStart = Date.now();
      await t.drainNode(oldNode);
      await eventually(
        `the ${clients} clients of ${oldNode} reconnected`,
        (window + grace + 60) * 1000,
        () => reconnects.length - mark >= clients,
      );
      await allConnected(sockets.slice(0, K), 60_000);
      const times = reconnects.slice(mark).map((x) => x - drainStart);
      const buckets = new Map<number, number>();
      for (const x of times) buckets.set(Math.floor(x / 1000), (buckets.get(Math.floor(x / 1000)) ?? 0) + 1);
      batches.push({
        oldNode,
        newNode: fresh.name,
        clients,
        bootSeconds,
        drainSeconds: Math.max(0, ...times) / 1000,
        peakReconnectsPerSecond: Math.max(0, ...buckets.values()),
      });
    }
    const totalSeconds = (Date.now() - releaseStart) / 1000;
    clearInterval(ticker);
    ticker = undefined;
    const last = seq - 1;
    await eventually('the last message delivered to every client', 30_000, () => received.every((r) => r.has(last)));
    let lost = 0;
    for (const r of received) for (let s = Math.min(...r); s <= last; s++) if (!r.has(s)) lost++;
    const builds: Record<string, number> = {};
    for (const s of sockets.slice(0, K)) {
      const { build } = (await whoami(s, 10_000)) as { build?: string };
      builds[String(build)] = (builds[String(build)] ?? 0) + 1;
    }

    const meanBoot = batches.reduce((a, x) => a + x.bootSeconds, 0) / Math.max(1, batches.length);
    const plan = planRelease(tier, planCapacity({ peakConnections: K, cells: 1, minInstancesPerCell: N }), {
      batchSize: 1,
      bootSeconds: Math.ceil(meanBoot),
    });
    const predictedPeak = plan.peakReconnectsPerSecond;
    const measuredPeak = Math.max(...batches.map((x) => x.peakReconnectsPerSecond));
    return {
      clients: K,
      nodes: N,
      drainWindowSeconds: window,
      drainGraceSeconds: grace,
      predicted: {
        clientsPerInstance: plan.cells[0].clientsPerInstance,
        peakReconnectsPerSecond: predictedPeak,
        totalSeconds: plan.totalSeconds,
      },
      measured: {
        peakReconnectsPerSecond: measuredPeak,
        reconnects: reconnects.length,
        totalSeconds,
        batches,
        messagesSent: seq,
        lostDeliveries: lost,
        duplicatedDeliveries: duplicates,
        clientsOnNewCode: builds.v2 ?? 0,
        builds,
      },
      peakRatio: measuredPeak / predictedPeak,
    };
  } finally {
    if (ticker) clearInterval(ticker);
    for (const s of sockets) s.close();
    await twin?.stop();
  }
}

async function main(): Promise<void> {
  const out = process.env.RELEASE_OUT ?? path.resolve(__dirname, 'results/release-twin.json');
  const result = await runTwinRelease({
    clients: process.env.RELEASE_CLIENTS ? Number(process.env.RELEASE_CLIENTS) : undefined,
    nodes: process.env.RELEASE_NODES ? Number(process.env.RELEASE_NODES) : undefined,
    onProgress: (l) => process.stderr.write(`${l}\n`),
  });
  const doc = {
    benchmark: 'release-twin',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    ...result,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(
    `peak ${result.measured.peakReconnectsPerSecond}/s measured vs ${result.predicted.peakReconnectsPerSecond.toFixed(2)}/s planned (${result.peakRatio.toFixed(2)}×); ` +
      `${result.measured.lostDeliveries} lost, ${result.measured.duplicatedDeliveries} duplicated; ${result.measured.clientsOnNewCode}/${result.clients} on v2; written to ${out}\n`,
  );
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
