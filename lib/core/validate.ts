/**
 * `validateTier()`: every rule a tier config must satisfy, returned all at once as `Issue[]`.
 * Nothing here throws and nothing is clamped: a value outside its range is an error naming the
 * field, the value, what is allowed and the fix. Late-bound values (CDK tokens, Pulumi outputs)
 * are skipped through the `isUnresolved` predicate.
 */
import { validateAllocator } from './allocator/validate';
import { validateBackplane } from './backplane';
import { validateEcsCells } from './ecs/validate';
import { sizeCell, validateTierCapacity } from './capacity/tier';
import { validateCellStates } from './cell-state';
import { validateOperations } from './operations/validate';
import type { CellConfig, TierConfig } from './config';
import { CAPACITY_DEFAULTS, DEFAULTS } from './defaults';
import { deployLimitIssues } from './deploy-limits';
import { checkFieldTypes } from './field-types';
import { isInstanceTypeName } from './instance-types';
import { isRenderedIssueCode, RENDERED_ISSUE_CODES } from './invariants/codes';
import { type Issue, IssueCollector, isPlainObject, type IsUnresolved, neverUnresolved } from './issues';
import { unknownKeyIssues } from './known-keys';
import {
  LIMITS,
  MAX_CELL_NAME_LENGTH,
  NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS,
  RESERVED_COOKIE_PREFIXES,
  ROUTE53_HEALTH_CHECK_INTERVALS,
} from './limits';
import { validateServerSecrets } from './server-secrets';
import { validateServerStartFields } from './server-start';
import { validateRelease } from './release';
import { classifyTlsPolicy, RECOMMENDED_TLS_POLICY } from './tls';
import { validateFleetCoupling } from './validate-fleet';
import { validateHostCoupling } from './validate-host';

const CELL_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ENV_KEY = /^[A-Z_][A-Z0-9_]*$/;
const SERVICE_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const NODE_PACKAGE = /^nodejs\d{2}$/;
const HTTP_CODES = /^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$/;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A value as it appears in a message: strings quoted, numbers with their unit. */
function show(value: unknown, unit = ''): string {
  if (typeof value === 'number') return unit ? `${value} ${unit}` : String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Check a tier config against AWS limits and the connection-profile rules.
 * @param input - the tier as the user wrote it
 * @param isUnresolved - tells late-bound values apart; they are not range-checked
 * @returns every issue found, errors and warnings, in config order
 */
export function validateTier(given: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  // BigInt, NaN, "false" for a boolean, a list for a string: reported, then left out (lib/core/field-types.ts).
  const input = checkFieldTypes(v, given);
  if (!Array.isArray(input.cells)) {
    v.error(
      'cells-missing',
      'cells',
      `cells is ${show(input.cells)}; it must be an array of 1–100 cells. Fix: add at least one cell, e.g. [{ name: "a" }].`,
    );
  }
  const config = checkShapes(v, input);
  const cells = config.cells;

  validateDomain(v, config, cells);
  validateCells(v, config, cells, input.cells);
  validateTls(v, config);
  validateIngress(v, config);
  validateConnection(v, config, cells);
  validateHealthCheck(v, config, cells);
  validateScaling(v, config, cells);
  validateHost(v, config);
  validateDns(v, config);
  validateServer(v, config);
  validateServerRuntime(v, config, cells);
  validateAcknowledge(v, input);
  // Renderer props extend TierConfig at the top level, so there only likely typos are reported.
  v.issues.push(...unknownKeyIssues(input, { isUnresolved, topLevel: 'likely-typos' }));
  v.issues.push(...validateTierCapacity(config, isUnresolved));
  v.issues.push(...validateCellStates(config, isUnresolved));
  v.issues.push(...validateOperations(input, isUnresolved));
  v.issues.push(...validateBackplane(input, isUnresolved));
  v.issues.push(...validateHostCoupling(config, isUnresolved)); // fd limit, backlog vs the plan (validate-host.ts)
  v.issues.push(...validateFleetCoupling(config, isUnresolved)); // grace, zero capacity, drain 0, socket.io (validate-fleet.ts)
  v.issues.push(...validateServerSecrets(config, isUnresolved)); // server.secrets, secret-looking environment (server-secrets.ts)
  // Release rules read each cell's sizes as resolve computes them (capacity plan included).
  const sizes = (i: number) => {
    const s = cells[i].scaling ?? {};
    return sizeCell(config, i, {
      minCapacity: s.minCapacity ?? config.scaling?.minCapacity,
      maxCapacity: s.maxCapacity ?? config.scaling?.maxCapacity,
      targetConnectionsPerInstance: undefined,
    });
  };
  v.issues.push(...validateRelease(config, sizes, isUnresolved));
  v.issues.push(...validateEcsCells(config, cells, isUnresolved));
  v.issues.push(...validateAllocator(config, isUnresolved)); // allocator (allocator/validate.ts)
  // Limits AWS enforces only at deploy (500 resources a stack, LCU ranges, name lengths): lib/core/deploy-limits.ts.
  v.issues.push(...deployLimitIssues(config, v.issues, isUnresolved));
  return v.issues;
}

/** Stands in for a cell entry that is not an object (reported once, then checked as an ALB cell with no name checks). */
const MALFORMED_CELL: CellConfig = Object.freeze({ name: '' });

/**
 * Report sections and lists of the wrong shape (plain JavaScript or JSON callers can pass
 * anything) and return a config every rule can read without throwing. Late-bound sections are
 * treated as empty: nothing inside them can be checked.
 */
function checkShapes(v: IssueCollector, config: TierConfig): TierConfig & { readonly cells: readonly CellConfig[] } {
  const section = <T>(path: string, value: T | undefined): T | undefined => {
    if (value === undefined) return undefined;
    if (!v.known(value)) return {} as T;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
    v.error(
      'not-an-object',
      path,
      `${path} is ${show(value)}; it must be an object of settings. Fix: use { … } with the documented fields, or leave it out for the defaults.`,
    );
    return {} as T;
  };
  const list = (path: string, value: readonly string[] | undefined): readonly string[] | undefined => {
    if (value === undefined || Array.isArray(value)) return value;
    // Reported once; later rules then read the list as absent rather than as empty.
    if (v.known(value))
      v.error(
        'not-a-list',
        path,
        `${path} is ${show(value)}; it must be a list of CIDR strings. Fix: wrap it in brackets, e.g. ["0.0.0.0/0"].`,
      );
    return undefined;
  };
  const cells = (Array.isArray(config.cells) ? config.cells : []).map((cell: CellConfig, i: number): CellConfig => {
    if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) {
      v.error('not-an-object', `cells[${i}]`, `cells[${i}] is ${show(cell)}; each cell must be an object. Fix: e.g. { name: "a" }.`);
      return MALFORMED_CELL;
    }
    return cell.scaling === undefined ? cell : { ...cell, scaling: section(`cells[${i}].scaling`, cell.scaling) };
  });
  const connection = section('connection', config.connection);
  const server = section('server', config.server);
  return {
    ...config,
    cells,
    ingressCidrs: list('ingressCidrs', config.ingressCidrs),
    ingressIpv6Cidrs: list('ingressIpv6Cidrs', config.ingressIpv6Cidrs),
    connection:
      connection && connection.stickiness !== undefined
        ? { ...connection, stickiness: section('connection.stickiness', connection.stickiness) }
        : connection,
    healthCheck: section('healthCheck', config.healthCheck),
    scaling: section('scaling', config.scaling),
    host: section('host', config.host),
    dns: section('dns', config.dns),
    server:
      server && server.environment !== undefined ? { ...server, environment: section('server.environment', server.environment) } : server,
  };
}

