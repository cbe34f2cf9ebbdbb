/**
 * Operations rendered by the CDK constructs: dashboard, alarms (inventory, thresholds, switching
 * off, SNS actions, the us-east-1 Route 53 metric), log bucket and load-balancer logs, WAF on ALB
 * cells, deletion protection, LCU reservation and the metric helpers.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { WebSocketTier } from '../../lib/cdk';
import type { TierConfig } from '../../lib/core/config';
import { ALARM_KEYS, type AlarmKey, type OperationsConfig } from '../../lib/core/operations';
import { createTestApp, TEST_ZONE, tierStack, type TierStack, withServerStart } from '../helpers/cdk-app';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };

/** Cell a: ALB; cell b: NLB (TLS listener); Route 53 health checks on. */
function mixed(operations?: OperationsConfig): TierConfig {
  return {
    domainName: 'ws.example.com',
    cells: [
      { name: 'a', loadBalancerType: 'application' },
      { name: 'b', loadBalancerType: 'network' },
    ],
    dns: { healthChecks: true },
    operations,
  };
}

/** Properties of the alarm whose metric has this name in cell `cell` (by logical id prefix). */
function alarmOn(template: Template, cell: string, metricName: string): Record<string, unknown> {
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(
    ([id, r]) => id.startsWith(`TierCell${cell}`) && (r.Properties as { MetricName?: string }).MetricName === metricName,
  );
  expect(alarms).toHaveLength(1);
  return alarms[0][1].Properties as Record<string, unknown>;
}

function lbAttributes(template: Template, type: 'application' | 'network'): Record<string, unknown> {
  const lbs = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer', { Properties: { Type: type } }));
  expect(lbs).toHaveLength(1);
  const attrs = (lbs[0].Properties as { LoadBalancerAttributes: { Key: string; Value: unknown }[] }).LoadBalancerAttributes;
  return Object.fromEntries(attrs.map((a) => [a.Key, a.Value]));
}

