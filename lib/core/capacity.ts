/**
 * The capacity and cost planner: from "2 million connections" to cells, instances, load-balancer
 * capacity units, host limits, backplane load and a monthly bill, next to API Gateway WebSocket
 * APIs for the same load. Pure functions over the sourced tables in `capacity-data.ts`; every
 * constant used here is defined (with its source) there or in `limits.ts` / `defaults.ts`.
 *
 * The model, in order (each step is a field of {@link CapacityPlan}):
 * 1. Bytes per connection = framework RSS (measured) + kernel socket slab (measured) + TLS state
 *    when TLS terminates on the instance (UNCONFIRMED).
 * 2. Connections one instance can hold = the smallest of: memory budget ÷ bytes per connection;
 *    the file-descriptor limit minus a reserve; a CPU budget (idle connections, deliveries and TLS
 *    handshakes per vCPU, heuristics); the NLB 55,000-per-target limit when client IP
 *    preservation is off; and a measured maximum when you give one.
 * 3. The scaling target = that maximum × (1 − headroom). Each cell's peak is its share of the
 *    connections; max instances = peak ÷ target (what target tracking reaches at peak); min
 *    instances = peak ÷ maximum (the smallest fleet that physically holds the peak, because a
 *    reconnect storm arrives faster than a scale-out), never below 2.
 * 4. Load-balancer capacity units per dimension per cell; the largest one bills.
 * 5. Costs for a 730-hour month with the peak fleet running all month (an upper bound).
 */
import type { LoadBalancerType, TierConfig } from './config';
import {
  ALB_LCU,
  API_GATEWAY_WEBSOCKET,
  CACHE_NODE_TYPES,
  type CapacityUnitSpec,
  DELIVERIES_PER_VCPU_SECOND,
  FRAMEWORK_BYTES_PER_CONNECTION,
  GP3_PRICE_PER_GIB_MONTH,
  HOST_RESERVED_MIB,
  HOURS_PER_MONTH,
  IDLE_CONNECTIONS_PER_VCPU,
  INSTANCE_TYPES,
  type InstanceTypeSpec,
  KERNEL_BYTES_PER_SOCKET,
  MEMORY_USABLE_FRACTION,
  NLB_CONNECTIONS_PER_TARGET_WITH_TRANSLATION,
  NLB_TCP_NLCU,
  NLB_TLS_NLCU,
  PROCESS_BASE_RSS_BYTES,
  PUBLIC_IPV4_PRICE_PER_HOUR,
  REDIS_DELIVERIES_PER_SECOND_PER_PRIMARY,
  RESERVED_FILE_DESCRIPTORS,
  ROUTE53_PRICES,
  RUNTIME_WARMUP_BYTES,
  SECONDS_PER_MONTH,
  TLS_BYTES_PER_CONNECTION,
  TLS_HANDSHAKES_PER_VCPU_SECOND,
  TLS_RECORD_OVERHEAD_BYTES,
  webSocketFrameOverheadBytes,
} from './capacity-data';
import { DEFAULTS } from './defaults';
import { errorsOf, type Issue, type IsUnresolved, neverUnresolved, warningsOf } from './issues';
import { LIMITS } from './limits';

/** A server measured elsewhere: its process RSS growth per idle connection, bytes. */
export interface MeasuredFramework {
  /** Bytes of server-process RSS per additional idle connection, integer ≥ 1 (e.g. `measuredBytesPerConnection` from `bench/calibration.ts`). */
  readonly bytesPerConnection: number;
}

/**
 * The WebSocket server on the instances: `ws` (4,017 B per additional idle connection, measured)
 * or `socket.io` (15,056 B, websocket transport only), or your own measurement.
 */
export type ServerFramework = 'ws' | 'socket.io' | MeasuredFramework;

/** Where TLS terminates: on the load balancer (ALB HTTPS, NLB TLS listener) or on the instances (NLB TCP listener). */
export type TlsTermination = 'load-balancer' | 'instance';

/**
 * How messages cross servers through Redis:
 * - `broadcast`: every server subscribes to every message (socket.io's classic Redis adapter,
 *   `PSUBSCRIBE`); Redis deliveries = messages/s × servers; one primary carries it all, because
 *   classic pub/sub does not scale with cluster shards.
 * - `sharded`: sharded pub/sub (`SSUBSCRIBE`, Redis ≥ 7): a message reaches only servers with
 *   recipients, at most `fanOut` of them; shards add capacity.
 * - `none`: no backplane (a single server, or messages never cross servers).
 */
export type BackplaneMode = 'broadcast' | 'sharded' | 'none';

/**
 * The workload and the server: the part of a capacity plan a tier's `capacity` field holds (the
 * load-balancer type, TLS termination, instance type and cell count then come from the cells).
 * All rates are for the whole tier at peak.
 */
export interface TierCapacityConfig {
  /** Concurrent connections at peak, whole tier. Integer 1–1,000,000,000. Required. */
  readonly peakConnections: number;
  /**
   * New connections per second in steady state, whole tier. Number > 0.
   * @default - peakConnections ÷ 3600 (each client reconnects about once an hour)
   */
  readonly newConnectionsPerSecond?: number;
  /**
   * New connections per second during a reconnect storm (a cell or a deploy drops sockets and
   * clients come back together), whole tier. Number > 0, normally ≥ the steady rate. Sizes the
   * listen backlog, the TLS-handshake check and the capacity units to pre-warm; not billed.
   * @default - peakConnections ÷ 60 (every client back within a minute)
   */
  readonly reconnectStormConnectionsPerSecond?: number;
  /** Messages published per second, whole tier (each reaches `fanOut` clients). Number ≥ 0. @default 0 */
  readonly messagesPerSecond?: number;
  /** Payload bytes of one message. Integer ≥ 1. @default 100 */
  readonly messageBytes?: number;
  /** Clients each message is delivered to. Number ≥ 1. @default 1 */
  readonly fanOut?: number;
  /** The server framework, or a measured bytes-per-connection. @default 'ws' */
  readonly framework?: ServerFramework;
  /**
   * Share of the per-instance maximum kept free, percent, integer 5–90: the scaling target is
   * maximum × (1 − headroom ÷ 100). AWS guidance is a target of about 60–70 % of the tested
   * per-host maximum (aws-facts §5a, §10).
   * @default 30
   */
  readonly headroomPercent?: number;
  /**
   * The per-instance maximum you measured on the real instance type. When set it replaces the
   * memory and CPU estimates (it must still fit the file-descriptor limit: more is an error).
   * Integer ≥ 1.
   * @default - derived from memory, file descriptors, CPU and NLB limits
   */
  readonly maxConnectionsPerInstance?: number;
  /**
   * Server processes per instance, integer 1–256. A Node process runs JavaScript on one core, so
   * the CPU budget counts min(vCPUs, processes); memory keeps a baseline and warm-up per process;
   * each process has its own `LimitNOFILE`. The example server runs one process.
   * @default 1
   */
  readonly processesPerInstance?: number;
  /** Backplane mode. @default - 'broadcast' when messagesPerSecond > 0, else 'none' */
  readonly backplane?: BackplaneMode;
  /**
   * ElastiCache node type of the backplane (one primary and one replica per shard).
   * One of the keys of `CACHE_NODE_TYPES`.
   * @default 'cache.r7g.large'
   */
  readonly cacheNodeType?: string;
}

