/**
 * `websocket-tier plan`: tables, JSON, chart data, and bad input (non-zero exit, the message, no
 * stack trace). Most tests call `main()` in-process; one runs the real binary for the exit code
 * and the SVG (Vega is ESM-only and needs a real dynamic import, which Jest's sandbox lacks).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planCapacity } from '../../lib/core/capacity';
import { chartSpec, costCurves } from '../../lib/cli/chart';
import { main } from '../../lib/cli/main';
import { flagOf } from '../../lib/cli/plan';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('plan: output', () => {
  test('prints readable tables with the binding limit, the billed dimension and both totals', async () => {
    const r = await run('plan', '--connections', '2000000', '--lb', 'nlb', '--framework', 'ws', '--instance-type', 'm7g.large');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const plan = planCapacity({ peakConnections: 2_000_000, loadBalancerType: 'network', framework: 'ws', instanceType: 'm7g.large' });
    expect(r.out).toMatch(/Plan: 2,000,000 connections at peak · NLB \(TLS listener/);
    expect(r.out).toMatch(new RegExp(`Max connections\\s+│ ${plan.perInstance.maxConnections.toLocaleString('en-US')}`));
    expect(r.out).toMatch(/limit: CPU \(heuristic\)\s+← binding/);
    expect(r.out).toMatch(/active connections\s+│ 333\s+│ ← billed/);
    expect(r.out).toMatch(/LimitNOFILE \(server unit\)\s+│ 1,048,576/);
    expect(r.out).toContain(`Instances at peak, total      │ ${plan.totalInstancesAtPeak}`);
    expect(r.out).toMatch(/│ Total\s+│ \$[\d,]+\.\d\d\s+│ \$[\d,]+\.\d\d/);
    expect(r.out).toMatch(/API Gateway would cost [\d.]+× this tier/);
    expect(r.out).toMatch(/Assumptions:/);
  });

  test('--json prints the plan as data', async () => {
    const r = await run('plan', '--connections', '50000', '--messages-per-second', '200', '--fan-out', '3', '--json');
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out);
    expect(data).toEqual(
      JSON.parse(
        JSON.stringify(
          planCapacity({
            peakConnections: 50_000,
            loadBalancerType: 'application',
            messagesPerSecond: 200,
            fanOut: 3,
            nlbClientIpPreservation: true,
          }),
        ),
      ),
    );
  });

  test('flags reach the plan: --framework with measured bytes, --tls instance, --cells, --no-client-ip-preservation', async () => {
    const r = await run(
      'plan',
      '--connections',
      '300000',
      '--lb',
      'nlb',
      '--tls',
      'instance',
      '--framework',
      '12000',
      '--cells',
      '3',
      '--no-client-ip-preservation',
      '--json',
    );
    const data = JSON.parse(r.out);
    expect(data.input).toMatchObject({
      framework: { bytesPerConnection: 12_000 },
      tlsTermination: 'instance',
      cells: 3,
      nlbClientIpPreservation: false,
    });
    expect(data.loadBalancer.listenerProtocol).toBe('TCP');
    expect(data.perInstance.limits.nlbTarget).toBe(55_000);
  });

  test('--help exits 0 and lists the options', async () => {
    const r = await run('plan', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--connections <n>/);
    expect(r.out).toMatch(/--chart <file.svg>/);
  });
});

describe('plan: bad input exits non-zero with the message and no stack trace', () => {
  test.each<[string, string[], RegExp]>([
    ['negative connections', ['--connections', '-5'], /--connections is -5; allowed an integer 1–1000000000/],
    ['zero connections', ['--connections', '0'], /--connections is 0/],
    [
      'non-numeric connections',
      ['--connections', 'lots'],
      /option '--connections <n>' argument 'lots' is invalid\. 'lots' is not a decimal number/,
    ],
    ['missing connections', [], /required option '--connections <n>' not specified/],
    [
      'unknown instance type',
      ['--connections', '1000', '--instance-type', 'z9.huge'],
      /--instance-type is "z9.huge", which the planner has no size or price for; known: m7g\.\*/,
    ],
    ['unknown load balancer', ['--connections', '1000', '--lb', 'clb'], /argument 'clb' is invalid\. Allowed choices are alb, nlb/],
    ['TLS on an ALB', ['--connections', '1000', '--tls', 'instance'], /--tls is 'instance' but the load balancer is an ALB/],
    [
      'unsatisfiable: above the fd limit',
      ['--connections', '100000', '--max-per-instance', '70000', '--fd-limit', '65536'],
      /--max-per-instance is 70,000 but the file-descriptor limit 65,536 leaves 64,512/,
    ],
    ['zero fan-out', ['--connections', '1000', '--fan-out', '0'], /--fan-out is 0/],
  ])('%s', async (_name, args, message) => {
    const r = await run('plan', ...args);
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('plan: core spells fields through the CLI flag of each path (no message rewriting)', () => {
  test('flagOf maps a capacity path, bare or under capacity., to its flag', () => {
    expect(flagOf('peakConnections')).toBe('--connections');
    expect(flagOf('capacity.peakConnections')).toBe('--connections');
    expect(flagOf('capacity.reconnectStormConnectionsPerSecond')).toBe('--storm-per-second');
    expect(flagOf('route53HealthCheckIntervalSeconds')).toBe('route53HealthCheckIntervalSeconds');
  });

  test('a warning names flags in the field and in its fix; the API and --json keep the paths', async () => {
    const args = ['--connections', '100000', '--new-per-second', '100', '--storm-per-second', '10'];
    const api = planCapacity({ peakConnections: 100_000, newConnectionsPerSecond: 100, reconnectStormConnectionsPerSecond: 10 });
    const warning = api.warnings.find((w) => w.path === 'reconnectStormConnectionsPerSecond')!;
    expect(warning.message).toMatch(
      /^reconnectStormConnectionsPerSecond is 10\/s.*Fix: raise it \(e\.g\. peakConnections ÷ 60 = 1,667\/s\)/,
    );
    const r = await run('plan', ...args);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '  - --storm-per-second is 10/s, below the steady 100/s; a storm is the worst case. Fix: raise it (e.g. --connections ÷ 60 = 1,667/s).',
    );
    const json = await run('plan', ...args, '--json');
    expect(JSON.parse(json.out).warnings).toEqual(JSON.parse(JSON.stringify(api.warnings)));
  });

  test('an error names the flag to pass in its fix', async () => {
    const r = await run('plan', '--connections', '1000', '--instance-type', 'z9.huge');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Fix: pick one of those, or plan with the nearest one and pass --max-per-instance from a measurement\./);
    expect(r.err).not.toMatch(/maxConnectionsPerInstance/);
  });
});

