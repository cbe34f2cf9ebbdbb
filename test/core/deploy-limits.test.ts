/**
 * The type checks and deploy-time limits the fuzz forced (lib/core/field-types.ts,
 * lib/core/deploy-limits.ts): one row per code, near misses stay quiet, and the stack-resource
 * estimate is an upper bound of what CDK renders.
 */
import { errorsOf, validateTier } from '../../lib/core';
import { chatTierConfig } from '../../examples/chat-tier-config';
import { pythonTierConfig } from '../../examples/python-tier-config';
import { alb, nlbTls, tier } from './fixtures';
import { DEPLOY_LIMIT_ROWS } from './deploy-limits-rows';

const CODES = new Set(DEPLOY_LIMIT_ROWS.map((r) => r.code));

describe('type checks and deploy-time limits: one row per rule', () => {
  it.each(DEPLOY_LIMIT_ROWS.map((r) => [r.code, r.what, r] as const))('%s (%s)', (_code, _what, row) => {
    const issues = validateTier(row.config);
    const hit = issues.find((i) => i.code === row.code && i.path === row.path);
    if (!hit) throw new Error(`expected ${row.code} at ${row.path}; got ${JSON.stringify(issues, null, 2)}`);
    expect(hit.severity).toBe(row.severity);
    expect(hit.message).toMatch(row.message);
    expect(hit.message).toMatch(/Fix: \S/);
  });

  it('the examples and the smallest tier raise none of them', () => {
    for (const config of [chatTierConfig('ws.example.com'), pythonTierConfig('ws.example.com'), tier()]) {
      expect(validateTier(config).filter((i) => CODES.has(i.code))).toEqual([]);
    }
  });

  it('near misses stay quiet: 64-character domain, 255-character path, ALB 100 LCUs, NLB 5,500 at 2 AZs, max above min, max healthy 110', () => {
    const quiet = [
      tier({ domainName: `${'a'.repeat(52)}.example.com` }),
      tier({ healthCheck: { path: `/${'p'.repeat(254)}` }, dns: { healthChecks: true } }),
      tier({ operations: { minimumCapacityUnits: { a: 100 } } }),
      tier({ cells: [nlbTls('n')], operations: { minimumCapacityUnits: { n: 5500 } } }),
      tier({ cells: [alb('a', { scaling: { minCapacity: 2, maxCapacity: 3 } })] }),
      tier({ scaling: { minHealthyPercentage: 100, maxHealthyPercentage: 110 } }),
      tier({ domainName: 'ws.example123.com' }),
    ];
    for (const config of quiet) expect(validateTier(config).filter((i) => CODES.has(i.code))).toEqual([]);
  });

  it('a value of the wrong type is refused, never coerced: "false" for a boolean is an error, not true', () => {
    const issues = validateTier(tier({ dns: { healthChecks: 'false' as unknown as boolean } }));
    expect(errorsOf(issues).map((i) => [i.code, i.path])).toContainEqual(['not-a-boolean', 'dns.healthChecks']);
  });
});
