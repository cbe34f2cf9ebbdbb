/**
 * Row table of the type checks (lib/core/field-types.ts) and the deploy-time AWS limits
 * (lib/core/deploy-limits.ts) that the seeded fuzz (test/fuzz/model.fuzz.test.ts) forced: one row
 * per code, run by test/core/deploy-limits.test.ts; the every-issue-code meta-test in
 * test/core/validate.test.ts reads it too.
 */
import type { TierConfig } from '../../lib/core';
import { alb, nlbTls, tier } from './fixtures';
import type { SilentRow } from './silent-settings-rows';

/** A value of the wrong type, placed where TypeScript would refuse it (plain-JavaScript and JSON callers can). */
const as = <T>(v: unknown): T => v as T;

const cells = (n: number) => Array.from({ length: n }, (_, i) => alb(`c${i}`));

export const DEPLOY_LIMIT_ROWS: SilentRow[] = [
  // wrong types (lib/core/field-types.ts)
  {
    code: 'bigint-value',
    what: 'a BigInt ping interval (JSON.stringify throws on it)',
    config: tier({ connection: { pingIntervalSeconds: as<number>(BigInt(25)) } }),
    path: 'connection.pingIntervalSeconds',
    severity: 'error',
    message: /connection\.pingIntervalSeconds is 25n, a BigInt; allowed: a finite JavaScript number.*Fix: give a plain number.*e\.g\. 25/,
  },
  {
    code: 'not-a-finite-number',
    what: 'NaN as the drain window (JSON writes null)',
    config: tier({ connection: { drainWindowSeconds: NaN } }),
    path: 'connection.drainWindowSeconds',
    severity: 'error',
    message: /connection\.drainWindowSeconds is NaN; allowed: a finite number \(JSON has no NaN or Infinity/,
  },
  {
    code: 'not-a-finite-number',
    what: 'Infinity inside a cell',
    config: tier({ cells: [alb('a', { weight: Infinity })] }),
    path: 'cells[0].weight',
    severity: 'error',
    message: /cells\[0\]\.weight is Infinity/,
  },
  {
    code: 'not-a-string',
    what: 'a number as the stickiness cookie name (crashed cookieName.startsWith)',
    config: tier({ connection: { longPollingFallback: true, stickiness: { cookieName: as<string>(5) } } }),
    path: 'connection.stickiness.cookieName',
    severity: 'error',
    message: /connection\.stickiness\.cookieName is 5; allowed: a string.*Fix: give the value in quotes, e\.g\. "5"/,
  },
  {
    code: 'not-a-string',
    what: 'a list as the instance type (would pass as its text)',
    config: tier({ instanceType: as<string>(['m7g.large']) }),
    path: 'instanceType',
    severity: 'error',
    message: /instanceType is \["m7g\.large"\]; allowed: a string.*e\.g\. "m7g\.large"/,
  },
  // deploy-time limits (lib/core/deploy-limits.ts)
  {
    code: 'domain-ip-address',
    what: 'an IPv4 address as the domain name',
    config: tier({ domainName: '1.2.3.4' }),
    path: 'domainName',
    severity: 'error',
    message:
      /domainName is "1\.2\.3\.4", an IPv4 address; a top-level domain is never all-numeric \(RFC 3696 §2, RFC 1123 §2\.1\).*Fix: use the host name/,
  },
  {
    code: 'domain-too-long-for-certificate',
    what: 'a 65-character domain with a created certificate (CDK: "Domain name must be 64 characters or less")',
    config: tier({ domainName: `${'a'.repeat(53)}.example.com` }),
    path: 'domainName',
    severity: 'error',
    message:
      /domainName is 65 characters; .*at most 64 characters.*RFC 5280 Appendix A\.1.*Fix: use a name of at most 64 characters, or pass your own certificate/,
  },
  {
    code: 'backplane-description-too-long',
    what: 'a 240-character domain with a backplane (security-group description over 255)',
    config: as<TierConfig>({
      ...tier({ domainName: `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(46)}.example.com`, backplane: {} }),
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x',
    }),
    path: 'domainName',
    severity: 'error',
    message: /backplane security group's description .*exceeds EC2's 255.*Fix: shorten domainName/,
  },
  {
    code: 'route53-health-path-too-long',
    what: 'a 300-character health path with Route 53 health checks on',
    config: tier({ healthCheck: { path: `/${'p'.repeat(299)}` }, dns: { healthChecks: true } }),
    path: 'healthCheck.path',
    severity: 'error',
    message: /healthCheck\.path is 300 characters; .*Route 53 limits to 255.*Fix: use a path of at most 255 characters/,
  },
  {
    code: 'maintenance-no-replacement-room',
    what: 'min and max healthy percentage both 100 (no launch-before-terminate)',
    config: tier({ scaling: { minHealthyPercentage: 100, maxHealthyPercentage: 100 } }),
    path: 'scaling.maxHealthyPercentage',
    severity: 'error',
    message: /minHealthyPercentage is 100 and scaling\.maxHealthyPercentage is 100.*cannot proceed.*Fix: set maxHealthyPercentage to \d+/,
  },
  {
    code: 'lcu-reservation-below-alb-minimum',
    what: 'an ALB reservation of 50 LCUs',
    config: tier({ operations: { minimumCapacityUnits: { a: 50 } } }),
    path: 'operations.minimumCapacityUnits.a',
    severity: 'error',
    message: /operations\.minimumCapacityUnits\.a is 50 LCUs; an Application Load Balancer reserves at least 100.*Fix: reserve 100 or more/,
  },
  {
    code: 'lcu-reservation-nlb-out-of-range',
    what: 'an NLB reservation of 1,000 LCUs (500 per AZ)',
    config: tier({ cells: [nlbTls('n')], operations: { minimumCapacityUnits: { n: 1000 } } }),
    path: 'operations.minimumCapacityUnits.n',
    severity: 'error',
    message: /is 1000 LCUs, 500 per AZ over the tier's 2 AZs.*2750–45000 LCUs per AZ.*Allowed: 5500–90000 in total at 2 AZs/,
  },
  {
    code: 'stack-resource-limit',
    what: '30 ALB cells (CDK: "Number of resources in stack … greater than allowed maximum of 500")',
    config: tier({ cells: cells(30) }),
    path: 'cells',
    severity: 'error',
    message:
      /cells has 30 cells, so the tier declares about \d+ CloudFormation resources .*above the 500 one stack may hold.*Allowed: about \d+ cells of this shape.*Fix: use fewer cells per stack/,
  },
  {
    code: 'scaling-fixed-size',
    what: 'a cell with minCapacity = maxCapacity under target tracking (cfn-lint E3712)',
    config: tier({ cells: [alb('a', { scaling: { minCapacity: 2, maxCapacity: 2 } })] }),
    path: 'cells[0].scaling',
    severity: 'warning',
    message:
      /cells\[0\] \('a'\) has minCapacity = maxCapacity = 2, so its target-tracking policy .* can never add an instance \(cfn-lint E3712\)\. Fix: raise maxCapacity above 2/,
  },
];