/** Everything `planCapacity()` needs: the workload plus the shape of the deployment. */
export interface CapacityConfig extends TierCapacityConfig {
  /** Load balancer of every cell. @default 'application' */
  readonly loadBalancerType?: LoadBalancerType;
  /**
   * Where TLS terminates. `instance` needs `loadBalancerType: 'network'` (an NLB TCP listener);
   * an ALB always terminates TLS.
   * @default 'load-balancer'
   */
  readonly tlsTermination?: TlsTermination;
  /** EC2 instance type, one of the keys of `INSTANCE_TYPES` (m7g, c7g, r7g, m7i, c7i, m6i, t4g). @default 'm7g.large' */
  readonly instanceType?: string;
  /**
   * Number of cells (load balancers), integer 1–100 (Route 53 weighted records per name).
   * @default - ceil(peakConnections ÷ connectionsPerCellLimit)
   */
  readonly cells?: number;
  /**
   * Most connections one cell should hold when the planner chooses the cell count: a policy
   * bound on blast radius (a failed cell's clients all reconnect elsewhere). Integer ≥ 1.
   * @default 1000000
   */
  readonly connectionsPerCellLimit?: number;
  /** `LimitNOFILE` of the server unit, integer 1024–1048576. @default 1048576 */
  readonly fileDescriptorLimit?: number;
  /** Server ping interval, seconds, integer ≥ 1 (ping traffic counts as processed bytes). @default 25 */
  readonly pingIntervalSeconds?: number;
  /**
   * NLB only: client IP preservation. Off means address translation, which caps each target at
   * 55,000 connections per NLB address (aws-facts §2).
   * @default true
   */
  readonly nlbClientIpPreservation?: boolean;
  /** One Route 53 HTTPS health check per cell. @default false */
  readonly route53HealthChecks?: boolean;
  /** Route 53 health-check interval, 10 or 30 s (10 is billed as a fast interval). @default 30 */
  readonly route53HealthCheckIntervalSeconds?: number;
  /** Availability zones per load balancer (one public IPv4 address each). Integer 1–6. @default 2 */
  readonly availabilityZones?: number;
  /** Fewest instances per cell, integer ≥ 1 (2 keeps a cell alive through one instance or AZ loss). @default 2 */
  readonly minInstancesPerCell?: number;
}

/** Which bound decides the connections per instance. */
export type InstanceLimit = 'memory' | 'file-descriptors' | 'cpu' | 'nlb-target' | 'measured';

/** A load-balancer capacity-unit dimension. */
export type CapacityUnitDimension = 'newConnections' | 'activeConnections' | 'processedBytes' | 'ruleEvaluations';

/** The numbers behind one instance's ceiling. */
export interface PerInstancePlan {
  readonly maxConnections: number;
  /** Scaling target: maxConnections × (1 − headroom). */
  readonly targetConnections: number;
  readonly limitedBy: InstanceLimit;
  /** Each bound; `nlbTarget` only with address translation, `measured` only when given. */
  readonly limits: {
    readonly memory: number;
    readonly fileDescriptors: number;
    readonly cpu: number;
    readonly nlbTarget?: number;
    readonly measured?: number;
  };
  /** Bytes per connection: framework RSS, TLS state, kernel socket, and their sum. */
  readonly bytesPerConnection: { readonly framework: number; readonly tls: number; readonly kernel: number; readonly total: number };
  /** Memory available to connections, bytes. */
  readonly memoryBudgetBytes: number;
  /** Estimated CPU use at the target, percent of the instance's sustained CPU. */
  readonly cpuPercentAtTarget: number;
}

/** Capacity units of one cell's load balancer. */
export interface LoadBalancerPlan {
  readonly type: LoadBalancerType;
  readonly listenerProtocol: 'HTTPS' | 'TLS' | 'TCP';
  readonly unit: 'LCU' | 'NLCU';
  /** Units needed per dimension, per cell, steady state. */
  readonly unitsByDimension: Readonly<Partial<Record<CapacityUnitDimension, number>>>;
  /** The dimension that bills (the largest). */
  readonly billedDimension: CapacityUnitDimension;
  /** Units billed per cell per hour. */
  readonly billedUnitsPerCell: number;
  /** Units per cell during the reconnect storm (new-connection dimension); what to pre-warm or reserve. */
  readonly stormUnitsPerCell: number;
  /** Processed bytes per cell, GB per hour. */
  readonly processedGBPerHourPerCell: number;
  /** NLB with address translation: the per-target limit that applies. */
  readonly nlbConnectionsPerTargetLimit?: number;
}

/** Host limits to set on every instance. */
export interface HostLimitsPlan {
  /** systemd `LimitNOFILE` of the server unit. */
  readonly limitNoFile: number;
  /** `listen()` backlog: one second of the per-instance storm, at least 4,096, at most 65,535. */
  readonly listenBacklog: number;
  /** `net.core.somaxconn` (≥ the backlog). */
  readonly somaxconn: number;
  /** `net.ipv4.tcp_max_syn_backlog`. */
  readonly tcpMaxSynBacklog: number;
  /** Reconnect-storm arrivals per instance per second, at peak fleet size. */
  readonly stormConnectionsPerInstancePerSecond: number;
  /** TLS on the instance only: CPU-seconds of handshakes per second of storm ÷ the instance's vCPUs (above 1, the storm outlasts itself). */
  readonly tlsHandshakeSecondsPerStormSecond?: number;
}

/** Backplane load against a Redis primary's budget. */
export interface BackplanePlan {
  readonly mode: BackplaneMode;
  /** Deliveries to clients per second, whole tier (messages × fan-out). */
  readonly clientDeliveriesPerSecond: number;
  /** Deliveries Redis makes to servers per second. */
  readonly redisDeliveriesPerSecond: number;
  readonly budgetPerPrimary: number;
  /** redisDeliveriesPerSecond ÷ budgetPerPrimary × 100. */
  readonly utilizationPercent: number;
  /** Primaries (shards) needed; 0 without a backplane. */
  readonly primaries: number;
  readonly cacheNodeType: string;
}

/** Monthly cost lines, USD, 730-hour month, peak fleet all month. */
export interface MonthlyCost {
  readonly ec2: number;
  readonly ebs: number;
  readonly loadBalancerHours: number;
  readonly loadBalancerCapacityUnits: number;
  readonly publicIpv4: number;
  readonly route53Queries: number;
  readonly route53HealthChecks: number;
  readonly elastiCache: number;
  readonly total: number;
}

/** API Gateway WebSocket APIs for the same load. */
export interface ApiGatewayComparison {
  readonly connectionMinutesPerMonth: number;
  readonly messagesPerMonth: number;
  readonly connectionMinutesCost: number;
  readonly messagesCost: number;
  readonly total: number;
  /** Quotas this load runs into (500 new connections/s, 2-hour connections). */
  readonly notes: readonly string[];
}

/** The plan. */
export interface CapacityPlan {
  /** The inputs with every default applied. */
  readonly input: ResolvedCapacityInput;
  readonly instanceType: InstanceTypeSpec;
  readonly perInstance: PerInstancePlan;
  readonly cells: number;
  readonly connectionsPerCell: number;
  readonly perCell: {
    /** Instances at peak when target tracking holds the target (= maxCapacity). */
    readonly instancesAtPeak: number;
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly targetConnectionsPerInstance: number;
  };
  readonly totalInstancesAtPeak: number;
  readonly loadBalancer: LoadBalancerPlan;
  readonly host: HostLimitsPlan;
  readonly backplane: BackplanePlan;
  readonly monthlyCost: MonthlyCost;
  readonly apiGateway: ApiGatewayComparison;
  /** Route 53 lookups per month, upper bound (one per new connection; resolvers cache for 60 s). */
  readonly route53QueriesPerMonth: number;
  /** Warnings (errors make `planCapacity()` throw). */
  readonly warnings: readonly Issue[];
  /** The assumptions behind the numbers, in words. */
  readonly assumptions: readonly string[];
}

/** {@link CapacityConfig} with every default applied. */
export interface ResolvedCapacityInput {
  readonly peakConnections: number;
  readonly newConnectionsPerSecond: number;
  readonly reconnectStormConnectionsPerSecond: number;
  readonly messagesPerSecond: number;
  readonly messageBytes: number;
  readonly fanOut: number;
  readonly framework: ServerFramework;
  readonly headroomPercent: number;
  readonly maxConnectionsPerInstance?: number;
  readonly processesPerInstance: number;
  readonly backplane: BackplaneMode;
  readonly cacheNodeType: string;
  readonly loadBalancerType: LoadBalancerType;
  readonly tlsTermination: TlsTermination;
  readonly instanceType: string;
  readonly cells: number;
  readonly connectionsPerCellLimit: number;
  readonly fileDescriptorLimit: number;
  readonly pingIntervalSeconds: number;
  readonly nlbClientIpPreservation: boolean;
  readonly route53HealthChecks: boolean;
  readonly route53HealthCheckIntervalSeconds: number;
  readonly availabilityZones: number;
  readonly minInstancesPerCell: number;
}

