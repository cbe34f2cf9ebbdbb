/**
 * The capacity and cost planner: from "2 million connections" to cells, instances, load-balancer
 * capacity units, host limits, backplane load and a monthly bill, next to API Gateway WebSocket
 * APIs for the same load. Pure functions over the sourced tables in `data.ts`; every
 * constant used here is defined (with its source) there or in `../limits.ts` / `../defaults.ts`.
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
import { CAPACITY_DEFAULTS, DEFAULTS } from '../defaults';
import {
  errorsOf,
  type FieldName,
  formatIssues,
  type Issue,
  IssueCollector,
  type IsUnresolved,
  neverUnresolved,
  TierConfigError,
  warningsOf,
} from '../issues';
import { LIMITS } from '../limits';
import type { BackplaneMode, CapacityConfig, ServerFramework } from './config';
import { apiGatewayCost, assumptions } from './cost';
import {
  ALB_LCU,
  CACHE_NODE_TYPES,
  type CapacityUnitSpec,
  DELIVERIES_PER_VCPU_SECOND,
  FRAMEWORK_BYTES_PER_CONNECTION,
  GP3_PRICE_PER_GIB_MONTH,
  HOST_RESERVED_MIB,
  HOURS_PER_MONTH,
  IDLE_CONNECTIONS_PER_VCPU,
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
} from './data';
import { fmt } from './format';
import type {
  BackplanePlan,
  CapacityPlan,
  CapacityUnitDimension,
  HostLimitsPlan,
  InstanceLimit,
  MonthlyCost,
  ResolvedCapacityInput,
} from './types';
import { checkCapacityFields } from './validate';

/** The kernel's cap on a listen backlog (somaxconn's maximum); the floor is what the constructs set, `DEFAULTS.host.listenBacklog`. */
const MAX_LISTEN_BACKLOG = LIMITS.somaxconn.max;

/**
 * Check a capacity input. Never throws; returns every issue (field errors first, then the plan's
 * own errors and warnings, e.g. more connections per instance than the file-descriptor limit).
 * @param pathPrefix - prepended to each issue path (a tier uses `capacity.`)
 * @param fieldName - how messages spell a field, from its path (the CLI passes its flags) @default the path
 */
export function validateCapacity(
  input: CapacityConfig,
  pathPrefix = '',
  isUnresolved: IsUnresolved = neverUnresolved,
  fieldName?: FieldName,
): Issue[] {
  return evaluate(input, pathPrefix, isUnresolved, false, fieldName).issues;
}

/** Options of {@link planCapacity}. */
export interface PlanCapacityOptions {
  /** How messages spell a field, from its path (e.g. `peakConnections` → `--connections`). @default the path */
  readonly fieldName?: FieldName;
}

/**
 * Plan a tier's capacity and cost.
 * @throws TierConfigError (alias `CapacityPlanError`) naming each bad input, its value and what would work
 */
