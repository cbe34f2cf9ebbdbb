/**
 * CloudWatch metric descriptors shared by the renderers (scaling policies, metric helpers) and the
 * runtime (the connection gauge it publishes).
 * Sources: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
 */
import type { LoadBalancerType } from './primitives';

/**
 * Late-bound values a metric's dimensions may name. A renderer substitutes its own reference (CDK
 * attribute, Pulumi output): `targetGroupFullName` is the `targetgroup/…` suffix of the target
 * group ARN, `route53HealthCheckId` the id of the cell's Route 53 health check.
 */
export type MetricDimensionSource = 'autoScalingGroupName' | 'loadBalancerFullName' | 'targetGroupFullName' | 'route53HealthCheckId';

/**
 * A CloudWatch metric with every dimension named by its late-bound source: the one metric model
 * of core (scaling policies, alarms, dashboards, the renderers' metric helpers, the runtime gauge).
 * @typeParam S - the dimension sources it may name (scaling policies accept only the group and load balancer)
 */
export interface MetricSpec<S extends MetricDimensionSource = MetricDimensionSource> {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly name: string; readonly valueOf: S }[];
  /** The statistic used unless the caller overrides it (the one AWS recommends for the metric). */
  readonly statistic: 'Sum' | 'Average' | 'Maximum' | 'Minimum';
  /** Period, seconds. */
  readonly periodSeconds: number;
  /**
   * The only region the metric exists in, when it is not the stack's own (Route 53 health-check
   * metrics live only in us-east-1). Dashboards can show it from any region; an alarm on it must
   * be created in that region.
   */
  readonly region?: string;
  /** Legend label. */
  readonly label?: string;
}

const ELB_NAMESPACE = { application: 'AWS/ApplicationELB', network: 'AWS/NetworkELB' } as const;
const LB_DIMENSION = { name: 'LoadBalancer', valueOf: 'loadBalancerFullName' } as const;
const TG_DIMENSION = { name: 'TargetGroup', valueOf: 'targetGroupFullName' } as const;
const ASG_DIMENSION = { name: 'AutoScalingGroupName', valueOf: 'autoScalingGroupName' } as const;

/**
 * The per-instance connection gauge servers publish in CloudWatch embedded metric format, one
 * value per instance per minute, dimension `AutoScalingGroupName`. Average over the group =
 * connections per instance, which is what the scaling policy tracks.
 */
export const CONNECTION_GAUGE: MetricSpec<'autoScalingGroupName'> = {
  namespace: 'WebSocketTier',
  metricName: 'ActiveConnections',
  dimensions: [ASG_DIMENSION],
  statistic: 'Average',
  periodSeconds: 60,
};

/** In-service instances of a group (needs group metrics collection on). */
export const IN_SERVICE_INSTANCES: MetricSpec<'autoScalingGroupName'> = {
  namespace: 'AWS/AutoScaling',
  metricName: 'GroupInServiceInstances',
  dimensions: [ASG_DIMENSION],
  statistic: 'Average',
  periodSeconds: 60,
};

/**
 * Concurrent connections on a load balancer.
 * ALB `ActiveConnectionCount` counts client→LB and LB→target connections (one WebSocket ≈ 2), Sum.
 * NLB `ActiveFlowCount` counts client→target flows (one WebSocket = 1), Average.
 */
export function activeConnectionsMetric(type: LoadBalancerType): MetricSpec<'loadBalancerFullName'> {
  return {
    namespace: ELB_NAMESPACE[type],
    metricName: type === 'application' ? 'ActiveConnectionCount' : 'ActiveFlowCount',
    dimensions: [LB_DIMENSION],
    statistic: type === 'application' ? 'Sum' : 'Average',
    periodSeconds: 60,
  };
}

/** New connections per period on a load balancer (ALB `NewConnectionCount`, NLB `NewFlowCount`), Sum. */
export function newConnectionsMetric(type: LoadBalancerType): MetricSpec<'loadBalancerFullName'> {
  return {
    namespace: ELB_NAMESPACE[type],
    metricName: type === 'application' ? 'NewConnectionCount' : 'NewFlowCount',
    dimensions: [LB_DIMENSION],
    statistic: 'Sum',
    periodSeconds: 60,
  };
}

/** Auto Scaling group metrics collected at 1-minute granularity (dashboards and metric math need them). */
export const GROUP_METRICS: readonly string[] = [
  'GroupMinSize',
  'GroupMaxSize',
  'GroupDesiredCapacity',
  'GroupInServiceInstances',
  'GroupPendingInstances',
  'GroupStandbyInstances',
  'GroupTerminatingInstances',
  'GroupTotalInstances',
];