/** Planner defaults not shared with the tier (those come from `DEFAULTS`). */
export const CAPACITY_DEFAULTS = {
  reconnectSeconds: 3600,
  stormSeconds: 60,
  messagesPerSecond: 0,
  messageBytes: 100,
  fanOut: 1,
  framework: 'ws',
  headroomPercent: 30,
  cacheNodeType: 'cache.r7g.large',
  tlsTermination: 'load-balancer',
  connectionsPerCellLimit: 1_000_000,
  availabilityZones: 2,
  minInstancesPerCell: 2,
  processesPerInstance: 1,
  /** Most targets in one target group (NLB and ALB quota, aws-facts §2). */
  maxInstancesPerCell: 1_000,
} as const;

/** Thrown by `planCapacity()` when the input has errors; carries every issue. */
export class CapacityPlanError extends Error {
  constructor(
    message: string,
    public readonly issues: readonly Issue[],
  ) {
    super(message);
    this.name = 'CapacityPlanError';
  }
}

const MIN_LISTEN_BACKLOG = 4096;
const MAX_LISTEN_BACKLOG = LIMITS.somaxconn.max;
const MAX_PEAK_CONNECTIONS = 1e9;

/**
 * Check a capacity input. Never throws; returns every issue (field errors first, then the plan's
 * own errors and warnings, e.g. more connections per instance than the file-descriptor limit).
 * @param pathPrefix - prepended to each issue path (a tier uses `capacity.`)
 */
export function validateCapacity(input: CapacityConfig, pathPrefix = '', isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  return evaluate(input, pathPrefix, isUnresolved, false).issues;
}

/**
 * Plan a tier's capacity and cost.
 * @throws CapacityPlanError naming each bad input, its value and what would work
 */
export function planCapacity(input: CapacityConfig): CapacityPlan {
  const { plan, issues } = evaluate(input, '', neverUnresolved, false);
  const errors = errorsOf(issues);
  if (errors.length > 0 || !plan) {
    throw new CapacityPlanError(`invalid capacity input (${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}):\n${errors.map((e) => `  - ${e.path}: ${e.message}`).join('\n')}`, errors);
  }
  return plan;
}

/** Bytes of server-process RSS per idle connection for a framework (measured values, see `capacity-data.ts`). */
export function frameworkBytesPerConnection(framework: ServerFramework): number {
  return typeof framework === 'object' ? framework.bytesPerConnection : FRAMEWORK_BYTES_PER_CONNECTION[framework];
}

/**
 * Idle connections one server process holds within an RSS-growth budget: (budget − the one-off
 * runtime warm-up) ÷ bytes per connection. The planner's prediction that `bench/calibration.ts`
 * compares with a measurement.
 */
export function predictConnectionsWithinBudget(framework: ServerFramework, rssBudgetBytes: number): number {
  return Math.max(0, Math.floor((rssBudgetBytes - RUNTIME_WARMUP_BYTES) / frameworkBytesPerConnection(framework)));
}

// ---------------------------------------------------------------------------------------------

class Issues {
  readonly list: Issue[] = [];
  constructor(
    readonly prefix: string,
    private readonly isUnresolved: IsUnresolved,
  ) {}
  error(code: string, field: string, message: string): void {
    this.list.push({ code, path: `${this.prefix}${field}`, message, severity: 'error' });
  }
  warn(code: string, field: string, message: string): void {
    this.list.push({ code, path: `${this.prefix}${field}`, message, severity: 'warning' });
  }
  /** A number check; returns true when the value is usable. Late-bound values are skipped (and unusable). */
  num(field: string, value: unknown, opts: { min: number; max?: number; integer?: boolean; exclusiveMin?: boolean; fix: string }): boolean {
    if (value === undefined || this.isUnresolved(value)) return false;
    const p = `${this.prefix}${field}`;
    const range = `${opts.exclusiveMin ? `greater than ${opts.min}` : `${opts.min}`}${opts.max !== undefined ? `${opts.exclusiveMin ? ' and at most' : '–'}${opts.max}` : opts.exclusiveMin ? '' : ' or more'}`;
    const kind = opts.integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value))) {
      this.error('capacity-not-a-number', field, `${p} must be ${kind} ${range}; got ${JSON.stringify(value)}. Fix: ${opts.fix}.`);
      return false;
    }
    if ((opts.exclusiveMin ? value <= opts.min : value < opts.min) || (opts.max !== undefined && value > opts.max)) {
      this.error('capacity-out-of-range', field, `${p} is ${value}; allowed ${kind} ${range}. Fix: ${opts.fix}.`);
      return false;
    }
    return true;
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function knownInstanceTypes(): string {
  const families = [...new Set(Object.keys(INSTANCE_TYPES).map((n) => n.split('.')[0]))];
  return `${families.map((f) => `${f}.*`).join(', ')} (e.g. m7g.large, c7g.xlarge, m7i.2xlarge, t4g.medium)`;
}

