/**
 * `checkRendered()` on a renderer-neutral view: one row per rule (the meta-test below demands a row
 * for every code), acknowledgements, absent and late-bound values.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
  checkRendered,
  type Issue,
  RENDERED_ISSUE_CODES,
  RENDERED_RULES,
  type RenderedCellView,
  type RenderedTierView,
  renderedCheckOptions,
  resolveTier,
  type ResolvedCell,
  type ResolvedTier,
  type TierConfig,
} from '../../lib/core';
import { alb, nlbTcp, nlbTls, tier } from './fixtures';

type Mutable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? Mutable<U>[] : T[K] extends object ? Mutable<T[K]> : T[K];
};
type CellView = Mutable<RenderedCellView>;

/** The view an untouched renderer produces from the resolved cell (what both renderers write). */
function viewOf(t: ResolvedTier, c: ResolvedCell): CellView {
  const p = `Tier/Cell-${c.name}`;
  const tg = c.targetGroup;
  const isNlb = c.loadBalancerType === 'network';
  return {
    name: c.name,
    loadBalancers: [
      {
        path: `${p}/LoadBalancer`,
        type: c.loadBalancerType,
        idleTimeoutSeconds: isNlb ? undefined : String(c.albIdleTimeoutSeconds),
        crossZoneEnabled: isNlb ? 'true' : undefined,
      },
    ],
    listeners: [
      {
        path: `${p}/Listener`,
        port: 443,
        protocol: c.listener.protocol,
        tlsPolicy: c.listener.tlsPolicy,
        tcpIdleTimeoutSeconds: c.listener.tcpIdleTimeoutSeconds !== undefined ? String(c.listener.tcpIdleTimeoutSeconds) : undefined,
      },
    ],
    targetGroups: [
      {
        path: `${p}/TargetGroup`,
        deregistrationDelaySeconds: String(tg.deregistrationDelaySeconds),
        stickinessEnabled: String(tg.stickiness !== undefined),
        stickinessType: tg.stickiness?.type,
        connectionTermination: isNlb ? String(c.targetGroup.connectionTermination) : undefined,
        unhealthyConnectionTermination: isNlb ? String(c.targetGroup.unhealthyConnectionTermination) : undefined,
        healthCheck: {
          enabled: true,
          protocol: tg.healthCheck.protocol,
          path: tg.healthCheck.path,
          port: String(tg.healthCheck.port),
          intervalSeconds: tg.healthCheck.intervalSeconds,
          timeoutSeconds: tg.healthCheck.timeoutSeconds,
          healthyThresholdCount: tg.healthCheck.healthyThresholdCount,
          unhealthyThresholdCount: tg.healthCheck.unhealthyThresholdCount,
          healthyHttpCodes: tg.healthCheck.healthyHttpCodes,
        },
      },
    ],
    autoScalingGroups: [
      { path: `${p}/AutoScalingGroup`, healthCheckType: 'ELB', healthCheckGracePeriodSeconds: c.autoScaling.healthCheckGracePeriodSeconds },
    ],
    lifecycleHooks: [
      {
        path: `${p}/TerminationHook`,
        lifecycleTransition: c.autoScaling.lifecycleHook.lifecycleTransition,
        heartbeatTimeoutSeconds: c.autoScaling.lifecycleHook.heartbeatTimeoutSeconds,
        defaultResult: c.autoScaling.lifecycleHook.defaultResult,
      },
    ],
    launchTemplates: [{ path: `${p}/LaunchTemplate`, httpTokens: 'required' }],
    records: [
      {
        path: `${p}/WeightedRecord`,
        name: `${t.domainName}.`,
        setIdentifier: c.dns.setIdentifier,
        weight: c.dns.weight,
        evaluateTargetHealth: true,
        alias: true,
      },
      { path: `${p}/CellRecord`, name: `${c.dns.cellDomainName}.`, evaluateTargetHealth: true, alias: true },
    ],
  };
}

function run(config: TierConfig, mutate: (cell: CellView) => void = () => undefined): Issue[] {
  const t = resolveTier(config);
  const cells = t.cells.map((c) => viewOf(t, c));
  mutate(cells[0]);
  const view: RenderedTierView = { cells };
  return checkRendered(t, view, renderedCheckOptions(config));
}

