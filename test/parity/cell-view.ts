/**
 * The provider-neutral view of one rendered cell that the parity test compares. Both normalizers
 * (normalize-cdk.ts from the CloudFormation template, normalize-pulumi.ts from the recorded Pulumi
 * inputs) produce this shape; late-bound references become the markers below.
 */

/** Marker for "this cell's Auto Scaling group name" in metric dimensions. */
export const ASG = '<this cell: Auto Scaling group name>';
/** Marker for "this cell's load balancer full name" in metric dimensions. */
export const LB = '<this cell: load balancer full name>';
/** Marker for "this cell's target group full name" in metric dimensions. */
export const TG = '<this cell: target group full name>';
/** Marker for "this cell's Route 53 health check id" in metric dimensions. */
export const HC = '<this cell: Route 53 health check id>';
/** Marker for "the tier's log bucket" in load-balancer log attributes. */
export const LOG_BUCKET = '<the tier log bucket>';
/** Every S3 URI in user data becomes this (CDK asset bucket vs Pulumi bucket). */
export const BUNDLE_URI = 's3://<server-bundle>';
/** The backplane's AUTH token secret ARN in user data (a CloudFormation Ref vs a Pulumi output). */
export const BACKPLANE_SECRET = '<backplane auth token secret>';
/** The backplane's primary endpoint address in user data. */
export const BACKPLANE_ENDPOINT = '<backplane endpoint>';

/** The tier's backplane as both renderers write it (AWS field names, late-bound references as relations). */
export interface BackplaneView {
  engine: string;
  engineVersion: string;
  nodeType: string;
  numCacheClusters: number;
  port: number;
  clusterMode: string;
  transitEncryptionEnabled: boolean;
  transitEncryptionMode: string;
  atRestEncryptionEnabled: boolean;
  automaticFailoverEnabled: boolean;
  multiAzEnabled: boolean;
  autoMinorVersionUpgrade: boolean;
  description: string;
  /** True when the AUTH token is the generated secret's value (CDK: dynamic reference; Pulumi: the secret version's output). */
  authTokenFromSecret: boolean;
  /** True when the subnet group's subnets are the instances' subnets. */
  subnetGroupOnInstanceSubnets: boolean;
  /** `none` when the security group lets nothing out (no rule, or CDK's disallow-all placeholder). */
  egress: 'none' | 'some';
  /** Every ingress rule of the backplane's security group, by source cell (instance security group). */
  ingress: { port: number; fromCell: string; description: string }[];
  /** Cells whose instance role may read exactly the AUTH token secret. */
  secretReadBy: string[];
}

/** Target-group health check, AWS field names. */
export interface HealthCheckView {
  enabled: boolean;
  protocol: string;
  path: string;
  port: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  matcher: string;
}

/** One Route 53 record of the cell. */
export interface RecordView {
  name: string;
  type: string;
  setIdentifier?: string;
  weight?: number;
  evaluateTargetHealth: boolean;
  /** True when the alias points at this cell's load balancer. */
  aliasToThisCell: boolean;
  /** True when the record carries this cell's Route 53 health check. */
  healthCheck: boolean;
}

/** One metric-math query of the scaling policy. */
export interface MetricQueryView {
  id: string;
  expression?: string;
  label?: string;
  returnData: boolean;
  stat?: string;
  namespace?: string;
  metricName?: string;
  dimensions?: { name: string; value: string }[];
}

/** One CloudWatch alarm of the cell (operations), in core's ALARM_KEYS order. */
export interface AlarmView {
  key: string;
  namespace: string;
  metricName: string;
  statistic: string;
  periodSeconds: number;
  dimensions: { name: string; value: string }[];
  threshold: number;
  comparisonOperator: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: string;
  /** Number of ALARM actions and OK actions (the SNS topic). */
  alarmActions: number;
  okActions: number;
}

/** Operations settings of one cell. */
export interface CellOperationsView {
  deletionProtection: boolean;
  minimumCapacityUnits?: number;
  accessLogs?: { bucket: string; prefix: string };
  connectionLogs?: { bucket: string; prefix: string };
  /** True when the tier's web ACL is associated with this cell's load balancer. */
  webAclAssociation: boolean;
  alarms: AlarmView[];
}

/** One dashboard widget: position, size, and what it shows (metric dimension values are not compared here). */
export interface WidgetView {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Text widgets: the markdown; metric widgets: the title. */
  text: string;
  stacked?: boolean;
  /** `namespace metricName stat label` of each metric. */
  metrics?: string[];
}

/** Operations settings of the whole tier. */
export interface TierOperationsView {
  dashboard?: { rows: number; textWidgets: number; metricWidgets: number; widgets: WidgetView[] };
  logBucketRetentionDays?: number;
  webAcl?: { rules: string[]; rateLimit: number; countRules: string[] };
  vpcFlowLog?: { trafficType: string; retentionDays: number; destination: string };
}

