/**
 * cells[i].state: what draining and retiring a cell resolve to, the rules validateTier() adds, and
 * where the draining cell's clients go (planRelease's drainedClients).
 */
import {
  applyCellState,
  cellCapacityShare,
  cellStateOf,
  planRelease,
  resolveTier,
  type TierConfig,
  validateCellStates,
  validateTier,
} from '../../lib/core';
import { alb } from './fixtures';

function three(states: [string?, string?, string?], extra: Partial<TierConfig> = {}): TierConfig {
  return {
    domainName: 'ws.example.com',
    cells: ['a', 'b', 'c'].map((name, i) => alb(name, states[i] ? { state: states[i] as 'active' } : {})),
    ...extra,
  };
}

const codes = (t: TierConfig): string[] => validateTier(t).map((i) => i.code);

describe('resolved weight, bounds and alarms', () => {
  test('active (the default) changes nothing', () => {
    const plain = resolveTier(three([]));
    const explicit = resolveTier(three(['active', 'active', 'active']));
    expect(explicit).toEqual(plain);
    expect(plain.cells.map((c) => c.dns.weight)).toEqual([100, 100, 100]);
  });

  test('draining: weight 0, scaling bounds and alarms kept', () => {
    const r = resolveTier(three([undefined, 'draining'], { scaling: { minCapacity: 3, maxCapacity: 7 } }));
    const b = r.cells[1];
    expect(b.dns.weight).toBe(0);
    expect(b.autoScaling).toMatchObject({ minCapacity: 3, maxCapacity: 7, desiredCapacity: undefined });
    expect(b.operations.alarms.map((a) => a.key)).toEqual(r.cells[0].operations.alarms.map((a) => a.key));
    expect(b.operations.alarms.length).toBeGreaterThan(0);
    expect(b.autoScaling.lifecycleHook).toEqual(r.cells[0].autoScaling.lifecycleHook);
    expect(r.cells[0].dns.weight).toBe(100);
  });

  test('retired: weight 0, min/max/desired 0, no alarms', () => {
    const r = resolveTier(three([undefined, undefined, 'retired'], { scaling: { minCapacity: 3, maxCapacity: 7, desiredCapacity: 4 } }));
    const c = r.cells[2];
    expect(c.dns.weight).toBe(0);
    expect(c.autoScaling).toMatchObject({ minCapacity: 0, maxCapacity: 0, desiredCapacity: 0 });
    expect(c.operations.alarms).toEqual([]);
    expect(r.cells[0].autoScaling).toMatchObject({ minCapacity: 3, maxCapacity: 7, desiredCapacity: 4 });
  });

  test('applyCellState leaves every other field alone', () => {
    const cell = resolveTier(three([])).cells[0];
    const { operations: _ops, ...without } = cell;
    const out = applyCellState({ name: 'a', state: 'draining' }, without);
    expect({ ...out, dns: { ...out.dns, weight: 100 } }).toEqual(without);
  });

  test('cellStateOf: unset is active', () => {
    expect(cellStateOf({})).toBe('active');
    expect(cellStateOf(undefined)).toBe('active');
    expect(cellStateOf({ state: 'retired' })).toBe('retired');
  });
});

describe('capacity shares: the active cells take the draining cell’s clients', () => {
  test('shares by weight among the cells in rotation', () => {
    // a 100, b 100 (draining), c 200: active pool a + c = 300 → a 1/3, c 2/3; b keeps its share of a + b + c = 100/400.
    const t: TierConfig = { domainName: 'ws.example.com', cells: [alb('a'), alb('b', { state: 'draining' }), alb('c', { weight: 200 })] };
    expect([0, 1, 2].map((i) => cellCapacityShare(t, i))).toEqual([1 / 3, 0.25, 2 / 3]);
    const retired: TierConfig = { ...t, cells: [t.cells[0], { ...t.cells[1], state: 'retired' }, t.cells[2]] };
    expect(cellCapacityShare(retired, 1)).toBe(0);
  });

  test('with capacity, active cells are sized for the whole peak, the draining one for what it held', () => {
    // 2,000,000 over a and b. Both active: 1,000,000 each. b draining: a holds 2,000,000; b keeps the bounds of 1,000,000.
    const capacity = { peakConnections: 2_000_000, maxConnectionsPerInstance: 100_000 };
    const both = resolveTier({ domainName: 'ws.example.com', cells: [alb('a'), alb('b')], capacity });
    const drain = resolveTier({ domainName: 'ws.example.com', cells: [alb('a'), alb('b', { state: 'draining' })], capacity });
    // Target 70,000: ceil(1,000,000 ÷ 70,000) = 15; ceil(2,000,000 ÷ 70,000) = 29. Min = ceil(peak ÷ 100,000): 10 and 20.
    expect(both.cells.map((c) => [c.autoScaling.minCapacity, c.autoScaling.maxCapacity])).toEqual([
      [10, 15],
      [10, 15],
    ]);
    expect(drain.cells.map((c) => [c.autoScaling.minCapacity, c.autoScaling.maxCapacity])).toEqual([
      [20, 29],
      [10, 15],
    ]);
  });
});

