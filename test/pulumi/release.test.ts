/**
 * Releases on Pulumi (issue 13): every EC2 cell's group carries the instance refresh of its
 * ResolvedRelease, a release gate waits for it, and each cell's group depends on the previous
 * cell's gate (config order). The gate's polling logic is a pure function tested by table; the
 * gate itself is registered under mocks and never calls AWS.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { resolveTier, type TierConfig } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { gateDiff, gateTimeoutSeconds, gateVerdict, type RefreshView } from '../../lib/pulumi/private/release-gate';
import { recordProgram, setupPulumiMocks, settle, type PulumiRecorder } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

let sdkLoaded = false;
jest.mock('@aws-sdk/client-auto-scaling', () => {
  sdkLoaded = true;
  return {};
});

const CONFIG: TierConfig = {
  domainName: 'ws.example.com',
  cells: [
    { name: 'a', loadBalancerType: 'application', scaling: { minCapacity: 4, maxCapacity: 8 } },
    { name: 'b', loadBalancerType: 'network', nlbListenerProtocol: 'TCP', scaling: { minCapacity: 2, maxCapacity: 4 } },
    { name: 'c', loadBalancerType: 'application', scaling: { minCapacity: 3, maxCapacity: 6 } },
  ],
  connection: { drainWindowSeconds: 120, drainGraceSeconds: 30 },
  release: { batchSize: 1, checkpointPercentages: [50, 100], checkpointDelaySeconds: 60 },
};

/** Record the program and, per registered resource name, the URNs it depends on (dependsOn). */
async function build(config: TierConfig): Promise<{ recorder: PulumiRecorder; deps: Map<string, string[]> }> {
  const recorder = await setupPulumiMocks();
  const deps = new Map<string, string[]>();
  const monitor = (pulumi.runtime as unknown as { getMonitor(): { registerResource: (req: any, cb: any) => unknown } }).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: any) => {
    deps.set(req.getName(), req.getDependenciesList());
    return register(req, cb);
  };
  new WebSocketTier('t1', { ...withServerStart(config), hostedZoneId: 'Z0' });
  await settle();
  return { recorder, deps };
}

describe('Pulumi release: instance refresh, gate, cells one at a time', () => {
  let recorder: PulumiRecorder;
  let deps: Map<string, string[]>;
  beforeAll(async () => {
    ({ recorder, deps } = await build(CONFIG));
  });

  test('each group: instanceRefresh from its ResolvedRelease (hand-computed)', () => {
    // cell a: capacity 4, batch 1 → min 100 %, max 100 + ⌈100/4⌉ = 125; warm-up = drain 120 + 30 = 150 s.
    expect(recorder.named('t1-cell-a-auto-scaling-group').inputs.instanceRefresh).toEqual({
      strategy: 'Rolling',
      preferences: {
        minHealthyPercentage: 100,
        maxHealthyPercentage: 125,
        instanceWarmup: '150',
        checkpointPercentages: [50, 100],
        checkpointDelay: '60',
        autoRollback: true,
        skipMatching: true,
      },
    });
    // cell b: capacity 2, batch 1 → max 150; cell c: capacity 3 → max 100 + ⌈33.3⌉ = 134.
    expect(recorder.named('t1-cell-b-auto-scaling-group').inputs.instanceRefresh.preferences.maxHealthyPercentage).toBe(150);
    expect(recorder.named('t1-cell-c-auto-scaling-group').inputs.instanceRefresh.preferences.maxHealthyPercentage).toBe(134);
    // The version is the template's latestVersion, never $Latest (which starts no refresh).
    expect(recorder.named('t1-cell-a-auto-scaling-group').inputs.launchTemplate.version).toBe('1');
  });

  test('a gate per cell, after its own group, waiting on that group and its template version', () => {
    const plan = resolveTier(CONFIG);
    const gates = recorder.ofType('pulumi-nodejs:dynamic/websocket-tier:ReleaseGate');
    expect(gates.map((g) => g.name)).toEqual(['t1-cell-a-release-gate', 't1-cell-b-release-gate', 't1-cell-c-release-gate']);
    const a = recorder.named('t1-cell-a-release-gate').inputs;
    expect(a).toMatchObject({
      autoScalingGroupName: 't1-cell-a-auto-scaling-group',
      launchTemplateVersion: '1',
      groupRegion: 'us-east-1',
      pollSeconds: 15,
      timeoutSeconds: gateTimeoutSeconds(plan.cells[0].release),
    });
    // Hand-computed: readiness 300 + 10×3 = 330 (grace + interval × healthy threshold), drain 150 → batch 480 s;
    // 4 batches = 1920 s, + 2 checkpoints × 60 s, + signal timeout 480, + 600 = 3120 s.
    expect(a.timeoutSeconds).toBe(3120);
    // The provider is serialized code (registered, never run here).
    expect(typeof a.__provider).toBe('string');
    expect(deps.get('t1-cell-a-release-gate')).toContainEqual(expect.stringContaining('t1-cell-a-auto-scaling-group'));
  });

  test('cell N+1 group dependsOn cell N gate (config order); the first cell depends on none', () => {
    const gateDeps = (group: string) => (deps.get(group) ?? []).filter((urn) => urn.includes('release-gate'));
    expect(gateDeps('t1-cell-a-auto-scaling-group')).toEqual([]);
    expect(gateDeps('t1-cell-b-auto-scaling-group')).toEqual([expect.stringMatching(/::t1-cell-a-release-gate$/)]);
    expect(gateDeps('t1-cell-c-auto-scaling-group')).toEqual([expect.stringMatching(/::t1-cell-b-release-gate$/)]);
  });

  test('mock-safe: the AWS SDK is never loaded at test time', () => {
    expect(sdkLoaded).toBe(false);
  });
});