/**
 * The semantic release of a cell, as both renderers carry it (issue 13). CloudFormation writes a
 * rolling update gated on `cfn-signal` (the instance probes its health endpoint and signals);
 * Pulumi an instance refresh gated on the group's ELB health check (the target group probes the
 * same endpoint). Normalized to what happens:
 * - `batchSize`: CDK `MaxBatchSize`; Pulumi the headroom above 100 %, `⌊(MaxHealthyPercentage − 100) × capacity ÷ 100⌋`;
 * - `minInstancesInService`: CDK `MinInstancesInService`; Pulumi `⌊MinHealthyPercentage × capacity ÷ 100⌋`
 *   (capacity = desired, else min size, at least 1; exact below 100 instances, where each percentage is rounded up from whole instances);
 * - `readiness`: the endpoint a new instance must answer 200 on before its batch counts (CDK: the
 *   user-data probe before `cfn-signal`, with `WaitOnResourceSignals`; Pulumi: the target group's
 *   health check, with the group's health-check type ELB);
 * Rollback differs by design (CloudFormation always rolls a failed update back; Pulumi follows
 * `release.autoRollback`), and the timings too (CloudFormation's signal timeout `PauseTime`; the refresh's warm-up and
 * checkpoints) and are each checked against the same ResolvedRelease instead: see {@link ReleaseTimingView}.
 */
export interface ReleaseView {
  batchSize: number;
  minInstancesInService: number;
  readiness: { port: number; path: string };
}

/** Renderer-specific release timings (each compared with core's ResolvedRelease, not with the other renderer). */
export interface ReleaseTimingView {
  /** CDK: `PauseTime` in seconds (the signal timeout) and the probe deadline in user data. */
  signalTimeoutSeconds?: number;
  probeDeadlineSeconds?: number;
  minSuccessfulInstancesPercent?: number;
  /** Pulumi: `instanceWarmup`, `checkpointPercentages`, `checkpointDelay`, `skipMatching`, `autoRollback`. */
  autoRollback?: boolean;
  instanceWarmupSeconds?: number;
  checkpointPercentages?: number[];
  checkpointDelaySeconds?: number;
  skipMatching?: boolean;
}

/** Everything the parity test compares for one cell. Optional fields are left out when absent. */
export interface CellView {
  loadBalancer: {
    type: string;
    scheme: 'internet-facing' | 'internal';
    ipAddressType: string;
    idleTimeoutSeconds?: number;
    dropInvalidHeaderFields?: boolean;
    crossZone?: boolean;
  };
  listener: {
    port: number;
    protocol: string;
    sslPolicy?: string;
    alpnPolicy?: string;
    tcpIdleTimeoutSeconds?: number;
    hasCertificate: boolean;
  };
  httpRedirect?: { port: number; protocol: string; toProtocol: string; toPort: string; statusCode: string };
  targetGroup: {
    protocol: string;
    port: number;
    protocolVersion?: string;
    targetType: string;
    deregistrationDelaySeconds: number;
    stickiness: { enabled: boolean; type?: string; cookieDurationSeconds?: number; cookieName?: string };
    connectionTermination?: boolean;
    preserveClientIp?: boolean;
    proxyProtocolV2?: boolean;
    unhealthyConnectionTermination?: boolean;
    unhealthyDrainingIntervalSeconds?: number;
    healthCheck: HealthCheckView;
  };
  autoScaling: {
    minSize: number;
    maxSize: number;
    desiredCapacity?: number;
    healthCheckType: string;
    healthCheckGracePeriodSeconds: number;
    defaultInstanceWarmupSeconds: number;
    minHealthyPercentage: number;
    maxHealthyPercentage: number;
    metrics: string[];
    metricsGranularity: string;
  };
  lifecycleHook: { transition: string; heartbeatTimeoutSeconds: number; defaultResult: string };
  scalingPolicy: { policyType: string; targetValue: number; metrics: MetricQueryView[] };
  launchTemplate: {
    instanceType: string;
    httpTokens: string;
    instanceMetadataTags: string;
    rootVolume: { deviceName: string; sizeGiB: number; type: string; encrypted: boolean };
  };
  /** User-data script lines after `#!/bin/bash`, S3 URIs replaced by BUNDLE_URI. */
  userData: string[];
  /** `object`: the instance role may read the server artifact's S3 object (CDK asset key / Pulumi object key); `none`: no artifact read. */
  artifactRead: 'object' | 'none';
  records: RecordView[];
  route53HealthCheck?: {
    type: string;
    fqdn: string;
    port: number;
    resourcePath: string;
    requestIntervalSeconds: number;
    failureThreshold: number;
    enableSni: boolean;
  };
  operations: CellOperationsView;
  release: ReleaseView;
}

