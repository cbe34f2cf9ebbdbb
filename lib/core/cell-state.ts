/**
 * Taking a cell out of rotation on purpose, declaratively: `cells[i].state`.
 *
 * | state      | Route 53 weight | Auto Scaling min / max / desired                 | alarms                  |
 * | ---------- | --------------- | ------------------------------------------------ | ----------------------- |
 * | `active`   | the cell's      | the cell's (sized by `capacity` among active cells) | the cell's           |
 * | `draining` | 0               | kept: the cell's own bounds, sized for its share before the drain | kept          |
 * | `retired`  | 0               | 0 / 0 / 0                                        | none                    |
 *
 * What the operator does:
 * 1. `draining`: weight 0 means Route 53 answers the tier name with the other cells only, so no
 *    new client arrives (existing sockets stay: DNS is asked only on connect). The cell keeps its
 *    instances and its scaling bounds, so as its clients leave (reconnects, churn) target tracking
 *    scales it in, and each scale-in goes through the termination lifecycle hook and the server's
 *    paced drain. It never goes below its `minCapacity`: the instances stay until step 2. The
 *    active cells are sized by `capacity` for the whole peak (the draining cell gets no share of
 *    new clients), so they can hold its clients when they come over.
 * 2. `retired`: min, max and desired 0. Auto Scaling terminates what is left, each instance again
 *    through the lifecycle hook and the paced drain (its clients reconnect to the active cells by
 *    DNS). The cell's alarms are removed: a cell with no instances and weight 0 has nothing to
 *    watch, and its Route 53 health check (when on) fails by design.
 * 3. Back into rotation: `active` again (instances launch at `minCapacity`, then the weight sends
 *    clients).
 *
 * Renderers read only the resolved weight and bounds; this module is the one place that turns a
 * state into them. Route 53 weighted routing: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
 * (weight 0 takes a record out; if every record has weight 0, all are returned with equal
 * probability, hence the rule that an active cell keeps a positive weight). Lifecycle hooks:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html
 */
import type { CellConfig, CellState, TierConfig } from './config';
import { DEFAULTS } from './defaults';
import { type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from './issues';
import type { ResolvedAlarm } from './operations/types';
import type { ResolvedCellWithoutOperations } from './resolved';

/** Every state, in the order of the lifecycle. */
export const CELL_STATES: readonly CellState[] = ['active', 'draining', 'retired'];

/** The state of a cell, `active` when unset (or not one of {@link CELL_STATES}: `validateCellStates()` reports it). */
export function cellStateOf(cell: Pick<CellConfig, 'state'> | undefined): CellState {
  const s = cell?.state;
  return s === 'draining' || s === 'retired' ? s : 'active';
}

/** The weight a cell's config gives it (its Route 53 weight while active). */
function configuredWeight(cell: CellConfig): number {
  return typeof cell.weight === 'number' ? cell.weight : DEFAULTS.cell.weight;
}

/**
 * The share of the tier's connections the capacity plan gives cell `index` (`capacity/tier.ts`
 * sizes the cell from it):
 * - `active`: its weight ÷ the weights of the active cells (they take every new client);
 * - `draining`: its weight ÷ the weights of the active and draining cells, i.e. what it held
 *   before the drain (its bounds are kept for the clients it still has);
 * - `retired`: 0 (no plan; the bounds are 0).
 * When the pool's weights sum to 0, an equal share of the pool (Route 53 returns every record).
 */
export function cellCapacityShare(config: TierConfig, index: number): number {
  const cells = config.cells;
  const state = cellStateOf(cells[index]);
  if (state === 'retired') return 0;
  const pool = cells
    .map((cell, i) => ({ i, state: cellStateOf(cell), weight: configuredWeight(cell) }))
    .filter((c) => c.state === 'active' || (state === 'draining' && c.state === 'draining'));
  const sum = pool.reduce((a, c) => a + c.weight, 0);
  if (!(sum > 0)) return pool.length > 0 ? 1 / pool.length : 0;
  return configuredWeight(cells[index]) / sum;
}

/**
 * A resolved cell with its state applied: `draining` and `retired` get Route 53 weight 0;
 * `retired` gets min, max and desired capacity 0. `active` is returned unchanged.
 */
export function applyCellState(cell: CellConfig, resolved: ResolvedCellWithoutOperations): ResolvedCellWithoutOperations {
  const state = cellStateOf(cell);
  if (state === 'active') return resolved;
  const dns = { ...resolved.dns, weight: 0 };
  if (state === 'draining') return { ...resolved, dns };
  return { ...resolved, dns, autoScaling: { ...resolved.autoScaling, minCapacity: 0, maxCapacity: 0, desiredCapacity: 0 } };
}

/** A cell's alarms with its state applied: none for a `retired` cell, unchanged otherwise. */
export function cellStateAlarms(cell: CellConfig, alarms: readonly ResolvedAlarm[]): readonly ResolvedAlarm[] {
  return cellStateOf(cell) === 'retired' ? [] : alarms;
}

/**
 * `validateTier()`'s state rules: each `state` is one of {@link CELL_STATES}; at least one cell is
 * `active`; when a cell is out of rotation, the active cells' weights sum to more than 0 (with
 * every weight 0, Route 53 would answer with the draining and retired cells too).
 */
export function validateCellStates(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const cells = Array.isArray(config.cells) ? config.cells : [];
  let unknown = false;
  cells.forEach((cell, i) => {
    if (typeof cell !== 'object' || cell === null) return;
    const s: unknown = cell.state;
    if (s === undefined) return;
    if (isUnresolved(s)) {
      unknown = true;
      return;
    }
    if (!CELL_STATES.includes(s as CellState)) {
      unknown = true;
      v.error(
        'cell-state-invalid',
        `cells[${i}].state`,
        `cells[${i}].state is ${JSON.stringify(s) ?? String(s)}; allowed 'active', 'draining' or 'retired'. Fix: use one of them, or leave it out for 'active'.`,
      );
    }
  });
  if (unknown || cells.length === 0) return v.issues;
  const out = cells.filter((c) => cellStateOf(c) !== 'active');
  if (out.length === 0) return v.issues;
  const active = cells.filter((c) => cellStateOf(c) === 'active');
  if (active.length === 0) {
    v.error(
      'cell-state-none-active',
      'cells',
      `cells: every cell is draining or retired (${cells.map((c) => `'${c.name}' ${cellStateOf(c)}`).join(', ')}); at least one must be 'active' to take the clients. Fix: set state 'active' on a cell (or add one) before draining the others.`,
    );
    return v.issues;
  }
  const weights = active.map((c) => c.weight);
  if (weights.every((w) => w !== undefined && !isUnresolved(w)) && active.every((c) => configuredWeight(c) === 0)) {
    v.error(
      'cell-state-active-weight-zero',
      'cells',
      `cells: the active cells (${active.map((c) => `'${c.name}'`).join(', ')}) all have weight 0 while ${out.map((c) => `'${c.name}'`).join(', ')} ${out.length === 1 ? 'is' : 'are'} out of rotation; Route 53 returns every record with equal probability when all weights are 0, so the draining cells would get new clients again. Fix: give an active cell a positive weight.`,
    );
  }
  return v.issues;
}
