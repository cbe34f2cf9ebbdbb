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
import { CAPACITY_DEFAULTS } from './capacity';
import type { CellConfig, LoadBalancerType, TierConfig } from './config';
import { type Issue, type IsUnresolved, neverUnresolved } from './issues';
import {
  activeConnectionsMetric,
  CONNECTION_GAUGE,
  elb5xxMetric,
  groupMetric,
  hostCountMetric,
  metricSpecOf,
  type MetricSpec,
  newConnectionsMetric,
  portAllocationErrorsMetric,
  rejectedConnectionsMetric,
  resetMetric,
  route53HealthCheckStatusMetric,
  targetConnectionErrorsMetric,
} from './metrics';
import type { ResolvedCell } from './resolved';

// ------------------------------------------------------------------------------------------------
// Config
// ------------------------------------------------------------------------------------------------

/** Stable keys of the per-cell alarms. They are API: construct ids and Pulumi names derive from them. */
export const ALARM_KEYS = [
  'rejectedConnections',
  'unhealthyHosts',
  'portAllocationErrors',
  'elb5xx',
  'newConnectionSpike',
  'connectionsPerInstance',
  'route53HealthCheck',
] as const;

/** One of {@link ALARM_KEYS}. */
export type AlarmKey = (typeof ALARM_KEYS)[number];

/** Tuning of one alarm. Every field falls back to the alarm's documented default. */
export interface AlarmConfig {
  /** Create this alarm. @default true */
  readonly enabled?: boolean;
  /**
   * Threshold in the metric's unit (count per 60 s period, connections, or health status 0/1).
   * A finite number ≥ 0.
   * @default - the alarm's default (see {@link ALARM_KEYS} docs in docs/operations.md)
   */
  readonly threshold?: number;
  /** Periods of 60 s evaluated, integer 1–1440 (CloudWatch: periods × period ≤ 1 day). @default - per alarm */
  readonly evaluationPeriods?: number;
  /** Breaching datapoints within `evaluationPeriods` that fire the alarm, integer 1–evaluationPeriods. @default - per alarm, capped at evaluationPeriods */
  readonly datapointsToAlarm?: number;
}

/** Per-alarm tuning, keyed by alarm key. An alarm that does not apply to a cell's type is not created for it. */
export interface AlarmsConfig {
  /** ALB cells: `RejectedConnectionCount` Sum > 0 in one minute. @default - on, with that threshold */
  readonly rejectedConnections?: AlarmConfig;
  /** Every cell: `UnHealthyHostCount` Minimum > 0 for 2 consecutive minutes (AWS advice: Minimum, more than one datapoint). @default - on, with that threshold */
  readonly unhealthyHosts?: AlarmConfig;
  /** NLB cells: `PortAllocationErrorCount` Sum > 0 in one minute. @default - on, with that threshold */
  readonly portAllocationErrors?: AlarmConfig;
  /** ALB cells: `HTTPCode_ELB_5XX_Count` Sum > 10 per minute in 3 of 5 minutes. @default - on, with that threshold */
  readonly elb5xx?: AlarmConfig;
  /**
   * Every cell: new connections per minute above 25 % of the cell's planned capacity (reconnect
   * storm). Its default threshold derives from scaling; with late-bound scaling values give one.
   * @default - on, with that threshold
   */
  readonly newConnectionSpike?: AlarmConfig;
  /** Every cell: server gauge Average above 90 % of the per-instance maximum, 3 minutes running. @default - on, with that threshold */
  readonly connectionsPerInstance?: AlarmConfig;
  /** Cells with a Route 53 health check: `HealthCheckStatus` Minimum < 1 (us-east-1 metric). @default - on, with that threshold */
  readonly route53HealthCheck?: AlarmConfig;
}

