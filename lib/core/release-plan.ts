/**
 * `planRelease()`: what a rolling release of new server code does to a tier, before you deploy it.
 * Per cell: the batches (instances replaced at once), how long it takes, how many clients
 * reconnect per second while a batch drains, and that rate against what the cell's load balancer
 * and servers can take; then the whole release, cells one at a time. Pure: no provider, no I/O.
 *
 * The model (every formula is one function below, {@link RELEASE_FORMULAS}):
 * - Batches: a cell of N instances with batch size b is replaced in ceil(N ÷ b) batches of b
 *   instances (the last one holds the rest).
 * - One batch takes `bootSeconds + drainWindowSeconds + drainGraceSeconds`: the replacements
 *   launch and pass their health check (launch-before-terminate when the cell's resolved release
 *   keeps its planned capacity in service), then the old instances go through the termination
 *   lifecycle hook: the server closes its sockets at random offsets over the drain window, and the
 *   hook waits up to the grace after it. This is the rolling update's pause time.
 * - Reconnect rate while a batch drains: the clients of the batch reconnect evenly over the drain
 *   window (the runtime's stratified paced drain): clients per instance × instances in the batch ÷
 *   drain window, clients per second (a 0 s window closes every socket at once: counted over 1 s).
 * - Load-balancer budget: capacity units × new connections per second one unit covers (ALB LCU
 *   25/s, NLB TLS NLCU 50/s, NLB TCP NLCU 800/s, https://aws.amazon.com/elasticloadbalancing/pricing/),
 *   with the units the cell reserves (`operations.minimumCapacityUnits`), else the capacity plan's
 *   billed units, else its active-connection units (connections ÷ connections per unit). Above 1
 *   the load balancer must scale up during the release: a warning (reserve units, or pace slower).
 * - Server handshake budget, per receiving instance per second: with TLS on the instances (NLB TCP
 *   listener) the planner's TLS handshakes per vCPU-second × min(vCPUs, processes) × baseline
 *   share (UNCONFIRMED planning figure, `TLS_HANDSHAKES_PER_VCPU_SECOND`); with TLS on the load
 *   balancer, the listen backlog (the planner sizes it as one second of arrivals). The batch's
 *   clients land on the instances in service (all N with launch-before-terminate, N − b without).
 *   Above 1 is refused (`release-handshake-budget`).
 * - Capacity during a batch: instances in service × connections one instance holds must cover the
 *   cell's connections; less is refused (`release-capacity-below-plan`).
 * - The release: cells one at a time in the order of `cells` (retired cells have no instances and
 *   take no time); total = the sum of the cells' durations.
 *
 * Defaults come from each cell's {@link ResolvedCell.release} (lib/core/release.ts: batch size,
 * readiness, drain, instances kept in service), the same numbers the CloudFormation rolling update
 * and the Pulumi instance refresh are written from; {@link ReleasePlanSettings} override them.
 */
import { cellStateOf } from './cell-state';
import type { CellState, TierConfig } from './config';
import { CAPACITY_DEFAULTS, DEFAULTS } from './defaults';
import { type CapacityPlan } from './capacity/types';
import {
  ALB_LCU,
  type CapacityUnitSpec,
  INSTANCE_TYPES,
  NLB_TCP_NLCU,
  NLB_TLS_NLCU,
  TLS_HANDSHAKES_PER_VCPU_SECOND,
} from './capacity/data';
import { fmt } from './capacity/format';
import { evaluate } from './capacity/plan';
import { cellCapacityInput } from './capacity/tier';
import { errorsOf, type FieldName, formatIssues, type Issue, IssueCollector, neverUnresolved, TierConfigError, warningsOf } from './issues';
import { planTier } from './plan';
import type { ResolvedCell, ResolvedTier } from './resolved';

/**
 * How the release runs. Every field is optional; the paths in error messages are `release.<field>`.
 */