function lbType(cell: CellConfig): 'application' | 'network' {
  return cell.loadBalancerType ?? DEFAULTS.cell.loadBalancerType;
}

function nlbProtocol(cell: CellConfig): 'TCP' | 'TLS' {
  return cell.nlbListenerProtocol ?? DEFAULTS.cell.nlbListenerProtocol;
}

function cellLabel(cells: readonly CellConfig[], i: number): string {
  const name = cells[i]?.name;
  return typeof name === 'string' ? `cells[${i}] ('${name}')` : `cells[${i}]`;
}

function validateDomain(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[]): void {
  const d = config.domainName;
  if (!v.known(d)) {
    if (d === undefined)
      v.error('domain-missing', 'domainName', 'domainName is required. Fix: give the name clients connect to, e.g. "ws.example.com".');
    return;
  }
  const labels = typeof d === 'string' ? d.split('.') : [];
  if (typeof d !== 'string' || d.length > 253 || labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
    v.error(
      'domain-invalid',
      'domainName',
      `domainName is ${JSON.stringify(d)}; allowed: a lowercase DNS name of at least two labels, each 1–63 of [a-z0-9-] without leading or trailing hyphen, at most 253 characters, no trailing dot. Fix: e.g. "ws.example.com".`,
    );
    return;
  }
  const longest = cells.reduce((m, c) => Math.max(m, typeof c.name === 'string' ? c.name.length : 0), 0);
  if (longest > 0 && d.length + 1 + longest > 253) {
    v.error(
      'domain-too-long-for-cells',
      'domainName',
      `domainName "${d}" plus the longest cell name (${longest} characters) exceeds 253 characters for the per-cell name. Fix: shorten the domain or the cell names.`,
    );
  }
}

function validateCells(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[], given: unknown): void {
  const r = LIMITS.weightedRecordsPerName;
  if (Array.isArray(given) && (cells.length < r.min || cells.length > r.max)) {
    v.error(
      'cell-count',
      'cells',
      `cells has ${cells.length} entries; allowed ${r.min}–${r.max} (Route 53 allows at most 100 weighted records per name and type; ${r.source}). Fix: ${cells.length === 0 ? 'add a cell' : 'split the tier into several tiers under different names'}.`,
    );
  }
  const seen = new Map<string, number>();
  cells.forEach((cell, i) => {
    if (cell === MALFORMED_CELL) return;
    const p = `cells[${i}]`;
    const label = cellLabel(cells, i);
    if (v.known(cell.name)) {
      if (typeof cell.name !== 'string' || cell.name.length > MAX_CELL_NAME_LENGTH || !CELL_NAME.test(cell.name)) {
        v.error(
          'cell-name-invalid',
          `${p}.name`,
          `${p}.name is ${JSON.stringify(cell.name)}; allowed: 1–${MAX_CELL_NAME_LENGTH} characters of [a-z0-9-], no leading or trailing hyphen (it becomes a DNS label, a set identifier and a construct id). Fix: e.g. "a" or "use1-a".`,
        );
      } else if (seen.has(cell.name)) {
        v.error(
          'cell-name-duplicate',
          `${p}.name`,
          `${p}.name "${cell.name}" is already used by cells[${seen.get(cell.name)}]; cell names must be unique (they are Route 53 set identifiers). Fix: rename one of them.`,
        );
      } else {
        seen.set(cell.name, i);
      }
    } else if (cell.name === undefined) {
      v.error('cell-name-missing', `${p}.name`, `${p}.name is required. Fix: give each cell a short permanent name such as "a".`);
    } else {
      v.error(
        'cell-name-unresolved',
        `${p}.name`,
        `${p}.name is a late-bound value; cell names decide construct ids and DNS names and must be plain strings. Fix: pass a literal such as "a".`,
      );
    }
    const type = cell.loadBalancerType;
    if (type !== undefined && type !== 'application' && type !== 'network') {
      v.error(
        'lb-type-invalid',
        `${p}.loadBalancerType`,
        `${label}.loadBalancerType is ${JSON.stringify(type)}; allowed 'application' or 'network'. Fix: pick one.`,
      );
    }
    const isNlb = lbType(cell) === 'network';
    if (cell.nlbListenerProtocol !== undefined) {
      if (!isNlb) {
        v.error(
          'nlb-option-on-alb',
          `${p}.nlbListenerProtocol`,
          `${label}.nlbListenerProtocol is ${show(cell.nlbListenerProtocol)} but the cell is an application load balancer, which always listens HTTPS. Fix: remove it or set loadBalancerType: 'network'.`,
        );
      } else if (cell.nlbListenerProtocol !== 'TCP' && cell.nlbListenerProtocol !== 'TLS') {
        v.error(
          'nlb-protocol-invalid',
          `${p}.nlbListenerProtocol`,
          `${label}.nlbListenerProtocol is ${JSON.stringify(cell.nlbListenerProtocol)}; allowed 'TLS' or 'TCP'. Fix: pick one.`,
        );
      }
    }
    if (cell.nlbTargetProtocol !== undefined) {
      if (!isNlb || nlbProtocol(cell) !== 'TLS') {
        v.error(
          'nlb-target-protocol-unused',
          `${p}.nlbTargetProtocol`,
          `${label}.nlbTargetProtocol is ${show(cell.nlbTargetProtocol)} but only NLB cells with a TLS listener choose a target protocol (a TCP listener passes TLS through to a TCP target group). Fix: remove it.`,
        );
      } else if (cell.nlbTargetProtocol !== 'TCP' && cell.nlbTargetProtocol !== 'TLS') {
        v.error(
          'nlb-target-protocol-invalid',
          `${p}.nlbTargetProtocol`,
          `${label}.nlbTargetProtocol is ${JSON.stringify(cell.nlbTargetProtocol)}; allowed 'TCP' or 'TLS'. Fix: pick one.`,
        );
      }
    }
    v.int(`${p}.weight`, cell.weight, LIMITS.route53Weight);
    if (v.known(cell.instanceType) && !isInstanceTypeName(String(cell.instanceType))) {
      v.error(
        'instance-type-invalid',
        `${p}.instanceType`,
        `${label}.instanceType is ${JSON.stringify(cell.instanceType)}; expected an EC2 instance type such as 'm7g.large'. Fix: use a name from https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html.`,
      );
    }
  });
  if (cells.length > 0 && cells.every((cell) => cell.weight === 0)) {
    v.warn(
      'all-weights-zero',
      'cells',
      'every cell has weight 0; Route 53 then returns all records with equal probability, so weights mean nothing. Fix: give at least one cell a positive weight.',
    );
  }
  if (v.known(config.instanceType) && !isInstanceTypeName(String(config.instanceType))) {
    v.error(
      'instance-type-invalid',
      'instanceType',
      `instanceType is ${JSON.stringify(config.instanceType)}; expected an EC2 instance type such as 'm7g.large'. Fix: use a name from https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html.`,
    );
  }
}

function validateTls(v: IssueCollector, config: TierConfig): void {
  const policy = config.tlsPolicy;
  if (!v.known(policy)) return;
  const cls = classifyTlsPolicy(policy);
  if (cls === 'legacy') {
    v.error(
      'tls-policy-legacy',
      'tlsPolicy',
      `tlsPolicy is "${policy}", which still allows TLS 1.0/1.1; allowed: a TLS 1.2+ policy. Fix: use "${RECOMMENDED_TLS_POLICY}" (AWS's recommendation).`,
    );
  } else if (cls === 'unknown') {
    v.error(
      'tls-policy-unknown',
      'tlsPolicy',
      `tlsPolicy is "${policy}", which is not a known ELB security policy offering TLS 1.2+ (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html). Fix: use "${RECOMMENDED_TLS_POLICY}" or another ELBSecurityPolicy-TLS13-1-2-* name.`,
    );
  } else if (cls === 'tls13-only' && (config.dns?.healthChecks ?? DEFAULTS.dns.healthChecks)) {
    v.error(
      'tls13-only-breaks-route53-checks',
      'tlsPolicy',
      `tlsPolicy is "${policy}" (TLS 1.3 only) while dns.healthChecks is on; Route 53 HTTPS health checkers need TLS 1.2 or lower, so every cell would be marked unhealthy. Fix: use "${RECOMMENDED_TLS_POLICY}" or turn dns.healthChecks off.`,
    );
  }
}

