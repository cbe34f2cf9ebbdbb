/**
 * `WebSocketTier`: weighted Route 53 DNS over one or more `WebSocketCell`s, from one `TierConfig`,
 * as a Pulumi component. Validated and resolved by core (the same defaults, rules and messages as
 * the CDK construct); every cell reads the result.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { allocatorRenderIssues } from '../core/allocator/render-gap';
import { resolveTier } from '../core/resolve';
import { ecsCellIssues } from './private/ecs-guard';
import { BACKPLANE_IDS, cellId, childName, TIER_IDS } from '../core/ids';
import { errorsOf, formatIssues, type Issue, WARNING_PREFIX, warningsOf } from '../core/issues';
import type { ResolvedTier } from '../core/resolved';
import { serverStartInputs } from '../core/server-start';
import { validateDomainInZone, validateTier } from '../core/validate';
import { renderCertificate } from './private/certificate';
import { renderDashboard } from './private/dashboard';
import { renderLogBucket } from './private/logs';
import { renderedCheck } from './private/rendered-check';
import { renderServerBundle } from './private/server-bundle';
import type { Scope } from './private/util';
import { renderVpc, type TierNetwork } from './private/vpc';
import { renderWebAcl } from './private/waf';
import { WebSocketBackplane } from './websocket-backplane';
import { WebSocketCell } from './websocket-cell';
import type { WebSocketTierArgs } from './websocket-tier-args';

export type { TierNetwork } from './private/vpc';

/** Errors in the Pulumi-only arguments (the VPC trio must come together). */
function pulumiArgIssues(args: WebSocketTierArgs): Issue[] {
  const given = { vpcId: args.vpcId, publicSubnetIds: args.publicSubnetIds, privateSubnetIds: args.privateSubnetIds };
  const present = Object.entries(given)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  if (present.length === 0 || present.length === 3) return [];
  const missing = Object.keys(given).filter((k) => !present.includes(k));
  return [
    {
      code: 'pulumi-vpc-incomplete',
      path: missing.join(', '),
      message: `${present.join(' and ')} given without ${missing.join(' and ')}; an existing VPC needs vpcId, publicSubnetIds and privateSubnetIds together. Fix: pass all three, or none to create a VPC.`,
      severity: 'error',
    },
  ];
}

/** A WebSocket tier: weighted DNS over cells, each an ALB or NLB in front of its own Auto Scaling group. */
export class WebSocketTier extends pulumi.ComponentResource {
  /** Pulumi type token (frozen: changing it replaces every resource of the tier). */
  static readonly TYPE = 'websocket-tier:index:WebSocketTier';

  /** The resolved tier every cell was rendered from (every default applied). */
  readonly plan: ResolvedTier;
  /** `wss://<domainName>`: the weighted name clients connect to. */
  readonly url: string;
  /** Direct URL of each cell with a cell record, by cell name. */
  readonly cellUrls: Readonly<Record<string, string>>;
  /** The network the cells were placed in (given or created). */
  readonly network: TierNetwork;
  /** ARN of the listeners' certificate, when some listener terminates TLS. */
  readonly certificateArn?: pulumi.Input<string>;
  /** The cells, in config order. */
  readonly cells: readonly WebSocketCell[];
  /** The tier's CloudWatch dashboard (summary row, one row per cell), unless `operations.dashboard` is false. */
  readonly dashboard?: aws.cloudwatch.Dashboard;
  /** The access/connection log bucket (SSE-S3, TLS-only, private, lifecycle-expired), when logs are on. */
  readonly logBucket?: aws.s3.Bucket;
  /** The regional WAF web ACL associated with every ALB cell, when `operations.waf.enabled`. */
  readonly webAcl?: aws.wafv2.WebAcl;
  /** The ElastiCache backplane, when the config has `backplane`; reachable only from the cells' instances. */
  readonly backplane?: WebSocketBackplane;
  /** Issues of the post-synthesis check on the cells' registered inputs (errors fail the deployment; see README "Escape hatches are re-checked"). */
  readonly renderedIssues: pulumi.Output<readonly Issue[]>;

  private readonly tierName: string;

