/**
 * Unknown keys in a tier config (lib/core/known-keys.ts): `validateTier()` reports them with the
 * closest valid name for construct users writing plain JavaScript, stays quiet about the renderers'
 * own top-level props, and leaves to the section validators the keys they already refuse.
 */
import { errorsOf, planTier, type TierConfig, TierConfigError, validateTier } from '../../lib/core';
import { closestName, TIER_CONFIG_KEYS, unknownKeyIssues } from '../../lib/core/known-keys';
import { BASE, LATE } from './fixtures';

const asTier = (config: object): TierConfig => config as unknown as TierConfig;
const unknownOf = (config: object) => validateTier(asTier(config)).filter((i) => i.code === 'unknown-key');

describe('unknown keys', () => {
  test.each([
    ['conection', { ...BASE, conection: {} }, 'did you mean connection?'],
    ['healthcheck', { ...BASE, healthcheck: {} }, 'did you mean healthCheck?'],
    [
      'cells[0].scaling.minCapcity',
      { ...BASE, cells: [{ name: 'a', scaling: { minCapcity: 2 } }] },
      'did you mean cells[0].scaling.minCapacity?',
    ],
    [
      'connection.stickiness.cookeName',
      { ...BASE, connection: { stickiness: { cookeName: 'x' } } },
      'did you mean connection.stickiness.cookieName?',
    ],
    [
      'operations.accessLogs.retentionDay',
      { ...BASE, operations: { accessLogs: { retentionDay: 7 } } },
      'did you mean operations.accessLogs.retentionDays?',
    ],
    ['server.maxConections', { ...BASE, server: { maxConections: 10 } }, 'did you mean server.maxConnections?'],
    ['server.command.executabel', { ...BASE, server: { command: { executabel: '/bin/app' } } }, 'did you mean server.command.executable?'],
  ])('%s is refused by validateTier with the closest name', (path, config, hint) => {
    const issues = unknownOf(config);
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0].severity).toBe('error');
    expect(issues[0].message.startsWith(`${path} is not a tier config key`)).toBe(true);
    expect(issues[0].message).toContain(hint);
    expect(issues[0].message).toMatch(/Fix: \S/);
  });

  test('a nested key with no close name lists what is allowed there', () => {
    const [issue] = unknownOf({ ...BASE, dns: { zzzzzz: true } });
    expect(issue.path).toBe('dns.zzzzzz');
    expect(issue.message).toMatch(/allowed here: ipAddressType, cellRecords, healthChecks, .*Fix: remove it or correct its spelling/);
  });

  test('every key the table lists is accepted (a config using them all has no unknown-key issue)', () => {
    const fill = (shape: unknown): unknown =>
      shape === true
        ? 1
        : Array.isArray(shape)
          ? [fill(shape[0])]
          : Object.fromEntries(Object.entries(shape as object).map(([k, v]) => [k, fill(v)]));
    expect(unknownKeyIssues(fill(TIER_CONFIG_KEYS))).toEqual([]);
  });

  test('the server keys other branches add are in the table already', () => {
    expect(Object.keys(TIER_CONFIG_KEYS.server)).toEqual(
      expect.arrayContaining([
        'maxConnections',
        'allowedOrigins',
        'maxMessageBytes',
        'rebalance',
        'proxyProtocol',
        'command',
        'artifact',
        'preStart',
      ]),
    );
  });

  test('renderer props at the top level (hostedZone, vpcId, …) are not reported by validateTier, but are in a pure tier config', () => {
    const props = { ...BASE, hostedZone: {}, vpcId: 'vpc-1', certificateArn: 'arn', serverBundleFile: 'dist/server.js' };
    expect(unknownOf(props)).toEqual([]);
    expect(unknownKeyIssues(props, { topLevel: 'all' }).map((i) => i.path)).toEqual([
      'hostedZone',
      'vpcId',
      'certificateArn',
      'serverBundleFile',
    ]);
  });

  test('keys a section validator already refuses get its code only, not unknown-key as well', () => {
    const config = asTier({
      ...BASE,
      backplane: { engin: 'valkey' },
      operations: { alarms: { elb500: {} } },
      capacity: { peakConnections: 1000, instanceType: 'm7g.large' },
    });
    const codes = errorsOf(validateTier(config)).map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'backplane-unknown-field backplane.engin',
        'alarm-unknown operations.alarms.elb500',
        'capacity-field-from-cells capacity.instanceType',
      ]),
    );
    expect(codes.filter((c) => c.startsWith('unknown-key'))).toEqual([]);
  });

  test('late-bound values and class instances are not looked into', () => {
    const isLate = (v: unknown) => v === LATE;
    expect(validateTier(asTier({ ...BASE, connection: LATE }), isLate).filter((i) => i.code === 'unknown-key')).toEqual([]);
    class Zone {
      readonly zoneName = 'example.com';
      readonly extra = 1;
    }
    expect(unknownKeyIssues({ ...BASE, server: { environment: { ANY_KEY: 'x' } }, dns: new Zone() })).toEqual([]);
  });

  test('planTier throws the unknown key in the compact list', () => {
    expect(() => planTier('App/Tier', asTier({ ...BASE, sclaing: { minCapacity: 1 } }))).toThrow(TierConfigError);
    expect(() => planTier('App/Tier', asTier({ ...BASE, sclaing: { minCapacity: 1 } }))).toThrow(
      /App\/Tier: invalid WebSocket tier configuration \(1 problem\):\n {2}- sclaing is not a tier config key; did you mean scaling\? .*\[unknown-key\]/,
    );
  });

  test('closestName: close typos only', () => {
    expect(closestName('conection', ['connection', 'cells'])).toBe('connection');
    expect(closestName('vpc', ['dns', 'host', 'cells'])).toBeUndefined();
  });
});
