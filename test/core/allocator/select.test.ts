import { type SelectableCell, selectCell } from '../../../lib/core/allocator/select';

const cell = (name: string, over: Partial<SelectableCell> = {}): SelectableCell => ({
  name,
  url: `wss://${name}.ws.example.com/`,
  state: 'active',
  healthy: true,
  connections: 0,
  capacity: 1000,
  weight: 100,
  ...over,
});

// Each row: the cells, then the hand-computed expectation (headroom = 1 − connections ÷ capacity).
const ROWS: {
  name: string;
  cells: SelectableCell[];
  random?: number;
  expect: string | 'full' | 'unavailable';
  basis?: 'load' | 'prior';
}[] = [
  { name: 'most headroom wins: a 0.8, b 0.3', cells: [cell('a', { connections: 200 }), cell('b', { connections: 700 })], expect: 'a' },
  {
    name: 'headroom is a fraction: small a 500/1000 = 0.5 beats big b 6000/10000 = 0.4 (absolute 500 < 4000)',
    cells: [cell('a', { connections: 500 }), cell('b', { connections: 6000, capacity: 10_000 })],
    expect: 'a',
  },
  {
    name: 'tie 0.5 = 0.5 goes to the higher weight',
    cells: [cell('a', { connections: 500 }), cell('b', { connections: 1000, capacity: 2000, weight: 200 })],
    expect: 'b',
  },
  {
    name: 'tie with equal weights goes to config order',
    cells: [cell('a', { connections: 10 }), cell('b', { connections: 10 })],
    expect: 'a',
  },
  {
    name: 'draining, retired and unhealthy cells are skipped even when empty',
    cells: [
      cell('d', { state: 'draining', connections: 0 }),
      cell('r', { state: 'retired', connections: 0 }),
      cell('u', { healthy: false, connections: 0 }),
      cell('a', { connections: 900 }),
    ],
    expect: 'a',
  },
  { name: 'weight 0 is out of rotation', cells: [cell('z', { weight: 0 }), cell('a', { connections: 999 })], expect: 'a' },
  {
    name: 'all active weights 0: all eligible, equal weight (as Route 53)',
    cells: [cell('a', { weight: 0, connections: 600 }), cell('b', { weight: 0, connections: 100 })],
    expect: 'b',
  },
  {
    name: 'stale load is not trusted: fresh b (0.1) beats stale empty a',
    cells: [cell('a', { connections: 0, stale: true }), cell('b', { connections: 900 })],
    expect: 'b',
  },
  {
    name: 'fresh cells full → the unknown-load cell by prior (only one)',
    cells: [cell('a', { connections: 1000 }), cell('b', { connections: undefined })],
    expect: 'b',
    basis: 'prior',
  },
  {
    name: 'all unknown: weights 100/300, random 0.2 → 0.2 × 400 = 80 < 100 → a',
    cells: [cell('a', { connections: undefined }), cell('b', { stale: true, weight: 300 })],
    random: 0.2,
    expect: 'a',
    basis: 'prior',
  },
  {
    name: 'all unknown: weights 100/300, random 0.3 → 120 ≥ 100 → b',
    cells: [cell('a', { connections: undefined }), cell('b', { stale: true, weight: 300 })],
    random: 0.3,
    expect: 'b',
    basis: 'prior',
  },
  { name: 'all full', cells: [cell('a', { connections: 1000 }), cell('b', { connections: 1200 })], expect: 'full' },
  { name: 'capacity 0 (retired bounds) is never eligible', cells: [cell('a', { capacity: 0 })], expect: 'unavailable' },
  { name: 'nothing healthy and active', cells: [cell('a', { healthy: false }), cell('b', { state: 'draining' })], expect: 'unavailable' },
];

describe('selectCell (table, hand-computed)', () => {
  test.each(ROWS)('$name', ({ cells, random, expect: want, basis }) => {
    const r = selectCell(cells, { retryAfterSeconds: 7, random: () => random ?? 0 });
    if (want === 'full' || want === 'unavailable') {
      expect(r).toEqual({ ok: false, reason: want, retryAfterSeconds: 7 });
      return;
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cell.name).toBe(want);
    expect(r.basis).toBe(basis ?? 'load');
  });

  test('headroom is reported for load-based choices', () => {
    const r = selectCell([cell('a', { connections: 250 })], { retryAfterSeconds: 1 });
    expect(r).toMatchObject({ ok: true, headroom: 0.75 });
  });
});
