/**
 * Operations of a tier, provider-neutral: which alarms every cell gets (with their thresholds and
 * the reason for each), the dashboard layout, access/connection logs, the optional WAF web ACL on
 * ALB cells, LCU reservation and deletion protection. Renderers (CDK, Pulumi) read the resolved
 * result (`ResolvedTier.operations`, `ResolvedCell.operations`) and only bind metrics to their own
 * late-bound references.
 *
 * Sources:
 * - ELB metrics and recommended statistics: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
 * - Route 53 health-check metrics (us-east-1 only): https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html
 * - Alarm evaluation (`EvaluationPeriods × Period ≤ 1 day`, `DatapointsToAlarm ≤ EvaluationPeriods`):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 * - Access logs (SSE-S3 only on ALB buckets): https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 * - WAF rate-based rules: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 * - LCU reservation: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/request-capacity-unit-reservation.html,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/network/request-capacity-unit-reservation.html
 */
import type { TierConfig } from '../config';
import { CAPACITY_DEFAULTS, OPERATIONS_DEFAULTS } from '../defaults';
import type { LoadBalancerType } from '../primitives';
import type { ResolvedCell } from '../resolved';
import {
  CONNECTION_GAUGE,
  elb5xxMetric,
  hostCountMetric,
  metricSpecOf,
  type MetricSpec,
  newConnectionsMetric,
  portAllocationErrorsMetric,
  rejectedConnectionsMetric,
  route53HealthCheckStatusMetric,
} from '../metrics';
import { ALARM_KEYS, type AlarmConfig, type AlarmKey } from './config';
import type { ResolvedAlarm } from './types';

/** A resolved cell before its operations are attached (what `resolveTier` builds first). */
export type CellWithoutOperations = Omit<ResolvedCell, 'operations'>;

/** Scaling headroom the per-instance maximum is derived from (capacity config or its default). */
function headroomPercent(config: TierConfig): number {
  return config.capacity?.headroomPercent ?? CAPACITY_DEFAULTS.headroomPercent;
}

/** Connection legs a load balancer's connection metrics count per WebSocket (ALB counts client→LB and LB→target). */
export function connectionLegs(type: LoadBalancerType): number {
  return type === 'application' ? 2 : 1;
}

/**
 * Default threshold of the reconnect-storm alarm, in new connections per 60 s:
 * `ceil(legs × 0.25 × maxCapacity × targetConnectionsPerInstance)`, where `legs` is 2 on ALB
 * cells (NewConnectionCount counts both legs) and 1 on NLB cells. A paced drain of the whole cell
 * over a 300 s drain window reconnects 20 % of its planned connections per minute; more than 25 %
 * means clients reconnect faster than any planned drain.
 */
export function newConnectionSpikeThreshold(cell: CellWithoutOperations): number {
  const planned = cell.autoScaling.maxCapacity * cell.autoScaling.scalingPolicy.targetValue;
  return Math.ceil(connectionLegs(cell.loadBalancerType) * OPERATIONS_DEFAULTS.newConnectionSpikeShareOfCapacity * planned);
}

/**
 * Default threshold of the connections-per-instance alarm:
 * `ceil(0.9 × targetConnectionsPerInstance ÷ (1 − headroomPercent ÷ 100))`, i.e. 90 % of the
 * per-instance maximum the scaling target was derived from (capacity headroom, default 30 %:
 * target = 70 % of the maximum, see https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html). Target tracking keeps the average near the target;
 * above this, scaling is not keeping up (max capacity reached, warm-up too slow).
 */
export function connectionsPerInstanceThreshold(cell: CellWithoutOperations, config: TierConfig): number {
  const maximum = cell.autoScaling.scalingPolicy.targetValue / (1 - headroomPercent(config) / 100);
  return Math.ceil(OPERATIONS_DEFAULTS.connectionsPerInstanceShareOfMaximum * maximum);
}

interface AlarmDefault {
  readonly metric: MetricSpec;
  readonly comparisonOperator: ResolvedAlarm['comparisonOperator'];
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: ResolvedAlarm['treatMissingData'];
  readonly description: string;
}

