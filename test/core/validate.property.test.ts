import fc from 'fast-check';
import { type CellConfig, errorsOf, planTier, resolveTier, SERVER_ENV, type TierConfig, validateTier } from '../../lib/core';
import { alb, isLate, LATE_NUMBER, nlbTcp, nlbTls, tier } from './fixtures';

const RUNS = { numRuns: 300 };

/**
 * Every integer field with its AWS (or library) range, written out here rather than read from
 * LIMITS so that a wrong entry in LIMITS fails a test. `at` builds a config with the value in place.
 */
interface Field {
  readonly path: string;
  readonly min: number;
  readonly max: number;
  readonly at: (n: number) => TierConfig;
}

const FIELDS: Field[] = [
  { path: 'connection.albIdleTimeoutSeconds', min: 1, max: 4000, at: (n) => tier({ connection: { albIdleTimeoutSeconds: n } }) },
  {
    path: 'connection.nlbTcpIdleTimeoutSeconds',
    min: 60,
    max: 6000,
    at: (n) => tier({ cells: [nlbTcp()], connection: { nlbTcpIdleTimeoutSeconds: n } }),
  },
  {
    path: 'connection.albDeregistrationDelaySeconds',
    min: 0,
    max: 3600,
    at: (n) => tier({ connection: { albDeregistrationDelaySeconds: n } }),
  },
  {
    path: 'connection.nlbDeregistrationDelaySeconds',
    min: 0,
    max: 3600,
    at: (n) => tier({ cells: [nlbTls()], connection: { nlbDeregistrationDelaySeconds: n } }),
  },
  {
    path: 'connection.lifecycleHookHeartbeatSeconds',
    min: 30,
    max: 7200,
    at: (n) => tier({ connection: { lifecycleHookHeartbeatSeconds: n } }),
  },
  {
    path: 'connection.nlbUnhealthyDrainingIntervalSeconds',
    min: 0,
    max: 360000,
    at: (n) => tier({ cells: [nlbTls()], connection: { nlbUnhealthyDrainingIntervalSeconds: n } }),
  },
  { path: 'connection.pingIntervalSeconds', min: 1, max: 3600, at: (n) => tier({ connection: { pingIntervalSeconds: n } }) },
  { path: 'connection.drainWindowSeconds', min: 0, max: 7170, at: (n) => tier({ connection: { drainWindowSeconds: n } }) },
  { path: 'connection.drainGraceSeconds', min: 0, max: 600, at: (n) => tier({ connection: { drainGraceSeconds: n } }) },
  {
    path: 'connection.stickiness.cookieDurationSeconds',
    min: 1,
    max: 604800,
    at: (n) => tier({ connection: { longPollingFallback: true, stickiness: { cookieDurationSeconds: n } } }),
  },
  { path: 'cells[0].weight', min: 0, max: 255, at: (n) => tier({ cells: [alb('a', { weight: n }), alb('b')] }) },
  { path: 'cells[1].weight', min: 0, max: 255, at: (n) => tier({ cells: [nlbTls('a'), nlbTcp('b', { weight: n })] }) },
  { path: 'healthCheck.intervalSeconds', min: 5, max: 300, at: (n) => tier({ healthCheck: { intervalSeconds: n, timeoutSeconds: 2 } }) },
  { path: 'healthCheck.timeoutSeconds', min: 2, max: 120, at: (n) => tier({ healthCheck: { timeoutSeconds: n, intervalSeconds: 300 } }) },
  { path: 'healthCheck.healthyThresholdCount', min: 2, max: 10, at: (n) => tier({ healthCheck: { healthyThresholdCount: n } }) },
  { path: 'healthCheck.unhealthyThresholdCount', min: 2, max: 10, at: (n) => tier({ healthCheck: { unhealthyThresholdCount: n } }) },
  { path: 'healthCheck.port', min: 1, max: 65535, at: (n) => tier({ healthCheck: { port: n } }) },
  { path: 'scaling.defaultInstanceWarmupSeconds', min: 0, max: 3600, at: (n) => tier({ scaling: { defaultInstanceWarmupSeconds: n } }) },
  { path: 'scaling.healthCheckGracePeriodSeconds', min: 0, max: 7200, at: (n) => tier({ scaling: { healthCheckGracePeriodSeconds: n } }) },
  { path: 'scaling.minHealthyPercentage', min: 0, max: 100, at: (n) => tier({ scaling: { minHealthyPercentage: n } }) },
  { path: 'scaling.maxHealthyPercentage', min: 100, max: 200, at: (n) => tier({ scaling: { maxHealthyPercentage: n } }) },
  {
    path: 'dns.healthCheckFailureThreshold',
    min: 1,
    max: 10,
    at: (n) => tier({ dns: { healthChecks: true, healthCheckFailureThreshold: n } }),
  },
  { path: 'host.fileDescriptorLimit', min: 1024, max: 1048576, at: (n) => tier({ host: { fileDescriptorLimit: n } }) },
  { path: 'host.somaxconn', min: 128, max: 65535, at: (n) => tier({ host: { somaxconn: n, listenBacklog: 128 } }) },
  { path: 'host.tcpMaxSynBacklog', min: 128, max: 262144, at: (n) => tier({ host: { tcpMaxSynBacklog: n } }) },
  { path: 'host.listenBacklog', min: 1, max: 65535, at: (n) => tier({ host: { listenBacklog: n } }) },
  { path: 'server.port', min: 1, max: 65535, at: (n) => tier({ server: { port: n } }) },
];

