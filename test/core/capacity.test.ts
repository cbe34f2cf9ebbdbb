/**
 * The capacity and cost planner: each bound, each capacity-unit dimension, the cost lines, bad
 * input (field, value, what works), impossible plans, and the tier integration (derived scaling,
 * explicit values win, capacity issues under `capacity.`).
 */
import fc from 'fast-check';
import {
  ALB_LCU,
  API_GATEWAY_WEBSOCKET,
  CapacityPlanError,
  DEFAULTS,
  errorsOf,
  FRAMEWORK_BYTES_PER_CONNECTION,
  HOURS_PER_MONTH,
  INSTANCE_TYPES,
  KERNEL_BYTES_PER_SOCKET,
  planCapacity,
  predictConnectionsWithinBudget,
  resolveTier,
  RUNTIME_WARMUP_BYTES,
  type CapacityConfig,
  type TierConfig,
  validateCapacity,
  validateTier,
  warningsOf,
} from '../../lib/core';

const codes = (input: CapacityConfig) => validateCapacity(input).map((i) => i.code);
const errorFor = (input: CapacityConfig, path: string) => errorsOf(validateCapacity(input)).find((i) => i.path === path);

describe('per-instance bounds', () => {
  test('memory: socket.io on a small-memory type is memory-bound, with the measured bytes per connection', () => {
    const p = planCapacity({ peakConnections: 100_000, framework: 'socket.io', instanceType: 'c7g.medium' });
    expect(p.perInstance.bytesPerConnection).toEqual({
      framework: FRAMEWORK_BYTES_PER_CONNECTION['socket.io'],
      tls: 0,
      kernel: KERNEL_BYTES_PER_SOCKET,
      total: FRAMEWORK_BYTES_PER_CONNECTION['socket.io'] + KERNEL_BYTES_PER_SOCKET,
    });
    expect(p.perInstance.limitedBy).toBe('memory');
    expect(p.perInstance.maxConnections).toBe(Math.floor(p.perInstance.memoryBudgetBytes / p.perInstance.bytesPerConnection.total));
  });

  test('socket.io holds fewer connections than ws in the same memory', () => {
    const ws = planCapacity({ peakConnections: 100_000, instanceType: 'c7g.medium' });
    const sio = planCapacity({ peakConnections: 100_000, instanceType: 'c7g.medium', framework: 'socket.io' });
    expect(sio.perInstance.limits.memory).toBeLessThan(ws.perInstance.limits.memory / 2);
  });

  test('TLS on the instance adds TLS state per connection and lowers the memory bound', () => {
    const lb = planCapacity({ peakConnections: 100_000, loadBalancerType: 'network' });
    const inst = planCapacity({ peakConnections: 100_000, loadBalancerType: 'network', tlsTermination: 'instance' });
    expect(inst.perInstance.bytesPerConnection.tls).toBeGreaterThan(0);
    expect(inst.perInstance.limits.memory).toBeLessThan(lb.perInstance.limits.memory);
    expect(inst.loadBalancer.listenerProtocol).toBe('TCP');
  });

  test('CPU: idle connections on m7g.large are CPU-bound by the stated heuristic (100k per vCPU, one vCPU per Node process)', () => {
    const one = planCapacity({ peakConnections: 1_000_000 });
    expect(one.perInstance.limitedBy).toBe('cpu');
    expect(one.perInstance.limits.cpu).toBeLessThanOrEqual(100_000);
    expect(one.perInstance.limits.cpu).toBeGreaterThan(95_000);
    const two = planCapacity({ peakConnections: 1_000_000, processesPerInstance: 2 });
    expect(Math.abs(two.perInstance.limits.cpu - 2 * one.perInstance.limits.cpu)).toBeLessThanOrEqual(2);
    // More processes than vCPUs buy no CPU, but each keeps its own baseline memory and descriptors.
    const four = planCapacity({ peakConnections: 1_000_000, processesPerInstance: 4 });
    expect(four.perInstance.limits.cpu).toBe(two.perInstance.limits.cpu);
    expect(four.perInstance.limits.memory).toBeLessThan(two.perInstance.limits.memory);
    expect(four.perInstance.limits.fileDescriptors).toBe(4 * (1_048_576 - 1024));
  });

  test('a burstable type is counted at its baseline CPU share', () => {
    const t = planCapacity({ peakConnections: 100_000, instanceType: 't4g.medium' });
    expect(INSTANCE_TYPES['t4g.medium'].baselineCpuPercent).toBe(20);
    expect(t.perInstance.limits.cpu).toBeLessThanOrEqual(40_000);
  });

  test('messages cost CPU: more deliveries per connection, fewer connections per instance', () => {
    const idle = planCapacity({ peakConnections: 1_000_000 });
    const busy = planCapacity({ peakConnections: 1_000_000, messagesPerSecond: 10_000, fanOut: 100 });
    expect(busy.perInstance.limits.cpu).toBeLessThan(idle.perInstance.limits.cpu);
  });

  test('file descriptors bind when the limit is low', () => {
    const p = planCapacity({ peakConnections: 100_000, fileDescriptorLimit: 4096 });
    expect(p.perInstance.limitedBy).toBe('file-descriptors');
    expect(p.perInstance.maxConnections).toBe(4096 - 1024);
  });

  test('NLB with client IP preservation off is capped at 55,000 per target', () => {
    const p = planCapacity({
      peakConnections: 1_000_000,
      loadBalancerType: 'network',
      nlbClientIpPreservation: false,
      instanceType: 'm7g.2xlarge',
    });
    expect(p.perInstance.limitedBy).toBe('nlb-target');
    expect(p.perInstance.maxConnections).toBe(55_000);
    expect(p.loadBalancer.nlbConnectionsPerTargetLimit).toBe(55_000);
    const kept = planCapacity({ peakConnections: 1_000_000, loadBalancerType: 'network', instanceType: 'm7g.2xlarge' });
    expect(kept.perInstance.limits.nlbTarget).toBeUndefined();
  });

  test('a measured maximum replaces the estimate, and one above the estimate is a warning', () => {
    const p = planCapacity({ peakConnections: 1_000_000, maxConnectionsPerInstance: 300_000 });
    expect(p.perInstance).toMatchObject({ limitedBy: 'measured', maxConnections: 300_000, targetConnections: 210_000 });
    expect(p.warnings.map((w) => w.code)).toContain('capacity-measured-above-estimate');
  });
});

