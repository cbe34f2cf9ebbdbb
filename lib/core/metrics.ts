/**
 * CloudWatch metric descriptors shared by the renderers (scaling policies, metric helpers) and the
 * runtime (the connection gauge it publishes).
 * Sources: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
 */
import type { LoadBalancerType } from './config';

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
