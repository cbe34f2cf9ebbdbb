/**
 * A renderer-neutral view of the resources a tier rendered, read after every escape hatch,
 * property override, aspect and transform: what CloudFormation (CDK) or the Pulumi engine will
 * receive. Each renderer fills it from its own resources (`lib/cdk/private/rendered-view.ts`,
 * `lib/pulumi/private/rendered-check.ts`); `checkRendered()` re-applies the invariants to it.
 *
 * Values are the raw rendered values (`unknown`): a number or numeric string, a boolean or
 * `"true"`/`"false"`, a string. `undefined` means the property is absent from the rendered
 * resource, so the provider's default applies ({@link AWS_DEFAULTS}); any other value (an
 * intrinsic function, an unresolved output) is late-bound and not checked. This module is types only.
 */

/** What every rendered resource carries: where it is, for the message. */
export interface RenderedResourceView {
  /** Construct path (CDK) or resource name (Pulumi) of the rendered resource. */
  readonly path: string;
}

/** A load balancer (`AWS::ElasticLoadBalancingV2::LoadBalancer`, `aws.lb.LoadBalancer`). */
export interface RenderedLoadBalancerView extends RenderedResourceView {
  /** `application` or `network`. */
  readonly type?: unknown;
  /** ALB attribute `idle_timeout.timeout_seconds`. */
  readonly idleTimeoutSeconds?: unknown;
  /** Attribute `load_balancing.cross_zone.enabled`. */
  readonly crossZoneEnabled?: unknown;
}

/** A listener (`AWS::ElasticLoadBalancingV2::Listener`, `aws.lb.Listener`). */
export interface RenderedListenerView extends RenderedResourceView {
  readonly port?: unknown;
  /** `HTTP`, `HTTPS`, `TCP`, `TLS`. */
  readonly protocol?: unknown;
  /** `SslPolicy`. */
  readonly tlsPolicy?: unknown;
  /** NLB TCP listener attribute `tcp.idle_timeout.seconds`. */
  readonly tcpIdleTimeoutSeconds?: unknown;
}

/** The health check of a target group. */
export interface RenderedHealthCheckView {
  readonly enabled?: unknown;
  readonly protocol?: unknown;
  readonly path?: unknown;
  /** A port number or `traffic-port`. */
  readonly port?: unknown;
  readonly intervalSeconds?: unknown;
  readonly timeoutSeconds?: unknown;
  readonly healthyThresholdCount?: unknown;
  readonly unhealthyThresholdCount?: unknown;
  /** `Matcher.HttpCode` / `matcher`. */
  readonly healthyHttpCodes?: unknown;
}

/** A target group (`AWS::ElasticLoadBalancingV2::TargetGroup`, `aws.lb.TargetGroup`). */
export interface RenderedTargetGroupView extends RenderedResourceView {
  /** `deregistration_delay.timeout_seconds`. */
  readonly deregistrationDelaySeconds?: unknown;
  /** `stickiness.enabled`. */
  readonly stickinessEnabled?: unknown;
  /** `stickiness.type`. */
  readonly stickinessType?: unknown;
  /** NLB `deregistration_delay.connection_termination.enabled`. */
  readonly connectionTermination?: unknown;
  /** NLB `target_health_state.unhealthy.connection_termination.enabled`. */
  readonly unhealthyConnectionTermination?: unknown;
  /** `load_balancing.cross_zone.enabled`: `true`, `false` or `use_load_balancer_configuration`. */
  readonly crossZoneEnabled?: unknown;
  readonly healthCheck: RenderedHealthCheckView;
}

/** An Auto Scaling group. */
export interface RenderedAutoScalingGroupView extends RenderedResourceView {
  readonly healthCheckType?: unknown;
  readonly healthCheckGracePeriodSeconds?: unknown;
}

/** A lifecycle hook (its own resource or an entry of the group's hook list). */
export interface RenderedLifecycleHookView extends RenderedResourceView {
  readonly lifecycleTransition?: unknown;
  readonly heartbeatTimeoutSeconds?: unknown;
  readonly defaultResult?: unknown;
}

/** A launch template's metadata options. */
export interface RenderedLaunchTemplateView extends RenderedResourceView {
  /** `MetadataOptions.HttpTokens` / `metadataOptions.httpTokens`. */
  readonly httpTokens?: unknown;
}

/** A Route 53 record. */
export interface RenderedRecordView extends RenderedResourceView {
  readonly name?: unknown;
  /** Set on weighted records. */
  readonly setIdentifier?: unknown;
  readonly weight?: unknown;
  /** `AliasTarget.EvaluateTargetHealth` / `aliases[0].evaluateTargetHealth`; undefined on non-alias records. */
  readonly evaluateTargetHealth?: unknown;
  /** True for alias records. */
  readonly alias: boolean;
}

/** Every rendered resource of one cell. Lists: a user may add resources of the same kind. */
export interface RenderedCellView {
  /** The cell's name (as in the resolved tier). */
  readonly name: string;
  readonly loadBalancers: readonly RenderedLoadBalancerView[];
  readonly listeners: readonly RenderedListenerView[];
  readonly targetGroups: readonly RenderedTargetGroupView[];
  readonly autoScalingGroups: readonly RenderedAutoScalingGroupView[];
  readonly lifecycleHooks: readonly RenderedLifecycleHookView[];
  readonly launchTemplates: readonly RenderedLaunchTemplateView[];
  readonly records: readonly RenderedRecordView[];
}

/** The rendered tier: one entry per cell, in config order. */
export interface RenderedTierView {
  readonly cells: readonly RenderedCellView[];
}
