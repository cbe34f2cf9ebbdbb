/**
 * fast-check arbitraries of tier configurations as a plain-JavaScript or JSON caller may write
 * them (not a test file): valid settings, boundary values, wrong types (strings for numbers and
 * booleans, "false"/"true"/"10", NaN, ±Infinity, huge numbers, BigInt, null, arrays where objects
 * go, objects where strings go), misspelled and unknown keys, cross-field conflicts, 0–40 cells,
 * long names and IP addresses as domain names. Used by test/fuzz/model.fuzz.test.ts.
 */
import fc from 'fast-check';
import type { TierConfig } from '../../lib/core';

type Obj = Record<string, unknown>;

/** Values of the wrong type for any field. */
export const WRONG: readonly unknown[] = [
  null,
  NaN,
  Infinity,
  -Infinity,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0.5,
  BigInt(10),
  'false',
  'true',
  '10',
  '',
  [],
  [1],
  {},
  { value: 1 },
  true,
  false,
];

const wrong = fc.constantFrom(...WRONG);

const LONG_LABEL = 'l'.repeat(63);
export const DOMAINS = [
  'ws.example.com',
  'chat.eu.example.com',
  'example.com',
  'a.b.example.com',
  '1.2.3.4',
  '10.0.0.1',
  '::1',
  'WS.Example.com',
  'ws.example.com.',
  'ws..example.com',
  '-ws.example.com',
  'ws_1.example.com',
  'localhost',
  'ws.123',
  `${LONG_LABEL}.example.com`,
  `${'l'.repeat(64)}.example.com`,
  `${'a'.repeat(53)}.example.com`, // 65 characters: one too many for ACM
  `${'a'.repeat(52)}.example.com`, // 64: the most ACM takes
  `${[LONG_LABEL, LONG_LABEL, LONG_LABEL].join('.')}.example.com`,
  `${[LONG_LABEL, LONG_LABEL, LONG_LABEL, 'x'.repeat(61)].join('.')}`, // 253
  `${[LONG_LABEL, LONG_LABEL, LONG_LABEL, 'x'.repeat(62)].join('.')}`, // 254
  'xn--bcher-kva.example.com',
  'ws.example.com/path',
  'ws example.com',
];

const INSTANCE_TYPES = ['m7g.large', 'c7g.xlarge', 't4g.medium', 'm7i.large', 'c6i.2xlarge', 'z9.huge', 'm7g'];

const NAMES = [
  'a',
  'b',
  'c',
  'use1-a',
  'x'.repeat(32),
  'y'.repeat(33),
  'Upper',
  '-a',
  'a-',
  'a_b',
  '1',
  '',
  'cell-with-a-long-name-0123456789',
];

/**
 * How hostile a generated config is: `valid` draws only in-range values (cross-field conflicts
 * still happen), `boundary` adds each bound and one past it, `hostile` adds {@link WRONG} values.
 */
export type Mode = 'valid' | 'boundary' | 'hostile';

