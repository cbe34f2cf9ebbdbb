/**
 * `runConformance()`: start a server with the contract environment on loopback, behind the local
 * twin's HAProxy (configured from the tier) or directly, drive it through one session (ready →
 * idle pings and keep-alive → admission and gauge → SIGTERM drain → exit) and return one verdict per
 * check of `CHECKS`. The kit is the server's EMF endpoint (a UDP port) and its instance-metadata
 * service (a loopback stand-in); the lifecycle hook name is left empty, so no server calls AWS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { TierConfig } from '../core/config';
import { planTier } from '../core/plan';
import type { ResolvedCell } from '../core/resolved';
import { ASG_NAME_ENV, CONTRACT_VERSION, CONTRACT_VERSION_ENV, EMF_ENDPOINT_ENV, RUNTIME_ENV, SERVER_ENV } from '../core/server-contract';
import { freePort, startTwin, type Twin, twinBackendName } from '../twin';
import {
  CHECKS,
  type CheckId,
  closeCodesVerdict,
  type GaugeMeasurement,
  gaugeVerdict,
  type HealthProbe,
  healthFlipVerdict,
  keepAliveVerdict,
  pacingVerdict,
  pingVerdict,
  type Verdict,
} from './checks';
import {
  GaugeListener,
  healthGet,
  keepAliveProbe,
  type KitSocket,
  now,
  openSocket,
  type OpenResult,
  startImdsStub,
  within,
} from './probes';
import { openSocketIoClient } from './socket-io-probes';

/**
 * The tier the kit models by default: one ALB cell with short, test-friendly timers (ping 1 s, ALB
 * idle timeout 10 s, drain window 4 s, grace 2 s) and the fastest health checks ALB allows.
 */
export const CONFORMANCE_TIER: TierConfig = {
  domainName: 'conformance.example.com',
  cells: [{ name: 'kit' }],
  connection: { pingIntervalSeconds: 1, albIdleTimeoutSeconds: 10, drainWindowSeconds: 4, drainGraceSeconds: 2 },
  healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
};

/** The Origin the kit's clients send (allowed), and the one it expects refused. */
export const KIT_ALLOWED_ORIGIN = 'http://app.conformance.test';
export const KIT_FOREIGN_ORIGIN = 'https://evil.example';

/**
 * Test knob the kit sets (not part of the contract module): the gauge interval, ms. A server that
 * publishes on every change needs nothing; one that publishes on a timer must honour it to pass
 * the 1 s tracking check.
 */
export const KIT_METRIC_INTERVAL_ENV = RUNTIME_ENV.metricIntervalMs;

/** ms between health probes during the drain. */
const PROBE_GAP_MS = 20;

/** Longest timers the kit waits through, seconds. */
const KIT_MAX_SECONDS = { drainPlusGrace: 60, idle: 60, ping: 10 } as const;

/** Options of `runConformance`. */
export interface ConformanceOptions {
  /** The server: executable and arguments, e.g. `['/usr/bin/python3', 'server.py']`. Non-empty. */
  readonly command: readonly string[];
  /** Tier whose cell the kit models (timers, health path, idle timeout). @default CONFORMANCE_TIER */
  readonly tier?: TierConfig;
  /** @default the first cell */
  readonly cellName?: string;
  /** `haproxy`: clients go through the local twin's HAProxy (needs haproxy and redis-server); `none`: straight to the server. @default 'haproxy' */
  readonly loadBalancer?: 'haproxy' | 'none';
  /**
   * What the kit's clients speak. `websocket`: plain RFC 6455 (the `ws` client). `socket.io`:
   * socket.io-client (needs the `socket.io-client` package) on the server's `/socket.io/` path over
   * Engine.IO's websocket transport, so close codes reach the client; pings are Engine.IO `ping`
   * packets, and the Origin check also tries the polling transport (docs/server-contract.md,
   * "socket.io servers").
   * @default 'websocket'
   */
  readonly protocol?: ConformanceProtocol;
  /** Connection cap the kit sets (`WST_MAX_CONNECTIONS`), integer 4–64. @default 10 */
  readonly maxConnections?: number;
  /** Largest message the kit sets (`WST_MAX_MESSAGE_BYTES`), bytes ≥ 16. @default 65536 */
  readonly maxMessageBytes?: number;
  /** Extra environment; wins over every variable the kit sets. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of the server. @default process.cwd() */
  readonly cwd?: string;
  /** Bound on start-up, ms. @default 20000 */
  readonly startTimeoutMs?: number;
  /** Progress lines. @default dropped */
  readonly onProgress?: (line: string) => void;
  /** Server (and HAProxy) output lines. @default dropped */
  readonly onServerOutput?: (line: string) => void;
}

