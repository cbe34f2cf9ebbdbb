import { SslPolicy } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import {
  classifyTlsPolicy,
  errorsOf,
  LEGACY_TLS_POLICIES,
  RECOMMENDED_TLS_POLICY,
  TLS12_PLUS_POLICIES,
  TLS13_ONLY_POLICIES,
  validateTier,
} from '../../lib/core';
import { tier } from './fixtures';

const codes = (tlsPolicy: string, healthChecks = false) =>
  errorsOf(validateTier(tier({ tlsPolicy, dns: { healthChecks } }))).map((i) => i.code);

describe('TLS policy classification', () => {
  it('the recommendation is a TLS 1.2+ policy with post-quantum key exchange', () => {
    expect(RECOMMENDED_TLS_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    expect(classifyTlsPolicy(RECOMMENDED_TLS_POLICY)).toBe('tls12-plus');
  });

  it.each([
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'tls12-plus'],
    ['ELBSecurityPolicy-TLS13-1-2-Res-2021-06', 'tls12-plus'],
    ['ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09', 'tls12-plus'],
    ['ELBSecurityPolicy-TLS-1-2-Ext-2018-06', 'tls12-plus'],
    ['ELBSecurityPolicy-FS-1-2-Res-2020-10', 'tls12-plus'],
    ['ELBSecurityPolicy-TLS13-1-3-2021-06', 'tls13-only'],
    ['ELBSecurityPolicy-TLS13-1-3-PQ-2025-09', 'tls13-only'],
    ['ELBSecurityPolicy-2016-08', 'legacy'],
    ['ELBSecurityPolicy-TLS-1-1-2017-01', 'legacy'],
    ['ELBSecurityPolicy-TLS13-1-0-2021-06', 'legacy'],
    ['ELBSecurityPolicy-FS-1-1-2019-08', 'legacy'],
    ['elbsecuritypolicy-tls13-1-2-2021-06', 'unknown'],
    ['ELBSecurityPolicy-TLS13-1-2-2099-01', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (name, cls) => {
    expect(classifyTlsPolicy(name)).toBe(cls);
  });

  it('the three lists are disjoint', () => {
    const all = [...TLS12_PLUS_POLICIES, ...TLS13_ONLY_POLICIES, ...LEGACY_TLS_POLICIES];
    expect(new Set(all).size).toBe(all.length);
  });

  it('names agree with the lists: -1-3- is TLS 1.3 only; -1-0-, -1-1-, 2015/2016 names are legacy', () => {
    for (const p of TLS13_ONLY_POLICIES) expect(p).toMatch(/-TLS13-1-3-/);
    for (const p of LEGACY_TLS_POLICIES) expect(p).toMatch(/-1-0-|-1-1-|-2015-|-2016-|-FS-2018-06/);
    for (const p of TLS12_PLUS_POLICIES) expect(p).toMatch(/-1-2-/);
  });

  it('every SslPolicy aws-cdk-lib knows is classified (none falls into unknown)', () => {
    const values = (Object.values(SslPolicy) as string[]).filter((v) => v.startsWith('ELBSecurityPolicy'));
    expect(values.length).toBeGreaterThan(30);
    expect(values.filter((v) => classifyTlsPolicy(v) === 'unknown')).toEqual([]);
  });
});

describe('TLS policy validation', () => {
  it.each(TLS12_PLUS_POLICIES.map((p) => [p]))('%s is accepted, with or without Route 53 checks', (p) => {
    expect(codes(p)).toEqual([]);
    expect(codes(p, true)).toEqual([]);
  });

  it.each(TLS13_ONLY_POLICIES.map((p) => [p]))('%s is accepted without Route 53 checks, refused with them', (p) => {
    expect(codes(p)).toEqual([]);
    expect(codes(p, true)).toEqual(['tls13-only-breaks-route53-checks']);
  });

  it.each(LEGACY_TLS_POLICIES.map((p) => [p]))('%s is refused', (p) => {
    expect(codes(p)).toEqual(['tls-policy-legacy']);
  });

  it('an unknown policy is refused', () => {
    expect(codes('ELBSecurityPolicy-Custom')).toEqual(['tls-policy-unknown']);
  });
});
