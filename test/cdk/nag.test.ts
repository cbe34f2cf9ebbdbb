/**
 * cdk-nag's AwsSolutions pack over the example tier and over any valid tier. cdk-nag 3 is a CDK
 * policy-validation plugin: findings land in the cloud assembly's validation report, and
 * acknowledgements (`Validations.of(construct).acknowledge`) are read from construct metadata. The
 * tier acknowledges its own design (lib/cdk/private/nag-acknowledgements.ts); the example adds only
 * its own (examples/cdk/chat-tier-stack.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fc from 'fast-check';
import { ChatTierStack } from '../../examples/cdk/chat-tier-stack';
import { WebSocketTier } from '../../lib/cdk';
import { bundleChatServer } from '../../examples/server/bundle';
import type { CellConfig, TierConfig } from '../../lib/core/config';
import { ALARM_KEYS } from '../../lib/core/operations';
import { createTestApp, PINNED_CONTEXT, TEST_ZONE, testBundleFile, tierStack, type TierStack } from '../helpers/cdk-app';
import { withServerStart } from '../helpers/server-start';

/** The parts of the validation report (cloud-assembly schema `PolicyValidationReportJson`) read here. */
interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly severity?: string;
      readonly description?: string;
      readonly violatingConstructs: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

let bundleDir: string;
let report: ValidationReport;

beforeAll(() => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-nag-'));
  const app = createTestApp();
  // Collect the report instead of letting synth print it and throw: the assertions below name
  // every unacknowledged finding with its construct path.
  app.node.setContext(cxapi.FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT, false);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // A canary with a known finding: cdk-nag 3 writes no plugin report when it finds nothing, so
  // without it a pack that never ran would look the same as a clean example.
  new s3.Bucket(new Stack(app, 'NagCanary'), 'UnencryptedBucket');
  new ChatTierStack(app, 'WebSocketTierExample', {
    domainName: 'ws.example.com',
    hostedZoneId: 'Z00000000000000000000',
    hostedZoneName: 'example.com',
    serverBundleFile: bundleChatServer(bundleDir),
  });
  const assembly = app.synth();
  report = JSON.parse(fs.readFileSync(path.join(assembly.directory, cxapi.VALIDATION_REPORT_FILE), 'utf8'));
});

afterAll(() => {
  fs.rmSync(bundleDir, { recursive: true, force: true });
});

