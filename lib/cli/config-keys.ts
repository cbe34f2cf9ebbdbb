/**
 * The keys a tier config may have, per object, checked against the core's types at compile time
 * (each map must list every key of its interface), so a typo in a JSON `--config` is refused with
 * the closest valid name instead of being ignored.
 */
import type { BackplaneConfig } from '../core/backplane';
import type { TierCapacityConfig } from '../core/capacity';
import type {
  CellConfig,
  CellScalingConfig,
  ConnectionProfileConfig,
  DnsConfig,
  HealthCheckConfig,
  HostTuningConfig,
  ScalingConfig,
  ServerConfig,
  StickinessConfig,
  TierConfig,
} from '../core/config';
import type { AccessLogsConfig, AlarmConfig, AlarmsConfig, OperationsConfig, VpcFlowLogsConfig, WafConfig } from '../core/operations';

/** `true`: a value whose inside is not checked here (scalars, free-form maps); a shape: an object; `[shape]`: an array of objects. */
type Shape = true | { readonly [key: string]: Shape } | readonly [Shape];
type ShapeOf<T> = { readonly [K in keyof Required<T>]: Shape };

const ALARM: ShapeOf<AlarmConfig> = { enabled: true, threshold: true, evaluationPeriods: true, datapointsToAlarm: true };
const ALARMS: ShapeOf<AlarmsConfig> = {
  rejectedConnections: ALARM,
  unhealthyHosts: ALARM,
  portAllocationErrors: ALARM,
  elb5xx: ALARM,
  newConnectionSpike: ALARM,
  connectionsPerInstance: ALARM,
  route53HealthCheck: ALARM,
};
const ACCESS_LOGS: ShapeOf<AccessLogsConfig> = { enabled: true, retentionDays: true };
const WAF: ShapeOf<WafConfig> = { enabled: true, rateLimitPer5Minutes: true };
const FLOW_LOGS: ShapeOf<VpcFlowLogsConfig> = { enabled: true, trafficType: true, retentionDays: true };
const OPERATIONS: ShapeOf<OperationsConfig> = {
  alarms: ALARMS,
  alarmTopicArn: true,
  dashboard: true,
  accessLogs: ACCESS_LOGS,
  waf: WAF,
  minimumCapacityUnits: true,
  deletionProtection: true,
  vpcFlowLogs: FLOW_LOGS,
};
const BACKPLANE: ShapeOf<BackplaneConfig> = { engine: true, engineVersion: true, nodeType: true, replicasPerShard: true, port: true };
const CAPACITY: ShapeOf<TierCapacityConfig> = {
  peakConnections: true,
  newConnectionsPerSecond: true,
  reconnectStormConnectionsPerSecond: true,
  messagesPerSecond: true,
  messageBytes: true,
  fanOut: true,
  framework: true,
  headroomPercent: true,
  maxConnectionsPerInstance: true,
  processesPerInstance: true,
  backplane: true,
  cacheNodeType: true,
};
const CELL_SCALING: ShapeOf<CellScalingConfig> = {
  minCapacity: true,
  maxCapacity: true,
  desiredCapacity: true,
  targetConnectionsPerInstance: true,
};
const SCALING: ShapeOf<ScalingConfig> = {
  ...CELL_SCALING,
  signal: true,
  defaultInstanceWarmupSeconds: true,
  healthCheckGracePeriodSeconds: true,
  minHealthyPercentage: true,
  maxHealthyPercentage: true,
};
const CELL: ShapeOf<CellConfig> = {
  name: true,
  loadBalancerType: true,
  nlbListenerProtocol: true,
  nlbTargetProtocol: true,
  weight: true,
  instanceType: true,
  scaling: CELL_SCALING,
};
const STICKINESS: ShapeOf<StickinessConfig> = { enabled: true, albType: true, cookieDurationSeconds: true, cookieName: true };
const CONNECTION: ShapeOf<ConnectionProfileConfig> = {
  pingIntervalSeconds: true,
  albIdleTimeoutSeconds: true,
  nlbTcpIdleTimeoutSeconds: true,
  drainWindowSeconds: true,
  drainGraceSeconds: true,
  albDeregistrationDelaySeconds: true,
  nlbDeregistrationDelaySeconds: true,
  lifecycleHookHeartbeatSeconds: true,
  nlbUnhealthyDrainingIntervalSeconds: true,
  longPollingFallback: true,
  stickiness: STICKINESS,
};
const HEALTH_CHECK: ShapeOf<HealthCheckConfig> = {
  path: true,
  port: true,
  intervalSeconds: true,
  timeoutSeconds: true,
  healthyThresholdCount: true,
  unhealthyThresholdCount: true,
  healthyHttpCodes: true,
};
const HOST: ShapeOf<HostTuningConfig> = {
  fileDescriptorLimit: true,
  somaxconn: true,
  tcpMaxSynBacklog: true,
  listenBacklog: true,
  localProxy: true,
  localPortRange: true,
};
const DNS: ShapeOf<DnsConfig> = {
  ipAddressType: true,
  cellRecords: true,
  healthChecks: true,
  healthCheckRequestIntervalSeconds: true,
  healthCheckFailureThreshold: true,
};
const SERVER: ShapeOf<ServerConfig> = {
  port: true,
  serviceName: true,
  nodePackage: true,
  environment: true,
  command: { executable: true, args: true },
  artifact: true,
  preStart: true,
  unitProvidedByImage: true,
};

/** Every key of `TierConfig`, nested. */
export const TIER_CONFIG_SHAPE: ShapeOf<TierConfig> = {
  domainName: true,
  cells: [CELL],
  instanceType: true,
  tlsPolicy: true,
  ingressCidrs: true,
  ingressIpv6Cidrs: true,
  connection: CONNECTION,
  healthCheck: HEALTH_CHECK,
  scaling: SCALING,
  host: HOST,
  dns: DNS,
  server: SERVER,
  capacity: CAPACITY,
  operations: OPERATIONS,
  backplane: BACKPLANE,
};

/** Edit distance (Levenshtein), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** The valid name closest to `key`, when it is close enough to be a likely typo. */
export function closestName(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = distance(key, v);
    if (d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Every unknown key in a parsed tier config, as `path: message` lines (path like `cells[0].scaling.minCapcity`).
 * @returns an empty list when every key is known
 */
export function unknownConfigKeys(value: unknown, shape: Shape = TIER_CONFIG_SHAPE, at = ''): string[] {
  if (shape === true || value === null || typeof value !== 'object') return [];
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [];
    return value.flatMap((v, i) => unknownConfigKeys(v, shape[0], `${at}[${i}]`));
  }
  if (Array.isArray(value)) return [];
  const fields = shape as { readonly [key: string]: Shape };
  const valid = Object.keys(fields);
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = at ? `${at}.${k}` : k;
    if (!(k in fields)) {
      const near = closestName(k, valid);
      out.push(
        `${p} is not a tier config key${near ? `; did you mean ${at ? `${at}.` : ''}${near}?` : `; allowed here: ${valid.join(', ')}`}`,
      );
    } else out.push(...unknownConfigKeys(v, fields[k], p));
  }
  return out;
}