export interface ReleasePlanSettings {
  /**
   * Instances replaced at once in a cell (CloudFormation `MaxBatchSize`), integer ≥ 1.
   * @default - each cell's resolved release (`cell.release.batchSize`, from the tier's `release.batchSize`)
   */
  readonly batchSize?: number;
  /**
   * Seconds from launching a replacement until it is healthy and in service (boot, server start,
   * health checks, the readiness signal). Number ≥ 0.
   * @default - each cell's resolved release readiness (`cell.release.readinessSeconds`: the health-check
   *   grace period + health-check interval × healthy threshold)
   */
  readonly bootSeconds?: number;
  /**
   * Replacements launch before the old instances are terminated, so capacity never dips.
   * @default - each cell's resolved release: true when it keeps its whole planned capacity in service
   *   (`cell.release.minInstancesInService` ≥ `cell.release.capacity`)
   */
  readonly launchBeforeTerminate?: boolean;
  /**
   * Instances in each cell when the release runs, by cell name, integers ≥ 0.
   * @default - the capacity plan's instances at peak, else the cell's `maxCapacity` (a release at peak)
   */
  readonly instances?: Readonly<Record<string, number>>;
}

/** Options of {@link planRelease}. */
export interface PlanReleaseOptions extends ReleasePlanSettings {
  /** How messages spell a field (the CLI passes its flags). @default the path */
  readonly fieldName?: FieldName;
}

/** A capacity plan for every cell, or one per cell (by index; `undefined` for a cell without one). */
export type ReleaseCapacityInput = CapacityPlan | readonly (CapacityPlan | undefined)[];

/** One batch of one cell. Times are seconds from the start of the release. */
export interface ReleaseBatchPlan {
  /** 1-based within the cell. */
  readonly index: number;
  readonly instances: number;
  /** Clients on the batch's instances when it starts draining. */
  readonly clients: number;
  readonly startSeconds: number;
  /** The paced drain: clients reconnect between these two times. */
  readonly reconnectStartSeconds: number;
  readonly reconnectEndSeconds: number;
  readonly endSeconds: number;
  readonly reconnectsPerSecond: number;
}

/** A rate against a budget. */
export interface ReleaseBudget {
  /** What the budget allows, per second. */
  readonly perSecond: number;
  /** The release's rate ÷ the budget (above 1: over budget). */
  readonly ratio: number;
}

/** The release of one cell. */
export interface CellReleasePlan {
  readonly cell: string;
  readonly state: CellState;
  readonly instances: number;
  /** Connections the cell holds when its release starts. */
  readonly connections: number;
  readonly clientsPerInstance: number;
  /** Where the connection count comes from. */
  readonly connectionsSource: 'capacity-plan' | 'scaling-target';
  readonly batchSize: number;
  /** Instances per batch, in order (empty for a cell with no instances). */
  readonly batchInstances: readonly number[];
  readonly batches: readonly ReleaseBatchPlan[];
  /** One batch's duration: boot + drain window + grace (the rolling update's pause time). */
  readonly batchSeconds: number;
  readonly durationSeconds: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly launchBeforeTerminate: boolean;
  /** Instances in service while a full batch drains. */
  readonly inServiceDuringBatch: number;
  /** Clients per second at the peak of the cell's release. */
  readonly peakReconnectsPerSecond: number;
  /** New connections per second the cell's load balancer covers, and the peak against it. */
  readonly loadBalancer: ReleaseBudget & {
    readonly unit: 'LCU' | 'NLCU';
    readonly units: number;
    readonly unitsFrom: 'reservation' | 'capacity-plan' | 'active-connections';
    /** Units that would cover the peak (what to reserve). */
    readonly unitsForPeak: number;
  };
  /** Handshakes (or accepts) per second per receiving instance, and the peak's arrivals against it. */
  readonly handshake: ReleaseBudget & {
    readonly kind: 'tls-on-instance' | 'listen-backlog';
    readonly arrivalsPerInstancePerSecond: number;
  };
  /** Connections the instances in service hold during a batch, and the cell's connections against it. */
  readonly capacityDuringBatch: { readonly connections: number; readonly ratio: number };
}

/** Where a draining cell's clients go: one active cell's share of them. */
export interface DrainedClientsShift {
  readonly cell: string;
  readonly connectionsBefore: number;
  readonly addedConnections: number;
  readonly connectionsAfter: number;
  /** max instances × connections one instance holds. */
  readonly capacityConnections: number;
  readonly utilizationPercent: number;
}

