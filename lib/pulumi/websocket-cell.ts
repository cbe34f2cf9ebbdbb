/**
 * `WebSocketCell`: one load balancer (ALB or NLB) in front of one Auto Scaling group, rendered
 * from a resolved cell, as a Pulumi component. Usually created by `WebSocketTier`; use it
 * directly only with a plan from core's `planTier()`.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { amazonLinux2023ImageParameter } from '../core/instance-types';
import type { ResolvedCell, ResolvedTier } from '../core/resolved';
import { type CellMetricHelpers, installCellMetricHelpers } from '../core/metrics';
import type { AlarmKey } from '../core/operations';
import { renderAlarms } from './private/alarms';
import type { DashboardCellValues } from './private/dashboard';
import { renderDns } from './private/dns';
import { type BackplaneRef, renderFleet, type ServerBundleRef } from './private/fleet';
import { renderLoadBalancer } from './private/load-balancer';
import { bindCellMetric, type CellMetric, type CellMetricOptions } from './private/metrics';
import { renderScalingPolicy } from './private/scaling';
import { renderSecurityGroups } from './private/security-groups';
import type { Scope } from './private/util';
import { renderWebAclAssociation } from './private/waf';

export type { ServerBundleRef } from './private/fleet';
export type { CellMetric, CellMetricOptions } from './private/metrics';

/** Arguments of a `WebSocketCell`. Fields that decide which resources exist are plain values. */
export interface WebSocketCellArgs {
  /** The resolved tier the cell belongs to (from `planTier()`); supplies host tuning and server settings. */
  readonly tier: ResolvedTier;
  /** The resolved cell to render; one of `tier.cells`. */
  readonly cell: ResolvedCell;
  /** VPC of the cell. */
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets (at least two AZs) for the load balancer; with IPv6 when the cell is dual-stack. */
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Private subnets with egress (NAT) for the instances. */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * ACM certificate for the HTTPS (ALB) or TLS (NLB) listener; must cover the tier name and the
   * cell's direct name.
   * @default - none; construction throws if the cell's listener terminates TLS
   */
  readonly certificateArn?: pulumi.Input<string>;
  /**
   * Route 53 hosted zone for the weighted record, the direct cell record and AAAA twins.
   * @default - no DNS records and no Route 53 health check
   */
  readonly hostedZoneId?: pulumi.Input<string>;
  /**
   * Single-file JavaScript server bundle, installed by user data and run under systemd.
   * @default - none: the image must ship the `tier.server.serviceName` unit
   */
  readonly serverBundle?: ServerBundleRef;
  /**
   * AMI of the instances; its architecture must match `cell.autoScaling.architecture`.
   * @default - latest Amazon Linux 2023 (SSM public parameter) for the instance type's architecture
   */
  readonly amiId?: pulumi.Input<string>;
  /**
   * Name of the tier's log bucket and its policy, used when `cell.operations.accessLogPrefix` is
   * set. The bucket must use SSE-S3 and grant ELB log delivery (WebSocketTier creates one).
   * @default - no logs written
   */
  readonly logBucket?: { readonly name: pulumi.Input<string>; readonly policy: pulumi.Resource };
  /**
   * ARN of the regional web ACL associated when `cell.operations.webAclAssociation` is true.
   * @default - no WAF association
   */
  readonly webAclArn?: pulumi.Input<string>;
  /**
   * The tier's backplane (`WebSocketBackplane.ref`); required when `tier.backplane` is set. User
   * data appends `WST_REDIS_URL` (token read from the secret at boot) and the instance role may read
   * that one secret.
   * @default - no backplane
   */
  readonly backplane?: BackplaneRef;
  /** Release order: the previous cell's `releaseGate`; this cell's group is updated only after it. @default - none (first cell) */
  readonly releaseAfter?: pulumi.Resource;
}