const RANGE_CODES = new Set(['out-of-range', 'not-an-integer']);
const rangeIssuePaths = (config: TierConfig): string[] =>
  validateTier(config)
    .filter((i) => RANGE_CODES.has(i.code))
    .map((i) => i.path);

const outside = (f: Field) =>
  fc.oneof(
    fc.integer({ min: -1_000_000_000, max: f.min - 1 }),
    fc.integer({ min: f.max + 1, max: 1_000_000_000 }),
    fc.constantFrom(f.min - 1, f.max + 1),
  );

describe.each(FIELDS.map((f) => [f.path, f] as const))('%s', (_path, f) => {
  it(`any integer in ${f.min}–${f.max} raises no range error for it`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: f.min, max: f.max }), fc.constantFrom(f.min, f.max)), (n) => {
        expect(rangeIssuePaths(f.at(n))).toEqual([]);
      }),
      RUNS,
    );
  });

  it(`any integer outside ${f.min}–${f.max} is reported for exactly this field`, () => {
    fc.assert(
      fc.property(outside(f), (n) => {
        const issues = validateTier(f.at(n)).filter((i) => i.code === 'out-of-range');
        expect(issues.map((i) => i.path)).toEqual([f.path]);
        expect(issues[0].severity).toBe('error');
        expect(issues[0].message).toContain(`is ${n}`);
        expect(issues[0].message).toContain(`${f.min}–${f.max}`);
      }),
      RUNS,
    );
  });

  it('a non-integer is reported as not-an-integer for exactly this field', () => {
    fc.assert(
      fc.property(
        fc.double({ min: f.min, max: f.max, noNaN: false }).filter((x) => !Number.isInteger(x)),
        (x) => {
          expect(rangeIssuePaths(f.at(x))).toEqual([f.path]);
          expect(validateTier(f.at(x)).find((i) => i.path === f.path)?.code).toBe('not-an-integer');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a late-bound value is never reported', () => {
    const issues = validateTier(f.at(LATE_NUMBER), isLate);
    expect(issues.filter((i) => i.path === f.path)).toEqual([]);
    // Without the predicate the marker is an ordinary (absurd) number and is reported.
    expect(rangeIssuePaths(f.at(LATE_NUMBER))).toEqual([f.path]);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole configs: whatever validates resolves to consistent timers.

const cellName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
/** Mostly `common`, sometimes anything in the full range: keeps a useful share of configs valid. */
const mostly = (common: fc.Arbitrary<number>, full: fc.Arbitrary<number>) =>
  fc.oneof({ arbitrary: common, weight: 4 }, { arbitrary: full, weight: 1 });
/** Present about one time in `n`. */
const sometimes = <T>(a: fc.Arbitrary<T>, n = 3): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: n - 1 }, { arbitrary: a, weight: 1 });
const weight = fc.integer({ min: 0, max: 255 });
const cellScaling = fc.record(
  {
    minCapacity: sometimes(fc.integer({ min: 0, max: 6 })),
    maxCapacity: sometimes(fc.integer({ min: 6, max: 40 })),
    desiredCapacity: sometimes(fc.integer({ min: 0, max: 40 }), 5),
    targetConnectionsPerInstance: sometimes(fc.integer({ min: 1, max: 100000 })),
  },
  { requiredKeys: [] },
);
const cellArb = (name: string): fc.Arbitrary<CellConfig> =>
  fc.oneof(
    fc.record(
      { name: fc.constant(name), loadBalancerType: fc.constant('application' as const), weight, scaling: cellScaling },
      { requiredKeys: ['name', 'loadBalancerType'] },
    ),
    fc.record(
      {
        name: fc.constant(name),
        loadBalancerType: fc.constant('network' as const),
        nlbListenerProtocol: fc.constant('TLS' as const),
        nlbTargetProtocol: fc.constantFrom('TCP' as const, 'TLS' as const),
        weight,
        scaling: cellScaling,
      },
      { requiredKeys: ['name', 'loadBalancerType', 'nlbListenerProtocol'] },
    ),
    fc.record(
      {
        name: fc.constant(name),
        loadBalancerType: fc.constant('network' as const),
        nlbListenerProtocol: fc.constant('TCP' as const),
        weight,
        instanceType: fc.constantFrom('c7gn.large', 'm7i.large', 'c6in.xlarge'),
      },
      { requiredKeys: ['name', 'loadBalancerType', 'nlbListenerProtocol'] },
    ),
  );
const cellsArb = fc.uniqueArray(cellName, { minLength: 1, maxLength: 4 }).chain((names) => fc.tuple(...names.map(cellArb)));

const tierArb: fc.Arbitrary<TierConfig> = fc.record(
  {
    domainName: fc.constant('ws.example.com'),
    cells: cellsArb,
    connection: fc.record({
      pingIntervalSeconds: sometimes(mostly(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3600 })), 2),
      albIdleTimeoutSeconds: sometimes(mostly(fc.integer({ min: 60, max: 4000 }), fc.integer({ min: 1, max: 4000 }))),
      nlbTcpIdleTimeoutSeconds: sometimes(fc.integer({ min: 60, max: 6000 }), 4),
      drainWindowSeconds: sometimes(mostly(fc.integer({ min: 0, max: 1800 }), fc.integer({ min: 0, max: 7170 })), 2),
      drainGraceSeconds: sometimes(fc.integer({ min: 0, max: 600 })),
      albDeregistrationDelaySeconds: sometimes(fc.integer({ min: 0, max: 3600 }), 4),
      nlbDeregistrationDelaySeconds: sometimes(fc.integer({ min: 0, max: 3600 }), 4),
      lifecycleHookHeartbeatSeconds: sometimes(fc.integer({ min: 30, max: 7200 }), 4),
      longPollingFallback: sometimes(fc.boolean(), 2),
    }),
    healthCheck: fc.record({
      intervalSeconds: sometimes(fc.integer({ min: 5, max: 300 })),
      timeoutSeconds: sometimes(mostly(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 120 }))),
      port: sometimes(fc.constantFrom(8080, 8081)),
    }),
    scaling: fc.record({
      signal: sometimes(fc.constantFrom('connection-gauge' as const, 'load-balancer-connections' as const), 2),
      minCapacity: sometimes(fc.integer({ min: 0, max: 6 })),
      maxCapacity: sometimes(fc.integer({ min: 6, max: 40 })),
      desiredCapacity: sometimes(fc.integer({ min: 0, max: 40 }), 5),
    }),
    dns: fc.record({
      ipAddressType: sometimes(fc.constantFrom('ipv4' as const, 'dualstack' as const), 2),
      healthChecks: sometimes(fc.boolean(), 2),
    }),
  },
  { requiredKeys: ['domainName', 'cells'] },
);