function evaluate(input: CapacityConfig, prefix: string, isUnresolved: IsUnresolved, fieldsOnly = false): { plan?: CapacityPlan; issues: Issue[] } {
  const v = new Issues(prefix, isUnresolved);
  const p = (f: string): string => `${prefix}${f}`;
  if (input === null || typeof input !== 'object') {
    v.error('capacity-missing', 'peakConnections', `${p('peakConnections')} is required. Fix: give the concurrent connections at peak, e.g. { peakConnections: 100000 }.`);
    return { issues: v.list };
  }
  let ok = true;
  const check = (r: boolean, value: unknown): void => {
    if (!r && value !== undefined) ok = false;
  };
  if (input.peakConnections === undefined) {
    v.error('capacity-peak-missing', 'peakConnections', `${p('peakConnections')} is required. Fix: give the concurrent connections at peak, e.g. 100000.`);
    ok = false;
  } else {
    check(v.num('peakConnections', input.peakConnections, { min: 1, max: MAX_PEAK_CONNECTIONS, integer: true, fix: 'give the concurrent connections at peak as a whole number, e.g. 2000000' }), input.peakConnections);
  }
  check(v.num('newConnectionsPerSecond', input.newConnectionsPerSecond, { min: 0, exclusiveMin: true, fix: 'give the steady new-connection rate per second, e.g. peakConnections ÷ 3600' }), input.newConnectionsPerSecond);
  check(v.num('reconnectStormConnectionsPerSecond', input.reconnectStormConnectionsPerSecond, { min: 0, exclusiveMin: true, fix: 'give the arrivals per second when clients reconnect together, e.g. peakConnections ÷ 60' }), input.reconnectStormConnectionsPerSecond);
  check(v.num('messagesPerSecond', input.messagesPerSecond, { min: 0, fix: 'give messages published per second (0 for idle connections)' }), input.messagesPerSecond);
  check(v.num('messageBytes', input.messageBytes, { min: 1, max: 100 * 1024 * 1024, integer: true, fix: 'give the payload size in bytes, e.g. 100' }), input.messageBytes);
  check(v.num('fanOut', input.fanOut, { min: 1, fix: 'give how many clients receive each message (1 for point-to-point)' }), input.fanOut);
  check(v.num('headroomPercent', input.headroomPercent, { min: 5, max: 90, integer: true, fix: 'use 30 (scaling target at 70 % of the per-instance maximum)' }), input.headroomPercent);
  check(v.num('processesPerInstance', input.processesPerInstance, { min: 1, max: 256, integer: true, fix: 'use 1 (one Node process), or the number of vCPUs when you run one worker per core' }), input.processesPerInstance);
  check(v.num('maxConnectionsPerInstance', input.maxConnectionsPerInstance, { min: 1, integer: true, fix: 'give the per-instance maximum you measured, or leave it unset' }), input.maxConnectionsPerInstance);
  check(v.num('cells', input.cells, { min: 1, max: LIMITS.weightedRecordsPerName.max, integer: true, fix: 'use 1–100 cells (Route 53 holds at most 100 weighted records per name)' }), input.cells);
  check(v.num('connectionsPerCellLimit', input.connectionsPerCellLimit, { min: 1, integer: true, fix: 'give the most connections one cell should hold, e.g. 1000000' }), input.connectionsPerCellLimit);
  check(v.num('fileDescriptorLimit', input.fileDescriptorLimit, { min: LIMITS.fileDescriptorLimit.min, max: LIMITS.fileDescriptorLimit.max, integer: true, fix: 'use 1048576 (LimitNOFILE in the server unit)' }), input.fileDescriptorLimit);
  check(v.num('pingIntervalSeconds', input.pingIntervalSeconds, { min: 1, max: 3600, integer: true, fix: 'use 25' }), input.pingIntervalSeconds);
  check(v.num('availabilityZones', input.availabilityZones, { min: 1, max: 6, integer: true, fix: 'use 2 or 3' }), input.availabilityZones);
  check(v.num('minInstancesPerCell', input.minInstancesPerCell, { min: 1, max: CAPACITY_DEFAULTS.maxInstancesPerCell, integer: true, fix: 'use 2' }), input.minInstancesPerCell);

  const fw = input.framework;
  if (fw !== undefined && !isUnresolved(fw)) {
    if (typeof fw === 'object' && fw !== null) {
      check(v.num('framework.bytesPerConnection', fw.bytesPerConnection, { min: 1, integer: true, fix: 'give the measured RSS bytes per idle connection, e.g. 6000' }), fw.bytesPerConnection);
      if (fw.bytesPerConnection === undefined) {
        v.error('capacity-framework-invalid', 'framework', `${p('framework')} is an object without bytesPerConnection. Fix: use 'ws', 'socket.io' or { bytesPerConnection: <measured bytes> }.`);
        ok = false;
      }
    } else if (fw !== 'ws' && fw !== 'socket.io') {
      v.error('capacity-framework-invalid', 'framework', `${p('framework')} is ${JSON.stringify(fw)}; allowed 'ws', 'socket.io' or { bytesPerConnection: <measured bytes> }. Fix: pick one.`);
      ok = false;
    }
  }
  const lb = input.loadBalancerType;
  if (lb !== undefined && lb !== 'application' && lb !== 'network') {
    v.error('capacity-lb-invalid', 'loadBalancerType', `${p('loadBalancerType')} is ${JSON.stringify(lb)}; allowed 'application' (ALB) or 'network' (NLB). Fix: pick one.`);
    ok = false;
  }
  const tls = input.tlsTermination;
  if (tls !== undefined && tls !== 'load-balancer' && tls !== 'instance') {
    v.error('capacity-tls-invalid', 'tlsTermination', `${p('tlsTermination')} is ${JSON.stringify(tls)}; allowed 'load-balancer' or 'instance'. Fix: pick one.`);
    ok = false;
  } else if (tls === 'instance' && (lb ?? 'application') === 'application') {
    v.error('capacity-tls-on-instance-needs-nlb', 'tlsTermination', `${p('tlsTermination')} is 'instance' but the load balancer is an ALB, which always terminates TLS itself. Fix: set loadBalancerType 'network' (NLB TCP listener) or tlsTermination 'load-balancer'.`);
    ok = false;
  }
  const bp = input.backplane;
  if (bp !== undefined && bp !== 'broadcast' && bp !== 'sharded' && bp !== 'none') {
    v.error('capacity-backplane-invalid', 'backplane', `${p('backplane')} is ${JSON.stringify(bp)}; allowed 'broadcast', 'sharded' or 'none'. Fix: pick one.`);
    ok = false;
  }
  const itName = input.instanceType ?? DEFAULTS.instanceType;
  const it = INSTANCE_TYPES[itName];
  if (!isUnresolved(itName) && !it) {
    v.error('capacity-instance-type-unknown', 'instanceType', `${p('instanceType')} is ${JSON.stringify(itName)}, which the planner has no size or price for; known: ${knownInstanceTypes()}. Fix: pick one of those, or plan with the nearest one and pass maxConnectionsPerInstance from a measurement.`);
    ok = false;
  }
  const cacheName = input.cacheNodeType ?? CAPACITY_DEFAULTS.cacheNodeType;
  if (!CACHE_NODE_TYPES[cacheName]) {
    v.error('capacity-cache-node-unknown', 'cacheNodeType', `${p('cacheNodeType')} is ${JSON.stringify(cacheName)}; known: ${Object.keys(CACHE_NODE_TYPES).join(', ')}. Fix: pick one of those.`);
    ok = false;
  }
  const hcInterval = input.route53HealthCheckIntervalSeconds;
  if (hcInterval !== undefined && hcInterval !== 10 && hcInterval !== 30) {
    v.error('capacity-route53-interval-invalid', 'route53HealthCheckIntervalSeconds', `${p('route53HealthCheckIntervalSeconds')} is ${JSON.stringify(hcInterval)}; Route 53 accepts 10 or 30. Fix: use 30.`);
    ok = false;
  }
  if (!ok || !it) return { issues: v.list };

  const r = resolveInput(input);
  if (r.reconnectStormConnectionsPerSecond < r.newConnectionsPerSecond) {
    v.warn('capacity-storm-below-steady', 'reconnectStormConnectionsPerSecond', `${p('reconnectStormConnectionsPerSecond')} is ${fmt(r.reconnectStormConnectionsPerSecond)}/s, below the steady ${fmt(r.newConnectionsPerSecond)}/s; a storm is the worst case. Fix: raise it (e.g. peakConnections ÷ 60 = ${fmt(r.peakConnections / 60)}/s).`);
  }
  if (fieldsOnly) return { issues: v.list };
  const plan = computePlan(r, it, v);
  return { plan: plan ? { ...plan, warnings: warningsOf(v.list) } : undefined, issues: v.list };
}

function resolveInput(input: CapacityConfig): ResolvedCapacityInput {
  const peak = input.peakConnections;
  const lbType = input.loadBalancerType ?? DEFAULTS.cell.loadBalancerType;
  const messages = input.messagesPerSecond ?? CAPACITY_DEFAULTS.messagesPerSecond;
  const limit = input.connectionsPerCellLimit ?? CAPACITY_DEFAULTS.connectionsPerCellLimit;
  return {
    peakConnections: peak,
    newConnectionsPerSecond: input.newConnectionsPerSecond ?? peak / CAPACITY_DEFAULTS.reconnectSeconds,
    reconnectStormConnectionsPerSecond: input.reconnectStormConnectionsPerSecond ?? peak / CAPACITY_DEFAULTS.stormSeconds,
    messagesPerSecond: messages,
    messageBytes: input.messageBytes ?? CAPACITY_DEFAULTS.messageBytes,
    fanOut: input.fanOut ?? CAPACITY_DEFAULTS.fanOut,
    framework: input.framework ?? CAPACITY_DEFAULTS.framework,
    headroomPercent: input.headroomPercent ?? CAPACITY_DEFAULTS.headroomPercent,
    maxConnectionsPerInstance: input.maxConnectionsPerInstance,
    processesPerInstance: input.processesPerInstance ?? CAPACITY_DEFAULTS.processesPerInstance,
    backplane: input.backplane ?? (messages > 0 ? 'broadcast' : 'none'),
    cacheNodeType: input.cacheNodeType ?? CAPACITY_DEFAULTS.cacheNodeType,
    loadBalancerType: lbType,
    tlsTermination: input.tlsTermination ?? CAPACITY_DEFAULTS.tlsTermination,
    instanceType: input.instanceType ?? DEFAULTS.instanceType,
    cells: input.cells ?? Math.max(1, Math.ceil(peak / limit)),
    connectionsPerCellLimit: limit,
    fileDescriptorLimit: input.fileDescriptorLimit ?? DEFAULTS.host.fileDescriptorLimit,
    pingIntervalSeconds: input.pingIntervalSeconds ?? DEFAULTS.connection.pingIntervalSeconds,
    nlbClientIpPreservation: input.nlbClientIpPreservation ?? true,
    route53HealthChecks: input.route53HealthChecks ?? DEFAULTS.dns.healthChecks,
    route53HealthCheckIntervalSeconds: input.route53HealthCheckIntervalSeconds ?? DEFAULTS.dns.healthCheckRequestIntervalSeconds,
    availabilityZones: input.availabilityZones ?? CAPACITY_DEFAULTS.availabilityZones,
    minInstancesPerCell: input.minInstancesPerCell ?? CAPACITY_DEFAULTS.minInstancesPerCell,
  };
}

