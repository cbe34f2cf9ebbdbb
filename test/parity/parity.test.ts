/**
 * Parity: for a table of tiers, the CDK template and the Pulumi inputs agree field by field on
 * every WebSocket-critical setting of every cell (normalized by normalize-cdk.ts and
 * normalize-pulumi.ts into one `CellView`). Both views are also checked against core's plan, so a
 * normalizer that reads nothing cannot make the two sides agree.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import {
  errorsOf,
  resolveTier,
  serverStartInputs,
  subnetCidrBlocks,
  type TierConfig,
  TIER_VPC,
  userDataLines,
  validateTier,
} from '../../lib/core';
import { WebSocketTier as PulumiTier } from '../../lib/pulumi';
import { testBundleFile, tierStack } from '../helpers/cdk-app';
import { recordProgram } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';
import {
  BACKPLANE_ENDPOINT,
  BACKPLANE_SECRET,
  type BackplaneView,
  BUNDLE_URI,
  type CellView,
  LOG_BUCKET,
  type ReleaseTimingView,
  type TierOperationsView,
} from './cell-view';
import type { NetworkView } from './network-view';
import { cdkBackplaneView, cdkCellViews, cdkNetworkView, cdkReleaseTiming, cdkTierOperationsView } from './normalize-cdk';
import { pulumiBackplaneView, pulumiCellViews, pulumiNetworkView, pulumiReleaseTiming, pulumiTierOperationsView } from './normalize-pulumi';

interface Case {
  readonly title: string;
  readonly config: TierConfig;
  readonly serverBundle?: boolean;
}

const DOMAIN = 'ws.example.com';

/** Server artifacts of the bring-your-own-server rows: a directory, a .tar.gz and a single binary. */
const ARTIFACTS = (() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-parity-artifacts-'));
  const dir = path.join(root, 'app');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'server.py'), 'print("server")\n');
  fs.writeFileSync(path.join(dir, 'bin', 'run'), '#!/bin/sh\nexec python3 server.py\n', { mode: 0o755 });
  const tgz = path.join(root, 'app.tar.gz');
  fs.writeFileSync(tgz, 'not unpacked at synthesis\n');
  const binary = path.join(root, 'server');
  fs.writeFileSync(binary, 'ELF\n', { mode: 0o755 });
  return { dir, tgz, binary };
})();
const CASES: Case[] = [
  { title: '1 ALB cell, every default', config: { domainName: DOMAIN, cells: [{ name: 'a' }] } },
  {
    title: 'release settings: batch 2, checkpoints, no auto rollback, ALB 4 and NLB TCP 3 instances, separate health port',
    config: {
      domainName: DOMAIN,
      cells: [
        { name: 'a', scaling: { minCapacity: 4, maxCapacity: 8 } },
        { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP', scaling: { minCapacity: 3, maxCapacity: 6 } },
      ],
      healthCheck: { port: 8081, path: '/ready' },
      release: { batchSize: 2, checkpointPercentages: [50, 100], checkpointDelaySeconds: 120, autoRollback: false },
    },
  },
  { title: '1 NLB cell, TLS listener, defaults', config: { domainName: DOMAIN, cells: [{ name: 'n', loadBalancerType: 'network' }] } },
  {
    title: '1 NLB cell, TCP listener (TLS on the hosts), custom TCP idle timeout, separate health port',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }],
      connection: { nlbTcpIdleTimeoutSeconds: 1800, pingIntervalSeconds: 50 },
      healthCheck: { port: 8081 },
    },
  },
  {
    title: '3 cells ALB + NLB TLS + NLB TCP, long-polling fallback (lb_cookie and source_ip stickiness)',
    config: {
      domainName: DOMAIN,
      cells: [
        { name: 'a', weight: 100 },
        { name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TLS', weight: 60 },
        { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP', weight: 20 },
      ],
      connection: { longPollingFallback: true },
      healthCheck: { port: 8081 },
    },
  },
  {
    title: '4 ALB cells, app_cookie stickiness, custom timers and per-cell scaling',
    config: {
      domainName: DOMAIN,
      cells: [
        { name: 'a', weight: 255 },
        { name: 'b', weight: 0, instanceType: 'c7i.xlarge' },
        { name: 'c', weight: 1, scaling: { minCapacity: 0, maxCapacity: 3, targetConnectionsPerInstance: 2500 } },
        { name: 'd', scaling: { minCapacity: 4, maxCapacity: 40, desiredCapacity: 6 } },
      ],
      connection: {
        pingIntervalSeconds: 30,
        albIdleTimeoutSeconds: 300,
        drainWindowSeconds: 900,
        drainGraceSeconds: 60,
        albDeregistrationDelaySeconds: 1000,
        lifecycleHookHeartbeatSeconds: 1200,
        stickiness: { enabled: true, albType: 'app_cookie', cookieName: 'io', cookieDurationSeconds: 7200 },
      },
      healthCheck: {
        path: '/ready',
        intervalSeconds: 20,
        timeoutSeconds: 6,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 5,
        healthyHttpCodes: '200-204',
      },
      scaling: {
        defaultInstanceWarmupSeconds: 240,
        healthCheckGracePeriodSeconds: 600,
        minHealthyPercentage: 90,
        maxHealthyPercentage: 120,
      },
    },
  },
  {
    title: 'dual-stack ALB + NLB TLS with Route 53 health checks (fast interval)',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network', weight: 30 }],
      dns: { ipAddressType: 'dualstack', healthChecks: true, healthCheckRequestIntervalSeconds: 10, healthCheckFailureThreshold: 5 },
    },
  },
  {
    title: 'load-balancer-connections signal (metric math) on ALB and NLB cells, custom NLB drain timers',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }],
      scaling: { signal: 'load-balancer-connections', targetConnectionsPerInstance: 20000 },
      connection: {
        nlbDeregistrationDelaySeconds: 600,
        nlbUnhealthyDrainingIntervalSeconds: 900,
        drainWindowSeconds: 3000,
        drainGraceSeconds: 120,
      },
    },
  },
  {
    title: 'NLB TLS re-encrypting to TLS targets, no cell records, custom TLS policy',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'r', loadBalancerType: 'network', nlbListenerProtocol: 'TLS', nlbTargetProtocol: 'TLS' }],
      tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      healthCheck: { port: 8081 },
      dns: { cellRecords: false },
    },
  },
  {
    title: 'server bundle, local proxy host tuning, restricted ingress, 2 ALB cells with health checks',
    serverBundle: true,
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }, { name: 'b', weight: 50 }],
      ingressCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
      host: { localProxy: true, fileDescriptorLimit: 500000, somaxconn: 32768, tcpMaxSynBacklog: 131072, listenBacklog: 32768 },
      server: { port: 9000, serviceName: 'chat', nodePackage: 'nodejs20', environment: { LOG_LEVEL: 'info' } },
      dns: { healthChecks: true },
    },
  },
  {
    title: 'same example tier as examples/ (a, b ALB; c NLB TLS; 100/100/50; health checks)',
    serverBundle: true,
    config: {
      domainName: DOMAIN,
      cells: [
        { name: 'a', loadBalancerType: 'application', weight: 100 },
        { name: 'b', loadBalancerType: 'application', weight: 100 },
        { name: 'c', loadBalancerType: 'network', nlbListenerProtocol: 'TLS', weight: 50 },
      ],
      connection: { pingIntervalSeconds: 25, albIdleTimeoutSeconds: 120, drainWindowSeconds: 300, longPollingFallback: false },
      dns: { healthChecks: true },
    },
  },
  {
    title:
      'operations tuned: WAF, LCU reservations (ALB, NLB TCP), alarm topic, alarms tuned and off, deletion protection off, 30-day logs, all-traffic flow log',
    config: {
      domainName: DOMAIN,
      cells: [
        { name: 'a' },
        { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
        { name: 'n', loadBalancerType: 'network' },
      ],
      healthCheck: { port: 8081 },
      dns: { healthChecks: true },
      operations: {
        waf: { enabled: true, rateLimitPer5Minutes: 300 },
        minimumCapacityUnits: { a: 400, t: 5500 },
        alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops-pager',
        alarms: {
          elb5xx: { threshold: 50, evaluationPeriods: 10, datapointsToAlarm: 5 },
          portAllocationErrors: { enabled: false },
          newConnectionSpike: { threshold: 1234 },
        },
        deletionProtection: false,
        accessLogs: { retentionDays: 30 },
        vpcFlowLogs: { trafficType: 'ALL', retentionDays: 90 },
      },
    },
  },
  {
    title: 'backplane (Redis OSS 7.1, 2 replicas, port 6380) over ALB + NLB cells, server bundle',
    serverBundle: true,
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }],
      backplane: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.m7g.large', replicasPerShard: 2, port: 6380 },
    },
  },
  {
    title: 'server runtime features from the tier: NLB TLS + TCP cells with PROXY protocol v2, cap, origins, message size, rebalancing',
    serverBundle: true,
    config: {
      domainName: DOMAIN,
      cells: [
        { name: 'n', loadBalancerType: 'network' },
        { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP', weight: 50 },
      ],
      healthCheck: { port: 8081 },
      backplane: {},
      server: {
        maxConnections: 25000,
        allowedOrigins: ['https://app.example.com', 'https://*.example.org'],
        maxMessageBytes: 65536,
        rebalance: { intervalMs: 5000, tolerance: 0.2 },
        proxyProtocol: true,
      },
    },
  },
  {
    title: 'backplane with every default (Valkey 8.0, one replica), one cell, no bundle',
    config: { domainName: DOMAIN, cells: [{ name: 'a' }], backplane: {} },
  },
  {
    title: 'backplane with no replica (no failover, no Multi-AZ)',
    config: { domainName: DOMAIN, cells: [{ name: 'a' }, { name: 'b' }], backplane: { replicasPerShard: 0, nodeType: 'cache.t4g.small' } },
  },
  {
    title: 'any server: server.command + a directory artifact (zipped) + preStart, ALB and NLB cells',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }],
      server: {
        command: { executable: 'python3', args: ['/opt/websocket-tier/app/server.py', '--port', '8080'] },
        artifact: ARTIFACTS.dir,
        preStart: ['dnf install -y python3-pip', 'pip3 install -r /opt/websocket-tier/app/requirements.txt || true'],
      },
    },
  },
  {
    title: 'any server: a .tar.gz artifact and arguments that need systemd quoting ($, %, quotes, spaces, empty)',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }],
      server: {
        serviceName: 'chat',
        command: {
          executable: '/opt/websocket-tier/app/bin/run',
          args: ['--name', 'cell a', '$HOME', '100%', 'say "hi"', 'back\\slash', ''],
        },
        artifact: ARTIFACTS.tgz,
      },
    },
  },
  {
    title: 'any server: a single binary artifact run by its absolute path, NLB TCP cell',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }],
      healthCheck: { port: 8081 },
      server: { command: { executable: '/opt/websocket-tier/app/server', args: ['-tls'] }, artifact: ARTIFACTS.binary },
    },
  },
  {
    title: 'any server: a command and no artifact (installed by preStart)',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }],
      server: { command: { executable: 'websocket-echo' }, preStart: ['dnf install -y websocket-echo'] },
    },
  },
  {
    title: 'the image ships the unit (unitProvidedByImage) and preStart prepares it',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }],
      server: { unitProvidedByImage: true, preStart: ['systemctl mask other.service'] },
    },
  },
  {
    title: 'operations off: no logs, no dashboard, no flow log, no alarms but one',
    config: {
      domainName: DOMAIN,
      cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }],
      operations: {
        accessLogs: { enabled: false },
        dashboard: false,
        vpcFlowLogs: { enabled: false },
        alarms: {
          rejectedConnections: { enabled: false },
          portAllocationErrors: { enabled: false },
          elb5xx: { enabled: false },
          newConnectionSpike: { enabled: false },
          connectionsPerInstance: { enabled: false },
        },
      },
    },
  },
];