  /**
   * @throws pulumi.ResourceError when the config has errors; the message starts with this
   *   resource's name and lists every offending field, its value, what is allowed and the fix
   */
  constructor(name: string, args: WebSocketTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super(WebSocketTier.TYPE, name, {}, opts);
    this.tierName = name;
    const start = serverStartInputs(args, args.serverBundleFile, pulumi.Output.isInstance);
    const issues = [
      ...validateTier(start.config, pulumi.Output.isInstance),
      ...validateDomainInZone(args.domainName, args.hostedZoneName, pulumi.Output.isInstance),
      ...start.issues,
      ...pulumiArgIssues(args),
      ...allocatorRenderIssues(args, pulumi.Output.isInstance), // not rendered yet: refused, never dropped
    ];
    const errors = errorsOf(issues);
    if (errors.length > 0) throw new pulumi.ResourceError(formatIssues(name, errors), this);
    for (const issue of warningsOf(issues)) {
      pulumi.log.warn(`${issue.path}: ${issue.message} [${WARNING_PREFIX}/${issue.code}]`, this);
    }
    const tier = resolveTier(start.config);
    const ecs = ecsCellIssues(tier); // ECS cells: CDK only for now
    if (ecs.length > 0) throw new pulumi.ResourceError(formatIssues(name, ecs), this);
    this.plan = tier;
    const scope: Scope = { name, parent: this };

    this.network =
      args.vpcId !== undefined && args.publicSubnetIds !== undefined && args.privateSubnetIds !== undefined
        ? { vpcId: args.vpcId, publicSubnetIds: args.publicSubnetIds, privateSubnetIds: args.privateSubnetIds }
        : renderVpc(scope, TIER_IDS.vpc, tier.ipAddressType, tier.operations.vpcFlowLog);
    const needsCertificate = tier.cells.some((cell) => cell.listener.usesCertificate);
    this.certificateArn = args.certificateArn ?? (needsCertificate ? renderCertificate(scope, tier, args.hostedZoneId) : undefined);
    const artifact = tier.server.start.artifact;
    const serverBundle = artifact !== undefined ? renderServerBundle(scope, artifact) : undefined;

    // Operations (lib/core/operations/): log bucket and web ACL; the cells add alarms and associations.
    const ops = tier.operations;
    const logBucket = renderLogBucket(scope, ops, tier.cells);
    this.logBucket = logBucket?.bucket;
    this.webAcl = renderWebAcl(scope, ops.webAcl);

    this.backplane = tier.backplane
      ? new WebSocketBackplane(
          childName(name, BACKPLANE_IDS.backplane),
          { backplane: tier.backplane, vpcId: this.network.vpcId, privateSubnetIds: this.network.privateSubnetIds },
          { parent: this },
        )
      : undefined;

    let releaseAfter: pulumi.Resource | undefined; // cells one at a time, in config order (./private/release-gate.ts)
    this.cells = tier.cells.map((cell) => {
      const c = new WebSocketCell(
        childName(name, cellId(cell.name)),
        {
          releaseAfter,
          tier,
          cell,
          ...this.network,
          certificateArn: this.certificateArn,
          hostedZoneId: args.hostedZoneId,
          serverBundle,
          amiId: args.amiId,
          logBucket: logBucket && { name: logBucket.bucket.bucket, policy: logBucket.policy },
          webAclArn: this.webAcl?.arn,
          backplane: this.backplane?.ref,
        },
        { parent: this },
      );
      releaseAfter = c.releaseGate;
      return c;
    });
    for (const rule of tier.backplane?.ingress ?? []) this.backplane?.allowFrom(rule, this.cell(rule.fromCell).instanceSecurityGroup.id);

    this.dashboard = renderDashboard(
      scope,
      ops.dashboard?.rows,
      new Map(tier.cells.map((cell, i) => [cell.name, this.cells[i].metricValues])),
    );

    this.url = `wss://${tier.domainName}`;
    const cellUrls: Record<string, string> = {};
    tier.cells.forEach((cell, i) => {
      const url = this.cells[i].url;
      if (url !== undefined) cellUrls[cell.name] = url;
    });
    this.cellUrls = cellUrls;
    const check = renderedCheck(this, name, tier, this.cells, args);
    this.renderedIssues = check.issues;
    this.registerOutputs({ url: this.url, cellUrls, renderedCheckWarnings: check.verdict });
  }

  /**
   * The cell with this name.
   * @throws Error naming the unknown cell and listing the tier's cell names
   */
  cell(name: string): WebSocketCell {
    const index = this.plan.cells.findIndex((c) => c.name === name);
    if (index < 0) {
      const known = this.plan.cells.map((c) => `"${c.name}"`).join(', ');
      throw new Error(`${this.tierName}: no cell named "${name}"; this tier has ${known}. Fix: use one of those names.`);
    }
    return this.cells[index];
  }
}

export type { WebSocketTierArgs } from './websocket-tier-args';