/** The protocol the kit's clients speak (see `ConformanceOptions.protocol`). */
export type ConformanceProtocol = 'websocket' | 'socket.io';

/** One row of the report. */
export interface CheckResult extends Verdict {
  readonly id: CheckId;
  readonly section: string;
  readonly expectation: string;
}

/** What `runConformance` returns. */
export interface ConformanceReport {
  /** True when every check passed. */
  readonly pass: boolean;
  readonly command: readonly string[];
  readonly loadBalancer: 'haproxy' | 'none';
  readonly protocol: ConformanceProtocol;
  /** Contract variables the kit set (WST_*), as the server saw them. */
  readonly environment: Readonly<Record<string, string>>;
  readonly checks: readonly CheckResult[];
  readonly durationMs: number;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Run the conformance session against one server.
 * @throws Error for bad options (empty command, a tier that does not validate, timers too long for
 *   the kit, a cap outside 4–64); a server that fails to start gives a report, not an error
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = now();
  if (options.command.length === 0)
    throw new Error('command is empty; allowed: an executable and its arguments. Fix: e.g. -- node server.js');
  const { tier } = planTier('conformance', options.tier ?? CONFORMANCE_TIER);
  const cell = options.cellName ? tier.cells.find((c) => c.name === options.cellName) : tier.cells[0];
  if (!cell) throw new Error(`cellName is ${JSON.stringify(options.cellName)}; allowed: ${tier.cells.map((c) => c.name).join(', ')}.`);
  const cap = options.maxConnections ?? 10;
  if (!Number.isInteger(cap) || cap < 4 || cap > 64)
    throw new Error(`maxConnections is ${cap}; allowed: an integer 4–64 (the kit opens cap + 1 sockets).`);
  const maxMessage = options.maxMessageBytes ?? 65536;
  if (!Number.isInteger(maxMessage) || maxMessage < 16) throw new Error(`maxMessageBytes is ${maxMessage}; allowed: an integer ≥ 16.`);
  checkTimers(cell);
  const lb = options.loadBalancer ?? 'haproxy';
  const protocol = options.protocol ?? 'websocket';
  if (protocol !== 'websocket' && protocol !== 'socket.io')
    throw new Error(`protocol is ${JSON.stringify(protocol)}; allowed: 'websocket', 'socket.io'. Fix: e.g. protocol: 'socket.io'.`);
  const progress = options.onProgress ?? (() => undefined);
  const results = new Map<CheckId, Verdict>();

  const gauge = new GaugeListener(cell.serverEnvironment[SERVER_ENV.metricNamespace], cell.serverEnvironment[SERVER_ENV.metricName]);
  const emf = await gauge.listen();
  const imds = await startImdsStub();
  const env: Record<string, string> = {
    ...cell.serverEnvironment,
    [SERVER_ENV.lifecycleHookName]: '',
    [CONTRACT_VERSION_ENV]: String(CONTRACT_VERSION),
    [RUNTIME_ENV.maxConnections]: String(cap),
    [RUNTIME_ENV.allowedOrigins]: KIT_ALLOWED_ORIGIN,
    [RUNTIME_ENV.maxMessageBytes]: String(maxMessage),
    [RUNTIME_ENV.imdsBaseUrl]: imds.url,
    [EMF_ENDPOINT_ENV]: emf,
    [ASG_NAME_ENV]: 'conformance',
    [KIT_METRIC_INTERVAL_ENV]: '250',
    ...(options.env ?? {}),
  };
  const pingMs = Number(env[SERVER_ENV.pingIntervalSeconds]) * 1000;
  const windowMs = Number(env[SERVER_ENV.drainWindowSeconds]) * 1000;
  const graceMs = Number(env[SERVER_ENV.drainGraceSeconds]) * 1000;
  const healthPath = env[SERVER_ENV.healthPath];
  const idleMs = cell.listener.effectiveIdleTimeoutSeconds * 1000;