/**
 * CDK renders access logs only when the stack's region is known at synthesis, and alarms on
 * us-east-1-only metrics (Route 53) unconditionally only in a us-east-1 stack; the Pulumi mocks
 * deploy to us-east-1. So the CDK side is pinned to that region.
 */
const CDK_STACK_PROPS = { env: { region: 'us-east-1' } };

interface Views {
  cdk: CellView[];
  pulumi: CellView[];
  cdkTier: TierOperationsView;
  pulumiTier: TierOperationsView;
  cdkBackplane?: BackplaneView;
  pulumiBackplane?: BackplaneView;
  cdkNetwork: NetworkView;
  pulumiNetwork: NetworkView;
  cdkTiming: ReleaseTimingView[];
  pulumiTiming: ReleaseTimingView[];
}

/** The tier as both renderers plan it: the bundle folded into server.artifact, the image unit acknowledged when nothing else starts the server. */
function planOf(c: Case) {
  const bundleFile = c.serverBundle ? testBundleFile() : undefined;
  return resolveTier(serverStartInputs(withServerStart(c.config, bundleFile), bundleFile).config);
}

async function views(c: Case): Promise<Views> {
  const bundle = c.serverBundle ? { serverBundleFile: testBundleFile() } : {};
  const { stack, tier, template } = tierStack(c.config, bundle, CDK_STACK_PROPS);
  const { recorder } = await recordProgram(
    () => new PulumiTier('tier', { ...withServerStart(c.config, bundle.serverBundleFile), ...bundle, hostedZoneId: 'Z0123456789TESTZONE' }),
  );
  return {
    cdk: cdkCellViews(stack, tier, template),
    pulumi: pulumiCellViews(
      recorder,
      'tier',
      c.config.cells.map((cell) => cell.name),
    ),
    cdkTier: cdkTierOperationsView(stack, tier, template),
    pulumiTier: pulumiTierOperationsView(recorder, 'tier'),
    cdkBackplane: cdkBackplaneView(stack, tier, template),
    pulumiBackplane: pulumiBackplaneView(recorder, 'tier'),
    cdkNetwork: cdkNetworkView(stack, tier, template),
    pulumiNetwork: pulumiNetworkView(recorder, 'tier', c.config.cells[0].name),
    cdkTiming: cdkReleaseTiming(stack, tier, template),
    pulumiTiming: pulumiReleaseTiming(
      recorder,
      'tier',
      c.config.cells.map((cell) => cell.name),
    ),
  };
}

