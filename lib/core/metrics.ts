/**
 * CloudWatch metric descriptors shared by the renderers (scaling policies, metric helpers) and the
 * runtime (the connection gauge it publishes).
 * Sources: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
 */
import type { LoadBalancerType } from './primitives';

/** A metric a renderer can bind to a concrete load balancer or group. */
export interface MetricDescriptor {
  readonly namespace: string;
  readonly metricName: string;
  /** Which late-bound value fills the dimension. */
  readonly dimension: { readonly name: string; readonly valueOf: 'autoScalingGroupName' | 'loadBalancerFullName' };
  /** The statistic AWS recommends for this metric. */
  readonly defaultStatistic: 'Sum' | 'Average' | 'Maximum' | 'Minimum';
  /** Default period, seconds. */
  readonly periodSeconds: number;
}

/**
 * The per-instance connection gauge servers publish in CloudWatch embedded metric format, one
 * value per instance per minute, dimension `AutoScalingGroupName`. Average over the group =
 * connections per instance, which is what the scaling policy tracks.
 */
export const CONNECTION_GAUGE: MetricDescriptor = {
  namespace: 'WebSocketTier',
  metricName: 'ActiveConnections',
  dimension: { name: 'AutoScalingGroupName', valueOf: 'autoScalingGroupName' },
  defaultStatistic: 'Average',
  periodSeconds: 60,
};

/** In-service instances of a group (needs group metrics collection on). */
export const IN_SERVICE_INSTANCES: MetricDescriptor = {
  namespace: 'AWS/AutoScaling',
  metricName: 'GroupInServiceInstances',
  dimension: { name: 'AutoScalingGroupName', valueOf: 'autoScalingGroupName' },
  defaultStatistic: 'Average',
  periodSeconds: 60,
};

/**
 * Concurrent connections on a load balancer.
 * ALB `ActiveConnectionCount` counts client→LB and LB→target connections (one WebSocket ≈ 2), Sum.
 * NLB `ActiveFlowCount` counts client→target flows (one WebSocket = 1), Average.
 */
export function activeConnectionsMetric(type: LoadBalancerType): MetricDescriptor {
  return type === 'application'
    ? {
        namespace: 'AWS/ApplicationELB',
        metricName: 'ActiveConnectionCount',
        dimension: { name: 'LoadBalancer', valueOf: 'loadBalancerFullName' },
        defaultStatistic: 'Sum',
        periodSeconds: 60,
      }
    : {
        namespace: 'AWS/NetworkELB',
        metricName: 'ActiveFlowCount',
        dimension: { name: 'LoadBalancer', valueOf: 'loadBalancerFullName' },
        defaultStatistic: 'Average',
        periodSeconds: 60,
      };
}

/** New connections per period on a load balancer (ALB `NewConnectionCount`, NLB `NewFlowCount`), Sum. */
export function newConnectionsMetric(type: LoadBalancerType): MetricDescriptor {
  return {
    namespace: type === 'application' ? 'AWS/ApplicationELB' : 'AWS/NetworkELB',
    metricName: type === 'application' ? 'NewConnectionCount' : 'NewFlowCount',
    dimension: { name: 'LoadBalancer', valueOf: 'loadBalancerFullName' },
    defaultStatistic: 'Sum',
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

// ---------------------------------------------------------------------------------------------
// Operations metrics (dashboards, alarms, metric helpers). Multi-dimension and cross-region aware.
// ---------------------------------------------------------------------------------------------

/**
 * Late-bound values an operations metric's dimensions may name. A renderer substitutes its own
 * reference (CDK attribute, Pulumi output): `targetGroupFullName` is the `targetgroup/…` suffix of
 * the target group ARN, `route53HealthCheckId` the id of the cell's Route 53 health check.
 */
export type MetricDimensionSource = 'autoScalingGroupName' | 'loadBalancerFullName' | 'targetGroupFullName' | 'route53HealthCheckId';

/** A CloudWatch metric with every dimension named by its late-bound source. */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly name: string; readonly valueOf: MetricDimensionSource }[];
  /** The statistic used unless the caller overrides it. */
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

/** A single-dimension descriptor as a `MetricSpec`. */
export function metricSpecOf(d: MetricDescriptor, label?: string): MetricSpec {
  return { namespace: d.namespace, metricName: d.metricName, dimensions: [d.dimension], statistic: d.defaultStatistic, periodSeconds: d.periodSeconds, label };
}

const ELB_NAMESPACE = { application: 'AWS/ApplicationELB', network: 'AWS/NetworkELB' } as const;
const LB_DIMENSION = { name: 'LoadBalancer', valueOf: 'loadBalancerFullName' } as const;
const TG_DIMENSION = { name: 'TargetGroup', valueOf: 'targetGroupFullName' } as const;
const ASG_DIMENSION = { name: 'AutoScalingGroupName', valueOf: 'autoScalingGroupName' } as const;

/** A load-balancer-level ELB metric, statistic Sum unless given, period 60 s. */
export function loadBalancerMetric(type: LoadBalancerType, metricName: string, statistic: MetricSpec['statistic'] = 'Sum', label?: string): MetricSpec {
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
export function hostCountMetric(type: LoadBalancerType, health: 'healthy' | 'unhealthy', statistic: MetricSpec['statistic'] = 'Minimum'): MetricSpec {
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

/** Which late-bound value a metric dimension names. */
export type DimensionSource = 'autoScalingGroupName' | 'loadBalancerFullName';

/** One metric-math query in the shape both CloudFormation and @pulumi/aws use for target tracking. */
export interface BoundMetricQuery<V> {
  readonly id: string;
  readonly expression?: string;
  readonly label?: string;
  readonly returnData: boolean;
  readonly metricStat?: {
    readonly stat: string;
    readonly metric: { readonly namespace: string; readonly metricName: string; readonly dimensions: { readonly name: string; readonly value: V }[] };
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
    readonly metricStat?: { readonly namespace: string; readonly metricName: string; readonly stat: string; readonly dimensions: readonly { readonly name: string; readonly valueOf: DimensionSource }[] };
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
export function cellMetricProblem(spec: MetricSpec, helper: string, cell: { readonly name: string; readonly loadBalancerType: LoadBalancerType }, bound: boolean): string | undefined {
  const forType = spec.namespace === ELB_NAMESPACE.application ? 'application' : spec.namespace === ELB_NAMESPACE.network ? 'network' : undefined;
  if (forType !== undefined && forType !== cell.loadBalancerType) {
    const kind = (t: LoadBalancerType) => (t === 'application' ? 'ALB' : 'NLB');
    return `${helper}() reads ${spec.namespace} ${spec.metricName}, but cell "${cell.name}" is an ${kind(cell.loadBalancerType)} cell. Fix: call it on an ${kind(forType)} cell.`;
  }
  if (!bound) {
    return `${helper}() needs the cell's Route 53 health check, and cell "${cell.name}" has none. Fix: set dns.healthChecks: true and give the tier a hosted zone.`;
  }
  return undefined;
}