/** The spec with a legend label (`label` undefined: none). */
export function metricSpecOf<S extends MetricDimensionSource>(spec: MetricSpec<S>, label?: string): MetricSpec<S> {
  return { ...spec, label };
}

/** A load-balancer-level ELB metric, statistic Sum unless given, period 60 s. */
export function loadBalancerMetric(
  type: LoadBalancerType,
  metricName: string,
  statistic: MetricSpec['statistic'] = 'Sum',
  label?: string,
): MetricSpec {
  return { namespace: ELB_NAMESPACE[type], metricName, dimensions: [LB_DIMENSION], statistic, periodSeconds: 60, label };
}

/**
 * ALB `RejectedConnectionCount`: connections rejected because the load balancer reached its
 * maximum number of connections. Statistic Sum. Any non-zero value is lost clients.
 */
export function rejectedConnectionsMetric(): MetricSpec {
  return loadBalancerMetric('application', 'RejectedConnectionCount', 'Sum', 'Rejected connections');
}

/** ALB `TargetConnectionErrorCount`: load balancer → target connects that failed. Statistic Sum. */
export function targetConnectionErrorsMetric(): MetricSpec {
  return loadBalancerMetric('application', 'TargetConnectionErrorCount', 'Sum', 'Target connection errors');
}

/** ALB `HTTPCode_ELB_5XX_Count`: 5xx generated by the load balancer (502: keep-alive race, 503: no healthy target). Statistic Sum. */
export function elb5xxMetric(): MetricSpec {
  return loadBalancerMetric('application', 'HTTPCode_ELB_5XX_Count', 'Sum', 'ELB 5xx');
}

/**
 * NLB `PortAllocationErrorCount`: the ~55,000 connections per target limit of client address
 * translation was hit; every error is a failed new connection. Statistic Sum.
 */
export function portAllocationErrorsMetric(): MetricSpec {
  return loadBalancerMetric('network', 'PortAllocationErrorCount', 'Sum', 'Port allocation errors');
}

/** NLB reset counters (`TCP_ELB_Reset_Count`: idle-timeout expiry etc., `TCP_Target_Reset_Count`, `TCP_Client_Reset_Count`). Statistic Sum. */
export function resetMetric(source: 'ELB' | 'Target' | 'Client'): MetricSpec {
  return loadBalancerMetric('network', `TCP_${source}_Reset_Count`, 'Sum', `${source} resets`);
}

/**
 * Healthy or unhealthy targets of the cell's target group (dimensions `TargetGroup` +
 * `LoadBalancer`). Statistic Minimum: AWS recommends alarming on the Minimum of
 * `UnHealthyHostCount` for more than one datapoint, so a single check blip does not page.
 */
export function hostCountMetric(
  type: LoadBalancerType,
  health: 'healthy' | 'unhealthy',
  statistic: MetricSpec['statistic'] = 'Minimum',
): MetricSpec {
  return {
    namespace: ELB_NAMESPACE[type],
    metricName: health === 'healthy' ? 'HealthyHostCount' : 'UnHealthyHostCount',
    dimensions: [TG_DIMENSION, LB_DIMENSION],
    statistic,
    periodSeconds: 60,
    label: health === 'healthy' ? 'Healthy hosts' : 'Unhealthy hosts',
  };
}

/** Region where Route 53 publishes health-check metrics. Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html */
export const ROUTE53_METRICS_REGION = 'us-east-1';

/**
 * Route 53 `HealthCheckStatus` of a cell's health check: 1 healthy, 0 unhealthy. Statistic
 * Minimum, period 60 s. Published only in us-east-1 whatever the stack's region.
 */
export function route53HealthCheckStatusMetric(): MetricSpec {
  return {
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensions: [{ name: 'HealthCheckId', valueOf: 'route53HealthCheckId' }],
    statistic: 'Minimum',
    periodSeconds: 60,
    region: ROUTE53_METRICS_REGION,
    label: 'Route 53 health check (1 = healthy)',
  };
}

/** An Auto Scaling group metric (`GroupInServiceInstances`, `GroupTerminatingInstances`, …; needs group metrics collection, which every cell turns on). */
export function groupMetric(metricName: string, statistic: MetricSpec['statistic'] = 'Maximum', label?: string): MetricSpec {
  return { namespace: 'AWS/AutoScaling', metricName, dimensions: [ASG_DIMENSION], statistic, periodSeconds: 60, label };
}

/** The late-bound values a scaling policy's metric dimensions may name. */
export type DimensionSource = Extract<MetricDimensionSource, 'autoScalingGroupName' | 'loadBalancerFullName'>;

/** One metric-math query in the shape both CloudFormation and @pulumi/aws use for target tracking. */
export interface BoundMetricQuery<V> {
  readonly id: string;
  readonly expression?: string;
  readonly label?: string;
  readonly returnData: boolean;
  readonly metricStat?: {
    readonly stat: string;
    readonly metric: {
      readonly namespace: string;
      readonly metricName: string;
      readonly dimensions: { readonly name: string; readonly value: V }[];
    };
  };
}