function unitSpec(r: ResolvedCapacityInput): { spec: CapacityUnitSpec; unit: 'LCU' | 'NLCU'; listener: 'HTTPS' | 'TLS' | 'TCP' } {
  if (r.loadBalancerType === 'application') return { spec: ALB_LCU, unit: 'LCU', listener: 'HTTPS' };
  return r.tlsTermination === 'instance' ? { spec: NLB_TCP_NLCU, unit: 'NLCU', listener: 'TCP' } : { spec: NLB_TLS_NLCU, unit: 'NLCU', listener: 'TLS' };
}

/** Redis load for a backplane mode. */
export function backplaneLoad(mode: BackplaneMode, messagesPerSecond: number, fanOut: number, servers: number, cacheNodeType: string): BackplanePlan {
  const redis = mode === 'broadcast' ? messagesPerSecond * servers : mode === 'sharded' ? messagesPerSecond * Math.min(servers, fanOut) : 0;
  const utilization = (redis / REDIS_DELIVERIES_PER_SECOND_PER_PRIMARY) * 100;
  return {
    mode,
    clientDeliveriesPerSecond: messagesPerSecond * fanOut,
    redisDeliveriesPerSecond: redis,
    budgetPerPrimary: REDIS_DELIVERIES_PER_SECOND_PER_PRIMARY,
    utilizationPercent: utilization,
    primaries: mode === 'none' ? 0 : mode === 'broadcast' ? 1 : Math.max(1, Math.ceil(redis / REDIS_DELIVERIES_PER_SECOND_PER_PRIMARY)),
    cacheNodeType,
  };
}

