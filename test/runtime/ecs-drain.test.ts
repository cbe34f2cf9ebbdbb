/**
 * The runtime's ECS drain trigger (lib/runtime/ecs-task.ts) against a local fake of the task
 * metadata endpoint v4 (`${ECS_CONTAINER_METADATA_URI_V4}/task`):
 * - end to end: a real server process on the runtime (lib/twin/ws-server.ts, built as the twin
 *   runs it) holds 8 sockets; the fake flips the task's `DesiredStatus` to `STOPPED`; health turns
 *   503 before the first close, the closes are paced over the window with 1001 and a retry hint,
 *   and the process exits 0 on its own. No SIGTERM is ever sent, as during ECS's deregistration
 *   phase;
 * - the watch itself: off without the variable, the poll-interval range, one warning for a run of
 *   failures, no drain while `RUNNING`.
 * Waits are on events (requests the fake saw, closes, exit), each bounded; none on wall-clock sleeps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { closeCodesVerdict, type HealthProbe, healthFlipVerdict, pacingVerdict } from '../../lib/conformance/checks';
import { healthGet, now } from '../../lib/conformance/probes';
import { ECS_TASK_ENV, SERVER_ENV } from '../../lib/core/server-contract';
import { ecsTaskWatch, isTaskStopping, WebSocketRuntime } from '../../lib/runtime';
import { buildServer, removeBuiltServer } from '../../lib/twin';
import { freePort, within } from '../helpers/net';

jest.setTimeout(60_000);

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fake task metadata endpoint v4: `GET <base>/task` answers the current status; `polled` fires per request. */
async function fakeMetadata(initial: { desired: string; http?: number }) {
  const state = { ...initial };
  const events = new EventEmitter();
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url !== '/v4/task-abc/task') return void res.writeHead(404).end();
    seen.push(state.desired);
    if (state.http) res.writeHead(state.http).end('unavailable');
    else
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ DesiredStatus: state.desired, KnownStatus: 'RUNNING' }));
    events.emit('polled', state.desired);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  /** Resolves on the next request that saw `desired`. */
  const nextPoll = (desired: string) =>
    new Promise<void>((resolve) => {
      const on = (d: string) => {
        if (d !== desired) return;
        events.off('polled', on);
        resolve();
      };
      events.on('polled', on);
    });
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/task-abc`, state, seen, nextPoll };
}

function openClient(port: number): Promise<{ closed: Promise<{ code: number; reason: string; at: number }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const closed = new Promise<{ code: number; reason: string; at: number }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString('utf8'), at: now() })),
    );
    cleanups.push(() => ws.terminate());
    ws.once('open', () => resolve({ closed }));
    ws.once('error', reject);
  });
}

test('DesiredStatus STOPPED drains a real server: health 503 first, closes paced over the window, exit 0, no SIGTERM', async () => {
  const meta = await fakeMetadata({ desired: 'RUNNING' });
  const built = buildServer();
  cleanups.push(() => removeBuiltServer(built));
  const port = await freePort();
  const windowMs = 3000;
  const child: ChildProcess = spawn(process.execPath, [built.file], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: built.nodePath,
      WST_HOST: '127.0.0.1',
      [SERVER_ENV.port]: String(port),
      [SERVER_ENV.drainWindowSeconds]: String(windowMs / 1000),
      [SERVER_ENV.drainGraceSeconds]: '2',
      [ECS_TASK_ENV.metadataUri]: meta.uri,
      [ECS_TASK_ENV.pollIntervalMs]: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const signalsSent: string[] = [];
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) {
      signalsSent.push('SIGKILL');
      child.kill('SIGKILL');
    }
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal, at: now() })),
  );

  // Ready, 8 sockets open, and the runtime has polled at least once while the task was RUNNING.
  await within(
    (async () => {
      while ((await healthGet(port, '/healthz', 1000)).status !== 200) await new Promise((r) => setImmediate(r));
    })(),
    15_000,
    `the server to answer 200 (output: ${out})`,
  );
  const clients = await Promise.all(Array.from({ length: 8 }, () => openClient(port)));
  await within(meta.nextPoll('RUNNING'), 10_000, 'a poll while RUNNING');
  expect((await healthGet(port, '/healthz', 1000)).status).toBe(200);

  // ECS starts stopping the task: DEACTIVATING (deregistration) comes before any SIGTERM.
  meta.state.desired = 'STOPPED';
  const t0 = now();
  const probes: HealthProbe[] = [];
  let exitedYet = false;
  const prober = (async () => {
    while (!exitedYet) {
      const sentAtMs = now() - t0;
      probes.push({ sentAtMs, ...(await healthGet(port, '/healthz', 1000)) });
      await new Promise((r) => setTimeout(r, 20)); // sampling rate, not a wait for an outcome
    }
  })();
  const exit = await within(exited, windowMs + 15_000, `the server to drain and exit (output: ${out})`);
  exitedYet = true;
  await prober;
  const closes = await within(Promise.all(clients.map((c) => c.closed)), 3000, 'every client closed');
  const times = closes.map((c) => c.at - t0);

  expect(signalsSent).toEqual([]);
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(out).toMatch(/"event":"draining","trigger":"ecs-task-stopping"/);
  expect(healthFlipVerdict(probes, Math.min(...times), Math.max(...times))).toMatchObject({ pass: true });
  expect(pacingVerdict(times, windowMs, clients.length)).toMatchObject({ pass: true });
  expect(closeCodesVerdict(closes)).toMatchObject({ pass: true });
  expect(closes.every((c) => c.code === 1001)).toBe(true);
  expect(meta.seen).toContain('STOPPED');
});

describe('ecsTaskWatch', () => {
  test('is off without ECS_CONTAINER_METADATA_URI_V4 or with ecs: false', () => {
    expect(ecsTaskWatch(undefined, {})).toBeUndefined();
    expect(ecsTaskWatch(false, { [ECS_TASK_ENV.metadataUri]: 'http://169.254.170.2/v4/x' })).toBeUndefined();
  });

  test('polls every 1 s by default; WST_ECS_POLL_INTERVAL_MS and the option set it, within 100–60000', () => {
    const env = { [ECS_TASK_ENV.metadataUri]: 'http://169.254.170.2/v4/x' };
    expect(ecsTaskWatch(undefined, env)?.intervalMs).toBe(1000);
    expect(ecsTaskWatch(undefined, { ...env, [ECS_TASK_ENV.pollIntervalMs]: '250' })?.intervalMs).toBe(250);
    expect(ecsTaskWatch({ pollIntervalMs: 500 }, { ...env, [ECS_TASK_ENV.pollIntervalMs]: '250' })?.intervalMs).toBe(500);
    expect(() => ecsTaskWatch(undefined, { ...env, [ECS_TASK_ENV.pollIntervalMs]: '50' })).toThrow(
      /WST_ECS_POLL_INTERVAL_MS is "50"; allowed: 100–60000 ms\. Fix:/,
    );
    expect(() => ecsTaskWatch({ pollIntervalMs: 1e6 }, env)).toThrow(/ecs\.pollIntervalMs is 1000000; allowed: 100–60000 ms/);
  });

  test('only DesiredStatus STOPPED means stopping (KnownStatus is ignored)', () => {
    expect(isTaskStopping({ desiredStatus: 'STOPPED', knownStatus: 'RUNNING' })).toBe(true);
    expect(isTaskStopping({ desiredStatus: 'RUNNING', knownStatus: 'STOPPED' })).toBe(false);
    expect(isTaskStopping({})).toBe(false);
  });

  test('a run of failed reads throws once, then reads false until one succeeds', async () => {
    const meta = await fakeMetadata({ desired: 'RUNNING', http: 503 });
    const watch = ecsTaskWatch({ metadataUri: meta.uri }, {})!;
    await expect(watch.stopping()).rejects.toThrow(/task metadata .*\/task returned HTTP 503/);
    await expect(watch.stopping()).resolves.toBe(false);
    meta.state.http = undefined;
    await expect(watch.stopping()).resolves.toBe(false);
    meta.state.http = 503;
    await expect(watch.stopping()).rejects.toThrow(/HTTP 503/);
    meta.state.http = undefined;
    meta.state.desired = 'STOPPED';
    await expect(watch.stopping()).resolves.toBe(true);
  });

  test('in the runtime: no drain while RUNNING, one warning for an unreachable endpoint, drain on STOPPED', async () => {
    const meta = await fakeMetadata({ desired: 'RUNNING' });
    const runtime = new WebSocketRuntime({
      signals: [],
      env: { [ECS_TASK_ENV.metadataUri]: meta.uri, [ECS_TASK_ENV.pollIntervalMs]: '100' },
    });
    const warnings: string[] = [];
    runtime.on('warning', (e: Error) => warnings.push(e.message));
    const draining = new Promise<string>((r) => runtime.once('draining', r));
    runtime.start();
    cleanups.push(() => runtime.stop());
    await within(meta.nextPoll('RUNNING'), 5000, 'a poll while RUNNING');
    expect(runtime.state).toBe('serving');
    meta.state.http = 500;
    await within(
      (async () => {
        for (let i = 0; i < 3; i++) await meta.nextPoll('RUNNING');
      })(),
      5000,
      'three failed polls',
    );
    expect(warnings).toHaveLength(1);
    expect(runtime.state).toBe('serving');
    meta.state.http = undefined;
    meta.state.desired = 'STOPPED';
    expect(await within(draining, 5000, 'the drain')).toBe('ecs-task-stopping');
    expect(runtime.state).not.toBe('serving');
  });
});