function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function isIpv6Cidr(s: string): boolean {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(s);
  if (!m || Number(m[2]) > 128) return false;
  const halves = m[1].split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)))) return false;
  const n = groups.reduce((sum, g) => sum + g.length, 0);
  return halves.length === 2 ? n <= 7 : n === 8;
}

function validateIngress(v: IssueCollector, config: TierConfig): void {
  const dual = (config.dns?.ipAddressType ?? DEFAULTS.dns.ipAddressType) === 'dualstack';
  (config.ingressCidrs ?? []).forEach((c, i) => {
    if (v.known(c) && !isIpv4Cidr(c)) {
      v.error(
        'cidr-invalid',
        `ingressCidrs[${i}]`,
        `ingressCidrs[${i}] is ${JSON.stringify(c)}; allowed: an IPv4 CIDR such as "203.0.113.0/24". Fix: correct it (IPv6 ranges go in ingressIpv6Cidrs).`,
      );
    }
  });
  if (config.ingressIpv6Cidrs !== undefined && !dual) {
    v.error(
      'ipv6-cidrs-without-dualstack',
      'ingressIpv6Cidrs',
      `ingressIpv6Cidrs is ${show(config.ingressIpv6Cidrs)} but dns.ipAddressType is 'ipv4', so no IPv6 listener exists. Fix: set dns.ipAddressType: 'dualstack' or remove ingressIpv6Cidrs.`,
    );
  }
  (config.ingressIpv6Cidrs ?? []).forEach((c, i) => {
    if (v.known(c) && !isIpv6Cidr(c)) {
      v.error(
        'cidr-invalid',
        `ingressIpv6Cidrs[${i}]`,
        `ingressIpv6Cidrs[${i}] is ${JSON.stringify(c)}; allowed: an IPv6 CIDR such as "2001:db8::/32". Fix: correct it.`,
      );
    }
  });
  const v4 = config.ingressCidrs ?? DEFAULTS.ingressCidrs;
  const v6 = dual ? (config.ingressIpv6Cidrs ?? DEFAULTS.ingressIpv6Cidrs) : [];
  if (v4.length === 0 && v6.length === 0) {
    v.warn(
      'no-ingress',
      'ingressCidrs',
      'ingressCidrs is empty, so no client can reach the load balancers. Fix: list the client ranges, or ignore this if you add rules to cell.connections yourself.',
    );
  }
}