/** Load-balancer access logs (and ALB connection logs) into one bucket per tier. */
export interface AccessLogsConfig {
  /**
   * Write ALB access and connection logs and NLB access logs (NLB access logs cover TLS listeners
   * only) to one SSE-S3-encrypted, TLS-only, private bucket. WebSocket access-log entries are
   * written when the connection closes; connection logs record every TLS handshake.
   * @default true
   */
  readonly enabled?: boolean;
  /** Days log objects are kept before the lifecycle rule deletes them, integer 1–3650. @default 90 */
  readonly retentionDays?: number;
}

/** AWS WAF on ALB cells. WAF inspects only the HTTP upgrade request, never WebSocket frames. */
export interface WafConfig {
  /**
   * Create one regional web ACL for the tier (AWS managed common rule set, plus a per-IP rate limit
   * on upgrade requests) and associate it with every ALB cell. NLB cells cannot carry WAF.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * Upgrade requests (header `Upgrade: websocket`) one client IP may send per 5 minutes before WAF
   * blocks it; integer 10–2,000,000,000. Sized for reconnecting clients with back-off; clients
   * behind one NAT share the budget.
   * Source: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
   * @default 600
   */
  readonly rateLimitPer5Minutes?: number;
}

/**
 * VPC flow logs of the VPC the tier creates (never of a VPC you pass in: its flow logs are yours).
 * Source: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html
 */
export interface VpcFlowLogsConfig {
  /**
   * Publish a flow log of the created VPC to a CloudWatch Logs log group (cdk-nag AwsSolutions-VPC7).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Which flows are logged: `'REJECT'` (flows a security group or network ACL refused) or `'ALL'`.
   * REJECT is what debugging a security group needs; ALL also logs every accepted flow, and a
   * tier holding a million long-lived sockets (plus their health checks and NAT traffic) turns
   * that into a steady ingestion bill (vended logs are billed per GB ingested:
   * https://aws.amazon.com/cloudwatch/pricing/).
   * @default 'REJECT'
   */
  readonly trafficType?: 'REJECT' | 'ALL';
  /**
   * Days the log group keeps flow-log records; one of the values CloudWatch Logs accepts
   * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
   * 3288, 3653; https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
   * 30 days covers an incident review without keeping network metadata for long.
   * @default 30
   */
  readonly retentionDays?: number;
}

/** Dashboards, alarms, logs and edge protection of every cell. */
export interface OperationsConfig {
  /** Per-alarm tuning or switching off. @default - every applicable alarm with its default threshold */
  readonly alarms?: AlarmsConfig;
  /**
   * ARN of an SNS topic notified when any alarm fires or recovers
   * (`arn:<partition>:sns:<region>:<account>:<name>`). The CDK construct also takes a topic object.
   * @default - alarms have no actions
   */
  readonly alarmTopicArn?: string;
  /** A CloudWatch dashboard for the tier: a summary row and one row per cell. @default true */
  readonly dashboard?: boolean;
  /** Access and connection logs. @default - on, 90 days */
  readonly accessLogs?: AccessLogsConfig;
  /** WAF on ALB cells. @default - off */
  readonly waf?: WafConfig;
  /**
   * LCU reservation per cell, keyed by cell name: the minimum capacity units the load balancer
   * keeps for a known event. Integer ≥ 1. Billed until removed; AWS lets you decrease it at most
   * twice a day; not supported on NLBs with a TLS listener.
   * @default - no reservation
   */
  readonly minimumCapacityUnits?: Readonly<Record<string, number>>;
  /**
   * Deletion protection of every load balancer. Turn it off (and deploy) before destroying a tier.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Flow logs of the VPC the tier creates. @default - on, rejected flows only, 30 days */
  readonly vpcFlowLogs?: VpcFlowLogsConfig;
}

/** The defaults of every operations setting (documented on each field). */
export const OPERATIONS_DEFAULTS = {
  dashboard: true,
  accessLogs: { enabled: true, retentionDays: 90 },
  waf: { enabled: false, rateLimitPer5Minutes: 600 },
  deletionProtection: true,
  vpcFlowLogs: { enabled: true, trafficType: 'REJECT', retentionDays: 30 },
  /** New connections per minute above this share of the planned capacity count as a storm. */
  newConnectionSpikeShareOfCapacity: 0.25,
  /** Gauge alarm at this share of the per-instance maximum the scaling target was derived from. */
  connectionsPerInstanceShareOfMaximum: 0.9,
} as const;