describe('chart data', () => {
  const curves = costCurves({ peakConnections: 2_000_000, loadBalancerType: 'network', tlsTermination: 'instance' });

  test('three series from 10k to 10M connections; API Gateway runs no instances', () => {
    for (const s of ['ALB', 'NLB', 'API Gateway'] as const) {
      const xs = curves.points.filter((p) => p.series === s).map((p) => p.connections);
      expect(Math.min(...xs)).toBeCloseTo(1e4, 0);
      expect(Math.max(...xs)).toBeCloseTo(1e7, 0);
    }
    expect(curves.points.filter((p) => p.series === 'API Gateway').every((p) => p.instances === 0)).toBe(true);
    expect(curves.nlbTls).toBe('instance');
  });

  test('each crossover is where API Gateway and that load balancer cost the same', () => {
    expect(curves.crossovers.map((c) => c.series).sort()).toEqual(['ALB', 'NLB']);
    for (const c of curves.crossovers) {
      const p = planCapacity({
        peakConnections: c.connections,
        loadBalancerType: c.series === 'ALB' ? 'application' : 'network',
        tlsTermination: c.series === 'ALB' ? 'load-balancer' : 'instance',
      });
      expect(Math.abs(p.apiGateway.total - p.monthlyCost.total) / p.monthlyCost.total).toBeLessThan(0.02);
    }
  });

  test('per-connection rates are kept along the curve', () => {
    const c = costCurves({ peakConnections: 100_000, messagesPerSecond: 1_000 });
    const ten = c.points.find((p) => p.series === 'API Gateway' && Math.abs(p.connections - 1e6) < 1)!;
    // 10× the connections → 10× the messages: 1M connections × 0.01 msg/s each, publish + delivery.
    const expected = planCapacity({ peakConnections: 1_000_000, messagesPerSecond: 10_000 }).apiGateway.total;
    expect(ten.monthlyCost).toBeCloseTo(expected, 6);
  });

  test('the Vega spec carries the points and labels the crossovers', () => {
    const spec = chartSpec(curves) as { data: { name: string; values: { label?: string }[] }[] };
    const cross = spec.data.find((d) => d.name === 'crossovers')!;
    expect(cross.values.map((v) => v.label)).toEqual(
      curves.crossovers.map((c) => expect.stringMatching(new RegExp(`^API Gateway = ${c.series} at `))),
    );
    expect(spec.data.find((d) => d.name === 'cost')!.values).toHaveLength(curves.points.length);
  });
});

describe('the binary', () => {
  const bin = path.join(__dirname, '..', '..', 'lib', 'cli', 'bin.ts');
  const node = (args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', bin, ...args], {
      encoding: 'utf8',
      cwd: path.join(__dirname, '..', '..'),
    });

  test('exits 1 on bad input, with the message and no stack trace', () => {
    const r = node(['plan', '--connections', '-5']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: --connections is -5/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('--chart writes an SVG with the three series and the crossover marked', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wst-chart-')), 'cost.svg');
    execFileSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', bin, 'plan', '--connections', '2000000', '--lb', 'nlb', '--chart', file],
      { cwd: path.join(__dirname, '..', '..') },
    );
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/API Gateway = ALB at [\d.]+K/);
    for (const s of ['ALB', 'NLB', 'API Gateway']) expect(svg).toContain(`>${s}<`);
  });
});