/** The release plan. */
export interface ReleasePlan {
  /** `options.batchSize` when given, else the largest of the cells' resolved batch sizes (each cell's is in `cells[i].batchSize`). */
  readonly batchSize: number;
  readonly cells: readonly CellReleasePlan[];
  /** Cell names in release order. */
  readonly order: readonly string[];
  readonly totalSeconds: number;
  readonly peakReconnectsPerSecond: number;
  /** Reconnects per second over the release: one segment per batch's drain (zero between). */
  readonly timeline: readonly {
    readonly cell: string;
    readonly batch: number;
    readonly startSeconds: number;
    readonly endSeconds: number;
    readonly reconnectsPerSecond: number;
  }[];
  /** Cells draining or retired, and where their clients go (undefined when every cell is active). */
  readonly drainedClients?: { readonly from: readonly string[]; readonly to: readonly DrainedClientsShift[] };
  readonly warnings: readonly Issue[];
  /** The formulas behind the numbers, in words. */
  readonly assumptions: readonly string[];
}

/** The release model's formulas, one place (see the module comment). */
export const RELEASE_FORMULAS = {
  /** Instances per batch: ceil(N ÷ b) batches of b, the last holding the rest. */
  batches(instances: number, batchSize: number): number[] {
    const out: number[] = [];
    for (let left = instances; left > 0; left -= batchSize) out.push(Math.min(batchSize, left));
    return out;
  },
  /** One batch: boot + drain window + grace, seconds (the rolling update's pause time). */
  batchSeconds(bootSeconds: number, drainWindowSeconds: number, drainGraceSeconds: number): number {
    return bootSeconds + drainWindowSeconds + drainGraceSeconds;
  },
  /** Clients per second while a batch drains: clients per instance × batch ÷ window (a 0 s window: all in 1 s). */
  reconnectsPerSecond(clientsPerInstance: number, batchInstances: number, drainWindowSeconds: number): number {
    return (clientsPerInstance * batchInstances) / (drainWindowSeconds > 0 ? drainWindowSeconds : 1);
  },
  /** Instances in service while a batch of b drains: N with launch-before-terminate, else N − b. */
  inService(instances: number, batchInstances: number, launchBeforeTerminate: boolean): number {
    return launchBeforeTerminate ? instances : instances - batchInstances;
  },
} as const;

function unitSpecOf(cell: ResolvedCell): { spec: CapacityUnitSpec; unit: 'LCU' | 'NLCU'; tlsOnInstance: boolean } {
  if (cell.loadBalancerType === 'application') return { spec: ALB_LCU, unit: 'LCU', tlsOnInstance: false };
  return cell.listener.protocol === 'TCP'
    ? { spec: NLB_TCP_NLCU, unit: 'NLCU', tlsOnInstance: true }
    : { spec: NLB_TLS_NLCU, unit: 'NLCU', tlsOnInstance: false };
}

/** The capacity plan of each cell: the given one(s), else the tier's `capacity` per cell. */
function cellPlans(config: TierConfig, capacity: ReleaseCapacityInput | undefined): (CapacityPlan | undefined)[] {
  return config.cells.map((_, i) => {
    if (capacity !== undefined) return Array.isArray(capacity) ? capacity[i] : (capacity as CapacityPlan);
    const input = cellCapacityInput(config, i);
    if (!input) return undefined;
    const { plan, issues } = evaluate(input, '', neverUnresolved, false);
    return plan && errorsOf(issues).length === 0 ? plan : undefined;
  });
}

/** Connections one instance of the cell holds: the plan's maximum, else the server's cap × processes. */
function perInstanceMax(config: TierConfig, cell: ResolvedCell, plan: CapacityPlan | undefined): number {
  if (plan) return plan.perInstance.maxConnections;
  const procs = config.capacity?.processesPerInstance ?? CAPACITY_DEFAULTS.processesPerInstance;
  return cell.maxConnections * procs;
}

/**
 * Plan a rolling release of new server code over a tier.
 * @param tier - the tier config (validated and resolved here)
 * @param capacity - capacity plan(s) to size from; @default - the tier's `capacity`, cell by cell
 * @throws TierConfigError for an invalid tier, invalid settings, a batch whose reconnects exceed the
 *   servers' handshake budget, or a batch that leaves less capacity than the cell's connections
 */
