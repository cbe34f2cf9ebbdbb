/**
 * CDK releases: every cell's group has a signal-gated AutoScalingRollingUpdate and a CreationPolicy
 * written from core's resolved release, user data signals only after the health endpoint answers
 * 200 (and failure on any error), old instances leave through the termination hook, cells chain
 * with DependsOn in config order, and a new server artifact is a new launch-template version.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { resolveTier, type TierConfig } from '../../lib/core';
import { oneCell, type TierStack, tierStack, userDataOf, withServerStart } from '../helpers/cdk-app';

const groupId = (t: TierStack, cell: string) =>
  t.stack.getLogicalId(t.tier.cell(cell).autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup);
const groupOf = (t: TierStack, cell: string) => t.template.toJSON().Resources[groupId(t, cell)];

describe('one cell, defaults', () => {
  const config = oneCell();
  const t = tierStack(config);
  const release = resolveTier(withServerStart(config)).cells[0].release;

  test("the update policy is core's rolling update; the scheduled-action policy CDK writes stays", () => {
    expect(groupOf(t, 'a').UpdatePolicy).toEqual({
      AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true },
      AutoScalingRollingUpdate: {
        MaxBatchSize: 1,
        MinInstancesInService: 2,
        MinSuccessfulInstancesPercent: 100,
        PauseTime: 'PT11M',
        WaitOnResourceSignals: true,
        SuspendProcesses: ['HealthCheck', 'ReplaceUnhealthy', 'AZRebalance', 'AlarmNotification', 'ScheduledActions'],
      },
    });
    expect(release.rollingUpdate).toMatchObject({ maxBatchSize: 1, minInstancesInService: 2, pauseTime: 'PT11M' });
  });

  test('the first deploy waits for every planned instance to signal too (CreationPolicy)', () => {
    expect(groupOf(t, 'a').CreationPolicy).toEqual({
      AutoScalingCreationPolicy: { MinSuccessfulInstancesPercent: 100 },
      ResourceSignal: { Count: 2, Timeout: 'PT11M' },
    });
  });

  test('user data: the signal trap first, then the host script, then the wait for 200 on the health endpoint', () => {
    const ud = userDataOf(t, 'a');
    const lines = ud.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    const trap = lines.indexOf('trap wst_signal EXIT');
    const strict = lines.indexOf('set -euo pipefail');
    expect(trap).toBeGreaterThan(0);
    expect(strict).toBeGreaterThan(trap);
    expect(ud).toContain(
      `/opt/aws/bin/cfn-signal -e "$rc" --stack 'Test' --resource '${groupId(t, 'a')}' --region '{"Ref":"AWS::Region"}'`,
    );
    expect(ud).toContain('[ -x /opt/aws/bin/cfn-signal ] || dnf install -y aws-cfn-bootstrap');
    expect(ud).toContain('exec 3<>/dev/tcp/127.0.0.1/8080');
    expect(ud).toContain("printf 'GET /healthz HTTP/1.0");
    expect(lines.at(-1)).toBe('until wst_healthy; do [ "$(date +%s)" -lt "$WST_DEADLINE" ] || exit 1; sleep 5; done');
    expect(lines.indexOf('WST_DEADLINE=$(( $(date +%s) + 660 ))')).toBeGreaterThan(lines.findIndex((l) => l.startsWith('systemctl')));
  });

  test('old instances leave through the termination hook (the paced drain), the same hook as scale-in', () => {
    t.template.hasResourceProperties('AWS::AutoScaling::LifecycleHook', {
      AutoScalingGroupName: { Ref: groupId(t, 'a') },
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      DefaultResult: 'CONTINUE',
      HeartbeatTimeout: 330,
    });
  });

  test('the group runs the latest launch-template version, so a new version starts the rolling update', () => {
    t.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LaunchTemplate: { Version: { 'Fn::GetAtt': [Match.anyValue(), 'LatestVersionNumber'] } },
    });
  });
});

test('release settings flow into the policy: batch 2 of 8, 7 kept, 15 min timeout, 90% success', () => {
  const t = tierStack(
    oneCell(
      { name: 'a', scaling: { minCapacity: 8, maxCapacity: 16 } },
      { release: { batchSize: 2, minInstancesInService: 7, signalTimeoutSeconds: 900, minSuccessfulInstancesPercent: 90 } },
    ),
  );
  expect(groupOf(t, 'a').UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
    MaxBatchSize: 2,
    MinInstancesInService: 7,
    MinSuccessfulInstancesPercent: 90,
    PauseTime: 'PT15M',
  });
  expect(groupOf(t, 'a').CreationPolicy.ResourceSignal).toEqual({ Count: 8, Timeout: 'PT15M' });
});

test('a cell planned at 0 instances has the update policy but no CreationPolicy (nothing would signal)', () => {
  // The load-balancer signal: under the gauge, every cell at 0 is refused (all-cells-at-zero-gauge).
  const t = tierStack({
    ...oneCell({ name: 'a', scaling: { minCapacity: 0, maxCapacity: 3 } }),
    scaling: { signal: 'load-balancer-connections' },
  });
  expect(groupOf(t, 'a').UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService).toBe(0);
  expect(groupOf(t, 'a').CreationPolicy).toBeUndefined();
});

describe('cells one at a time', () => {
  const config: TierConfig = {
    domainName: 'ws.example.com',
    cells: [{ name: 'b' }, { name: 'a', loadBalancerType: 'network' }, { name: 'c' }],
  };
  const t = tierStack(config);

  test('each group DependsOn the group of the cell before it, in config order (b, a, c)', () => {
    const dependsOnGroups = (cell: string) =>
      ((groupOf(t, cell).DependsOn as string[] | undefined) ?? []).filter((d) => ['a', 'b', 'c'].some((c) => d === groupId(t, c)));
    expect(dependsOnGroups('b')).toEqual([]);
    expect(dependsOnGroups('a')).toEqual([groupId(t, 'b')]);
    expect(dependsOnGroups('c')).toEqual([groupId(t, 'a')]);
  });

  test('the NLB cell probes its own health port; the chain is what core resolved', () => {
    expect(resolveTier(withServerStart(config)).cells.map((c) => c.release.after)).toEqual([undefined, 'b', 'a']);
    expect(userDataOf(t, 'a')).toContain('exec 3<>/dev/tcp/127.0.0.1/8080');
  });
});

test('an NLB cell with PROXY protocol sends the v2 LOCAL header before its probe', () => {
  const t = tierStack(oneCell({ name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }, { server: { proxyProtocol: true } }));
  expect(userDataOf(t, 'n')).toContain(
    "printf '\\x0d\\x0a\\x0d\\x0a\\x00\\x0d\\x0a\\x51\\x55\\x49\\x54\\x0a\\x20\\x00\\x00\\x00GET /healthz HTTP/1.0",
  );
});

test('a new server artifact is a new S3 object in user data, so a new launch-template version (the rolling update fires)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-cdk-release-'));
  const v1 = path.join(dir, 'v1.js');
  const v2 = path.join(dir, 'v2.js');
  fs.writeFileSync(v1, "console.log('build 1');\n");
  fs.writeFileSync(v2, "console.log('build 2');\n");
  const launchData = (file: string) => {
    const t = tierStack(oneCell(), { serverBundleFile: file });
    const lts = Object.values(t.template.findResources('AWS::EC2::LaunchTemplate')) as { Properties: { LaunchTemplateData: unknown } }[];
    return { ud: userDataOf(t, 'a'), data: JSON.stringify(lts.map((r) => r.Properties.LaunchTemplateData)) };
  };
  const a = launchData(v1);
  const b = launchData(v2);
  expect(a.data).not.toEqual(b.data);
  const key = (ud: string) => /aws s3 cp '.*\/([0-9a-f]{64}\.js)/.exec(ud)?.[1];
  expect(key(a.ud)).toBeDefined();
  expect(key(b.ud)).toBeDefined();
  expect(key(a.ud)).not.toBe(key(b.ud));
  expect(launchData(v1).data).toEqual(a.data);
});

test('release errors stop synthesis with the usual format', () => {
  expect(() => tierStack(oneCell(undefined, { release: { batchSize: 5 } }))).toThrow(
    /release\.batchSize is 5 instances but cell "a" plans 2.*\[release-batch-exceeds-cell\]/s,
  );
});

describe('cells one at a time, ECS cells included (issue 13 item 3)', () => {
  // Config order e1 (EC2), f1 (Fargate), e2 (EC2), f2 (Fargate): the chain goes through the ECS services.
  const fargate = (name: string): TierConfig['cells'][number] => ({
    name,
    backend: { type: 'fargate', image: { uri: 'public.ecr.aws/example/chat:1.0.0' } },
  });
  const config: TierConfig = { domainName: 'ws.example.com', cells: [{ name: 'e1' }, fargate('f1'), { name: 'e2' }, fargate('f2')] };
  const t = tierStack(config, {}, { env: { account: '123456789012', region: 'eu-west-1' } });
  const resources = t.template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>;
  const serviceId = (cell: string) => t.stack.getLogicalId(t.tier.cell(cell).ecs!.service.node.defaultChild as CfnResource);
  const ids: Record<string, () => string> = {
    e1: () => groupId(t, 'e1'),
    f1: () => serviceId('f1'),
    e2: () => groupId(t, 'e2'),
    f2: () => serviceId('f2'),
  };
  /** The other cells' release resources this cell's release resource DependsOn. */
  const chainedAfter = (cell: string) => {
    const mine = ids[cell]();
    const others = Object.keys(ids)
      .filter((c) => c !== cell)
      .map((c) => ids[c]());
    return (resources[mine].DependsOn ?? []).filter((d) => others.includes(d));
  };

  test('each group or service DependsOn the previous cell’s group or service, in config order', () => {
    expect(resources[ids.f1()].Type).toBe('AWS::ECS::Service');
    expect(chainedAfter('e1')).toEqual([]);
    expect(chainedAfter('f1')).toEqual([groupId(t, 'e1')]); // service after group
    expect(chainedAfter('e2')).toEqual([serviceId('f1')]); // group after service
    expect(chainedAfter('f2')).toEqual([groupId(t, 'e2')]);
  });

  test('the chain is what core resolved (release.after), the ECS cells keep their circuit breaker with rollback', () => {
    expect(resolveTier(withServerStart(config)).cells.map((c) => c.release.after)).toEqual([undefined, 'e1', 'f1', 'e2']);
    t.template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
  });
});