function validateConnection(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[]): void {
  const c = config.connection ?? {};
  const P = 'connection';
  const hasAlb = cells.some((x) => lbType(x) === 'application');
  const hasNlbTcp = cells.some((x) => lbType(x) === 'network' && nlbProtocol(x) === 'TCP');
  const hasNlbTls = cells.some((x) => lbType(x) === 'network' && nlbProtocol(x) === 'TLS');
  const hasNlb = hasNlbTcp || hasNlbTls;

  const pingOk = v.int(`${P}.pingIntervalSeconds`, c.pingIntervalSeconds, { min: 1, max: 3600 }, 's');
  const ping = v.effectiveOf(pingOk, c.pingIntervalSeconds, DEFAULTS.connection.pingIntervalSeconds);

  // ALB idle timeout
  if (c.albIdleTimeoutSeconds !== undefined && !hasAlb) {
    v.error(
      'alb-idle-unused',
      `${P}.albIdleTimeoutSeconds`,
      `${P}.albIdleTimeoutSeconds is ${show(c.albIdleTimeoutSeconds, 's')} but no cell is an application load balancer, so it would be ignored. Fix: remove it or add an ALB cell.`,
    );
  }
  const albIdleOk = v.int(`${P}.albIdleTimeoutSeconds`, c.albIdleTimeoutSeconds, LIMITS.albIdleTimeoutSeconds, 's');
  const albIdle = v.effectiveOf(albIdleOk, c.albIdleTimeoutSeconds, DEFAULTS.connection.albIdleTimeoutSeconds);
  if (hasAlb && ping !== undefined && albIdle !== undefined) {
    if (ping >= albIdle) {
      v.error(
        'ping-not-below-alb-idle',
        `${P}.pingIntervalSeconds`,
        `${P}.pingIntervalSeconds is ${ping} s but the ALB idle timeout is ${albIdle} s; the ALB closes a connection that carries no data for its idle timeout, so idle sockets would be cut. Allowed: ping interval < ALB idle timeout. Fix: lower pingIntervalSeconds (e.g. ${Math.max(1, Math.floor(albIdle / 4))}) or raise albIdleTimeoutSeconds above ${ping}.`,
      );
    } else if (albIdle < 2 * ping) {
      v.warn(
        'alb-idle-below-two-pings',
        `${P}.albIdleTimeoutSeconds`,
        `${P}.albIdleTimeoutSeconds is ${albIdle} s, less than two ping intervals (${ping} s): one delayed ping cuts the connection. Fix: raise it to at least ${2 * ping} s (4× the ping interval is recommended).`,
      );
    }
  }

  // NLB TCP idle timeout
  if (c.nlbTcpIdleTimeoutSeconds !== undefined && !hasNlbTcp) {
    v.error(
      'nlb-tcp-idle-without-tcp-listener',
      `${P}.nlbTcpIdleTimeoutSeconds`,
      `${P}.nlbTcpIdleTimeoutSeconds is ${show(c.nlbTcpIdleTimeoutSeconds, 's')} but no cell has an NLB TCP listener; TLS listeners fix the idle timeout at ${NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS} s and cannot change it (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html). Fix: remove it, or use nlbListenerProtocol: 'TCP' with TLS on the instances.`,
    );
  }
  const nlbIdleOk = v.int(`${P}.nlbTcpIdleTimeoutSeconds`, c.nlbTcpIdleTimeoutSeconds, LIMITS.nlbTcpIdleTimeoutSeconds, 's');
  const nlbIdle = v.effectiveOf(nlbIdleOk, c.nlbTcpIdleTimeoutSeconds, DEFAULTS.connection.nlbTcpIdleTimeoutSeconds);
  if (hasNlbTcp && ping !== undefined && nlbIdle !== undefined && ping >= nlbIdle) {
    v.error(
      'ping-not-below-nlb-idle',
      `${P}.pingIntervalSeconds`,
      `${P}.pingIntervalSeconds is ${ping} s but the NLB TCP idle timeout is ${nlbIdle} s; idle flows would be reset. Allowed: ping interval < NLB TCP idle timeout. Fix: lower pingIntervalSeconds or raise nlbTcpIdleTimeoutSeconds.`,
    );
  }
  if (hasNlbTls && ping !== undefined && ping >= NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS) {
    v.error(
      'ping-not-below-nlb-tls-idle',
      `${P}.pingIntervalSeconds`,
      `${P}.pingIntervalSeconds is ${ping} s but NLB TLS listeners close idle flows after a fixed ${NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS} s. Allowed: ping interval < ${NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS} s. Fix: lower pingIntervalSeconds (25–30 s is usual).`,
    );
  }

  // Drain window, grace, deregistration delay, lifecycle hook
  const drainOk = v.int(`${P}.drainWindowSeconds`, c.drainWindowSeconds, { min: 0, max: 7170 }, 's');
  const graceOk = v.int(`${P}.drainGraceSeconds`, c.drainGraceSeconds, LIMITS.drainGraceSeconds, 's');
  const drain = v.effectiveOf(drainOk, c.drainWindowSeconds, DEFAULTS.connection.drainWindowSeconds);
  const grace = v.effectiveOf(graceOk, c.drainGraceSeconds, DEFAULTS.connection.drainGraceSeconds);
  const need = drain !== undefined && grace !== undefined ? drain + grace : undefined;

  if (c.albDeregistrationDelaySeconds !== undefined && !hasAlb) {
    v.error(
      'alb-deregistration-unused',
      `${P}.albDeregistrationDelaySeconds`,
      `${P}.albDeregistrationDelaySeconds is ${show(c.albDeregistrationDelaySeconds, 's')} but no cell is an application load balancer. Fix: remove it.`,
    );
  }
  if (c.nlbDeregistrationDelaySeconds !== undefined && !hasNlb) {
    v.error(
      'nlb-deregistration-unused',
      `${P}.nlbDeregistrationDelaySeconds`,
      `${P}.nlbDeregistrationDelaySeconds is ${show(c.nlbDeregistrationDelaySeconds, 's')} but no cell is a network load balancer. Fix: remove it.`,
    );
  }
  if (c.nlbUnhealthyDrainingIntervalSeconds !== undefined && !hasNlb) {
    v.error(
      'nlb-draining-interval-unused',
      `${P}.nlbUnhealthyDrainingIntervalSeconds`,
      `${P}.nlbUnhealthyDrainingIntervalSeconds is ${show(c.nlbUnhealthyDrainingIntervalSeconds, 's')} but no cell is a network load balancer. Fix: remove it.`,
    );
  }
  const albDeregOk = v.int(`${P}.albDeregistrationDelaySeconds`, c.albDeregistrationDelaySeconds, LIMITS.deregistrationDelaySeconds, 's');
  const nlbDeregOk = v.int(`${P}.nlbDeregistrationDelaySeconds`, c.nlbDeregistrationDelaySeconds, LIMITS.deregistrationDelaySeconds, 's');
  v.int(`${P}.nlbUnhealthyDrainingIntervalSeconds`, c.nlbUnhealthyDrainingIntervalSeconds, LIMITS.nlbUnhealthyDrainingIntervalSeconds, 's');
  if (nlbDeregOk && hasNlb && c.nlbDeregistrationDelaySeconds! < 120) {
    v.warn(
      'nlb-deregistration-short',
      `${P}.nlbDeregistrationDelaySeconds`,
      `${P}.nlbDeregistrationDelaySeconds is ${c.nlbDeregistrationDelaySeconds} s; AWS recommends at least 120 s for NLB target groups. Fix: raise it to 120 or more.`,
    );
  }
  if (hasAlb && need !== undefined) {
    if (albDeregOk) {
      if (c.albDeregistrationDelaySeconds! < need) {
        v.error(
          'drain-exceeds-alb-deregistration',
          `${P}.albDeregistrationDelaySeconds`,
          `${P}.albDeregistrationDelaySeconds is ${c.albDeregistrationDelaySeconds} s but the drain window plus grace is ${drain} + ${grace} = ${need} s; the ALB may cut sockets still open when the delay ends (assumed; AWS does not document otherwise), so the drain must fit it. Fix: raise albDeregistrationDelaySeconds to at least ${need} or shorten drainWindowSeconds.`,
        );
      }
    } else if (c.albDeregistrationDelaySeconds === undefined && need > LIMITS.deregistrationDelaySeconds.max) {
      v.error(
        'drain-exceeds-alb-maximum',
        `${P}.drainWindowSeconds`,
        `${P}.drainWindowSeconds + drainGraceSeconds is ${drain} + ${grace} = ${need} s, but ALB cells drain within the deregistration delay, at most 3600 s (${LIMITS.deregistrationDelaySeconds.source}). Fix: keep drain window + grace ≤ 3600 s, or move long-drain cells to NLB (connections there outlive deregistration).`,
      );
    }
  }
  const hbOk = v.int(`${P}.lifecycleHookHeartbeatSeconds`, c.lifecycleHookHeartbeatSeconds, LIMITS.lifecycleHookHeartbeatSeconds, 's');
  if (need !== undefined) {
    if (hbOk) {
      if (c.lifecycleHookHeartbeatSeconds! < need) {
        v.error(
          'drain-exceeds-lifecycle-heartbeat',
          `${P}.lifecycleHookHeartbeatSeconds`,
          `${P}.lifecycleHookHeartbeatSeconds is ${c.lifecycleHookHeartbeatSeconds} s but the drain window plus grace is ${need} s; the termination hook would time out mid-drain. Fix: raise it to at least ${need} s (max 7200) or shorten drainWindowSeconds.`,
        );
      }
    } else if (c.lifecycleHookHeartbeatSeconds === undefined && need > LIMITS.lifecycleHookHeartbeatSeconds.max) {
      v.error(
        'drain-exceeds-heartbeat-maximum',
        `${P}.drainWindowSeconds`,
        `${P}.drainWindowSeconds + drainGraceSeconds is ${drain} + ${grace} = ${need} s, above the 7200 s maximum lifecycle-hook heartbeat (${LIMITS.lifecycleHookHeartbeatSeconds.source}). Fix: keep drain window + grace ≤ 7200 s.`,
      );
    }
  }
  if (drain !== undefined && ping !== undefined && drain > 0 && drain < ping) {
    v.warn(
      'drain-shorter-than-ping',
      `${P}.drainWindowSeconds`,
      `${P}.drainWindowSeconds is ${drain} s, shorter than one ping interval (${ping} s); reconnects will bunch together. Fix: use a drain window of several minutes.`,
    );
  }

  // Long polling and stickiness
  const s = c.stickiness ?? {};
  const longPolling = c.longPollingFallback ?? DEFAULTS.connection.longPollingFallback;
  const enabled = s.enabled ?? longPolling;
  if (longPolling && s.enabled === false) {
    v.error(
      'long-polling-needs-stickiness',
      `${P}.stickiness.enabled`,
      `${P}.stickiness.enabled is false while longPollingFallback is true; pre-upgrade polling requests would land on other instances and fail with HTTP 400 "Session ID unknown" (https://socket.io/docs/v4/using-multiple-nodes). Fix: enable stickiness, or set longPollingFallback: false and have clients use transports: ['websocket'].`,
    );
  }
  if (v.known(s.albType) && s.albType !== 'lb_cookie' && s.albType !== 'app_cookie') {
    v.error(
      'stickiness-type-invalid',
      `${P}.stickiness.albType`,
      `${P}.stickiness.albType is ${JSON.stringify(s.albType)}; allowed 'lb_cookie' or 'app_cookie' (NLB cells always use 'source_ip'). Fix: pick one.`,
    );
  }
  v.int(`${P}.stickiness.cookieDurationSeconds`, s.cookieDurationSeconds, LIMITS.cookieDurationSeconds, 's');
  const albType = s.albType ?? DEFAULTS.connection.albStickinessType;
  if (albType === 'app_cookie' && enabled && hasAlb) {
    if (s.cookieName === undefined) {
      v.error(
        'app-cookie-needs-name',
        `${P}.stickiness.cookieName`,
        `${P}.stickiness.albType is 'app_cookie' but no cookieName is given. Fix: set cookieName to your application's cookie (socket.io: "io"), or use albType: 'lb_cookie'.`,
      );
    }
  }
  if (s.cookieName !== undefined && v.known(s.cookieName)) {
    if (albType !== 'app_cookie') {
      v.error(
        'cookie-name-unused',
        `${P}.stickiness.cookieName`,
        `${P}.stickiness.cookieName is ${show(s.cookieName)} but albType is '${albType}', which ignores it. Fix: set albType: 'app_cookie' or remove cookieName.`,
      );
    } else if (!COOKIE_NAME.test(s.cookieName) || RESERVED_COOKIE_PREFIXES.some((p) => s.cookieName!.startsWith(p))) {
      v.error(
        'cookie-name-invalid',
        `${P}.stickiness.cookieName`,
        `${P}.stickiness.cookieName is ${JSON.stringify(s.cookieName)}; allowed: a cookie token not starting with ${RESERVED_COOKIE_PREFIXES.join(', ')} (reserved by AWS). Fix: use your application's own cookie name.`,
      );
    }
  }
  if (enabled) {
    cells.forEach((cell, i) => {
      if (lbType(cell) === 'network' && nlbProtocol(cell) === 'TLS' && cell.nlbTargetProtocol === 'TLS') {
        v.error(
          'source-ip-stickiness-tls-tls',
          `cells[${i}].nlbTargetProtocol`,
          `${cellLabel(cells, i)} combines a TLS listener with a TLS target group (nlbTargetProtocol is 'TLS'), where AWS does not support source_ip stickiness, but stickiness is on${longPolling ? ' (longPollingFallback requires it)' : ''}. Fix: use nlbTargetProtocol: 'TCP' (TLS ends at the NLB), or an ALB cell.`,
        );
      }
    });
  }
}

