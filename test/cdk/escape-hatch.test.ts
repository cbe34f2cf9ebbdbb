/**
 * The post-synthesis check: escape hatches (L2 `setAttribute`, L1 `addPropertyOverride`, aspects)
 * that break a WebSocket invariant fail synthesis with a `rendered-*` code naming the construct
 * path; an acknowledged code passes with a warning; an untouched tier synthesizes clean.
 */
import { App, Aspects, CfnResource, type IAspect, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { IConstruct } from 'constructs';
import type { TierConfig } from '../../lib/core/config';
import type { WebSocketCell } from '../../lib/cdk/websocket-cell';
import { WebSocketTier } from '../../lib/cdk/websocket-tier';
import { createTestApp, TEST_ZONE } from '../helpers/cdk-app';
import { withServerStart } from '../helpers/server-start';

/** No access logs: an env-agnostic stack with logs on warns once on the tier, which would hide new warnings. */
const NO_LOGS = { operations: { accessLogs: { enabled: false } } } as const;

function build(config: Partial<TierConfig>, hatch: (cell: WebSocketCell, tier: WebSocketTier) => void): { app: App; stack: Stack } {
  const app = createTestApp();
  const stack = new Stack(app, 'Test');
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
  const tier = new WebSocketTier(stack, 'Tier', {
    ...withServerStart({ domainName: 'ws.example.com', cells: [{ name: 'a' }], ...NO_LOGS, ...config }),
    hostedZone,
  });
  hatch(tier.cells[0], tier);
  return { app, stack };
}

const l1 = (c: IConstruct): CfnResource => c.node.defaultChild as CfnResource;

interface Hatch {
  readonly what: string;
  readonly code: string;
  readonly path: RegExp;
  readonly config?: Partial<TierConfig>;
  readonly apply: (cell: WebSocketCell) => void;
}

const ALB_IDLE_10: Hatch['apply'] = (cell) =>
  l1(cell.loadBalancer).addPropertyOverride('LoadBalancerAttributes', [
    { Key: 'deletion_protection.enabled', Value: 'true' },
    { Key: 'idle_timeout.timeout_seconds', Value: '10' },
    { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
  ]);

const HATCHES: Hatch[] = [
  {
    what: 'setAttribute deregistration delay 5 s',
    code: 'rendered-deregistration-delay-below-drain',
    path: /Test\/Tier\/Cell-a\/TargetGroup\/Resource: deregistration_delay.timeout_seconds is 5 s .*resolved 330 s/,
    apply: (cell) => cell.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '5'),
  },
  {
    what: 'setAttribute stickiness off under long-polling',
    code: 'rendered-stickiness-off',
    path: /TargetGroup\/Resource: stickiness.enabled is false .*longPollingFallback is on/,
    config: { connection: { longPollingFallback: true } },
    apply: (cell) => cell.targetGroup.setAttribute('stickiness.enabled', 'false'),
  },
  {
    what: 'ALB idle timeout 10 s through an L1 override',
    code: 'rendered-idle-timeout-not-above-ping',
    path: /LoadBalancer\/Resource: idle_timeout.timeout_seconds is 10 s .*resolved 120 s.*25 s ping/,
    apply: ALB_IDLE_10,
  },
  {
    what: 'NLB unhealthy-target connection termination on',
    code: 'rendered-nlb-unhealthy-termination-on',
    path: /TargetGroup\/Resource: target_health_state.unhealthy.connection_termination.enabled is true/,
    config: { cells: [{ name: 'a', loadBalancerType: 'network' }] },
    apply: (cell) => cell.targetGroup.setAttribute('target_health_state.unhealthy.connection_termination.enabled', 'true'),
  },
  {
    what: 'NLB cross-zone off',
    code: 'rendered-cross-zone-off',
    path: /LoadBalancer\/Resource: load_balancing.cross_zone.enabled is false in the rendered network load balancer/,
    config: { cells: [{ name: 'a', loadBalancerType: 'network' }] },
    apply: (cell) => cell.loadBalancer.setAttribute('load_balancing.cross_zone.enabled', 'false'),
  },
  {
    what: 'launch template HttpTokens optional',
    code: 'rendered-imdsv2-not-required',
    path: /LaunchTemplate\/Resource: MetadataOptions.HttpTokens is "optional"/,
    apply: (cell) => l1(cell.launchTemplate).addPropertyOverride('LaunchTemplateData.MetadataOptions.HttpTokens', 'optional'),
  },
  {
    what: 'lifecycle hook DefaultResult ABANDON',
    code: 'rendered-lifecycle-default-result-not-continue',
    path: /TerminationHook\/Resource: DefaultResult is "ABANDON"/,
    apply: (cell) => (l1(cell.terminationHook) as autoscaling.CfnLifecycleHook).addPropertyOverride('DefaultResult', 'ABANDON'),
  },
  {
    what: 'lifecycle hook heartbeat 60 s',
    code: 'rendered-lifecycle-heartbeat-below-drain',
    path: /TerminationHook\/Resource: HeartbeatTimeout is 60 s .*resolved 330 s/,
    apply: (cell) => (l1(cell.terminationHook) as autoscaling.CfnLifecycleHook).addPropertyOverride('HeartbeatTimeout', 60),
  },
  {
    what: 'ALB idle timeout raised above the server keep-alive',
    code: 'rendered-idle-timeout-not-below-keep-alive',
    path: /idle_timeout.timeout_seconds is 900 s .*keep-alive timeout of 125 s/,
    apply: (cell) => cell.loadBalancer.setAttribute('idle_timeout.timeout_seconds', '900'),
  },
  {
    what: 'NLB TCP listener idle timeout 20 s',
    code: 'rendered-idle-timeout-not-above-ping',
    path: /Listener\/Resource: tcp.idle_timeout.seconds is 20 s/,
    config: { cells: [{ name: 'a', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }], healthCheck: { port: 8081 } },
    apply: (cell) => (cell.listener as elbv2.NetworkListener).setAttribute('tcp.idle_timeout.seconds', '20'),
  },
  {
    what: 'legacy TLS policy on the listener',
    code: 'rendered-tls-policy-not-allowed',
    path: /Listener\/Resource: SslPolicy is "ELBSecurityPolicy-2016-08" .*TLS 1.0\/1.1/,
    apply: (cell) => l1(cell.listener).addPropertyOverride('SslPolicy', 'ELBSecurityPolicy-2016-08'),
  },
  {
    what: 'health check path moved',
    code: 'rendered-health-check-changed',
    path: /TargetGroup\/Resource: the health check .* the path is "\/" \(resolved "\/healthz"\)/,
    apply: (cell) => l1(cell.targetGroup).addPropertyOverride('HealthCheckPath', '/'),
  },
  {
    what: 'health check interval out of range',
    code: 'rendered-health-check-out-of-range',
    path: /HealthCheckIntervalSeconds is 400 s; allowed 5–300 s/,
    apply: (cell) => l1(cell.targetGroup).addPropertyOverride('HealthCheckIntervalSeconds', 400),
  },
  {
    what: 'health check timeout not below interval',
    code: 'rendered-health-check-timeout-not-below-interval',
    path: /HealthCheckTimeoutSeconds is 10 s but HealthCheckIntervalSeconds is 10 s/,
    apply: (cell) => l1(cell.targetGroup).addPropertyOverride('HealthCheckTimeoutSeconds', 10),
  },
  {
    what: 'health-check grace 5 s',
    code: 'rendered-health-check-grace-too-short',
    path: /AutoScalingGroup\/ASG: HealthCheckGracePeriod is 5 s .*resolved 300 s.*30 s/,
    apply: (cell) => l1(cell.autoScalingGroup).addPropertyOverride('HealthCheckGracePeriod', 5),
  },
  {
    what: 'weighted record set identifier changed',
    code: 'rendered-set-identifier-changed',
    path: /WeightedRecord\/Resource: SetIdentifier is "blue"/,
    apply: (cell) => l1(cell.node.findChild('WeightedRecord')).addPropertyOverride('SetIdentifier', 'blue'),
  },
  {
    what: 'evaluate-target-health off',
    code: 'rendered-evaluate-target-health-off',
    path: /CellRecord\/Resource: AliasTarget.EvaluateTargetHealth is false/,
    apply: (cell) => l1(cell.node.findChild('CellRecord')).addPropertyOverride('AliasTarget.EvaluateTargetHealth', false),
  },
  {
    what: 'termination hook removed',
    code: 'rendered-lifecycle-hook-missing',
    path: /AutoScalingGroup\/ASG: the rendered Auto Scaling group of cell 'a' has no autoscaling:EC2_INSTANCE_TERMINATING lifecycle hook/,
    apply: (cell) => cell.node.tryRemoveChild('TerminationHook'),
  },
];

describe('escape hatches that break an invariant fail synthesis', () => {
  it.each(HATCHES.map((h) => [h.code, h.what, h] as const))('%s (%s)', (code, _what, h) => {
    const { app } = build(h.config ?? {}, h.apply);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`\\[${code}\\]`));
    expect(message).toMatch(h.path);
    expect(message).toMatch(/Fix: .*acknowledge: \[\{ code: '/);
  });

  it('with the code acknowledged for the cell, the same synth passes with a warning on the tier', () => {
    const h = HATCHES[0];
    const { app, stack } = build(
      { acknowledge: [{ code: 'rendered-deregistration-delay-below-drain', cells: ['a'], reason: 'short drains in this test stack' }] },
      h.apply,
    );
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(stack).hasWarning(
      '/Test/Tier',
      Match.stringLikeRegexp('deregistration_delay.timeout_seconds is 5 s.*Acknowledged.*short drains in this test stack'),
    );
  });

  it('a plain code string acknowledges every cell', () => {
    const { app, stack } = build({ acknowledge: ['rendered-idle-timeout-not-above-ping'] }, ALB_IDLE_10);
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findWarning('/Test/Tier', Match.stringLikeRegexp('idle_timeout'))).toHaveLength(1);
  });

  it('an acknowledgement for another cell does not cover this one', () => {
    const { app } = build(
      { cells: [{ name: 'a' }, { name: 'b' }], acknowledge: [{ code: 'rendered-deregistration-delay-below-drain', cells: ['b'] }] },
      HATCHES[0].apply,
    );
    expect(() => app.synth()).toThrow(/Cell-a\/TargetGroup\/Resource: deregistration_delay/);
  });

  it('an aspect that lowers every heartbeat is caught (validation runs after aspects)', () => {
    const lower: IAspect = {
      visit(node) {
        if (CfnResource.isCfnResource(node) && node.cfnResourceType === 'AWS::AutoScaling::LifecycleHook')
          node.addPropertyOverride('HeartbeatTimeout', 30);
      },
    };
    const { app } = build({}, (_cell, tier) => Aspects.of(tier).add(lower));
    expect(() => app.synth()).toThrow(/TerminationHook\/Resource: HeartbeatTimeout is 30 s.*\[rendered-lifecycle-heartbeat-below-drain\]/);
  });

  it('several broken invariants are all listed in one failure', () => {
    const { app } = build({}, (cell) => {
      cell.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '5');
      l1(cell.launchTemplate).addPropertyOverride('LaunchTemplateData.MetadataOptions.HttpTokens', 'optional');
    });
    expect(() => app.synth()).toThrow(/rendered-deregistration-delay-below-drain[\s\S]*rendered-imdsv2-not-required/);
  });

  it('a harmless escape hatch (a longer deregistration delay) passes without warnings', () => {
    const { app, stack } = build({}, (cell) => cell.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '600'));
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('an untouched ALB + NLB TLS + NLB TCP tier with long-polling synthesizes with no warnings', () => {
    const { app, stack } = build(
      {
        cells: [
          { name: 'a' },
          { name: 'n', loadBalancerType: 'network' },
          { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
        ],
        connection: { longPollingFallback: true },
        healthCheck: { port: 8081 },
        dns: { ipAddressType: 'dualstack', healthChecks: true },
      },
      () => undefined,
    );
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('the L1s read are the ones with overrides applied (launch template override is seen, not the L2 prop)', () => {
    const { app } = build({}, (cell) => {
      (cell.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate).addPropertyDeletionOverride(
        'LaunchTemplateData.MetadataOptions.HttpTokens',
      );
    });
    expect(() => app.synth()).toThrow(/MetadataOptions.HttpTokens is absent \(AWS default "optional"\)/);
  });
});