interface Row {
  readonly code: string;
  readonly what: string;
  readonly config?: TierConfig;
  readonly mutate: (cell: CellView) => void;
  readonly path: string;
  readonly message: RegExp;
}

const A = 'Tier/Cell-a';
const N = 'Tier/Cell-n';
const T = 'Tier/Cell-t';
const TCP = tier({ cells: [nlbTcp('t')], healthCheck: { port: 8081 } });
const NLB = tier({ cells: [nlbTls('n')] });

const ROWS: Row[] = [
  {
    code: 'rendered-idle-timeout-not-above-ping',
    what: 'ALB idle 10 s',
    mutate: (c) => (c.loadBalancers[0].idleTimeoutSeconds = '10'),
    path: `${A}/LoadBalancer`,
    message: /idle_timeout.timeout_seconds is 10 s .*resolved 120 s\), not above the 25 s ping/,
  },
  {
    code: 'rendered-idle-timeout-not-above-ping',
    what: 'NLB TCP listener idle removed is the AWS default 350 s: fine; 20 s is not',
    config: TCP,
    mutate: (c) => (c.listeners[0].tcpIdleTimeoutSeconds = 20),
    path: `${T}/Listener`,
    message: /tcp.idle_timeout.seconds is 20 s .*resolved 600 s/,
  },
  {
    code: 'rendered-idle-timeout-not-below-keep-alive',
    what: 'ALB idle raised to the keep-alive',
    mutate: (c) => (c.loadBalancers[0].idleTimeoutSeconds = '125'),
    path: `${A}/LoadBalancer`,
    message: /125 s .*keep-alive timeout of 125 s \(WST_KEEP_ALIVE_TIMEOUT_SECONDS\).*502/,
  },
  {
    code: 'rendered-deregistration-delay-below-drain',
    what: 'ALB delay 5 s',
    mutate: (c) => (c.targetGroups[0].deregistrationDelaySeconds = '5'),
    path: `${A}/TargetGroup`,
    message: /5 s .*resolved 330 s\), below the drain window plus grace \(300 \+ 30 = 330 s\)/,
  },
  {
    code: 'rendered-deregistration-delay-below-drain',
    what: 'NLB termination on with the 120 s delay',
    config: NLB,
    mutate: (c) => (c.targetGroups[0].connectionTermination = 'true'),
    path: `${N}/TargetGroup`,
    message: /120 s with deregistration_delay.connection_termination.enabled true/,
  },
  {
    code: 'rendered-lifecycle-heartbeat-below-drain',
    what: 'heartbeat 60 s',
    mutate: (c) => (c.lifecycleHooks[0].heartbeatTimeoutSeconds = 60),
    path: `${A}/TerminationHook`,
    message: /HeartbeatTimeout is 60 s .*resolved 330 s/,
  },
  {
    code: 'rendered-lifecycle-default-result-not-continue',
    what: 'DefaultResult removed (AWS default ABANDON)',
    mutate: (c) => (c.lifecycleHooks[0].defaultResult = undefined),
    path: `${A}/TerminationHook`,
    message: /DefaultResult is absent \(AWS default "ABANDON"\)/,
  },
  {
    code: 'rendered-lifecycle-hook-missing',
    what: 'hook deleted',
    mutate: (c) => (c.lifecycleHooks = []),
    path: `${A}/AutoScalingGroup`,
    message: /no autoscaling:EC2_INSTANCE_TERMINATING lifecycle hook/,
  },
  {
    code: 'rendered-stickiness-off',
    what: 'stickiness off under long-polling',
    config: tier({ connection: { longPollingFallback: true } }),
    mutate: (c) => (c.targetGroups[0].stickinessEnabled = 'false'),
    path: `${A}/TargetGroup`,
    message: /stickiness.enabled is false .*resolved lb_cookie stickiness\); connection.longPollingFallback is on/,
  },
  {
    code: 'rendered-nlb-unhealthy-termination-on',
    what: 'attribute removed (AWS default true)',
    config: NLB,
    mutate: (c) => (c.targetGroups[0].unhealthyConnectionTermination = undefined),
    path: `${N}/TargetGroup`,
    message: /is absent \(AWS default true\)/,
  },
  {
    code: 'rendered-cross-zone-off',
    what: 'NLB cross-zone off',
    config: NLB,
    mutate: (c) => (c.loadBalancers[0].crossZoneEnabled = 'false'),
    path: `${N}/LoadBalancer`,
    message: /load_balancing.cross_zone.enabled is false in the rendered network load balancer/,
  },
  {
    code: 'rendered-cross-zone-off',
    what: 'target-group cross-zone off on an ALB',
    mutate: (c) => (c.targetGroups[0].crossZoneEnabled = 'false'),
    path: `${A}/TargetGroup`,
    message: /"false" in the rendered target group/,
  },
  {
    code: 'rendered-health-check-changed',
    what: 'port moved to traffic-port of another target port',
    config: tier({ healthCheck: { port: 8081 } }),
    mutate: (c) => (c.targetGroups[0].healthCheck.port = 'traffic-port'),
    path: `${A}/TargetGroup`,
    message: /the port is "traffic-port" \(resolved 8081\)/,
  },
  {
    code: 'rendered-health-check-changed',
    what: 'health check disabled',
    mutate: (c) => (c.targetGroups[0].healthCheck.enabled = false),
    path: `${A}/TargetGroup`,
    message: /HealthCheckEnabled is false \(resolved true\)/,
  },
  {
    code: 'rendered-health-check-out-of-range',
    what: 'unhealthy threshold 1',
    mutate: (c) => (c.targetGroups[0].healthCheck.unhealthyThresholdCount = 1),
    path: `${A}/TargetGroup`,
    message: /UnhealthyThresholdCount is 1; allowed 2–10 .*resolved 3\)\. Fix:/,
  },
  {
    code: 'rendered-health-check-timeout-not-below-interval',
    what: 'timeout 10 s, interval 10 s',
    mutate: (c) => (c.targetGroups[0].healthCheck.timeoutSeconds = 10),
    path: `${A}/TargetGroup`,
    message: /HealthCheckTimeoutSeconds is 10 s but HealthCheckIntervalSeconds is 10 s/,
  },
  {
    code: 'rendered-health-check-grace-too-short',
    what: 'grace removed (CloudFormation default 0)',
    mutate: (c) => (c.autoScalingGroups[0].healthCheckGracePeriodSeconds = undefined),
    path: `${A}/AutoScalingGroup`,
    message: /HealthCheckGracePeriod is absent \(AWS default 0 s\) .*30 s a new instance needs/,
  },
  {
    code: 'rendered-tls-policy-not-allowed',
    what: 'SslPolicy removed (API default legacy)',
    mutate: (c) => (c.listeners[0].tlsPolicy = undefined),
    path: `${A}/Listener`,
    message: /SslPolicy is absent \(AWS default "ELBSecurityPolicy-2016-08"\).*TLS 1.0\/1.1/,
  },
  {
    code: 'rendered-tls-policy-not-allowed',
    what: 'TLS 1.3 only with Route 53 health checks',
    config: tier({ dns: { healthChecks: true } }),
    mutate: (c) => (c.listeners[0].tlsPolicy = 'ELBSecurityPolicy-TLS13-1-3-2021-06'),
    path: `${A}/Listener`,
    message: /TLS 1.3 only while dns.healthChecks is on/,
  },
  {
    code: 'rendered-set-identifier-changed',
    what: 'set identifier removed',
    mutate: (c) => (c.records[0].setIdentifier = undefined),
    path: `${A}/WeightedRecord`,
    message: /SetIdentifier is absent .*resolved "a"/,
  },
  {
    code: 'rendered-evaluate-target-health-off',
    what: 'evaluate-target-health false on the weighted record',
    mutate: (c) => (c.records[0].evaluateTargetHealth = false),
    path: `${A}/WeightedRecord`,
    message: /EvaluateTargetHealth is false/,
  },
  {
    code: 'rendered-imdsv2-not-required',
    what: 'HttpTokens optional',
    mutate: (c) => (c.launchTemplates[0].httpTokens = 'optional'),
    path: `${A}/LaunchTemplate`,
    message: /HttpTokens is "optional" .*resolved "required"/,
  },
];