export function planRelease(tier: TierConfig, capacity?: ReleaseCapacityInput, options: PlanReleaseOptions = {}): ReleasePlan {
  const resolved = planTier('', tier).tier;
  const v = new IssueCollector(neverUnresolved, '', options.fieldName);
  v.int('release.batchSize', options.batchSize, { min: 1, max: CAPACITY_DEFAULTS.maxInstancesPerCell }, 'instances');
  if (options.bootSeconds !== undefined)
    v.num('release.bootSeconds', options.bootSeconds, {
      min: 0,
      fix: 'give the seconds a new instance takes to boot and pass its health check',
    });
  for (const [name, n] of Object.entries(options.instances ?? {})) {
    if (!resolved.cells.some((c) => c.name === name)) {
      v.error(
        'release-unknown-cell',
        `release.instances.${name}`,
        `${v.name(`release.instances.${name}`)} names no cell of this tier (${resolved.cells.map((c) => `'${c.name}'`).join(', ')}). Fix: use a cell name.`,
      );
    } else v.int(`release.instances.${name}`, n, { min: 0, max: CAPACITY_DEFAULTS.maxInstancesPerCell }, 'instances');
  }
  throwErrors(v.issues);

  const plans = cellPlans(tier, capacity);
  let clock = 0;
  const cells: CellReleasePlan[] = resolved.cells.map((cell, i) => {
    const plan = plans[i];
    const r = planCell(tier, resolved, cell, i, plan, options.batchSize ?? cell.release.batchSize, options, clock, v);
    clock = r.endSeconds;
    return r;
  });
  throwErrors(v.issues);
  const timeline = cells.flatMap((c) =>
    c.batches.map((b) => ({
      cell: c.cell,
      batch: b.index,
      startSeconds: b.reconnectStartSeconds,
      endSeconds: b.reconnectEndSeconds,
      reconnectsPerSecond: b.reconnectsPerSecond,
    })),
  );
  return {
    batchSize: options.batchSize ?? Math.max(1, ...cells.map((c) => c.batchSize)),
    cells,
    order: cells.map((c) => c.cell),
    totalSeconds: clock,
    peakReconnectsPerSecond: Math.max(0, ...cells.map((c) => c.peakReconnectsPerSecond)),
    timeline,
    drainedClients: drainedClients(tier, resolved, plans),
    warnings: warningsOf(v.issues),
    assumptions: [
      'Cells are released one at a time, in the order of cells; a cell is replaced batch by batch.',
      "Batch size, boot (readiness) time, drain and launch-before-terminate are each cell's resolved release, the numbers the renderers write, unless given as options.",
      'One batch = boot (replacement launched and healthy) + drain window + grace (lifecycle hook).',
      "A batch's clients reconnect evenly over the drain window (the runtime's paced drain).",
      'Reconnecting clients land on the instances in service in the same cell (DNS answers are cached).',
      `Load-balancer budget: reserved units, else the plan's billed units, else connections ÷ active connections per unit; × new connections per unit (ALB LCU ${ALB_LCU.newConnectionsPerSecond}/s, NLB TLS ${NLB_TLS_NLCU.newConnectionsPerSecond}/s, NLB TCP ${NLB_TCP_NLCU.newConnectionsPerSecond}/s).`,
      `Server budget: TLS on the instance ${fmt(TLS_HANDSHAKES_PER_VCPU_SECOND)} handshakes per vCPU-second (UNCONFIRMED), otherwise the listen backlog per second.`,
    ],
  };
}

function throwErrors(issues: readonly Issue[]): void {
  const errors = errorsOf(issues);
  if (errors.length > 0) throw new TierConfigError(formatIssues('', errors, 'release plan'), errors);
}