/** Builds one arbitrary of configs for a mode. */
export function build(mode: Mode): fc.Arbitrary<TierConfig> {
  const bad = mode === 'hostile' ? 1 : 0;
  const edge = mode === 'valid' ? 0 : 3;
  const oneof = (...xs: { weight: number; arbitrary: fc.Arbitrary<unknown> }[]) => fc.oneof(...xs.filter((x) => x.weight > 0));
  /** An integer field: in range, at and beyond each bound, or a wrong value. */
  const int = (min: number, max: number, extra: readonly number[] = []): fc.Arbitrary<unknown> =>
    oneof(
      { weight: 6, arbitrary: fc.integer({ min, max }) },
      { weight: edge, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, ...extra) },
      { weight: bad, arbitrary: wrong },
    );
  /** A boolean field: true, false, or a wrong value (the strings "false" and "true" often). */
  const bool = (): fc.Arbitrary<unknown> =>
    oneof(
      { weight: 6, arbitrary: fc.boolean() },
      { weight: 2 * bad, arbitrary: fc.constantFrom('false', 'true', 0, 1) },
      { weight: bad, arbitrary: wrong },
    );
  /** A string field from examples (the first `valid` ones in valid mode), or a wrong value. */
  const str = (...examples: string[]): fc.Arbitrary<unknown> =>
    oneof(
      { weight: 6, arbitrary: fc.constantFrom(...(mode === 'valid' ? examples.slice(0, 2) : examples)) },
      { weight: bad, arbitrary: wrong },
    );
  /** A value from a list of examples, the first `good` of them valid. */
  const pick = (good: number, ...examples: unknown[]): fc.Arbitrary<unknown> =>
    mode === 'valid' && good === 0
      ? fc.constant(undefined)
      : oneof(
          { weight: 6, arbitrary: fc.constantFrom(...(mode === 'valid' ? examples.slice(0, good) : examples)) },
          { weight: bad, arbitrary: wrong },
        );
  /** An optional object of optional fields (in valid mode sparse), or (hostile) not an object. */
  const section = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> => {
    const keys = Object.keys(fields);
    const obj =
      mode === 'valid'
        ? fc.subarray(keys, { maxLength: 2 }).chain((chosen) => fc.record(Object.fromEntries(chosen.map((k) => [k, fields[k]]))))
        : fc.record(fields, { requiredKeys: [] });
    return oneof({ weight: 12, arbitrary: obj }, { weight: bad, arbitrary: fc.constantFrom([], [{}], 'on', null, 5) });
  };

  const V = mode === 'valid';
  const cellScaling = section({
    minCapacity: V ? int(0, 3) : int(0, 20),
    maxCapacity: V ? int(3, 40) : int(1, 40),
    ...(V ? {} : { desiredCapacity: int(0, 20) }),
    targetConnectionsPerInstance: int(1, 200_000, [10_000_000, 10_000_001]),
  });

  /** One cell: a valid name most of the time, a load balancer shape, sometimes odd fields. */
  const cell = (i: number): fc.Arbitrary<unknown> =>
    fc.oneof(
      {
        weight: 30,
        arbitrary: fc
          .record(
            {
              name: fc.oneof(
                { weight: 8, arbitrary: fc.constant(`c${i}`) },
                { weight: edge ? 2 : 0, arbitrary: fc.constantFrom(...NAMES) },
                { weight: bad, arbitrary: wrong },
              ),
              lb: pick(
                5,
                {},
                { loadBalancerType: 'application' },
                { loadBalancerType: 'network' },
                { loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
                { loadBalancerType: 'network', nlbListenerProtocol: 'TLS', nlbTargetProtocol: 'TCP' },
                { loadBalancerType: 'network', nlbListenerProtocol: 'TLS', nlbTargetProtocol: 'TLS' },
                { loadBalancerType: 'application', nlbListenerProtocol: 'TCP' },
                { loadBalancerType: 'gateway' },
                { loadBalancerType: 'network', nlbListenerProtocol: 'UDP' },
              ),
              rest: fc.record(
                {
                  weight: int(0, 255),
                  instanceType: str(...INSTANCE_TYPES),
                  scaling: cellScaling,
                  state: V
                    ? fc.oneof({ weight: 5, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: fc.constant('draining') })
                    : pick(2, 'active', 'draining', 'retired', 'paused', 'Active'),
                  backend: V
                    ? fc.oneof(
                        { weight: 3, arbitrary: fc.constant({ type: 'ec2' }) },
                        { weight: 1, arbitrary: fc.constant({ type: 'fargate', image: { uri: 'public.ecr.aws/nginx/nginx:1.27' } }) },
                      )
                    : pick(
                        2,
                        { type: 'ec2' },
                        { type: 'fargate', image: { uri: 'public.ecr.aws/nginx/nginx:1.27' } },
                        { type: 'fargate', image: { uri: 'public.ecr.aws/nginx/nginx:1.27' }, cpu: 512, memoryMiB: 1024 },
                        { type: 'fargate', image: { uri: 'x' }, cpu: 256, memoryMiB: 8192 },
                        { type: 'fargate', image: { uri: 'x' }, stopTimeoutSeconds: 121 },
                        { type: 'fargate', image: {} },
                        { type: 'lambda' },
                      ),
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: ['name', 'lb', 'rest'] },
          )
          .map(({ name, lb, rest }) => ({ name, ...(lb as Obj), ...rest })),
      },
      { weight: bad, arbitrary: fc.constantFrom(null, 'a', [], 7) },
    );

  /** 0–40 cells: mostly 1–4, sometimes up to 40 (past the 500-resource stack limit), sometimes not a list. */
  const cells: fc.Arbitrary<unknown> = oneof(
    { weight: 20, arbitrary: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => cell(i)))) },
    { weight: 3, arbitrary: fc.integer({ min: 5, max: 40 }).map((n) => Array.from({ length: n }, (_, i) => ({ name: `c${i}` }))) },
    { weight: bad, arbitrary: fc.constantFrom([], undefined, { name: 'a' }, 'a', null) },
  );

  const connection = section({
    pingIntervalSeconds: V ? int(1, 30) : int(1, 3600, [25, 30, 350]),
    albIdleTimeoutSeconds: V ? int(120, 4000) : int(1, 4000, [10, 25, 120]),
    nlbTcpIdleTimeoutSeconds: int(60, 6000, [350]),
    drainWindowSeconds: int(0, 7170, [300, 3600]),
    drainGraceSeconds: int(0, 600, [30]),
    albDeregistrationDelaySeconds: int(0, 3600, [5, 330]),
    nlbDeregistrationDelaySeconds: int(0, 3600, [119, 120]),
    lifecycleHookHeartbeatSeconds: int(30, 7200),
    nlbUnhealthyDrainingIntervalSeconds: int(0, 360000),
    longPollingFallback: bool(),
    stickiness: section({
      enabled: bool(),
      albType: str('lb_cookie', 'app_cookie', 'source_ip'),
      cookieDurationSeconds: int(1, 604800),
      cookieName: pick(2, 'io', 'sid', 'AWSALBx', 'bad name', ''),
    }),
  });

  const healthCheck = section({
    path: pick(3, '/healthz', '/', `/${'p'.repeat(254)}`, 'healthz', '/a b', `/${'p'.repeat(300)}`, `/${'p'.repeat(1024)}`),
    port: int(1, 65535, [22, 8080, 8081]),
    intervalSeconds: V ? int(10, 300) : int(5, 300),
    timeoutSeconds: V ? int(2, 5) : int(2, 120),
    healthyThresholdCount: int(2, 10),
    unhealthyThresholdCount: int(2, 10),
    healthyHttpCodes: str('200', '200-299', '200,204', '100', '600', 'ok'),
  });

  const scaling = section({
    signal: str('connection-gauge', 'load-balancer-connections', 'cpu'),
    minCapacity: V ? int(0, 3) : int(0, 20),
    maxCapacity: V ? int(3, 40) : int(1, 40, [10000, 10001]),
    ...(V ? {} : { desiredCapacity: int(0, 20) }),
    targetConnectionsPerInstance: int(1, 200_000),
    defaultInstanceWarmupSeconds: int(0, 3600),
    healthCheckGracePeriodSeconds: int(0, 7200),
    minHealthyPercentage: V ? int(90, 100) : int(0, 100, [90, 100]),
    maxHealthyPercentage: V ? int(100, 190) : int(100, 200, [100, 110]),
  });

  const host = section({
    fileDescriptorLimit: int(1024, 1048576),
    somaxconn: int(128, 65535),
    tcpMaxSynBacklog: int(128, 262144),
    listenBacklog: int(1, 65535),
    localProxy: bool(),
    ...(V ? {} : { localPortRange: str('1024 65535', '10000 20000', '65535 1024', '0 10') }),
  });

  const dns = section({
    ipAddressType: str('ipv4', 'dualstack', 'ipv6'),
    cellRecords: V ? fc.constant(true) : bool(),
    healthChecks: V ? fc.constant(true) : bool(),
    healthCheckRequestIntervalSeconds: pick(2, 10, 30, 20),
    healthCheckFailureThreshold: int(1, 10),
  });

  const server = section({
    port: int(1, 65535, [22, 8080]),
    serviceName: str('websocket-server', 'chat', 'bad name!', 'n'.repeat(65)),
    nodePackage: str('nodejs22', 'nodejs20', 'node22'),
    environment: pick(1, { LOG_LEVEL: 'info' }, { lower: 'x' }, { WST_X: '1' }, { A: 'multi\nline' }, { A: 'q"uote' }, { A: 5 }),
    maxConnections: int(1, 1048576, [10_000, 20_000]),
    allowedOrigins: pick(1, ['https://app.example.com'], [], ['ftp://x'], ['https://APP.example.com/'], 'https://a.example.com'),
    maxMessageBytes: int(1, 67_108_864),
    rebalance: pick(3, false, {}, { intervalMs: 5000, tolerance: 0.2 }, { intervalMs: 10 }, { tolerance: NaN }),
    proxyProtocol: bool(),
    unitProvidedByImage: bool(),
  });

  const capacityFields = {
    messagesPerSecond: int(0, 100_000),
    messageBytes: int(1, 65536),
    fanOut: int(1, 1000),
    framework: str('ws', 'socket.io', 'uws', 'express'),
    headroomPercent: int(0, 100),
    maxConnectionsPerInstance: int(1, 200_000),
    processesPerInstance: int(1, 16),
    backplane: str('none', 'broadcast', 'sharded', 'redis'),
    cacheNodeType: str('cache.r7g.large', 'cache.t4g.small', 'r7g'),
  };
  const peak = int(1, 2_000_000, [20_000, 100_000, 1_000_000_001]);
  const capacity = V
    ? fc.tuple(peak, section(capacityFields)).map(([peakConnections, rest]) => ({ ...(rest as Obj), peakConnections }))
    : section({ peakConnections: peak, ...capacityFields });

  const operations = section({
    dashboard: bool(),
    deletionProtection: bool(),
    alarmTopicArn: str('arn:aws:sns:eu-west-1:123456789012:pager', 'pager'),
    accessLogs: section({ enabled: bool(), retentionDays: int(1, 3650) }),
    waf: section({ enabled: bool(), rateLimitPer5Minutes: int(10, 2_000_000_000) }),
    vpcFlowLogs: section({
      enabled: bool(),
      trafficType: str('REJECT', 'ALL', 'ACCEPT'),
      retentionDays: pick(2, 1, 30, 31, 3653),
    }),
    minimumCapacityUnits: pick(
      3,
      { c0: 100 },
      { c1: 5500 },
      { c0: 1000, c1: 20_000 },
      { c0: 1 },
      { c0: 99 },
      { c1: 5499 },
      { c1: 90_000 },
      { c1: 90_001 },
      { zz: 100 },
    ),
    alarms: pick(1, { elb5xx: { enabled: false } }, { elb5xx: { threshold: 5, enabled: 'false' } }, { elb5XX: {} }),
  });

  const backplane = pick(
    3,
    {},
    { engine: 'redis' },
    { engine: 'valkey', engineVersion: '8.0' },
    { replicasPerShard: 6 },
    { nodeType: 'cache.t4g.small' },
    { port: 6379 },
  );

  const acknowledge = pick(
    2,
    ['rendered-stickiness-off'],
    [{ code: 'rendered-stickiness-off', cells: ['c0'] }],
    ['no-such-code'],
    'rendered-stickiness-off',
  );

  const top = fc.record(
    {
      domainName: oneof(
        { weight: 10, arbitrary: fc.constantFrom(...DOMAINS.slice(0, 4)) },
        { weight: edge, arbitrary: fc.constantFrom(...DOMAINS) },
        { weight: bad, arbitrary: wrong },
      ),
      cells,
      instanceType: str(...INSTANCE_TYPES),
      tlsPolicy: str(
        'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        'ELBSecurityPolicy-TLS13-1-2-2021-06',
        'ELBSecurityPolicy-2016-08',
        'ELBSecurityPolicy-TLS13-1-3-2021-06',
      ),
      ingressCidrs: pick(2, ['0.0.0.0/0'], ['203.0.113.0/24'], [], ['300.1.1.1/8'], '0.0.0.0/0'),
      ingressIpv6Cidrs: pick(0, ['::/0'], ['2001:db8::/32'], ['nope']),
      connection,
      healthCheck,
      scaling,
      host,
      dns,
      server,
      capacity: fc.oneof({ weight: 3, arbitrary: capacity }, { weight: 1, arbitrary: fc.constant({ peakConnections: 20_000 }) }),
      operations,
      backplane,
      acknowledge,
      allocator: section({
        subdomain: str('alloc', 'endpoint', 'c0', 'Bad_Name', ''),
        ticketTtlSeconds: int(5, 300),
        mode: str('prefer', 'require', 'off', 'maybe'),
        loadSource: pick(1, 'backplane', 'cloudwatch', 'redis'),
        stalenessSeconds: int(1, 3600),
        loadPublishIntervalSeconds: int(1, 300),
        retryAfterSeconds: int(1, 3600),
        fullAtFraction: pick(2, 0.9, 1, 0, 1.5, -0.1),
      }),
      release: section({
        batchSize: pick(2, 1, '25%', '100%', 0, '0%', '101%', '25', 2.5),
        ...(V ? {} : { minInstancesInService: int(0, 40) }),
        signalTimeoutSeconds: int(60, 3600),
        minSuccessfulInstancesPercent: int(0, 100),
        checkpointPercentages: pick(1, [50, 100], [100, 50], [0], [101]),
        checkpointDelaySeconds: int(0, 172800),
        autoRollback: bool(),
        skipMatching: bool(),
      }),
    },
    { requiredKeys: ['domainName', 'cells'] },
  );

  // In valid mode an ECS cell drops what ECS cells refuse today (an instance type; a tier backplane
  // or capacity plan), so accepted configs include Fargate cells for the renderers to agree on.
  const ecsValid = (c: Obj): Obj => {
    const cellsOf = Array.isArray(c.cells) ? (c.cells as Obj[]) : [];
    const ecs = cellsOf.filter((x) => (x.backend as Obj | undefined)?.type === 'fargate');
    if (ecs.length === 0) return c;
    for (const x of ecs) delete x.instanceType;
    const { backplane: _b, capacity: _c, ...rest } = c;
    return rest;
  };
  return (V ? top.map((c) => ecsValid(c as Obj)) : top) as fc.Arbitrary<TierConfig>;
}

