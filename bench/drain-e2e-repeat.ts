/**
 * Repeats the end-to-end drain tests under CPU load (not a test): runs one jest file N times in a
 * row while two busy-loop processes (normal priority, one per core of a 2-core machine) compete with
 * it, and records every run's outcome, per-test results, duration and load average.
 *
 *   npx ts-node --transpile-only bench/drain-e2e-repeat.ts      # writes bench/results/drain-e2e-under-load.json
 *   E2E_REPEAT_RUNS=3 E2E_REPEAT_HOGS=0 npx ts-node --transpile-only bench/drain-e2e-repeat.ts
 *
 * Options (environment): E2E_REPEAT_FILE (test/e2e/twin.test.ts), E2E_REPEAT_RUNS (20),
 * E2E_REPEAT_HOGS (busy-loop processes, 2), E2E_REPEAT_OUT (bench/results/drain-e2e-under-load.json).
 * The result file is rewritten after every run, so an interrupted series still leaves its tally.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} is ${JSON.stringify(raw)}; allowed: an integer ≥ ${min}.`);
  return n;
}

const ROOT = path.resolve(__dirname, '..');
const FILE = process.env.E2E_REPEAT_FILE ?? 'test/e2e/twin.test.ts';
const RUNS = envInt('E2E_REPEAT_RUNS', 20, 1);
const HOGS = envInt('E2E_REPEAT_HOGS', 2, 0);
const OUT = process.env.E2E_REPEAT_OUT ?? path.resolve(__dirname, 'results/drain-e2e-under-load.json');

const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

interface TestOutcome {
  readonly name: string;
  readonly status: string;
  readonly durationMs: number | null;
  readonly failure?: string;
}

interface RunOutcome {
  readonly run: number;
  readonly passed: boolean;
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly loadavgAtStart: number[];
  readonly loadavgAtEnd: number[];
  readonly tests: TestOutcome[];
}

interface JestJson {
  testResults?: {
    assertionResults?: { fullName: string; status: string; duration?: number | null; failureMessages?: string[] }[];
    message?: string;
  }[];
}

function startHogs(): ChildProcess[] {
  return Array.from({ length: HOGS }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

function stopHogs(hogs: readonly ChildProcess[]): Promise<void[]> {
  return Promise.all(
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

function oneRun(run: number): Promise<RunOutcome> {
  const jsonFile = path.join(os.tmpdir(), `drain-e2e-repeat-${process.pid}-${run}.json`);
  const loadavgAtStart = loadavg();
  const t = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npx', ['jest', FILE, '--json', `--outputFile=${jsonFile}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on('exit', (code) => {
      let tests: TestOutcome[];
      try {
        const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as JestJson;
        tests = (json.testResults ?? []).flatMap((f) =>
          (f.assertionResults ?? []).map((a) => ({
            name: a.fullName,
            status: a.status,
            durationMs: a.duration ?? null,
            ...(a.status === 'failed' ? { failure: (a.failureMessages ?? []).join('\n').slice(0, 2000) } : {}),
          })),
        );
        fs.rmSync(jsonFile, { force: true });
      } catch {
        tests = [{ name: '(no jest json)', status: 'failed', durationMs: null, failure: stderr.slice(-2000) }];
      }
      resolve({
        run,
        passed: code === 0 && tests.length > 0 && tests.every((x) => x.status === 'passed'),
        exitCode: code,
        durationMs: Date.now() - t,
        loadavgAtStart,
        loadavgAtEnd: loadavg(),
        tests,
      });
    });
  });
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const machine = {
    node: process.version,
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgAtStart: loadavg(),
    platform: `${os.platform()} ${os.release()}`,
  };
  const hogs = startHogs();
  const runs: RunOutcome[] = [];
  const write = () => {
    const durations = runs.map((r) => r.durationMs);
    const loads = runs.map((r) => r.loadavgAtStart[0]);
    const result = {
      benchmark: 'drain-e2e-under-load',
      startedAt,
      updatedAt: new Date().toISOString(),
      machine,
      config: { file: FILE, runs: RUNS, hogs: HOGS, hogPriority: 'normal (no nice)', jest: 'npx jest <file>, at normal priority' },
      tally: {
        runs: runs.length,
        passes: runs.filter((r) => r.passed).length,
        failures: runs
          .filter((r) => !r.passed)
          .map((r) => ({ run: r.run, failed: r.tests.filter((x) => x.status !== 'passed').map((x) => x.name) })),
        durationMs: durations.length
          ? {
              min: Math.min(...durations),
              max: Math.max(...durations),
              mean: Math.round(durations.reduce((a, b) => a + b, 0) / durations.length),
            }
          : null,
        loadavg1mAtStart: loads.length ? { min: Math.min(...loads), max: Math.max(...loads) } : null,
      },
      runs,
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  };
  try {
    process.stdout.write(`drain-e2e-repeat: ${FILE} × ${RUNS}, ${HOGS} busy-loop processes\n`);
    for (let run = 1; run <= RUNS; run++) {
      const r = await oneRun(run);
      runs.push(r);
      write();
      const failed = r.tests.filter((x) => x.status !== 'passed').map((x) => x.name);
      process.stdout.write(
        `#${run}: ${r.passed ? 'PASS' : 'FAIL'} in ${Math.round(r.durationMs / 1000)} s, loadavg ${r.loadavgAtStart.join(' ')}${failed.length ? `; failed: ${failed.join(' | ')}` : ''}\n`,
      );
    }
  } finally {
    await stopHogs(hogs);
  }
  write();
  process.stdout.write(`${runs.filter((r) => r.passed).length}/${runs.length} passed; wrote ${OUT}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
