/**
 * Operations in core: defaults, validation (one row per rule), alarm descriptors and thresholds,
 * the dashboard layout, and how they land on the resolved tier.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  ALARM_KEYS,
  type AlarmKey,
  errorsOf,
  type Issue,
  OPERATIONS_DEFAULTS,
  type OperationsConfig,
  resolveTier,
  type TierConfig,
  validateOperations,
  validateTier,
} from '../../lib/core';
import { alb, isLate, late, LATE, LATE_NUMBER, nlbTcp, nlbTls, tier } from './fixtures';
import { OPERATIONS_ROWS as ROWS, type OperationsRow as Row } from './operations-rows';

const withOps = (operations: OperationsConfig, cells = [alb('a'), nlbTls('n')]): TierConfig => tier({ cells, operations });
const alarmKeys = (config: TierConfig, cell = 0): AlarmKey[] => resolveTier(config).cells[cell].operations.alarms.map((a) => a.key);

describe('defaults', () => {
  const plan = resolveTier(tier({ cells: [alb('a'), nlbTls('n'), nlbTcp('t')] }));

  test('deletion protection on, no LCU reservation, no WAF association', () => {
    for (const c of plan.cells) {
      expect(c.operations.deletionProtection).toBe(true);
      expect(c.operations.minimumCapacityUnits).toBeUndefined();
      expect(c.operations.webAclAssociation).toBe(false);
    }
    expect(plan.operations.webAcl).toBeUndefined();
  });

  test('logs on: one SSE-S3, TLS-only, private bucket for 90 days; ALB access + connection prefixes, NLB access only', () => {
    expect(plan.operations.logBucket).toEqual({ retentionDays: 90, encryption: 'S3_MANAGED', enforceSsl: true, blockPublicAccess: true });
    expect(plan.cells.map((c) => [c.operations.accessLogPrefix, c.operations.connectionLogPrefix])).toEqual([
      ['a/access', 'a/connection'],
      ['n/access', undefined],
      ['t/access', undefined],
    ]);
  });

  test('no alarm topic; dashboard on', () => {
    expect(plan.operations.alarmTopicArn).toBeUndefined();
    expect(plan.operations.dashboard?.rows.length).toBe(4);
  });

  test('the defaults table matches the documented values', () => {
    expect(OPERATIONS_DEFAULTS).toMatchObject({
      dashboard: true,
      accessLogs: { enabled: true, retentionDays: 90 },
      waf: { enabled: false, rateLimitPer5Minutes: 600 },
      deletionProtection: true,
    });
  });
});

describe('alarm inventory per cell type', () => {
  test('ALB cell: rejected, unhealthy, 5xx, storm, per-instance (no NLB alarm, no Route 53 without health checks)', () => {
    expect(alarmKeys(tier({ cells: [alb('a')] }))).toEqual([
      'rejectedConnections',
      'unhealthyHosts',
      'elb5xx',
      'newConnectionSpike',
      'connectionsPerInstance',
    ]);
  });

  test('NLB cell: unhealthy, port allocation, storm, per-instance', () => {
    expect(alarmKeys(tier({ cells: [nlbTls('n')] }))).toEqual([
      'unhealthyHosts',
      'portAllocationErrors',
      'newConnectionSpike',
      'connectionsPerInstance',
    ]);
  });

  test('Route 53 health checks on add the health-check alarm on a us-east-1 metric', () => {
    const plan = resolveTier(tier({ cells: [alb('a')], dns: { healthChecks: true } }));
    const r53 = plan.cells[0].operations.alarms.find((a) => a.key === 'route53HealthCheck');
    expect(r53).toMatchObject({
      metric: {
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        statistic: 'Minimum',
        region: 'us-east-1',
        dimensions: [{ name: 'HealthCheckId', valueOf: 'route53HealthCheckId' }],
      },
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
    });
  });

  test('every alarm key is reachable by some cell type', () => {
    const plan = resolveTier(tier({ cells: [alb('a'), nlbTls('n')], dns: { healthChecks: true } }));
    const keys = new Set(plan.cells.flatMap((c) => c.operations.alarms.map((a) => a.key)));
    expect([...keys].sort()).toEqual([...ALARM_KEYS].sort());
  });
});

describe('alarm thresholds', () => {
  const byKey = (config: TierConfig, cell = 0) => new Map(resolveTier(config).cells[cell].operations.alarms.map((a) => [a.key, a]));

  test.each([
    ['rejectedConnections', 'RejectedConnectionCount', 'Sum', 0, 1, 1],
    ['unhealthyHosts', 'UnHealthyHostCount', 'Minimum', 0, 2, 2],
    ['elb5xx', 'HTTPCode_ELB_5XX_Count', 'Sum', 10, 5, 3],
  ] as const)('%s: %s %s > %d, %d periods, %d datapoints', (key, metricName, statistic, threshold, periods, datapoints) => {
    expect(byKey(tier({ cells: [alb('a')] })).get(key)).toMatchObject({
      metric: { metricName, statistic, periodSeconds: 60 },
      comparisonOperator: 'GreaterThanThreshold',
      threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
    });
  });

  test('unhealthy hosts reads the target group and load balancer dimensions', () => {
    expect(
      byKey(tier({ cells: [nlbTls('n')] }))
        .get('unhealthyHosts')
        ?.metric.dimensions.map((d) => d.valueOf),
    ).toEqual(['targetGroupFullName', 'loadBalancerFullName']);
  });

  test('NLB port allocation errors: Sum > 0', () => {
    expect(byKey(tier({ cells: [nlbTls('n')] })).get('portAllocationErrors')).toMatchObject({
      metric: { namespace: 'AWS/NetworkELB', metricName: 'PortAllocationErrorCount', statistic: 'Sum' },
      threshold: 0,
    });
  });

  test('reconnect storm = ceil(legs × 0.25 × maxCapacity × target): ALB counts 2 legs, NLB 1', () => {
    const scaling = { maxCapacity: 7, targetConnectionsPerInstance: 3333 };
    expect(byKey(tier({ cells: [alb('a')], scaling })).get('newConnectionSpike')).toMatchObject({
      metric: { metricName: 'NewConnectionCount' },
      threshold: Math.ceil(2 * 0.25 * 7 * 3333),
    });
    expect(byKey(tier({ cells: [nlbTls('n')], scaling })).get('newConnectionSpike')).toMatchObject({
      metric: { metricName: 'NewFlowCount' },
      threshold: Math.ceil(0.25 * 7 * 3333),
    });
  });

  test('per-cell scaling overrides feed the storm threshold of that cell only', () => {
    const config = tier({ cells: [alb('a'), alb('b', { scaling: { maxCapacity: 20 } })] });
    expect(byKey(config, 0).get('newConnectionSpike')?.threshold).toBe(2 * 0.25 * 10 * 10000);
    expect(byKey(config, 1).get('newConnectionSpike')?.threshold).toBe(2 * 0.25 * 20 * 10000);
  });

  test('connections per instance = ceil(0.9 × target ÷ (1 − headroom)), on the server gauge Average', () => {
    expect(byKey(tier({ cells: [alb('a')] })).get('connectionsPerInstance')).toMatchObject({
      metric: { namespace: 'WebSocketTier', metricName: 'ActiveConnections', statistic: 'Average' },
      threshold: Math.ceil((0.9 * 10000) / 0.7),
      evaluationPeriods: 3,
    });
  });

  test('tuning replaces threshold and periods; datapoints default to min(default, periods)', () => {
    const a = byKey(withOps({ alarms: { elb5xx: { threshold: 100, evaluationPeriods: 2 } } })).get('elb5xx');
    expect(a).toMatchObject({ threshold: 100, evaluationPeriods: 2, datapointsToAlarm: 2 });
  });

  test.each(ALARM_KEYS.map((k) => [k]))('%s: enabled false removes it from every cell', (key) => {
    const plan = resolveTier(
      tier({ cells: [alb('a'), nlbTls('n')], dns: { healthChecks: true }, operations: { alarms: { [key]: { enabled: false } } } }),
    );
    for (const c of plan.cells) expect(c.operations.alarms.map((a) => a.key)).not.toContain(key);
  });

  test('every alarm has a description naming the cell and a fix', () => {
    for (const a of resolveTier(tier({ cells: [alb('a'), nlbTls('n')], dns: { healthChecks: true } })).cells.flatMap(
      (c) => c.operations.alarms,
    )) {
      expect(a.description).toMatch(/^Cell [an] of ws\.example\.com: /);
    }
  });
});

describe('edge settings', () => {
  test('WAF on: one ACL for the tier, associated with ALB cells only', () => {
    const plan = resolveTier(withOps({ waf: { enabled: true, rateLimitPer5Minutes: 100 } }));
    expect(plan.operations.webAcl).toMatchObject({
      scope: 'REGIONAL',
      managedRuleGroup: { name: 'AWSManagedRulesCommonRuleSet', countRules: ['NoUserAgent_HEADER'] },
      rateRule: { limit: 100, aggregateKeyType: 'IP', scopeDown: { header: 'upgrade', contains: 'websocket' } },
      metricPrefix: 'wst-ws-example-com',
    });
    expect(plan.cells.map((c) => c.operations.webAclAssociation)).toEqual([true, false]);
  });

  test('WAF on with only NLB cells: no ACL', () => {
    expect(resolveTier(withOps({ waf: { enabled: true } }, [nlbTls('n')])).operations.webAcl).toBeUndefined();
  });

  test('LCU reservation per cell name; deletion protection switchable; logs switchable', () => {
    const plan = resolveTier(
      withOps({
        minimumCapacityUnits: { a: 200 },
        deletionProtection: false,
        accessLogs: { enabled: false },
        dashboard: false,
        alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      }),
    );
    expect(plan.cells.map((c) => c.operations.minimumCapacityUnits)).toEqual([200, undefined]);
    expect(plan.cells.every((c) => !c.operations.deletionProtection && c.operations.accessLogPrefix === undefined)).toBe(true);
    expect(plan.operations.logBucket).toBeUndefined();
    expect(plan.operations.dashboard).toBeUndefined();
    expect(plan.operations.alarmTopicArn).toBe('arn:aws:sns:us-east-1:123456789012:t');
  });
});

describe('dashboard layout', () => {
  const rows = resolveTier(tier({ cells: [alb('a'), nlbTls('n')], dns: { healthChecks: true } })).operations.dashboard?.rows ?? [];

  test('a tier summary row, then one row per cell in config order', () => {
    expect(rows.map((r) => r.title)).toEqual(['Tier summary', 'Cell a (ALB)', 'Cell n (NLB)']);
  });

  test('summary widgets carry one metric per cell, stacked', () => {
    for (const w of rows[0].widgets) {
      expect(w.stacked).toBe(true);
      expect(w.metrics.map((m) => m.cell)).toEqual(['a', 'n']);
    }
  });

  test('each cell row is six graphs filling the 24-column grid', () => {
    for (const row of rows.slice(1)) {
      expect(row.widgets).toHaveLength(6);
      expect(row.widgets.reduce((n, w) => n + w.width, 0)).toBe(24);
    }
  });

  test('ALB row: active/new/rejected, target errors + 5xx; NLB row: flows + port allocation, resets', () => {
    const names = (i: number) => rows[i].widgets.flatMap((w) => w.metrics.map((m) => m.metric.metricName));
    expect(names(1)).toEqual(
      expect.arrayContaining([
        'ActiveConnectionCount',
        'NewConnectionCount',
        'RejectedConnectionCount',
        'TargetConnectionErrorCount',
        'HTTPCode_ELB_5XX_Count',
      ]),
    );
    expect(names(2)).toEqual(
      expect.arrayContaining([
        'ActiveFlowCount',
        'NewFlowCount',
        'PortAllocationErrorCount',
        'TCP_ELB_Reset_Count',
        'TCP_Target_Reset_Count',
      ]),
    );
    for (const i of [1, 2]) {
      expect(names(i)).toEqual(
        expect.arrayContaining([
          'HealthyHostCount',
          'UnHealthyHostCount',
          'HealthCheckStatus',
          'GroupInServiceInstances',
          'GroupTerminatingInstances',
          'ActiveConnections',
        ]),
      );
    }
  });

  test('a cell without a Route 53 health check has an empty health-check graph', () => {
    const plain = resolveTier(tier({ cells: [alb('a')] })).operations.dashboard?.rows ?? [];
    expect(plain[1].widgets.find((w) => w.title === 'Route 53 health check')?.metrics).toEqual([]);
  });
});

describe('validation', () => {
  test.each(ROWS.map((r) => [r.code, r.what, r]))('%s: %s', (_code, _what, row) => {
    const r = row as Row;
    const config = tier({ cells: r.cells ?? [alb('a'), nlbTls('n')], operations: late<OperationsConfig>(r.operations) });
    const issues = validateTier(config);
    const hit = issues.find((i: Issue) => i.code === r.code && i.path === r.path);
    expect(hit).toBeDefined();
    expect(hit?.severity).toBe(r.severity);
    expect(hit?.message).toMatch(r.message);
    expect(hit?.message).toContain('Fix');
  });

  test('every code operations.ts emits has a row', () => {
    const src = readFileSync(join(__dirname, '../../lib/core/operations/validate.ts'), 'utf8');
    const emitted = new Set([...src.matchAll(/\b(?:error|warn)\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]));
    const tested = new Set(ROWS.map((r) => r.code));
    expect([...emitted].filter((c) => !tested.has(c)).sort()).toEqual([]);
  });

  test('a valid, fully tuned operations block has no issues', () => {
    const ops: OperationsConfig = {
      alarms: { elb5xx: { threshold: 25, evaluationPeriods: 10, datapointsToAlarm: 5 }, route53HealthCheck: { enabled: false } },
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-pager',
      accessLogs: { retentionDays: 30 },
      waf: { enabled: true, rateLimitPer5Minutes: 1000 },
      minimumCapacityUnits: { a: 100, t: 5500 },
      deletionProtection: false,
      dashboard: true,
    };
    expect(validateTier(tier({ cells: [alb('a'), nlbTcp('t')], healthCheck: { port: 8081 }, operations: ops }))).toEqual([]);
  });

  test('late-bound values are not checked', () => {
    const ops = {
      alarms: { elb5xx: { threshold: LATE_NUMBER, evaluationPeriods: LATE_NUMBER } },
      alarmTopicArn: LATE,
      accessLogs: { retentionDays: LATE_NUMBER },
    };
    expect(validateOperations(tier({ operations: late<OperationsConfig>(ops) }), isLate)).toEqual([]);
    expect(validateOperations(tier({ operations: late<OperationsConfig>(LATE) }), isLate)).toEqual([]);
  });

  test('issues reach planTier through validateTier (errors stop resolution)', () => {
    expect(errorsOf(validateTier(withOps({ alarms: late({ nope: {} }) }))).map((i) => i.code)).toEqual(['alarm-unknown']);
  });
});

describe('late-bound capacity', () => {
  test('derived thresholds of late-bound scaling leave the alarm out unless a threshold is given', () => {
    const scaling = { maxCapacity: LATE_NUMBER };
    expect(alarmKeys(tier({ cells: [alb('a')], scaling }))).not.toContain('newConnectionSpike');
    const tuned = resolveTier(tier({ cells: [alb('a')], scaling, operations: { alarms: { newConnectionSpike: { threshold: 5000 } } } }));
    expect(tuned.cells[0].operations.alarms.find((a) => a.key === 'newConnectionSpike')?.threshold).toBe(5000);
  });
});

describe('VPC flow logs (operations.vpcFlowLogs)', () => {
  test('default: rejected flows only, 30 days, to CloudWatch Logs', () => {
    expect(resolveTier(tier()).operations.vpcFlowLog).toEqual({
      trafficType: 'REJECT',
      retentionDays: 30,
      destination: 'cloud-watch-logs',
    });
    expect(OPERATIONS_DEFAULTS.vpcFlowLogs).toEqual({ enabled: true, trafficType: 'REJECT', retentionDays: 30 });
  });

  test('tuned and switched off', () => {
    expect(resolveTier(tier({ operations: { vpcFlowLogs: { trafficType: 'ALL', retentionDays: 365 } } })).operations.vpcFlowLog).toEqual({
      trafficType: 'ALL',
      retentionDays: 365,
      destination: 'cloud-watch-logs',
    });
    expect(resolveTier(tier({ operations: { vpcFlowLogs: { enabled: false } } })).operations.vpcFlowLog).toBeUndefined();
  });
});
