/** What a tier's `operations` field holds: alarms, dashboard, logs, WAF, LCU reservation, deletion protection, VPC flow logs. */

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
   * @default - the alarm's default (see the Operations section of the README)
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