function planCell(
  config: TierConfig,
  tier: ResolvedTier,
  cell: ResolvedCell,
  index: number,
  plan: CapacityPlan | undefined,
  batchSize: number,
  options: PlanReleaseOptions,
  start: number,
  v: IssueCollector,
): CellReleasePlan {
  const a = cell.autoScaling;
  const state = cellStateOf(config.cells[index]);
  const instances = options.instances?.[cell.name] ?? (state === 'retired' ? 0 : (plan?.perCell.instancesAtPeak ?? a.maxCapacity));
  const connections = plan ? plan.connectionsPerCell : instances * a.scalingPolicy.targetValue;
  const clientsPerInstance = instances > 0 ? connections / instances : 0;
  // One source: the cell's resolved release (lib/core/release.ts), which the renderers write too.
  const rel = cell.release;
  const lbt = options.launchBeforeTerminate ?? rel.minInstancesInService >= rel.capacity;
  const boot = options.bootSeconds ?? rel.readinessSeconds;
  const window = cell.drainWindowSeconds;
  const batchSeconds = RELEASE_FORMULAS.batchSeconds(boot, window, rel.drainSeconds - window);
  const sizes = RELEASE_FORMULAS.batches(instances, batchSize);
  const batches: ReleaseBatchPlan[] = sizes.map((n, k) => {
    const s = start + k * batchSeconds;
    // Launch-before-terminate: the replacements boot first, then the old batch drains; otherwise the drain comes first.
    const drainStart = lbt ? s + boot : s;
    return {
      index: k + 1,
      instances: n,
      clients: clientsPerInstance * n,
      startSeconds: s,
      reconnectStartSeconds: drainStart,
      reconnectEndSeconds: drainStart + Math.max(window, 1),
      endSeconds: s + batchSeconds,
      reconnectsPerSecond: RELEASE_FORMULAS.reconnectsPerSecond(clientsPerInstance, n, window),
    };
  });
  const full = sizes[0] ?? 0;
  const peak = RELEASE_FORMULAS.reconnectsPerSecond(clientsPerInstance, full, window);
  const inService = RELEASE_FORMULAS.inService(instances, full, lbt);
  const label = `cells[${index}] ('${cell.name}')`;

  // Load balancer.
  const { spec, unit, tlsOnInstance } = unitSpecOf(cell);
  const reserved = cell.operations.minimumCapacityUnits;
  const units = reserved ?? plan?.loadBalancer.billedUnitsPerCell ?? connections / spec.activeConnections;
  const unitsFrom = reserved !== undefined ? 'reservation' : plan ? 'capacity-plan' : 'active-connections';
  const lbPerSecond = units * spec.newConnectionsPerSecond;
  const lbRatio = lbPerSecond > 0 ? peak / lbPerSecond : peak > 0 ? Infinity : 0;
  const unitsForPeak = Math.ceil(peak / spec.newConnectionsPerSecond);
  if (lbRatio > 1) {
    v.warn(
      'release-lb-budget',
      'release.batchSize',
      `${label}: a batch of ${full} reconnects ${fmt(peak)} clients/s, ${lbRatio.toFixed(1)}× the ${fmt(lbPerSecond)} new connections/s its ${units.toFixed(1)} ${unit}s cover (${spec.newConnectionsPerSecond}/s each); the load balancer scales up during the release and may reject connections meanwhile. Fix: reserve ${unitsForPeak} ${unit}s (operations.minimumCapacityUnits['${cell.name}']), lower ${v.name('release.batchSize')} or lengthen connection.drainWindowSeconds.`,
    );
  }

  // Server handshakes.
  const it = plan?.instanceType ?? INSTANCE_TYPES[a.instanceType];
  const procs = config.capacity?.processesPerInstance ?? CAPACITY_DEFAULTS.processesPerInstance;
  const tlsBudget = it ? Math.min(it.vcpus, procs) * ((it.baselineCpuPercent ?? 100) / 100) * TLS_HANDSHAKES_PER_VCPU_SECOND : undefined;
  const kind = tlsOnInstance && tlsBudget !== undefined ? 'tls-on-instance' : 'listen-backlog';
  const perInstance = kind === 'tls-on-instance' ? (tlsBudget as number) : tier.host.listenBacklog;
  const arrivals = inService > 0 ? peak / inService : peak > 0 ? Infinity : 0;
  const hsRatio = arrivals / perInstance;
  if (hsRatio > 1) {
    const minWindow = Math.ceil((clientsPerInstance * full) / (Math.max(1, inService) * perInstance));
    v.error(
      'release-handshake-budget',
      'release.batchSize',
      `${label}: a batch of ${full} instance(s) sends ${fmt(peak)} clients/s to ${inService} instance(s) in service, ${fmt(arrivals)}/s each, ${hsRatio.toFixed(1)}× what one accepts (${fmt(perInstance)}/s, ${kind === 'tls-on-instance' ? `TLS on the instance at ~${fmt(TLS_HANDSHAKES_PER_VCPU_SECOND)} handshakes per vCPU-second` : 'the listen backlog'}). Fix: lower ${v.name('release.batchSize')}${full > 1 ? ' (e.g. 1)' : ''}, or lengthen connection.drainWindowSeconds to at least ${minWindow} s.`,
    );
  }

  // Capacity during a batch.
  const holds = inService * perInstanceMax(config, cell, plan);
  const capRatio = holds > 0 ? connections / holds : connections > 0 ? Infinity : 0;
  if (instances > 0 && capRatio > 1) {
    v.error(
      'release-capacity-below-plan',
      'release.batchSize',
      `${label}: replacing ${full} of ${instances} instances ${lbt ? '' : 'before their replacements are up '}leaves ${inService} in service holding ${fmt(holds)} connections, below the cell's ${fmt(connections)}. Fix: lower ${v.name('release.batchSize')} to at most ${Math.max(1, instances - Math.ceil(connections / Math.max(1, perInstanceMax(config, cell, plan))))}, or launch before terminating (scaling.minHealthyPercentage 100, maxHealthyPercentage above 100).`,
    );
  }

  const duration = sizes.length * batchSeconds;
  return {
    cell: cell.name,
    state,
    instances,
    connections,
    clientsPerInstance,
    connectionsSource: plan ? 'capacity-plan' : 'scaling-target',
    batchSize,
    batchInstances: sizes,
    batches,
    batchSeconds,
    durationSeconds: duration,
    startSeconds: start,
    endSeconds: start + duration,
    launchBeforeTerminate: lbt,
    inServiceDuringBatch: inService,
    peakReconnectsPerSecond: peak,
    loadBalancer: { unit, units, unitsFrom, perSecond: lbPerSecond, ratio: lbRatio, unitsForPeak },
    handshake: { kind, perSecond: perInstance, arrivalsPerInstancePerSecond: arrivals, ratio: hsRatio },
    capacityDuringBatch: { connections: holds, ratio: capRatio },
  };
}