describe('alarms', () => {
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(mixed(), {}, { env: US_EAST_1 });
  });

  test('ALB cell inventory: rejected, unhealthy, ELB 5xx, reconnect storm, per-instance, Route 53', () => {
    expect(Object.keys(t.tier.cell('a').alarms).sort()).toEqual(
      ['connectionsPerInstance', 'elb5xx', 'newConnectionSpike', 'rejectedConnections', 'route53HealthCheck', 'unhealthyHosts'].sort(),
    );
  });

  test('NLB cell inventory: unhealthy, port allocation, reconnect storm, per-instance, Route 53', () => {
    expect(Object.keys(t.tier.cell('b').alarms).sort()).toEqual(
      ['connectionsPerInstance', 'newConnectionSpike', 'portAllocationErrors', 'route53HealthCheck', 'unhealthyHosts'].sort(),
    );
    t.template.resourceCountIs('AWS::CloudWatch::Alarm', 11);
  });

  test('rejected connections: Sum > 0 in one minute', () => {
    expect(alarmOn(t.template, 'a', 'RejectedConnectionCount')).toMatchObject({
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test('unhealthy hosts: Minimum > 0 for 2 of 2 minutes, on the target group and load balancer', () => {
    const p = alarmOn(t.template, 'b', 'UnHealthyHostCount');
    expect(p).toMatchObject({
      Namespace: 'AWS/NetworkELB',
      Statistic: 'Minimum',
      Threshold: 0,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    expect((p.Dimensions as { Name: string }[]).map((d) => d.Name).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
  });

  test('NLB port allocation errors: Sum > 0', () => {
    expect(alarmOn(t.template, 'b', 'PortAllocationErrorCount')).toMatchObject({
      Namespace: 'AWS/NetworkELB',
      Statistic: 'Sum',
      Threshold: 0,
    });
  });

  test('ELB 5xx: Sum > 10 per minute in 3 of 5', () => {
    expect(alarmOn(t.template, 'a', 'HTTPCode_ELB_5XX_Count')).toMatchObject({
      Statistic: 'Sum',
      Threshold: 10,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  test('reconnect storm: 25 % of maxCapacity × target per minute, both legs on ALB', () => {
    // Defaults: maxCapacity 10, target 10,000 → 100,000 planned connections.
    expect(alarmOn(t.template, 'a', 'NewConnectionCount')).toMatchObject({ Statistic: 'Sum', Threshold: 50000 });
    expect(alarmOn(t.template, 'b', 'NewFlowCount')).toMatchObject({ Statistic: 'Sum', Threshold: 25000 });
  });

  test('connections per instance: server gauge Average above 90 % of the per-instance maximum (target / 0.7)', () => {
    expect(alarmOn(t.template, 'a', 'ActiveConnections')).toMatchObject({
      Namespace: 'WebSocketTier',
      Statistic: 'Average',
      Threshold: Math.ceil((0.9 * 10000) / 0.7),
      EvaluationPeriods: 3,
    });
  });

  test('Route 53 health check: Minimum < 1 on the cell health check, created unconditionally in us-east-1', () => {
    const p = alarmOn(t.template, 'a', 'HealthCheckStatus');
    expect(p).toMatchObject({
      Namespace: 'AWS/Route53',
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(p.Dimensions).toEqual([{ Name: 'HealthCheckId', Value: { Ref: expect.stringMatching(/^TierCellaRoute53HealthCheck/) } }]);
    expect(Object.keys(t.template.toJSON().Conditions ?? {})).toEqual([]);
  });

  test('no alarm has actions without a topic', () => {
    for (const alarm of Object.values(t.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm.Properties as { AlarmActions?: unknown }).AlarmActions).toBeUndefined();
    }
  });

  test('tuning changes threshold, periods and datapoints of one alarm', () => {
    const tuned = tierStack(mixed({ alarms: { elb5xx: { threshold: 50, evaluationPeriods: 2, datapointsToAlarm: 2 } } }));
    expect(alarmOn(tuned.template, 'a', 'HTTPCode_ELB_5XX_Count')).toMatchObject({
      Threshold: 50,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });
});

describe('switching alarms off', () => {
  test.each(ALARM_KEYS.map((k) => [k]))('%s: enabled false removes it from every cell', (key: AlarmKey) => {
    const on = tierStack(mixed()).tier;
    const off = tierStack(mixed({ alarms: { [key]: { enabled: false } } }));
    const before = on.cells.filter((c) => c.alarms[key] !== undefined).length;
    expect(before).toBeGreaterThan(0);
    for (const cell of off.tier.cells) expect(cell.alarms[key]).toBeUndefined();
    const total = on.cells.reduce((n, c) => n + Object.keys(c.alarms).length, 0);
    off.template.resourceCountIs('AWS::CloudWatch::Alarm', total - before);
  });
});

describe('alarm actions', () => {
  test('an SNS topic given as a construct is notified on ALARM and OK', () => {
    const stack = new Stack(createTestApp(), 'Test');
    const topic = new sns.Topic(stack, 'Alerts');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    new WebSocketTier(stack, 'Tier', { ...withServerStart(oneAlb()), hostedZone, alarmTopic: topic });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      const p = a.Properties as { AlarmActions: unknown[]; OKActions: unknown[] };
      expect(p.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
      expect(p.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    }
  });

  test('operations.alarmTopicArn is used when no topic construct is given', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ops-pager';
    const t = tierStack(mixed({ alarmTopicArn: arn }));
    t.template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [arn], OKActions: [arn] });
  });
});

function oneAlb(operations?: OperationsConfig): TierConfig {
  return { domainName: 'ws.example.com', cells: [{ name: 'a' }], operations };
}

describe('Route 53 alarm region (metric exists only in us-east-1)', () => {
  test('env-agnostic stack: the alarm carries a condition on AWS::Region = us-east-1', () => {
    const t = tierStack(mixed());
    const conditions = t.template.toJSON().Conditions as Record<string, unknown>;
    expect(conditions).toEqual({ Route53MetricsRegionuseast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } });
    const r53 = Object.values(t.template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => (a.Properties as { MetricName: string }).MetricName === 'HealthCheckStatus',
    );
    expect(r53).toHaveLength(2);
    for (const a of r53) expect(a.Condition).toBe('Route53MetricsRegionuseast1');
  });

  test('stack pinned to another region: no Route 53 alarm, an info note instead', () => {
    const t = tierStack(mixed(), {}, { env: ENV });
    expect(t.tier.cell('a').alarms.route53HealthCheck).toBeUndefined();
    Annotations.fromStack(t.stack).hasInfo('/Test/Tier/Cell-a', Match.stringLikeRegexp('exists only in us-east-1'));
  });
});

describe('dashboard', () => {
  let t: TierStack;
  let body: string;
  beforeAll(() => {
    t = tierStack(mixed());
    const dashboards = Object.values(t.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    body = JSON.stringify(dashboards[0].Properties);
  });

  test('one dashboard per tier, exposed as tier.dashboard', () => {
    expect(t.tier.dashboard).toBeDefined();
  });

  test('a summary row and one row per cell', () => {
    for (const title of ['## Tier summary', '## Cell a (ALB)', '## Cell b (NLB)']) expect(body).toContain(title);
  });

  test('cell rows hold the WebSocket metrics of their load balancer type', () => {
    for (const metric of [
      'RejectedConnectionCount',
      'TargetConnectionErrorCount',
      'HTTPCode_ELB_5XX_Count',
      'PortAllocationErrorCount',
      'TCP_ELB_Reset_Count',
      'UnHealthyHostCount',
      'GroupTerminatingInstances',
      'ActiveConnections',
    ]) {
      expect(body).toContain(metric);
    }
  });

  test('Route 53 status is read from us-east-1', () => {
    expect(body).toMatch(/HealthCheckStatus[^\]]*us-east-1/);
  });

  test('operations.dashboard false: no dashboard', () => {
    const off = tierStack(mixed({ dashboard: false }));
    off.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(off.tier.dashboard).toBeUndefined();
  });
});

describe('logs', () => {
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(mixed(), {}, { env: ENV });
  });

  test('one log bucket: SSE-S3, all public access blocked, expiring after 90 days', () => {
    t.template.resourceCountIs('AWS::S3::Bucket', 1);
    t.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })]) },
    });
    expect(t.tier.logBucket).toBeDefined();
  });

  test('the bucket refuses non-TLS requests', () => {
    t.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('ALB: access and connection logs under <cell>/access and <cell>/connection', () => {
    const attrs = lbAttributes(t.template, 'application');
    expect(attrs).toMatchObject({
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.prefix': 'a/access',
      'connection_logs.s3.enabled': 'true',
      'connection_logs.s3.prefix': 'a/connection',
    });
    expect(attrs['access_logs.s3.bucket']).toEqual({ Ref: expect.stringMatching(/^TierLogBucket/) });
  });

  test('NLB: access logs only', () => {
    const attrs = lbAttributes(t.template, 'network');
    expect(attrs).toMatchObject({ 'access_logs.s3.enabled': 'true', 'access_logs.s3.prefix': 'b/access' });
    expect(attrs['connection_logs.s3.enabled']).toBeUndefined();
  });

  test('retentionDays sets the lifecycle expiration', () => {
    const r = tierStack(mixed({ accessLogs: { retentionDays: 14 } }), {}, { env: ENV });
    r.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 14 })]) },
    });
  });

  test('switched off: no bucket, no log attributes', () => {
    const off = tierStack(mixed({ accessLogs: { enabled: false } }), {}, { env: ENV });
    off.template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(lbAttributes(off.template, 'application')['access_logs.s3.enabled']).toBeUndefined();
    expect(off.tier.logBucket).toBeUndefined();
  });

  test('env-agnostic stack: no bucket, and the tier warns once that logs need a region', () => {
    const agnostic = tierStack(mixed());
    agnostic.template.resourceCountIs('AWS::S3::Bucket', 0);
    const ann = Annotations.fromStack(agnostic.stack);
    const pattern = Match.stringLikeRegexp('environment-agnostic.*env: \\{ region.*access-logs-need-region');
    ann.hasWarning('/Test/Tier', pattern);
    expect(ann.findWarning('*', pattern)).toHaveLength(1);
  });

  test('env-agnostic stack with logs off: no warning', () => {
    const quiet = tierStack(mixed({ accessLogs: { enabled: false } }));
    Annotations.fromStack(quiet.stack).hasNoWarning('*', Match.stringLikeRegexp('access-logs-need-region'));
  });
});