describe('gateVerdict: what one poll of DescribeInstanceRefreshes means', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const after = new Date(now.getTime() - 1800_000);
  const r = (id: string, status: string, minutesAgo = 1, reason?: string): RefreshView => ({
    InstanceRefreshId: id,
    Status: status,
    StatusReason: reason,
    StartTime: new Date(now.getTime() - minutesAgo * 60_000),
  });
  test.each([
    ['no refresh at all (first deploy, or no template change)', 'pass', [], undefined],
    ['newest Successful', 'pass', [r('old', 'Failed', 20), r('new', 'Successful', 2)], 'old'],
    ['newest InProgress', 'wait', [r('new', 'InProgress')], undefined],
    ['newest Pending', 'wait', [r('new', 'Pending')], undefined],
    ['newest Baking', 'wait', [r('new', 'Baking')], undefined],
    ['rolling back: wait for the end of the rollback', 'wait', [r('new', 'RollbackInProgress')], undefined],
    ['cancelling', 'wait', [r('new', 'Cancelling')], undefined],
    ['Failed stops the cells after', 'fail', [r('new', 'Failed')], undefined],
    ['Cancelled stops them', 'fail', [r('new', 'Cancelled')], undefined],
    ['RollbackSuccessful (auto rollback) stops them', 'fail', [r('new', 'RollbackSuccessful')], undefined],
    ['RollbackFailed stops them', 'fail', [r('new', 'RollbackFailed')], undefined],
    ['the refresh already seen last time is not this release', 'pass', [r('seen', 'Failed')], 'seen'],
    ['a refresh of an earlier deployment (started 45 min ago) is not this release', 'pass', [r('old', 'Failed', 45)], undefined],
  ] as const)('%s → %s', (_label, kind, refreshes, seen) => {
    expect(gateVerdict(refreshes, seen, after).kind).toBe(kind);
  });

  test('newest by start time, whatever the order; the failure carries its reason', () => {
    const v = gateVerdict([r('new', 'Failed', 1, 'instances failed health checks'), r('older', 'Successful', 10)], undefined, after);
    expect(v).toEqual({ kind: 'fail', refreshId: 'new', status: 'Failed', reason: 'instances failed health checks' });
  });
});

describe('gateDiff: the gate updates exactly when the cell was released again', () => {
  const olds = {
    autoScalingGroupName: 'g',
    launchTemplateVersion: '3',
    groupRegion: 'us-east-1',
    timeoutSeconds: 100,
    pollSeconds: 15,
    refreshId: 'r1',
    refreshStatus: 'Successful',
  };
  test('same inputs (outputs ignored): no change', () => {
    const { refreshId: _r, refreshStatus: _s, ...inputs } = olds;
    expect(gateDiff(olds, inputs)).toEqual({ changes: false, replaces: [] });
  });
  test('a new launch-template version: an update, never a replacement', () => {
    expect(gateDiff(olds, { ...olds, launchTemplateVersion: '4' })).toEqual({ changes: true, replaces: [] });
  });
});

describe('a new server bundle is a new launch-template version (what starts the refresh)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-pulumi-release-'));
  const v1 = path.join(dir, 'v1.js');
  const v1copy = path.join(dir, 'v1-copy.js');
  const v2 = path.join(dir, 'v2.js');
  fs.writeFileSync(v1, "console.log('build 1');\n");
  fs.writeFileSync(v1copy, "console.log('build 1');\n");
  fs.writeFileSync(v2, "console.log('build 2');\n");
  const one: TierConfig = { domainName: 'ws.example.com', cells: [{ name: 'a' }] };
  async function render(file: string) {
    const { recorder } = await recordProgram(
      () => new WebSocketTier('t1', { ...withServerStart(one, file), serverBundleFile: file, hostedZoneId: 'Z0' }),
    );
    const key: string = recorder.named('t1-server-bundle-object').inputs.key;
    const userData = Buffer.from(recorder.named('t1-cell-a-launch-template').inputs.userData, 'base64').toString('utf8');
    return { key, userData };
  }

  test('same bytes → same key (another path too); changed bytes → changed key; user data fetches exactly that key', async () => {
    const a = await render(v1);
    const same = await render(v1copy);
    const b = await render(v2);
    const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    expect(a.key).toBe(`server-${sha(v1)}.js`);
    expect(same.key).toBe(a.key);
    expect(b.key).toBe(`server-${sha(v2)}.js`);
    expect(b.key).not.toBe(a.key);
    expect(a.userData).toContain(`s3://t1-server-bundle-id/${a.key}`);
    expect(b.userData).toContain(`s3://t1-server-bundle-id/${b.key}`);
    // A changed launch template (user data) is a new template version, which the group names (latestVersion): the refresh starts.
    expect(b.userData).not.toBe(a.userData);
    expect(same.userData).toBe(a.userData);
  });
});
