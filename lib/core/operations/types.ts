/** The resolved operations of a tier and of each cell (what renderers write). */
import type { MetricSpec } from '../metrics';
import type { AlarmKey } from './config';

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
  readonly logBucket?: {
    readonly retentionDays: number;
    readonly encryption: 'S3_MANAGED';
    readonly enforceSsl: true;
    readonly blockPublicAccess: true;
  };
  /** The web ACL, when WAF is on and the tier has an ALB cell. */
  readonly webAcl?: ResolvedWebAcl;
  /** Dashboard rows (tier summary first, then one per cell), when the dashboard is on. */
  readonly dashboard?: { readonly rows: readonly ResolvedDashboardRow[] };
  /**
   * Flow log of the VPC the tier creates, to a CloudWatch Logs group with this retention, when on.
   * Renderers apply it only to a VPC they create.
   */
  readonly vpcFlowLog?: {
    readonly trafficType: 'REJECT' | 'ALL';
    readonly retentionDays: number;
    readonly destination: 'cloud-watch-logs';
  };
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