describe('WAF', () => {
  test('off by default: no web ACL', () => {
    const t = tierStack(mixed());
    t.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  test('on: one regional ACL with the common rule set and an upgrade rate limit, associated only with ALB cells', () => {
    const t = tierStack(mixed({ waf: { enabled: true, rateLimitPer5Minutes: 1200 } }));
    t.template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    t.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } }],
            },
          },
        }),
        Match.objectLike({
          Name: 'UpgradeRateLimit',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: 1200,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  FieldToMatch: { SingleHeader: { Name: 'upgrade' } },
                  SearchString: 'websocket',
                  PositionalConstraint: 'CONTAINS',
                }),
              },
            }),
          },
        }),
      ],
    });
    t.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    t.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('TierCellaLoadBalancer') },
    });
    expect(t.tier.cell('a').webAclAssociation).toBeDefined();
    expect(t.tier.cell('b').webAclAssociation).toBeUndefined();
  });
});

describe('deletion protection and LCU reservation', () => {
  test('deletion protection is on by default on ALB and NLB', () => {
    const t = tierStack(mixed());
    expect(lbAttributes(t.template, 'application')['deletion_protection.enabled']).toBe('true');
    expect(lbAttributes(t.template, 'network')['deletion_protection.enabled']).toBe('true');
  });

  test('deletionProtection false turns it off', () => {
    const t = tierStack(mixed({ deletionProtection: false }));
    expect(lbAttributes(t.template, 'application')['deletion_protection.enabled']).toBe('false');
  });

  test('no LCU reservation by default; minimumCapacityUnits reserves per cell', () => {
    const none = tierStack(mixed());
    none.template.resourcePropertiesCountIs(
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      { MinimumLoadBalancerCapacity: Match.anyValue() },
      0,
    );
    const t = tierStack(mixed({ minimumCapacityUnits: { a: 150 } }));
    t.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      MinimumLoadBalancerCapacity: { CapacityUnits: 150 },
    });
    t.template.resourcePropertiesCountIs(
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      { Type: 'network', MinimumLoadBalancerCapacity: Match.anyValue() },
      0,
    );
  });
});

