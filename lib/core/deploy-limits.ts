/**
 * Limits AWS enforces only when a stack deploys, or aws-cdk-lib only at synthesis, checked with
 * the tier rules so a tier fails with the library's message (field, value, allowed, fix) before
 * CloudFormation, CDK or Pulumi would fail with theirs. Both renderers get the same verdicts:
 *
 * - `stack-resource-limit`: the tier would declare more than 500 CloudFormation resources
 *   (estimated from the resolved shape of each cell: an upper bound, within about 16 resources of
 *   what CDK renders). The Pulumi component keeps the same bound so a tier moves between renderers.
 * - `lcu-reservation-below-alb-minimum`, `lcu-reservation-nlb-out-of-range`: LCU reservations ALB
 *   and NLB refuse.
 * - `domain-ip-address`: a domain name whose last label is all digits (`1.2.3.4`): not a host name
 *   (RFC 1123 §2.1, RFC 3696 §2) and no certificate can be issued for it.
 * - `domain-too-long-for-certificate`: a created certificate's first name is at most 64 characters.
 * - `route53-health-path-too-long`, `backplane-description-too-long`: text fields past their AWS length.
 * - `maintenance-no-replacement-room`: minHealthyPercentage 100 with maxHealthyPercentage 100.
 * - `scaling-fixed-size` (warning): a cell whose min equals its max under the target-tracking policy.
 */
import type { TierConfig } from './config';
import { DEFAULTS } from './defaults';
import { errorsOf, type Issue, IssueCollector, type IsUnresolved, isPlainObject, neverUnresolved } from './issues';
import { DEPLOY_LIMITS } from './limits';
import { TIER_VPC } from './network';
import { resolveTier } from './resolve';
import type { ResolvedCell, ResolvedTier } from './resolved';

/**
 * Tier-level resources (not per cell) of the smallest tier: the created VPC over two AZs (VPC,
 * subnets, route tables and their associations, routes, internet and NAT gateways, EIPs, the
 * default-security-group restriction) and the certificate with its validation. Measured on
 * aws-cdk-lib's rendering with every operations feature off.
 */
const TIER_BASE_RESOURCES = 27;
/** A third AZ (CDK in a stack whose Region is known): a public and a private subnet, their route tables, associations and routes, an EIP and a NAT gateway. */
const RESOURCES_PER_EXTRA_AZ = 10;
/** Dual stack: the VPC's IPv6 block, the egress-only internet gateway, and one IPv6 route per subnet (2 per AZ). */
const DUALSTACK_BASE_RESOURCES = 2;
const DUALSTACK_RESOURCES_PER_AZ = 2;
/** Flow log of the created VPC: log group, role, role policy and flow log. */
const FLOW_LOG_RESOURCES = 4;
/** Access-log bucket and its bucket policy. */
const LOG_BUCKET_RESOURCES = 2;
/** Backplane: replication group, subnet group, security group and AUTH secret. */
const BACKPLANE_TIER_RESOURCES = 4;
/**
 * Per cell, whatever its options: instance role and its policy, two security groups, load
 * balancer, target group, instance profile, launch template, Auto Scaling group, lifecycle hook
 * and scaling policy.
 */
const CELL_FIXED_RESOURCES = 11;

/** Most AZs a tier's VPC spans (the estimate is an upper bound). */
const MAX_AZS = Math.max(TIER_VPC.cdk.maxAzs, TIER_VPC.pulumi.maxAzs);

/** Resources one cell renders (upper bound). */
export function estimateCellResources(cell: ResolvedCell, hasBackplane: boolean): number {
  const rules = cell.instanceIngress.length; // one ingress on the instances' group, one egress on the load balancer's
  const listeners = cell.loadBalancerType === 'application' ? 2 : 1; // ALB: HTTPS and the HTTP redirect
  const names = cell.dns.cellDomainName !== undefined ? 2 : 1; // the weighted record and the cell's own
  const records = names * (cell.ipAddressType === 'dualstack' ? 2 : 1); // A, and AAAA when dual stack
  return (
    CELL_FIXED_RESOURCES +
    2 * rules +
    listeners +
    records +
    (cell.dns.healthCheck ? 1 : 0) +
    cell.operations.alarms.length +
    (cell.operations.webAclAssociation ? 1 : 0) +
    (hasBackplane ? 2 : 0) // the instance role's secret-read policy and the backplane ingress rule
  );
}

/** Resources of the tier outside its cells (upper bound: a created VPC over the most AZs a renderer uses). */
export function estimateTierBaseResources(tier: ResolvedTier): number {
  const dual = tier.ipAddressType === 'dualstack';
  const ops = tier.operations;
  return (
    TIER_BASE_RESOURCES +
    (MAX_AZS - TIER_VPC.minAzs) * RESOURCES_PER_EXTRA_AZ +
    (dual ? DUALSTACK_BASE_RESOURCES + DUALSTACK_RESOURCES_PER_AZ * MAX_AZS : 0) +
    (ops.dashboard ? 1 : 0) +
    (ops.logBucket ? LOG_BUCKET_RESOURCES : 0) +
    (ops.vpcFlowLog ? FLOW_LOG_RESOURCES : 0) +
    (ops.webAcl ? 1 : 0) +
    (tier.backplane ? BACKPLANE_TIER_RESOURCES : 0)
  );
}