/** One cell: load balancer, listener(s), target group, Auto Scaling group, scaling policy, DNS. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class WebSocketCell extends pulumi.ComponentResource {
  /** Pulumi type token (frozen: changing it replaces every cell). */
  static readonly TYPE = 'websocket-tier:index:WebSocketCell';

  /** The cell's load balancer (ALB or NLB). */
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The :443 listener carrying WebSocket traffic (HTTPS on ALB, TLS or TCP on NLB). */
  readonly listener: aws.lb.Listener;
  /** ALB cells: the :80 listener redirecting to HTTPS (301). */
  readonly httpRedirectListener?: aws.lb.Listener;
  /** The target group the Auto Scaling group registers into. */
  readonly targetGroup: aws.lb.TargetGroup;
  /** The Auto Scaling group. */
  readonly autoScalingGroup: aws.autoscaling.Group;
  /** The launch template of the group's instances. */
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  /** The instances' role. */
  readonly role: aws.iam.Role;
  /** The termination lifecycle hook under which servers drain. */
  readonly terminationHook: aws.autoscaling.LifecycleHook;
  /** Waits for this cell's instance refresh (pass it as the next cell's `releaseAfter`). */
  readonly releaseGate: pulumi.CustomResource;
  /** The target-tracking policy on connections per instance. */
  readonly scalingPolicy: aws.autoscaling.Policy;
  /** The load balancer's security group. */
  readonly loadBalancerSecurityGroup: aws.ec2.SecurityGroup;
  /** The instances' security group (ingress only from the load balancer). */
  readonly instanceSecurityGroup: aws.ec2.SecurityGroup;
  /** The Route 53 health check of this cell, when `dns.healthChecks` is on and a zone was given. */
  readonly route53HealthCheck?: aws.route53.HealthCheck;
  /** `wss://<cell>.<domainName>` when cell records are on, else undefined. */
  readonly url?: string;
  /** The cell's CloudWatch alarms keyed by alarm key (`rejectedConnections`, `unhealthyHosts`, …); see core `ALARM_KEYS`. */
  readonly alarms: Readonly<Partial<Record<AlarmKey, aws.cloudwatch.MetricAlarm>>>;
  /** ALB cells with WAF on: the web ACL association. */
  readonly webAclAssociation?: aws.wafv2.WebAclAssociation;
  /** Every late-bound value an operations metric may name (the tier's dashboard reads it). */
  readonly metricValues: DashboardCellValues;

  private readonly resolved: ResolvedCell;
  private readonly cellName: string;

  /** @throws Error when a TLS listener gets no certificate */
  constructor(name: string, args: WebSocketCellArgs, opts?: pulumi.ComponentResourceOptions) {
    super(WebSocketCell.TYPE, name, {}, opts);
    const { tier, cell } = args;
    this.resolved = cell;
    this.cellName = name;
    const scope: Scope = { name, parent: this };
    const groups = renderSecurityGroups(scope, cell, args.vpcId);
    this.loadBalancerSecurityGroup = groups.loadBalancer;
    this.instanceSecurityGroup = groups.instances;

    const lb = renderLoadBalancer(scope, {
      cell,
      vpcId: args.vpcId,
      publicSubnetIds: args.publicSubnetIds,
      securityGroupId: groups.loadBalancer.id,
      certificateArn: args.certificateArn,
      logBucket: args.logBucket,
    });
    this.loadBalancer = lb.loadBalancer;
    this.listener = lb.listener;
    this.httpRedirectListener = lb.httpRedirectListener;
    this.targetGroup = lb.targetGroup;
    const imageId =
      args.amiId ??
      aws.ssm.getParameterOutput({ name: amazonLinux2023ImageParameter(cell.autoScaling.architecture) }, { parent: this }).value;
    const fleet = renderFleet(scope, {
      tier,
      cell,
      privateSubnetIds: args.privateSubnetIds,
      securityGroupId: groups.instances.id,
      imageId,
      targetGroupArn: lb.targetGroup.arn,
      serverBundle: args.serverBundle,
      backplane: args.backplane,
      releaseAfter: args.releaseAfter,
    });
    this.releaseGate = fleet.releaseGate;
    this.autoScalingGroup = fleet.autoScalingGroup;
    this.launchTemplate = fleet.launchTemplate;
    this.role = fleet.role;
    this.terminationHook = fleet.terminationHook;
    this.scalingPolicy = renderScalingPolicy(scope, cell.autoScaling.scalingPolicy, {
      autoScalingGroupName: fleet.autoScalingGroup.name,
      loadBalancerFullName: lb.loadBalancer.arnSuffix,
    });
    if (args.hostedZoneId !== undefined) {
      this.route53HealthCheck = renderDns(scope, tier, cell, args.hostedZoneId, lb.loadBalancer).healthCheck;
    }

    // Operations (lib/core/operations/): WAF association and alarms; logs are load-balancer args.
    if (cell.operations.webAclAssociation && args.webAclArn !== undefined) {
      this.webAclAssociation = renderWebAclAssociation(scope, args.webAclArn, lb.loadBalancer.arn);
    }
    this.metricValues = {
      autoScalingGroupName: fleet.autoScalingGroup.name,
      loadBalancerFullName: lb.loadBalancer.arnSuffix,
      targetGroupFullName: lb.targetGroup.arnSuffix,
      route53HealthCheckId: this.route53HealthCheck?.id,
    };
    this.alarms = renderAlarms(scope, cell.operations.alarms, this.metricValues, tier.operations.alarmTopicArn);
    this.url = cell.dns.cellDomainName !== undefined ? `wss://${cell.dns.cellDomainName}` : undefined;
    this.registerOutputs({ url: this.url, loadBalancerDnsName: lb.loadBalancer.dnsName });
  }

  static {
    installCellMetricHelpers<WebSocketCell, CellMetric, CellMetricOptions>(WebSocketCell.prototype, (cell, helper, options) =>
      bindCellMetric(helper, cell.resolved, cell.metricValues, cell.cellName, options),
    );
  }
}

/** The metric helpers (`cell.metricElb5xx()`, …), generated from core `CELL_METRICS`; `options` override statistic and period. */
// Declaration merging adds the generated helpers to the class type; the interface has no members of its own.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface WebSocketCell extends CellMetricHelpers<CellMetric, CellMetricOptions> {}