// ------------------------------------------------------------------------------------------------
// Resolved shapes
// ------------------------------------------------------------------------------------------------

/** One alarm of one cell, every field explicit. */
export interface ResolvedAlarm {
  readonly key: AlarmKey;
  readonly metric: MetricSpec;
  readonly comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: 'notBreaching' | 'breaching';
  /** Alarm description: what fired, why it matters, where to look. */
  readonly description: string;
}

/** A metric of a dashboard widget, bound to the cell whose references fill its dimensions. */
export interface ResolvedWidgetMetric {
  readonly cell: string;
  readonly metric: MetricSpec;
}

/** One graph on the dashboard (24-column grid). */
export interface ResolvedDashboardWidget {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly metrics: readonly ResolvedWidgetMetric[];
  /** Stack the lines (summary rows: each cell's share of the tier). */
  readonly stacked: boolean;
}

/** One row: a title and its graphs. */
export interface ResolvedDashboardRow {
  readonly title: string;
  readonly widgets: readonly ResolvedDashboardWidget[];
}

/** The WAF web ACL shared by the tier's ALB cells. */
export interface ResolvedWebAcl {
  readonly scope: 'REGIONAL';
  readonly defaultAction: 'allow';
  /** Prefix of every CloudWatch metric name of the ACL and its rules (derived from the domain). */
  readonly metricPrefix: string;
  readonly managedRuleGroup: {
    readonly vendorName: 'AWS';
    readonly name: 'AWSManagedRulesCommonRuleSet';
    readonly priority: 0;
    /**
     * Rules of the group switched to `count`: `NoUserAgent_HEADER` blocks requests without a
     * User-Agent, which many native WebSocket client libraries do not send.
     */
    readonly countRules: readonly string[];
  };
  readonly rateRule: {
    readonly name: 'UpgradeRateLimit';
    readonly priority: 1;
    readonly limit: number;
    readonly evaluationWindowSeconds: 300;
    readonly aggregateKeyType: 'IP';
    /** Scope-down: header `upgrade` contains `websocket` after lowercase transformation. */
    readonly scopeDown: { readonly header: 'upgrade'; readonly contains: 'websocket'; readonly textTransformation: 'LOWERCASE' };
  };
}

/** Operations settings of the whole tier. */
export interface ResolvedTierOperations {
  readonly alarmTopicArn?: string;
  /** The log bucket, when any load balancer logs (SSE-S3: ALB log delivery supports no KMS keys). */
  readonly logBucket?: { readonly retentionDays: number; readonly encryption: 'S3_MANAGED'; readonly enforceSsl: true; readonly blockPublicAccess: true };
  /** The web ACL, when WAF is on and the tier has an ALB cell. */
  readonly webAcl?: ResolvedWebAcl;
  /** Dashboard rows (tier summary first, then one per cell), when the dashboard is on. */
  readonly dashboard?: { readonly rows: readonly ResolvedDashboardRow[] };
  /**
   * Flow log of the VPC the tier creates, to a CloudWatch Logs group with this retention, when on.
   * Renderers apply it only to a VPC they create.
   */
  readonly vpcFlowLog?: { readonly trafficType: 'REJECT' | 'ALL'; readonly retentionDays: number; readonly destination: 'cloud-watch-logs' };
}

/** Operations settings of one cell. */
export interface ResolvedCellOperations {
  readonly deletionProtection: boolean;
  readonly minimumCapacityUnits?: number;
  /** S3 prefix of the access logs (`<cell>/access`), when on. */
  readonly accessLogPrefix?: string;
  /** ALB cells: S3 prefix of the connection logs (`<cell>/connection`), when on. */
  readonly connectionLogPrefix?: string;
  /** ALB cells with WAF on: associate the tier's web ACL. */
  readonly webAclAssociation: boolean;
  /** The cell's alarms, in {@link ALARM_KEYS} order. */
  readonly alarms: readonly ResolvedAlarm[];
}