  const sockets: KitSocket[] = [];
  let twin: Twin | undefined;
  let child: ChildProcess | undefined;
  const finish = (error?: string): ConformanceReport => {
    const checks = CHECKS.map((c) => ({ ...c, ...(results.get(c.id) ?? { pass: false, detail: `not run${error ? `: ${error}` : ''}` }) }));
    const shown = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('WST_')));
    return {
      pass: checks.every((c) => c.pass),
      command: options.command,
      loadBalancer: lb,
      protocol,
      environment: shown,
      checks,
      durationMs: now() - started,
    };
  };
  try {
    // ---- start: health 200 when ready
    let wsUrl: string;
    let healthPort: number;
    const t = now();
    let readyMs: number;
    if (lb === 'haproxy') {
      let spawnedAt = t;
      try {
        twin = await startTwin({
          tier,
          cellName: cell.name,
          nodes: 1,
          maxNodes: 1,
          server: { command: options.command[0], args: options.command.slice(1), env },
          startTimeoutMs: options.startTimeoutMs ?? 20_000,
          onProgress: (line) => {
            if (line.startsWith('starting backend')) spawnedAt = now();
            if (line.endsWith('healthy')) readyMs = now() - spawnedAt;
            progress(`[twin] ${line}`);
          },
          onServerOutput: options.onServerOutput && ((node, line) => options.onServerOutput?.(`[${node}] ${line}`)),
        });
      } catch (e) {
        results.set('health-ready', { pass: false, detail: `not ready: ${e instanceof Error ? e.message : String(e)}` });
        return finish('the server did not become ready');
      }
      child = twin.nodes[0].process;
      healthPort = twin.nodes[0].port;
      wsUrl = protocol === 'socket.io' ? twin.url : `${twin.url.replace(/^http/, 'ws')}/`;
      readyMs ??= now() - spawnedAt;
    } else {
      healthPort = await freePort();
      const direct = {
        ...env,
        [SERVER_ENV.port]: String(healthPort),
        [SERVER_ENV.healthPort]: String(healthPort),
        WST_HOST: '127.0.0.1',
        WST_NODE_ID: 'kit',
      };
      child = spawn(options.command[0], options.command.slice(1), {
        env: { ...process.env, ...direct },
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const tail = pipeOutput(child, options.onServerOutput);
      const ready = await waitHealthy(child, healthPort, healthPath, options.startTimeoutMs ?? 20_000);
      if (ready !== true) {
        results.set('health-ready', { pass: false, detail: `${ready}${tail.length ? `; last output: ${tail.join(' | ')}` : ''}` });
        return finish('the server did not become ready');
      }
      readyMs = now() - t;
      wsUrl = protocol === 'socket.io' ? `http://127.0.0.1:${healthPort}` : `ws://127.0.0.1:${healthPort}/`;
    }
    results.set('health-ready', { pass: true, detail: `200 on ${healthPath} after ${secs(readyMs)}` });
    const proc = child!;
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode, at: now() });
      proc.once('exit', (code, signal) => resolve({ code, signal, at: now() }));
    });
    const open = async (origin: string | undefined = KIT_ALLOWED_ORIGIN, transport: 'websocket' | 'polling' = 'websocket') => {
      const r = protocol === 'socket.io' ? await openSocketIoClient(wsUrl, origin, 5000, transport) : await openSocket(wsUrl, origin, 5000);
      if (r.ok) sockets.push(r.socket);
      return r;
    };
    /** Close from the client side; resolves with when the close started and when it completed. */
    const closeClient = async (k: KitSocket) => {
      const startedAt = now();
      if (!k.closeInfo) k.close();
      const c = await within(k.closed, 3000, undefined);
      return { startedAt: Math.min(startedAt, c?.at ?? startedAt), at: c?.at ?? now() };
    };
    const measure = (expected: number, change: { startedAt: number; at: number }) =>
      gauge.measure(expected, change.startedAt, change.at, 3000);

    // ---- idle: pings and HTTP keep-alive (in parallel)
    progress('checking pings and keep-alive');
    const keepAlive = keepAliveProbe(healthPort, healthPath, idleMs + 500).then((o) => keepAliveVerdict(o, idleMs));
    const limitMs = 1.5 * pingMs + 500;
    const watchMs = 3 * limitMs;
    const measurements: GaugeMeasurement[] = [];
    const pingSock = await open();
    if (!pingSock.ok) {
      results.set('ping', { pass: false, detail: `a WebSocket upgrade was refused: ${pingSock.error}` });
    } else {
      const k = pingSock.socket;
      await within(new Promise<void>((r) => k.onPing(() => k.pings.length >= 3 && r())), watchMs, undefined);
      results.set(
        'ping',
        pingVerdict(
          k.pings.map((p) => p - k.openedAt),
          pingMs,
          limitMs,
          now() - k.openedAt,
        ),
      );
      measurements.push(await measure(0, await closeClient(k)));
    }

    // ---- admission: Origin, message size, cap (with the gauge tracking the count)
    progress('checking admission and the gauge');
    results.set('origin', await originCheck(protocol, (transport) => open(KIT_FOREIGN_ORIGIN, transport), closeClient));
    const big = await open();
    if (big.ok) {
      let echoed = 0;
      big.socket.onMessage((bytes) => (echoed = bytes));
      const sentAt = now();
      big.socket.sendBytes(maxMessage + 1);
      const c = await within(big.socket.closed, 5000, undefined);
      results.set(
        'max-message',
        c?.code === 1009
          ? { pass: true, detail: `${maxMessage + 1}-byte ${protocol === 'socket.io' ? 'Engine.IO frame' : 'message'} closed with 1009` }
          : {
              pass: false,
              detail: c
                ? `closed with ${c.code} ${JSON.stringify(c.reason)}`
                : `socket still open 5 s after a ${maxMessage + 1}-byte message${echoed ? ` (echoed ${echoed} bytes)` : ''}`,
            },
      );
      const closed = await closeClient(big.socket);
      measurements.push(await measure(0, { startedAt: sentAt, at: closed.at })); // the refused socket no longer counts
    } else {
      results.set('max-message', { pass: false, detail: `a WebSocket upgrade was refused: ${big.error}` });
    }
    const held: KitSocket[] = [];
    for (let i = 0; i < cap; i++) {
      const r = await open();
      if (!r.ok) break;
      held.push(r.socket);
    }
    const opened = (k: KitSocket) => ({ startedAt: k.startedAt, at: k.openedAt });
    const capGauge = held.length === cap ? await measure(cap, opened(held[cap - 1])) : undefined;
    // A close right after the 101 (1013 from a miscounting server) arrives after 'open': judged after the gauge wait.
    const early = held.filter((k) => k.closeInfo);
    if (held.length < cap || early.length > 0) {
      results.set('cap', {
        pass: false,
        detail: `only ${held.length - early.length} of ${cap} sockets (the cap) stayed open${early[0]?.closeInfo ? `; one closed with ${early[0].closeInfo.code} ${JSON.stringify(early[0].closeInfo.reason)}` : ''}`,
      });
      if (capGauge) measurements.push(capGauge);
    } else {
      measurements.push(capGauge!);
      const extra = await open();
      if (!extra.ok) {
        results.set('cap', { pass: false, detail: `client ${cap + 1} refused with ${extra.error} instead of close code 1013` });
      } else {
        const c = await within(extra.socket.closed, 5000, undefined);
        results.set(
          'cap',
          c?.code === 1013
            ? { pass: true, detail: `client ${cap + 1} closed with 1013 ${JSON.stringify(c.reason)}` }
            : { pass: false, detail: c ? `client ${cap + 1} closed with ${c.code}` : `client ${cap + 1} was accepted and stayed open` },
        );
        await closeClient(extra.socket);
      }
      const gone = await Promise.all(held.splice(0, 2).map(closeClient));
      measurements.push(
        await measure(cap - 2, { startedAt: Math.max(...gone.map((g) => g.startedAt)), at: Math.max(...gone.map((g) => g.at)) }),
      );
      for (let i = 0; i < 2; i++) {
        const r = await open();
        if (r.ok) held.push(r.socket);
      }
      measurements.push(await measure(held.length, opened(held[held.length - 1])));
    }
    results.set('gauge', gaugeVerdict(measurements, gauge.malformed, 1000));
    results.set('keep-alive', await keepAlive);

    // ---- drain: SIGTERM (after deregistration, as AWS orders it)
    progress('draining: SIGTERM');
    const draining = held.filter((k) => !k.closeInfo);
    if (twin) await twin.haproxyCommand(`set server ${twinBackendName(cell.name)}/${twin.nodes[0].name} state drain`);
    const t0 = now();
    const probes: HealthProbe[] = [];
    let exitedYet = false;
    const prober = (async () => {
      while (!exitedYet && now() - t0 < windowMs + graceMs + 10_000) {
        const sentAtMs = now() - t0;
        probes.push({ sentAtMs, ...(await healthGet(healthPort, healthPath, 1000)) });
        await new Promise((r) => setTimeout(r, PROBE_GAP_MS)); // sampling rate, so probing does not starve the server
      }
    })();
    proc.kill('SIGTERM');
    const limit = windowMs + graceMs + 10_000;
    const exit = await within(exited, limit, undefined);
    exitedYet = true;
    await prober;
    if (!exit) proc.kill('SIGKILL');
    await within(Promise.all(draining.map((k) => k.closed)), 3000, undefined);
    const closes = draining.filter((k) => k.closeInfo).map((k) => k.closeInfo!);
    const closeTimes = closes.map((c) => c.at - t0);
    results.set(
      'health-503',
      healthFlipVerdict(
        probes,
        closeTimes.length ? Math.min(...closeTimes) : undefined,
        closeTimes.length ? Math.max(...closeTimes) : undefined,
      ),
    );
    results.set('pacing', pacingVerdict(closeTimes, windowMs, draining.length));
    results.set('close-codes', closeCodesVerdict(closes));
    const allowedMs = windowMs + graceMs + 1500;
    if (!exit) {
      results.set('exit', { pass: false, detail: `still running ${secs(limit)} after SIGTERM (killed)` });
    } else if (exit.at < t0) {
      results.set('exit', { pass: false, detail: `exited (${exit.code ?? exit.signal}) ${secs(t0 - exit.at)} before SIGTERM` });
    } else {
      const tookMs = exit.at - t0;
      const ok = exit.code === 0 && tookMs <= allowedMs;
      const how = exit.code === null ? `signal ${exit.signal}` : `code ${exit.code}`;
      results.set('exit', {
        pass: ok,
        detail: `exited with ${how} ${secs(tookMs)} after SIGTERM (allowed ${secs(windowMs + graceMs)} + 1.5 s slack)`,
      });
    }
    return finish();
  } catch (e) {
    return finish(e instanceof Error ? e.message : String(e));
  } finally {
    for (const k of sockets) k.terminate();
    if (twin) await twin.stop();
    else if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    gauge.close();
    imds.close();
  }
}