let warn: jest.SpyInstance;
beforeAll(() => {
  warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve()); // warnings are the validation tests' business
});
afterAll(() => warn.mockRestore());

test('the table covers ALB and NLB, TCP and TLS listeners, stickiness on and off, 1 to 4 cells, dual-stack, health checks', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(8);
  const cells = CASES.flatMap((c) => resolveTier(c.config).cells);
  expect(new Set(cells.map((c) => c.listener.protocol))).toEqual(new Set(['HTTPS', 'TLS', 'TCP']));
  expect(new Set(cells.map((c) => c.targetGroup.stickiness?.type ?? 'off'))).toEqual(
    new Set(['off', 'lb_cookie', 'app_cookie', 'source_ip']),
  );
  expect(new Set(CASES.map((c) => c.config.cells.length))).toEqual(new Set([1, 2, 3, 4]));
  expect(cells.some((c) => c.ipAddressType === 'dualstack')).toBe(true);
  expect(cells.some((c) => c.dns.healthCheck !== undefined)).toBe(true);
  for (const c of CASES) expect(errorsOf(validateTier(c.config))).toEqual([]);
  const starts = CASES.map(planOf).map((t) => t.server.start);
  expect(new Set(starts.map((s) => s.kind))).toEqual(new Set(['node-bundle', 'command', 'image-unit']));
  expect(new Set(starts.map((s) => s.artifact?.format ?? 'none'))).toEqual(new Set(['none', 'file', 'directory', 'tar.gz']));
  expect(CASES.some((c) => (c.config.server?.preStart ?? []).length > 0)).toBe(true);
});