describe('validateTier state rules', () => {
  test.each([
    [['draining'], []],
    [['draining', 'retired'], []],
    [['draining', 'draining', 'retired'], ['cell-state-none-active']],
    [['retired', 'retired', 'retired'], ['cell-state-none-active']],
  ] as [string[], string[]][])('%j → %j', (states, expected) => {
    expect(codes(three(states as [string?, string?, string?])).filter((c) => c.startsWith('cell-state'))).toEqual(expected);
  });

  test('an unknown state names the allowed ones', () => {
    const issues = validateTier(three(['paused' as string]));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'cell-state-invalid',
        path: 'cells[0].state',
        severity: 'error',
        message: expect.stringMatching(/cells\[0\]\.state is "paused"; allowed 'active', 'draining' or 'retired'\. Fix:/),
      }),
    ]);
  });

  test('the active cells must keep a positive weight when one is out of rotation', () => {
    const t: TierConfig = { domainName: 'ws.example.com', cells: [alb('a', { weight: 0 }), alb('b', { state: 'draining' })] };
    expect(validateCellStates(t).map((i) => i.code)).toEqual(['cell-state-active-weight-zero']);
    expect(validateCellStates({ ...t, cells: [alb('a', { weight: 1 }), t.cells[1]] })).toEqual([]);
  });

  test('state is a known key (no unknown-key issue)', () => {
    expect(validateTier(three(['draining']))).toEqual([]);
  });

  test('late-bound states are not checked', () => {
    const late = { lateBound: true };
    const t = three([late as unknown as string, 'draining', 'retired']);
    expect(validateCellStates(t, (v) => v === late)).toEqual([]);
  });
});

describe('where a draining cell’s clients go', () => {
  test('with capacity: by weight to the active cells, against their capacity', () => {
    // 300,000 over a (100), b (100, draining), c (100): 100,000 each before. b's 100,000 split to a and c: +50,000 each.
    // a and c are sized for 150,000: measured 100,000/instance, target 70,000 → max ceil(150,000 ÷ 70,000) = 3 → 300,000 capacity, 50 %.
    const t: TierConfig = {
      ...three([undefined, 'draining']),
      capacity: { peakConnections: 300_000, maxConnectionsPerInstance: 100_000 },
    };
    const plan = planRelease(t, undefined, { bootSeconds: 60 });
    expect(plan.drainedClients).toEqual({
      from: ['b'],
      to: [
        {
          cell: 'a',
          connectionsBefore: 100_000,
          addedConnections: 50_000,
          connectionsAfter: 150_000,
          capacityConnections: 300_000,
          utilizationPercent: 50,
        },
        {
          cell: 'c',
          connectionsBefore: 100_000,
          addedConnections: 50_000,
          connectionsAfter: 150_000,
          capacityConnections: 300_000,
          utilizationPercent: 50,
        },
      ],
    });
    // The draining cell is still released (it runs old code until retired); a retired one takes no time.
    expect(plan.cells[1]).toMatchObject({ state: 'draining', instances: 2 });
  });

  test('without capacity: each cell’s max × target, and a retired cell has nothing to release', () => {
    // Defaults: max 10 × target 10,000 = 100,000 per cell. b draining → a gets all 100,000: 200,000 of 10 × ceil(10,000 ÷ 0.7) = 142,860.
    const t = three([undefined, 'draining', 'retired']);
    const plan = planRelease(t, undefined, { bootSeconds: 60 });
    expect(plan.drainedClients?.from).toEqual(['b', 'c']);
    expect(plan.drainedClients?.to).toEqual([
      expect.objectContaining({
        cell: 'a',
        connectionsBefore: 100_000,
        addedConnections: 100_000,
        connectionsAfter: 200_000,
        capacityConnections: 142_860,
      }),
    ]);
    expect(plan.cells[2]).toMatchObject({ state: 'retired', instances: 0, durationSeconds: 0, batchInstances: [] });
  });

  test('every cell active: no drainedClients', () => {
    expect(planRelease(three([]), undefined, { bootSeconds: 60 }).drainedClients).toBeUndefined();
  });
});