/**
 * Bind a resolved scaling policy's metric queries to concrete (possibly late-bound) values: the
 * `CustomizedMetricSpecification.Metrics` of `AWS::AutoScaling::ScalingPolicy`, which is also the
 * shape of @pulumi/aws `targetTrackingConfiguration.customizedMetricSpecification.metrics`.
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_TargetTrackingMetricDataQuery.html
 */
export function bindMetricQueries<V>(
  queries: readonly {
    readonly id: string;
    readonly expression?: string;
    readonly label?: string;
    readonly returnData: boolean;
    readonly metricStat?: {
      readonly namespace: string;
      readonly metricName: string;
      readonly stat: string;
      readonly dimensions: readonly { readonly name: string; readonly valueOf: DimensionSource }[];
    };
  }[],
  values: Readonly<Record<DimensionSource, V>>,
): BoundMetricQuery<V>[] {
  return queries.map((q) => ({
    id: q.id,
    expression: q.expression,
    label: q.label,
    returnData: q.returnData,
    metricStat: q.metricStat && {
      stat: q.metricStat.stat,
      metric: {
        namespace: q.metricStat.namespace,
        metricName: q.metricStat.metricName,
        dimensions: q.metricStat.dimensions.map((d) => ({ name: d.name, value: values[d.valueOf] })),
      },
    },
  }));
}

/**
 * Why a cell metric helper cannot be used on this cell, or undefined when it can. Both renderers'
 * `metric…()` helpers throw this text (prefixed with their construct path or resource name).
 * @param bound - whether every dimension of the metric could be bound (false: no Route 53 health check)
 */