/** Mistypings of a key: a dropped, doubled or swapped letter, a case change, a known other spelling. */
function misspell(key: string, how: number): string {
  const i = how % Math.max(1, key.length - 1);
  switch (how % 5) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1);
    case 1:
      return key.slice(0, i) + key[i] + key.slice(i);
    case 2:
      return key.slice(0, i) + (key[i + 1] ?? '') + key[i] + key.slice(i + 2);
    case 3:
      return key.toLowerCase() === key ? `${key}s` : key.toLowerCase();
    default:
      return `${key}X`;
  }
}

/** A key the generator renamed: where (`cells[0].scaling`, '' at the top), from what, to what. */
export interface Misspelling {
  readonly parent: string;
  readonly from: string;
  readonly to: string;
}

/** The misspelling each generated config carries, if any (configs are plain data, so it is kept beside them). */
export const MISSPELLINGS = new WeakMap<object, Misspelling>();

/** Rename one key somewhere in the config (depth-first, the `pick`-th object key found). */
function renameKey(config: Obj, pick: number, how: number): Obj {
  const spots: { parent: Obj; key: string; at: string }[] = [];
  const walk = (v: unknown, depth: number, at: string) => {
    if (depth > 3 || typeof v !== 'object' || v === null) return;
    for (const [k, child] of Object.entries(v)) {
      if (!Array.isArray(v)) spots.push({ parent: v as Obj, key: k, at });
      const next = Array.isArray(v) ? `${at}[${k}]` : at ? `${at}.${k}` : k;
      walk(child, depth + 1, next);
    }
  };
  walk(config, 0, '');
  if (spots.length === 0) return config;
  const { parent, key, at } = spots[pick % spots.length];
  const to = misspell(key, how);
  if (to === key || to in parent) return config;
  const value = parent[key];
  delete parent[key];
  parent[to] = value;
  MISSPELLINGS.set(config, { parent: at, from: key, to });
  return config;
}