describe('cells, instances and scaling', () => {
  test('2M connections on m7g.large ALB: 2 cells of 1M, max = peak ÷ target, min = peak ÷ maximum', () => {
    const p = planCapacity({ peakConnections: 2_000_000 });
    expect(p.cells).toBe(2);
    expect(p.connectionsPerCell).toBe(1_000_000);
    expect(p.perCell.maxCapacity).toBe(Math.ceil(1_000_000 / p.perInstance.targetConnections));
    expect(p.perCell.minCapacity).toBe(Math.ceil(1_000_000 / p.perInstance.maxConnections));
    expect(p.totalInstancesAtPeak).toBe(2 * p.perCell.maxCapacity);
  });

  test('small tiers still run two instances per cell', () => {
    const p = planCapacity({ peakConnections: 1_000 });
    expect(p.perCell).toMatchObject({ minCapacity: 2, maxCapacity: 2 });
  });

  test('property: the peak fleet at its target holds the peak, min ≤ max, and cost grows with connections', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom<'application' | 'network'>('application', 'network'),
        (peak, lb) => {
          const p = planCapacity({ peakConnections: peak, loadBalancerType: lb });
          expect(p.perCell.minCapacity).toBeLessThanOrEqual(p.perCell.maxCapacity);
          expect(p.totalInstancesAtPeak * p.perInstance.targetConnections).toBeGreaterThanOrEqual(peak);
          expect(p.perCell.minCapacity * p.perInstance.maxConnections * p.cells).toBeGreaterThanOrEqual(peak);
          const bigger = planCapacity({ peakConnections: Math.min(1e9, peak * 2), loadBalancerType: lb });
          expect(bigger.monthlyCost.total).toBeGreaterThanOrEqual(p.monthlyCost.total);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('load-balancer capacity units (aws-facts §6 worked example)', () => {
  test('ALB, 1M idle connections in one cell: 333 LCU on active connections', () => {
    const p = planCapacity({ peakConnections: 1_000_000, cells: 1 });
    expect(p.loadBalancer.unit).toBe('LCU');
    expect(p.loadBalancer.billedDimension).toBe('activeConnections');
    expect(p.loadBalancer.billedUnitsPerCell).toBeCloseTo(1_000_000 / 3_000, 6);
    expect(p.monthlyCost.loadBalancerCapacityUnits).toBeCloseTo((1_000_000 / 3_000) * ALB_LCU.pricePerUnitHour * HOURS_PER_MONTH, 6);
  });

  test('NLB TCP (TLS on the instance): 10 NLCU for 1M connections; NLB TLS: 333', () => {
    const tcp = planCapacity({
      peakConnections: 1_000_000,
      cells: 1,
      loadBalancerType: 'network',
      tlsTermination: 'instance',
      newConnectionsPerSecond: 100,
    });
    expect(tcp.loadBalancer.unitsByDimension.activeConnections).toBeCloseTo(10, 6);
    const tls = planCapacity({ peakConnections: 1_000_000, cells: 1, loadBalancerType: 'network' });
    expect(tls.loadBalancer.billedUnitsPerCell).toBeCloseTo(333.33, 1);
  });

  test('a churny tier bills on new connections; a chatty one on processed bytes', () => {
    const churn = planCapacity({ peakConnections: 10_000, cells: 1, newConnectionsPerSecond: 2_000 });
    expect(churn.loadBalancer.billedDimension).toBe('newConnections');
    expect(churn.loadBalancer.billedUnitsPerCell).toBeCloseTo(2_000 / 25, 6);
    const chatty = planCapacity({ peakConnections: 10_000, cells: 1, messagesPerSecond: 1_000, fanOut: 100, messageBytes: 1_000 });
    expect(chatty.loadBalancer.billedDimension).toBe('processedBytes');
  });

  test('the storm is reported for pre-warming, not billed', () => {
    const p = planCapacity({ peakConnections: 1_000_000, cells: 1, reconnectStormConnectionsPerSecond: 50_000 });
    expect(p.loadBalancer.stormUnitsPerCell).toBeCloseTo(50_000 / 25, 6);
    expect(p.loadBalancer.billedUnitsPerCell).toBeLessThan(p.loadBalancer.stormUnitsPerCell);
  });
});

describe('host limits and backplane', () => {
  test('listen backlog covers one second of the per-instance storm, never below what the constructs set, at most 65535', () => {
    const p = planCapacity({ peakConnections: 1_000_000, reconnectStormConnectionsPerSecond: 100_000 });
    expect(p.host.listenBacklog).toBe(Math.min(65535, Math.max(DEFAULTS.host.listenBacklog, Math.ceil(100_000 / p.totalInstancesAtPeak))));
    expect(p.host.limitNoFile).toBeGreaterThanOrEqual(p.perInstance.maxConnections);
  });

  test.each([16, 100_000, 2_000_000])(
    'the host-limit table at %i connections is what the constructs set (one source: DEFAULTS.host)',
    (n) => {
      const p = planCapacity({ peakConnections: n });
      const t = resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a' }] });
      expect(p.host.listenBacklog).toBe(t.host.listenBacklog);
      expect(p.host.somaxconn).toBe(t.host.somaxconn);
      expect(p.host.tcpMaxSynBacklog).toBe(t.host.tcpMaxSynBacklog);
      expect(p.host.limitNoFile).toBe(t.host.fileDescriptorLimit);
      expect(t.host.listenBacklog).toBe(DEFAULTS.host.listenBacklog);
    },
  );

  test('broadcast: Redis deliveries = messages × servers; sharded: × min(servers, fan-out)', () => {
    const b = planCapacity({ peakConnections: 2_000_000, messagesPerSecond: 1_000, fanOut: 5 });
    expect(b.backplane.redisDeliveriesPerSecond).toBe(1_000 * b.totalInstancesAtPeak);
    const s = planCapacity({ peakConnections: 2_000_000, messagesPerSecond: 1_000, fanOut: 5, backplane: 'sharded' });
    expect(s.backplane.redisDeliveriesPerSecond).toBe(5_000);
    expect(planCapacity({ peakConnections: 1000 }).backplane).toMatchObject({ mode: 'none', primaries: 0 });
    expect(planCapacity({ peakConnections: 1000 }).monthlyCost.elastiCache).toBe(0);
  });

  test('a saturated broadcast backplane is an error with the numbers and the fix', () => {
    const e = errorFor({ peakConnections: 10_000_000, messagesPerSecond: 50_000, backplane: 'broadcast' }, 'backplane');
    expect(e?.code).toBe('capacity-backplane-saturated');
    expect(e?.message).toMatch(/Redis deliveries\/s, above one primary's ~1,500,000\/s/);
    expect(e?.message).toMatch(/Fix: use backplane 'sharded'/);
  });
});

describe('cost and API Gateway', () => {
  test('API Gateway for 1M connections held all month: $0.25 per million connection-minutes', () => {
    const p = planCapacity({ peakConnections: 1_000_000 });
    expect(p.apiGateway.connectionMinutesPerMonth).toBe(1_000_000 * 60 * HOURS_PER_MONTH);
    expect(p.apiGateway.connectionMinutesCost).toBeCloseTo(10_950, 6);
    expect(p.apiGateway.messagesCost).toBe(0);
  });

  test('API Gateway messages: publishes plus deliveries, metered per 32 KB, cheaper above 1 billion', () => {
    const p = planCapacity({ peakConnections: 10_000, messagesPerSecond: 1_000, fanOut: 9, messageBytes: 40_000 });
    const perMonth = 1_000 * 10 * 2 * HOURS_PER_MONTH * 3600;
    expect(p.apiGateway.messagesPerMonth).toBe(perMonth);
    expect(p.apiGateway.messagesCost).toBeCloseTo(
      1_000 + ((perMonth - 1e9) / 1e6) * API_GATEWAY_WEBSOCKET.pricePerMillionMessagesAboveTier,
      6,
    );
    expect(p.apiGateway.notes.join(' ')).toMatch(/32 KB/);
  });

  test('API Gateway quota notes: the 2-hour limit forces reconnects above 500/s at 3.6M+', () => {
    const p = planCapacity({ peakConnections: 5_000_000, newConnectionsPerSecond: 10 });
    expect(p.apiGateway.notes[0]).toMatch(/at least 694\/s/);
  });

  test('the total is the sum of the lines, and ElastiCache appears with a backplane', () => {
    const p = planCapacity({ peakConnections: 500_000, messagesPerSecond: 100, route53HealthChecks: true });
    const { total, ...lines } = p.monthlyCost;
    expect(total).toBeCloseTo(
      Object.values(lines).reduce((a, b) => a + b, 0),
      6,
    );
    expect(p.monthlyCost.elastiCache).toBeGreaterThan(0);
    expect(p.monthlyCost.route53HealthChecks).toBeCloseTo(1.5, 6);
    expect(p.monthlyCost.ec2).toBeCloseTo(p.totalInstancesAtPeak * INSTANCE_TYPES['m7g.large'].pricePerHour * HOURS_PER_MONTH, 6);
  });

  test('unconfirmed prices say so in the assumptions', () => {
    const p = planCapacity({ peakConnections: 10_000, instanceType: 'c7i.large' });
    expect(p.assumptions.join('\n')).toMatch(/c7i\.large price is UNCONFIRMED/);
  });
});

describe('bad input: the field, the value, what works', () => {
  test.each<[string, CapacityConfig, string, RegExp]>([
    ['negative connections', { peakConnections: -5 }, 'peakConnections', /peakConnections is -5; allowed an integer 1–1000000000/],
    ['zero connections', { peakConnections: 0 }, 'peakConnections', /peakConnections is 0/],
    ['non-numeric connections', { peakConnections: 'lots' as unknown as number }, 'peakConnections', /must be an integer .* got "lots"/],
    ['NaN', { peakConnections: NaN }, 'peakConnections', /got NaN/],
    ['zero message size', { peakConnections: 10, messageBytes: 0 }, 'messageBytes', /messageBytes is 0/],
    ['zero new connections', { peakConnections: 10, newConnectionsPerSecond: 0 }, 'newConnectionsPerSecond', /greater than 0/],
    ['negative messages', { peakConnections: 10, messagesPerSecond: -1 }, 'messagesPerSecond', /messagesPerSecond is -1/],
    ['fan-out below 1', { peakConnections: 10, fanOut: 0.5 }, 'fanOut', /fanOut is 0.5/],
    ['headroom 0', { peakConnections: 10, headroomPercent: 0 }, 'headroomPercent', /allowed an integer 5–90/],
    ['101 cells', { peakConnections: 10, cells: 101 }, 'cells', /Route 53 holds at most 100/],
    [
      'unknown framework',
      { peakConnections: 10, framework: 'uws' as 'ws' },
      'framework',
      /allowed 'ws', 'socket.io' or \{ bytesPerConnection/,
    ],
    [
      'zero measured bytes',
      { peakConnections: 10, framework: { bytesPerConnection: 0 } },
      'framework.bytesPerConnection',
      /bytesPerConnection is 0/,
    ],
    [
      'unknown instance type',
      { peakConnections: 10, instanceType: 'x2iedn.large' },
      'instanceType',
      /"x2iedn.large", which the planner has no size or price for; known: m7g\.\*, c7g\.\*/,
    ],
    ['TLS on an ALB instance', { peakConnections: 10, tlsTermination: 'instance' }, 'tlsTermination', /ALB, which always terminates TLS/],
    ['unknown cache node', { peakConnections: 10, cacheNodeType: 'cache.x9.huge' }, 'cacheNodeType', /known: cache\.t4g\.micro/],
    [
      'fd limit too low',
      { peakConnections: 10, fileDescriptorLimit: 100 },
      'fileDescriptorLimit',
      /fileDescriptorLimit is 100; allowed an integer 1024–1048576/,
    ],
  ])('%s', (_name, input, path, message) => {
    const e = errorFor(input, path);
    expect(e).toBeDefined();
    expect(e!.message).toMatch(message);
    expect(e!.message).toMatch(/Fix: /);
    expect(() => planCapacity(input)).toThrow(CapacityPlanError);
  });

  test('every issue is reported at once', () => {
    expect(codes({ peakConnections: 0, messageBytes: -1, fanOut: 0 }).filter((c) => c === 'capacity-out-of-range')).toHaveLength(3);
  });

  test('impossible: a measured maximum above the file-descriptor limit is an error with the numbers', () => {
    const e = errorFor(
      { peakConnections: 100_000, maxConnectionsPerInstance: 70_000, fileDescriptorLimit: 65_536 },
      'maxConnectionsPerInstance',
    );
    expect(e?.code).toBe('capacity-above-fd-limit');
    expect(e?.message).toMatch(/is 70,000 but the file-descriptor limit 65,536 leaves 64,512 for sockets/);
  });

  test('impossible: a cell needing more than 1,000 targets names the cells that would work', () => {
    const e = errorFor({ peakConnections: 100_000_000, cells: 1, instanceType: 't4g.small' }, 'peakConnections');
    expect(e?.code).toBe('capacity-too-many-targets');
    expect(e?.message).toMatch(/a target group holds at most 1,000 targets .* Fix: use at least \d+ cells/);
  });

  test('impossible: an instance with no memory left for connections', () => {
    expect(errorFor({ peakConnections: 10, instanceType: 't4g.nano' }, 'instanceType')?.code).toBe('capacity-instance-too-small');
  });

  test('a storm below the steady rate is only a warning', () => {
    const issues = validateCapacity({ peakConnections: 10_000, newConnectionsPerSecond: 100, reconnectStormConnectionsPerSecond: 10 });
    expect(errorsOf(issues)).toHaveLength(0);
    expect(warningsOf(issues).map((i) => i.code)).toEqual(['capacity-storm-below-steady']);
  });

  test('property: any number ≤ 0 for peakConnections is an error naming the value', () => {
    fc.assert(
      fc.property(fc.double({ max: 0, noNaN: true }), (n) => {
        const e = errorFor({ peakConnections: n }, 'peakConnections');
        expect(e).toBeDefined();
        expect(e!.message).toContain(Number.isInteger(n) ? `peakConnections is ${n}` : `got ${String(n)}`);
      }),
    );
  });
});

test('predictConnectionsWithinBudget: the calibration prediction is (budget − warm-up) ÷ bytes per connection', () => {
  expect(predictConnectionsWithinBudget('ws', 256 * 1024 * 1024)).toBe(
    Math.floor((256 * 1024 * 1024 - RUNTIME_WARMUP_BYTES) / FRAMEWORK_BYTES_PER_CONNECTION.ws),
  );
  expect(predictConnectionsWithinBudget({ bytesPerConnection: 1000 }, RUNTIME_WARMUP_BYTES + 10_000)).toBe(10);
  expect(predictConnectionsWithinBudget('socket.io', 1024)).toBe(0);
});

describe('tier integration', () => {
  const base: TierConfig = {
    domainName: 'ws.example.com',
    cells: [
      { name: 'a', weight: 100 },
      { name: 'b', weight: 100, loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
    ],
    capacity: { peakConnections: 1_000_000 },
  };

  test('each cell is sized from its weighted share, its load balancer and its instance type', () => {
    const t = resolveTier(base);
    const a = planCapacity({ peakConnections: 500_000, cells: 1 });
    const b = planCapacity({
      peakConnections: 500_000,
      cells: 1,
      loadBalancerType: 'network',
      tlsTermination: 'instance',
      newConnectionsPerSecond: 1_000_000 / 3600 / 2,
    });
    expect(t.cells[0].autoScaling).toMatchObject({ minCapacity: a.perCell.minCapacity, maxCapacity: a.perCell.maxCapacity });
    expect(t.cells[0].autoScaling.scalingPolicy.targetValue).toBe(a.perCell.targetConnectionsPerInstance);
    expect(t.cells[1].autoScaling.scalingPolicy.targetValue).toBe(b.perCell.targetConnectionsPerInstance);
    // TLS on the instances costs memory and CPU: the NLB-TCP cell's target is lower.
    expect(t.cells[1].autoScaling.scalingPolicy.targetValue).toBeLessThan(t.cells[0].autoScaling.scalingPolicy.targetValue);
  });

  test('weights split the connections', () => {
    const t = resolveTier({
      ...base,
      cells: [
        { name: 'a', weight: 200 },
        { name: 'b', weight: 50 },
      ],
      capacity: { peakConnections: 5_000_000 },
    });
    expect(t.cells[0].autoScaling.maxCapacity).toBeGreaterThan(3 * t.cells[1].autoScaling.maxCapacity);
  });

  test('explicit scaling values win; an explicit target re-derives max', () => {
    const t = resolveTier({
      ...base,
      scaling: { targetConnectionsPerInstance: 50_000 },
      cells: [{ name: 'a', scaling: { minCapacity: 3 } }],
    });
    expect(t.cells[0].autoScaling.scalingPolicy.targetValue).toBe(50_000);
    expect(t.cells[0].autoScaling).toMatchObject({ minCapacity: 3, maxCapacity: 20 });
  });

  test('a derived min never crosses an explicit max', () => {
    const t = resolveTier({ ...base, cells: [{ name: 'a', scaling: { maxCapacity: 2 } }] });
    expect(t.cells[0].autoScaling).toMatchObject({ minCapacity: 2, maxCapacity: 2 });
  });

  test('without capacity, the defaults stay (2, 10, 10000)', () => {
    const t = resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a' }] });
    expect(t.cells[0].autoScaling).toMatchObject({ minCapacity: 2, maxCapacity: 10 });
    expect(t.cells[0].autoScaling.scalingPolicy.targetValue).toBe(10_000);
  });

  test('validateTier reports capacity field errors under capacity.', () => {
    const issues = validateTier({ ...base, capacity: { peakConnections: -1, fanOut: 0 } });
    expect(errorsOf(issues).map((i) => i.path)).toEqual(expect.arrayContaining(['capacity.peakConnections', 'capacity.fanOut']));
    expect(issues.find((i) => i.path === 'capacity.peakConnections')!.message).toMatch(/^capacity\.peakConnections is -1/);
  });

  test('an explicit target above the file-descriptor limit is an error with the numbers', () => {
    const issues = validateTier({ ...base, host: { fileDescriptorLimit: 65_536 }, scaling: { targetConnectionsPerInstance: 100_000 } });
    const e = errorsOf(issues).find((i) => i.code === 'capacity-target-above-fd-limit');
    expect(e?.path).toBe('scaling.targetConnectionsPerInstance');
    expect(e?.message).toMatch(/is 100,000 but cells\[0\] \('a'\) instances can hold at most 64,512 sockets/);
  });

  test('a cell plan that cannot work names the cell', () => {
    const issues = validateTier({ ...base, instanceType: 'x2iedn.large' });
    const e = errorsOf(issues).find((i) => i.code === 'capacity-instance-type-unknown');
    expect(e?.path).toBe('capacity.instanceType');
    expect(e?.message).toMatch(/^cells\[0\] \('a'\): /);
  });

  test('deployment fields in a tier capacity are refused (they come from the cells)', () => {
    const issues = validateTier({ ...base, capacity: { peakConnections: 10, loadBalancerType: 'network' } as TierConfig['capacity'] });
    expect(errorsOf(issues).map((i) => i.path)).toContain('capacity.loadBalancerType');
  });

  test('the backplane is checked across all cells', () => {
    const issues = validateTier({ ...base, capacity: { peakConnections: 10_000_000, messagesPerSecond: 50_000 } });
    expect(errorsOf(issues).map((i) => i.code)).toContain('capacity-backplane-saturated');
  });

  test('a valid capacity adds no error; TLS on the instances warns about handshakes in a storm', () => {
    const issues = validateTier(base).filter((i) => i.path.startsWith('capacity'));
    expect(errorsOf(issues)).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(['capacity-tls-storm']);
    expect(issues[0].message).toMatch(/^cells\[1\] \('b'\): .*handshake 1,042 connections per storm second but does about 1,000\/s/);
    expect(validateTier({ ...base, cells: [{ name: 'a' }] }).filter((i) => i.path.startsWith('capacity'))).toEqual([]);
  });
});
