/**
 * Operations of the Pulumi renderer (alarms, dashboard, logs, WAF, LCU reservation, deletion
 * protection, VPC flow log), asserted on the inputs recorded by the mocks. Everything comes from
 * core's `tier.operations` / `cell.operations`; the parity test (test/parity) checks that the CDK
 * construct renders the same values.
 */
import * as pulumi from '@pulumi/pulumi';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { dashboardBody, elbLogDeliveryPrincipalKind, resolveTier, type TierConfig } from '../../lib/core';
import { type WebSocketCell, WebSocketTier, type WebSocketTierArgs } from '../../lib/pulumi';
import { dashboardName } from '../../lib/pulumi/private/dashboard';
import { type PulumiRecorder, recordProgram, valueOf } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

const ZONE = 'Z00000000000000000000';
const CONFIG: TierConfig = {
  domainName: 'ws.example.com',
  cells: [
    { name: 'a', loadBalancerType: 'application' },
    { name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TLS' },
    { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
  ],
  healthCheck: { port: 8081 },
  dns: { healthChecks: true },
};
const plan = resolveTier(CONFIG);

async function build(config: TierConfig = CONFIG, args: Partial<WebSocketTierArgs> = {}): Promise<PulumiRecorder> {
  const { recorder } = await recordProgram(() => new WebSocketTier('t1', { ...withServerStart(config), hostedZoneId: ZONE, ...args }));
  return recorder;
}

const names = (r: PulumiRecorder, type: string) =>
  r
    .ofType(type)
    .map((x) => x.name)
    .sort();

let warn: jest.SpyInstance;
let info: jest.SpyInstance;
beforeAll(() => {
  warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
  info = jest.spyOn(pulumi.log, 'info').mockImplementation(() => Promise.resolve());
});
afterAll(() => {
  warn.mockRestore();
  info.mockRestore();
});

describe('defaults', () => {
  let r: PulumiRecorder;
  beforeAll(async () => {
    r = await build();
  });

  test('every load balancer has deletion protection on and no LCU reservation', () => {
    for (const lb of r.ofType('aws:lb/loadBalancer:LoadBalancer')) {
      expect(lb.inputs.enableDeletionProtection).toBe(true);
      expect(lb.inputs.minimumLoadBalancerCapacity).toBeUndefined();
    }
  });

  test('access logs on every load balancer, connection logs on ALBs only, into the tier log bucket under <cell>/…', () => {
    const bucket = 't1-log-bucket-bucket'; // mock bucket name of `t1-log-bucket`
    expect(r.named('t1-cell-a-load-balancer').inputs).toMatchObject({
      accessLogs: { bucket, prefix: 'a/access', enabled: true },
      connectionLogs: { bucket, prefix: 'a/connection', enabled: true },
    });
    for (const cell of ['n', 't']) {
      const lb = r.named(`t1-cell-${cell}-load-balancer`).inputs;
      expect(lb.accessLogs).toEqual({ bucket, prefix: `${cell}/access`, enabled: true });
      expect(lb.connectionLogs).toBeUndefined();
    }
  });

  test('log bucket: SSE-S3, all public access blocked, bucket-owner-enforced, expires after 90 days, aborts uploads after 1 day', () => {
    expect(r.named('t1-log-bucket-encryption').inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }]);
    expect(r.named('t1-log-bucket-public-access-block').inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(r.named('t1-log-bucket-ownership').inputs.rule).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
    expect(r.named('t1-log-bucket-lifecycle').inputs.rules).toEqual([
      {
        id: 'ExpireLoadBalancerLogs',
        status: 'Enabled',
        filter: {},
        expiration: { days: 90 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
  });

  test('log bucket policy: TLS only; ELB account (us-east-1) and delivery.logs write only under each prefix/AWSLogs/<account>/', () => {
    const policy = JSON.parse(r.named('t1-log-bucket-policy').inputs.policy);
    const arn = 'arn:aws:mock:us-east-1:123456789012:Bucket/t1-log-bucket';
    const objects = ['a/access', 'a/connection', 'n/access', 't/access'].map((p) => `${arn}/${p}/AWSLogs/123456789012/*`);
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyPlainHttp',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'ElbLogDelivery',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::127311923021:root' },
        Action: 's3:PutObject',
        Resource: objects,
      },
      {
        Sid: 'LogDeliveryWrite',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: objects,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
      {
        Sid: 'LogDeliveryAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: arn,
      },
    ]);
  });

  test('alarm inventory per cell type: ALB rejected/5xx, NLB port allocation, every cell unhealthy/spike/gauge/Route 53', () => {
    expect(names(r, 'aws:cloudwatch/metricAlarm:MetricAlarm')).toEqual(
      [
        't1-cell-a-alarm-connections-per-instance',
        't1-cell-a-alarm-elb5xx',
        't1-cell-a-alarm-new-connection-spike',
        't1-cell-a-alarm-rejected-connections',
        't1-cell-a-alarm-route53-health-check',
        't1-cell-a-alarm-unhealthy-hosts',
        ...['n', 't'].flatMap((c) =>
          ['connections-per-instance', 'new-connection-spike', 'port-allocation-errors', 'route53-health-check', 'unhealthy-hosts'].map(
            (k) => `t1-cell-${c}-alarm-${k}`,
          ),
        ),
      ].sort(),
    );
  });

  test("each alarm carries core's metric, statistic, period, threshold, comparison, periods and description; no actions without a topic", () => {
    for (const cell of plan.cells) {
      for (const a of cell.operations.alarms) {
        const name = `t1-cell-${cell.name}-alarm-${a.key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
        const inputs = r.named(name).inputs;
        expect(inputs).toMatchObject({
          namespace: a.metric.namespace,
          metricName: a.metric.metricName,
          statistic: a.metric.statistic,
          period: a.metric.periodSeconds,
          threshold: a.threshold,
          comparisonOperator: a.comparisonOperator,
          evaluationPeriods: a.evaluationPeriods,
          datapointsToAlarm: a.datapointsToAlarm,
          treatMissingData: a.treatMissingData,
          alarmDescription: a.description,
        });
        expect(inputs.alarmActions).toBeUndefined();
        expect(inputs.okActions).toBeUndefined();
      }
    }
  });

  test('alarm dimensions are bound to this cell: load balancer and target group arnSuffix, group name, health check id', () => {
    expect(r.named('t1-cell-a-alarm-unhealthy-hosts').inputs.dimensions).toEqual({
      TargetGroup: 'targetgroup/t1-cell-a-target-group/0123456789abcdef',
      LoadBalancer: 'app/t1-cell-a-load-balancer/0123456789abcdef',
    });
    expect(r.named('t1-cell-n-alarm-port-allocation-errors').inputs.dimensions).toEqual({
      LoadBalancer: 'net/t1-cell-n-load-balancer/0123456789abcdef',
    });
    expect(r.named('t1-cell-t-alarm-connections-per-instance').inputs.dimensions).toEqual({
      AutoScalingGroupName: 't1-cell-t-auto-scaling-group',
    });
    expect(r.named('t1-cell-a-alarm-route53-health-check').inputs.dimensions).toEqual({
      HealthCheckId: 't1-cell-a-route53-health-check-id',
    });
  });

  test('Route 53 alarms (us-east-1-only metric) are managed in us-east-1 by the default provider; the others in the program region', () => {
    expect(r.ofType('pulumi:providers:aws')).toEqual([]); // no explicit provider: the default one's credentials and settings apply
    for (const alarm of r.ofType('aws:cloudwatch/metricAlarm:MetricAlarm')) {
      const expected = alarm.name.endsWith('-route53-health-check') ? 'us-east-1' : undefined;
      expect([alarm.name, alarm.inputs.region, alarm.provider || undefined]).toEqual([alarm.name, expected, undefined]);
    }
  });

  test("dashboard: name from project, stack and Pulumi name; body is core's layout bound to this tier's references", () => {
    const d = r.named('t1-dashboard').inputs;
    expect(d.dashboardName).toBe('websocket-tier-test-t1-dashboard');
    const body = JSON.parse(d.dashboardBody);
    const rows = plan.operations.dashboard!.rows;
    expect(
      body.widgets.filter((w: any) => w.type === 'text' && w.properties.markdown.startsWith('## ')).map((w: any) => w.properties.markdown),
    ).toEqual(rows.map((row) => `## ${row.title}`));
    expect(body.widgets.filter((w: any) => w.type === 'metric')).toHaveLength(
      rows.flatMap((row) => row.widgets).filter((w) => w.metrics.length > 0).length,
    );
    const route53 = body.widgets.find((w: any) => w.type === 'metric' && w.properties.title === 'Route 53 health check');
    expect(route53.properties.region).toBe('us-east-1');
    expect(route53.properties.metrics[0]).toEqual([
      'AWS/Route53',
      'HealthCheckStatus',
      'HealthCheckId',
      't1-cell-a-route53-health-check-id',
      { stat: 'Minimum', period: 60, label: 'Route 53 health check (1 = healthy)', region: 'us-east-1' },
    ]);
  });

  test('no WAF by default; the created VPC has a flow log of rejected traffic to a 30-day log group', () => {
    expect(r.ofType('aws:wafv2/webAcl:WebAcl')).toHaveLength(0);
    expect(r.ofType('aws:wafv2/webAclAssociation:WebAclAssociation')).toHaveLength(0);
    expect(r.named('t1-vpc-flow-log').inputs).toMatchObject({
      vpcId: 't1-vpc-id',
      trafficType: 'REJECT',
      logDestinationType: 'cloud-watch-logs',
      logDestination: 'arn:aws:mock:us-east-1:123456789012:LogGroup/t1-vpc-flow-log-group',
      iamRoleArn: 'arn:aws:mock:us-east-1:123456789012:Role/t1-vpc-flow-log-role',
    });
    expect(r.named('t1-vpc-flow-log-group').inputs.retentionInDays).toBe(30);
    expect(JSON.parse(r.named('t1-vpc-flow-log-role').inputs.assumeRolePolicy).Statement[0].Principal).toEqual({
      Service: 'vpc-flow-logs.amazonaws.com',
    });
    const policy = JSON.parse(r.named('t1-vpc-flow-log-role-policy').inputs.policy);
    expect(policy.Statement[0].Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']);
    expect(policy.Statement[0].Resource).toEqual([
      'arn:aws:mock:us-east-1:123456789012:LogGroup/t1-vpc-flow-log-group',
      'arn:aws:mock:us-east-1:123456789012:LogGroup/t1-vpc-flow-log-group:*',
    ]);
  });
});

describe('tuning', () => {
  test('WAF: one web ACL with the managed common rules (NoUserAgent_HEADER counted) and the upgrade rate limit, associated with ALB cells only', async () => {
    const r = await build({
      ...CONFIG,
      cells: [...CONFIG.cells, { name: 'b' }],
      operations: { waf: { enabled: true, rateLimitPer5Minutes: 300 } },
    });
    const acl = r.named('t1-web-acl').inputs;
    expect(acl).toMatchObject({ scope: 'REGIONAL', defaultAction: { allow: {} }, visibilityConfig: { metricName: 'wst-ws-example-com' } });
    expect(acl.rules.map((x: any) => [x.name, x.priority])).toEqual([
      ['AWSManagedRulesCommonRuleSet', 0],
      ['UpgradeRateLimit', 1],
    ]);
    expect(acl.rules[0].statement.managedRuleGroupStatement.ruleActionOverrides).toEqual([
      { name: 'NoUserAgent_HEADER', actionToUse: { count: {} } },
    ]);
    expect(acl.rules[1]).toMatchObject({
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: 300,
          evaluationWindowSec: 300,
          aggregateKeyType: 'IP',
          scopeDownStatement: {
            byteMatchStatement: {
              fieldToMatch: { singleHeader: { name: 'upgrade' } },
              positionalConstraint: 'CONTAINS',
              searchString: 'websocket',
              textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
            },
          },
        },
      },
    });
    const associations = r.ofType('aws:wafv2/webAclAssociation:WebAclAssociation');
    expect(associations.map((a) => [a.name, a.inputs.resourceArn, a.inputs.webAclArn]).sort()).toEqual(
      ['a', 'b'].map((c) => [
        `t1-cell-${c}-web-acl-association`,
        `arn:aws:mock:us-east-1:123456789012:LoadBalancer/t1-cell-${c}-load-balancer`,
        'arn:aws:mock:us-east-1:123456789012:WebAcl/t1-web-acl',
      ]),
    );
  });

  test('LCU reservation per cell, deletion protection off, 30-day logs, all-traffic flow log kept 90 days', async () => {
    const r = await build({
      ...CONFIG,
      operations: {
        minimumCapacityUnits: { a: 400, t: 5500 },
        deletionProtection: false,
        accessLogs: { retentionDays: 30 },
        vpcFlowLogs: { trafficType: 'ALL', retentionDays: 90 },
      },
    });
    expect(r.named('t1-cell-a-load-balancer').inputs.minimumLoadBalancerCapacity).toEqual({ capacityUnits: 400 });
    expect(r.named('t1-cell-t-load-balancer').inputs.minimumLoadBalancerCapacity).toEqual({ capacityUnits: 5500 });
    expect(r.named('t1-cell-n-load-balancer').inputs.minimumLoadBalancerCapacity).toBeUndefined();
    for (const lb of r.ofType('aws:lb/loadBalancer:LoadBalancer')) expect(lb.inputs.enableDeletionProtection).toBe(false);
    expect(r.named('t1-log-bucket-lifecycle').inputs.rules[0].expiration).toEqual({ days: 30 });
    expect(r.named('t1-vpc-flow-log').inputs.trafficType).toBe('ALL');
    expect(r.named('t1-vpc-flow-log-group').inputs.retentionInDays).toBe(90);
  });

  test('switching off: no logs, no dashboard, no flow log, an alarm off, a threshold tuned', async () => {
    const r = await build({
      ...CONFIG,
      operations: {
        accessLogs: { enabled: false },
        dashboard: false,
        vpcFlowLogs: { enabled: false },
        alarms: { unhealthyHosts: { enabled: false }, newConnectionSpike: { threshold: 777 } },
      },
    });
    expect(r.resources.filter((x) => x.name.startsWith('t1-log-bucket'))).toEqual([]);
    for (const lb of r.ofType('aws:lb/loadBalancer:LoadBalancer')) {
      expect(lb.inputs.accessLogs).toBeUndefined();
      expect(lb.inputs.connectionLogs).toBeUndefined();
    }
    expect(r.ofType('aws:cloudwatch/dashboard:Dashboard')).toEqual([]);
    expect(r.ofType('aws:ec2/flowLog:FlowLog')).toEqual([]);
    expect(r.resources.filter((x) => x.name.startsWith('t1-vpc-flow-log'))).toEqual([]);
    expect(names(r, 'aws:cloudwatch/metricAlarm:MetricAlarm').filter((n) => n.endsWith('-unhealthy-hosts'))).toEqual([]);
    expect(r.named('t1-cell-a-alarm-new-connection-spike').inputs.threshold).toBe(777);
  });

  test('an existing VPC gets no flow log from the tier', async () => {
    const r = await build(CONFIG, {
      vpcId: 'vpc-123',
      publicSubnetIds: ['subnet-1', 'subnet-2'],
      privateSubnetIds: ['subnet-3', 'subnet-4'],
    });
    expect(r.ofType('aws:ec2/flowLog:FlowLog')).toEqual([]);
    expect(r.ofType('aws:ec2/vpc:Vpc')).toEqual([]);
  });

  test('alarm topic: every alarm notifies it on ALARM and OK; a topic outside us-east-1 is left off the Route 53 alarms (actions must be in the alarm region)', async () => {
    const local = 'arn:aws:sns:us-east-1:123456789012:pager';
    let r = await build({ ...CONFIG, operations: { alarmTopicArn: local } });
    for (const alarm of r.ofType('aws:cloudwatch/metricAlarm:MetricAlarm')) {
      expect([alarm.name, alarm.inputs.alarmActions, alarm.inputs.okActions]).toEqual([alarm.name, [local], [local]]);
    }
    const remote = 'arn:aws:sns:eu-west-1:123456789012:pager';
    info.mockClear();
    r = await build({ ...CONFIG, operations: { alarmTopicArn: remote } });
    for (const alarm of r.ofType('aws:cloudwatch/metricAlarm:MetricAlarm')) {
      const expected = alarm.name.endsWith('-route53-health-check') ? undefined : [remote];
      expect([alarm.name, alarm.inputs.alarmActions]).toEqual([alarm.name, expected]);
    }
    expect(info.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('route53HealthCheck'))).toHaveLength(3);
  });

  test('without Route 53 health checks there is no Route 53 alarm and nothing outside the program region', async () => {
    const r = await build({ ...CONFIG, dns: { healthChecks: false } });
    expect(r.resources.filter((x) => x.inputs.region !== undefined)).toEqual([]);
    expect(names(r, 'aws:cloudwatch/metricAlarm:MetricAlarm').filter((n) => n.includes('route53'))).toEqual([]);
  });
});

describe('metric helpers', () => {
  test('bound to the cell, with stated default statistics, overridable, usable as MetricAlarm arguments', async () => {
    let tier!: WebSocketTier;
    await recordProgram(() => {
      tier = new WebSocketTier('t5', { ...withServerStart(CONFIG), hostedZoneId: ZONE });
    });
    const a = tier.cell('a');
    const n = tier.cell('n');
    const plain = async (m: ReturnType<WebSocketCell['metricElb5xx']>) => ({ ...m, dimensions: await valueOf(m.dimensions) });
    expect(await plain(a.metricActiveConnections())).toEqual({
      namespace: 'AWS/ApplicationELB',
      metricName: 'ActiveConnectionCount',
      dimensions: { LoadBalancer: 'app/t5-cell-a-load-balancer/0123456789abcdef' },
      statistic: 'Sum',
      period: 60,
      region: undefined,
    });
    expect(await plain(n.metricActiveConnections({ statistic: 'Maximum', period: 300 }))).toMatchObject({
      metricName: 'ActiveFlowCount',
      statistic: 'Maximum',
      period: 300,
    });
    expect(await plain(a.metricUnhealthyHosts())).toMatchObject({
      statistic: 'Minimum',
      dimensions: {
        TargetGroup: 'targetgroup/t5-cell-a-target-group/0123456789abcdef',
        LoadBalancer: 'app/t5-cell-a-load-balancer/0123456789abcdef',
      },
    });
    expect(await plain(a.metricConnectionsPerInstance())).toMatchObject({
      namespace: 'WebSocketTier',
      statistic: 'Average',
      dimensions: { AutoScalingGroupName: 't5-cell-a-auto-scaling-group' },
    });
    expect(await plain(n.metricRoute53HealthCheckStatus())).toMatchObject({
      statistic: 'Minimum',
      region: 'us-east-1',
      dimensions: { HealthCheckId: 't5-cell-n-route53-health-check-id' },
    });
    expect(n.metricPortAllocationErrors().metricName).toBe('PortAllocationErrorCount');
    expect(a.metricTerminatingInstances().statistic).toBe('Maximum');
  });

  test('a helper for the other load-balancer type, or a missing health check, throws naming the fix', async () => {
    let tier!: WebSocketTier;
    await recordProgram(() => {
      tier = new WebSocketTier('t6', { ...withServerStart(CONFIG), dns: { healthChecks: false }, hostedZoneId: ZONE });
    });
    expect(() => tier.cell('n').metricElb5xx()).toThrow(
      /t6-cell-n: metricElb5xx\(\) reads AWS\/ApplicationELB HTTPCode_ELB_5XX_Count, but cell "n" is an NLB cell\. Fix: call it on an ALB cell/,
    );
    expect(() => tier.cell('a').metricPortAllocationErrors()).toThrow(/cell "a" is an ALB cell\. Fix: call it on an NLB cell/);
    expect(() => tier.cell('a').metricRoute53HealthCheckStatus()).toThrow(/has none\. Fix: set dns\.healthChecks: true/);
  });
});

describe('log delivery principal and pure helpers', () => {
  test("which regions deliver ELB logs from an ELB account agrees with aws-cdk-lib's region facts", () => {
    const regions = RegionInfo.regions.map((r) => r.name);
    expect(regions.length).toBeGreaterThan(30);
    for (const region of regions) {
      expect([region, elbLogDeliveryPrincipalKind(region)]).toEqual([
        region,
        RegionInfo.get(region).elbv2Account ? 'account' : 'service-principal',
      ]);
    }
  });

  test('in a region launched after August 2022 the bucket policy names the ELB log-delivery service principal (no ELB account lookup)', async () => {
    const { recorder } = await recordProgram(() => new WebSocketTier('t4', { ...withServerStart(CONFIG), hostedZoneId: ZONE }), {
      'aws:index/getRegion:getRegion': () => ({ region: 'ap-south-2', name: 'ap-south-2', id: 'ap-south-2' }),
      'aws:elb/getServiceAccount:getServiceAccount': () => {
        throw new Error('ap-south-2 has no ELB account; getServiceAccount must not be called');
      },
    });
    const policy = JSON.parse(recorder.named('t4-log-bucket-policy').inputs.policy);
    expect(policy.Statement[1]).toMatchObject({
      Sid: 'ElbLogDelivery',
      Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
      Action: 's3:PutObject',
    });
  });

  test('dashboard names keep only the characters CloudWatch accepts and at most 255 of them', () => {
    expect(dashboardName('my.project', 'prod/eu', 'chat-dashboard')).toBe('my-project-prod-eu-chat-dashboard');
    expect(dashboardName('p', 's', 'x'.repeat(300))).toHaveLength(255);
  });

  test('dashboardBody: a text line per row title, graphs left to right wrapping at 24 columns, "not configured" text for empty graphs', () => {
    const rows = [
      {
        title: 'R',
        widgets: [
          {
            title: 'w1',
            width: 16,
            height: 6,
            stacked: false,
            metrics: [
              {
                cell: 'a',
                metric: {
                  namespace: 'N',
                  metricName: 'M',
                  dimensions: [{ name: 'LoadBalancer', valueOf: 'loadBalancerFullName' as const }],
                  statistic: 'Sum' as const,
                  periodSeconds: 60,
                },
              },
            ],
          },
          { title: 'w2', width: 16, height: 4, stacked: true, metrics: [] },
        ],
      },
    ];
    const body = dashboardBody(rows, new Map([['a', { loadBalancerFullName: 'app/x/1' }]]), 'eu-west-1');
    expect(body.widgets.map((w) => [w.type, w.x, w.y, w.width, w.height])).toEqual([
      ['text', 0, 0, 24, 1],
      ['metric', 0, 1, 16, 6],
      ['text', 0, 7, 16, 4],
    ]);
    expect(body.widgets[1].properties).toEqual({
      view: 'timeSeries',
      title: 'w1',
      region: 'eu-west-1',
      stacked: false,
      metrics: [['N', 'M', 'LoadBalancer', 'app/x/1', { stat: 'Sum', period: 60 }]],
    });
    expect(body.widgets[2].properties.markdown).toBe('**w2**\n\nNot configured for this cell.');
  });
});
