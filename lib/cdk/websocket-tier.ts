/**
 * `WebSocketTier`: weighted Route 53 DNS over one or more `WebSocketCell`s, from one `TierConfig`.
 * The config is validated and resolved once by core's `planTier()`; every cell reads the result.
 */
import { Annotations, CfnOutput, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { BACKPLANE_IDS, cellId, cellUrlOutputId, OPERATIONS_TIER_IDS, TIER_IDS } from '../core/ids';
import { WARNING_PREFIX } from '../core/issues';
import { allocatorRenderIssues } from '../core/allocator/render-gap';
import { planTier } from '../core/plan';
import { serverStartInputs } from '../core/server-start';
import { validateDomainInZone } from '../core/validate';
import type { ResolvedTier } from '../core/resolved';
import { renderDashboard } from './private/dashboard';
import { renderEcsCluster } from './private/ecs-cluster';
import { renderLogBucket } from './private/logs';
import { chainCellReleases } from './private/release';
import { renderVpc } from './private/vpc';
import { givenVpcIssues } from './private/vpc-given';
import { addRenderedCheck } from './private/rendered-view';
import { acknowledgeTierNagFindings } from './private/nag-acknowledgements';
import { renderWebAcl } from './private/waf';
import { WebSocketBackplane } from './websocket-backplane';
import { WebSocketCell } from './websocket-cell';
import type { WebSocketTierProps } from './websocket-tier-props';

/** A WebSocket tier: weighted DNS over cells, each an ALB or NLB in front of its own Auto Scaling group. */
export class WebSocketTier extends Construct {
  /** The resolved tier every cell was rendered from (every default applied). */
  readonly plan: ResolvedTier;
  /** The VPC of the cells. */
  readonly vpc: ec2.IVpc;
  /** The listeners' certificate. */
  readonly certificate: acm.ICertificate;
  /** The server artifact asset (`server.artifact` or `serverBundleFile`), when there is one. */
  readonly serverBundle?: s3assets.Asset;
  /** The cells, in config order. */
  readonly cells: readonly WebSocketCell[];
  /** The tier's CloudWatch dashboard (summary row, one row per cell), unless `operations.dashboard` is false. */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * The access/connection log bucket (SSE-S3, TLS-only, private, lifecycle-expired), when logs are
   * on and the stack has a concrete region (ELB log delivery needs it; env-agnostic stacks get a
   * warning per load balancer instead).
   */
  readonly logBucket?: s3.IBucket;
  /** The regional WAF web ACL associated with every ALB cell, when `operations.waf.enabled`. */
  readonly webAcl?: wafv2.CfnWebACL;
  /** The flow log of the VPC this tier created (`operations.vpcFlowLogs`); undefined when a VPC was given or flow logs are off. */
  readonly vpcFlowLog?: ec2.FlowLog;
  /** The ElastiCache backplane, when the config has `backplane`; reachable only from the cells' instances. */
  readonly backplane?: WebSocketBackplane;
  /** The ECS cluster of the ECS cells (Container Insights on), when some cell has a `backend`. */
  readonly ecsCluster?: ecs.Cluster;

  /**
   * @throws TierConfigError when the config has errors; the message starts with this construct's
   *   path and lists every offending field, its value, what is allowed and the fix
   */
  constructor(scope: Construct, id: string, props: WebSocketTierProps) {
    super(scope, id);
    const start = serverStartInputs(props, props.serverBundleFile, Token.isUnresolved);
    const { tier, warnings } = planTier(this.node.path, start.config, Token.isUnresolved, [
      ...validateDomainInZone(props.domainName, zoneNameOf(props.hostedZone), Token.isUnresolved),
      ...start.issues,
      ...givenVpcIssues(props.vpc),
      ...allocatorRenderIssues(props, Token.isUnresolved), // not rendered yet: refused, never dropped
    ]);
    for (const issue of warnings) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}/${issue.code}`, issue.message);
    }
    this.plan = tier;
    if (props.vpc !== undefined) {
      this.vpc = props.vpc;
    } else {
      // Only the VPC the tier creates gets a flow log: a given VPC's flow logs belong to its owner.
      const created = renderVpc(this, TIER_IDS.vpc, tier.ipAddressType, tier.operations.vpcFlowLog);
      this.vpc = created.vpc;
      this.vpcFlowLog = created.flowLog;
    }
    this.certificate =
      props.certificate ??
      new acm.Certificate(this, TIER_IDS.certificate, {
        domainName: tier.domainName,
        subjectAlternativeNames: [tier.wildcardDomainName],
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      });
    const artifact = tier.server.start.artifact; // a directory is zipped by the asset
    this.serverBundle = artifact ? new s3assets.Asset(this, TIER_IDS.serverBundle, { path: artifact.path }) : undefined;

    const ops = tier.operations;
    this.logBucket = renderLogBucket(this, ops);
    this.webAcl = renderWebAcl(this, ops.webAcl);
    const alarmTopic =
      props.alarmTopic ??
      (ops.alarmTopicArn !== undefined ? sns.Topic.fromTopicArn(this, OPERATIONS_TIER_IDS.alarmTopic, ops.alarmTopicArn) : undefined);

    this.backplane = tier.backplane
      ? new WebSocketBackplane(this, BACKPLANE_IDS.backplane, { backplane: tier.backplane, vpc: this.vpc })
      : undefined;

    this.ecsCluster = renderEcsCluster(this, tier, this.vpc);
    this.cells = tier.cells.map(
      (cell) =>
        new WebSocketCell(this, cellId(cell.name), {
          tier,
          cell,
          vpc: this.vpc,
          certificate: this.certificate,
          hostedZone: props.hostedZone,
          serverBundle: this.serverBundle,
          machineImage: props.machineImage,
          logBucket: this.logBucket,
          webAcl: this.webAcl,
          alarmTopic,
          backplane: this.backplane,
          ecsCluster: this.ecsCluster,
        }),
    );
    for (const rule of tier.backplane?.ingress ?? []) this.backplane?.allowFrom(rule, this.cell(rule.fromCell).connections);
    chainCellReleases(tier.cells, this.cells); // releases roll cell by cell (groups and ECS services), in config order
    // Re-checks the invariants on the rendered resources after every escape hatch, override and aspect.
    addRenderedCheck(this, tier, this.cells, props);
    acknowledgeTierNagFindings(tier, this, props.vpc === undefined);
    this.dashboard = renderDashboard(this, ops.dashboard?.rows, new Map(this.cells.map((c, i) => [tier.cells[i].name, c.metricValues])));

    new CfnOutput(this, TIER_IDS.tierUrlOutput, {
      value: `wss://${tier.domainName}`,
      description: 'WebSocket URL of the tier (weighted over every cell)',
    });
    for (const cell of tier.cells) {
      if (cell.dns.cellDomainName === undefined) continue;
      new CfnOutput(this, cellUrlOutputId(cell.name), {
        value: `wss://${cell.dns.cellDomainName}`,
        description: `Direct WebSocket URL of cell ${cell.name}`,
      });
    }
  }

  /**
   * The cell with this name.
   * @throws Error naming the unknown cell and listing the tier's cell names
   */
  cell(name: string): WebSocketCell {
    const index = this.plan.cells.findIndex((c) => c.name === name);
    if (index < 0) {
      const known = this.plan.cells.map((c) => `"${c.name}"`).join(', ');
      throw new Error(`${this.node.path}: no cell named "${name}"; this tier has ${known}. Fix: use one of those names.`);
    }
    return this.cells[index];
  }
}

/** The zone's name when it is known (`HostedZone.fromHostedZoneId` has none: reading it throws). */
function zoneNameOf(zone: route53.IHostedZone): string | undefined {
  try {
    return zone.zoneName;
  } catch {
    return undefined;
  }
}

export type { WebSocketTierProps } from './websocket-tier-props';