/** Upper bound of the CloudFormation resources a resolved tier declares. */
export function estimateStackResources(tier: ResolvedTier): number {
  return estimateTierBaseResources(tier) + tier.cells.reduce((sum, c) => sum + estimateCellResources(c, !!tier.backplane), 0);
}

const str = (x: unknown): x is string => typeof x === 'string';
const posInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1;

/** Checks on the config as given (they need no resolved tier). */
function configLimits(v: IssueCollector, config: TierConfig): void {
  const d = config.domainName;
  const props = config as TierConfig & { readonly certificate?: unknown; readonly certificateArn?: unknown };
  if (v.known(d) && str(d)) {
    const last = d.split('.').pop() ?? '';
    if (/^\d+$/.test(last)) {
      v.error(
        'domain-ip-address',
        'domainName',
        `domainName is ${JSON.stringify(d)}, ${/^\d+(\.\d+){3}$/.test(d) ? 'an IPv4 address' : 'a name whose last label is all digits'}; a top-level domain is never all-numeric (RFC 3696 §2, RFC 1123 §2.1), so Route 53 cannot serve it and ACM cannot issue a certificate for it. Allowed: a DNS name such as "ws.example.com". Fix: use the host name clients connect to, not an address.`,
      );
    }
    const max = DEPLOY_LIMITS.certificateDomainChars.max;
    if (d.length > max && props.certificate === undefined && props.certificateArn === undefined) {
      v.error(
        'domain-too-long-for-certificate',
        'domainName',
        `domainName is ${d.length} characters; the certificate the tier requests for it may have a first name of at most ${max} characters (${DEPLOY_LIMITS.certificateDomainChars.source}; X.509 ub-common-name, RFC 5280 Appendix A.1). Fix: use a name of at most ${max} characters, or pass your own certificate (CDK: certificate; Pulumi: certificateArn) whose first name is shorter, e.g. a wildcard of a parent domain.`,
      );
    }
    const descMax = DEPLOY_LIMITS.securityGroupDescriptionChars.max;
    const description = `websocket-tier backplane of ${d}`;
    if (config.backplane !== undefined && v.known(config.backplane) && description.length > descMax) {
      v.error(
        'backplane-description-too-long',
        'domainName',
        `domainName is ${d.length} characters, so the backplane security group's description ("websocket-tier backplane of <domainName>", ${description.length} characters) exceeds EC2's ${descMax} (${DEPLOY_LIMITS.securityGroupDescriptionChars.source}). Allowed: a domainName of at most ${descMax - description.length + d.length} characters with a backplane. Fix: shorten domainName.`,
      );
    }
  }
  const hc = isPlainObject(config.healthCheck) ? config.healthCheck : {};
  const dns = isPlainObject(config.dns) ? config.dns : {};
  const path = hc.path;
  const pathMax = DEPLOY_LIMITS.route53ResourcePathChars.max;
  if ((dns.healthChecks ?? DEFAULTS.dns.healthChecks) === true && v.known(path) && str(path) && path.length > pathMax) {
    v.error(
      'route53-health-path-too-long',
      'healthCheck.path',
      `healthCheck.path is ${path.length} characters; the target groups accept 1024, but dns.healthChecks is on and each Route 53 health check probes the same path, which Route 53 limits to ${pathMax} (${DEPLOY_LIMITS.route53ResourcePathChars.source}). Fix: use a path of at most ${pathMax} characters (e.g. "/healthz"), or turn dns.healthChecks off.`,
    );
  }
  const s = isPlainObject(config.scaling) ? config.scaling : {};
  const minH = s.minHealthyPercentage ?? DEFAULTS.scaling.minHealthyPercentage;
  const maxH = s.maxHealthyPercentage ?? DEFAULTS.scaling.maxHealthyPercentage;
  if (v.known(minH) && v.known(maxH) && minH === 100 && maxH === 100) {
    v.error(
      'maintenance-no-replacement-room',
      'scaling.maxHealthyPercentage',
      `scaling.minHealthyPercentage is 100 and scaling.maxHealthyPercentage is 100: a replacement may neither terminate an instance first (that needs min below 100) nor launch its successor first (that needs max above 100), so instance refreshes and health replacements cannot proceed (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-maintenance-policy.html). Allowed: maxHealthyPercentage above 100 when min is 100. Fix: set maxHealthyPercentage to ${DEFAULTS.scaling.maxHealthyPercentage} (launch before terminate, keeping sockets open until the successor is in service).`,
    );
  }
  lcuLimits(v, config);
}

