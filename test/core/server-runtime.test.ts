/**
 * The runtime features a tier sets on its servers (`server.maxConnections`, `allowedOrigins`,
 * `maxMessageBytes`, `rebalance`, `proxyProtocol`): how they resolve, and the environment lines
 * they become (docs/server-contract.md §2).
 */
import fc from 'fast-check';
import {
  CONTRACT_VERSION,
  CONTRACT_VERSION_ENV,
  DEFAULTS,
  environmentFile,
  errorsOf,
  planCapacity,
  resolveTier,
  RUNTIME_ENV,
  type TierConfig,
  validateTier,
} from '../../lib/core';
import { alb, nlbTcp, nlbTls, tier } from './fixtures';

const envLines = (config: TierConfig, cell = 0): string[] => environmentFile(resolveTier(config).cells[cell]).split('\n');
const envOf = (config: TierConfig, cell = 0): Readonly<Record<string, string>> => resolveTier(config).cells[cell].serverEnvironment;

describe('server.maxConnections', () => {
  it('without a plan: the cell target ÷ (1 − 30 % headroom), rounded up', () => {
    expect(resolveTier(tier()).cells[0].maxConnections).toBe(14286); // 10,000 / 0.7
    const t = resolveTier(tier({ cells: [alb('a'), alb('b', { scaling: { targetConnectionsPerInstance: 700 } })] }));
    expect(t.cells.map((c) => c.maxConnections)).toEqual([14286, 1000]);
    expect(envOf(tier({ scaling: { targetConnectionsPerInstance: 7000 } }))[RUNTIME_ENV.maxConnections]).toBe('10000');
  });

  it("with a plan: the plan's per-instance maximum, so the cap sits one headroom above the scaling target", () => {
    const config = tier({ cells: [nlbTls('n')], capacity: { peakConnections: 400_000 } });
    const cell = resolveTier(config).cells[0];
    const plan = planCapacity({ peakConnections: 400_000, loadBalancerType: 'network', cells: 1 });
    expect(cell.autoScaling.scalingPolicy.targetValue).toBe(plan.perInstance.targetConnections);
    expect(cell.maxConnections).toBe(plan.perInstance.maxConnections);
    expect(cell.maxConnections).toBeGreaterThan(cell.autoScaling.scalingPolicy.targetValue);
    expect(errorsOf(validateTier(config))).toEqual([]);
  });

  it('with a plan and several processes per instance: the per-process share, rounded up', () => {
    const config = tier({ capacity: { peakConnections: 400_000, processesPerInstance: 4 } });
    const plan = planCapacity({ peakConnections: 400_000, processesPerInstance: 4, cells: 1 });
    expect(resolveTier(config).cells[0].maxConnections).toBe(Math.ceil(plan.perInstance.maxConnections / 4));
  });

  it('with a plan and an explicit target above the plan: never below the target', () => {
    const config = tier({ capacity: { peakConnections: 400_000 }, scaling: { targetConnectionsPerInstance: 900_000 } });
    const cell = resolveTier(config).cells[0];
    expect(cell.maxConnections).toBe(900_000);
  });

  it('an explicit value wins on every cell and is written as is', () => {
    const config = tier({ cells: [alb('a'), nlbTcp('t')], server: { maxConnections: 20000 } });
    expect(resolveTier(config).cells.map((c) => c.maxConnections)).toEqual([20000, 20000]);
    expect(envLines(config, 1)).toContain('WST_MAX_CONNECTIONS=20000');
    expect(errorsOf(validateTier(config))).toEqual([]);
  });
});