export function planCapacity(input: CapacityConfig, options: PlanCapacityOptions = {}): CapacityPlan {
  const { plan, issues } = evaluate(input, '', neverUnresolved, false, options.fieldName);
  const errors = errorsOf(issues);
  if (errors.length > 0 || !plan) {
    throw new TierConfigError(formatIssues('', errors, 'capacity input'), errors);
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

/** Field checks, then the plan (unless `fieldsOnly`); never throws. */
export function evaluate(
  input: CapacityConfig,
  prefix: string,
  isUnresolved: IsUnresolved,
  fieldsOnly = false,
  fieldName?: FieldName,
): { plan?: CapacityPlan; issues: Issue[] } {
  const v = new IssueCollector(isUnresolved, prefix, fieldName);
  const p = (f: string): string => v.name(f);
  if (input === null || typeof input !== 'object') {
    v.error(
      'capacity-missing',
      'peakConnections',
      `${p('peakConnections')} is required. Fix: give the concurrent connections at peak, e.g. { peakConnections: 100000 }.`,
    );
    return { issues: v.issues };
  }
  const it = checkCapacityFields(input, v);
  if (!it) return { issues: v.issues };

  const r = resolveInput(input);
  if (r.reconnectStormConnectionsPerSecond < r.newConnectionsPerSecond) {
    v.warn(
      'capacity-storm-below-steady',
      'reconnectStormConnectionsPerSecond',
      `${p('reconnectStormConnectionsPerSecond')} is ${fmt(r.reconnectStormConnectionsPerSecond)}/s, below the steady ${fmt(r.newConnectionsPerSecond)}/s; a storm is the worst case. Fix: raise it (e.g. ${p('peakConnections')} ÷ 60 = ${fmt(r.peakConnections / 60)}/s).`,
    );
  }
  if (fieldsOnly) return { issues: v.issues };
  const plan = computePlan(r, it, v);
  return { plan: plan ? { ...plan, warnings: warningsOf(v.issues) } : undefined, issues: v.issues };
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
  return r.tlsTermination === 'instance'
    ? { spec: NLB_TCP_NLCU, unit: 'NLCU', listener: 'TCP' }
    : { spec: NLB_TLS_NLCU, unit: 'NLCU', listener: 'TLS' };
}

/** Redis load for a backplane mode. */
export function backplaneLoad(
  mode: BackplaneMode,
  messagesPerSecond: number,
  fanOut: number,
  servers: number,
  cacheNodeType: string,
): BackplanePlan {
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

function computePlan(r: ResolvedCapacityInput, it: InstanceTypeSpec, v: IssueCollector): Omit<CapacityPlan, 'warnings'> | undefined {
  const p = (f: string): string => v.name(f);
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
  const memoryBudgetBytes = Math.floor(
    (it.memoryGiB * 1024 - HOST_RESERVED_MIB) * 1024 * 1024 * MEMORY_USABLE_FRACTION -
      procs * (PROCESS_BASE_RSS_BYTES + RUNTIME_WARMUP_BYTES),
  );
  if (memoryBudgetBytes < bytes.total) {
    v.error(
      'capacity-instance-too-small',
      'instanceType',
      `${p('instanceType')} ${it.name} has ${it.memoryGiB} GiB; after ${HOST_RESERVED_MIB} MiB for the OS and ${Math.round((PROCESS_BASE_RSS_BYTES + RUNTIME_WARMUP_BYTES) / 1e6)} MB for each of ${procs} server process(es) nothing is left for connections. Fix: use a larger type (e.g. t4g.small or m7g.medium and up) or fewer processes.`,
    );
    return undefined;
  }

  // 2. Connections per instance.
  const cpuBudget = Math.min(it.vcpus, procs) * ((it.baselineCpuPercent ?? 100) / 100);
  const deliveriesPerConnection = (r.messagesPerSecond * r.fanOut) / r.peakConnections;
  const sizeFactor = Math.max(1, r.messageBytes / 1024);
  const newPerConnection = r.newConnectionsPerSecond / r.peakConnections;
  const cpuPerConnection =
    1 / IDLE_CONNECTIONS_PER_VCPU +
    (deliveriesPerConnection * sizeFactor) / DELIVERIES_PER_VCPU_SECOND +
    (tlsOnInstance ? newPerConnection / TLS_HANDSHAKES_PER_VCPU_SECOND : 0);
  const limits = {
    memory: Math.floor(memoryBudgetBytes / bytes.total),
    fileDescriptors: procs * (r.fileDescriptorLimit - RESERVED_FILE_DESCRIPTORS),
    cpu: Math.floor(cpuBudget / cpuPerConnection),
    nlbTarget: r.loadBalancerType === 'network' && !r.nlbClientIpPreservation ? NLB_CONNECTIONS_PER_TARGET_WITH_TRANSLATION : undefined,
    measured: r.maxConnectionsPerInstance,
  };
  if (limits.cpu < 1) {
    v.error(
      'capacity-cpu-unsatisfiable',
      'messagesPerSecond',
      `${p('messagesPerSecond')} × ${p('fanOut')} = ${fmt(r.messagesPerSecond * r.fanOut)} deliveries/s over ${fmt(r.peakConnections)} connections is ${deliveriesPerConnection.toFixed(1)} per connection per second, more than one ${it.name} (${cpuBudget} sustained vCPU at ~${fmt(DELIVERIES_PER_VCPU_SECOND)} deliveries/s each) can serve for even one connection. Fix: lower the message rate or fan-out, or use a larger instance type.`,
    );
    return undefined;
  }
  let maxConnections: number;
  let limitedBy: InstanceLimit;
  if (limits.measured !== undefined) {
    if (limits.measured > limits.fileDescriptors) {
      v.error(
        'capacity-above-fd-limit',
        'maxConnectionsPerInstance',
        `${p('maxConnectionsPerInstance')} is ${fmt(limits.measured)} but the file-descriptor limit ${fmt(r.fileDescriptorLimit)} leaves ${fmt(limits.fileDescriptors)} for sockets (${RESERVED_FILE_DESCRIPTORS} kept per process, ${procs} process(es)); one socket takes one descriptor. Fix: lower it to at most ${fmt(limits.fileDescriptors)}, raise ${v.prefix ? 'host.fileDescriptorLimit' : p('fileDescriptorLimit')} (max ${fmt(LIMITS.fileDescriptorLimit.max)}) or run more processes.`,
      );
      return undefined;
    }
    if (limits.nlbTarget !== undefined && limits.measured > limits.nlbTarget) {
      v.error(
        'capacity-above-nlb-target-limit',
        'maxConnectionsPerInstance',
        `${p('maxConnectionsPerInstance')} is ${fmt(limits.measured)} but an NLB with client IP preservation off translates addresses and allows ${fmt(limits.nlbTarget)} connections per target (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation). Fix: keep client IP preservation on, lower it to ${fmt(limits.nlbTarget)}, or register several ports per instance as separate targets.`,
      );
      return undefined;
    }
    if (limits.measured > Math.min(limits.memory, limits.cpu)) {
      v.warn(
        'capacity-measured-above-estimate',
        'maxConnectionsPerInstance',
        `${p('maxConnectionsPerInstance')} is ${fmt(limits.measured)}, above the planner's estimate for ${it.name} (memory ${fmt(limits.memory)}, CPU ${fmt(limits.cpu)}). The measurement wins; make sure it was taken on ${it.name} with your real message load.`,
      );
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
    v.error(
      'capacity-too-many-targets',
      'peakConnections',
      `${p('peakConnections')} ${fmt(r.peakConnections)} over ${r.cells} cell(s) is ${fmt(connectionsPerCell)} per cell, which needs ${fmt(instancesAtPeak)} ${it.name} instances at ${fmt(targetConnections)} each; a target group holds at most ${fmt(CAPACITY_DEFAULTS.maxInstancesPerCell)} targets (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html). Fix: use at least ${cellsNeeded} cells${v.prefix ? '' : ` (${p('cells')}, or lower ${p('connectionsPerCellLimit')})`} or a larger instance type.`,
    );
    return undefined;
  }
  if (r.cells > 1 && connectionsPerCell < targetConnections) {
    v.warn(
      'capacity-cells-underused',
      'cells',
      `${p('cells')} is ${r.cells}, so each cell holds ${fmt(connectionsPerCell)} connections, less than one instance's target (${fmt(targetConnections)}); every cell still runs ${r.minInstancesPerCell} instances and a load balancer. Fix: use fewer cells unless you need the isolation.`,
    );
  }
  const totalInstancesAtPeak = instancesAtPeak * r.cells;

  // 4. Load-balancer capacity units per cell.
  const { spec, unit, listener } = unitSpec(r);
  const tlsAtLb = listener !== 'TCP';
  const wire = (payload: number): number =>
    payload + webSocketFrameOverheadBytes(payload) + (tlsAtLb || tlsOnInstance ? TLS_RECORD_OVERHEAD_BYTES : 0);
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
  const [billedDimension, billedUnitsPerCell] = (Object.entries(unitsByDimension) as [CapacityUnitDimension, number][]).reduce((a, b) =>
    b[1] > a[1] ? b : a,
  );
  const stormUnitsPerCell = Math.max(billedUnitsPerCell, stormPerCell / spec.newConnectionsPerSecond);

  // 5. Host limits.
  const stormPerInstance = r.reconnectStormConnectionsPerSecond / totalInstancesAtPeak;
  // The constructs' own defaults are the floor, so this table says what a deployed instance gets.
  const backlog = Math.min(MAX_LISTEN_BACKLOG, Math.max(DEFAULTS.host.listenBacklog, Math.ceil(stormPerInstance)));
  if (stormPerInstance > MAX_LISTEN_BACKLOG) {
    v.warn(
      'capacity-storm-exceeds-backlog',
      'reconnectStormConnectionsPerSecond',
      `${p('reconnectStormConnectionsPerSecond')} ${fmt(r.reconnectStormConnectionsPerSecond)}/s over ${totalInstancesAtPeak} instances is ${fmt(stormPerInstance)}/s each, more than the largest listen backlog (${MAX_LISTEN_BACKLOG}); SYNs will be dropped and clients retry later. Fix: spread reconnects (client jitter, paced drain) or add instances.`,
    );
  }
  let tlsHandshakeSecondsPerStormSecond: number | undefined;
  if (tlsOnInstance) {
    tlsHandshakeSecondsPerStormSecond = stormPerInstance / (cpuBudget * TLS_HANDSHAKES_PER_VCPU_SECOND);
    if (tlsHandshakeSecondsPerStormSecond > 1) {
      v.warn(
        'capacity-tls-storm',
        'reconnectStormConnectionsPerSecond',
        `${p('reconnectStormConnectionsPerSecond')}: with TLS on the instance each ${it.name} must handshake ${fmt(stormPerInstance)} connections per storm second but does about ${fmt(cpuBudget * TLS_HANDSHAKES_PER_VCPU_SECOND)}/s (UNCONFIRMED ~${TLS_HANDSHAKES_PER_VCPU_SECOND}/vCPU), so each second of storm takes ${tlsHandshakeSecondsPerStormSecond.toFixed(2)} s of handshaking and a backlog builds. Fix: terminate TLS on the load balancer, add instances, or spread reconnects.`,
      );
    }
  }
  const host: HostLimitsPlan = {
    limitNoFile: Math.max(
      r.fileDescriptorLimit,
      Math.min(LIMITS.fileDescriptorLimit.max, Math.ceil(maxConnections / procs) + RESERVED_FILE_DESCRIPTORS),
    ),
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
  const hcPerMonth =
    ROUTE53_PRICES.healthCheckAwsEndpointPerMonth +
    ROUTE53_PRICES.healthCheckOptionalFeaturePerMonth * (1 + (r.route53HealthCheckIntervalSeconds === 10 ? 1 : 0));
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

/** Backplane saturation (error) and heat (warning) for a plan. */
export function backplaneIssues(b: BackplanePlan, servers: number, v: IssueCollector): void {
  const p = v.name('backplane');
  if (b.mode === 'broadcast' && b.utilizationPercent > 100) {
    v.error(
      'capacity-backplane-saturated',
      'backplane',
      `${p} 'broadcast' sends every message to all ${fmt(servers)} servers: ${fmt(b.redisDeliveriesPerSecond)} Redis deliveries/s, above one primary's ~${fmt(b.budgetPerPrimary)}/s (measured with redis-benchmark-style fan-out on loopback; see bench/README.md); classic pub/sub does not gain capacity from cluster shards. Fix: use ${p} 'sharded' (SSUBSCRIBE per room), fewer larger instances, or fewer messages.`,
    );
  } else if (b.mode !== 'none' && b.utilizationPercent / Math.max(1, b.primaries) > 70) {
    v.warn(
      'capacity-backplane-hot',
      'backplane',
      `${p}: ${fmt(b.redisDeliveriesPerSecond)} Redis deliveries/s is ${Math.round(b.utilizationPercent / Math.max(1, b.primaries))} % of ${b.primaries} primar${b.primaries === 1 ? 'y' : 'ies'}' measured budget (~${fmt(b.budgetPerPrimary)}/s each). Fix: load-test the backplane, or use ${p} 'sharded' with more shards.`,
    );
  }
}