describe('any config without validation errors resolves to consistent timers', () => {
  it('holds for random tiers (and enough of them are valid to mean something)', () => {
    let valid = 0;
    fc.assert(
      fc.property(tierArb, (config) => {
        // resolveTier is total: it never throws, valid or not.
        const t = resolveTier(config);
        if (errorsOf(validateTier(config)).length > 0) return;
        valid++;
        expect(() => planTier('Prop', config)).not.toThrow();
        expect(planTier('Prop', config).tier).toEqual(t);
        const longPolling = config.connection?.longPollingFallback ?? false;
        for (const c of t.cells) {
          const drainPlusGrace = c.drainWindowSeconds + c.drainGraceSeconds;
          const idle = c.listener.effectiveIdleTimeoutSeconds;
          expect(c.pingIntervalSeconds).toBeLessThan(idle);
          expect(Number(c.serverEnvironment[SERVER_ENV.keepAliveTimeoutSeconds])).toBeGreaterThan(idle);
          const hb = c.autoScaling.lifecycleHook.heartbeatTimeoutSeconds;
          expect(drainPlusGrace).toBeLessThanOrEqual(hb);
          expect(hb).toBeGreaterThanOrEqual(30);
          expect(hb).toBeLessThanOrEqual(7200);
          const dereg = c.targetGroup.deregistrationDelaySeconds;
          expect(dereg).toBeGreaterThanOrEqual(0);
          expect(dereg).toBeLessThanOrEqual(3600);
          if (c.loadBalancerType === 'application') {
            expect(drainPlusGrace).toBeLessThanOrEqual(dereg);
            expect(idle).toBeGreaterThanOrEqual(1);
            expect(idle).toBeLessThanOrEqual(4000);
          } else {
            expect(c.targetGroup.connectionTermination).toBe(false);
            if (c.listener.protocol === 'TLS') expect(idle).toBe(350);
            else expect(c.listener.tcpIdleTimeoutSeconds).toBe(idle);
          }
          expect(c.dns.weight).toBeGreaterThanOrEqual(0);
          expect(c.dns.weight).toBeLessThanOrEqual(255);
          const hc = c.targetGroup.healthCheck;
          expect(hc.timeoutSeconds).toBeLessThan(hc.intervalSeconds);
          const a = c.autoScaling;
          expect(a.minCapacity).toBeLessThanOrEqual(a.maxCapacity);
          if (a.desiredCapacity !== undefined) {
            expect(a.desiredCapacity).toBeGreaterThanOrEqual(a.minCapacity);
            expect(a.desiredCapacity).toBeLessThanOrEqual(a.maxCapacity);
          }
          expect(a.scalingPolicy.metrics.filter((m) => m.returnData)).toHaveLength(1);
          if (longPolling) expect(c.targetGroup.stickiness).toBeDefined();
          if (c.targetGroup.stickiness?.type === 'source_ip')
            expect(c.listener.protocol === 'TLS' && c.targetGroup.protocol === 'TLS').toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
    expect(valid).toBeGreaterThan(200);
  });

  it('every issue on random tiers has a path, a known severity and a fix', () => {
    fc.assert(
      fc.property(tierArb, (config) => {
        for (const i of validateTier(config)) {
          expect(i.path).not.toBe('');
          expect(['error', 'warning']).toContain(i.severity);
          expect(i.message).toMatch(/Fix: \S/);
        }
      }),
      RUNS,
    );
  });

  it('validation is deterministic and does not mutate the config', () => {
    fc.assert(
      fc.property(tierArb, (config) => {
        const before = JSON.stringify(config);
        expect(validateTier(config)).toEqual(validateTier(config));
        resolveTier(config);
        expect(JSON.stringify(config)).toBe(before);
      }),
      RUNS,
    );
  });
});