// ------------------------------------------------------------------------------------------------
// Resolve
// ------------------------------------------------------------------------------------------------

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
 * target = 70 % of the maximum, aws-facts §10). Target tracking keeps the average near the target;
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

/** Operations of one cell. */
export function resolveCellOperations(cell: CellWithoutOperations, config: TierConfig): ResolvedCellOperations {
  const ops = config.operations ?? {};
  const isAlb = cell.loadBalancerType === 'application';
  const logs = ops.accessLogs?.enabled ?? OPERATIONS_DEFAULTS.accessLogs.enabled;
  const waf = ops.waf?.enabled ?? OPERATIONS_DEFAULTS.waf.enabled;
  return {
    deletionProtection: ops.deletionProtection ?? OPERATIONS_DEFAULTS.deletionProtection,
    minimumCapacityUnits: ops.minimumCapacityUnits?.[cell.name],
    accessLogPrefix: logs ? `${cell.name}/access` : undefined,
    connectionLogPrefix: logs && isAlb ? `${cell.name}/connection` : undefined,
    webAclAssociation: waf && isAlb,
    alarms: resolveCellAlarms(cell, config),
  };
}

/** WAF metric names allow `[\w#:.-]`, up to 128 characters. */
function metricPrefixOf(domainName: string): string {
  return `wst-${domainName.replace(/[^A-Za-z0-9-]/g, '-')}`.slice(0, 100);
}

/** Operations of the whole tier (cells already resolved). */
export function resolveTierOperations(config: TierConfig, cells: readonly CellWithoutOperations[]): ResolvedTierOperations {
  const ops = config.operations ?? {};
  const logs = ops.accessLogs?.enabled ?? OPERATIONS_DEFAULTS.accessLogs.enabled;
  const waf = (ops.waf?.enabled ?? OPERATIONS_DEFAULTS.waf.enabled) && cells.some((c) => c.loadBalancerType === 'application');
  return {
    alarmTopicArn: ops.alarmTopicArn,
    logBucket:
      logs && cells.length > 0
        ? {
            retentionDays: ops.accessLogs?.retentionDays ?? OPERATIONS_DEFAULTS.accessLogs.retentionDays,
            encryption: 'S3_MANAGED',
            enforceSsl: true,
            blockPublicAccess: true,
          }
        : undefined,
    webAcl: waf
      ? {
          scope: 'REGIONAL',
          defaultAction: 'allow',
          metricPrefix: metricPrefixOf(config.domainName),
          managedRuleGroup: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet', priority: 0, countRules: ['NoUserAgent_HEADER'] },
          rateRule: {
            name: 'UpgradeRateLimit',
            priority: 1,
            limit: ops.waf?.rateLimitPer5Minutes ?? OPERATIONS_DEFAULTS.waf.rateLimitPer5Minutes,
            evaluationWindowSeconds: 300,
            aggregateKeyType: 'IP',
            scopeDown: { header: 'upgrade', contains: 'websocket', textTransformation: 'LOWERCASE' },
          },
        }
      : undefined,
    dashboard: (ops.dashboard ?? OPERATIONS_DEFAULTS.dashboard) ? { rows: dashboardRows(cells) } : undefined,
    vpcFlowLog:
      (ops.vpcFlowLogs?.enabled ?? OPERATIONS_DEFAULTS.vpcFlowLogs.enabled)
        ? {
            trafficType: ops.vpcFlowLogs?.trafficType ?? OPERATIONS_DEFAULTS.vpcFlowLogs.trafficType,
            retentionDays: ops.vpcFlowLogs?.retentionDays ?? OPERATIONS_DEFAULTS.vpcFlowLogs.retentionDays,
            destination: 'cloud-watch-logs',
          }
        : undefined,
  };
}