describe('checkRendered: one row per rule', () => {
  it.each(ROWS.map((r) => [r.code, r.what, r] as const))('%s (%s)', (code, _what, row) => {
    const issues = run(row.config ?? tier(), row.mutate);
    const hit = issues.find((i) => i.code === code && i.path === row.path);
    if (!hit) throw new Error(`expected ${code} at ${row.path}; got ${JSON.stringify(issues, null, 2)}`);
    expect(hit.severity).toBe('error');
    expect(hit.message).toMatch(row.message);
    expect(hit.message.startsWith(`${row.path}: `)).toBe(true);
    expect(hit.message).toMatch(/Fix: \S/);
    expect(hit.message).toContain(`acknowledge: [{ code: '${code}', cells: ['${row.path.split('Cell-')[1].split('/')[0]}'] }]`);
    // acknowledged, the same finding is a warning and says so
    const acked = run({ ...(row.config ?? tier()), acknowledge: [{ code: code as never, reason: 'on purpose' }] }, row.mutate);
    const warning = acked.find((i) => i.code === code && i.path === row.path);
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/Acknowledged in the tier's acknowledge list: on purpose\.$/);
  });

  it('every code in RENDERED_RULES has a row, is reported by check.ts, and no row names a stale code', () => {
    const dir = join(__dirname, '../../lib/core/invariants');
    const src = readdirSync(dir)
      .filter((f) => f !== 'codes.ts')
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const reported = new Set([...src.matchAll(/'(rendered-[a-z0-9-]+)'/g)].map((m) => m[1]));
    expect([...reported].sort()).toEqual([...RENDERED_ISSUE_CODES].sort());
    const tested = new Set(ROWS.map((r) => r.code));
    expect(RENDERED_ISSUE_CODES.filter((c) => !tested.has(c))).toEqual([]);
    expect([...tested].filter((c) => !(c in RENDERED_RULES))).toEqual([]);
  });
});

