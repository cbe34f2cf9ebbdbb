/**
 * How fast `websocket-tier plan` answers, 10 thousand to 10 million connections.
 * In-process: `main(['plan', …])` with the table output (and `--json`), after one warm-up call.
 * Cold: a fresh `node` running the CLI compiled to one JavaScript file with esbuild (what a user's
 * `npx websocket-tier plan` pays, near enough), and through ts-node's transpile-only hook.
 * Writes bench/results/plan-speed.json. Run: `npx ts-node --transpile-only bench/plan-speed.ts`
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { main } from '../lib/cli/main';

const COUNTS = [10_000, 100_000, 1_000_000, 10_000_000];
const quiet = { stdout: () => undefined, stderr: () => undefined };

async function run(): Promise<void> {
  await main(['plan', '--connections', '1000'], quiet); // load commander, cli-table3, core
  const inProcess = [];
  for (const n of COUNTS) {
    for (const json of [false, true]) {
      const argv = [
        'plan',
        '--connections',
        String(n),
        '--lb',
        'nlb',
        '--messages-per-second',
        String(n / 1000),
        '--fan-out',
        '10',
        ...(json ? ['--json'] : []),
      ];
      const t = performance.now();
      const code = await main(argv, quiet);
      inProcess.push({ connections: n, json, exitCode: code, milliseconds: +(performance.now() - t).toFixed(2) });
    }
  }
  const bin = path.join(__dirname, '..', 'lib', 'cli', 'bin.ts');
  const cold = COUNTS.map((n) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', bin, 'plan', '--connections', String(n)], {
      encoding: 'utf8',
    });
    return { connections: n, exitCode: r.status, milliseconds: +(performance.now() - t).toFixed(0) };
  });
  const compiled = path.join(__dirname, '..', '.bench-tmp', 'plan-speed', 'bin.js');
  buildSync({
    entryPoints: [bin],
    outfile: compiled,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vega'],
    logLevel: 'silent',
  });
  const coldCompiled = COUNTS.map((n) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [compiled, 'plan', '--connections', String(n)], { encoding: 'utf8' });
    return { connections: n, exitCode: r.status, milliseconds: +(performance.now() - t).toFixed(0) };
  });
  const out = {
    what: 'websocket-tier plan response time',
    when: new Date().toISOString(),
    node: process.version,
    inProcess,
    coldProcessCompiled: coldCompiled,
    coldProcessWithTsNode: cold,
  };
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'plan-speed.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

void run();
