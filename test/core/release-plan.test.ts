/**
 * planRelease(): table tests with numbers computed by hand (the arithmetic is in each row's comment).
 */
import { planCapacity, planRelease, RELEASE_FORMULAS, TierConfigError, type PlanReleaseOptions, type TierConfig } from '../../lib/core';
import { alb, nlbTcp } from './fixtures';

/** Two ALB cells, 4 instances each at 1,000 connections (no capacity: sized by the scaling target), 60 s window + 10 s grace. */
function twoCells(extra: Partial<TierConfig> = {}): TierConfig {
  return {
    domainName: 'ws.example.com',
    cells: [alb('a'), alb('b')],
    scaling: { minCapacity: 2, maxCapacity: 4, targetConnectionsPerInstance: 1000 },
    connection: { drainWindowSeconds: 60, drainGraceSeconds: 10 },
    ...extra,
  };
}

describe('planRelease: hand-computed rows', () => {
  const rows: {
    name: string;
    tier: TierConfig;
    options: PlanReleaseOptions;
    batches: number[];
    batchSeconds: number;
    totalSeconds: number;
    peak: number;
    lbRatio: number;
    arrivals: number;
    capacityRatio: number;
  }[] = [
    {
      // 4 × 1,000 = 4,000 connections, 1,000 per instance. Batch 120 + 60 + 10 = 190 s; 4 batches = 760 s per cell, 2 cells = 1,520 s.
      // Peak 1,000 × 1 ÷ 60 = 16.667/s. LB: 4,000 ÷ 3,000 = 1.333 LCU × 25 = 33.33/s → 0.5.
      // In service 4 (launch-before-terminate) → 16.667 ÷ 4 = 4.1667/s each. Capacity 4 × ceil(1,000 ÷ 0.7) = 4 × 1,429 = 5,716 → 4,000 ÷ 5,716.
      name: 'batch 1',
      tier: twoCells(),
      options: { bootSeconds: 120 },
      batches: [1, 1, 1, 1],
      batchSeconds: 190,
      totalSeconds: 1520,
      peak: 1000 / 60,
      lbRatio: 0.5,
      arrivals: 1000 / 60 / 4,
      capacityRatio: 4000 / 5716,
    },
    {
      // Batch 3: [3, 1]; 2 × 190 = 380 s per cell, 760 s total. Peak 3,000 ÷ 60 = 50/s; LB 50 ÷ 33.33 = 1.5.
      name: 'batch 3',
      tier: twoCells(),
      options: { bootSeconds: 120, batchSize: 3 },
      batches: [3, 1],
      batchSeconds: 190,
      totalSeconds: 760,
      peak: 50,
      lbRatio: 1.5,
      arrivals: 12.5,
      capacityRatio: 4000 / 5716,
    },
    {
      // Boot defaults to the cell's resolved release readiness: grace 300 + interval 10 × healthy threshold 3 = 330 s;
      // batch 330 + 60 + 10 = 400 s; 4 × 400 × 2 = 3,200 s. Batch size defaults to release.batchSize '25%' of capacity 2 → 1.
      name: 'default boot time and batch size (the resolved release)',
      tier: twoCells(),
      options: {},
      batches: [1, 1, 1, 1],
      batchSeconds: 400,
      totalSeconds: 3200,
      peak: 1000 / 60,
      lbRatio: 0.5,
      arrivals: 1000 / 60 / 4,
      capacityRatio: 4000 / 5716,
    },
    {
      // Terminate before launch, batch 1: 3 in service hold 3 × 1,429 = 4,287 ≥ 4,000; arrivals 16.667 ÷ 3.
      name: 'terminate before launch',
      tier: twoCells(),
      options: { bootSeconds: 120, launchBeforeTerminate: false },
      batches: [1, 1, 1, 1],
      batchSeconds: 190,
      totalSeconds: 1520,
      peak: 1000 / 60,
      lbRatio: 0.5,
      arrivals: 1000 / 60 / 3,
      capacityRatio: 4000 / 4287,
    },
    {
      // 6 instances at release time in cell a (6 × 1,000 = 6,000 connections, 1,000 each), batch 4 → [4, 2].
      // Cell a: 2 × 190 = 380 s; cell b (4 instances, batch 4 → [4]): 190 s; total 570 s. Peak 4,000 ÷ 60 = 66.67/s.
      // Cell a LB: 6,000 ÷ 3,000 = 2 LCU × 25 = 50/s → 1.333; arrivals 66.67 ÷ 6 = 11.11/s; capacity 6 × 1,429 = 8,574.
      name: 'instances given per cell',
      tier: twoCells(),
      options: { bootSeconds: 120, batchSize: 4, instances: { a: 6 } },
      batches: [4, 2],
      batchSeconds: 190,
      totalSeconds: 570,
      peak: 4000 / 60,
      lbRatio: 4000 / 60 / 50,
      arrivals: 4000 / 60 / 6,
      capacityRatio: 6000 / 8574,
    },
    {
      // One source: release.batchSize 2 is the cell's resolved batch (cell.release.batchSize), no option needed.
      // 4 instances at release time → [2, 2]; boot = readiness 330 s, batch 330 + 60 + 10 = 400 s; 2 × 400 × 2 cells = 1,600 s.
      // Peak 1,000 × 2 ÷ 60 = 33.33/s; LB 33.33 ÷ 33.33 = 1; 4 in service (keeps its capacity) → 8.33/s each.
      name: 'batch size from the tier release (ResolvedRelease)',
      tier: twoCells({ release: { batchSize: 2 } }),
      options: {},
      batches: [2, 2],
      batchSeconds: 400,
      totalSeconds: 1600,
      peak: 2000 / 60,
      lbRatio: 1,
      arrivals: 2000 / 60 / 4,
      capacityRatio: 4000 / 5716,
    },
    {
      // release.minInstancesInService 1 < capacity 2: the resolved release terminates before launching, so no
      // launch-before-terminate: 4 − 1 = 3 in service, 3 × 1,429 = 4,287; arrivals 16.667 ÷ 3.
      name: 'terminate before launch from the tier release (ResolvedRelease)',
      tier: twoCells({ release: { minInstancesInService: 1 } }),
      options: { bootSeconds: 120 },
      batches: [1, 1, 1, 1],
      batchSeconds: 190,
      totalSeconds: 1520,
      peak: 1000 / 60,
      lbRatio: 0.5,
      arrivals: 1000 / 60 / 3,
      capacityRatio: 4000 / 4287,
    },
    {
      // A 0 s drain window closes every socket at once: counted over 1 s. Peak 1,000/s; batch 120 + 0 + 10 = 130 s.
      name: 'no drain window',
      tier: twoCells({ connection: { drainWindowSeconds: 0, drainGraceSeconds: 10 } }),
      options: { bootSeconds: 120 },
      batches: [1, 1, 1, 1],
      batchSeconds: 130,
      totalSeconds: 1040,
      peak: 1000,
      lbRatio: 1000 / (25 * (4000 / 3000)),
      arrivals: 250,
      capacityRatio: 4000 / 5716,
    },
  ];

  test.each(rows)('$name', (row) => {
    const plan = planRelease(row.tier, undefined, row.options);
    const a = plan.cells[0];
    expect(a.batchInstances).toEqual(row.batches);
    expect(a.batchSeconds).toBe(row.batchSeconds);
    expect(plan.totalSeconds).toBe(row.totalSeconds);
    expect(a.peakReconnectsPerSecond).toBeCloseTo(row.peak, 6);
    expect(a.loadBalancer.ratio).toBeCloseTo(row.lbRatio, 6);
    expect(a.handshake.arrivalsPerInstancePerSecond).toBeCloseTo(row.arrivals, 6);
    expect(a.capacityDuringBatch.ratio).toBeCloseTo(row.capacityRatio, 6);
    expect(plan.order).toEqual(['a', 'b']);
    // Cells one at a time: b starts when a ends.
    expect(plan.cells[1].startSeconds).toBe(a.endSeconds);
  });

  test('batches and the timeline: launch-before-terminate boots first, then the paced drain', () => {
    const plan = planRelease(twoCells(), undefined, { bootSeconds: 120 });
    const [b1, b2] = plan.cells[0].batches;
    expect(b1).toMatchObject({
      index: 1,
      instances: 1,
      clients: 1000,
      startSeconds: 0,
      reconnectStartSeconds: 120,
      reconnectEndSeconds: 180,
      endSeconds: 190,
    });
    expect(b2).toMatchObject({ startSeconds: 190, reconnectStartSeconds: 310 });
    expect(plan.timeline).toHaveLength(8);
    expect(plan.timeline[4]).toMatchObject({ cell: 'b', batch: 1, startSeconds: 760 + 120, endSeconds: 760 + 180 });
    expect(plan.peakReconnectsPerSecond).toBeCloseTo(1000 / 60, 6);
  });

  test('a batch over the load balancer budget warns (release-lb-budget) with the units to reserve', () => {
    // 50/s ÷ 25 per LCU = 2 LCUs cover the peak.
    const plan = planRelease(twoCells(), undefined, { bootSeconds: 120, batchSize: 3 });
    expect(plan.cells[0].loadBalancer.unitsForPeak).toBe(2);
    expect(plan.warnings.map((w) => w.code)).toEqual(['release-lb-budget', 'release-lb-budget']);
    expect(plan.warnings[0].message).toMatch(/reserve 2 LCUs \(operations\.minimumCapacityUnits\['a'\]\)/);
  });

  test('a reserved LCU count is the budget', () => {
    // 100 LCUs (the ALB minimum reservation) × 25 = 2,500/s; 50 ÷ 2,500 = 0.02.
    const plan = planRelease(twoCells({ operations: { minimumCapacityUnits: { a: 100 } } }), undefined, { bootSeconds: 120, batchSize: 3 });
    expect(plan.cells[0].loadBalancer).toMatchObject({ units: 100, unitsFrom: 'reservation', perSecond: 2500 });
    expect(plan.cells[0].loadBalancer.ratio).toBeCloseTo(0.02, 9);
    expect(plan.warnings.map((w) => w.path)).toEqual(['release.batchSize']); // cell b only
  });

  test('with a capacity plan: its connections, instances and billed units', () => {
    // 60,000 connections over 2 cells = 30,000 each; measured 10,000 per instance, target 7,000 → ceil(30,000 ÷ 7,000) = 5 instances,
    // 6,000 clients each. Billed: active connections 30,000 ÷ 3,000 = 10 LCU → 250 new/s. Peak 6,000 ÷ 60 = 100/s → 0.4.
    // Capacity during a batch: 5 × 10,000 = 50,000 → 0.6.
    const capacity = planCapacity({ peakConnections: 60_000, cells: 2, maxConnectionsPerInstance: 10_000 });
    const plan = planRelease(twoCells(), capacity, { bootSeconds: 120 });
    const a = plan.cells[0];
    expect(a).toMatchObject({ instances: 5, connections: 30_000, clientsPerInstance: 6000, connectionsSource: 'capacity-plan' });
    expect(a.loadBalancer).toMatchObject({ units: 10, unitsFrom: 'capacity-plan', perSecond: 250 });
    expect(a.peakReconnectsPerSecond).toBe(100);
    expect(a.loadBalancer.ratio).toBeCloseTo(0.4, 9);
    expect(a.capacityDuringBatch.ratio).toBeCloseTo(0.6, 9);
    expect(a.durationSeconds).toBe(5 * 190);
  });

  test('the tier’s own capacity plans each cell when none is given', () => {
    const plan = planRelease(
      twoCells({ capacity: { peakConnections: 60_000, maxConnectionsPerInstance: 10_000 }, scaling: undefined }),
      undefined,
      {
        bootSeconds: 120,
      },
    );
    expect(plan.cells.map((c) => [c.instances, c.connections])).toEqual([
      [5, 30_000],
      [5, 30_000],
    ]);
  });
});