describe('checkRendered: what is not reported', () => {
  it.each([
    ['ALB', tier()],
    ['NLB TLS', NLB],
    ['NLB TCP', TCP],
    [
      'mixed, long-polling, dual-stack, Route 53 checks',
      tier({
        cells: [alb('a'), nlbTls('n'), nlbTcp('t')],
        healthCheck: { port: 8081 },
        connection: { longPollingFallback: true },
        dns: { ipAddressType: 'dualstack', healthChecks: true },
      }),
    ],
  ])('an untouched %s tier has no issue', (_what, config) => {
    expect(run(config)).toEqual([]);
  });

  it('late-bound rendered values (intrinsics, unresolved outputs) are not checked', () => {
    const late = { Ref: 'SomeParameter' };
    const issues = run(tier(), (c) => {
      c.targetGroups[0].deregistrationDelaySeconds = late;
      c.loadBalancers[0].idleTimeoutSeconds = late;
      c.lifecycleHooks[0].heartbeatTimeoutSeconds = late;
      c.launchTemplates[0].httpTokens = late;
      c.listeners[0].tlsPolicy = late;
    });
    expect(issues).toEqual([]);
  });

  it('a TLS 1.3-only policy is fine without Route 53 health checks; another TLS 1.2+ policy is fine', () => {
    expect(run(tier(), (c) => (c.listeners[0].tlsPolicy = 'ELBSecurityPolicy-TLS13-1-3-2021-06'))).toEqual([]);
    expect(run(tier(), (c) => (c.listeners[0].tlsPolicy = 'ELBSecurityPolicy-TLS13-1-2-2021-06'))).toEqual([]);
  });

  it('NLB deregistration delay below the drain is fine while connections outlive deregistration', () => {
    expect(run(NLB, (c) => (c.targetGroups[0].deregistrationDelaySeconds = '0'))).toEqual([]);
  });

  it('a grace lowered but still above one healthy streak is fine', () => {
    expect(run(tier(), (c) => (c.autoScalingGroups[0].healthCheckGracePeriodSeconds = 60))).toEqual([]);
  });

  it('an acknowledgement limited to another cell leaves this cell an error', () => {
    const config = tier({ cells: [alb('a'), alb('b')], acknowledge: [{ code: 'rendered-imdsv2-not-required', cells: ['b'] }] });
    const issues = run(config, (c) => (c.launchTemplates[0].httpTokens = 'optional'));
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['rendered-imdsv2-not-required', 'error']]);
  });
});