// ------------------------------------------------------------------------------------------------
// Dashboard layout
// ------------------------------------------------------------------------------------------------

const ROW_HEIGHT = 6;

function widget(title: string, width: number, metrics: ResolvedWidgetMetric[], stacked = false): ResolvedDashboardWidget {
  return { title, width, height: ROW_HEIGHT, metrics, stacked };
}

/** One metric per cell, labelled with the cell name (summary row). */
function perCell(cells: readonly CellWithoutOperations[], spec: (cell: CellWithoutOperations) => MetricSpec | undefined): ResolvedWidgetMetric[] {
  return cells.flatMap((c) => {
    const m = spec(c);
    return m ? [{ cell: c.name, metric: { ...m, label: `${c.name}: ${m.label ?? m.metricName}` } }] : [];
  });
}

/**
 * The dashboard: a tier summary row (connections, new connections, healthy hosts and in-service
 * instances of every cell, stacked), then one row per cell with six graphs of width 4:
 * connections (ALB active/new/rejected; NLB active flows/new flows/port-allocation errors),
 * errors (ALB target connection errors and ELB 5xx; NLB ELB/target/client resets), healthy and
 * unhealthy hosts, the Route 53 health-check status (when the cell has one), Auto Scaling in-service
 * versus terminating instances (terminating includes Terminating:Wait, i.e. draining), and the
 * servers' connection gauge per instance (Average and Maximum).
 */
export function dashboardRows(cells: readonly CellWithoutOperations[]): ResolvedDashboardRow[] {
  const summary: ResolvedDashboardRow = {
    title: 'Tier summary',
    widgets: [
      widget('WebSocket connections per cell', 6, perCell(cells, (c) => ({ ...metricSpecOf(activeConnectionsMetric(c.loadBalancerType)), label: c.loadBalancerType === 'application' ? 'ActiveConnectionCount (2 per socket)' : 'ActiveFlowCount' })), true),
      widget('New connections per cell', 6, perCell(cells, (c) => metricSpecOf(newConnectionsMetric(c.loadBalancerType), 'new connections')), true),
      widget('Healthy hosts per cell', 6, perCell(cells, (c) => hostCountMetric(c.loadBalancerType, 'healthy', 'Minimum')), true),
      widget('In-service instances per cell', 6, perCell(cells, () => groupMetric('GroupInServiceInstances', 'Maximum', 'in service')), true),
    ],
  };
  return [summary, ...cells.map(cellRow)];
}

function cellRow(cell: CellWithoutOperations): ResolvedDashboardRow {
  const type = cell.loadBalancerType;
  const isAlb = type === 'application';
  const m = (metric: MetricSpec): ResolvedWidgetMetric => ({ cell: cell.name, metric });
  const connections = isAlb
    ? [
        metricSpecOf(activeConnectionsMetric(type), 'Active connections (2 per socket)'),
        metricSpecOf(newConnectionsMetric(type), 'New connections'),
        rejectedConnectionsMetric(),
      ]
    : [
        metricSpecOf(activeConnectionsMetric(type), 'Active flows'),
        metricSpecOf(newConnectionsMetric(type), 'New flows'),
        portAllocationErrorsMetric(),
      ];
  const errors = isAlb ? [targetConnectionErrorsMetric(), elb5xxMetric()] : [resetMetric('ELB'), resetMetric('Target'), resetMetric('Client')];
  const widgets = [
    widget(isAlb ? 'Connections (active, new, rejected)' : 'Flows (active, new, port-allocation errors)', 4, connections.map(m)),
    widget(isAlb ? 'Target connection errors and ELB 5xx' : 'TCP resets (ELB, target, client)', 4, errors.map(m)),
    widget('Healthy and unhealthy hosts', 4, [m(hostCountMetric(type, 'healthy', 'Minimum')), m(hostCountMetric(type, 'unhealthy', 'Maximum'))]),
    widget('Route 53 health check', 4, cell.dns.healthCheck ? [m(route53HealthCheckStatusMetric())] : []),
    widget('Instances: in service vs terminating (draining)', 4, [
      m(groupMetric('GroupInServiceInstances', 'Maximum', 'In service')),
      m(groupMetric('GroupTerminatingInstances', 'Maximum', 'Terminating (incl. Terminating:Wait)')),
    ]),
    widget('Connections per instance (server gauge)', 4, [
      m(metricSpecOf(CONNECTION_GAUGE, 'Average')),
      m({ ...metricSpecOf(CONNECTION_GAUGE, 'Maximum'), statistic: 'Maximum' }),
    ]),
  ];
  return { title: `Cell ${cell.name} (${isAlb ? 'ALB' : 'NLB'})`, widgets };
}