describe('planRelease refuses', () => {
  const refuse = (t: TierConfig, o: PlanReleaseOptions): TierConfigError => {
    try {
      planRelease(t, undefined, o);
    } catch (e) {
      expect(e).toBeInstanceOf(TierConfigError);
      return e as TierConfigError;
    }
    throw new Error('did not throw');
  };

  test('a batch whose reconnects exceed the TLS handshake budget of the instances (release-handshake-budget)', () => {
    // NLB TCP (TLS on m7g.large, 2 vCPU, 1 process → 1 × 1,000 handshakes/s). 4 × 10,000 = 40,000 connections, 10,000 each.
    // Window 5 s, batch 3 → [3, 1]: 30,000 ÷ 5 = 6,000/s over 4 in service = 1,500/s each → 1.5×.
    // Shortest window that fits: ceil(30,000 ÷ (4 × 1,000)) = 8 s.
    const t: TierConfig = {
      domainName: 'ws.example.com',
      cells: [nlbTcp('t')],
      scaling: { minCapacity: 2, maxCapacity: 4, targetConnectionsPerInstance: 10_000 },
      connection: { drainWindowSeconds: 5, drainGraceSeconds: 10 },
    };
    const e = refuse(t, { batchSize: 3 });
    expect(e.issues.map((i) => [i.code, i.path])).toEqual([['release-handshake-budget', 'release.batchSize']]);
    expect(e.message).toMatch(/6,000 clients\/s to 4 instance\(s\) in service, 1,500\/s each, 1\.5× what one accepts \(1,000\/s/);
    expect(e.message).toMatch(/at least 8 s/);
    // Batch 2: 20,000 ÷ 5 = 4,000/s ÷ 4 = 1,000/s: exactly the budget, allowed.
    const ok = planRelease(t, undefined, { batchSize: 2 });
    expect(ok.cells[0].handshake).toMatchObject({ kind: 'tls-on-instance', perSecond: 1000, ratio: 1 });
  });

  test('a batch that leaves less capacity than the cell holds (release-capacity-below-plan)', () => {
    // Terminate before launch, batch 2: 2 in service × 1,429 = 2,858 < 4,000. Largest batch: 4 − ceil(4,000 ÷ 1,429) = 1.
    const e = refuse(twoCells(), { batchSize: 2, launchBeforeTerminate: false });
    expect(e.issues.map((i) => i.code)).toEqual(['release-capacity-below-plan', 'release-capacity-below-plan']);
    expect(e.message).toMatch(
      /leaves 2 in service holding 2,858 connections, below the cell's 4,000\. Fix: lower release\.batchSize to at most 1/,
    );
  });

  test.each([
    [{ batchSize: 0 }, 'release.batchSize', 'out-of-range'],
    [{ batchSize: 1.5 }, 'release.batchSize', 'not-an-integer'],
    [{ bootSeconds: -1 }, 'release.bootSeconds', 'capacity-out-of-range'],
    [{ instances: { zz: 2 } }, 'release.instances.zz', 'release-unknown-cell'],
    [{ instances: { a: -1 } }, 'release.instances.a', 'out-of-range'],
  ] as [PlanReleaseOptions, string, string][])('settings %j → %s (%s)', (options, path, code) => {
    const e = refuse(twoCells(), options);
    expect(e.issues.map((i) => [i.path, i.code])).toEqual([[path, code]]);
    expect(e.message).toMatch(/^invalid release plan \(1 problem\):/);
  });

  test('an invalid tier is refused with the tier’s own errors', () => {
    expect(() => planRelease({ domainName: 'ws.example.com', cells: [alb('a', { weight: 300 })] })).toThrow(/cells\[0\]\.weight is 300/);
  });

  test('fieldName spells settings as the caller’s flags', () => {
    try {
      planRelease(twoCells(), undefined, { batchSize: 0, fieldName: (p) => (p === 'release.batchSize' ? '--batch-size' : p) });
      throw new Error('did not throw');
    } catch (e) {
      expect((e as Error).message).toMatch(/--batch-size is 0/);
    }
  });
});

describe('RELEASE_FORMULAS', () => {
  test.each([
    [5, 2, [2, 2, 1]],
    [4, 4, [4]],
    [3, 10, [3]],
    [0, 1, []],
  ])('batches(%i, %i) = %j', (n, b, out) => expect(RELEASE_FORMULAS.batches(n, b)).toEqual(out));
  test('batch time, reconnect rate, in service', () => {
    expect(RELEASE_FORMULAS.batchSeconds(120, 300, 30)).toBe(450);
    expect(RELEASE_FORMULAS.reconnectsPerSecond(3000, 2, 300)).toBe(20);
    expect(RELEASE_FORMULAS.reconnectsPerSecond(3000, 2, 0)).toBe(6000);
    expect(RELEASE_FORMULAS.inService(10, 2, true)).toBe(10);
    expect(RELEASE_FORMULAS.inService(10, 2, false)).toBe(8);
  });
});