function validateHealthCheck(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[]): void {
  const h = config.healthCheck ?? {};
  const P = 'healthCheck';
  if (v.known(h.path) && (typeof h.path !== 'string' || !h.path.startsWith('/') || h.path.length > 1024 || /\s/.test(h.path))) {
    v.error(
      'health-path-invalid',
      `${P}.path`,
      `${P}.path is ${JSON.stringify(h.path)}; allowed: an absolute HTTP path of at most 1024 characters without spaces. Fix: e.g. "/healthz" (a plain HTTP endpoint, never the WebSocket path).`,
    );
  }
  v.int(`${P}.port`, h.port, LIMITS.port);
  // NLB cells whose instances receive TLS on the application port (TCP pass-through, or TLS
  // re-encryption) cannot answer the target group's plain-HTTP health check on that same port.
  const serverPort = config.server?.port ?? DEFAULTS.server.port;
  const healthPort = h.port ?? serverPort;
  if (v.known(serverPort) && v.known(healthPort) && healthPort === serverPort) {
    const tls = cells.flatMap((c, i) =>
      lbType(c) === 'network' && (nlbProtocol(c) === 'TCP' || c.nlbTargetProtocol === 'TLS') ? [cellLabel(cells, i)] : [],
    );
    if (tls.length > 0) {
      v.warn(
        'health-check-on-tls-port',
        `${P}.port`,
        `${P}.port is ${healthPort}${h.port === undefined ? ' (the application port)' : ''}, but ${tls.join(', ')} ${tls.length === 1 ? 'sends' : 'send'} TLS to the instances on port ${serverPort}, while target-group health checks are plain HTTP; they fail unless the server also answers plain HTTP there. Fix: set healthCheck.port to a separate plain-HTTP port (e.g. ${serverPort === 65535 ? serverPort - 1 : serverPort + 1}), or terminate TLS at the NLB (nlbListenerProtocol: 'TLS', nlbTargetProtocol: 'TCP').`,
      );
    }
  }
  const iOk = v.int(`${P}.intervalSeconds`, h.intervalSeconds, LIMITS.healthCheckIntervalSeconds, 's');
  const tOk = v.int(`${P}.timeoutSeconds`, h.timeoutSeconds, LIMITS.healthCheckTimeoutSeconds, 's');
  v.int(`${P}.healthyThresholdCount`, h.healthyThresholdCount, LIMITS.healthCheckThresholdCount);
  v.int(`${P}.unhealthyThresholdCount`, h.unhealthyThresholdCount, LIMITS.healthCheckThresholdCount);
  const interval = v.effectiveOf(iOk, h.intervalSeconds, DEFAULTS.healthCheck.intervalSeconds);
  const timeout = v.effectiveOf(tOk, h.timeoutSeconds, DEFAULTS.healthCheck.timeoutSeconds);
  if (interval !== undefined && timeout !== undefined && timeout >= interval) {
    v.error(
      'health-timeout-not-below-interval',
      `${P}.timeoutSeconds`,
      `${P}.timeoutSeconds is ${timeout} s but the interval is ${interval} s; the timeout must be shorter than the interval. Fix: lower timeoutSeconds below ${interval} or raise intervalSeconds.`,
    );
  }
  if (v.known(h.healthyHttpCodes)) {
    const codes = h.healthyHttpCodes;
    if (typeof codes !== 'string' || !HTTP_CODES.test(codes)) {
      v.error(
        'health-codes-invalid',
        `${P}.healthyHttpCodes`,
        `${P}.healthyHttpCodes is ${JSON.stringify(codes)}; allowed: codes or ranges like "200", "200-299" or "200,204". Fix: use "200".`,
      );
    } else {
      const nums = codes.split(/[,-]/).map(Number);
      const hasAlb = cells.some((c) => lbType(c) === 'application');
      const r = hasAlb ? LIMITS.albHealthyHttpCode : LIMITS.nlbHealthyHttpCode;
      if (nums.some((n) => n < r.min || n > r.max)) {
        v.error(
          'health-codes-out-of-range',
          `${P}.healthyHttpCodes`,
          `${P}.healthyHttpCodes is "${codes}"; allowed ${r.min}–${r.max}${hasAlb ? ' (ALB target groups)' : ' (NLB target groups)'} (${r.source}). Fix: use "200".`,
        );
      }
    }
  }
}

function validateScalingBlock(
  v: IssueCollector,
  prefix: string,
  s: { minCapacity?: number; maxCapacity?: number; desiredCapacity?: number; targetConnectionsPerInstance?: number },
  inherited: { min?: number; max?: number; desired?: number },
): void {
  const minOk = v.int(`${prefix}.minCapacity`, s.minCapacity, { min: 0, max: 10000 });
  const maxOk = v.int(`${prefix}.maxCapacity`, s.maxCapacity, { min: 1, max: 10000 });
  const desOk = v.int(`${prefix}.desiredCapacity`, s.desiredCapacity, { min: 0, max: 10000 });
  v.int(`${prefix}.targetConnectionsPerInstance`, s.targetConnectionsPerInstance, { min: 1, max: 10_000_000 });
  const min = v.effectiveOf(minOk, s.minCapacity, inherited.min);
  const max = v.effectiveOf(maxOk, s.maxCapacity, inherited.max);
  if (min !== undefined && max !== undefined && min > max) {
    v.error(
      'min-above-max',
      `${prefix}.minCapacity`,
      `${prefix}.minCapacity is ${min} but maxCapacity is ${max}; allowed: minCapacity ≤ maxCapacity. Fix: lower minCapacity or raise maxCapacity.`,
    );
  }
  const desired = v.effectiveOf(desOk, s.desiredCapacity, inherited.desired);
  if (desired !== undefined && ((min !== undefined && desired < min) || (max !== undefined && desired > max))) {
    const from = desOk ? '' : ' (inherited from scaling.desiredCapacity)';
    const fix = desOk
      ? 'adjust it, or leave it unset so scaling decides'
      : `set ${prefix}.desiredCapacity within that range, or remove scaling.desiredCapacity so scaling decides`;
    v.error(
      'desired-outside-min-max',
      `${prefix}.desiredCapacity`,
      `${prefix}.desiredCapacity is ${desired}${from} but must lie within minCapacity ${min} and maxCapacity ${max}. Fix: ${fix}.`,
    );
  }
}