function computePlan(r: ResolvedCapacityInput, it: InstanceTypeSpec, v: Issues): Omit<CapacityPlan, 'warnings'> | undefined {
  const p = (f: string): string => `${v.prefix}${f}`;
  const tlsOnInstance = r.tlsTermination === 'instance';

  // 1. Bytes per connection and the memory budget.
  const bytes = {
    framework: frameworkBytesPerConnection(r.framework),
    tls: tlsOnInstance ? TLS_BYTES_PER_CONNECTION : 0,
    kernel: KERNEL_BYTES_PER_SOCKET,
    total: 0,
  };
  bytes.total = bytes.framework + bytes.tls + bytes.kernel;
  const procs = r.processesPerInstance;
  const memoryBudgetBytes = Math.floor((it.memoryGiB * 1024 - HOST_RESERVED_MIB) * 1024 * 1024 * MEMORY_USABLE_FRACTION - procs * (PROCESS_BASE_RSS_BYTES + RUNTIME_WARMUP_BYTES));
  if (memoryBudgetBytes < bytes.total) {
    v.error('capacity-instance-too-small', 'instanceType', `${p('instanceType')} ${it.name} has ${it.memoryGiB} GiB; after ${HOST_RESERVED_MIB} MiB for the OS and ${Math.round((PROCESS_BASE_RSS_BYTES + RUNTIME_WARMUP_BYTES) / 1e6)} MB for each of ${procs} server process(es) nothing is left for connections. Fix: use a larger type (e.g. t4g.small or m7g.medium and up) or fewer processes.`);
    return undefined;
  }

  // 2. Connections per instance.
  const cpuBudget = Math.min(it.vcpus, procs) * ((it.baselineCpuPercent ?? 100) / 100);
  const deliveriesPerConnection = (r.messagesPerSecond * r.fanOut) / r.peakConnections;
  const sizeFactor = Math.max(1, r.messageBytes / 1024);
  const newPerConnection = r.newConnectionsPerSecond / r.peakConnections;
  const cpuPerConnection =
    1 / IDLE_CONNECTIONS_PER_VCPU + (deliveriesPerConnection * sizeFactor) / DELIVERIES_PER_VCPU_SECOND + (tlsOnInstance ? newPerConnection / TLS_HANDSHAKES_PER_VCPU_SECOND : 0);
  const limits = {
    memory: Math.floor(memoryBudgetBytes / bytes.total),
    fileDescriptors: procs * (r.fileDescriptorLimit - RESERVED_FILE_DESCRIPTORS),
    cpu: Math.floor(cpuBudget / cpuPerConnection),
    nlbTarget: r.loadBalancerType === 'network' && !r.nlbClientIpPreservation ? NLB_CONNECTIONS_PER_TARGET_WITH_TRANSLATION : undefined,
    measured: r.maxConnectionsPerInstance,
  };
  if (limits.cpu < 1) {
    v.error('capacity-cpu-unsatisfiable', 'messagesPerSecond', `${p('messagesPerSecond')} × fanOut = ${fmt(r.messagesPerSecond * r.fanOut)} deliveries/s over ${fmt(r.peakConnections)} connections is ${deliveriesPerConnection.toFixed(1)} per connection per second, more than one ${it.name} (${cpuBudget} sustained vCPU at ~${fmt(DELIVERIES_PER_VCPU_SECOND)} deliveries/s each) can serve for even one connection. Fix: lower the message rate or fan-out, or use a larger instance type.`);
    return undefined;
  }
  let maxConnections: number;
  let limitedBy: InstanceLimit;
  if (limits.measured !== undefined) {
    if (limits.measured > limits.fileDescriptors) {
      v.error('capacity-above-fd-limit', 'maxConnectionsPerInstance', `${p('maxConnectionsPerInstance')} is ${fmt(limits.measured)} but the file-descriptor limit ${fmt(r.fileDescriptorLimit)} leaves ${fmt(limits.fileDescriptors)} for sockets (${RESERVED_FILE_DESCRIPTORS} kept per process, ${procs} process(es)); one socket takes one descriptor. Fix: lower it to at most ${fmt(limits.fileDescriptors)}, raise fileDescriptorLimit (max ${fmt(LIMITS.fileDescriptorLimit.max)}) or run more processes.`);
      return undefined;
    }
    if (limits.nlbTarget !== undefined && limits.measured > limits.nlbTarget) {
      v.error('capacity-above-nlb-target-limit', 'maxConnectionsPerInstance', `${p('maxConnectionsPerInstance')} is ${fmt(limits.measured)} but an NLB with client IP preservation off translates addresses and allows ${fmt(limits.nlbTarget)} connections per target (aws-facts §2). Fix: keep client IP preservation on, lower it to ${fmt(limits.nlbTarget)}, or register several ports per instance as separate targets.`);
      return undefined;
    }
    if (limits.measured > Math.min(limits.memory, limits.cpu)) {
      v.warn('capacity-measured-above-estimate', 'maxConnectionsPerInstance', `${p('maxConnectionsPerInstance')} is ${fmt(limits.measured)}, above the planner's estimate for ${it.name} (memory ${fmt(limits.memory)}, CPU ${fmt(limits.cpu)}). The measurement wins; make sure it was taken on ${it.name} with your real message load.`);
    }
    maxConnections = limits.measured;
    limitedBy = 'measured';
  } else {
    const candidates: [InstanceLimit, number][] = [
      ['memory', limits.memory],
      ['file-descriptors', limits.fileDescriptors],
      ['cpu', limits.cpu],
    ];
    if (limits.nlbTarget !== undefined) candidates.push(['nlb-target', limits.nlbTarget]);
    [limitedBy, maxConnections] = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
  }
  const targetConnections = Math.max(1, Math.floor((maxConnections * (100 - r.headroomPercent)) / 100));
  const cpuPercentAtTarget = ((targetConnections * cpuPerConnection) / cpuBudget) * 100;

  // 3. Cells and instances.
  const connectionsPerCell = Math.ceil(r.peakConnections / r.cells);
  const instancesAtPeak = Math.max(r.minInstancesPerCell, Math.ceil(connectionsPerCell / targetConnections));
  const minCapacity = Math.min(instancesAtPeak, Math.max(r.minInstancesPerCell, Math.ceil(connectionsPerCell / maxConnections)));
  if (instancesAtPeak > CAPACITY_DEFAULTS.maxInstancesPerCell) {
    const cellsNeeded = Math.ceil(r.peakConnections / (targetConnections * CAPACITY_DEFAULTS.maxInstancesPerCell));
    v.error('capacity-too-many-targets', 'peakConnections', `${p('peakConnections')} ${fmt(r.peakConnections)} over ${r.cells} cell(s) is ${fmt(connectionsPerCell)} per cell, which needs ${fmt(instancesAtPeak)} ${it.name} instances at ${fmt(targetConnections)} each; a target group holds at most ${fmt(CAPACITY_DEFAULTS.maxInstancesPerCell)} targets (aws-facts §2). Fix: use at least ${cellsNeeded} cells (lower connectionsPerCellLimit) or a larger instance type.`);
    return undefined;
  }
  if (r.cells > 1 && connectionsPerCell < targetConnections) {
    v.warn('capacity-cells-underused', 'cells', `${p('cells')} is ${r.cells}, so each cell holds ${fmt(connectionsPerCell)} connections, less than one instance's target (${fmt(targetConnections)}); every cell still runs ${r.minInstancesPerCell} instances and a load balancer. Fix: use fewer cells unless you need the isolation.`);
  }
  const totalInstancesAtPeak = instancesAtPeak * r.cells;

  // 4. Load-balancer capacity units per cell.
  const { spec, unit, listener } = unitSpec(r);
  const tlsAtLb = listener !== 'TCP';
  const wire = (payload: number): number => payload + webSocketFrameOverheadBytes(payload) + (tlsAtLb || tlsOnInstance ? TLS_RECORD_OVERHEAD_BYTES : 0);
  // Per cell per second: deliveries out + publishes in + a ping and a pong (empty payload) per connection per interval.
  const deliveriesPerCell = (r.messagesPerSecond * r.fanOut) / r.cells;
  const publishesPerCell = r.messagesPerSecond / r.cells;
  const pingBytesPerCell = (connectionsPerCell / r.pingIntervalSeconds) * 2 * wire(0);
  const bytesPerSecondPerCell = (deliveriesPerCell + publishesPerCell) * wire(r.messageBytes) + pingBytesPerCell;
  const processedGBPerHourPerCell = (bytesPerSecondPerCell * 3600) / 1e9;
  const newPerCell = r.newConnectionsPerSecond / r.cells;
  const stormPerCell = r.reconnectStormConnectionsPerSecond / r.cells;
  const unitsByDimension: Partial<Record<CapacityUnitDimension, number>> = {
    newConnections: newPerCell / spec.newConnectionsPerSecond,
    activeConnections: connectionsPerCell / spec.activeConnections,
    processedBytes: processedGBPerHourPerCell / spec.processedGBPerHour,
  };
  // Rules are evaluated once per request (the upgrade); one default action is within the 10 free rules.
  if (spec.ruleEvaluationsPerSecond) unitsByDimension.ruleEvaluations = 0;
  const [billedDimension, billedUnitsPerCell] = (Object.entries(unitsByDimension) as [CapacityUnitDimension, number][]).reduce((a, b) => (b[1] > a[1] ? b : a));
  const stormUnitsPerCell = Math.max(billedUnitsPerCell, stormPerCell / spec.newConnectionsPerSecond);

  // 5. Host limits.
  const stormPerInstance = r.reconnectStormConnectionsPerSecond / totalInstancesAtPeak;
  const backlog = Math.min(MAX_LISTEN_BACKLOG, Math.max(MIN_LISTEN_BACKLOG, Math.ceil(stormPerInstance)));
  if (stormPerInstance > MAX_LISTEN_BACKLOG) {
    v.warn('capacity-storm-exceeds-backlog', 'reconnectStormConnectionsPerSecond', `${p('reconnectStormConnectionsPerSecond')} ${fmt(r.reconnectStormConnectionsPerSecond)}/s over ${totalInstancesAtPeak} instances is ${fmt(stormPerInstance)}/s each, more than the largest listen backlog (${MAX_LISTEN_BACKLOG}); SYNs will be dropped and clients retry later. Fix: spread reconnects (client jitter, paced drain) or add instances.`);
  }
  let tlsHandshakeSecondsPerStormSecond: number | undefined;
  if (tlsOnInstance) {
    tlsHandshakeSecondsPerStormSecond = stormPerInstance / (cpuBudget * TLS_HANDSHAKES_PER_VCPU_SECOND);
    if (tlsHandshakeSecondsPerStormSecond > 1) {
      v.warn('capacity-tls-storm', 'reconnectStormConnectionsPerSecond', `${p('reconnectStormConnectionsPerSecond')}: with TLS on the instance each ${it.name} must handshake ${fmt(stormPerInstance)} connections per storm second but does about ${fmt(cpuBudget * TLS_HANDSHAKES_PER_VCPU_SECOND)}/s (UNCONFIRMED ~${TLS_HANDSHAKES_PER_VCPU_SECOND}/vCPU), so each second of storm takes ${tlsHandshakeSecondsPerStormSecond.toFixed(2)} s of handshaking and a backlog builds. Fix: terminate TLS on the load balancer, add instances, or spread reconnects.`);
    }
  }
  const host: HostLimitsPlan = {
    limitNoFile: Math.max(r.fileDescriptorLimit, Math.min(LIMITS.fileDescriptorLimit.max, Math.ceil(maxConnections / procs) + RESERVED_FILE_DESCRIPTORS)),
    listenBacklog: backlog,
    somaxconn: Math.max(backlog, DEFAULTS.host.somaxconn),
    tcpMaxSynBacklog: Math.max(backlog, DEFAULTS.host.tcpMaxSynBacklog),
    stormConnectionsPerInstancePerSecond: stormPerInstance,
    tlsHandshakeSecondsPerStormSecond,
  };

  // 6. Backplane.
  const backplane = backplaneLoad(r.backplane, r.messagesPerSecond, r.fanOut, totalInstancesAtPeak, r.cacheNodeType);
  backplaneIssues(backplane, totalInstancesAtPeak, v);

  // 7. Monthly cost.
  const cache = CACHE_NODE_TYPES[r.cacheNodeType];
  const route53QueriesPerMonth = r.newConnectionsPerSecond * SECONDS_PER_MONTH;
  const hcPerMonth = ROUTE53_PRICES.healthCheckAwsEndpointPerMonth + ROUTE53_PRICES.healthCheckOptionalFeaturePerMonth * (1 + (r.route53HealthCheckIntervalSeconds === 10 ? 1 : 0));
  const lines = {
    ec2: totalInstancesAtPeak * it.pricePerHour * HOURS_PER_MONTH,
    ebs: totalInstancesAtPeak * DEFAULTS.scaling.rootVolumeGiB * GP3_PRICE_PER_GIB_MONTH,
    loadBalancerHours: r.cells * spec.pricePerLoadBalancerHour * HOURS_PER_MONTH,
    loadBalancerCapacityUnits: r.cells * billedUnitsPerCell * spec.pricePerUnitHour * HOURS_PER_MONTH,
    publicIpv4: r.cells * r.availabilityZones * PUBLIC_IPV4_PRICE_PER_HOUR * HOURS_PER_MONTH,
    route53Queries: (route53QueriesPerMonth / 1e6) * ROUTE53_PRICES.aliasQueryToElbPerMillion,
    route53HealthChecks: r.route53HealthChecks ? r.cells * hcPerMonth : 0,
    elastiCache: backplane.primaries * 2 * cache.pricePerHour * HOURS_PER_MONTH,
  };
  const monthlyCost: MonthlyCost = { ...lines, total: Object.values(lines).reduce((a, b) => a + b, 0) };

  return {
    input: r,
    instanceType: it,
    perInstance: { maxConnections, targetConnections, limitedBy, limits, bytesPerConnection: bytes, memoryBudgetBytes, cpuPercentAtTarget },
    cells: r.cells,
    connectionsPerCell,
    perCell: { instancesAtPeak, minCapacity, maxCapacity: instancesAtPeak, targetConnectionsPerInstance: targetConnections },
    totalInstancesAtPeak,
    loadBalancer: {
      type: r.loadBalancerType,
      listenerProtocol: listener,
      unit,
      unitsByDimension,
      billedDimension,
      billedUnitsPerCell,
      stormUnitsPerCell,
      processedGBPerHourPerCell,
      nlbConnectionsPerTargetLimit: limits.nlbTarget,
    },
    host,
    backplane,
    monthlyCost,
    apiGateway: apiGatewayCost(r),
    route53QueriesPerMonth,
    assumptions: assumptions(r, it),
  };
}