describe.each(CASES)('$title', (c) => {
  let cdk: CellView[];
  let pul: CellView[];
  let cdkTier: TierOperationsView;
  let pulTier: TierOperationsView;
  let cdkBackplane: BackplaneView | undefined;
  let pulBackplane: BackplaneView | undefined;
  let cdkNetwork: NetworkView;
  let pulNetwork: NetworkView;
  let cdkTiming: ReleaseTimingView[];
  let pulTiming: ReleaseTimingView[];
  const plan = planOf(c);
  beforeAll(async () => {
    ({
      cdk,
      pulumi: pul,
      cdkTier,
      pulumiTier: pulTier,
      cdkBackplane,
      pulumiBackplane: pulBackplane,
      cdkNetwork,
      pulumiNetwork: pulNetwork,
      cdkTiming,
      pulumiTiming: pulTiming,
    } = await views(c));
  });

  // The CDK side is env-agnostic (region only), so its VPC spans the 2 AZs CDK can name without a
  // lookup, the same as Pulumi's fixed 2 slots: TIER_VPC.minAzs.
  const azs = TIER_VPC.minAzs;
  const dualStack = plan.ipAddressType === 'dualstack';

  test("created VPC agrees and has core's TIER_VPC shape: CIDR, AZ count, subnets per tier, one NAT per AZ, LB public, instances private", () => {
    expect(pulNetwork.shape).toEqual(cdkNetwork.shape);
    expect(cdkNetwork.shape).toEqual({
      vpcCidr: TIER_VPC.cidr,
      azCount: azs,
      subnetsPerTier: { public: azs, 'private-with-egress': azs },
      unroutedSubnets: 0,
      natGateways: azs, // TIER_VPC.natGateways: 'one-per-az'
      oneNatPerAzInPublicSubnets: true,
      privateEgressThroughOwnAzNat: true,
      loadBalancerInPublicSubnets: true,
      instancesInPrivateSubnets: true,
      vpcIpv6: dualStack,
      publicSubnetsWithIpv6: dualStack ? azs : 0,
    });
    expect(TIER_VPC.subnetTiers.map((t) => t.type)).toEqual(Object.keys(cdkNetwork.shape.subnetsPerTier));
  });

  test("each side lays its subnets out as core's layout for it says (the documented differences: CIDRs, MapPublicIpOnLaunch, IPv6 on private subnets)", () => {
    expect(cdkNetwork.cidrs).toEqual(subnetCidrBlocks(TIER_VPC, TIER_VPC.cdk, azs));
    expect(pulNetwork.cidrs).toEqual(subnetCidrBlocks(TIER_VPC, TIER_VPC.pulumi, azs));
    expect(cdkNetwork.mapPublicIpOnLaunch).toEqual([TIER_VPC.cdk.mapPublicIpOnLaunch[plan.ipAddressType]]);
    expect(pulNetwork.mapPublicIpOnLaunch).toEqual([TIER_VPC.pulumi.mapPublicIpOnLaunch[plan.ipAddressType]]);
    expect([cdkNetwork.privateSubnetsWithIpv6, pulNetwork.privateSubnetsWithIpv6]).toEqual([dualStack ? azs : 0, 0]);
  });

  test('backplane agrees (engine, version, node type, replicas, TLS, at rest, failover, port, SG rule sources) and carries the plan', () => {
    expect(pulBackplane).toEqual(cdkBackplane);
    const b = plan.backplane;
    if (b === undefined) {
      expect(cdkBackplane).toBeUndefined();
      return;
    }
    expect(cdkBackplane).toEqual({
      engine: b.engine,
      engineVersion: b.engineVersion,
      nodeType: b.nodeType,
      numCacheClusters: b.replicasPerShard + 1,
      port: b.port,
      clusterMode: 'disabled',
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      automaticFailoverEnabled: b.replicasPerShard >= 1,
      multiAzEnabled: b.replicasPerShard >= 1,
      autoMinorVersionUpgrade: true,
      description: b.description,
      authTokenFromSecret: true,
      subnetGroupOnInstanceSubnets: true,
      egress: 'none',
      ingress: plan.cells
        .map((cell) => ({ port: b.port, fromCell: cell.name, description: `Backplane clients: instances of cell ${cell.name}` }))
        .sort((x, y) => x.fromCell.localeCompare(y.fromCell)),
      secretReadBy: plan.cells.map((cell) => cell.name),
    });
  });

  test.each(plan.cells.map((cell, i) => [cell.name, i] as const))('cell %s: CDK and Pulumi agree field by field', (_name, i) => {
    for (const key of Object.keys(cdk[i]) as (keyof CellView)[]) {
      expect({ [key]: pul[i][key] }).toEqual({ [key]: cdk[i][key] });
    }
    expect(pul[i]).toEqual(cdk[i]);
  });

  test('tier operations agree: dashboard rows and widgets, log bucket, web ACL, VPC flow log', () => {
    for (const key of Object.keys(cdkTier) as (keyof TierOperationsView)[]) {
      expect({ [key]: pulTier[key] }).toEqual({ [key]: cdkTier[key] });
    }
    expect(pulTier).toEqual(cdkTier);
  });

  test('the operations views carry the plan (normalizers read real values)', () => {
    const ops = plan.operations;
    expect(cdkTier.dashboard?.rows).toBe(ops.dashboard?.rows.length);
    expect(cdkTier.dashboard?.metricWidgets).toBe(ops.dashboard?.rows.flatMap((r) => r.widgets.filter((w) => w.metrics.length > 0)).length);
    expect(cdkTier.logBucketRetentionDays).toBe(ops.logBucket?.retentionDays);
    expect(cdkTier.webAcl?.rateLimit).toBe(ops.webAcl?.rateRule.limit);
    expect(cdkTier.vpcFlowLog && [cdkTier.vpcFlowLog.trafficType, cdkTier.vpcFlowLog.retentionDays]).toEqual(
      ops.vpcFlowLog && [ops.vpcFlowLog.trafficType, ops.vpcFlowLog.retentionDays],
    );
    plan.cells.forEach((cell, i) => {
      const v = cdk[i].operations;
      expect(v.deletionProtection).toBe(cell.operations.deletionProtection);
      expect(v.minimumCapacityUnits).toBe(cell.operations.minimumCapacityUnits);
      expect(v.accessLogs).toEqual(cell.operations.accessLogPrefix && { bucket: LOG_BUCKET, prefix: cell.operations.accessLogPrefix });
      expect(v.connectionLogs).toEqual(
        cell.operations.connectionLogPrefix && { bucket: LOG_BUCKET, prefix: cell.operations.connectionLogPrefix },
      );
      expect(v.webAclAssociation).toBe(cell.operations.webAclAssociation);
      expect(
        v.alarms.map((a) => [
          a.key,
          a.metricName,
          a.statistic,
          a.threshold,
          a.comparisonOperator,
          a.evaluationPeriods,
          a.datapointsToAlarm,
        ]),
      ).toEqual(
        cell.operations.alarms.map((a) => [
          a.key,
          a.metric.metricName,
          a.metric.statistic,
          a.threshold,
          a.comparisonOperator,
          a.evaluationPeriods,
          a.datapointsToAlarm,
        ]),
      );
      const actions = ops.alarmTopicArn !== undefined ? 1 : 0;
      for (const a of v.alarms) expect([a.alarmActions, a.okActions]).toEqual([actions, actions]);
    });
  });

  test('the views carry the plan (normalizers read real values)', () => {
    plan.cells.forEach((cell, i) => {
      const v = cdk[i];
      expect(v.listener.protocol).toBe(cell.listener.protocol);
      expect(v.listener.sslPolicy).toBe(cell.listener.tlsPolicy);
      expect(v.loadBalancer.idleTimeoutSeconds).toBe(cell.albIdleTimeoutSeconds);
      expect(v.listener.tcpIdleTimeoutSeconds).toBe(cell.listener.tcpIdleTimeoutSeconds);
      expect(v.targetGroup.deregistrationDelaySeconds).toBe(cell.targetGroup.deregistrationDelaySeconds);
      expect(v.targetGroup.proxyProtocolV2).toBe(cell.targetGroup.proxyProtocolV2);
      expect(v.targetGroup.stickiness.type).toBe(cell.targetGroup.stickiness?.type);
      expect(v.targetGroup.healthCheck.intervalSeconds).toBe(cell.targetGroup.healthCheck.intervalSeconds);
      expect(v.autoScaling.maxSize).toBe(cell.autoScaling.maxCapacity);
      expect(v.lifecycleHook.heartbeatTimeoutSeconds).toBe(cell.autoScaling.lifecycleHook.heartbeatTimeoutSeconds);
      expect(v.scalingPolicy.targetValue).toBe(cell.autoScaling.scalingPolicy.targetValue);
      expect(v.scalingPolicy.metrics.map((m) => m.id)).toEqual(cell.autoScaling.scalingPolicy.metrics.map((m) => m.id));
      const weighted = v.records.filter((r) => r.setIdentifier !== undefined);
      expect(weighted.map((r) => [r.setIdentifier, r.weight, r.evaluateTargetHealth, r.aliasToThisCell])).toEqual(
        (cell.ipAddressType === 'dualstack' ? [0, 1] : [0]).map(() => [cell.dns.setIdentifier, cell.dns.weight, true, true]),
      );
      expect(v.route53HealthCheck?.fqdn).toBe(cell.dns.healthCheck?.fqdn);
      expect(v.artifactRead).toBe(plan.server.start.artifact ? 'object' : 'none');
    });
  });

  test("release: both sides carry core's ResolvedRelease (batch, kept in service, readiness); each side's timings are core's too", () => {
    plan.cells.forEach((cell, i) => {
      const r = cell.release;
      expect(cdk[i].release).toEqual({
        batchSize: r.batchSize,
        minInstancesInService: r.minInstancesInService,
        readiness: { port: r.signal.healthPort, path: r.signal.healthPath },
      });
      expect(cdkTiming[i]).toEqual({
        signalTimeoutSeconds: r.signal.timeoutSeconds,
        probeDeadlineSeconds: r.signal.timeoutSeconds,
        minSuccessfulInstancesPercent: r.signal.minSuccessfulInstancesPercent,
      });
      expect(pulTiming[i]).toEqual({
        instanceWarmupSeconds: r.instanceRefresh.instanceWarmupSeconds,
        checkpointPercentages: r.instanceRefresh.checkpointPercentages,
        checkpointDelaySeconds: r.instanceRefresh.checkpointDelaySeconds,
        skipMatching: r.instanceRefresh.skipMatching,
        autoRollback: r.instanceRefresh.autoRollback,
      });
    });
  });

  test("the host-tuning user data on both sides is exactly core's script", () => {
    plan.cells.forEach((cell, i) => {
      const backplane = plan.backplane ? { endpointAddress: BACKPLANE_ENDPOINT, authTokenSecretArn: BACKPLANE_SECRET } : undefined;
      const expected = userDataLines(plan, cell, plan.server.start.artifact ? { s3Uri: BUNDLE_URI } : undefined, backplane)
        .join('\n')
        .split('\n');
      expect(cdk[i].userData).toEqual(expected);
      expect(pul[i].userData).toEqual(expected);
    });
  });
});

test("with a known account and Region the CDK VPC spans TIER_VPC.cdk.maxAzs AZs, laid out as core's even split (the documented difference from Pulumi's 2)", () => {
  const { stack, tier, template } = tierStack(
    { domainName: DOMAIN, cells: [{ name: 'a' }] },
    {},
    { env: { account: '123456789012', region: 'us-east-1' } },
  );
  const view = cdkNetworkView(stack, tier, template);
  const azs = TIER_VPC.cdk.maxAzs; // the AZ lookup's dummy answer (no context given) lists 3 zones
  expect(view.shape).toMatchObject({
    vpcCidr: TIER_VPC.cidr,
    azCount: azs,
    subnetsPerTier: { public: azs, 'private-with-egress': azs },
    natGateways: azs,
  });
  expect(view.cidrs).toEqual(subnetCidrBlocks(TIER_VPC, TIER_VPC.cdk, azs));
  expect(view.cidrs.public).toEqual(['10.0.0.0/19', '10.0.32.0/19', '10.0.64.0/19']);
});