function validateScaling(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[]): void {
  const s = config.scaling ?? {};
  const P = 'scaling';
  if (s.signal !== undefined && s.signal !== 'connection-gauge' && s.signal !== 'load-balancer-connections') {
    v.error(
      'scaling-signal-invalid',
      `${P}.signal`,
      `${P}.signal is ${JSON.stringify(s.signal)}; allowed 'connection-gauge' or 'load-balancer-connections' (never CPU or request count: idle WebSockets use neither). Fix: pick one.`,
    );
  }
  // What a cell inherits: only concrete, in-range tier values take part in a cell's cross-checks.
  const concrete = (x: number | undefined, lo: number): number | undefined =>
    v.known(x) && typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= 10000 ? x : undefined;
  const tierMin = s.minCapacity === undefined ? DEFAULTS.scaling.minCapacity : concrete(s.minCapacity, 0);
  const tierMax = s.maxCapacity === undefined ? DEFAULTS.scaling.maxCapacity : concrete(s.maxCapacity, 1);
  const tierDesired = concrete(s.desiredCapacity, 0);
  validateScalingBlock(v, P, s, { min: DEFAULTS.scaling.minCapacity, max: DEFAULTS.scaling.maxCapacity });
  cells.forEach((cell, i) => {
    const cs = cell.scaling;
    if (!cs) return;
    // A cell that sets none of min/max/desired has the tier's sizes, already checked above.
    const sizes = cs.minCapacity !== undefined || cs.maxCapacity !== undefined || cs.desiredCapacity !== undefined;
    validateScalingBlock(v, `cells[${i}].scaling`, cs, sizes ? { min: tierMin, max: tierMax, desired: tierDesired } : {});
  });
  v.int(`${P}.defaultInstanceWarmupSeconds`, s.defaultInstanceWarmupSeconds, LIMITS.defaultInstanceWarmupSeconds, 's');
  v.int(`${P}.healthCheckGracePeriodSeconds`, s.healthCheckGracePeriodSeconds, LIMITS.healthCheckGracePeriodSeconds, 's');
  const minOk = v.int(`${P}.minHealthyPercentage`, s.minHealthyPercentage, LIMITS.minHealthyPercentage, '%');
  const maxOk = v.int(`${P}.maxHealthyPercentage`, s.maxHealthyPercentage, LIMITS.maxHealthyPercentage, '%');
  const minH = v.effectiveOf(minOk, s.minHealthyPercentage, DEFAULTS.scaling.minHealthyPercentage);
  const maxH = v.effectiveOf(maxOk, s.maxHealthyPercentage, DEFAULTS.scaling.maxHealthyPercentage);
  if (minH !== undefined && maxH !== undefined && maxH - minH > 100) {
    v.error(
      'maintenance-spread-too-wide',
      `${P}.maxHealthyPercentage`,
      `${P}.maxHealthyPercentage (${maxH}) minus minHealthyPercentage (${minH}) is ${maxH - minH}; AWS allows at most 100 (${LIMITS.maxHealthyPercentage.source}). Fix: narrow the range, e.g. 100 and 150.`,
    );
  }
  if (minH !== undefined && minH < 100) {
    v.warn(
      'terminate-before-launch',
      `${P}.minHealthyPercentage`,
      `${P}.minHealthyPercentage is ${minH}: replacements may terminate an instance (dropping its sockets) before its successor is in service. Fix: use 100 with maxHealthyPercentage above 100 (launch before terminate).`,
    );
  }
}

function validateHost(v: IssueCollector, config: TierConfig): void {
  const h = config.host ?? {};
  const P = 'host';
  v.int(`${P}.fileDescriptorLimit`, h.fileDescriptorLimit, LIMITS.fileDescriptorLimit);
  const soOk = v.int(`${P}.somaxconn`, h.somaxconn, LIMITS.somaxconn);
  v.int(`${P}.tcpMaxSynBacklog`, h.tcpMaxSynBacklog, LIMITS.tcpMaxSynBacklog);
  const blOk = v.int(`${P}.listenBacklog`, h.listenBacklog, { min: 1, max: 65535 });
  const somax = v.effectiveOf(soOk, h.somaxconn, DEFAULTS.host.somaxconn);
  // Only an explicit backlog can exceed somaxconn: the default follows somaxconn (see resolveTier).
  const backlog = blOk ? h.listenBacklog! : undefined;
  if (somax !== undefined && backlog !== undefined && backlog > somax) {
    v.error(
      'backlog-above-somaxconn',
      `${P}.listenBacklog`,
      `${P}.listenBacklog is ${backlog} but somaxconn is ${somax}; the kernel silently caps the backlog at somaxconn. Fix: raise somaxconn to ${backlog} or lower listenBacklog.`,
    );
  }
  if (v.known(h.localPortRange)) {
    if (!(h.localProxy ?? DEFAULTS.host.localProxy)) {
      v.error(
        'port-range-without-proxy',
        `${P}.localPortRange`,
        `${P}.localPortRange is ${show(h.localPortRange)} but localProxy is false, so it would not be written. Fix: set localProxy: true or remove localPortRange.`,
      );
    }
    const m = /^(\d+) (\d+)$/.exec(String(h.localPortRange));
    const r = LIMITS.localPort;
    if (!m || Number(m[1]) < r.min || Number(m[2]) > r.max || Number(m[1]) >= Number(m[2])) {
      v.error(
        'port-range-invalid',
        `${P}.localPortRange`,
        `${P}.localPortRange is ${JSON.stringify(h.localPortRange)}; allowed "LOW HIGH" with ${r.min} ≤ LOW < HIGH ≤ ${r.max}. Fix: e.g. "1024 65535".`,
      );
    }
  }
}

function validateDns(v: IssueCollector, config: TierConfig): void {
  const d = config.dns ?? {};
  const P = 'dns';
  if (d.ipAddressType !== undefined && d.ipAddressType !== 'ipv4' && d.ipAddressType !== 'dualstack') {
    v.error(
      'ip-address-type-invalid',
      `${P}.ipAddressType`,
      `${P}.ipAddressType is ${JSON.stringify(d.ipAddressType)}; allowed 'ipv4' or 'dualstack'. Fix: pick one.`,
    );
  }
  const healthChecks = d.healthChecks ?? DEFAULTS.dns.healthChecks;
  if (healthChecks && d.cellRecords === false) {
    v.error(
      'health-checks-need-cell-records',
      `${P}.healthChecks`,
      `${P}.healthChecks is true but cellRecords is false; each Route 53 health check probes its cell's direct name. Fix: enable cellRecords or disable healthChecks.`,
    );
  }
  if (!healthChecks && (d.healthCheckRequestIntervalSeconds !== undefined || d.healthCheckFailureThreshold !== undefined)) {
    v.error(
      'health-check-options-unused',
      `${P}.healthChecks`,
      `${[d.healthCheckRequestIntervalSeconds === undefined ? '' : `${P}.healthCheckRequestIntervalSeconds is ${show(d.healthCheckRequestIntervalSeconds)}`, d.healthCheckFailureThreshold === undefined ? '' : `${P}.healthCheckFailureThreshold is ${show(d.healthCheckFailureThreshold)}`].filter(Boolean).join(' and ')}, but healthChecks is off, so they would be ignored. Fix: set healthChecks: true or remove them.`,
    );
  }
  const ri = d.healthCheckRequestIntervalSeconds;
  if (v.known(ri) && !(ROUTE53_HEALTH_CHECK_INTERVALS as readonly number[]).includes(ri)) {
    v.error(
      'route53-interval-invalid',
      `${P}.healthCheckRequestIntervalSeconds`,
      `${P}.healthCheckRequestIntervalSeconds is ${ri}; Route 53 accepts only 10 or 30 (${LIMITS.route53HealthCheckFailureThreshold.source}). Fix: use 30 (or 10, billed as fast interval).`,
    );
  }
  v.int(`${P}.healthCheckFailureThreshold`, d.healthCheckFailureThreshold, LIMITS.route53HealthCheckFailureThreshold);
}