/** LCU reservations ALB and NLB accept (the cell's type decides; unknown cells are reported elsewhere). */
function lcuLimits(v: IssueCollector, config: TierConfig): void {
  const ops = isPlainObject(config.operations) ? config.operations : {};
  const units = ops.minimumCapacityUnits;
  if (!v.known(units) || !isPlainObject(units) || !Array.isArray(config.cells)) return;
  const azs = TIER_VPC.minAzs;
  const { min, max, source } = DEPLOY_LIMITS.nlbCapacityUnitsPerAz;
  for (const [name, n] of Object.entries(units)) {
    const cell = config.cells.find((c) => isPlainObject(c) && c.name === name);
    if (!cell || !posInt(n)) continue;
    const p = `operations.minimumCapacityUnits.${name}`;
    const type = cell.loadBalancerType ?? DEFAULTS.cell.loadBalancerType;
    if (type === 'application' && n < DEPLOY_LIMITS.albMinimumCapacityUnits.min) {
      const alb = DEPLOY_LIMITS.albMinimumCapacityUnits;
      v.error(
        'lcu-reservation-below-alb-minimum',
        p,
        `${p} is ${n} LCUs; an Application Load Balancer reserves at least ${alb.min} (${alb.source}). Fix: reserve ${alb.min} or more, or remove the reservation (the ALB still scales on its own).`,
      );
    } else if (type === 'network' && (n / azs < min || n / azs > max)) {
      v.error(
        'lcu-reservation-nlb-out-of-range',
        p,
        `${p} is ${n} LCUs, ${n / azs} per AZ over the tier's ${azs} AZs (a reservation is split evenly across them); a Network Load Balancer reserves ${min}–${max} LCUs per AZ (${source}). Allowed: ${min * azs}–${max * azs} in total at ${azs} AZs (${min * MAX_AZS}–${max * MAX_AZS} at ${MAX_AZS}). Fix: reserve an amount in that range, or remove the reservation.`,
      );
    }
  }
}

/** Checks on the resolved tier (only when every other rule passed: the shape is then known). */
function resolvedLimits(v: IssueCollector, config: TierConfig): void {
  const tier = resolveTier(config);
  const max = DEPLOY_LIMITS.stackResources.max;
  const total = estimateStackResources(tier);
  if (total > max) {
    const base = estimateTierBaseResources(tier);
    const perCell = tier.cells.map((c) => estimateCellResources(c, !!tier.backplane));
    const largest = Math.max(...perCell);
    const fits = Math.max(1, Math.floor((max - base) / largest));
    v.error(
      'stack-resource-limit',
      'cells',
      `cells has ${tier.cells.length} cells, so the tier declares about ${total} CloudFormation resources (${base} for the tier, ${Math.min(...perCell)}–${largest} per cell), above the ${max} one stack may hold (${DEPLOY_LIMITS.stackResources.source}); the deploy would fail. Allowed: about ${fits} cells of this shape in one stack. Fix: use fewer cells per stack (split the tier into several tiers, each in its own stack under its own name), or fewer per-cell resources (alarms, cell records, Route 53 health checks).`,
    );
  }
  tier.cells.forEach((cell, i) => {
    const a = cell.autoScaling;
    if (v.known(a.minCapacity) && v.known(a.maxCapacity) && a.minCapacity === a.maxCapacity) {
      v.warn(
        'scaling-fixed-size',
        `cells[${i}].scaling`,
        `cells[${i}] ('${cell.name}') has minCapacity = maxCapacity = ${a.minCapacity}, so its target-tracking policy (${a.scalingPolicy.targetValue} connections per instance) can never add an instance (cfn-lint E3712). Fix: raise maxCapacity above ${a.minCapacity}, or acknowledge a deliberately fixed-size cell.`,
      );
    }
  });
}

/** Whether a late-bound value (CDK token, Pulumi output) is anywhere in the config: the tier cannot be resolved at synthesis then. */
function containsUnresolved(value: unknown, isUnresolved: IsUnresolved, depth = 0): boolean {
  if (isUnresolved(value)) return true;
  if (depth > 8 || typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((x) => containsUnresolved(x, isUnresolved, depth + 1));
}

/**
 * The deploy-time limits of a tier. The resolved checks (resource count, fixed-size groups) run
 * only when `prior` has no error and nothing checked is late-bound.
 * @param config - the tier, with values of the wrong type already removed (lib/core/field-types.ts)
 * @param prior - the issues the other rules found
 */
export function deployLimitIssues(config: TierConfig, prior: readonly Issue[], isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  configLimits(v, config);
  if (errorsOf(prior).length === 0 && errorsOf(v.issues).length === 0 && !containsUnresolved(config, isUnresolved))
    resolvedLimits(v, config);
  return v.issues;
}
