/**
 * `websocket-tier release-plan`: tables, --json, refusals naming flags, the chart spec, and the
 * binary writing an SVG (Vega is ESM-only and needs a real dynamic import, which Jest's sandbox
 * lacks, so that one runs the real binary).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { duration, releaseChartSpec, releaseFlagOf } from '../../lib/cli/release-plan';
import { planRelease, type TierConfig } from '../../lib/core';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

/** Two ALB cells of 4 × 1,000 connections; 60 s window + 10 s grace (the numbers of test/core/release-plan.test.ts). */
const TIER: TierConfig = {
  domainName: 'ws.example.com',
  cells: [{ name: 'a' }, { name: 'b', state: 'draining' }],
  scaling: { minCapacity: 2, maxCapacity: 4, targetConnectionsPerInstance: 1000 },
  connection: { drainWindowSeconds: 60, drainGraceSeconds: 10 },
};

let dir: string;
let file: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-release-plan-'));
  file = path.join(dir, 'tier.json');
  fs.writeFileSync(file, JSON.stringify(TIER));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('release-plan: output', () => {
  test('tables: per cell batches, durations, peak rate, budgets, where the draining cell’s clients go', async () => {
    const r = await run('release-plan', '--config', file, '--boot-seconds', '120');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // 4 batches × (120 + 60 + 10) = 760 s per cell, 1,520 s in all; 1,000 ÷ 60 = 16.67 reconnects/s.
    expect(r.out).toMatch(
      /^Release plan: 2 cell\(s\) one at a time \(a → b\), batch size 1 · total 25 min 20 s \(1,520 s\) · peak 16\.7 reconnects\/s/,
    );
    expect(r.out).toMatch(/│ a\s+│ active\s+│ 4\s+│ 4 \(1, 1, 1, 1\)\s+│ 3 min 10 s\s+│ 12 min 40 s\s+│ 0 s\s+│ 1,000\s+│ 16\.7/);
    expect(r.out).toMatch(/│ b\s+│ draining\s+│ 4 .*│ 12 min 40 s\s+│ 1,000/);
    // LB: 4,000 ÷ 3,000 = 1.33 LCU × 25 = 33/s → 0.50×.
    expect(r.out).toMatch(/│ a\s+│ 33 \(1\.3 LCU, active-connections\)\s+│ 0\.50×/);
    expect(r.out).toMatch(/Where the clients of 'b' go:/);
    expect(r.out).toMatch(/│ a\s+│ 4,000\s+│ \+4,000\s+│ 8,000\s+│ 5,716\s+│ 140 %/);
    expect(r.out).toMatch(/Assumptions:/);
  });

  test('--json prints planRelease() as data', async () => {
    const r = await run('release-plan', '--config', file, '--boot-seconds', '120', '--batch-size', '2', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(planRelease(TIER, undefined, { bootSeconds: 120, batchSize: 2 }))));
  });

  test('--connections sets the capacity, --instances the fleet at release time, --no-launch-before-terminate the order', async () => {
    const r = await run(
      'release-plan',
      '--config',
      file,
      '--connections',
      '8000',
      '--instances',
      'a=4,b=4',
      '--no-launch-before-terminate',
      '--json',
    );
    expect(r.err).toBe('');
    const plan = JSON.parse(r.out) as ReturnType<typeof planRelease>;
    expect(plan.cells.map((c) => [c.instances, c.launchBeforeTerminate, c.connectionsSource])).toEqual([
      [4, false, 'capacity-plan'],
      [4, false, 'capacity-plan'],
    ]);
  });

  test('the chart spec draws each batch’s drain as a plateau at its rate', () => {
    const plan = planRelease(TIER, undefined, { bootSeconds: 120 });
    const spec = releaseChartSpec(plan) as { data: { values: { cell: string; minutes: number; reconnectsPerSecond: number }[] }[] };
    const values = spec.data[0].values;
    expect(values).toHaveLength(plan.timeline.length * 4);
    expect(values.slice(0, 4)).toEqual([
      { cell: 'a', minutes: 2, reconnectsPerSecond: 0 },
      { cell: 'a', minutes: 2, reconnectsPerSecond: 1000 / 60 },
      { cell: 'a', minutes: 3, reconnectsPerSecond: 1000 / 60 },
      { cell: 'a', minutes: 3, reconnectsPerSecond: 0 },
    ]);
  });

  test('duration() and releaseFlagOf()', () => {
    expect([duration(45), duration(190), duration(3725)]).toEqual(['45 s', '3 min 10 s', '1 h 02 min 05 s']);
    expect([releaseFlagOf('release.batchSize'), releaseFlagOf('release.instances.a'), releaseFlagOf('cells[0].weight')]).toEqual([
      '--batch-size',
      '--instances',
      'cells[0].weight',
    ]);
  });
});

describe('release-plan: refusals', () => {
  test('a batch below the plan’s capacity exits 1 with the message naming --batch-size', async () => {
    const r = await run('release-plan', '--config', file, '--batch-size', '2', '--no-launch-before-terminate');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: invalid release plan \(2 problems\):/);
    expect(r.err).toMatch(/Fix: lower --batch-size to at most 1.*\[release-capacity-below-plan\]/);
  });

  test('bad settings name their flag', async () => {
    const r = await run('release-plan', '--config', file, '--batch-size', '0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--batch-size is 0 instances; allowed 1–1000/);
    const bad = await run('release-plan', '--config', file, '--instances', 'a:4');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/'a:4' is not <cell>=<instances>/);
  });

  test('an invalid tier is refused with the tier’s errors; a missing file names --config', async () => {
    const badTier = path.join(dir, 'bad.json');
    fs.writeFileSync(badTier, JSON.stringify({ ...TIER, cells: [{ name: 'a', state: 'retired' }] }));
    const r = await run('release-plan', '--config', badTier);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/at least one must be 'active'.*\[cell-state-none-active\]/);
    const missing = await run('release-plan', '--config', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--config .*nope\.json: no such file/);
  });
});

test('the binary writes an SVG chart with --chart', () => {
  const bin = path.join(__dirname, '..', '..', 'lib', 'cli', 'bin.ts');
  const svgFile = path.join(dir, 'release.svg');
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', bin, 'release-plan', '--config', file, '--chart', svgFile], {
    cwd: path.join(__dirname, '..', '..'),
  });
  const svg = fs.readFileSync(svgFile, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('Release: reconnects per second over time');
  expect(svg).toContain('>Cell<');
});