// ------------------------------------------------------------------------------------------------
// Validate
// ------------------------------------------------------------------------------------------------

/** CloudWatch alarm evaluation: periods × 60 s ≤ 86,400 s. Source: API_PutMetricAlarm.html */
const MAX_EVALUATION_PERIODS = 1440;
/** WAF rate-based rule limit range. Source: https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html */
const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;
/** S3 lifecycle expiration in days; the upper bound is library policy (10 years). */
const RETENTION_DAYS = { min: 1, max: 3650 } as const;
/** Retention periods CloudWatch Logs accepts, days. Source: API_PutRetentionPolicy.html */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const FLOW_LOG_TRAFFIC_TYPES: readonly string[] = ['REJECT', 'ALL'];
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Every issue of `config.operations`, in field order: unknown alarm keys, out-of-range tuning,
 * bad topic ARN, LCU reservations naming unknown cells or TLS NLB cells, WAF on a tier without ALB
 * cells (warning). Late-bound values are not checked.
 */
export function validateOperations(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const issues: Issue[] = [];
  const error = (code: string, path: string, message: string) => issues.push({ code, path, message, severity: 'error' });
  const warn = (code: string, path: string, message: string) => issues.push({ code, path, message, severity: 'warning' });
  const known = (value: unknown): boolean => value !== undefined && !isUnresolved(value);
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const int = (path: string, value: unknown, min: number, max: number, unit = ''): value is number => {
    if (!known(value)) return false;
    const u = unit ? ` ${unit}` : '';
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      error(typeof value === 'number' && Number.isInteger(value) ? 'out-of-range' : 'not-an-integer', path, `${path} is ${JSON.stringify(value)}${typeof value === 'number' ? u : ''}; allowed: an integer ${min}–${max}${u}. Fix: choose a whole number in that range.`);
      return false;
    }
    return true;
  };
  const bool = (path: string, value: unknown) => {
    if (known(value) && typeof value !== 'boolean') error('not-a-boolean', path, `${path} is ${JSON.stringify(value)}; allowed: true or false. Fix: use a boolean.`);
  };

  const ops: unknown = config.operations;
  if (!known(ops)) return issues;
  if (!isObject(ops)) {
    error('not-an-object', 'operations', `operations is ${JSON.stringify(ops)}; it must be an object of settings. Fix: use { … } with the documented fields, or leave it out for the defaults.`);
    return issues;
  }
  const o = ops as OperationsConfig;
  const cells: readonly CellConfig[] = Array.isArray(config.cells) ? (config.cells as readonly unknown[]).filter(isObject).map((c) => c as unknown as CellConfig) : [];
  const types = new Set(cells.map((c) => c.loadBalancerType ?? 'application'));

  // Alarms.
  if (known(o.alarms)) {
    if (!isObject(o.alarms)) {
      error('not-an-object', 'operations.alarms', `operations.alarms is ${JSON.stringify(o.alarms)}; it must be an object keyed by alarm key. Fix: e.g. { elb5xx: { threshold: 50 } }.`);
    } else {
      for (const [key, tuning] of Object.entries(o.alarms as Record<string, unknown>)) {
        const p = `operations.alarms.${key}`;
        if (!(ALARM_KEYS as readonly string[]).includes(key)) {
          error('alarm-unknown', p, `${p}: "${key}" is not an alarm key; allowed: ${ALARM_KEYS.join(', ')}. Fix: use one of those keys (they are case-sensitive).`);
          continue;
        }
        if (tuning === undefined || !known(tuning)) continue;
        if (!isObject(tuning)) {
          error('not-an-object', p, `${p} is ${JSON.stringify(tuning)}; it must be { enabled?, threshold?, evaluationPeriods?, datapointsToAlarm? }. Fix: e.g. { enabled: false }.`);
          continue;
        }
        const t = tuning as AlarmConfig;
        bool(`${p}.enabled`, t.enabled);
        if (known(t.threshold) && (typeof t.threshold !== 'number' || !Number.isFinite(t.threshold) || t.threshold < 0)) {
          error('alarm-threshold-invalid', `${p}.threshold`, `${p}.threshold is ${JSON.stringify(t.threshold)}; allowed: a finite number ≥ 0 in the metric's unit. Fix: give a count such as 10, or switch the alarm off with enabled: false.`);
        }
        const evalOk = int(`${p}.evaluationPeriods`, t.evaluationPeriods, 1, MAX_EVALUATION_PERIODS, 'periods of 60 s');
        const max = evalOk ? (t.evaluationPeriods as number) : MAX_EVALUATION_PERIODS;
        if (int(`${p}.datapointsToAlarm`, t.datapointsToAlarm, 1, MAX_EVALUATION_PERIODS) && (t.datapointsToAlarm as number) > max) {
          error('alarm-datapoints-above-periods', `${p}.datapointsToAlarm`, `${p}.datapointsToAlarm is ${t.datapointsToAlarm}, above evaluationPeriods (${max}); CloudWatch needs datapointsToAlarm ≤ evaluationPeriods. Fix: lower datapointsToAlarm or raise evaluationPeriods.`);
        }
        const applies =
          key === 'rejectedConnections' || key === 'elb5xx' ? types.has('application') : key === 'portAllocationErrors' ? types.has('network') : key === 'route53HealthCheck' ? config.dns?.healthChecks === true : true;
        if (!applies && t.enabled !== false && cells.length > 0) {
          warn('alarm-not-applicable', p, `${p} is tuned but no cell gets this alarm (${key === 'route53HealthCheck' ? 'dns.healthChecks is off' : key === 'portAllocationErrors' ? 'it is an NLB alarm and the tier has no NLB cell' : 'it is an ALB alarm and the tier has no ALB cell'}). Fix: remove the setting.`);
        }
      }
    }
  }

  if (known(o.alarmTopicArn) && (typeof o.alarmTopicArn !== 'string' || !SNS_TOPIC_ARN.test(o.alarmTopicArn))) {
    error('alarm-topic-arn-invalid', 'operations.alarmTopicArn', `operations.alarmTopicArn is ${JSON.stringify(o.alarmTopicArn)}; allowed: an SNS topic ARN arn:<partition>:sns:<region>:<12-digit account>:<name>. Fix: copy the topic's ARN from the SNS console or output.`);
  }
  bool('operations.dashboard', o.dashboard);
  bool('operations.deletionProtection', o.deletionProtection);

  // Logs.
  if (known(o.accessLogs)) {
    if (!isObject(o.accessLogs)) {
      error('not-an-object', 'operations.accessLogs', `operations.accessLogs is ${JSON.stringify(o.accessLogs)}; it must be { enabled?, retentionDays? }. Fix: e.g. { retentionDays: 30 }.`);
    } else {
      bool('operations.accessLogs.enabled', o.accessLogs.enabled);
      int('operations.accessLogs.retentionDays', o.accessLogs.retentionDays, RETENTION_DAYS.min, RETENTION_DAYS.max, 'days');
    }
  }

  // WAF.
  if (known(o.waf)) {
    if (!isObject(o.waf)) {
      error('not-an-object', 'operations.waf', `operations.waf is ${JSON.stringify(o.waf)}; it must be { enabled?, rateLimitPer5Minutes? }. Fix: e.g. { enabled: true }.`);
    } else {
      bool('operations.waf.enabled', o.waf.enabled);
      int('operations.waf.rateLimitPer5Minutes', o.waf.rateLimitPer5Minutes, WAF_RATE_LIMIT.min, WAF_RATE_LIMIT.max, 'requests');
      if (o.waf.enabled === true && cells.length > 0 && !types.has('application')) {
        warn('waf-without-alb', 'operations.waf.enabled', 'operations.waf.enabled is true but the tier has no ALB cell; AWS WAF cannot be associated with Network Load Balancers, so no web ACL is created. Fix: remove the setting, or filter at the instances.');
      }
    }
  }

  // VPC flow logs.
  if (known(o.vpcFlowLogs)) {
    const f: unknown = o.vpcFlowLogs;
    if (!isObject(f)) {
      error('not-an-object', 'operations.vpcFlowLogs', `operations.vpcFlowLogs is ${JSON.stringify(f)}; it must be { enabled?, trafficType?, retentionDays? }. Fix: e.g. { trafficType: 'ALL' }, or { enabled: false }.`);
    } else {
      bool('operations.vpcFlowLogs.enabled', f.enabled);
      if (known(f.trafficType) && !FLOW_LOG_TRAFFIC_TYPES.includes(f.trafficType as string)) {
        error('flow-log-traffic-type-invalid', 'operations.vpcFlowLogs.trafficType', `operations.vpcFlowLogs.trafficType is ${JSON.stringify(f.trafficType)}; allowed: 'REJECT' or 'ALL'. Fix: use 'REJECT' (refused flows, the default) or 'ALL'.`);
      }
      if (known(f.retentionDays) && !LOG_RETENTION_DAYS.includes(f.retentionDays as number)) {
        error('flow-log-retention-invalid', 'operations.vpcFlowLogs.retentionDays', `operations.vpcFlowLogs.retentionDays is ${JSON.stringify(f.retentionDays)}; allowed: one of ${LOG_RETENTION_DAYS.join(', ')} days (CloudWatch Logs retention values). Fix: pick the nearest of those values.`);
      }
    }
  }

  // LCU reservation.
  if (known(o.minimumCapacityUnits)) {
    if (!isObject(o.minimumCapacityUnits)) {
      error('not-an-object', 'operations.minimumCapacityUnits', `operations.minimumCapacityUnits is ${JSON.stringify(o.minimumCapacityUnits)}; it must be an object keyed by cell name. Fix: e.g. { a: 100 }.`);
    } else {
      const names = cells.map((c) => c.name).filter((n): n is string => typeof n === 'string');
      for (const [name, units] of Object.entries(o.minimumCapacityUnits)) {
        const p = `operations.minimumCapacityUnits.${name}`;
        const cell = cells.find((c) => c.name === name);
        if (cell === undefined) {
          error('lcu-reservation-unknown-cell', p, `${p}: the tier has no cell named "${name}"; known cells: ${names.map((n) => `"${n}"`).join(', ')}. Fix: key the reservation by a cell name.`);
          continue;
        }
        int(p, units, 1, 1_000_000, 'LCUs');
        if ((cell.loadBalancerType ?? 'application') === 'network' && (cell.nlbListenerProtocol ?? 'TLS') === 'TLS') {
          error('lcu-reservation-nlb-tls', p, `${p}: cell "${name}" is an NLB with a TLS listener, and AWS does not support LCU reservation on NLBs using TLS listeners (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/request-capacity-unit-reservation.html). Fix: remove the reservation, or use nlbListenerProtocol 'TCP'.`);
        }
      }
    }
  }
  return issues;
}