function validateServer(v: IssueCollector, config: TierConfig): void {
  const s = config.server ?? {};
  const P = 'server';
  if (v.int(`${P}.port`, s.port, LIMITS.port) && s.port === 22) {
    v.error('server-port-ssh', `${P}.port`, `${P}.port is 22, the SSH port. Fix: use an unprivileged port such as 8080.`);
  }
  if (v.known(s.serviceName) && !SERVICE_NAME.test(String(s.serviceName))) {
    v.error(
      'service-name-invalid',
      `${P}.serviceName`,
      `${P}.serviceName is ${JSON.stringify(s.serviceName)}; allowed 1–64 of [a-zA-Z0-9_-]. Fix: e.g. "websocket-server".`,
    );
  }
  if (v.known(s.nodePackage) && !NODE_PACKAGE.test(String(s.nodePackage))) {
    v.error(
      'node-package-invalid',
      `${P}.nodePackage`,
      `${P}.nodePackage is ${JSON.stringify(s.nodePackage)}; allowed an Amazon Linux 2023 package name like "nodejs22". Fix: use "nodejs22".`,
    );
  }
  for (const [k, val] of Object.entries(s.environment ?? {})) {
    if (!ENV_KEY.test(k)) {
      v.error(
        'env-key-invalid',
        `${P}.environment.${k}`,
        `${P}.environment key ${JSON.stringify(k)} is not a valid variable name; allowed [A-Z_][A-Z0-9_]*. Fix: rename it.`,
      );
    } else if (k.startsWith('WST_')) {
      v.error(
        'env-key-reserved',
        `${P}.environment.${k}`,
        `${P}.environment key "${k}" uses the reserved WST_ prefix; the library derives those from the tier. Fix: rename it or set the matching tier field instead.`,
      );
    }
    if (v.known(val) && /[\n\r]/.test(String(val))) {
      v.error(
        'env-value-multiline',
        `${P}.environment.${k}`,
        `${P}.environment.${k} is ${show(val)}, which contains a line break, which systemd environment files cannot hold. Fix: remove the line break.`,
      );
    } else if (v.known(val) && /["'\\]/.test(String(val))) {
      // systemd.exec(5) EnvironmentFile=: quotes are removed and backslashes start escapes, so the
      // server would see a different value than the one configured.
      v.error(
        'env-value-quoting',
        `${P}.environment.${k}`,
        `${P}.environment.${k} is ${show(val)}, which contains a quote or backslash; systemd's EnvironmentFile= strips quotes and interprets backslash escapes, so the server would receive a different value. Allowed: values without ', " or \\. Fix: remove them, or pass the value another way (e.g. a file the server reads).`,
      );
    }
  }
  // command, artifact, preStart, unitProvidedByImage (lib/core/server-start.ts)
  validateServerStartFields(v, s);
}

/** `acknowledge`: known `rendered-*` codes only, cells the tier has (codes in lib/core/invariants/codes.ts). */
function validateAcknowledge(v: IssueCollector, config: TierConfig): void {
  const list: unknown = config.acknowledge;
  if (!v.known(list)) return;
  const P = 'acknowledge';
  const shape = `a list of post-synthesis codes or { code, cells?, reason? } entries`;
  if (!Array.isArray(list)) {
    v.error('acknowledge-invalid', P, `${P} is ${show(list)}; it must be ${shape}. Fix: e.g. ['rendered-stickiness-off'].`);
    return;
  }
  const names = new Set((Array.isArray(config.cells) ? config.cells : []).map((c) => (isPlainObject(c) ? c.name : undefined)));
  list.forEach((entry: unknown, i) => {
    const p = `${P}[${i}]`;
    if (!v.known(entry)) return;
    const object = isPlainObject(entry) ? entry : undefined;
    const code = object ? object.code : entry;
    if (typeof entry !== 'string' && object === undefined) {
      v.error(
        'acknowledge-invalid',
        p,
        `${p} is ${show(entry)}; each entry must be a code string or { code, cells?, reason? }. Fix: e.g. 'rendered-stickiness-off'.`,
      );
      return;
    }
    if (v.known(code) && !isRenderedIssueCode(code)) {
      const near = RENDERED_ISSUE_CODES.filter(
        (c) => typeof code === 'string' && code.length > 3 && (c.includes(code) || code.includes(c)),
      );
      v.error(
        'acknowledge-unknown-code',
        object ? `${p}.code` : p,
        `${object ? `${p}.code` : p} is ${show(code)}, which is not a code of the post-synthesis check; allowed: ${RENDERED_ISSUE_CODES.join(', ')}. Fix: ${near.length > 0 ? `use ${near.map((c) => `'${c}'`).join(' or ')}` : 'copy the code from the synthesis error'}.`,
      );
    }
    if (object === undefined) return;
    const cells: unknown = object.cells;
    if (cells !== undefined && v.known(cells) && !Array.isArray(cells)) {
      v.error(
        'acknowledge-invalid',
        `${p}.cells`,
        `${p}.cells is ${show(cells)}; it must be a list of cell names. Fix: e.g. cells: ['a'].`,
      );
    } else if (Array.isArray(cells)) {
      cells.forEach((name: unknown, j) => {
        if (v.known(name) && !names.has(name as string)) {
          v.error(
            'acknowledge-unknown-cell',
            `${p}.cells[${j}]`,
            `${p}.cells[${j}] is ${show(name)}, which is not a cell of this tier (${[...names].map((n) => show(n)).join(', ')}). Fix: use one of those names, or leave cells out to cover every cell.`,
          );
        }
      });
    }
    if (object.reason !== undefined && v.known(object.reason) && typeof object.reason !== 'string') {
      v.error(
        'acknowledge-invalid',
        `${p}.reason`,
        `${p}.reason is ${show(object.reason)}; it must be a string. Fix: say why the exception is deliberate.`,
      );
    }
  });
}

/**
 * The runtime features a tier sets on its servers (docs/server-contract.md §8, §9, §12): the
 * connection cap, the Origin allowlist, the message size limit, rebalancing and PROXY protocol.
 */
function validateServerRuntime(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[]): void {
  const s = config.server ?? {};
  const P = 'server';
  if (v.int(`${P}.maxConnections`, s.maxConnections, LIMITS.maxConnections)) {
    const max = s.maxConnections;
    const fd = v.effective(config.host?.fileDescriptorLimit, DEFAULTS.host.fileDescriptorLimit);
    if (typeof fd === 'number' && max > fd) {
      v.error(
        'max-connections-above-fd-limit',
        `${P}.maxConnections`,
        `${P}.maxConnections is ${max} but host.fileDescriptorLimit is ${fd}; one socket takes one file descriptor, so the server would fail with EMFILE before it ever refuses with 1013. Allowed: at most ${fd}. Fix: lower maxConnections or raise host.fileDescriptorLimit.`,
      );
    }
    const procs = v.effective(config.capacity?.processesPerInstance, CAPACITY_DEFAULTS.processesPerInstance);
    const below: string[] = [];
    let needed = 0;
    cells.forEach((cell, i) => {
      if (typeof procs !== 'number') return;
      const target = sizeCell(config, i, {
        minCapacity: cell.scaling?.minCapacity ?? config.scaling?.minCapacity,
        maxCapacity: cell.scaling?.maxCapacity ?? config.scaling?.maxCapacity,
        targetConnectionsPerInstance: cell.scaling?.targetConnectionsPerInstance ?? config.scaling?.targetConnectionsPerInstance,
      }).targetConnectionsPerInstance;
      if (typeof target === 'number' && v.known(target) && max * procs < target) {
        below.push(`${cellLabel(cells, i)} targets ${target}`);
        needed = Math.max(needed, Math.ceil(target / procs));
      }
    });
    if (below.length > 0) {
      v.error(
        'max-connections-below-target',
        `${P}.maxConnections`,
        `${P}.maxConnections is ${max} per process (× ${procs} process(es) per instance), below the connections per instance the scaling policy tracks (${below.join(', ')}): instances would refuse clients with 1013 before the average reaches the target, so the cell never scales out. Allowed: at least ${needed}. Fix: raise maxConnections to at least ${needed}, lower the scaling target, or leave maxConnections out (derived from the target with headroom).`,
      );
    }
  }
  validateAllowedOrigins(v, s.allowedOrigins);
  v.int(`${P}.maxMessageBytes`, s.maxMessageBytes, LIMITS.maxMessageBytes, 'bytes');
  validateRebalance(v, config);
  v.bool(`${P}.proxyProtocol`, s.proxyProtocol);
  if (s.proxyProtocol === true) {
    const albCells = cells.map((c, i) => [c, i] as const).filter(([c]) => lbType(c) === 'application');
    if (albCells.length > 0) {
      v.error(
        'proxy-protocol-alb-cell',
        `${P}.proxyProtocol`,
        `${P}.proxyProtocol is true but ${albCells.map(([, i]) => cellLabel(cells, i)).join(', ')} ${albCells.length === 1 ? 'is an ALB cell' : 'are ALB cells'}; an Application Load Balancer cannot send PROXY protocol (it passes the client address in X-Forwarded-For), and the setting is tier-wide. Allowed: true only when every cell is an NLB cell (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol). Fix: remove proxyProtocol (ALB cells already pass X-Forwarded-For), or use loadBalancerType: 'network' for every cell.`,
      );
    }
  }
}

/** Serialized http(s) origin per RFC 6454 §6.2, or why the entry is not one (with the fixed form when there is one). */
function originProblem(entry: string): { reason: string; suggestion?: string } | undefined {
  const wildcard = /^([a-z][a-z0-9+.-]*):\/\/\*\.(.*)$/i.exec(entry);
  const text = wildcard ? `${wildcard[1]}://wildcard.${wildcard[2]}` : entry;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: 'it does not parse as scheme://host[:port]' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { reason: `its scheme is ${url.protocol.slice(0, -1)}; browsers send http or https origins` };
  if (url.username || url.password) return { reason: 'it has user info' };
  const serialized = wildcard ? url.origin.replace('//wildcard.', '//*.') : url.origin;
  if (url.pathname !== '/' || url.search || url.hash)
    return { reason: 'it has a path, query or fragment; an Origin header never does', suggestion: serialized };
  if (serialized !== entry)
    return { reason: 'it is not in the form a browser sends (lowercase host, no trailing /, no default port)', suggestion: serialized };
  return undefined;
}

function validateAllowedOrigins(v: IssueCollector, origins: unknown): void {
  const P = 'server.allowedOrigins';
  if (!v.known(origins)) return;
  if (!Array.isArray(origins)) {
    v.error(
      'allowed-origins-not-a-list',
      P,
      `${P} is ${show(origins)}; allowed: a list of origins. Fix: wrap it in brackets, e.g. ["https://app.example.com"].`,
    );
    return;
  }
  if (origins.length === 0) {
    v.error(
      'allowed-origins-empty',
      P,
      `${P} is []; an empty allowlist is ambiguous (servers read it as no Origin check). Allowed: at least one origin, or no allowedOrigins at all. Fix: list the origins, e.g. ["https://app.example.com"], or remove allowedOrigins to accept every origin.`,
    );
    return;
  }
  origins.forEach((entry: unknown, i) => {
    if (!v.known(entry)) return;
    const problem = typeof entry === 'string' ? originProblem(entry) : { reason: 'it is not a string' };
    if (!problem) return;
    v.error(
      'allowed-origin-invalid',
      `${P}[${i}]`,
      `${P}[${i}] is ${show(entry)}, which is not an origin: ${problem.reason}. Allowed: "http(s)://host[:port]" or "http(s)://*.domain[:port]", as serialized in an Origin header (RFC 6454 §6.2). Fix: ${problem.suggestion ? `use ${JSON.stringify(problem.suggestion)}` : 'e.g. "https://app.example.com" or "https://*.example.com"'}.`,
    );
  });
}

function validateRebalance(v: IssueCollector, config: TierConfig): void {
  const P = 'server.rebalance';
  const r: unknown = config.server?.rebalance;
  if (!v.known(r) || r === false) return;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    v.error(
      'rebalance-invalid',
      P,
      `${P} is ${show(r)}; allowed: false, or an object of thresholds. Fix: use {} for the defaults (10000 ms, tolerance 0.1, maxShedFraction 0.01), or false to keep rebalancing off.`,
    );
    return;
  }
  const o = r as { intervalMs?: unknown; tolerance?: unknown; maxShedFraction?: unknown };
  v.int(`${P}.intervalMs`, o.intervalMs, LIMITS.rebalanceIntervalMs, 'ms');
  const fraction = (field: 'tolerance' | 'maxShedFraction', max: number, example: number) => {
    const value = o[field];
    if (!v.known(value)) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      v.error(
        'rebalance-threshold-invalid',
        `${P}.${field}`,
        `${P}.${field} is ${show(value)}; allowed: a number 0–${max} (a fraction, e.g. ${example}). Fix: choose a value in that range.`,
      );
    }
  };
  fraction('tolerance', 10, DEFAULTS.server.rebalance.tolerance);
  fraction('maxShedFraction', 1, DEFAULTS.server.rebalance.maxShedFraction);
  if (config.backplane === undefined) {
    v.warn(
      'rebalance-without-backplane',
      P,
      `${P} is on but the tier has no backplane, so no WST_REDIS_URL is written and the servers have no shared store for their connection counts. Fix: add backplane: {} to the tier, or give the servers a Redis of their own (a ConnectionCountStore) and acknowledge this warning.`,
    );
  }
}

/**
 * `domainName` must lie inside the hosted zone that receives its records: Route 53 would otherwise
 * get records named `<domainName>.<zone>.` (a CDK record name that does not end in the zone name is
 * taken as relative to it). Checked when both names are concrete at synthesis.
 * Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
 * @param zoneName - the hosted zone's name, with or without the trailing dot
 * @returns one `domain-outside-zone` error, or none
 */
export function validateDomainInZone(domainName: unknown, zoneName: unknown, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  if (typeof domainName !== 'string' || typeof zoneName !== 'string' || isUnresolved(domainName) || isUnresolved(zoneName)) return [];
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  const name = domainName.replace(/\.$/, '').toLowerCase();
  if (zone === '' || name === zone || name.endsWith(`.${zone}`)) return [];
  return [
    {
      code: 'domain-outside-zone',
      path: 'domainName',
      message: `domainName is "${domainName}" but the hosted zone is "${zone}"; the tier's records must lie inside the zone, or Route 53 would get records named "${name}.${zone}.". Allowed: "${zone}" or a name ending in ".${zone}". Fix: use a domainName inside the zone (e.g. "ws.${zone}"), or pass the zone that holds "${name}".`,
      severity: 'error',
    },
  ];
}
