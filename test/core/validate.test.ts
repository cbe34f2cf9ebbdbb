import { readFileSync } from 'fs';
import { join } from 'path';
import {
  type CapacityConfig,
  errorsOf,
  type Issue,
  type TierConfig,
  validateCapacity,
  validateDomainInZone,
  validateTier,
  warningsOf,
} from '../../lib/core';
import { alb, BASE, isLate, late, LATE, LATE_NUMBER, nlbTcp, nlbTls, tier } from './fixtures';
import { OPERATIONS_ROWS } from './operations-rows';
import { SILENT_ROWS } from './silent-settings-rows';
import { DEPLOY_LIMIT_ROWS } from './deploy-limits-rows';

/**
 * One row per rule. `message` must name the value given and carry the fix; every message must
 * also contain "Fix:" (checked for all rows).
 */
interface Row {
  readonly code: string;
  readonly what: string;
  readonly config: TierConfig;
  readonly path: string;
  readonly severity: 'error' | 'warning';
  readonly message: RegExp;
  readonly isUnresolved?: (v: unknown) => boolean;
  /** Run instead of `validateTier(config)`, for a check the renderers call beside it. */
  readonly run?: () => Issue[];
}

const manyCells = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}` }));

const ROWS: Row[] = [
  // generic range checks
  {
    code: 'not-an-integer',
    what: 'fractional seconds',
    config: tier({ connection: { albIdleTimeoutSeconds: 12.5 } }),
    path: 'connection.albIdleTimeoutSeconds',
    severity: 'error',
    message: /12\.5.*whole number from 1 to 4000/,
  },
  {
    code: 'not-an-integer',
    what: 'a string where a number belongs',
    config: tier({ cells: [alb('a', { weight: late<number>('10') })] }),
    path: 'cells[0].weight',
    severity: 'error',
    message: /"10".*whole number from 0 to 255/,
  },
  {
    code: 'out-of-range',
    what: 'ALB idle above 4000',
    config: tier({ connection: { albIdleTimeoutSeconds: 4001 } }),
    path: 'connection.albIdleTimeoutSeconds',
    severity: 'error',
    message: /4001 s; allowed 1–4000 s.*edit-load-balancer-attributes.*Fix/,
  },
  // unknown keys (lib/core/known-keys.ts; more cases in test/core/issues-known-keys.test.ts)
  {
    code: 'unknown-key',
    what: 'a misspelled section, from plain JavaScript',
    config: { ...BASE, conection: { pingIntervalSeconds: 10 } } as unknown as TierConfig,
    path: 'conection',
    severity: 'error',
    message: /conection is not a tier config key; did you mean connection\? Fix: rename it to connection/,
  },
  // shapes (plain JavaScript and JSON callers)
  {
    code: 'not-an-object',
    what: 'a cell that is a string',
    config: tier({ cells: [late('a')] }),
    path: 'cells[0]',
    severity: 'error',
    message: /cells\[0\] is "a"; each cell must be an object.*Fix: e\.g\. \{ name: "a" \}/,
  },
  {
    code: 'not-an-object',
    what: 'a section that is a number',
    config: tier({ connection: late(300) }),
    path: 'connection',
    severity: 'error',
    message: /connection is 300; it must be an object.*Fix/,
  },
  {
    code: 'not-a-list',
    what: 'a single CIDR string',
    config: tier({ ingressCidrs: late('0.0.0.0/0') }),
    path: 'ingressCidrs',
    severity: 'error',
    message: /ingressCidrs is "0\.0\.0\.0\/0"; it must be a list.*Fix: wrap it in brackets/,
  },
  // cells and domain
  {
    code: 'cells-missing',
    what: 'no cells array',
    config: late<TierConfig>({ domainName: 'ws.example.com' }),
    path: 'cells',
    severity: 'error',
    message: /cells is undefined; it must be an array.*Fix: add at least one cell/,
  },
  {
    code: 'cell-count',
    what: 'zero cells',
    config: tier({ cells: [] }),
    path: 'cells',
    severity: 'error',
    message: /0 entries; allowed 1–100.*Fix: add a cell/,
  },
  {
    code: 'cell-count',
    what: '101 cells (Route 53 weighted records per name)',
    config: tier({ cells: manyCells(101) }),
    path: 'cells',
    severity: 'error',
    message: /101 entries; allowed 1–100.*100 weighted records.*Fix: split/,
  },
  {
    code: 'domain-missing',
    what: 'no domain',
    config: late<TierConfig>({ cells: [{ name: 'a' }] }),
    path: 'domainName',
    severity: 'error',
    message: /domainName is required.*Fix/,
  },
  {
    code: 'domain-invalid',
    what: 'uppercase domain',
    config: tier({ domainName: 'WS.Example.com' }),
    path: 'domainName',
    severity: 'error',
    message: /"WS\.Example\.com".*lowercase.*Fix/,
  },
  {
    code: 'domain-invalid',
    what: 'single label',
    config: tier({ domainName: 'localhost' }),
    path: 'domainName',
    severity: 'error',
    message: /"localhost".*two labels.*Fix/,
  },
  {
    code: 'domain-invalid',
    what: 'trailing dot',
    config: tier({ domainName: 'ws.example.com.' }),
    path: 'domainName',
    severity: 'error',
    message: /"ws\.example\.com\.".*no trailing dot.*Fix/,
  },
  {
    code: 'domain-too-long-for-cells',
    what: 'cell names overflow 253',
    config: tier({
      domainName: `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`,
      cells: [{ name: 'x'.repeat(20) }],
    }),
    path: 'domainName',
    severity: 'error',
    message: /20 characters.*253.*Fix: shorten/,
  },
  {
    code: 'cell-name-invalid',
    what: 'underscore and capitals',
    config: tier({ cells: [{ name: 'Cell_A' }] }),
    path: 'cells[0].name',
    severity: 'error',
    message: /"Cell_A".*\[a-z0-9-\].*Fix/,
  },
  {
    code: 'cell-name-invalid',
    what: 'leading hyphen',
    config: tier({ cells: [{ name: '-a' }] }),
    path: 'cells[0].name',
    severity: 'error',
    message: /"-a".*no leading or trailing hyphen.*Fix/,
  },
  {
    code: 'cell-name-invalid',
    what: 'longer than 32',
    config: tier({ cells: [{ name: 'a'.repeat(33) }] }),
    path: 'cells[0].name',
    severity: 'error',
    message: /"a{33}".*1–32.*Fix/,
  },
  {
    code: 'cell-name-duplicate',
    what: 'two cells named a',
    config: tier({ cells: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] }),
    path: 'cells[2].name',
    severity: 'error',
    message: /"a" is already used by cells\[0\].*Fix: rename/,
  },
  {
    code: 'cell-name-missing',
    what: 'no name',
    config: tier({ cells: [late({})] }),
    path: 'cells[0].name',
    severity: 'error',
    message: /cells\[0\]\.name is required.*Fix/,
  },
  {
    code: 'cell-name-unresolved',
    what: 'late-bound cell name',
    config: tier({ cells: [{ name: late<string>() }] }),
    path: 'cells[0].name',
    severity: 'error',
    message: /late-bound.*Fix: pass a literal/,
    isUnresolved: isLate,
  },
  {
    code: 'lb-type-invalid',
    what: 'gateway',
    config: tier({ cells: [{ name: 'a', loadBalancerType: late('gateway') }] }),
    path: 'cells[0].loadBalancerType',
    severity: 'error',
    message: /"gateway".*'application' or 'network'.*Fix/,
  },
  {
    code: 'nlb-option-on-alb',
    what: 'listener protocol on an ALB',
    config: tier({ cells: [alb('a', { nlbListenerProtocol: 'TCP' })] }),
    path: 'cells[0].nlbListenerProtocol',
    severity: 'error',
    message: /"TCP".*application load balancer.*Fix: remove it/,
  },
  {
    code: 'nlb-protocol-invalid',
    what: 'UDP',
    config: tier({ cells: [nlbTls('n', { nlbListenerProtocol: late('UDP') })] }),
    path: 'cells[0].nlbListenerProtocol',
    severity: 'error',
    message: /"UDP".*'TLS' or 'TCP'.*Fix/,
  },
  {
    code: 'nlb-target-protocol-unused',
    what: 'target protocol behind a TCP listener',
    config: tier({ cells: [nlbTcp('t', { nlbTargetProtocol: 'TLS' })] }),
    path: 'cells[0].nlbTargetProtocol',
    severity: 'error',
    message: /"TLS".*only NLB cells with a TLS listener.*Fix: remove it/,
  },
  {
    code: 'nlb-target-protocol-invalid',
    what: 'HTTP target',
    config: tier({ cells: [nlbTls('n', { nlbTargetProtocol: late('HTTP') })] }),
    path: 'cells[0].nlbTargetProtocol',
    severity: 'error',
    message: /"HTTP".*'TCP' or 'TLS'.*Fix/,
  },
  {
    code: 'all-weights-zero',
    what: 'every weight 0',
    config: tier({ cells: [alb('a', { weight: 0 }), alb('b', { weight: 0 })] }),
    path: 'cells',
    severity: 'warning',
    message: /every cell has weight 0.*Fix: give at least one cell a positive weight/,
  },
  {
    code: 'instance-type-invalid',
    what: 'tier instance type',
    config: tier({ instanceType: 'large' }),
    path: 'instanceType',
    severity: 'error',
    message: /"large".*m7g\.large.*Fix/,
  },
  {
    code: 'instance-type-invalid',
    what: 'cell instance type',
    config: tier({ cells: [alb('a', { instanceType: 'M7G.LARGE' })] }),
    path: 'cells[0].instanceType',
    severity: 'error',
    message: /"M7G\.LARGE".*Fix/,
  },
  // TLS
  {
    code: 'tls-policy-legacy',
    what: 'the CloudFormation default',
    config: tier({ tlsPolicy: 'ELBSecurityPolicy-2016-08' }),
    path: 'tlsPolicy',
    severity: 'error',
    message: /"ELBSecurityPolicy-2016-08".*TLS 1\.0\/1\.1.*Fix: use "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"/,
  },
  {
    code: 'tls-policy-unknown',
    what: 'made-up name',
    config: tier({ tlsPolicy: 'MyPolicy' }),
    path: 'tlsPolicy',
    severity: 'error',
    message: /"MyPolicy".*not a known.*Fix: use "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"/,
  },
  {
    code: 'tls13-only-breaks-route53-checks',
    what: 'TLS 1.3 only with R53 checks',
    config: tier({ tlsPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06', dns: { healthChecks: true } }),
    path: 'tlsPolicy',
    severity: 'error',
    message:
      /"ELBSecurityPolicy-TLS13-1-3-2021-06".*TLS 1\.2 or lower.*Fix: use "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" or turn dns\.healthChecks off/,
  },
  // ingress
  {
    code: 'cidr-invalid',
    what: 'IPv4 prefix 33',
    config: tier({ ingressCidrs: ['10.0.0.0/33'] }),
    path: 'ingressCidrs[0]',
    severity: 'error',
    message: /"10\.0\.0\.0\/33".*IPv4 CIDR.*Fix/,
  },
  {
    code: 'cidr-invalid',
    what: 'IPv6 address in the IPv4 list',
    config: tier({ ingressCidrs: ['0.0.0.0/0', '::/0'] }),
    path: 'ingressCidrs[1]',
    severity: 'error',
    message: /"::\/0".*IPv6 ranges go in ingressIpv6Cidrs/,
  },
  {
    code: 'cidr-invalid',
    what: 'IPv6 without prefix',
    config: tier({ dns: { ipAddressType: 'dualstack' }, ingressIpv6Cidrs: ['fe80::1'] }),
    path: 'ingressIpv6Cidrs[0]',
    severity: 'error',
    message: /"fe80::1".*IPv6 CIDR.*Fix/,
  },
  {
    code: 'cidr-invalid',
    what: 'IPv6 with a triple colon',
    config: tier({ dns: { ipAddressType: 'dualstack' }, ingressIpv6Cidrs: ['2001:::/48'] }),
    path: 'ingressIpv6Cidrs[0]',
    severity: 'error',
    message: /"2001:::\/48".*Fix/,
  },
  {
    code: 'ipv6-cidrs-without-dualstack',
    what: 'IPv6 list on an ipv4 tier',
    config: tier({ ingressIpv6Cidrs: ['2001:db8::/32'] }),
    path: 'ingressIpv6Cidrs',
    severity: 'error',
    message: /2001:db8::\/32.*'ipv4'.*Fix: set dns\.ipAddressType: 'dualstack'/,
  },
  {
    code: 'no-ingress',
    what: 'empty ingress',
    config: tier({ ingressCidrs: [] }),
    path: 'ingressCidrs',
    severity: 'warning',
    message: /ingressCidrs is empty.*Fix/,
  },
  // timers
  {
    code: 'alb-idle-unused',
    what: 'ALB idle on an NLB-only tier',
    config: tier({ cells: [nlbTls()], connection: { albIdleTimeoutSeconds: 300 } }),
    path: 'connection.albIdleTimeoutSeconds',
    severity: 'error',
    message: /is 300 s but no cell is an application load balancer.*Fix: remove it/,
  },
  {
    code: 'ping-not-below-alb-idle',
    what: 'ping = ALB idle',
    config: tier({ connection: { pingIntervalSeconds: 60, albIdleTimeoutSeconds: 60 } }),
    path: 'connection.pingIntervalSeconds',
    severity: 'error',
    message:
      /pingIntervalSeconds is 60 s but the ALB idle timeout is 60 s.*Fix: lower pingIntervalSeconds \(e\.g\. 15\) or raise albIdleTimeoutSeconds above 60/,
  },
  {
    code: 'ping-not-below-alb-idle',
    what: 'ping above the default ALB idle',
    config: tier({ connection: { pingIntervalSeconds: 150 } }),
    path: 'connection.pingIntervalSeconds',
    severity: 'error',
    message: /150 s but the ALB idle timeout is 120 s/,
  },
  {
    code: 'alb-idle-below-two-pings',
    what: 'ALB idle under two pings',
    config: tier({ connection: { pingIntervalSeconds: 25, albIdleTimeoutSeconds: 40 } }),
    path: 'connection.albIdleTimeoutSeconds',
    severity: 'warning',
    message: /40 s, less than two ping intervals \(25 s\).*Fix: raise it to at least 50 s/,
  },
  {
    code: 'nlb-tcp-idle-without-tcp-listener',
    what: 'TCP idle on a TLS-only tier',
    config: tier({ cells: [nlbTls(), alb()], connection: { nlbTcpIdleTimeoutSeconds: 900 } }),
    path: 'connection.nlbTcpIdleTimeoutSeconds',
    severity: 'error',
    message: /is 900 s but no cell has an NLB TCP listener.*fix the idle timeout at 350 s.*Fix: remove it/,
  },
  {
    code: 'ping-not-below-nlb-idle',
    what: 'ping = NLB TCP idle',
    config: tier({ cells: [nlbTcp()], connection: { pingIntervalSeconds: 600 } }),
    path: 'connection.pingIntervalSeconds',
    severity: 'error',
    message: /600 s but the NLB TCP idle timeout is 600 s.*Fix: lower pingIntervalSeconds or raise nlbTcpIdleTimeoutSeconds/,
  },
  {
    code: 'ping-not-below-nlb-tls-idle',
    what: 'ping = 350 on NLB TLS',
    config: tier({ cells: [nlbTls()], connection: { pingIntervalSeconds: 350 } }),
    path: 'connection.pingIntervalSeconds',
    severity: 'error',
    message: /350 s but NLB TLS listeners close idle flows after a fixed 350 s.*Fix: lower pingIntervalSeconds/,
  },
  {
    code: 'alb-deregistration-unused',
    what: 'ALB delay on an NLB-only tier',
    config: tier({ cells: [nlbTls()], connection: { albDeregistrationDelaySeconds: 400 } }),
    path: 'connection.albDeregistrationDelaySeconds',
    severity: 'error',
    message: /is 400 s but no cell is an application load balancer.*Fix: remove it/,
  },
  {
    code: 'nlb-deregistration-unused',
    what: 'NLB delay on an ALB-only tier',
    config: tier({ connection: { nlbDeregistrationDelaySeconds: 300 } }),
    path: 'connection.nlbDeregistrationDelaySeconds',
    severity: 'error',
    message: /is 300 s but no cell is a network load balancer.*Fix: remove it/,
  },
  {
    code: 'nlb-draining-interval-unused',
    what: 'NLB draining interval on an ALB-only tier',
    config: tier({ connection: { nlbUnhealthyDrainingIntervalSeconds: 60 } }),
    path: 'connection.nlbUnhealthyDrainingIntervalSeconds',
    severity: 'error',
    message: /is 60 s but no cell is a network load balancer.*Fix: remove it/,
  },
  {
    code: 'nlb-deregistration-short',
    what: 'NLB delay under 120',
    config: tier({ cells: [nlbTls()], connection: { nlbDeregistrationDelaySeconds: 30 } }),
    path: 'connection.nlbDeregistrationDelaySeconds',
    severity: 'warning',
    message: /is 30 s; AWS recommends at least 120 s.*Fix: raise it to 120/,
  },
  {
    code: 'drain-exceeds-alb-deregistration',
    what: 'ALB delay shorter than the drain',
    config: tier({ connection: { albDeregistrationDelaySeconds: 200 } }),
    path: 'connection.albDeregistrationDelaySeconds',
    severity: 'error',
    message: /is 200 s but the drain window plus grace is 300 \+ 30 = 330 s.*Fix: raise albDeregistrationDelaySeconds to at least 330/,
  },
  {
    code: 'drain-exceeds-alb-maximum',
    what: 'ALB drain beyond 3600',
    config: tier({ connection: { drainWindowSeconds: 3600, lifecycleHookHeartbeatSeconds: 7200 } }),
    path: 'connection.drainWindowSeconds',
    severity: 'error',
    message: /3600 \+ 30 = 3630 s.*at most 3600 s.*Fix: keep drain window \+ grace ≤ 3600 s, or move long-drain cells to NLB/,
  },
  {
    code: 'drain-exceeds-lifecycle-heartbeat',
    what: 'heartbeat shorter than the drain',
    config: tier({ cells: [nlbTls()], connection: { lifecycleHookHeartbeatSeconds: 100 } }),
    path: 'connection.lifecycleHookHeartbeatSeconds',
    severity: 'error',
    message: /is 100 s but the drain window plus grace is 330 s.*Fix: raise it to at least 330 s/,
  },
  {
    code: 'drain-exceeds-heartbeat-maximum',
    what: 'NLB drain beyond 7200',
    config: tier({ cells: [nlbTls()], connection: { drainWindowSeconds: 7170, drainGraceSeconds: 600 } }),
    path: 'connection.drainWindowSeconds',
    severity: 'error',
    message: /7170 \+ 600 = 7770 s, above the 7200 s maximum.*Fix: keep drain window \+ grace ≤ 7200 s/,
  },
  {
    code: 'drain-shorter-than-ping',
    what: 'drain under one ping',
    config: tier({ connection: { drainWindowSeconds: 10 } }),
    path: 'connection.drainWindowSeconds',
    severity: 'warning',
    message: /is 10 s, shorter than one ping interval \(25 s\).*Fix/,
  },
  // stickiness
  {
    code: 'long-polling-needs-stickiness',
    what: 'long polling with stickiness off',
    config: tier({ connection: { longPollingFallback: true, stickiness: { enabled: false } } }),
    path: 'connection.stickiness.enabled',
    severity: 'error',
    message: /enabled is false while longPollingFallback is true.*Session ID unknown.*Fix: enable stickiness/,
  },
  {
    code: 'stickiness-type-invalid',
    what: 'source_ip on an ALB',
    config: tier({ connection: { stickiness: { enabled: true, albType: late('source_ip') } } }),
    path: 'connection.stickiness.albType',
    severity: 'error',
    message: /"source_ip".*'lb_cookie' or 'app_cookie'.*Fix/,
  },
  {
    code: 'app-cookie-needs-name',
    what: 'app_cookie without a name',
    config: tier({ connection: { longPollingFallback: true, stickiness: { albType: 'app_cookie' } } }),
    path: 'connection.stickiness.cookieName',
    severity: 'error',
    message: /'app_cookie' but no cookieName.*Fix: set cookieName.*"io"/,
  },
  {
    code: 'cookie-name-unused',
    what: 'cookie name with lb_cookie',
    config: tier({ connection: { longPollingFallback: true, stickiness: { cookieName: 'io' } } }),
    path: 'connection.stickiness.cookieName',
    severity: 'error',
    message: /"io".*'lb_cookie', which ignores it.*Fix: set albType: 'app_cookie'/,
  },
  {
    code: 'cookie-name-invalid',
    what: 'reserved AWSALB prefix',
    config: tier({ connection: { longPollingFallback: true, stickiness: { albType: 'app_cookie', cookieName: 'AWSALBsession' } } }),
    path: 'connection.stickiness.cookieName',
    severity: 'error',
    message: /"AWSALBsession".*reserved by AWS.*Fix/,
  },
  {
    code: 'cookie-name-invalid',
    what: 'space in the name',
    config: tier({ connection: { longPollingFallback: true, stickiness: { albType: 'app_cookie', cookieName: 'my cookie' } } }),
    path: 'connection.stickiness.cookieName',
    severity: 'error',
    message: /"my cookie".*Fix/,
  },
  {
    code: 'source-ip-stickiness-tls-tls',
    what: 'long polling on TLS listener + TLS target',
    config: tier({ cells: [nlbTls('n', { nlbTargetProtocol: 'TLS' })], connection: { longPollingFallback: true } }),
    path: 'cells[0].nlbTargetProtocol',
    severity: 'error',
    message:
      /cells\[0\] \('n'\).*nlbTargetProtocol is 'TLS'.*does not support source_ip.*longPollingFallback requires it.*Fix: use nlbTargetProtocol: 'TCP'/,
  },
  // health check
  {
    code: 'health-path-invalid',
    what: 'relative path',
    config: tier({ healthCheck: { path: 'healthz' } }),
    path: 'healthCheck.path',
    severity: 'error',
    message: /"healthz".*absolute HTTP path.*Fix: e\.g\. "\/healthz"/,
  },
  {
    code: 'health-timeout-not-below-interval',
    what: 'timeout = interval',
    config: tier({ healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } }),
    path: 'healthCheck.timeoutSeconds',
    severity: 'error',
    message: /is 10 s but the interval is 10 s.*Fix: lower timeoutSeconds below 10/,
  },
  {
    code: 'health-timeout-not-below-interval',
    what: 'default timeout vs short interval',
    config: tier({ healthCheck: { intervalSeconds: 5 } }),
    path: 'healthCheck.timeoutSeconds',
    severity: 'error',
    message: /is 5 s but the interval is 5 s/,
  },
  {
    code: 'health-codes-invalid',
    what: '2xx',
    config: tier({ healthCheck: { healthyHttpCodes: '2xx' } }),
    path: 'healthCheck.healthyHttpCodes',
    severity: 'error',
    message: /"2xx".*"200-299".*Fix: use "200"/,
  },
  {
    code: 'health-codes-out-of-range',
    what: '500 on an ALB',
    config: tier({ healthCheck: { healthyHttpCodes: '200,500' } }),
    path: 'healthCheck.healthyHttpCodes',
    severity: 'error',
    message: /"200,500".*allowed 200–499 \(ALB target groups\).*Fix/,
  },
  {
    code: 'health-codes-out-of-range',
    what: '600 on an NLB',
    config: tier({ cells: [nlbTls()], healthCheck: { healthyHttpCodes: '200-600' } }),
    path: 'healthCheck.healthyHttpCodes',
    severity: 'error',
    message: /"200-600".*allowed 200–599 \(NLB target groups\)/,
  },
  {
    code: 'health-check-on-tls-port',
    what: 'HTTP health check on a TLS pass-through port',
    config: tier({ cells: [nlbTcp()] }),
    path: 'healthCheck.port',
    severity: 'warning',
    message: /cells\[0\] \('t'\).*TLS.*port 8080.*plain HTTP.*Fix: set healthCheck\.port/,
  },
  // scaling
  {
    code: 'min-above-max',
    what: 'tier min above max',
    config: tier({ scaling: { minCapacity: 12 } }),
    path: 'scaling.minCapacity',
    severity: 'error',
    message: /is 12 but maxCapacity is 10.*Fix/,
  },
  {
    code: 'min-above-max',
    what: 'cell max below inherited min',
    config: tier({ scaling: { minCapacity: 4 }, cells: [alb('a', { scaling: { maxCapacity: 3 } })] }),
    path: 'cells[0].scaling.minCapacity',
    severity: 'error',
    message: /is 4 but maxCapacity is 3/,
  },
  {
    code: 'desired-outside-min-max',
    what: 'desired above max',
    config: tier({ scaling: { desiredCapacity: 11 } }),
    path: 'scaling.desiredCapacity',
    severity: 'error',
    message: /is 11 but must lie within minCapacity 2 and maxCapacity 10.*Fix/,
  },
  {
    code: 'desired-outside-min-max',
    what: 'tier desired below a cell min',
    config: tier({ scaling: { desiredCapacity: 2 }, cells: [alb('a', { scaling: { minCapacity: 5 } })] }),
    path: 'cells[0].scaling.desiredCapacity',
    severity: 'error',
    message:
      /is 2 \(inherited from scaling\.desiredCapacity\).*minCapacity 5 and maxCapacity 10.*Fix: set cells\[0\]\.scaling\.desiredCapacity/,
  },
  {
    code: 'scaling-signal-invalid',
    what: 'CPU',
    config: tier({ scaling: { signal: late('cpu') } }),
    path: 'scaling.signal',
    severity: 'error',
    message: /"cpu".*'connection-gauge' or 'load-balancer-connections'.*Fix/,
  },
  {
    code: 'maintenance-spread-too-wide',
    what: '0 to 150',
    config: tier({ scaling: { minHealthyPercentage: 40, maxHealthyPercentage: 150 } }),
    path: 'scaling.maxHealthyPercentage',
    severity: 'error',
    message: /\(150\) minus minHealthyPercentage \(40\) is 110.*at most 100.*Fix/,
  },
  {
    code: 'terminate-before-launch',
    what: 'min healthy 90',
    config: tier({ scaling: { minHealthyPercentage: 90 } }),
    path: 'scaling.minHealthyPercentage',
    severity: 'warning',
    message: /is 90.*Fix: use 100/,
  },
  // host
  {
    code: 'backlog-above-somaxconn',
    what: 'backlog above somaxconn',
    config: tier({ host: { somaxconn: 4096, listenBacklog: 8192 } }),
    path: 'host.listenBacklog',
    severity: 'error',
    message: /is 8192 but somaxconn is 4096.*Fix: raise somaxconn to 8192/,
  },
  {
    code: 'port-range-without-proxy',
    what: 'range without proxy',
    config: tier({ host: { localPortRange: '2000 60000' } }),
    path: 'host.localPortRange',
    severity: 'error',
    message: /"2000 60000".*localProxy is false.*Fix: set localProxy: true/,
  },
  {
    code: 'port-range-invalid',
    what: 'LOW above HIGH',
    config: tier({ host: { localProxy: true, localPortRange: '60000 2000' } }),
    path: 'host.localPortRange',
    severity: 'error',
    message: /"60000 2000".*LOW < HIGH.*Fix/,
  },
  {
    code: 'port-range-invalid',
    what: 'privileged ports',
    config: tier({ host: { localProxy: true, localPortRange: '80 65535' } }),
    path: 'host.localPortRange',
    severity: 'error',
    message: /"80 65535".*1024 ≤ LOW/,
  },
  // dns
  {
    code: 'ip-address-type-invalid',
    what: 'ipv6 only',
    config: tier({ dns: { ipAddressType: late('ipv6') } }),
    path: 'dns.ipAddressType',
    severity: 'error',
    message: /"ipv6".*'ipv4' or 'dualstack'.*Fix/,
  },
  {
    code: 'health-checks-need-cell-records',
    what: 'checks without cell records',
    config: tier({ dns: { healthChecks: true, cellRecords: false } }),
    path: 'dns.healthChecks',
    severity: 'error',
    message: /healthChecks is true but cellRecords is false.*Fix/,
  },
  {
    code: 'health-check-options-unused',
    what: 'interval without checks',
    config: tier({ dns: { healthCheckRequestIntervalSeconds: 10 } }),
    path: 'dns.healthChecks',
    severity: 'error',
    message: /^dns\.healthCheckRequestIntervalSeconds is 10, but healthChecks is off.*Fix: set healthChecks: true/,
  },
  {
    code: 'route53-interval-invalid',
    what: 'interval 20',
    config: tier({ dns: { healthChecks: true, healthCheckRequestIntervalSeconds: 20 } }),
    path: 'dns.healthCheckRequestIntervalSeconds',
    severity: 'error',
    message: /is 20; Route 53 accepts only 10 or 30.*Fix/,
  },
  // server
  {
    code: 'server-port-ssh',
    what: 'port 22',
    config: tier({ server: { port: 22 } }),
    path: 'server.port',
    severity: 'error',
    message: /is 22, the SSH port.*Fix/,
  },
  {
    code: 'service-name-invalid',
    what: 'dots and spaces',
    config: tier({ server: { serviceName: 'my server.service' } }),
    path: 'server.serviceName',
    severity: 'error',
    message: /"my server\.service".*Fix/,
  },
  {
    code: 'node-package-invalid',
    what: 'bare nodejs',
    config: tier({ server: { nodePackage: 'node' } }),
    path: 'server.nodePackage',
    severity: 'error',
    message: /"node".*nodejs22.*Fix/,
  },
  {
    code: 'env-key-invalid',
    what: 'lowercase key',
    config: tier({ server: { environment: { 'log-level': 'x' } } }),
    path: 'server.environment.log-level',
    severity: 'error',
    message: /"log-level".*\[A-Z_\]\[A-Z0-9_\]\*.*Fix: rename it/,
  },
  {
    code: 'env-key-reserved',
    what: 'WST_ key',
    config: tier({ server: { environment: { WST_PORT: '1' } } }),
    path: 'server.environment.WST_PORT',
    severity: 'error',
    message: /"WST_PORT".*reserved.*Fix/,
  },
  {
    code: 'env-value-quoting',
    what: 'quote in a value',
    config: tier({ server: { environment: { GREETING: 'say "hi"' } } }),
    path: 'server.environment.GREETING',
    severity: 'error',
    message: /say \\"hi\\".*quote or backslash.*Fix/,
  },
  {
    code: 'env-value-multiline',
    what: 'newline in a value',
    config: tier({ server: { environment: { BANNER: 'a\nb' } } }),
    path: 'server.environment.BANNER',
    severity: 'error',
    message: /"a\\nb".*line break.*Fix/,
  },

  // the hosted-zone check both renderers run beside validateTier (CDK: the zone object; Pulumi: hostedZoneName)
  {
    code: 'domain-outside-zone',
    what: 'domain in another zone',
    config: BASE,
    run: () => validateDomainInZone('ws.example.org', 'example.com.'),
    path: 'domainName',
    severity: 'error',
    message: /"ws\.example\.org" but the hosted zone is "example\.com".*Fix: use a domainName inside the zone/,
  },
  // backplane (lib/core/backplane.ts)
  {
    code: 'backplane-unknown-field',
    what: 'misspelt field',
    config: tier({ backplane: { engin: 'valkey' } as TierConfig['backplane'] }),
    path: 'backplane.engin',
    severity: 'error',
    message: /not a backplane setting; allowed: engine, .*Fix: remove it or correct its spelling/,
  },
  {
    code: 'backplane-not-an-option',
    what: 'cluster-mode shard count',
    config: tier({ backplane: { numNodeGroups: 2 } as TierConfig['backplane'] }),
    path: 'backplane.numNodeGroups',
    severity: 'error',
    message: /not an option: cluster mode is always disabled.*Fix: remove it/,
  },
  {
    code: 'backplane-engine-invalid',
    what: 'Memcached',
    config: tier({ backplane: { engine: 'memcached' as 'valkey' } }),
    path: 'backplane.engine',
    severity: 'error',
    message: /"memcached"; allowed 'valkey' or 'redis'.*Fix: pick one/,
  },
  {
    code: 'backplane-engine-version-invalid',
    what: 'version the engine does not have',
    config: tier({ backplane: { engine: 'valkey', engineVersion: '1.0' } }),
    path: 'backplane.engineVersion',
    severity: 'error',
    message: /"1\.0" for engine 'valkey'; allowed .*engine-versions\.html.*Fix: use one of those/,
  },
  {
    code: 'backplane-node-type-invalid',
    what: 'node type without the cache. prefix',
    config: tier({ backplane: { nodeType: 'r7g.large' } }),
    path: 'backplane.nodeType',
    severity: 'error',
    message: /"r7g\.large"; allowed an ElastiCache node type 'cache\.<family>\.<size>'.*Fix: use that form/,
  },
  {
    code: 'backplane-port-conflict',
    what: 'backplane on the server port',
    config: tier({ server: { port: 9000 }, backplane: { port: 9000 } }),
    path: 'backplane.port',
    severity: 'error',
    message: /9000, the same as server\.port.*Fix: keep the default 6379/,
  },
  {
    code: 'backplane-node-type-differs-from-capacity',
    what: 'capacity plans another node',
    config: tier({ backplane: { nodeType: 'cache.r7g.xlarge' }, capacity: { peakConnections: 100_000, cacheNodeType: 'cache.m7g.large' } }),
    path: 'backplane.nodeType',
    severity: 'warning',
    message: /"cache\.r7g\.xlarge" but capacity\.cacheNodeType is "cache\.m7g\.large".*Fix: give one value/,
  },
  {
    code: 'backplane-single-primary',
    what: 'capacity plans sharded pub/sub',
    config: tier({ backplane: {}, capacity: { peakConnections: 100_000, messagesPerSecond: 10, backplane: 'sharded' } }),
    path: 'backplane',
    severity: 'warning',
    message: /capacity\.backplane is 'sharded'.*one primary.*Fix: plan with capacity\.backplane 'broadcast'/,
  },
  // capacity in a tier (lib/core/capacity/tier.ts); planner rules under `capacity.` are in PLANNER_ROWS
  {
    code: 'capacity-not-an-object',
    what: 'capacity as a number',
    config: tier({ capacity: 100_000 as unknown as TierConfig['capacity'] }),
    path: 'capacity',
    severity: 'error',
    message: /capacity is 100000; it must be an object.*Fix: wrap the settings/,
  },
  {
    code: 'capacity-field-from-cells',
    what: 'load balancer type given to the planner in a tier',
    config: tier({ capacity: { peakConnections: 10, loadBalancerType: 'network' } as TierConfig['capacity'] }),
    path: 'capacity.loadBalancerType',
    severity: 'error',
    message: /in a tier it comes from the cells.*Fix: remove it from capacity/,
  },
  {
    code: 'capacity-target-above-fd-limit',
    what: 'scaling target above LimitNOFILE',
    config: tier({
      capacity: { peakConnections: 1_000_000 },
      host: { fileDescriptorLimit: 65_536 },
      scaling: { targetConnectionsPerInstance: 100_000 },
    }),
    path: 'scaling.targetConnectionsPerInstance',
    severity: 'error',
    message: /100,000 but cells\[0\] \('a'\) instances can hold at most 64,512 sockets.*Fix: lower it/,
  },
  {
    code: 'capacity-target-above-plan',
    what: 'scaling target above what the plan says an instance holds',
    config: tier({ instanceType: 't4g.small', capacity: { peakConnections: 100_000 }, scaling: { targetConnectionsPerInstance: 60_000 } }),
    path: 'scaling.targetConnectionsPerInstance',
    severity: 'warning',
    message: /60,000, above the .* connections the capacity plan says one t4g\.small holds.*Fix: lower it/,
  },
  // runtime features set from the tier (docs/server-contract.md §8, §9, §12)
  {
    code: 'out-of-range',
    what: 'maxConnections 0',
    config: tier({ server: { maxConnections: 0 } }),
    path: 'server.maxConnections',
    severity: 'error',
    message: /is 0; allowed 1–1048576/,
  },
  {
    code: 'max-connections-above-fd-limit',
    what: 'cap above LimitNOFILE',
    config: tier({ server: { maxConnections: 300000 }, host: { fileDescriptorLimit: 200000 } }),
    path: 'server.maxConnections',
    severity: 'error',
    message: /300000 but host\.fileDescriptorLimit is 200000.*EMFILE.*at most 200000.*Fix/,
  },
  {
    code: 'max-connections-below-target',
    what: 'cap below the scaling target of one cell',
    config: tier({ cells: [alb('a'), alb('b', { scaling: { targetConnectionsPerInstance: 5000 } })], server: { maxConnections: 8000 } }),
    path: 'server.maxConnections',
    severity: 'error',
    message: /8000 per process.*cells\[0\] \('a'\) targets 10000.*Allowed: at least 10000.*Fix/,
  },
  {
    code: 'allowed-origins-not-a-list',
    what: 'a single origin string',
    config: tier({ server: { allowedOrigins: late<string[]>('https://app.example.com') } }),
    path: 'server.allowedOrigins',
    severity: 'error',
    message: /"https:\/\/app\.example\.com"; allowed: a list.*Fix/,
  },
  {
    code: 'allowed-origins-empty',
    what: 'empty allowlist',
    config: tier({ server: { allowedOrigins: [] } }),
    path: 'server.allowedOrigins',
    severity: 'error',
    message: /is \[\]; .*ambiguous.*Fix/,
  },
  {
    code: 'allowed-origin-invalid',
    what: 'an origin with a path (the suffix trick)',
    config: tier({ server: { allowedOrigins: ['https://app.example.com', 'https://evil.com/.app.example.com'] } }),
    path: 'server.allowedOrigins[1]',
    severity: 'error',
    message: /"https:\/\/evil\.com\/\.app\.example\.com", which is not an origin: it has a path.*Fix: use "https:\/\/evil\.com"/,
  },
  {
    code: 'max-connections-below-target',
    what: 'cap × processes below a capacity-derived target',
    config: tier({ capacity: { peakConnections: 200000, processesPerInstance: 2 }, server: { maxConnections: 10 } }),
    path: 'server.maxConnections',
    severity: 'error',
    message: /10 per process \(× 2 process\(es\) per instance\)/,
  },
  {
    code: 'out-of-range',
    what: 'maxMessageBytes above 64 MiB',
    config: tier({ server: { maxMessageBytes: 67_108_865 } }),
    path: 'server.maxMessageBytes',
    severity: 'error',
    message: /67108865 bytes; allowed 1–67108864 bytes.*buffered whole/,
  },
  {
    code: 'rebalance-invalid',
    what: 'rebalance: true',
    config: tier({ server: { rebalance: late<false>(true) } }),
    path: 'server.rebalance',
    severity: 'error',
    message: /is true; allowed: false, or an object.*Fix: use \{\}/,
  },
  {
    code: 'rebalance-threshold-invalid',
    what: 'maxShedFraction above 1',
    config: tier({ server: { rebalance: { maxShedFraction: 1.5 } }, backplane: {} }),
    path: 'server.rebalance.maxShedFraction',
    severity: 'error',
    message: /is 1\.5; allowed: a number 0–1/,
  },
  {
    code: 'out-of-range',
    what: 'rebalance interval below 100 ms',
    config: tier({ server: { rebalance: { intervalMs: 50 } }, backplane: {} }),
    path: 'server.rebalance.intervalMs',
    severity: 'error',
    message: /50 ms; allowed 100–2147483647 ms/,
  },
  {
    code: 'rebalance-without-backplane',
    what: 'rebalancing with no shared store',
    config: tier({ server: { rebalance: {} } }),
    path: 'server.rebalance',
    severity: 'warning',
    message: /no backplane.*WST_REDIS_URL.*Fix: add backplane/,
  },
  {
    code: 'not-a-boolean',
    what: 'proxyProtocol as a string',
    config: tier({ cells: [nlbTls()], server: { proxyProtocol: late<boolean>('yes') } }),
    path: 'server.proxyProtocol',
    severity: 'error',
    message: /is "yes"; allowed: true or false/,
  },
  {
    code: 'proxy-protocol-alb-cell',
    what: 'PROXY protocol with an ALB cell in the tier',
    config: tier({ cells: [alb('a'), nlbTls('n')], server: { proxyProtocol: true } }),
    path: 'server.proxyProtocol',
    severity: 'error',
    message: /cells\[0\] \('a'\) is an ALB cell.*X-Forwarded-For.*proxy-protocol.*Fix/,
  },
  // acknowledge (post-synthesis codes, lib/core/invariants/codes.ts)
  {
    code: 'acknowledge-invalid',
    what: 'not a list',
    config: tier({ acknowledge: 'rendered-stickiness-off' as never }),
    path: 'acknowledge',
    severity: 'error',
    message: /"rendered-stickiness-off"; it must be a list.*Fix/,
  },
  {
    code: 'acknowledge-invalid',
    what: 'entry neither a code nor an object',
    config: tier({ acknowledge: [42 as never] }),
    path: 'acknowledge[0]',
    severity: 'error',
    message: /acknowledge\[0\] is 42; each entry.*Fix/,
  },
  {
    code: 'acknowledge-unknown-code',
    what: 'misspelled code, with the near one suggested',
    config: tier({ acknowledge: ['stickiness-off' as never] }),
    path: 'acknowledge[0]',
    severity: 'error',
    message: /"stickiness-off", which is not a code.*Fix: use 'rendered-stickiness-off'/,
  },
  {
    code: 'acknowledge-unknown-code',
    what: 'validation code instead of a post-synthesis one',
    config: tier({ acknowledge: [{ code: 'ping-not-below-alb-idle' as never, cells: ['a'] }] }),
    path: 'acknowledge[0].code',
    severity: 'error',
    message: /"ping-not-below-alb-idle", which is not a code.*allowed: rendered-idle-timeout-not-above-ping.*Fix/,
  },
  {
    code: 'acknowledge-unknown-cell',
    what: 'cell name the tier lacks',
    config: tier({ cells: [{ name: 'a' }], acknowledge: [{ code: 'rendered-stickiness-off', cells: ['b'] }] }),
    path: 'acknowledge[0].cells[0]',
    severity: 'error',
    message: /"b", which is not a cell of this tier \("a"\).*Fix/,
  },
];

const issuesFor = (row: Row): Issue[] => row.run?.() ?? validateTier(row.config, row.isUnresolved);

/**
 * One row per rule of the capacity planner (lib/core/capacity/validate.ts, plan.ts and the shared
 * collector's number checks), run on the planner's own input as the CLI gives it (paths at the top
 * level; in a tier they sit under `capacity.`). `fix: false` marks a warning that states a fact
 * and asks for nothing.
 */
interface PlannerRow {
  readonly code: string;
  readonly what: string;
  readonly input: unknown;
  readonly path: string;
  readonly severity: 'error' | 'warning';
  readonly message: RegExp;
  readonly fix?: false;
}

const PLANNER_ROWS: PlannerRow[] = [
  { code: 'capacity-missing', what: 'no input object', input: null, path: 'peakConnections', severity: 'error', message: /is required/ },
  {
    code: 'capacity-peak-missing',
    what: 'no peak',
    input: {},
    path: 'peakConnections',
    severity: 'error',
    message: /is required.*e\.g\. 100000/,
  },
  {
    code: 'capacity-not-a-number',
    what: 'peak as text',
    input: { peakConnections: 'many' },
    path: 'peakConnections',
    severity: 'error',
    message: /must be an integer 1–1000000000; got "many"/,
  },
  {
    code: 'capacity-out-of-range',
    what: 'zero peak',
    input: { peakConnections: 0 },
    path: 'peakConnections',
    severity: 'error',
    message: /peakConnections is 0/,
  },
  {
    code: 'capacity-framework-invalid',
    what: 'unknown framework',
    input: { peakConnections: 10, framework: 'uws' },
    path: 'framework',
    severity: 'error',
    message: /"uws"; allowed 'ws', 'socket\.io' or \{ bytesPerConnection/,
  },
  {
    code: 'capacity-lb-invalid',
    what: 'Classic Load Balancer',
    input: { peakConnections: 10, loadBalancerType: 'classic' },
    path: 'loadBalancerType',
    severity: 'error',
    message: /"classic"; allowed 'application' \(ALB\) or 'network' \(NLB\)/,
  },
  {
    code: 'capacity-tls-invalid',
    what: 'unknown TLS termination',
    input: { peakConnections: 10, tlsTermination: 'both' },
    path: 'tlsTermination',
    severity: 'error',
    message: /"both"; allowed 'load-balancer' or 'instance'/,
  },
  {
    code: 'capacity-tls-on-instance-needs-nlb',
    what: 'TLS on an ALB instance',
    input: { peakConnections: 10, tlsTermination: 'instance' },
    path: 'tlsTermination',
    severity: 'error',
    message: /ALB, which always terminates TLS itself/,
  },
  {
    code: 'capacity-backplane-invalid',
    what: 'unknown backplane mode',
    input: { peakConnections: 10, backplane: 'kafka' },
    path: 'backplane',
    severity: 'error',
    message: /"kafka"; allowed 'broadcast', 'sharded' or 'none'/,
  },
  {
    code: 'capacity-instance-type-unknown',
    what: 'instance type without a size or price',
    input: { peakConnections: 10, instanceType: 'x2iedn.large' },
    path: 'instanceType',
    severity: 'error',
    message: /"x2iedn\.large", which the planner has no size or price for/,
  },
  {
    code: 'capacity-cache-node-unknown',
    what: 'unknown cache node',
    input: { peakConnections: 10, cacheNodeType: 'cache.x9.huge' },
    path: 'cacheNodeType',
    severity: 'error',
    message: /"cache\.x9\.huge"; known: cache\.t4g\.micro/,
  },
  {
    code: 'capacity-route53-interval-invalid',
    what: 'Route 53 interval 20 s',
    input: { peakConnections: 10, route53HealthCheckIntervalSeconds: 20 },
    path: 'route53HealthCheckIntervalSeconds',
    severity: 'error',
    message: /is 20; Route 53 accepts 10 or 30/,
  },
  {
    code: 'capacity-storm-below-steady',
    what: 'storm slower than the steady rate',
    input: { peakConnections: 10_000, newConnectionsPerSecond: 100, reconnectStormConnectionsPerSecond: 10 },
    path: 'reconnectStormConnectionsPerSecond',
    severity: 'warning',
    message: /is 10\/s, below the steady 100\/s/,
  },
  {
    code: 'capacity-instance-too-small',
    what: 'no memory left for connections',
    input: { peakConnections: 10, instanceType: 't4g.nano' },
    path: 'instanceType',
    severity: 'error',
    message: /t4g\.nano has 0\.5 GiB.*nothing is left for connections/,
  },
  {
    code: 'capacity-cpu-unsatisfiable',
    what: 'more deliveries than one instance serves for one connection',
    input: { peakConnections: 10, messagesPerSecond: 1e9, fanOut: 10 },
    path: 'messagesPerSecond',
    severity: 'error',
    message: /10,000,000,000 deliveries\/s over 10 connections/,
  },
  {
    code: 'capacity-above-fd-limit',
    what: 'measured maximum above LimitNOFILE',
    input: { peakConnections: 100_000, maxConnectionsPerInstance: 70_000, fileDescriptorLimit: 65_536 },
    path: 'maxConnectionsPerInstance',
    severity: 'error',
    message: /is 70,000 but the file-descriptor limit 65,536 leaves 64,512 for sockets/,
  },
  {
    code: 'capacity-above-nlb-target-limit',
    what: 'measured maximum above the NLB translation limit',
    input: { peakConnections: 1_000_000, loadBalancerType: 'network', nlbClientIpPreservation: false, maxConnectionsPerInstance: 60_000 },
    path: 'maxConnectionsPerInstance',
    severity: 'error',
    message: /is 60,000 but an NLB with client IP preservation off translates addresses and allows 55,000/,
  },
  {
    code: 'capacity-measured-above-estimate',
    what: 'measurement above the estimate',
    input: { peakConnections: 1_000_000, maxConnectionsPerInstance: 300_000 },
    path: 'maxConnectionsPerInstance',
    severity: 'warning',
    message: /is 300,000, above the planner's estimate.*The measurement wins/,
    fix: false,
  },
  {
    code: 'capacity-too-many-targets',
    what: 'a cell needing more than 1,000 targets',
    input: { peakConnections: 100_000_000, cells: 1, instanceType: 't4g.small' },
    path: 'peakConnections',
    severity: 'error',
    message: /a target group holds at most 1,000 targets .* Fix: use at least \d+ cells/,
  },
  {
    code: 'capacity-cells-underused',
    what: 'five cells for 1,000 connections',
    input: { peakConnections: 1000, cells: 5 },
    path: 'cells',
    severity: 'warning',
    message: /cells is 5, so each cell holds 200 connections/,
  },
  {
    code: 'capacity-storm-exceeds-backlog',
    what: 'storm above the largest listen backlog',
    input: { peakConnections: 100_000, reconnectStormConnectionsPerSecond: 1e8 },
    path: 'reconnectStormConnectionsPerSecond',
    severity: 'warning',
    message: /100,000,000\/s over 2 instances is 50,000,000\/s each, more than the largest listen backlog/,
  },
  {
    code: 'capacity-tls-storm',
    what: 'TLS handshakes on the instances during a storm',
    input: {
      peakConnections: 1_000_000,
      loadBalancerType: 'network',
      tlsTermination: 'instance',
      reconnectStormConnectionsPerSecond: 100_000,
    },
    path: 'reconnectStormConnectionsPerSecond',
    severity: 'warning',
    message: /with TLS on the instance each m7g\.large must handshake/,
  },
  {
    code: 'capacity-backplane-saturated',
    what: 'broadcast above one primary',
    input: { peakConnections: 1_000_000, messagesPerSecond: 100_000, backplane: 'broadcast' },
    path: 'backplane',
    severity: 'error',
    message: /'broadcast' sends every message to all .* servers.*Fix: use backplane 'sharded'/,
  },
  {
    code: 'capacity-backplane-hot',
    what: 'broadcast at 84 % of one primary',
    input: { peakConnections: 1_000_000, messagesPerSecond: 70_000, backplane: 'broadcast' },
    path: 'backplane',
    severity: 'warning',
    message: /1,260,000 Redis deliveries\/s is 84 % of 1 primary' measured budget.*Fix: load-test the backplane/,
  },
];

describe('capacity planner: one row per rule', () => {
  it.each(PLANNER_ROWS.map((r) => [r.code, r.what, r] as const))('%s (%s)', (_code, _what, row) => {
    const issues = validateCapacity(row.input as CapacityConfig);
    const hit = issues.find((i) => i.code === row.code && i.path === row.path);
    if (!hit) throw new Error(`expected ${row.code} at ${row.path}; got ${JSON.stringify(issues, null, 2)}`);
    expect(hit.severity).toBe(row.severity);
    expect(hit.message).toMatch(row.message);
    if (row.fix !== false) expect(hit.message).toMatch(/Fix: \S/);
  });
});

/**
 * Every validator's source: the tier rules, the shared collector, operations, backplane and the
 * capacity planner (field checks, the model, the tier integration).
 */
const VALIDATOR_SOURCES = [
  'validate.ts',
  'issues.ts',
  'known-keys.ts',
  'operations/validate.ts',
  'backplane.ts',
  'capacity/validate.ts',
  'capacity/plan.ts',
  'capacity/tier.ts',
  // settings that connect (test/core/silent-settings.test.ts runs their rows)
  'validate-host.ts',
  'validate-fleet.ts',
  'server-secrets.ts',
  // wrong types and deploy-time AWS limits (test/core/deploy-limits.test.ts runs their rows)
  'field-types.ts',
  'deploy-limits.ts',
];

/** Codes a source can emit: `error('code'`/`warn('code'` calls, `cond ? 'a' : 'b'` code arguments, and `code: 'x'` issue literals. */
function emittedCodes(src: string): Set<string> {
  const codes = new Set<string>();
  for (const m of src.matchAll(/\b(?:error|warn)\(\s*'([a-z0-9-]+)'/g)) codes.add(m[1]);
  for (const m of src.matchAll(/\b(?:error|warn)\(\s*[\w.]+\s*\?\s*'([a-z0-9-]+)'\s*:\s*'([a-z0-9-]+)'/g)) codes.add(m[1]).add(m[2]);
  for (const m of src.matchAll(/\bcode:\s*'([a-z0-9-]+)'/g)) codes.add(m[1]);
  return codes;
}

describe('validateTier: one row per rule', () => {
  it.each(ROWS.map((r) => [r.code, r.what, r] as const))('%s (%s)', (_code, _what, row) => {
    const issues = issuesFor(row);
    const hit = issues.find((i) => i.code === row.code && i.path === row.path);
    if (!hit) throw new Error(`expected ${row.code} at ${row.path}; got ${JSON.stringify(issues, null, 2)}`);
    expect(hit.severity).toBe(row.severity);
    expect(hit.message).toMatch(row.message);
    expect(hit.message).toMatch(/Fix: \S/);
  });

  it('every code any validator can emit (tier, collector, operations, backplane, capacity) has a row in a table', () => {
    const src = VALIDATOR_SOURCES.map((f) => readFileSync(join(__dirname, '../../lib/core', f), 'utf8')).join('\n');
    const emitted = emittedCodes(src);
    expect(emitted.size).toBeGreaterThan(110);
    // this table, the planner table above, and the operations table (test/core/operations.test.ts runs it)
    const tested = new Set([...ROWS, ...PLANNER_ROWS, ...OPERATIONS_ROWS, ...SILENT_ROWS, ...DEPLOY_LIMIT_ROWS].map((r) => r.code));
    expect([...emitted].filter((c) => !tested.has(c)).sort()).toEqual([]);
    // and the tables name no code that no longer exists
    expect([...tested].filter((c) => !emitted.has(c)).sort()).toEqual([]);
  });

  it('the code scan sees every form a validator uses (a call, a ternary argument, an issue literal)', () => {
    const sample = "v.error('a-b', 'x', m); warn(\n  'c', p, m); v.error(\n  why ? 'd' : 'e', p, m); issues.push({ code: 'f', path });";
    expect([...emittedCodes(sample)].sort()).toEqual(['a-b', 'c', 'd', 'e', 'f']);
  });

  it('rows of severity error have no warning twin with the same code (codes are one severity)', () => {
    const byCode = new Map<string, Set<string>>();
    for (const r of ROWS) byCode.set(r.code, (byCode.get(r.code) ?? new Set()).add(r.severity));
    for (const [code, sev] of byCode) expect([code, sev.size]).toEqual([code, 1]);
  });
});

describe('validateTier: whole configs', () => {
  const valid: TierConfig = {
    domainName: 'ws.example.com',
    instanceType: 'm7g.xlarge',
    tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
    ingressCidrs: ['0.0.0.0/0'],
    ingressIpv6Cidrs: ['::/0'],
    cells: [
      { name: 'a', weight: 100 },
      {
        name: 'b',
        loadBalancerType: 'network',
        nlbListenerProtocol: 'TLS',
        nlbTargetProtocol: 'TCP',
        weight: 50,
        instanceType: 'c7gn.xlarge',
        scaling: { minCapacity: 3, maxCapacity: 30 },
      },
    ],
    connection: {
      pingIntervalSeconds: 25,
      albIdleTimeoutSeconds: 120,
      drainWindowSeconds: 600,
      drainGraceSeconds: 30,
      albDeregistrationDelaySeconds: 630,
      nlbDeregistrationDelaySeconds: 120,
      lifecycleHookHeartbeatSeconds: 900,
      nlbUnhealthyDrainingIntervalSeconds: 300,
      longPollingFallback: true,
      stickiness: { albType: 'app_cookie', cookieName: 'io', cookieDurationSeconds: 3600 },
    },
    healthCheck: {
      path: '/healthz',
      port: 8081,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
      healthyHttpCodes: '200',
    },
    scaling: {
      signal: 'connection-gauge',
      minCapacity: 2,
      maxCapacity: 20,
      targetConnectionsPerInstance: 20000,
      defaultInstanceWarmupSeconds: 120,
      healthCheckGracePeriodSeconds: 300,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 200,
    },
    host: {
      fileDescriptorLimit: 1048576,
      somaxconn: 65535,
      tcpMaxSynBacklog: 262144,
      listenBacklog: 65535,
      localProxy: true,
      localPortRange: '1024 65535',
    },
    dns: {
      ipAddressType: 'dualstack',
      cellRecords: true,
      healthChecks: true,
      healthCheckRequestIntervalSeconds: 30,
      healthCheckFailureThreshold: 3,
    },
    server: { port: 8080, serviceName: 'chat', nodePackage: 'nodejs22', environment: { LOG_LEVEL: 'info' } },
  };

  it('a fully specified valid config has no issues at all', () => {
    expect(validateTier(valid)).toEqual([]);
  });

  it('the minimal config has no issues', () => {
    expect(validateTier(BASE)).toEqual([]);
  });

  it('reports every bad field at once, in config order', () => {
    const issues = validateTier({
      domainName: 'WS',
      cells: [{ name: 'a', weight: 300 }, { name: 'a' }],
      tlsPolicy: 'ELBSecurityPolicy-2016-08',
      connection: { albIdleTimeoutSeconds: 0, drainGraceSeconds: 601 },
      healthCheck: { intervalSeconds: 400 },
      host: { somaxconn: 10 },
      server: { port: 70000 },
    });
    expect(errorsOf(issues).map((i) => `${i.path} ${i.code}`)).toEqual([
      'domainName domain-invalid',
      'cells[0].weight out-of-range',
      'cells[1].name cell-name-duplicate',
      'tlsPolicy tls-policy-legacy',
      'connection.albIdleTimeoutSeconds out-of-range',
      'connection.drainGraceSeconds out-of-range',
      'healthCheck.intervalSeconds out-of-range',
      'host.somaxconn out-of-range',
      'server.port out-of-range',
    ]);
  });

  it('an out-of-range weight does not also claim every weight is zero', () => {
    const issues = validateTier(tier({ cells: [alb('a', { weight: 0 }), alb('b', { weight: 300 })] }));
    expect(issues.map((i) => i.code)).toEqual(['out-of-range']);
  });

  it('never throws on wrongly typed input; reports instead', () => {
    const bad = late<TierConfig>({
      domainName: 42,
      cells: [null, 'a', { name: 'b', scaling: 'big' }],
      ingressCidrs: '0.0.0.0/0',
      ingressIpv6Cidrs: 7,
      connection: { stickiness: 'yes', pingIntervalSeconds: '25' },
      healthCheck: { path: 5, healthyHttpCodes: 200 },
      host: { localPortRange: 1024 },
      server: { environment: 'X=1' },
      dns: 'dualstack',
    });
    let issues: Issue[] = [];
    expect(() => (issues = validateTier(bad))).not.toThrow();
    const paths = errorsOf(issues).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'domainName',
        'cells[0]',
        'cells[1]',
        'ingressCidrs',
        'connection.pingIntervalSeconds',
        'healthCheck.path',
        'healthCheck.healthyHttpCodes',
      ]),
    );
  });
});

describe('validateTier: late-bound values are skipped, not mis-validated', () => {
  const L = LATE_NUMBER;
  const lateEverywhere: TierConfig = {
    domainName: late<string>(),
    instanceType: late<string>(),
    tlsPolicy: late<string>(),
    ingressCidrs: [late<string>()],
    cells: [
      {
        name: 'a',
        weight: L,
        instanceType: late<string>(),
        scaling: { minCapacity: L, maxCapacity: L, desiredCapacity: L, targetConnectionsPerInstance: L },
      },
      nlbTcp('t'),
    ],
    connection: {
      pingIntervalSeconds: L,
      albIdleTimeoutSeconds: L,
      nlbTcpIdleTimeoutSeconds: L,
      drainWindowSeconds: L,
      drainGraceSeconds: L,
      albDeregistrationDelaySeconds: L,
      nlbDeregistrationDelaySeconds: L,
      lifecycleHookHeartbeatSeconds: L,
      nlbUnhealthyDrainingIntervalSeconds: L,
      longPollingFallback: true,
      stickiness: { cookieDurationSeconds: L, albType: late(), cookieName: late<string>() },
    },
    healthCheck: {
      path: late<string>(),
      port: 8081,
      intervalSeconds: L,
      timeoutSeconds: L,
      healthyThresholdCount: L,
      unhealthyThresholdCount: L,
      healthyHttpCodes: late<string>(),
    },
    scaling: {
      minCapacity: L,
      maxCapacity: L,
      desiredCapacity: L,
      targetConnectionsPerInstance: L,
      defaultInstanceWarmupSeconds: L,
      healthCheckGracePeriodSeconds: L,
      minHealthyPercentage: L,
      maxHealthyPercentage: L,
    },
    host: { fileDescriptorLimit: L, somaxconn: L, tcpMaxSynBacklog: L, listenBacklog: L, localProxy: true, localPortRange: late<string>() },
    dns: { healthChecks: true, healthCheckRequestIntervalSeconds: L, healthCheckFailureThreshold: L },
    server: { port: L, serviceName: late<string>(), nodePackage: late<string>(), environment: { TOKEN: late<string>() } },
  };

  it('a config made of late-bound values has no issues', () => {
    expect(validateTier(lateEverywhere, isLate)).toEqual([]);
  });

  it('the same markers without the predicate are reported (so the test above is meaningful)', () => {
    const codes = new Set(validateTier(lateEverywhere).map((i) => i.code));
    expect(codes).toEqual(expect.objectContaining({}));
    expect([...codes]).toEqual(expect.arrayContaining(['out-of-range', 'domain-invalid', 'not-a-string', 'cidr-invalid']));
  });

  it('a late-bound ping still lets concrete timers be checked against each other', () => {
    const issues = validateTier(tier({ connection: { pingIntervalSeconds: L, albDeregistrationDelaySeconds: 100 } }), isLate);
    expect(issues.map((i) => i.code)).toEqual(['drain-exceeds-alb-deregistration']);
  });

  it('a late-bound tier min does not leak into a cell comparison', () => {
    const issues = validateTier(tier({ scaling: { minCapacity: L }, cells: [alb('a', { scaling: { maxCapacity: 3 } })] }), isLate);
    expect(issues).toEqual([]);
  });
});

describe('issue helpers', () => {
  it('errorsOf and warningsOf split by severity', () => {
    const issues = validateTier(
      tier({ connection: { albIdleTimeoutSeconds: 40 }, scaling: { minHealthyPercentage: 90, minCapacity: 20 } }),
    );
    expect(errorsOf(issues).every((i) => i.severity === 'error')).toBe(true);
    expect(
      warningsOf(issues)
        .map((i) => i.code)
        .sort(),
    ).toEqual(['alb-idle-below-two-pings', 'terminate-before-launch']);
    expect(errorsOf(issues).map((i) => i.code)).toEqual(['min-above-max']);
  });

  it('the late marker is distinct from ordinary values', () => {
    expect(isLate(LATE)).toBe(true);
    expect(isLate({ lateBound: true })).toBe(false);
    expect(isLate(0)).toBe(false);
  });
});

describe('validateTier: mixed tiers apply each rule to the cells it concerns', () => {
  it('ALB idle below ping is not an error when only NLB TLS cells exist', () => {
    const issues = validateTier(tier({ cells: [nlbTls()], connection: { pingIntervalSeconds: 200 } }));
    expect(errorsOf(issues)).toEqual([]);
  });

  it('NLB TCP idle is accepted when at least one cell has a TCP listener', () => {
    const issues = validateTier(tier({ cells: [nlbTls('n'), nlbTcp('t'), alb('a')], connection: { nlbTcpIdleTimeoutSeconds: 900 } }));
    expect(errorsOf(issues)).toEqual([]);
  });

  it('long drains are fine on NLB-only tiers (connections outlive deregistration)', () => {
    const issues = validateTier(tier({ cells: [nlbTls()], connection: { drainWindowSeconds: 5400 } }));
    expect(errorsOf(issues)).toEqual([]);
  });

  it('source_ip stickiness is fine on TLS listener + TCP target', () => {
    const issues = validateTier(tier({ cells: [nlbTls('n', { nlbTargetProtocol: 'TCP' })], connection: { longPollingFallback: true } }));
    expect(errorsOf(issues)).toEqual([]);
  });

  it('TLS + TLS without stickiness is fine', () => {
    const issues = validateTier(tier({ cells: [nlbTls('n', { nlbTargetProtocol: 'TLS' })] }));
    expect(errorsOf(issues)).toEqual([]);
  });

  it('a separate plain-HTTP health port silences the TLS-port warning', () => {
    expect(validateTier(tier({ cells: [nlbTcp()], healthCheck: { port: 8081 } }))).toEqual([]);
  });
});