function backplaneIssues(b: BackplanePlan, servers: number, v: Issues): void {
  const p = `${v.prefix}backplane`;
  if (b.mode === 'broadcast' && b.utilizationPercent > 100) {
    v.error('capacity-backplane-saturated', 'backplane', `${p} 'broadcast' sends every message to all ${fmt(servers)} servers: ${fmt(b.redisDeliveriesPerSecond)} Redis deliveries/s, above one primary's ~${fmt(b.budgetPerPrimary)}/s (measured, dataplane §4.5); classic pub/sub does not gain capacity from cluster shards. Fix: use backplane 'sharded' (SSUBSCRIBE per room), fewer larger instances, or fewer messages.`);
  } else if (b.mode !== 'none' && b.utilizationPercent / Math.max(1, b.primaries) > 70) {
    v.warn('capacity-backplane-hot', 'backplane', `${p}: ${fmt(b.redisDeliveriesPerSecond)} Redis deliveries/s is ${Math.round(b.utilizationPercent / Math.max(1, b.primaries))} % of ${b.primaries} primar${b.primaries === 1 ? 'y' : 'ies'}' measured budget (~${fmt(b.budgetPerPrimary)}/s each). Fix: load-test the backplane, or use 'sharded' with more shards.`);
  }
}

function apiGatewayCost(r: ResolvedCapacityInput): ApiGatewayComparison {
  const a = API_GATEWAY_WEBSOCKET;
  const connectionMinutesPerMonth = r.peakConnections * 60 * HOURS_PER_MONTH;
  const units = Math.ceil(r.messageBytes / a.meteringIncrementBytes);
  // Client→API publishes plus API→client deliveries (@connections posts), each metered per 32 KB.
  const messagesPerMonth = (r.messagesPerSecond + r.messagesPerSecond * r.fanOut) * units * SECONDS_PER_MONTH;
  const first = Math.min(messagesPerMonth, a.firstTierMessages);
  const messagesCost = (first / 1e6) * a.pricePerMillionMessages + ((messagesPerMonth - first) / 1e6) * a.pricePerMillionMessagesAboveTier;
  const connectionMinutesCost = (connectionMinutesPerMonth / 1e6) * a.pricePerMillionConnectionMinutes;
  const notes: string[] = [];
  const forcedReconnects = r.peakConnections / a.maxConnectionDurationSeconds;
  const steady = Math.max(r.newConnectionsPerSecond, forcedReconnects);
  if (steady > a.newConnectionsPerSecondQuota) {
    notes.push(`needs ${fmt(steady)} new connections/s (connections last at most 2 h, so at least ${fmt(forcedReconnects)}/s), above the default quota of ${a.newConnectionsPerSecondQuota}/s per account and Region (adjustable)`);
  }
  if (r.reconnectStormConnectionsPerSecond > a.newConnectionsPerSecondQuota) {
    notes.push(`a reconnect storm of ${fmt(r.reconnectStormConnectionsPerSecond)}/s would be throttled at ${a.newConnectionsPerSecondQuota}/s and take ${fmt(r.peakConnections / a.newConnectionsPerSecondQuota / 60)} min to reconnect everyone`);
  }
  if (r.messageBytes > 32 * 1024) notes.push('messages over 32 KB must be split into frames of at most 32 KB (close code 1009 otherwise)');
  return { connectionMinutesPerMonth, messagesPerMonth, connectionMinutesCost, messagesCost, total: connectionMinutesCost + messagesCost, notes };
}

function assumptions(r: ResolvedCapacityInput, it: InstanceTypeSpec): string[] {
  const fw = typeof r.framework === 'object' ? `${r.framework.bytesPerConnection} B/connection (measured by you)` : `${r.framework} (${FRAMEWORK_BYTES_PER_CONNECTION[r.framework]} B/connection measured on Node 20)`;
  return [
    `${r.processesPerInstance} Node server process${r.processesPerInstance === 1 ? '' : 'es'} per instance (CPU counts min(vCPUs, processes)); framework ${fw}, plus ${KERNEL_BYTES_PER_SOCKET} B kernel per socket${r.tlsTermination === 'instance' ? ` and ${TLS_BYTES_PER_CONNECTION} B TLS state (UNCONFIRMED)` : ''}`,
    `memory budget: (${it.memoryGiB} GiB − ${HOST_RESERVED_MIB} MiB for the OS) × ${MEMORY_USABLE_FRACTION} − ${PROCESS_BASE_RSS_BYTES / 1e6} MB process baseline − ${RUNTIME_WARMUP_BYTES / 1024 / 1024} MiB runtime warm-up (calibrated on loopback, bench/calibration.ts)`,
    `CPU heuristics: ${fmt(IDLE_CONNECTIONS_PER_VCPU)} idle connections, ${fmt(DELIVERIES_PER_VCPU_SECOND)} ~1 KB deliveries/s${r.tlsTermination === 'instance' ? `, ${fmt(TLS_HANDSHAKES_PER_VCPU_SECOND)} TLS handshakes/s (UNCONFIRMED)` : ''} per vCPU${it.baselineCpuPercent ? `; ${it.name} counted at its ${it.baselineCpuPercent} % baseline` : ''}`,
    `scaling target = maximum × ${(100 - r.headroomPercent) / 100}; cost counts the peak fleet for all ${HOURS_PER_MONTH} hours (an upper bound)`,
    `on-demand us-east-1 prices${it.priceConfirmed ? '' : `; the ${it.name} price is UNCONFIRMED`}; ElastiCache, Route 53 health-check and public IPv4 prices UNCONFIRMED`,
    'not included: data transfer out, NAT gateways, CloudWatch, hosted zone; API Gateway also bills data transfer and needs its own backend (Lambda or HTTP)',
    'API Gateway: every connection held all month at peak, each publish and each delivery billed as a message, pings not billed',
  ];
}

// ---------------------------------------------------------------------------------------------
// Tier integration
// ---------------------------------------------------------------------------------------------

function weightShare(config: TierConfig, index: number): number {
  const weights = config.cells.map((c) => (typeof c.weight === 'number' ? c.weight : DEFAULTS.cell.weight));
  const sum = weights.reduce((a, b) => a + b, 0);
  return sum > 0 ? weights[index] / sum : 1 / config.cells.length;
}

/**
 * The capacity input of one cell of a tier: the cell's share of the tier's connections (by Route
 * 53 weight) and rates, with the cell's load balancer, TLS termination and instance type and the
 * tier's host limits. The backplane is checked tier-wide, so it is off here.
 * @returns undefined when the tier has no `capacity` or the cell gets no share (weight 0)
 */
export function cellCapacityInput(config: TierConfig, index: number): CapacityConfig | undefined {
  const cap = config.capacity;
  const cell = config.cells[index];
  if (!cap || !cell || typeof cap.peakConnections !== 'number') return undefined;
  const share = weightShare(config, index);
  if (!(share > 0)) return undefined;
  const lb = cell.loadBalancerType ?? DEFAULTS.cell.loadBalancerType;
  const scale = (x: number | undefined): number | undefined => (typeof x === 'number' ? x * share : undefined);
  return {
    ...cap,
    peakConnections: Math.max(1, Math.ceil(cap.peakConnections * share)),
    newConnectionsPerSecond: scale(cap.newConnectionsPerSecond ?? cap.peakConnections / CAPACITY_DEFAULTS.reconnectSeconds),
    reconnectStormConnectionsPerSecond: scale(cap.reconnectStormConnectionsPerSecond ?? cap.peakConnections / CAPACITY_DEFAULTS.stormSeconds),
    messagesPerSecond: scale(cap.messagesPerSecond),
    backplane: 'none',
    loadBalancerType: lb,
    tlsTermination: lb === 'network' && (cell.nlbListenerProtocol ?? DEFAULTS.cell.nlbListenerProtocol) === 'TCP' ? 'instance' : 'load-balancer',
    instanceType: cell.instanceType ?? config.instanceType ?? DEFAULTS.instanceType,
    cells: 1,
    fileDescriptorLimit: config.host?.fileDescriptorLimit ?? DEFAULTS.host.fileDescriptorLimit,
    pingIntervalSeconds: config.connection?.pingIntervalSeconds ?? DEFAULTS.connection.pingIntervalSeconds,
    route53HealthChecks: false,
  };
}