/** Drop keys whose value is undefined (so absent and undefined compare equal), recursively. */
export function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as unknown as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clean(v)]),
    ) as T;
  }
  return value;
}

/** A full user-data script → its lines after the shebang, with S3 URIs neutralised. */
export function userDataScriptLines(script: string): string[] {
  const lines = script
    .replace(/s3:\/\/[^'\s]+/g, BUNDLE_URI)
    .replace(/--secret-id '[^']*'/g, `--secret-id '${BACKPLANE_SECRET}'`)
    .replace(/(rediss:\/\/:\$WST_BACKPLANE_TOKEN@).*?(:\d+" >>)/g, `$1${BACKPLANE_ENDPOINT}$2`)
    .split('\n');
  if (lines[0] !== '#!/bin/bash') throw new Error(`user data does not start with #!/bin/bash: ${lines[0]}`);
  return lines.slice(1);
}

/** The CloudFormation readiness signal found in user data (core's releaseSignalLines), as data. */
export interface SignalInUserData {
  /** The host script without the signal lines (what both renderers share). */
  hostLines: string[];
  /** The probe: 127.0.0.1 port and path, deadline in seconds; undefined when the script has no signal. */
  probe?: { port: number; path: string; deadlineSeconds: number };
}

/**
 * Split the readiness signal (CDK: the cfn-signal EXIT trap at the top, the health wait at the end)
 * from the host script and read what it waits for. Throws when only part of it is there.
 */
export function splitReleaseSignal(lines: readonly string[]): SignalInUserData {
  const trapAt = lines.findIndex((l) => l.startsWith('# Release: tell CloudFormation'));
  const waitAt = lines.findIndex((l) => l.startsWith('# Release: wait up to'));
  if (trapAt < 0 && waitAt < 0) return { hostLines: [...lines] };
  if (trapAt < 0 || waitAt < 0) throw new Error('user data has half a release signal (the trap or the wait, not both)');
  const trap = lines.slice(trapAt, trapAt + 4);
  const wait = lines.slice(waitAt, waitAt + 9);
  if (!trap.some((l) => l.includes('cfn-signal -e "$rc"')) || trap[2] !== 'trap wst_signal EXIT') {
    throw new Error(`user data release trap is not cfn-signal on EXIT: ${trap.join(' | ')}`);
  }
  const port = /\/dev\/tcp\/127\.0\.0\.1\/(\d+)/.exec(wait.join('\n'));
  const path = /GET (\S+) HTTP\/1\.0/.exec(wait.join('\n'));
  const deadline = /WST_DEADLINE=\$\(\( \$\(date \+%s\) \+ (\d+) \)\)/.exec(wait.join('\n'));
  if (!port || !path || !deadline) throw new Error(`user data release wait is not a health probe: ${wait.join(' | ')}`);
  const hostLines = lines.filter((_, k) => !(k >= trapAt && k < trapAt + 4) && !(k >= waitAt && k < waitAt + 9));
  return {
    hostLines,
    probe: { port: Number(port[1]), path: path[1].replace(/%%/g, '%'), deadlineSeconds: Number(deadline[1]) },
  };
}

/** A parsed dashboard body → the widget views and counts the parity test compares. */
export function dashboardView(body: {
  widgets: { type: string; x: number; y: number; width: number; height: number; properties: Record<string, any> }[];
}): TierOperationsView['dashboard'] {
  const widgets: WidgetView[] = body.widgets.map((w) => ({
    type: w.type,
    x: w.x,
    y: w.y,
    width: w.width,
    height: w.height,
    text: w.type === 'text' ? w.properties.markdown : w.properties.title,
    stacked: w.type === 'metric' ? w.properties.stacked === true : undefined,
    metrics:
      w.type === 'metric'
        ? (w.properties.metrics as unknown[][]).map((m) => {
            const opts = m[m.length - 1] as Record<string, unknown>;
            // CloudWatch's default statistic is Average; CDK leaves it out, core's body writes it.
            return `${m[0]} ${m[1]} ${opts.stat ?? 'Average'} ${opts.label ?? ''}`;
          })
        : undefined,
  }));
  return clean({
    rows: widgets.filter((w) => w.type === 'text' && w.text.startsWith('## ')).length,
    textWidgets: widgets.filter((w) => w.type === 'text').length,
    metricWidgets: widgets.filter((w) => w.type === 'metric').length,
    widgets,
  });
}

/** Sort comparator for `{ name }` entries (dimension order is not meaningful). */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

/** Records sorted by type then name, so order of creation does not matter. */
export function sortRecords(records: RecordView[]): RecordView[] {
  return [...records].sort((a, b) => `${a.name}|${a.type}`.localeCompare(`${b.name}|${b.type}`));
}