/** A deep copy of plain data that keeps BigInt, NaN and undefined (objects of this realm, unlike structuredClone's). */
const clone = <T>(v: T): T =>
  (Array.isArray(v)
    ? v.map(clone)
    : typeof v === 'object' && v !== null
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]))
      : v) as T;

/**
 * One generated config: a record of the sections above, then in about one case of eight a key
 * renamed to a likely misspelling, in one of twenty an unknown key added at the top.
 */
export const configArb: fc.Arbitrary<TierConfig> = fc
  .record({
    base: fc.oneof(
      { weight: 4, arbitrary: build('valid') },
      { weight: 3, arbitrary: build('boundary') },
      { weight: 3, arbitrary: build('hostile') },
    ),
    typo: fc.integer({ min: 0, max: 7 }),
    pick: fc.nat(),
    how: fc.nat(),
    extra: fc.integer({ min: 0, max: 19 }),
  })
  .map(({ base, typo, pick, how, extra }) => {
    let config = clone(base) as unknown as Obj;
    if (typo === 0) config = renameKey(config, pick, how);
    if (extra === 0) config.conection = { pingIntervalSeconds: 25 };
    return config as unknown as TierConfig;
  });

/** A short description of a config for failure messages (BigInt and NaN shown). */
export function describeConfig(config: unknown): string {
  return JSON.stringify(config, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v === undefined ? '<undefined>' : v,
  );
}