/**
 * Where the clients of draining cells go: each active cell's share of them (by weight), added to
 * what it held with the draining cells in rotation, against what it can hold (max instances ×
 * connections per instance). Connections come from `capacity.peakConnections` by weight, or
 * without it from each cell's max instances × scaling target.
 */
function drainedClients(
  config: TierConfig,
  tier: ResolvedTier,
  plans: readonly (CapacityPlan | undefined)[],
): ReleasePlan['drainedClients'] {
  const states = config.cells.map((c) => cellStateOf(c));
  const from = config.cells.filter((_, i) => states[i] !== 'active').map((c) => c.name);
  if (from.length === 0) return undefined;
  const weight = (i: number): number => config.cells[i].weight ?? DEFAULTS.cell.weight;
  const inRotationBefore = config.cells.map((_, i) => i).filter((i) => states[i] !== 'retired');
  const active = config.cells.map((_, i) => i).filter((i) => states[i] === 'active');
  const peak = config.capacity?.peakConnections;
  const wBefore = inRotationBefore.reduce((s, i) => s + weight(i), 0);
  const before = (i: number): number =>
    peak !== undefined && wBefore > 0
      ? (peak * weight(i)) / wBefore
      : tier.cells[i].autoScaling.maxCapacity * tier.cells[i].autoScaling.scalingPolicy.targetValue;
  const moving = inRotationBefore.filter((i) => states[i] === 'draining').reduce((s, i) => s + before(i), 0);
  const wActive = active.reduce((s, i) => s + weight(i), 0);
  return {
    from,
    to: active.map((i) => {
      const cell = tier.cells[i];
      const connectionsBefore = before(i);
      const added = wActive > 0 ? (moving * weight(i)) / wActive : moving / active.length;
      const capacityConnections = cell.autoScaling.maxCapacity * perInstanceMax(config, cell, plans[i]);
      const after = connectionsBefore + added;
      return {
        cell: cell.name,
        connectionsBefore: Math.round(connectionsBefore),
        addedConnections: Math.round(added),
        connectionsAfter: Math.round(after),
        capacityConnections,
        utilizationPercent: capacityConnections > 0 ? (after / capacityConnections) * 100 : Infinity,
      };
    }),
  };
}