describe('server.allowedOrigins', () => {
  it.each([
    ['https://app.example.com'],
    ['http://localhost:8080'],
    ['https://*.example.com'],
    ['https://*.example.com:8443'],
    ['http://127.0.0.1:3000'],
    ['https://[::1]:8443'],
  ])('%s is accepted', (origin) => {
    expect(validateTier(tier({ server: { allowedOrigins: [origin] } }))).toEqual([]);
  });

  it.each([
    ['https://App.Example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['https://app.example.com/path', 'https://app.example.com'],
    ['https://*.Example.com', 'https://*.example.com'],
  ])('%s is refused, and the fix gives %s', (origin, fixed) => {
    const [issue] = validateTier(tier({ server: { allowedOrigins: [origin] } }));
    expect(issue.code).toBe('allowed-origin-invalid');
    expect(issue.message).toContain(`Fix: use ${JSON.stringify(fixed)}`);
  });

  it.each([['ws://app.example.com'], ['app.example.com'], ['https://user@app.example.com'], ['*'], ['https://a.com,https://b.com']])(
    '%s is refused',
    (origin) => {
      expect(validateTier(tier({ server: { allowedOrigins: [origin] } })).map((i) => i.code)).toEqual(['allowed-origin-invalid']);
    },
  );

  it('is written comma-separated when set, and not at all when unset', () => {
    const origins = ['https://app.example.com', 'https://*.example.org'];
    expect(envLines(tier({ server: { allowedOrigins: origins } }))).toContain(`${RUNTIME_ENV.allowedOrigins}=${origins.join(',')}`);
    expect(envOf(tier())[RUNTIME_ENV.allowedOrigins]).toBeUndefined();
  });
});

describe('server.maxMessageBytes, rebalance, proxyProtocol', () => {
  it('max message size: default 1 MiB, explicit value written', () => {
    expect(envLines(tier())).toContain('WST_MAX_MESSAGE_BYTES=1048576');
    expect(envLines(tier({ server: { maxMessageBytes: 65536 } }))).toContain('WST_MAX_MESSAGE_BYTES=65536');
  });

  it('rebalancing: no variables when off, all three (defaults filled in) when on', () => {
    const off = envOf(tier({ server: { rebalance: false } }));
    expect(Object.keys(off).filter((k) => k.startsWith('WST_REBALANCE_'))).toEqual([]);
    const on = envLines(tier({ server: { rebalance: { tolerance: 0.25 } }, backplane: {} }));
    expect(on).toEqual(
      expect.arrayContaining(['WST_REBALANCE_INTERVAL_MS=10000', 'WST_REBALANCE_TOLERANCE=0.25', 'WST_REBALANCE_MAX_SHED_FRACTION=0.01']),
    );
  });

  it('PROXY protocol: WST_PROXY_PROTOCOL=1 and the target-group attribute on NLB cells; 0 / off otherwise', () => {
    const config = tier({ cells: [nlbTls('n'), nlbTcp('t')], server: { proxyProtocol: true } });
    expect(errorsOf(validateTier(config))).toEqual([]);
    const t = resolveTier(config);
    for (const [i, c] of t.cells.entries()) {
      expect(c.loadBalancerType === 'network' && c.targetGroup.proxyProtocolV2).toBe(true);
      expect(envLines(config, i)).toContain('WST_PROXY_PROTOCOL=1');
    }
    expect(envLines(tier({ cells: [nlbTls()] }))).toContain('WST_PROXY_PROTOCOL=0');
    expect(envLines(tier())).toContain('WST_PROXY_PROTOCOL=0');
    expect(resolveTier(tier()).cells[0].targetGroup.proxyProtocolV2).toBeUndefined();
  });

  it('the contract version is always written', () => {
    expect(CONTRACT_VERSION).toBe(1);
    for (const config of [tier(), tier({ cells: [nlbTls()] })]) expect(envLines(config)).toContain(`${CONTRACT_VERSION_ENV}=1`);
  });

  it('user environment keys still cannot use the contract names', () => {
    for (const key of [RUNTIME_ENV.maxConnections, RUNTIME_ENV.proxyProtocol, CONTRACT_VERSION_ENV]) {
      const issues = validateTier(tier({ server: { environment: { [key]: '1' } } }));
      expect(issues.map((i) => [i.code, i.path])).toEqual([['env-key-reserved', `server.environment.${key}`]]);
    }
  });
});

describe('one default for the tier and the Node runtime', () => {
  // Until lib/runtime reads these from lib/core/defaults.ts, the two must not drift apart.
  it('max message size and rebalancing thresholds agree', async () => {
    const { RUNTIME_DEFAULTS, REBALANCE_DEFAULTS } = await import('../../lib/runtime');
    expect(RUNTIME_DEFAULTS.maxMessageBytes).toBe(DEFAULTS.server.maxMessageBytes);
    expect({ ...REBALANCE_DEFAULTS }).toEqual({ ...DEFAULTS.server.rebalance });
  });
});

describe('allowedOrigins: the tier accepts only what the Node runtime can match', () => {
  // "--" in the third and fourth places is reserved for IDNA A-labels ("xn--…", RFC 5891 §4.2.3.1);
  // a URL parser rejects a malformed one such as "xn--a", so such labels are not plain host labels.
  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== '--');
  const entry = fc
    .record({
      scheme: fc.constantFrom('http', 'https'),
      wildcard: fc.boolean(),
      labels: fc.array(label, { minLength: 2, maxLength: 4 }),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    })
    // a default port is not serialized; an all-digit last label makes the host an IPv4 address
    .filter((e) => e.port !== (e.scheme === 'https' ? 443 : 80) && /[a-z]/.test(e.labels[e.labels.length - 1]));

  it('every generated serialized origin is valid for the tier, and the runtime matches it', async () => {
    const { originMatcher } = await import('../../lib/runtime');
    fc.assert(
      fc.property(entry, ({ scheme, wildcard, labels, port }) => {
        const host = labels.join('.');
        const suffix = port === undefined ? '' : `:${port}`;
        const text = `${scheme}://${wildcard ? '*.' : ''}${host}${suffix}`;
        expect(validateTier(tier({ server: { allowedOrigins: [text] } }))).toEqual([]);
        const match = originMatcher(text);
        expect(match(new URL(`${scheme}://${wildcard ? 'sub.' : ''}${host}${suffix}`))).toBe(true);
        expect(match(new URL(`${scheme === 'https' ? 'http' : 'https'}://${wildcard ? 'sub.' : ''}${host}${suffix}`))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
