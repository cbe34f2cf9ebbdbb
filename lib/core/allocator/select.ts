/**
 * Choosing a cell for one new client: pure, no I/O. The allocator handler feeds it the resolved
 * cells (URL, state, weight, capacity) joined with live load from a `LoadSource`.
 *
 * Rules, in order:
 * 1. **Eligible**: `state` is `active`, `healthy` is true, `capacity` > 0 and `weight` > 0
 *    (weight 0 takes a cell out of rotation, as in Route 53). When every active healthy cell has
 *    weight 0, all of them are eligible with equal weight (Route 53 then answers with every record).
 *    Draining, retired and unhealthy cells are never chosen.
 * 2. **Fresh load**: among eligible cells whose load is known and not stale, those below capacity
 *    compete on **headroom = 1 − connections ÷ capacity** (a fraction, so a small cell is not
 *    starved until a large one is as full in absolute terms; levelling utilization is what keeps
 *    max/mean low). The highest headroom wins; a tie (within 1e-9) goes to the higher weight, then
 *    to the earlier cell in config order.
 * 3. **Unknown load**: when no fresh cell has room but some eligible cell's load is unknown or
 *    stale, one of those is drawn with probability weight ÷ Σ weights (the weights are the prior:
 *    exactly what weighted DNS would do), using the injected `random`.
 * 4. **Full**: otherwise `{ ok: false, reason: 'full' }` when some eligible cell exists (all at
 *    capacity), `'unavailable'` when none does; both with `retryAfterSeconds`.
 */

/** One cell's inputs. */
export interface SelectableCell {
  readonly name: string;
  /** Direct WebSocket URL of the cell (`wss://<cell>.<domainName>/`). */
  readonly url: string;
  readonly state: 'active' | 'draining' | 'retired';
  /** False when the cell fails its health checks (or reports no live node). */
  readonly healthy: boolean;
  /** Open connections, or undefined when unknown. */
  readonly connections?: number;
  /** True when `connections` is older than the staleness limit (treated as unknown). @default false */
  readonly stale?: boolean;
  /** Connections the cell holds at its scaled-out target (from the plan), ≥ 0. */
  readonly capacity: number;
  /** Route 53 weight, 0–255: the prior. */
  readonly weight: number;
}

/** The answer of {@link selectCell}. */
export type Selection =
  | {
      readonly ok: true;
      readonly cell: SelectableCell;
      /** `load`: chosen by fresh headroom; `prior`: load unknown, drawn by weight. */
      readonly basis: 'load' | 'prior';
      /** Headroom fraction of the chosen cell (undefined when chosen by the prior). */
      readonly headroom?: number;
    }
  | { readonly ok: false; readonly reason: 'full' | 'unavailable'; readonly retryAfterSeconds: number };

/** Options of {@link selectCell}. */
export interface SelectOptions {
  /** Seconds a client is told to wait when no cell can take it, ≥ 0. */
  readonly retryAfterSeconds: number;
  /** Uniform [0, 1) source for the prior draw. @default Math.random */
  readonly random?: () => number;
}

const EPSILON = 1e-9;

function known(c: SelectableCell): c is SelectableCell & { connections: number } {
  return typeof c.connections === 'number' && Number.isFinite(c.connections) && !c.stale;
}

/** Pick the cell for one new client (rules in the module comment). Pure but for `random`. */
export function selectCell(cells: readonly SelectableCell[], options: SelectOptions): Selection {
  const random = options.random ?? Math.random;
  const up = cells.filter((c) => c.state === 'active' && c.healthy && c.capacity > 0);
  const allZero = up.length > 0 && up.every((c) => !(c.weight > 0));
  const weightOf = (c: SelectableCell) => (allZero ? 1 : c.weight > 0 ? c.weight : 0);
  const eligible = up.filter((c) => weightOf(c) > 0);
  if (eligible.length === 0) return { ok: false, reason: 'unavailable', retryAfterSeconds: options.retryAfterSeconds };

  let best: { cell: SelectableCell; headroom: number } | undefined;
  for (const cell of eligible) {
    if (!known(cell) || cell.connections >= cell.capacity) continue;
    const headroom = 1 - Math.max(0, cell.connections) / cell.capacity;
    if (
      best === undefined ||
      headroom > best.headroom + EPSILON ||
      (Math.abs(headroom - best.headroom) <= EPSILON && weightOf(cell) > weightOf(best.cell))
    ) {
      best = { cell, headroom };
    }
  }
  if (best) return { ok: true, cell: best.cell, basis: 'load', headroom: best.headroom };

  const unknown = eligible.filter((c) => !known(c));
  if (unknown.length > 0) {
    const total = unknown.reduce((s, c) => s + weightOf(c), 0);
    let x = random() * total;
    for (const cell of unknown) {
      x -= weightOf(cell);
      if (x < 0) return { ok: true, cell, basis: 'prior' };
    }
    return { ok: true, cell: unknown[unknown.length - 1], basis: 'prior' };
  }
  return { ok: false, reason: 'full', retryAfterSeconds: options.retryAfterSeconds };
}
