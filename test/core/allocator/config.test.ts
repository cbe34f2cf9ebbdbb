import { resolveTier, type TierConfig, validateTier } from '../../../lib/core';
import { isLate, late, tier } from '../fixtures';

const two = (extra: Partial<TierConfig> = {}): TierConfig =>
  tier({ cells: [{ name: 'a' }, { name: 'b', weight: 50, state: 'draining' }], ...extra });
const codes = (config: TierConfig) => validateTier(config, isLate).map((i) => `${i.code} ${i.path}`);

// One row per rule: the allocator part of a tier and the issues validateTier reports for it.
const ROWS: [string, Partial<TierConfig>, string[]][] = [
  ['defaults are valid without a backplane (CloudWatch load)', { allocator: {} }, []],
  ['defaults are valid with a backplane', { allocator: {}, backplane: {} }, []],
  ['not an object', { allocator: late(5) }, ['allocator-invalid allocator']],
  ['unknown field', { allocator: { ttl: 30 } as never }, ['allocator-unknown-field allocator.ttl']],
  ['ticket TTL below 5', { allocator: { ticketTtlSeconds: 4 } }, ['out-of-range allocator.ticketTtlSeconds']],
  ['ticket TTL above 300', { allocator: { ticketTtlSeconds: 301 } }, ['out-of-range allocator.ticketTtlSeconds']],
  ['ticket TTL not an integer', { allocator: { ticketTtlSeconds: 2.5 } }, ['not-an-integer allocator.ticketTtlSeconds']],
  ['ticket TTL late-bound is skipped', { allocator: { ticketTtlSeconds: late(-1.8881545897087626e289) } }, []],
  ['mode', { allocator: { mode: 'always' as never } }, ['allocator-mode-invalid allocator.mode']],
  ['load source', { allocator: { loadSource: 'redis' as never } }, ['allocator-load-source-invalid allocator.loadSource']],
  [
    'backplane load without a backplane',
    { allocator: { loadSource: 'backplane' } },
    ['allocator-load-source-no-backplane allocator.loadSource'],
  ],
  ['staleness range', { allocator: { stalenessSeconds: 1000 } }, ['out-of-range allocator.stalenessSeconds']],
  [
    'staleness below 2 publish intervals (backplane)',
    { backplane: {}, allocator: { stalenessSeconds: 15 } },
    ['allocator-staleness-below-publish allocator.stalenessSeconds'],
  ],
  ['staleness at 2 publish intervals is fine', { backplane: {}, allocator: { stalenessSeconds: 20 } }, []],
  [
    'staleness below the gauge delay (CloudWatch)',
    { allocator: { stalenessSeconds: 60 } },
    ['allocator-staleness-below-publish allocator.stalenessSeconds'],
  ],
  [
    'publish interval range',
    { backplane: {}, allocator: { loadPublishIntervalSeconds: 0 } },
    ['out-of-range allocator.loadPublishIntervalSeconds'],
  ],
  ['retry-after range', { allocator: { retryAfterSeconds: 0 } }, ['out-of-range allocator.retryAfterSeconds']],
  ['full-at fraction above 1', { allocator: { fullAtFraction: 1.5 } }, ['out-of-range allocator.fullAtFraction']],
  ['full-at fraction 0', { allocator: { fullAtFraction: 0 } }, ['out-of-range allocator.fullAtFraction']],
  ['subdomain not a label', { allocator: { subdomain: 'Alloc.x' } }, ['allocator-subdomain-invalid allocator.subdomain']],
  ['subdomain is a cell name', { allocator: { subdomain: 'b' } }, ['allocator-subdomain-is-cell allocator.subdomain']],
  ['cell direct names off', { allocator: {}, dns: { cellRecords: false } }, ['allocator-needs-cell-records dns.cellRecords']],
];

describe('allocator config (validateTier rows)', () => {
  test.each(ROWS)('%s', (_name, extra, want) => {
    expect(codes(two(extra)).filter((c) => c.startsWith('allocator') || c.includes('allocator') || want.includes(c))).toEqual(want);
  });

  test('messages name the field, the value, what is allowed and the fix', () => {
    const [issue] = validateTier(two({ allocator: { loadSource: 'backplane' } }));
    expect(issue.message).toMatch(/^allocator\.loadSource is 'backplane'.*Fix: add backplane: \{\}/);
  });
});

describe('resolveTier().allocator', () => {
  test('absent without allocator', () => {
    expect(resolveTier(two()).allocator).toBeUndefined();
  });

  test('defaults: alloc.<domain>, 30 s tickets, prefer, CloudWatch 180 s without a backplane', () => {
    const a = resolveTier(two({ allocator: {} })).allocator;
    expect(a).toMatchObject({
      domainName: 'alloc.ws.example.com',
      ticketTtlSeconds: 30,
      mode: 'prefer',
      loadSource: 'cloudwatch',
      stalenessSeconds: 180,
      retryAfterSeconds: 10,
    });
  });

  test('backplane: staleness 3 × the publish interval', () => {
    const a = resolveTier(two({ backplane: {}, allocator: { loadPublishIntervalSeconds: 5 } })).allocator;
    expect(a).toMatchObject({ loadSource: 'backplane', stalenessSeconds: 15, loadPublishIntervalSeconds: 5 });
  });

  test('cells: direct URL, state, configured weight, capacity = max × target × fullAtFraction', () => {
    const a = resolveTier(
      two({ allocator: { fullAtFraction: 0.5 }, scaling: { maxCapacity: 4, targetConnectionsPerInstance: 1000 } }),
    ).allocator;
    expect(a?.cells).toEqual([
      { name: 'a', url: 'wss://a.ws.example.com/', state: 'active', weight: 100, capacity: 2000 },
      { name: 'b', url: 'wss://b.ws.example.com/', state: 'draining', weight: 50, capacity: 2000 },
    ]);
  });
});