/** Scaling values a tier's `capacity` derives for one cell. */
export interface DerivedCellScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetConnectionsPerInstance: number;
  /** The cell's share of the peak connections (plans only). */
  readonly connectionsPerCell?: number;
  /** Floor on instances per cell the plan used (plans only). */
  readonly minInstancesPerCell?: number;
}

/**
 * Min/max instances and the scaling target of one cell, from the tier's `capacity`.
 * Never throws: returns undefined when there is no capacity or it does not plan (validateTier()
 * reports why).
 */
export function cellScalingFromCapacity(config: TierConfig, index: number): DerivedCellScaling | undefined {
  const input = cellCapacityInput(config, index);
  if (!input) return undefined;
  const { plan, issues } = evaluate(input, '', neverUnresolved, false);
  if (!plan || errorsOf(issues).length > 0) return undefined;
  const { minCapacity, maxCapacity, targetConnectionsPerInstance } = plan.perCell;
  return { minCapacity, maxCapacity, targetConnectionsPerInstance, connectionsPerCell: plan.connectionsPerCell, minInstancesPerCell: plan.input.minInstancesPerCell };
}

/** Scaling values given explicitly on the tier or the cell (each may be absent). */
export interface ExplicitCellScaling {
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  readonly targetConnectionsPerInstance?: number;
}

/**
 * The min, max and target `resolveTier()` uses for one cell. Explicit values win; with
 * `capacity`, the rest come from the plan, kept consistent with the explicit ones (an explicit
 * target re-derives max = peak ÷ target; a derived bound never crosses an explicit one). Without
 * `capacity`, the library defaults (2, 10, 10,000).
 */
export function sizeCell(config: TierConfig, index: number, explicit: ExplicitCellScaling): DerivedCellScaling {
  const d = config.capacity !== undefined ? cellScalingFromCapacity(config, index) : undefined;
  const target = explicit.targetConnectionsPerInstance ?? d?.targetConnectionsPerInstance ?? DEFAULTS.scaling.targetConnectionsPerInstance;
  if (!d) {
    return {
      minCapacity: explicit.minCapacity ?? DEFAULTS.scaling.minCapacity,
      maxCapacity: explicit.maxCapacity ?? DEFAULTS.scaling.maxCapacity,
      targetConnectionsPerInstance: target,
    };
  }
  let max = explicit.maxCapacity ?? (explicit.targetConnectionsPerInstance !== undefined && d.connectionsPerCell !== undefined ? Math.max(d.minInstancesPerCell ?? 1, Math.ceil(d.connectionsPerCell / target)) : d.maxCapacity);
  let min = explicit.minCapacity ?? Math.min(d.minCapacity, max);
  if (explicit.maxCapacity === undefined) max = Math.max(max, min);
  if (explicit.minCapacity === undefined) min = Math.min(min, max);
  return { minCapacity: min, maxCapacity: max, targetConnectionsPerInstance: target };
}

/**
 * `validateTier()`'s capacity rules: field checks under `capacity.`, each cell's plan (errors
 * name the cell), the backplane across all cells, and explicit scaling targets above what an
 * instance can hold.
 */
export function validateTierCapacity(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const cap = config.capacity;
  if (cap === undefined || isUnresolved(cap)) return [];
  const P = 'capacity.';
  if (typeof cap !== 'object' || cap === null || Array.isArray(cap)) {
    return [{ code: 'capacity-not-an-object', path: 'capacity', message: `capacity is ${JSON.stringify(cap)}; it must be an object such as { peakConnections: 100000 }. Fix: wrap the settings in { … } or remove capacity.`, severity: 'error' }];
  }
  const deployment = ['loadBalancerType', 'tlsTermination', 'instanceType', 'cells', 'connectionsPerCellLimit', 'fileDescriptorLimit', 'pingIntervalSeconds', 'nlbClientIpPreservation', 'route53HealthChecks', 'route53HealthCheckIntervalSeconds', 'availabilityZones', 'minInstancesPerCell'];
  const issues: Issue[] = [];
  for (const key of deployment) {
    if (key in (cap as object)) {
      issues.push({ code: 'capacity-field-from-cells', path: `${P}${key}`, message: `${P}${key} is set, but in a tier it comes from the cells and host settings (load balancer type, listener protocol, instance type, cell list, host.fileDescriptorLimit). Fix: remove it from capacity.`, severity: 'error' });
    }
  }
  const fieldIssues = evaluate(cap, P, isUnresolved, true).issues;
  issues.push(...fieldIssues);
  if (errorsOf(issues).length > 0 || !Array.isArray(config.cells)) return issues;

  const scaling = config.scaling ?? {};
  let totalInstances = 0;
  config.cells.forEach((cell, i) => {
    const input = cellCapacityInput(config, i);
    if (!input || (input.instanceType !== undefined && isUnresolved(input.instanceType))) return;
    const label = `cells[${i}] ('${cell.name}')`;
    const { plan, issues: cellIssues } = evaluate(input, P, isUnresolved, false);
    for (const issue of cellIssues) {
      if (fieldIssues.some((f) => f.code === issue.code && f.path === issue.path)) continue;
      issues.push({ ...issue, message: `${label}: ${issue.message}` });
    }
    if (!plan) return;
    totalInstances += plan.perCell.instancesAtPeak;
    const explicit = cell.scaling?.targetConnectionsPerInstance ?? scaling.targetConnectionsPerInstance;
    const where = cell.scaling?.targetConnectionsPerInstance !== undefined ? `cells[${i}].scaling.targetConnectionsPerInstance` : 'scaling.targetConnectionsPerInstance';
    if (typeof explicit === 'number' && !isUnresolved(explicit)) {
      const fd = plan.perInstance.limits.fileDescriptors;
      if (explicit > fd) {
        issues.push({ code: 'capacity-target-above-fd-limit', path: where, message: `${where} is ${fmt(explicit)} but ${label} instances can hold at most ${fmt(fd)} sockets (LimitNOFILE ${fmt(input.fileDescriptorLimit ?? DEFAULTS.host.fileDescriptorLimit)} minus ${RESERVED_FILE_DESCRIPTORS} reserved). Fix: lower it to ${fmt(plan.perCell.targetConnectionsPerInstance)} (the capacity plan's target) or raise host.fileDescriptorLimit.`, severity: 'error' });
      } else if (explicit > plan.perInstance.maxConnections) {
        issues.push({ code: 'capacity-target-above-plan', path: where, message: `${where} is ${fmt(explicit)}, above the ${fmt(plan.perInstance.maxConnections)} connections the capacity plan says one ${plan.instanceType.name} holds (${plan.perInstance.limitedBy}-bound). Fix: lower it to ${fmt(plan.perCell.targetConnectionsPerInstance)}, or set capacity.maxConnectionsPerInstance from a measurement.`, severity: 'warning' });
      }
    }
  });
  const messages = cap.messagesPerSecond ?? 0;
  const mode = cap.backplane ?? (messages > 0 ? 'broadcast' : 'none');
  if (totalInstances > 0 && typeof messages === 'number' && !isUnresolved(messages)) {
    const v = new Issues(P, isUnresolved);
    backplaneIssues(backplaneLoad(mode, messages, cap.fanOut ?? CAPACITY_DEFAULTS.fanOut, totalInstances, cap.cacheNodeType ?? CAPACITY_DEFAULTS.cacheNodeType), totalInstances, v);
    issues.push(...v.list);
  }
  return issues;
}
