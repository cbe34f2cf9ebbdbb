/**
 * Load balancer, listener(s) and target group of one cell, ALB or NLB, from the resolved plan.
 * Every WebSocket-critical value is written explicitly (TLS policy, idle timeouts, health check,
 * deregistration delay, stickiness); see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html.
 */
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { CELL_IDS } from '../../core/ids';
import type { ResolvedAlbCell, ResolvedCell, ResolvedHealthCheck, ResolvedNlbCell } from '../../core/resolved';
import { attr, seconds } from './util';

/** What a cell's load-balancer renderer returns. */
export interface RenderedApplicationLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly httpRedirectListener?: elbv2.ApplicationListener;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
}

/** What a cell's load-balancer renderer returns. */
export interface RenderedNetworkLoadBalancer {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly listener: elbv2.NetworkListener;
  readonly targetGroup: elbv2.NetworkTargetGroup;
}

/** Inputs of a load-balancer renderer; `C` is the cell kind it draws (the caller narrows on `loadBalancerType`). */
export interface LoadBalancerInputs<C extends ResolvedCell = ResolvedCell> {
  readonly cell: C;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly certificate?: acm.ICertificate;
}

function ipAddressType(cell: ResolvedCell): elbv2.IpAddressType {
  return cell.ipAddressType === 'dualstack' ? elbv2.IpAddressType.DUAL_STACK : elbv2.IpAddressType.IPV4;
}

function healthCheck(hc: ResolvedHealthCheck): elbv2.HealthCheck {
  return {
    enabled: true,
    protocol: hc.protocol as elbv2.Protocol,
    path: hc.path,
    port: String(hc.port),
    interval: seconds(hc.intervalSeconds),
    timeout: seconds(hc.timeoutSeconds),
    healthyThresholdCount: hc.healthyThresholdCount,
    unhealthyThresholdCount: hc.unhealthyThresholdCount,
    healthyHttpCodes: hc.healthyHttpCodes,
  };
}

function certificateOf(inputs: LoadBalancerInputs): acm.ICertificate {
  if (!inputs.certificate) {
    throw new Error(
      `Cell "${inputs.cell.name}": its ${inputs.cell.listener.protocol} listener terminates TLS and needs an ACM certificate, but none was given. Fix: pass certificate (WebSocketTier creates one by default).`,
    );
  }
  return inputs.certificate;
}

/** ALB cell: HTTPS :443 forwarding to an HTTP/1 target group, HTTP :80 redirecting to HTTPS (301). */
export function renderApplicationLoadBalancer(
  scope: Construct,
  inputs: LoadBalancerInputs<ResolvedAlbCell>,
): RenderedApplicationLoadBalancer {
  const { vpc, cell } = inputs;
  const tg = cell.targetGroup;
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, CELL_IDS.loadBalancer, {
    vpc,
    internetFacing: true,
    securityGroup: inputs.securityGroup,
    ipAddressType: ipAddressType(cell),
    idleTimeout: seconds(cell.albIdleTimeoutSeconds),
    dropInvalidHeaderFields: cell.dropInvalidHeaderFields,
    deletionProtection: cell.operations.deletionProtection,
    minimumCapacityUnit: cell.operations.minimumCapacityUnits,
  });
  const targetGroup = new elbv2.ApplicationTargetGroup(scope, CELL_IDS.targetGroup, {
    vpc,
    port: tg.port,
    protocol: tg.protocol as elbv2.ApplicationProtocol,
    protocolVersion: tg.protocolVersion as elbv2.ApplicationProtocolVersion,
    targetType: tg.targetType as elbv2.TargetType,
    deregistrationDelay: seconds(tg.deregistrationDelaySeconds),
    // Without a duration CDK writes stickiness.enabled=false explicitly.
    stickinessCookieDuration: tg.stickiness?.cookieDurationSeconds !== undefined ? seconds(tg.stickiness.cookieDurationSeconds) : undefined,
    stickinessCookieName: tg.stickiness?.cookieName,
    healthCheck: healthCheck(tg.healthCheck),
  });
  const listener = new elbv2.ApplicationListener(scope, CELL_IDS.listener, {
    loadBalancer,
    port: cell.listener.port,
    protocol: cell.listener.protocol as elbv2.ApplicationProtocol,
    certificates: [certificateOf(inputs)],
    sslPolicy: cell.listener.tlsPolicy as elbv2.SslPolicy,
    open: false, // ingress comes from cell.loadBalancerIngress only
    defaultAction: elbv2.ListenerAction.forward([targetGroup]),
  });
  const httpRedirectListener = cell.listener.httpRedirect
    ? new elbv2.ApplicationListener(scope, CELL_IDS.httpRedirectListener, {
        loadBalancer,
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(cell.listener.port), permanent: true }),
      })
    : undefined;
  return { loadBalancer, listener, httpRedirectListener, targetGroup };
}

