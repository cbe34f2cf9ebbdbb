/**
 * Core releases: the resolved release of each cell (hand-computed numbers), validation (one row per
 * rule, with its code), and the readiness probe user data runs before it signals CloudFormation
 * (executed with bash against a real HTTP server on loopback).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  isoDuration,
  RELEASE_SUSPENDED_PROCESSES,
  releaseSignalLines,
  type ReleaseConfig,
  type ResolvedReleaseSignal,
  resolveTier,
  type TierConfig,
  validateTier,
} from '../../lib/core';
import { isLate, late, nlbTcp, tier } from './fixtures';

const withRelease = (release: ReleaseConfig | undefined, extra: Partial<TierConfig> = {}): TierConfig =>
  tier({ cells: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], ...(release !== undefined ? { release } : {}), ...extra });

const releaseIssues = (config: TierConfig) =>
  validateTier(config, isLate)
    .filter((i) => i.code.startsWith('release-') || i.path.startsWith('release'))
    .map((i) => ({ code: i.code, severity: i.severity, path: i.path }));

describe('resolved release', () => {
  test('defaults on the default cell (min 2, max 10): batches of 1 (25% rounded up), 2 kept, 660 s a batch', () => {
    const r = resolveTier(withRelease(undefined)).cells[0].release;
    // readiness = grace 300 + interval 10 × healthy threshold 3 = 330; drain = 300 + 30 = 330.
    expect(r).toEqual({
      order: 0,
      capacity: 2,
      batchSize: 1,
      minInstancesInService: 2,
      batches: 2,
      readinessSeconds: 330,
      drainSeconds: 330,
      batchSeconds: 660,
      cellSeconds: 1320,
      signal: {
        count: 1,
        timeoutSeconds: 660,
        minSuccessfulInstancesPercent: 100,
        healthPort: 8080,
        healthPath: '/healthz',
        proxyProtocolV2: false,
        probeIntervalSeconds: 5,
      },
      rollingUpdate: {
        maxBatchSize: 1,
        minInstancesInService: 2,
        minSuccessfulInstancesPercent: 100,
        pauseTime: 'PT11M',
        waitOnResourceSignals: true,
        suspendProcesses: ['HealthCheck', 'ReplaceUnhealthy', 'AZRebalance', 'AlarmNotification', 'ScheduledActions'],
      },
      instanceRefresh: {
        strategy: 'Rolling',
        minHealthyPercentage: 100,
        maxHealthyPercentage: 150,
        autoRollback: true,
        skipMatching: true,
        instanceWarmupSeconds: 330,
      },
    });
  });

  test('cells release in config order, each after the one before it', () => {
    const cells = resolveTier(withRelease({})).cells;
    expect(cells.map((c) => [c.name, c.release.order, c.release.after])).toEqual([
      ['a', 0, undefined],
      ['b', 1, 'a'],
      ['c', 2, 'b'],
    ]);
    expect('after' in cells[0].release).toBe(false);
  });

  test.each<[string, ReleaseConfig, Partial<TierConfig>, Record<string, unknown>]>([
    // 10 instances, '30%' → ⌈3⌉ = 3 per batch, ⌈10/3⌉ = 4 batches; max healthy 100 + ⌈300/10⌉ = 130.
    [
      'a percentage of capacity, rounded up',
      { batchSize: '30%' },
      { scaling: { minCapacity: 10, maxCapacity: 20 } },
      { batchSize: 3, batches: 4, cellSeconds: 4 * 660 },
    ],
    ['a count', { batchSize: 2 }, { scaling: { minCapacity: 5, maxCapacity: 10 } }, { batchSize: 2, batches: 3, capacity: 5 }],
    [
      'desired capacity is the capacity',
      {},
      { scaling: { minCapacity: 2, desiredCapacity: 8, maxCapacity: 12 } },
      { capacity: 8, batchSize: 2, minInstancesInService: 8, batches: 4 },
    ],
    ['1% of a small cell is still one instance', { batchSize: '1%' }, {}, { batchSize: 1 }],
    // drain 60 + 10, readiness 120 + 5 × 2 = 130 → 200 s a batch.
    [
      'timings follow the drain and the health check',
      {},
      {
        connection: { drainWindowSeconds: 60, drainGraceSeconds: 10 },
        healthCheck: { intervalSeconds: 5, healthyThresholdCount: 2 },
        scaling: { healthCheckGracePeriodSeconds: 120 },
      },
      { readinessSeconds: 130, drainSeconds: 70, batchSeconds: 200 },
    ],
  ])('%s', (_title, release, extra, expected) => {
    expect(resolveTier(withRelease(release, extra)).cells[0].release).toMatchObject(expected);
  });

  test('Pulumi preferences: min healthy = kept ÷ capacity, max healthy leaves room for one batch, checkpoints with the drain as delay', () => {
    const r = resolveTier(
      withRelease(
        { batchSize: 3, minInstancesInService: 9, checkpointPercentages: [50, 100], autoRollback: false, skipMatching: false },
        { scaling: { minCapacity: 10, maxCapacity: 20 } },
      ),
    ).cells[0].release;
    expect(r.instanceRefresh).toEqual({
      strategy: 'Rolling',
      minHealthyPercentage: 90,
      maxHealthyPercentage: 130,
      checkpointPercentages: [50, 100],
      checkpointDelaySeconds: 330,
      autoRollback: false,
      skipMatching: false,
      instanceWarmupSeconds: 330,
    });
    expect(r.rollingUpdate).toMatchObject({ maxBatchSize: 3, minInstancesInService: 9 });
  });

  test('a fixed-size cell keeps maxCapacity − batch; a long drain caps the timeout at PT1H', () => {
    const fixed = resolveTier(withRelease({}, { scaling: { minCapacity: 4, maxCapacity: 4 } })).cells[0].release;
    expect(fixed).toMatchObject({ capacity: 4, batchSize: 1, minInstancesInService: 3 });
    expect(fixed.instanceRefresh).toMatchObject({ minHealthyPercentage: 75, maxHealthyPercentage: 125 });
    const long = resolveTier(withRelease({}, { connection: { drainWindowSeconds: 3500 } })).cells[0].release;
    expect(long).toMatchObject({ batchSeconds: 3860, signal: { timeoutSeconds: 3600 }, rollingUpdate: { pauseTime: 'PT1H' } });
  });

  test('signal timeout given: PauseTime follows it; NLB cells with PROXY protocol probe with a header', () => {
    const cells = resolveTier(withRelease({ signalTimeoutSeconds: 3600 }, { cells: [nlbTcp('t')], server: { proxyProtocol: true } })).cells;
    expect(cells[0].release.rollingUpdate.pauseTime).toBe('PT1H');
    expect(cells[0].release.signal).toMatchObject({ timeoutSeconds: 3600, proxyProtocolV2: true });
  });

  test.each([
    [0, 'PT0S'],
    [59, 'PT59S'],
    [660, 'PT11M'],
    [3600, 'PT1H'],
    [3725, 'PT1H2M5S'],
  ])('isoDuration(%i) = %s', (s, iso) => expect(isoDuration(s)).toBe(iso));

  test('the suspended processes are the ones AWS lists, and never Launch, Terminate or AddToLoadBalancer', () => {
    expect([...RELEASE_SUSPENDED_PROCESSES].sort()).toEqual([
      'AZRebalance',
      'AlarmNotification',
      'HealthCheck',
      'ReplaceUnhealthy',
      'ScheduledActions',
    ]);
  });
});

describe('validation', () => {
  test('no release and the defaults: no release issue', () => {
    expect(releaseIssues(withRelease(undefined))).toEqual([]);
    expect(releaseIssues(withRelease({}))).toEqual([]);
  });

  const E = 'error';
  const W = 'warning';
  test.each<[string, unknown, Partial<TierConfig>, { code: string; severity: string; path: string }[]]>([
    ['not an object', 5, {}, [{ code: 'not-an-object', severity: E, path: 'release' }]],
    ['unknown field', { batchSise: 1 }, {}, [{ code: 'release-unknown-field', severity: E, path: 'release.batchSise' }]],
    ['batch 0', { batchSize: 0 }, {}, [{ code: 'out-of-range', severity: E, path: 'release.batchSize' }]],
    ['batch 1.5', { batchSize: 1.5 }, {}, [{ code: 'not-an-integer', severity: E, path: 'release.batchSize' }]],
    ['batch 0%', { batchSize: '0%' }, {}, [{ code: 'release-batch-size-invalid', severity: E, path: 'release.batchSize' }]],
    ['batch 101%', { batchSize: '101%' }, {}, [{ code: 'release-batch-size-invalid', severity: E, path: 'release.batchSize' }]],
    ['batch "half"', { batchSize: 'half' }, {}, [{ code: 'release-batch-size-invalid', severity: E, path: 'release.batchSize' }]],
    ['batch above the cell', { batchSize: 3 }, {}, [{ code: 'release-batch-exceeds-cell', severity: E, path: 'release.batchSize' }]],
    ['batch is the whole cell', { batchSize: '100%' }, {}, [{ code: 'release-batch-whole-cell', severity: W, path: 'release.batchSize' }]],
    [
      'min in service not below max',
      { minInstancesInService: 4 },
      { scaling: { minCapacity: 4, maxCapacity: 4 } },
      [{ code: 'release-min-in-service-not-below-max', severity: E, path: 'release.minInstancesInService' }],
    ],
    [
      'no room for a batch',
      { batchSize: 2, minInstancesInService: 4 },
      { scaling: { minCapacity: 4, maxCapacity: 5 } },
      [{ code: 'release-no-headroom', severity: E, path: 'release.batchSize' }],
    ],
    [
      'kept below the plan',
      { minInstancesInService: 1 },
      {},
      [{ code: 'release-capacity-below-plan', severity: W, path: 'release.minInstancesInService' }],
    ],
    ['timeout 59 s', { signalTimeoutSeconds: 59 }, {}, [{ code: 'out-of-range', severity: E, path: 'release.signalTimeoutSeconds' }]],
    ['timeout 3601 s', { signalTimeoutSeconds: 3601 }, {}, [{ code: 'out-of-range', severity: E, path: 'release.signalTimeoutSeconds' }]],
    [
      'timeout below readiness',
      { signalTimeoutSeconds: 120 },
      {},
      [{ code: 'release-signal-timeout-below-readiness', severity: W, path: 'release.signalTimeoutSeconds' }],
    ],
    [
      'fixed-size cell: no room to launch first, so a batch is terminated first (the default adapts, with a warning)',
      {},
      { scaling: { minCapacity: 4, maxCapacity: 4 } },
      [{ code: 'release-capacity-below-plan', severity: W, path: 'release.minInstancesInService' }],
    ],
    ['a long drain: the timeout stops at PT1H (the wait needs only the readiness)', {}, { connection: { drainWindowSeconds: 3500 } }, []],
    [
      'readiness above PT1H',
      {},
      { scaling: { healthCheckGracePeriodSeconds: 3600 } },
      [{ code: 'release-readiness-above-pause', severity: W, path: 'release.signalTimeoutSeconds' }],
    ],
    [
      'min success 101',
      { minSuccessfulInstancesPercent: 101 },
      {},
      [{ code: 'out-of-range', severity: E, path: 'release.minSuccessfulInstancesPercent' }],
    ],
    [
      'min success 80',
      { minSuccessfulInstancesPercent: 80 },
      {},
      [{ code: 'release-partial-success', severity: W, path: 'release.minSuccessfulInstancesPercent' }],
    ],
    [
      'checkpoints not ascending',
      { checkpointPercentages: [50, 20, 100] },
      {},
      [{ code: 'release-checkpoints-invalid', severity: E, path: 'release.checkpointPercentages' }],
    ],
    [
      'checkpoint 0',
      { checkpointPercentages: [0, 100] },
      {},
      [{ code: 'release-checkpoints-invalid', severity: E, path: 'release.checkpointPercentages' }],
    ],
    [
      'checkpoints end before 100',
      { checkpointPercentages: [25, 50] },
      {},
      [{ code: 'release-checkpoints-incomplete', severity: W, path: 'release.checkpointPercentages' }],
    ],
    [
      'checkpoint delay -1',
      { checkpointDelaySeconds: -1 },
      {},
      [{ code: 'out-of-range', severity: E, path: 'release.checkpointDelaySeconds' }],
    ],
    ['autoRollback "yes"', { autoRollback: 'yes' }, {}, [{ code: 'not-a-boolean', severity: E, path: 'release.autoRollback' }]],
    ['skipMatching 1', { skipMatching: 1 }, {}, [{ code: 'not-a-boolean', severity: E, path: 'release.skipMatching' }]],
    ['late-bound values are not checked', { batchSize: late(), minInstancesInService: late(), signalTimeoutSeconds: late() }, {}, []],
  ])('%s', (_title, release, extra, expected) => {
    // One cell: per-cell rules report once.
    expect(releaseIssues(tier({ release: release as ReleaseConfig, ...extra }))).toEqual(expected);
  });

  test('messages name the field, the value, what is allowed and the fix', () => {
    const [issue] = validateTier(
      tier({ release: { batchSize: 2, minInstancesInService: 4 }, scaling: { minCapacity: 4, maxCapacity: 5 } }),
    ).filter((i) => i.code === 'release-no-headroom');
    expect(issue.message).toMatch(
      /keeps 4 instances in service and launches batches of 2 .* needs 6 .* maxCapacity is 5\. Fix: raise maxCapacity to at least 6, or lower release\.batchSize to 1\./,
    );
  });

  test('a capacity plan sizes the cells the release rules check', () => {
    const config = tier({ capacity: { peakConnections: 200_000 }, release: { batchSize: '100%' } });
    const plan = resolveTier(config).cells[0];
    expect(plan.release.capacity).toBe(plan.autoScaling.minCapacity);
    expect(releaseIssues(config).map((i) => i.code)).toContain(
      plan.autoScaling.minCapacity > 1 ? 'release-batch-whole-cell' : 'release-no-headroom',
    );
  });
});

describe('readiness probe (user data)', () => {
  const SIGNAL: ResolvedReleaseSignal = {
    count: 1,
    timeoutSeconds: 3,
    minSuccessfulInstancesPercent: 100,
    healthPort: 0,
    healthPath: '/healthz',
    proxyProtocolV2: false,
    probeIntervalSeconds: 1,
  };
  const TARGET = { stackName: 'Stack', logicalId: 'CellAsg', region: 'eu-west-1' };

  test('the trap signals the exit status to the named group; cfn-signal comes from aws-cfn-bootstrap', () => {
    const { trapLines, waitLines } = releaseSignalLines(SIGNAL, TARGET);
    expect(trapLines.join('\n')).toContain(`/opt/aws/bin/cfn-signal -e "$rc" --stack 'Stack' --resource 'CellAsg' --region 'eu-west-1'`);
    expect(trapLines).toContain('trap wst_signal EXIT');
    expect(trapLines).toContain('[ -x /opt/aws/bin/cfn-signal ] || dnf install -y aws-cfn-bootstrap');
    expect(waitLines.at(-1)).toBe('until wst_healthy; do [ "$(date +%s)" -lt "$WST_DEADLINE" ] || exit 1; sleep 1; done');
  });

  /** Run the signal lines with bash, cfn-signal replaced by a stub that records its arguments. */
  async function runProbe(signal: ResolvedReleaseSignal): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-release-'));
    const stub = path.join(dir, 'cfn-signal');
    const out = path.join(dir, 'signalled');
    fs.writeFileSync(stub, `#!/bin/sh\necho "$@" > ${out}\n`, { mode: 0o755 });
    const { trapLines, waitLines } = releaseSignalLines(signal, TARGET);
    const script = [
      '#!/bin/bash',
      ...trapLines.map((l) => l.replaceAll('/opt/aws/bin/cfn-signal', stub)),
      'set -euo pipefail',
      ...waitLines,
    ].join('\n');
    await new Promise<void>((resolve) => execFile('bash', ['-c', script], () => resolve()));
    return fs.readFileSync(out, 'utf8').trim();
  }

  function server(handler: http.RequestListener): Promise<http.Server> {
    return new Promise((resolve) => {
      const s = http.createServer(handler);
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
  }

  test('success (-e 0) once the health endpoint answers 200 (503 first, as while starting)', async () => {
    let calls = 0;
    const s = await server((req, res) => {
      calls += 1;
      res.writeHead(req.url === '/healthz' && calls > 1 ? 200 : 503).end();
    });
    try {
      const args = await runProbe({ ...SIGNAL, timeoutSeconds: 20, healthPort: (s.address() as AddressInfo).port });
      expect(args).toBe('-e 0 --stack Stack --resource CellAsg --region eu-west-1');
      expect(calls).toBeGreaterThan(1);
    } finally {
      s.close();
    }
  });

  test('failure (-e 1) when the endpoint never answers 200 within the timeout', async () => {
    const s = await server((_req, res) => res.writeHead(503).end());
    try {
      expect(await runProbe({ ...SIGNAL, healthPort: (s.address() as AddressInfo).port })).toMatch(/^-e 1 /);
    } finally {
      s.close();
    }
  });

  test('failure (-e 1) when nothing listens', async () => {
    const s = await server(() => undefined);
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    expect(await runProbe({ ...SIGNAL, healthPort: port })).toMatch(/^-e 1 /);
  });

  test('with PROXY protocol the probe sends the v2 LOCAL header first', async () => {
    const seen: Buffer[] = [];
    const net = await import('node:net');
    const s = net.createServer((sock) => {
      sock.on('error', () => undefined);
      sock.on('data', (d) => {
        seen.push(d);
        if (Buffer.concat(seen).includes('\r\n\r\n', 16)) sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    try {
      const args = await runProbe({ ...SIGNAL, timeoutSeconds: 10, proxyProtocolV2: true, healthPort: (s.address() as AddressInfo).port });
      expect(args).toMatch(/^-e 0 /);
      const bytes = Buffer.concat(seen);
      expect([...bytes.subarray(0, 16)]).toEqual([
        0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x20, 0x00, 0x00, 0x00,
      ]);
      expect(bytes.subarray(16).toString()).toMatch(/^GET \/healthz HTTP\/1\.0\r\n/);
    } finally {
      s.close();
    }
  });
});