describe('metric helpers', () => {
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(mixed());
  });

  test('ALB helpers state their namespace and statistic', () => {
    const a = t.tier.cell('a');
    expect(a.metricRejectedConnections()).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metricName: 'RejectedConnectionCount',
      statistic: 'Sum',
    });
    expect(a.metricElb5xx()).toMatchObject({ metricName: 'HTTPCode_ELB_5XX_Count', statistic: 'Sum' });
    expect(a.metricTargetConnectionErrors()).toMatchObject({ metricName: 'TargetConnectionErrorCount' });
    expect(a.metricUnhealthyHosts()).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      statistic: 'Minimum',
    });
    expect(Object.keys(a.metricUnhealthyHosts().dimensions ?? {}).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
  });

  test('NLB helpers; options override the statistic', () => {
    const b = t.tier.cell('b');
    expect(b.metricPortAllocationErrors()).toMatchObject({
      namespace: 'AWS/NetworkELB',
      metricName: 'PortAllocationErrorCount',
      statistic: 'Sum',
    });
    expect(b.metricHealthyHosts({ statistic: 'Maximum' })).toMatchObject({ namespace: 'AWS/NetworkELB', statistic: 'Maximum' });
    expect(b.metricTerminatingInstances()).toMatchObject({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupTerminatingInstances',
      statistic: 'Maximum',
    });
  });

  test('Route 53 status helper reads us-east-1', () => {
    expect(t.tier.cell('a').metricRoute53HealthCheckStatus()).toMatchObject({
      namespace: 'AWS/Route53',
      region: 'us-east-1',
      statistic: 'Minimum',
    });
  });

  test('a helper for the other load balancer type throws naming the cell and the fix', () => {
    expect(() => t.tier.cell('b').metricRejectedConnections()).toThrow(
      /metricRejectedConnections\(\).*cell "b" is an NLB cell.*Fix: call it on an ALB cell/,
    );
    expect(() => t.tier.cell('a').metricPortAllocationErrors()).toThrow(/cell "a" is an ALB cell/);
  });

  test('the Route 53 helper throws without a health check', () => {
    const plain = tierStack(oneAlb());
    expect(() => plain.tier.cell('a').metricRoute53HealthCheckStatus()).toThrow(/has none\. Fix: set dns\.healthChecks: true/);
  });
});