/**
 * The Origin row: the foreign Origin is refused with 403, on the socket.io polling transport too
 * (docs/server-contract.md §8: the same status on every transport).
 */
async function originCheck(
  protocol: ConformanceProtocol,
  openForeign: (transport: 'websocket' | 'polling') => Promise<OpenResult>,
  closeClient: (k: KitSocket) => Promise<unknown>,
): Promise<Verdict> {
  const transports = protocol === 'socket.io' ? (['websocket', 'polling'] as const) : (['websocket'] as const);
  const seen: string[] = [];
  let pass = true;
  for (const transport of transports) {
    const r = await openForeign(transport);
    const on = protocol === 'socket.io' ? ` on ${transport}` : '';
    if (r.ok) {
      pass = false;
      seen.push(`accepted${on} (${protocol === 'socket.io' ? 'Engine.IO open' : '101 Switching Protocols'})`);
      await closeClient(r.socket);
    } else {
      pass &&= r.status === 403;
      seen.push(`refused with ${r.error}${on}`);
    }
  }
  return { pass, detail: `Origin ${KIT_FOREIGN_ORIGIN} ${seen.join(', ')}` };
}

function checkTimers(cell: ResolvedCell): void {
  const tooLong: string[] = [];
  if (cell.drainWindowSeconds + cell.drainGraceSeconds > KIT_MAX_SECONDS.drainPlusGrace)
    tooLong.push(
      `connection.drainWindowSeconds + drainGraceSeconds is ${cell.drainWindowSeconds + cell.drainGraceSeconds} s (at most ${KIT_MAX_SECONDS.drainPlusGrace})`,
    );
  if (cell.listener.effectiveIdleTimeoutSeconds > KIT_MAX_SECONDS.idle)
    tooLong.push(`the idle timeout is ${cell.listener.effectiveIdleTimeoutSeconds} s (at most ${KIT_MAX_SECONDS.idle})`);
  if (cell.pingIntervalSeconds > KIT_MAX_SECONDS.ping)
    tooLong.push(`connection.pingIntervalSeconds is ${cell.pingIntervalSeconds} s (at most ${KIT_MAX_SECONDS.ping})`);
  if (tooLong.length > 0)
    throw new Error(
      `the kit waits through the tier's timers and these are too long: ${tooLong.join('; ')}. Fix: use short timers, e.g. CONFORMANCE_TIER.`,
    );
}

/** Forward output lines; keep the last 10 for a start-up failure message. */
function pipeOutput(child: ChildProcess, sink?: (line: string) => void): string[] {
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        tail.push(line);
        if (tail.length > 10) tail.shift();
        sink?.(line);
      }
    });
  }
  return tail;
}

/** Poll health until 200; a string says why not (exited, timed out). */
async function waitHealthy(child: ChildProcess, port: number, path: string, timeoutMs: number): Promise<true | string> {
  const deadline = now() + timeoutMs;
  let last: string;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      return `the server exited (${child.exitCode ?? child.signalCode}) before answering 200 on ${path}`;
    const r = await healthGet(port, path, 1000);
    if (r.status === 200) return true;
    last = r.status !== undefined ? `HTTP ${r.status}` : (r.error ?? 'error');
    if (now() > deadline) return `no 200 on ${path} within ${secs(timeoutMs)} (last: ${last})`;
    await new Promise((r) => setTimeout(r, 100));
  }
}
