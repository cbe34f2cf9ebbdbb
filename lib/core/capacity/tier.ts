/**
 * The planner inside a tier: each cell's share of `capacity` (by Route 53 weight) becomes a plan,
 * which sizes the cell's Auto Scaling group (explicit `scaling` values win) and is validated
 * with the tier.
 */
import { cellCapacityShare } from '../cell-state';
import type { TierConfig } from '../config';
import { CAPACITY_DEFAULTS, DEFAULTS } from '../defaults';
import { errorsOf, type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from '../issues';
import type { CapacityConfig } from './config';
import { RESERVED_FILE_DESCRIPTORS } from './data';
import { fmt } from './format';
import { backplaneIssues, backplaneLoad, evaluate } from './plan';

/** The cell's share of the tier's connections, by Route 53 weight among the cells in rotation (cell-state.ts). */
function weightShare(config: TierConfig, index: number): number {
  return cellCapacityShare(config, index);
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
    reconnectStormConnectionsPerSecond: scale(
      cap.reconnectStormConnectionsPerSecond ?? cap.peakConnections / CAPACITY_DEFAULTS.stormSeconds,
    ),
    messagesPerSecond: scale(cap.messagesPerSecond),
    backplane: 'none',
    loadBalancerType: lb,
    tlsTermination:
      lb === 'network' && (cell.nlbListenerProtocol ?? DEFAULTS.cell.nlbListenerProtocol) === 'TCP' ? 'instance' : 'load-balancer',
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
  return {
    minCapacity,
    maxCapacity,
    targetConnectionsPerInstance,
    connectionsPerCell: plan.connectionsPerCell,
    minInstancesPerCell: plan.input.minInstancesPerCell,
  };
}

/**
 * Instances a capacity-derived `maxCapacity` keeps above `minCapacity`, so the target-tracking
 * policy can always scale out (a group with MaxSize = MinSize cannot: cfn-lint E3712,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html).
 */
export const SCALE_OUT_HEADROOM_INSTANCES = 1;

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
  let max =
    explicit.maxCapacity ??
    (explicit.targetConnectionsPerInstance !== undefined && d.connectionsPerCell !== undefined
      ? Math.max(d.minInstancesPerCell ?? 1, Math.ceil(d.connectionsPerCell / target))
      : d.maxCapacity);
  let min = explicit.minCapacity ?? Math.min(d.minCapacity, max);
  // A derived max leaves the target-tracking policy room to add at least one instance: a plan whose
  // peak fits the floor (e.g. peakConnections 20,000 on two instances) would otherwise render
  // MaxSize = MinSize, a group the policy can never scale (cfn-lint E3712).
  if (explicit.maxCapacity === undefined) max = Math.max(max, min + SCALE_OUT_HEADROOM_INSTANCES);
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
    return [
      {
        code: 'capacity-not-an-object',
        path: 'capacity',
        message: `capacity is ${JSON.stringify(cap)}; it must be an object such as { peakConnections: 100000 }. Fix: wrap the settings in { … } or remove capacity.`,
        severity: 'error',
      },
    ];
  }
  const deployment = [
    'loadBalancerType',
    'tlsTermination',
    'instanceType',
    'cells',
    'connectionsPerCellLimit',
    'fileDescriptorLimit',
    'pingIntervalSeconds',
    'nlbClientIpPreservation',
    'route53HealthChecks',
    'route53HealthCheckIntervalSeconds',
    'availabilityZones',
    'minInstancesPerCell',
  ];
  const issues: Issue[] = [];
  for (const key of deployment) {
    if (key in (cap as object)) {
      issues.push({
        code: 'capacity-field-from-cells',
        path: `${P}${key}`,
        message: `${P}${key} is set, but in a tier it comes from the cells and host settings (load balancer type, listener protocol, instance type, cell list, host.fileDescriptorLimit). Fix: remove it from capacity.`,
        severity: 'error',
      });
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
    const where =
      cell.scaling?.targetConnectionsPerInstance !== undefined
        ? `cells[${i}].scaling.targetConnectionsPerInstance`
        : 'scaling.targetConnectionsPerInstance';
    if (typeof explicit === 'number' && !isUnresolved(explicit)) {
      const fd = plan.perInstance.limits.fileDescriptors;
      if (explicit > fd) {
        issues.push({
          code: 'capacity-target-above-fd-limit',
          path: where,
          message: `${where} is ${fmt(explicit)} but ${label} instances can hold at most ${fmt(fd)} sockets (LimitNOFILE ${fmt(input.fileDescriptorLimit ?? DEFAULTS.host.fileDescriptorLimit)} minus ${RESERVED_FILE_DESCRIPTORS} reserved). Fix: lower it to ${fmt(plan.perCell.targetConnectionsPerInstance)} (the capacity plan's target) or raise host.fileDescriptorLimit.`,
          severity: 'error',
        });
      } else if (explicit > plan.perInstance.maxConnections) {
        issues.push({
          code: 'capacity-target-above-plan',
          path: where,
          message: `${where} is ${fmt(explicit)}, above the ${fmt(plan.perInstance.maxConnections)} connections the capacity plan says one ${plan.instanceType.name} holds (${plan.perInstance.limitedBy}-bound). Fix: lower it to ${fmt(plan.perCell.targetConnectionsPerInstance)}, or set capacity.maxConnectionsPerInstance from a measurement.`,
          severity: 'warning',
        });
      }
    }
  });
  const messages = cap.messagesPerSecond ?? 0;
  const mode = cap.backplane ?? (messages > 0 ? 'broadcast' : 'none');
  if (totalInstances > 0 && typeof messages === 'number' && !isUnresolved(messages)) {
    const v = new IssueCollector(isUnresolved, P);
    backplaneIssues(
      backplaneLoad(
        mode,
        messages,
        cap.fanOut ?? CAPACITY_DEFAULTS.fanOut,
        totalInstances,
        cap.cacheNodeType ?? CAPACITY_DEFAULTS.cacheNodeType,
      ),
      totalInstances,
      v,
    );
    issues.push(...v.issues);
  }
  return issues;
}