export function cellMetricProblem(
  spec: MetricSpec,
  helper: string,
  cell: { readonly name: string; readonly loadBalancerType: LoadBalancerType },
  bound: boolean,
): string | undefined {
  const forType =
    spec.namespace === ELB_NAMESPACE.application ? 'application' : spec.namespace === ELB_NAMESPACE.network ? 'network' : undefined;
  if (forType !== undefined && forType !== cell.loadBalancerType) {
    const kind = (t: LoadBalancerType) => (t === 'application' ? 'ALB' : 'NLB');
    return `${helper}() reads ${spec.namespace} ${spec.metricName}, but cell "${cell.name}" is an ${kind(cell.loadBalancerType)} cell. Fix: call it on an ${kind(forType)} cell.`;
  }
  if (!bound) {
    return `${helper}() needs the cell's Route 53 health check, and cell "${cell.name}" has none. Fix: set dns.healthChecks: true and give the tier a hosted zone.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Cell metric helpers (the aws-cdk "canned metrics" approach): one table, rendered by both
// renderers as `cell.metric…(options)` methods. A new helper = one row here + one method signature
// in `CellMetricHelpers`.
// ---------------------------------------------------------------------------------------------

/**
 * One cell metric helper: the metric it reads on each load-balancer type. A type without a spec
 * means the helper throws on cells of that type (`cellMetricProblem` names the fix).
 */
export interface CellMetricDescriptor {
  /** The metric on ALB cells. @default - none: the helper throws on ALB cells */
  readonly application?: MetricSpec;
  /** The metric on NLB cells. @default - none: the helper throws on NLB cells */
  readonly network?: MetricSpec;
}

const onBoth = (spec: MetricSpec): CellMetricDescriptor => ({ application: spec, network: spec });
const perType = (spec: (type: LoadBalancerType) => MetricSpec): CellMetricDescriptor => ({
  application: spec('application'),
  network: spec('network'),
});

/** Every cell metric helper, by method name. Each period is 60 s; statistics as documented on `CellMetricHelpers`. */
export const CELL_METRICS = {
  metricActiveConnections: perType(activeConnectionsMetric),
  metricNewConnections: perType(newConnectionsMetric),
  metricConnectionsPerInstance: onBoth(CONNECTION_GAUGE),
  metricRejectedConnections: { application: rejectedConnectionsMetric() },
  metricTargetConnectionErrors: { application: targetConnectionErrorsMetric() },
  metricElb5xx: { application: elb5xxMetric() },
  metricPortAllocationErrors: { network: portAllocationErrorsMetric() },
  metricUnhealthyHosts: perType((type) => hostCountMetric(type, 'unhealthy')),
  metricHealthyHosts: perType((type) => hostCountMetric(type, 'healthy')),
  metricInServiceInstances: onBoth(groupMetric('GroupInServiceInstances')),
  metricTerminatingInstances: onBoth(groupMetric('GroupTerminatingInstances')),
  metricRoute53HealthCheckStatus: onBoth(route53HealthCheckStatusMetric()),
} as const satisfies Readonly<Record<string, CellMetricDescriptor>>;

/** Name of a cell metric helper (`metricElb5xx`, …). */
export type CellMetricHelper = keyof typeof CELL_METRICS;

/** The helpers' names in table order. */
export const CELL_METRIC_HELPERS = Object.keys(CELL_METRICS) as CellMetricHelper[];

/**
 * The metric a helper reads on a cell of `type`; on a cell type it does not apply to, the spec of
 * the type it does apply to (so `cellMetricProblem` reports the mismatch).
 */
export function cellMetricSpec(helper: CellMetricHelper, type: LoadBalancerType): MetricSpec {
  const d: CellMetricDescriptor = CELL_METRICS[helper];
  const spec = d[type] ?? d.application ?? d.network;
  if (spec === undefined) throw new Error(`CELL_METRICS.${helper} has no metric`);
  return spec;
}

/**
 * The metric helpers of a rendered cell, generated from `CELL_METRICS`. `M` is the renderer's
 * metric (CDK `cloudwatch.Metric`, Pulumi `CellMetric`), `O` its options (CDK `MetricOptions`
 * override statistic, period, label and so on; Pulumi options statistic and period).
 */
export interface CellMetricHelpers<M, O> {
  /**
   * Concurrent connections on the load balancer: ALB `ActiveConnectionCount` (both legs, so about
   * 2 per WebSocket), statistic Sum; NLB `ActiveFlowCount`, statistic Average. Period 60 s.
   * `options` override statistic, period and so on.
   */
  metricActiveConnections(options?: O): M;
  /** New connections per period: ALB `NewConnectionCount` / NLB `NewFlowCount`, statistic Sum, period 60 s. */
  metricNewConnections(options?: O): M;
  /**
   * Connections per instance from the servers' gauge (`WebSocketTier/ActiveConnections`, dimension
   * `AutoScalingGroupName`), statistic Average, period 60 s: the value the scaling policy tracks
   * when `scaling.signal` is `connection-gauge`.
   */
  metricConnectionsPerInstance(options?: O): M;
  /**
   * ALB cells: `RejectedConnectionCount` (the ALB reached its connection limit), statistic Sum,
   * period 60 s. @throws Error on NLB cells (use `metricPortAllocationErrors()`)
   */
  metricRejectedConnections(options?: O): M;
  /** ALB cells: `TargetConnectionErrorCount`, statistic Sum, period 60 s. @throws Error on NLB cells */
  metricTargetConnectionErrors(options?: O): M;
  /** ALB cells: `HTTPCode_ELB_5XX_Count` (load-balancer-generated 5xx), statistic Sum, period 60 s. @throws Error on NLB cells */
  metricElb5xx(options?: O): M;
  /**
   * NLB cells: `PortAllocationErrorCount` (~55,000 connections per target under client address
   * translation), statistic Sum, period 60 s. @throws Error on ALB cells
   */
  metricPortAllocationErrors(options?: O): M;
  /** `UnHealthyHostCount` of the cell's target group, statistic Minimum (AWS's advice for alarms), period 60 s. */
  metricUnhealthyHosts(options?: O): M;
  /** `HealthyHostCount` of the cell's target group, statistic Minimum, period 60 s. */
  metricHealthyHosts(options?: O): M;
  /** Auto Scaling `GroupInServiceInstances`, statistic Maximum, period 60 s. */
  metricInServiceInstances(options?: O): M;
  /** Auto Scaling `GroupTerminatingInstances` (includes instances draining in `Terminating:Wait`), statistic Maximum, period 60 s. */
  metricTerminatingInstances(options?: O): M;
  /**
   * Route 53 `HealthCheckStatus` of the cell's health check (1 healthy, 0 unhealthy), statistic
   * Minimum, period 60 s, region us-east-1 (the only region Route 53 publishes it in).
   * @throws Error when the cell has no Route 53 health check (`dns.healthChecks` off or no zone)
   */
  metricRoute53HealthCheckStatus(options?: O): M;
}

/**
 * Install every `CELL_METRICS` helper on a renderer's class prototype; each calls `bind` with the
 * instance, its helper name and the caller's options.
 */
export function installCellMetricHelpers<T, M, O>(prototype: T, bind: (cell: T, helper: CellMetricHelper, options?: O) => M): void {
  for (const helper of CELL_METRIC_HELPERS) {
    Object.defineProperty(prototype, helper, {
      value: function (this: T, options?: O): M {
        return bind(this, helper, options);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

/** Compile-time proof that `CellMetricHelpers` declares exactly the helpers of `CELL_METRICS`. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies SameKeys<keyof CellMetricHelpers<unknown, unknown>, CellMetricHelper>;
