/**
 * Every key a `TierConfig` may have, nested, as one table checked against the config types at
 * compile time (each map must list every key of its interface), and the check that refuses an
 * unknown key with the closest valid name (code `unknown-key`). TypeScript catches a misspelled key
 * in an object literal; plain JavaScript, JSON (`websocket-tier local --config`) and objects built
 * by spreading do not, and an unknown key would otherwise be ignored without a word.
 *
 * `validateTier()` runs the check with `topLevel: 'likely-typos'`: the CDK props and Pulumi args
 * extend `TierConfig` with their own top-level keys (`hostedZone`, `vpcId`, …), so at the top level
 * only a key close to a tier key (`conection`, `sclaing`) is reported; below it every unknown key is.
 * The CLI reads a pure tier config and uses `topLevel: 'all'`.
 */
import type { BackplaneConfig } from './backplane';
import type { CapacityConfig, TierCapacityConfig } from './capacity/config';
import type {
  CellConfig,
  CellScalingConfig,
  ConnectionProfileConfig,
  DnsConfig,
  HealthCheckConfig,
  HostTuningConfig,
  ScalingConfig,
  AcknowledgementConfig,
  ServerConfig,
  ServerRebalanceConfig,
  StickinessConfig,
  TierConfig,
} from './config';
import { type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from './issues';
import type { AccessLogsConfig, AlarmConfig, AlarmsConfig, OperationsConfig, VpcFlowLogsConfig, WafConfig } from './operations/config';

/** `true`: a value whose inside is not checked here (scalars, free-form maps); a map: an object's keys; `[shape]`: an array of objects. */
export type KeyShape = true | { readonly [key: string]: KeyShape } | readonly [KeyShape];
/** The keys of `T`, each with its shape: a missing key is a compile error. */
type ShapeOf<T> = { readonly [K in keyof Required<T>]: KeyShape };

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
  backend: true, // its fields: lib/core/ecs/validate.ts (`ecs-backend-unknown-field`)
  state: true,
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
/**
 * `server`: the four settings of this branch, and the ones being added to `ServerConfig` alongside
 * it (runtime limits and rebalancing; the start command and artifact). The extra index type lets
 * them be listed before `ServerConfig` declares them; once it does, `ShapeOf` requires each one.
 */
const SERVER: ShapeOf<ServerConfig> & { readonly [key: string]: KeyShape } = {
  port: true,
  serviceName: true,
  nodePackage: true,
  environment: true,
  secrets: true, // names and entries: checked by validateServerSecrets (lib/core/server-secrets.ts)
  maxConnections: true,
  allowedOrigins: true,
  maxMessageBytes: true,
  rebalance: { intervalMs: true, tolerance: true, maxShedFraction: true } satisfies ShapeOf<ServerRebalanceConfig>, // or false
  proxyProtocol: true,
  command: { executable: true, args: true },
  artifact: true,
  preStart: true,
  unitProvidedByImage: true,
};

/** Every key of `TierConfig`, nested. */
export const TIER_CONFIG_KEYS: ShapeOf<TierConfig> = {
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
  release: true, // its fields: lib/core/release.ts
  allocator: true, // its fields: lib/core/allocator/validate.ts (`allocator-unknown-field`)
  acknowledge: [{ code: true, cells: true, reason: true } satisfies ShapeOf<AcknowledgementConfig>], // or code strings
};

/**
 * Paths whose own validator refuses unknown keys with a more specific code; not reported again
 * here (the values below them still are): `operations.alarms` (`alarm-unknown`), `backplane`
 * (`backplane-unknown-field`), and under `capacity` the planner keys a tier derives from its cells
 * (`capacity-field-from-cells`).
 */
const CAPACITY_FROM_CELLS: { readonly [K in Exclude<keyof CapacityConfig, keyof TierCapacityConfig>]-?: true } = {
  loadBalancerType: true,
  tlsTermination: true,
  instanceType: true,
  cells: true,
  connectionsPerCellLimit: true,
  fileDescriptorLimit: true,
  pingIntervalSeconds: true,
  nlbClientIpPreservation: true,
  route53HealthChecks: true,
  route53HealthCheckIntervalSeconds: true,
  availabilityZones: true,
  minInstancesPerCell: true,
};
const CHECKED_ELSEWHERE: Readonly<Record<string, true | Readonly<Record<string, true>>>> = {
  'operations.alarms': true,
  backplane: true,
  capacity: CAPACITY_FROM_CELLS,
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

/** The valid name closest to `key`, when it is close enough to be a likely typo (at most 2 edits, or a third of the name). */
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

/** Options of {@link unknownKeyIssues}. */
export interface UnknownKeyOptions {
  /** Late-bound values (CDK tokens, Pulumi outputs) are not looked into. @default nothing is late-bound */
  readonly isUnresolved?: IsUnresolved;
  /**
   * Which unknown top-level keys to report: `'all'` for a pure tier config (a JSON file), or
   * `'likely-typos'` (only keys close to a tier key) for renderer props that extend `TierConfig`.
   * @default 'all'
   */
  readonly topLevel?: 'all' | 'likely-typos';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Every unknown key in a tier config (code `unknown-key`, severity error), with the closest valid
 * name when there is one (`conection is not a tier config key; did you mean connection? …`).
 * Values that are not plain objects or arrays (late-bound values, class instances) are not looked into.
 * @returns an empty list when every key is known
 */
export function unknownKeyIssues(config: unknown, options: UnknownKeyOptions = {}): Issue[] {
  const isUnresolved = options.isUnresolved ?? neverUnresolved;
  const v = new IssueCollector(isUnresolved);
  const walk = (value: unknown, shape: KeyShape, at: string): void => {
    if (shape === true || isUnresolved(value)) return;
    if (Array.isArray(shape)) {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, shape[0], `${at}[${i}]`));
      return;
    }
    if (!isPlainObject(value)) return;
    const fields = shape as { readonly [key: string]: KeyShape };
    const valid = Object.keys(fields);
    const elsewhere = CHECKED_ELSEWHERE[at.replace(/\[\d+\]/g, '[]')];
    for (const [key, child] of Object.entries(value)) {
      const path = at ? `${at}.${key}` : key;
      if (Object.prototype.hasOwnProperty.call(fields, key)) {
        walk(child, fields[key], path);
        continue;
      }
      if (elsewhere === true || (elsewhere !== undefined && key in elsewhere)) continue;
      const near = closestName(key, valid);
      if (at === '' && options.topLevel === 'likely-typos' && near === undefined) continue;
      const full = near === undefined ? undefined : at ? `${at}.${near}` : near;
      v.error(
        'unknown-key',
        path,
        full !== undefined
          ? `${path} is not a tier config key; did you mean ${full}? Fix: rename it to ${full}.`
          : `${path} is not a tier config key; allowed here: ${valid.join(', ')}. Fix: remove it or correct its spelling.`,
      );
    }
  };
  walk(config, TIER_CONFIG_KEYS, '');
  return v.issues;
}