/** The default alarm of each key that applies to this cell (undefined when it does not apply). */
function alarmDefaults(cell: CellWithoutOperations, config: TierConfig): Record<AlarmKey, AlarmDefault | undefined> {
  const type = cell.loadBalancerType;
  const isAlb = type === 'application';
  const c = `Cell ${cell.name} of ${config.domainName}`;
  return {
    rejectedConnections: isAlb
      ? {
          metric: rejectedConnectionsMetric(),
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: 'notBreaching',
          description: `${c}: the ALB rejected connections (it reached its connection limit). Every rejection is a client that could not connect. Reserve LCUs (operations.minimumCapacityUnits) or add cells.`,
        }
      : undefined,
    unhealthyHosts: {
      metric: hostCountMetric(type, 'unhealthy', 'Minimum'),
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      description: `${c}: targets unhealthy for 2 minutes (Minimum UnHealthyHostCount > 0, as AWS advises). Check the health endpoint, the event loop and the instance limits.`,
    },
    portAllocationErrors: !isAlb
      ? {
          metric: portAllocationErrorsMetric(),
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: 'notBreaching',
          description: `${c}: NLB port allocation errors (~55,000 connections per target with client address translation). New connections are failing: add targets or NLB IPs.`,
        }
      : undefined,
    elb5xx: isAlb
      ? {
          metric: elb5xxMetric(),
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 10,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: 'notBreaching',
          description: `${c}: more than 10 ELB-generated 5xx per minute in 3 of 5 minutes. 502: server keep-alive shorter than the idle timeout; 503: no healthy target. A few during deploys are normal.`,
        }
      : undefined,
    newConnectionSpike: {
      metric: metricSpecOf(newConnectionsMetric(type), 'New connections'),
      comparisonOperator: 'GreaterThanThreshold',
      threshold: newConnectionSpikeThreshold(cell),
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      description: `${c}: reconnect storm. New connections per minute exceed 25 % of the cell's planned capacity (maxCapacity × target${isAlb ? ' × 2 legs' : ''}). Look for a deploy without drain, an idle-timeout mismatch or a failing neighbour cell.`,
    },
    connectionsPerInstance: {
      metric: metricSpecOf(CONNECTION_GAUGE, 'Connections per instance'),
      comparisonOperator: 'GreaterThanThreshold',
      threshold: connectionsPerInstanceThreshold(cell, config),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      description: `${c}: connections per instance above 90 % of the per-instance maximum for 3 minutes. Scaling is not keeping up: check maxCapacity, warm-up and the Auto Scaling activity.`,
    },
    route53HealthCheck: cell.dns.healthCheck
      ? {
          metric: route53HealthCheckStatusMetric(),
          comparisonOperator: 'LessThanThreshold',
          threshold: 1,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: 'breaching',
          description: `${c}: Route 53 reports the cell unhealthy; it receives no new clients by weight. (Route 53 metrics exist only in us-east-1.)`,
        }
      : undefined,
  };
}

/** A concrete, usable threshold (derived ones are integers well below 2^53). */
function plausibleThreshold(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value < Number.MAX_SAFE_INTEGER;
}

/**
 * The alarms of one cell after the user's tuning. `newConnectionSpike` and
 * `connectionsPerInstance` derive their default threshold from the cell's scaling; when that is
 * late-bound, they are created only with an explicit `threshold`.
 */
export function resolveCellAlarms(cell: CellWithoutOperations, config: TierConfig): ResolvedAlarm[] {
  const defaults = alarmDefaults(cell, config);
  const tuning = (config.operations?.alarms ?? {}) as Readonly<Record<string, AlarmConfig | undefined>>;
  const alarms: ResolvedAlarm[] = [];
  for (const key of ALARM_KEYS) {
    const d = defaults[key];
    const t = tuning[key] ?? {};
    if (d === undefined || t.enabled === false) continue;
    // A threshold derived from late-bound capacity (a CDK token, a Pulumi output) is meaningless:
    // without an explicit threshold the alarm is left out rather than created on a garbage number.
    if (t.threshold === undefined && !plausibleThreshold(d.threshold)) continue;
    const evaluationPeriods = t.evaluationPeriods ?? d.evaluationPeriods;
    alarms.push({
      key,
      metric: d.metric,
      comparisonOperator: d.comparisonOperator,
      threshold: t.threshold ?? d.threshold,
      evaluationPeriods,
      datapointsToAlarm: t.datapointsToAlarm ?? Math.min(d.datapointsToAlarm, evaluationPeriods),
      treatMissingData: d.treatMissingData,
      description: d.description,
    });
  }
  return alarms;
}