/** NLB cell: TLS or TCP :443, cross-zone on, connections kept through deregistration and unhealthy blips. */
export function renderNetworkLoadBalancer(scope: Construct, inputs: LoadBalancerInputs<ResolvedNlbCell>): RenderedNetworkLoadBalancer {
  const { vpc, cell } = inputs;
  const tg = cell.targetGroup;
  const l = cell.listener;
  const loadBalancer = new elbv2.NetworkLoadBalancer(scope, CELL_IDS.loadBalancer, {
    vpc,
    internetFacing: true,
    securityGroups: [inputs.securityGroup], // only attachable at creation
    crossZoneEnabled: cell.crossZoneEnabled,
    ipAddressType: ipAddressType(cell),
    deletionProtection: cell.operations.deletionProtection,
    minimumCapacityUnit: cell.operations.minimumCapacityUnits,
  });
  const targetGroup = new elbv2.NetworkTargetGroup(scope, CELL_IDS.targetGroup, {
    vpc,
    port: tg.port,
    protocol: tg.protocol as elbv2.Protocol,
    targetType: tg.targetType as elbv2.TargetType,
    deregistrationDelay: seconds(tg.deregistrationDelaySeconds),
    connectionTermination: tg.connectionTermination,
    preserveClientIp: tg.preserveClientIp,
    proxyProtocolV2: tg.proxyProtocolV2, // written when false too (`proxy_protocol_v2.enabled`)
    healthCheck: healthCheck(tg.healthCheck),
  });
  const unhealthyTermination = tg.unhealthyConnectionTermination;
  targetGroup.setAttribute('target_health_state.unhealthy.connection_termination.enabled', attr(unhealthyTermination));
  if (!unhealthyTermination) {
    // AWS accepts the draining interval only while unhealthy-target termination is off.
    targetGroup.setAttribute('target_health_state.unhealthy.draining_interval_seconds', String(tg.unhealthyDrainingIntervalSeconds));
  }
  targetGroup.setAttribute('stickiness.enabled', attr(tg.stickiness !== undefined));
  if (tg.stickiness) targetGroup.setAttribute('stickiness.type', tg.stickiness.type);

  const terminatesTls = l.usesCertificate;
  const listener = new elbv2.NetworkListener(scope, CELL_IDS.listener, {
    loadBalancer,
    port: l.port,
    protocol: l.protocol as elbv2.Protocol,
    certificates: terminatesTls ? [elbv2.ListenerCertificate.fromCertificateManager(certificateOf(inputs))] : undefined,
    sslPolicy: l.tlsPolicy as elbv2.SslPolicy | undefined,
    alpnPolicy: l.alpnPolicy as elbv2.AlpnPolicy | undefined,
    tcpIdleTimeout: l.tcpIdleTimeoutSeconds !== undefined ? seconds(l.tcpIdleTimeoutSeconds) : undefined,
    defaultAction: elbv2.NetworkListenerAction.forward([targetGroup]),
  });
  return { loadBalancer, listener, targetGroup };
}
