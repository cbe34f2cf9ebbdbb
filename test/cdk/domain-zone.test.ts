/**
 * `domainName` must lie inside the hosted zone (issue: `ws.other.com` in zone `example.com`
 * synthesized records named `ws.other.com.example.com.` with no error).
 */
import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { validateDomainInZone } from '../../lib/core/validate';
import { WebSocketTier } from '../../lib/cdk';
import { createTestApp, oneCell, tierStack, withServerStart } from '../helpers/cdk-app';

describe('validateDomainInZone', () => {
  test.each([
    ['ws.example.com', 'example.com', false],
    ['ws.example.com', 'example.com.', false],
    ['example.com', 'example.com', false],
    ['a.b.example.com', 'example.com', false],
    ['ws.other.com', 'example.com', true],
    ['wsexample.com', 'example.com', true],
    ['example.com', 'ws.example.com', true],
  ])('%s in zone %s → error: %s', (domain, zone, bad) => {
    const issues = validateDomainInZone(domain, zone);
    expect(issues.length).toBe(bad ? 1 : 0);
    if (bad) {
      expect(issues[0]).toMatchObject({ code: 'domain-outside-zone', path: 'domainName', severity: 'error' });
      expect(issues[0].message).toMatch(/Fix: /);
    }
  });

  test('late-bound or unknown zone names are not checked', () => {
    expect(validateDomainInZone('ws.other.com', undefined)).toEqual([]);
    expect(validateDomainInZone('ws.other.com', '${Token[X]}', (v) => typeof v === 'string' && v.startsWith('${Token'))).toEqual([]);
  });
});

describe('WebSocketTier refuses a domain outside its hosted zone', () => {
  test('ws.other.com in example.com fails synthesis naming the field and the zone', () => {
    expect(() => tierStack({ ...oneCell(), domainName: 'ws.other.com' })).toThrow(
      /domainName is "ws\.other\.com" but the hosted zone is "example\.com".*\[domain-outside-zone\]/s,
    );
  });

  test('a zone imported by id alone (no name) is not checked and synthesizes', () => {
    const stack = new Stack(createTestApp(), 'Test');
    const zone = route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z0123456789TESTZONE');
    expect(
      () =>
        new WebSocketTier(stack, 'Tier', {
          ...withServerStart(oneCell()),
          domainName: 'ws.example.com',
          hostedZone: zone,
          operations: { accessLogs: { enabled: false } },
        }),
    ).not.toThrow(/domain-outside-zone/);
  });
});