/** `Rule at path (description)` for every unacknowledged AwsSolutions finding of a severity under a stack. */
function findings(severity: string, stack = 'WebSocketTierExample'): string[] {
  const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
  return nag
    .flatMap((r) => r.violations)
    .filter((v) => v.severity === severity)
    .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath ?? '?'}: ${v.description ?? ''}`))
    .filter((f) => f.includes(` at ${stack}/`))
    .sort();
}

describe('cdk-nag AwsSolutions over the example tier', () => {
  test('the AwsSolutions pack ran (it reports the canary bucket)', () => {
    expect(report.pluginReports.map((r) => r.pluginName)).toContain('AwsSolutions');
    expect(findings('error', 'NagCanary')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S10 at NagCanary\/UnencryptedBucket/)]),
    );
  });

  test('no unacknowledged errors (the created VPC has its flow log: AwsSolutions-VPC7)', () => {
    expect(findings('error')).toEqual([]);
  });

  test('no unacknowledged warnings', () => {
    expect(findings('warning')).toEqual([]);
  });
});

// ---- Any tier: the library's own acknowledgements, no user suppressions ----

/** A concrete environment: ELB log delivery (and so the log bucket) needs the stack region. */
const ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** A synthesized stack with one tier and no acknowledgements of its own. */
function synthTier(config: TierConfig, stackProps: StackProps = { env: ENV }, serverBundle = true): TierStack {
  return tierStack(config, serverBundle ? { serverBundleFile: testBundleFile() } : {}, stackProps);
}

/**
 * `Rule at path` for every unacknowledged AwsSolutions finding of the stack (errors and warnings).
 * Runs the pack directly on the synthesized construct tree (`validateScope`, cdk-nag's own entry
 * point under the policy-validation plugin), so no validation report is written.
 */
function nagFindings(t: TierStack, severity?: 'error' | 'warning'): string[] {
  const report = new AwsSolutionsChecks().validateScope(t.stack);
  return report.violations
    .filter((v) => severity === undefined || v.severity === severity)
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))
    .sort();
}

/** The `cdk_nag` CloudFormation metadata of every resource that has it, by logical id. */
function nagMetadata(t: TierStack): Record<string, { id: string; reason: string; applies_to?: string[] }[]> {
  const resources = t.template.toJSON().Resources as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: never[] } } }>;
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([, r]) => r.Metadata?.cdk_nag !== undefined)
      .map(([id, r]) => [id, r.Metadata!.cdk_nag!.rules_to_suppress]),
  );
}

const DOMAIN = 'ws.example.com';
const CASES: Record<string, TierConfig> = {
  'a plain two-cell tier': { domainName: DOMAIN, cells: [{ name: 'a' }, { name: 'b' }] },
  'ALB only (one cell)': { domainName: DOMAIN, cells: [{ name: 'a', loadBalancerType: 'application' }] },
  'NLB only (TLS and TCP listeners)': {
    domainName: DOMAIN,
    cells: [
      { name: 'a', loadBalancerType: 'network' },
      { name: 'b', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
    ],
  },
  'mixed ALB and NLB': {
    domainName: DOMAIN,
    cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network', weight: 50 }],
  },
  'with a backplane': { domainName: DOMAIN, cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }], backplane: {} },
  'operations all on (WAF, alarm topic, every flow logged)': {
    domainName: DOMAIN,
    cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }],
    operations: {
      waf: { enabled: true },
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:pager',
      vpcFlowLogs: { trafficType: 'ALL' },
    },
  },
  'operations off (no dashboard, alarms, logs, flow logs)': {
    domainName: DOMAIN,
    cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }],
    operations: {
      dashboard: false,
      accessLogs: { enabled: false },
      vpcFlowLogs: { enabled: false },
      deletionProtection: false,
      alarms: Object.fromEntries(ALARM_KEYS.map((k) => [k, { enabled: false }])),
    },
  },
};

describe('cdk-nag AwsSolutions over tiers without any user acknowledgement', () => {
  test.each(Object.entries(CASES))('%s: no unacknowledged errors or warnings', (_, config) => {
    expect(nagFindings(synthTier(config))).toEqual([]);
  });

  test('the pack sees a wildcard the user adds to the instance role: the acknowledgements name exact findings', () => {
    const t = tierStack(CASES['a plain two-cell tier'], {}, { env: ENV });
    t.tier.cells[0].role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: ['*'] }));
    expect(nagFindings(t, 'error')).toEqual(['AwsSolutions-IAM5[Resource::*] at Test/Tier/Cell-a/InstanceRole/DefaultPolicy/Resource']);
  });

  test('environment-agnostic with logs on: ELB2 stays (no logs can be delivered; the tier warns), nothing else', () => {
    const t = synthTier(CASES['mixed ALB and NLB'], {});
    expect(nagFindings(t)).toEqual([
      'AwsSolutions-ELB2 at Test/Tier/Cell-a/LoadBalancer/Resource',
      'AwsSolutions-ELB2 at Test/Tier/Cell-b/LoadBalancer/Resource',
    ]);
  });

  test('EC23 is acknowledged only where ingress is open to any address', () => {
    const t = synthTier({ ...CASES['a plain two-cell tier'], ingressCidrs: ['203.0.113.0/24'] });
    expect(nagFindings(t)).toEqual([]);
    const rules = Object.values(nagMetadata(t)).flatMap((entries) => entries.map((e) => e.id));
    expect(rules).not.toContain('AwsSolutions-EC23');
  });

  test('IAM is scoped: the bundle read is s3:GetObject on its object, lifecycle actions on the group ARN itself', () => {
    const t = synthTier(CASES['ALB only (one cell)']);
    const policies = Object.values(t.template.findResources('AWS::IAM::Policy')) as any[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const bundle = statements.find((s) => s.Sid === 'ReadServerBundle');
    expect(bundle.Action).toBe('s3:GetObject');
    expect(JSON.stringify(bundle.Resource)).toMatch(/^"arn:aws:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-west-1\/[0-9a-f]{64}\.js"$/);
    const drain = statements.find((s) => s.Sid === 'DrainThroughTerminationHook');
    expect(drain.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^TierCellaAutoScalingGroupASG/), 'AutoScalingGroupARN'] });
    expect(JSON.stringify(statements)).not.toMatch(/s3:GetBucket\*|s3:List\*|s3:GetObject\*/);
  });

  test('each acknowledgement is in the template (cdk_nag metadata) with a reason, on the resource it is about', () => {
    const t = synthTier(CASES['with a backplane']);
    const byResource = nagMetadata(t);
    const types = t.template.toJSON().Resources as Record<string, { Type: string }>;
    const summary = Object.entries(byResource)
      .flatMap(([id, entries]) => entries.map((e) => `${types[id].Type} ${e.id}${e.applies_to ? ` ${e.applies_to.join(',')}` : ''}`))
      .sort();
    expect(summary).toEqual([
      'AWS::AutoScaling::AutoScalingGroup AwsSolutions-AS3',
      'AWS::AutoScaling::AutoScalingGroup AwsSolutions-AS3',
      'AWS::EC2::SecurityGroup AwsSolutions-EC23',
      'AWS::EC2::SecurityGroup AwsSolutions-EC23',
      'AWS::ElastiCache::ReplicationGroup AwsSolutions-AEC5',
      'AWS::IAM::Role AwsSolutions-IAM4 Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore',
      'AWS::IAM::Role AwsSolutions-IAM4 Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore',
      'AWS::IAM::Role AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:emf/logs/default:log-stream:*',
      'AWS::IAM::Role AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:emf/logs/default:log-stream:*',
      'AWS::S3::Bucket AwsSolutions-S1',
      'AWS::SecretsManager::Secret AwsSolutions-SMG4',
    ]);
    for (const entries of Object.values(byResource)) for (const e of entries) expect(e.reason.length).toBeGreaterThan(80);
  });

  test('turning logs and flow logs off in the config is acknowledged as that choice (ELB2, VPC7), naming the field', () => {
    const t = synthTier(CASES['operations off (no dashboard, alarms, logs, flow logs)']);
    const entries = Object.values(nagMetadata(t)).flat();
    expect(entries.find((e) => e.id === 'AwsSolutions-ELB2')?.reason).toMatch(/operations\.accessLogs\.enabled: false/);
    expect(entries.find((e) => e.id === 'AwsSolutions-VPC7')?.reason).toMatch(/operations\.vpcFlowLogs\.enabled: false/);
  });
});

// ---- Property: any valid tier is AwsSolutions-clean ----

const INSTANCE_TYPES = ['m7g.large', 'c7g.xlarge', 't4g.medium', 'm7i.large', 'c6i.2xlarge', 'c7i-flex.large'];

/** One valid cell from the documented ranges. */
const cellArb = (name: string): fc.Arbitrary<CellConfig> =>
  fc
    .record(
      {
        name: fc.constant(name),
        type: fc.constantFrom<Pick<CellConfig, 'loadBalancerType' | 'nlbListenerProtocol'>>(
          { loadBalancerType: 'application' },
          { loadBalancerType: 'network', nlbListenerProtocol: 'TLS' },
          { loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
        ),
        weight: fc.integer({ min: 1, max: 255 }),
        instanceType: fc.constantFrom(...INSTANCE_TYPES),
        scaling: fc
          .integer({ min: 1, max: 4 })
          .chain((min) => fc.record({ minCapacity: fc.constant(min), maxCapacity: fc.integer({ min, max: 12 }) })),
        // about one cell in four on Fargate, with or without ECS Exec
        fargate: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.record({ enableExecuteCommand: fc.boolean(), cpu: fc.constantFrom(512, 1024) }) },
        ),
      },
      { requiredKeys: ['name', 'type', 'fargate'] },
    )
    .map(({ type, fargate, instanceType, ...cell }) =>
      fargate
        ? { ...cell, ...type, backend: { type: 'fargate' as const, image: { uri: 'public.ecr.aws/nginx/nginx:1.27' }, ...fargate } }
        : { ...cell, ...type, ...(instanceType ? { instanceType } : {}) },
    );

/** What ECS cells refuse today: a tier backplane; a drain grace beyond Fargate's 120 s stopTimeout. */
function fitEcs(config: TierConfig): TierConfig {
  if (!config.cells.some((c) => c.backend?.type === 'fargate')) return config;
  const { backplane: _b, ...rest } = config;
  const grace = config.connection?.drainGraceSeconds;
  return grace !== undefined && grace > 120 ? { ...rest, connection: { ...config.connection, drainGraceSeconds: 120 } } : rest;
}

/** A valid tier: 1–3 cells of either type, timers, DNS, operations and backplane on or off. */
const tierArb: fc.Arbitrary<TierConfig> = fc
  .integer({ min: 1, max: 3 })
  .chain((count) =>
    fc.record(
      {
        cells: fc.tuple(...['a', 'b', 'c'].slice(0, count).map(cellArb)),
        instanceType: fc.constantFrom(...INSTANCE_TYPES),
        ingressCidrs: fc.constantFrom(['0.0.0.0/0'], ['203.0.113.0/24', '198.51.100.0/24']),
        connection: fc.record(
          {
            drainWindowSeconds: fc.integer({ min: 30, max: 1800 }),
            drainGraceSeconds: fc.integer({ min: 10, max: 600 }),
            longPollingFallback: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        dns: fc
          .record({
            // Route 53 health checks probe the direct cell names, so they need cellRecords.
            records: fc.constantFrom({}, { healthChecks: true }, { cellRecords: false, healthChecks: false }),
            ipAddressType: fc.constantFrom('ipv4', 'dualstack'),
          })
          .map(({ records, ipAddressType }) => ({ ...records, ipAddressType })),
        operations: fc.record(
          {
            dashboard: fc.boolean(),
            accessLogs: fc.record({ enabled: fc.boolean() }),
            waf: fc.record({ enabled: fc.boolean() }),
            vpcFlowLogs: fc.record({ enabled: fc.boolean(), trafficType: fc.constantFrom('REJECT', 'ALL') }),
            deletionProtection: fc.boolean(),
            alarmTopicArn: fc.constant('arn:aws:sns:eu-west-1:123456789012:pager'),
          },
          { requiredKeys: [] },
        ),
        backplane: fc.record(
          {
            engine: fc.constantFrom('valkey', 'redis'),
            replicasPerShard: fc.integer({ min: 0, max: 2 }),
            port: fc.constantFrom(6379, 6380),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['cells'] },
    ),
  )
  .map((rest) => fitEcs({ domainName: DOMAIN, ...rest } as TierConfig));

/**
 * Unacknowledged AwsSolutions errors of one synthesized tier, built cheaply: an App of its own
 * with the pinned flags but no construct stack traces and no tree.json (measured: about 40 % less
 * CPU per tier than `tierStack`, which also parses the template; neither changes what nag sees).
 */
function leanNagErrors(config: TierConfig, serverBundle: boolean): string[] {
  const app = new App({ context: { ...PINNED_CONTEXT, 'aws:cdk:disable-stack-trace': true }, treeMetadata: false });
  const stack = new Stack(app, 'Test', { env: ENV });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
  const serverBundleFile = serverBundle ? testBundleFile() : undefined;
  new WebSocketTier(stack, 'Tier', { ...withServerStart(config, serverBundleFile), hostedZone, serverBundleFile });
  app.synth();
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations
    .filter((v) => v.severity === 'error')
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('property: every valid tier passes AwsSolutions with zero unacknowledged errors', () => {
  test('200 seeded random tiers', () => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    // How often each feature came up: the run must cover every kind of resource nag looks at.
    const seen = {
      nlbTcp: 0,
      nlbTls: 0,
      alb: 0,
      backplane: 0,
      singleNodeBackplane: 0,
      redis: 0,
      logsOff: 0,
      flowLogsOff: 0,
      waf: 0,
      dualstack: 0,
      narrowIngress: 0,
      noBundle: 0,
      fargate: 0,
      ecsExec: 0,
    };
    fc.assert(
      fc.property(tierArb, fc.boolean(), (config, bundle) => {
        for (const c of config.cells) {
          if (c.backend?.type === 'fargate') seen.fargate++;
          if (c.backend?.type === 'fargate' && c.backend.enableExecuteCommand) seen.ecsExec++;
          if (c.loadBalancerType === 'application') seen.alb++;
          else if (c.nlbListenerProtocol === 'TCP') seen.nlbTcp++;
          else seen.nlbTls++;
        }
        if (config.backplane) seen.backplane++;
        if (config.backplane?.replicasPerShard === 0) seen.singleNodeBackplane++;
        if (config.backplane?.engine === 'redis') seen.redis++;
        if (config.operations?.accessLogs?.enabled === false) seen.logsOff++;
        if (config.operations?.vpcFlowLogs?.enabled === false) seen.flowLogsOff++;
        if (config.operations?.waf?.enabled === true) seen.waf++;
        if (config.dns?.ipAddressType === 'dualstack') seen.dualstack++;
        if (config.ingressCidrs?.[0] !== '0.0.0.0/0' && config.ingressCidrs !== undefined) seen.narrowIngress++;
        if (!bundle) seen.noBundle++;
        expect(leanNagErrors(config, bundle)).toEqual([]);
      }),
      { seed: 20261202, numRuns: 200, endOnFailure: true },
    );
    for (const [feature, count] of Object.entries(seen)) expect([feature, count >= 10]).toEqual([feature, true]);
    // Measured on the shared 2-core machine; printed so a slow-down is visible in CI logs.
    const { user, system } = process.cpuUsage(cpu);
    console.log(
      `cdk-nag property: 200 tiers synthesized and checked in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${((user + system) / 1e6).toFixed(1)} s CPU); features seen: ${JSON.stringify(seen)}`,
    );
  }, 600_000);
});
