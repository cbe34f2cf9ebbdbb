/**
 * Load balancer, listener(s) and target group of one cell, ALB or NLB, from the resolved plan.
 * Every WebSocket-critical value is written explicitly (TLS policy, idle timeouts, every health
 * check field, deregistration delay, stickiness): the Pulumi/Terraform defaults differ from AWS's
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html). Same settings as lib/cdk/private/load-balancer.ts.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { CELL_IDS } from '../../core/ids';
import type { ResolvedCell, ResolvedHealthCheck, ResolvedTargetGroup } from '../../core/resolved';
import { child, create, type Scope } from './util';

/** What the load-balancer renderer returns (both ALB and NLB cells). */
export interface RenderedLoadBalancer {
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The :443 listener carrying WebSocket traffic. */
  readonly listener: aws.lb.Listener;
  /** ALB cells: HTTP :80 redirecting to HTTPS (301). */
  readonly httpRedirectListener?: aws.lb.Listener;
  readonly targetGroup: aws.lb.TargetGroup;
}

/** Inputs of the renderer. */
export interface LoadBalancerInputs {
  readonly cell: ResolvedCell;
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  /** ACM certificate ARN; required when the listener terminates TLS. */
  readonly certificateArn?: pulumi.Input<string>;
  /**
   * Name of the tier's log bucket and the policy that lets ELB write into it (the load balancer
   * waits for the policy: ELB checks write access when logging is turned on).
   * @default - no logs, even when `cell.operations.accessLogPrefix` is set
   */
  readonly logBucket?: { readonly name: pulumi.Input<string>; readonly policy: pulumi.Resource };
}

function healthCheck(hc: ResolvedHealthCheck): aws.types.input.lb.TargetGroupHealthCheck {
  return {
    enabled: true,
    protocol: hc.protocol,
    path: hc.path,
    port: String(hc.port),
    interval: hc.intervalSeconds,
    timeout: hc.timeoutSeconds,
    healthyThreshold: hc.healthyThresholdCount,
    unhealthyThreshold: hc.unhealthyThresholdCount,
    matcher: hc.healthyHttpCodes,
  };
}

/** Stickiness block; written (disabled) even when off so the provider never keeps a stale one. */
function stickiness(cell: ResolvedCell, tg: ResolvedTargetGroup): aws.types.input.lb.TargetGroupStickiness {
  if (!tg.stickiness) return { enabled: false, type: cell.loadBalancerType === 'application' ? 'lb_cookie' : 'source_ip' };
  return {
    enabled: true,
    type: tg.stickiness.type,
    cookieDuration: tg.stickiness.cookieDurationSeconds,
    cookieName: tg.stickiness.cookieName,
  };
}

function certificateOf(inputs: LoadBalancerInputs): pulumi.Input<string> {
  if (inputs.certificateArn === undefined) {
    throw new Error(
      `Cell "${inputs.cell.name}": its ${inputs.cell.listener.protocol} listener terminates TLS and needs an ACM certificate, but none was given. Fix: pass certificateArn (WebSocketTier creates one by default).`,
    );
  }
  return inputs.certificateArn;
}

function renderTargetGroup(scope: Scope, inputs: LoadBalancerInputs): aws.lb.TargetGroup {
  const { cell } = inputs;
  const tg: ResolvedTargetGroup = cell.targetGroup;
  const common = {
    vpcId: inputs.vpcId,
    port: tg.port,
    protocol: tg.protocol,
    targetType: tg.targetType,
    deregistrationDelay: tg.deregistrationDelaySeconds,
    healthCheck: healthCheck(tg.healthCheck),
    stickiness: stickiness(cell, tg),
  };
  if (cell.loadBalancerType === 'application') {
    return create(aws.lb.TargetGroup, scope, CELL_IDS.targetGroup, {
      ...common,
      protocolVersion: cell.targetGroup.protocolVersion,
    });
  }
  const nlb = cell.targetGroup;
  const unhealthyTermination = nlb.unhealthyConnectionTermination;
  return create(aws.lb.TargetGroup, scope, CELL_IDS.targetGroup, {
    ...common,
    connectionTermination: nlb.connectionTermination,
    preserveClientIp: String(nlb.preserveClientIp),
    proxyProtocolV2: nlb.proxyProtocolV2,
    targetHealthStates: [
      {
        enableUnhealthyConnectionTermination: unhealthyTermination,
        // AWS accepts the draining interval only while unhealthy-target termination is off.
        unhealthyDrainingInterval: unhealthyTermination ? undefined : nlb.unhealthyDrainingIntervalSeconds,
      },
    ],
  });
}

/** ALB cell: HTTPS :443 → HTTP/1 target group, HTTP :80 → 301 to HTTPS. NLB cell: TLS or TCP :443, cross-zone on. */
export function renderLoadBalancer(scope: Scope, inputs: LoadBalancerInputs): RenderedLoadBalancer {
  const { cell } = inputs;
  const l = cell.listener;
  const ops = cell.operations;
  const logs = inputs.logBucket;
  const [lbName, lbOpts] = child(scope, CELL_IDS.loadBalancer);
  const loadBalancer = new aws.lb.LoadBalancer(
    lbName,
    {
      loadBalancerType: cell.loadBalancerType,
      internal: false,
      subnets: inputs.publicSubnetIds,
      securityGroups: [inputs.securityGroupId], // NLB: only attachable at creation
      ipAddressType: cell.ipAddressType,
      ...(cell.loadBalancerType === 'application'
        ? { idleTimeout: cell.albIdleTimeoutSeconds, dropInvalidHeaderFields: cell.dropInvalidHeaderFields }
        : { enableCrossZoneLoadBalancing: cell.crossZoneEnabled }),
      enableDeletionProtection: ops.deletionProtection,
      minimumLoadBalancerCapacity: ops.minimumCapacityUnits !== undefined ? { capacityUnits: ops.minimumCapacityUnits } : undefined,
      accessLogs: logs && ops.accessLogPrefix !== undefined ? { bucket: logs.name, prefix: ops.accessLogPrefix, enabled: true } : undefined,
      connectionLogs:
        logs && ops.connectionLogPrefix !== undefined ? { bucket: logs.name, prefix: ops.connectionLogPrefix, enabled: true } : undefined,
    },
    logs && ops.accessLogPrefix !== undefined ? { ...lbOpts, dependsOn: [logs.policy] } : lbOpts,
  );
  const targetGroup = renderTargetGroup(scope, inputs);
  const listener = create(aws.lb.Listener, scope, CELL_IDS.listener, {
    loadBalancerArn: loadBalancer.arn,
    port: l.port,
    protocol: l.protocol,
    certificateArn: l.usesCertificate ? certificateOf(inputs) : undefined,
    sslPolicy: l.usesCertificate ? l.tlsPolicy : undefined,
    alpnPolicy: l.alpnPolicy,
    tcpIdleTimeoutSeconds: l.tcpIdleTimeoutSeconds,
    defaultActions: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
  });
  const httpRedirectListener = l.httpRedirect
    ? create(aws.lb.Listener, scope, CELL_IDS.httpRedirectListener, {
        loadBalancerArn: loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: String(l.port), statusCode: 'HTTP_301' } }],
      })
    : undefined;
  return { loadBalancer, listener, httpRedirectListener, targetGroup };
}
