/**
 * `WebSocketCell`: one load balancer (ALB or NLB) in front of one Auto Scaling group, rendered
 * from a resolved cell. Usually created by `WebSocketTier`; use it directly only with a plan from
 * `planTier()`.
 */
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { type CellMetricHelpers, installCellMetricHelpers } from '../core/metrics';
import type { ResolvedCell } from '../core/resolved';
import { type CellAlarms, renderAlarms } from './private/alarms';
import { renderDns } from './private/dns';
import { type EcsCellResources, renderCellServers } from './private/ecs-cell';
import { amazonLinux2023 } from './private/image';
import { renderApplicationLoadBalancer, renderNetworkLoadBalancer } from './private/load-balancer';
import { renderLoadBalancerLogs } from './private/logs';
import { acknowledgeCellNagFindings } from './private/nag-acknowledgements';
import { bindCellMetric, type MetricSpecValues } from './private/metrics';
import { renderSecurityGroups } from './private/security-groups';
import { renderWebAclAssociation } from './private/waf';
import type { WebSocketCellProps } from './websocket-cell-props';

/** One cell: load balancer, listener(s), target group, Auto Scaling group, scaling policy, DNS. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class WebSocketCell extends Construct {
  /** The cell's load balancer (ALB or NLB). */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer | elbv2.NetworkLoadBalancer;
  /** Set on ALB cells. */
  readonly applicationLoadBalancer?: elbv2.ApplicationLoadBalancer;
  /** Set on NLB cells. */
  readonly networkLoadBalancer?: elbv2.NetworkLoadBalancer;
  /** The :443 listener carrying WebSocket traffic (HTTPS on ALB, TLS or TCP on NLB). */
  readonly listener: elbv2.ApplicationListener | elbv2.NetworkListener;
  /** ALB cells: the :80 listener redirecting to HTTPS (301). */
  readonly httpRedirectListener?: elbv2.ApplicationListener;
  /** The target group the Auto Scaling group registers into. */
  readonly targetGroup: elbv2.ApplicationTargetGroup | elbv2.NetworkTargetGroup;
  // EC2 cells only (on ECS cells reading them throws with the fix: use `ecs`).
  /** The Auto Scaling group. @throws on ECS cells */
  declare readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template of the group's instances. @throws on ECS cells */
  declare readonly launchTemplate: ec2.LaunchTemplate;
  /** The instances' role. @throws on ECS cells */
  declare readonly role: iam.IRole;
  /** The termination lifecycle hook under which servers drain. @throws on ECS cells */
  declare readonly terminationHook: autoscaling.LifecycleHook;
  /** The target-tracking policy on connections per instance. @throws on ECS cells */
  declare readonly scalingPolicy: autoscaling.CfnScalingPolicy;
  /** ECS cells only: cluster, task definition, container, service, roles, log group, scaling. */
  declare readonly ecs?: EcsCellResources;
  /** Connections of the instances' security group (ingress only from the load balancer). */
  readonly connections: ec2.Connections;
  /** The load balancer's security group. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** The Route 53 health check of this cell, when `dns.healthChecks` is on and a zone was given. */
  readonly route53HealthCheck?: route53.HealthCheck;
  /** The cell's CloudWatch alarms keyed by alarm key (`rejectedConnections`, `unhealthyHosts`, …); see core `ALARM_KEYS`. */
  readonly alarms: CellAlarms;
  /** ALB cells with WAF on: the web ACL association. */
  readonly webAclAssociation?: wafv2.CfnWebACLAssociation;

  private readonly resolved: ResolvedCell;
  /** Every late-bound value an operations metric may name (dashboards read it through `metricValues`). */
  readonly metricValues: MetricSpecValues;

  constructor(scope: Construct, id: string, props: WebSocketCellProps) {
    super(scope, id);
    const { tier, cell, vpc } = props;
    this.resolved = cell;
    const groups = renderSecurityGroups(this, cell, vpc);
    this.loadBalancerSecurityGroup = groups.loadBalancer;
    this.connections = groups.instances.connections;

    const lbInputs = { vpc, securityGroup: groups.loadBalancer, certificate: props.certificate };
    if (cell.loadBalancerType === 'application') {
      const alb = renderApplicationLoadBalancer(this, { ...lbInputs, cell });
      this.applicationLoadBalancer = alb.loadBalancer;
      this.loadBalancer = alb.loadBalancer;
      this.listener = alb.listener;
      this.httpRedirectListener = alb.httpRedirectListener;
      this.targetGroup = alb.targetGroup;
    } else {
      const nlb = renderNetworkLoadBalancer(this, { ...lbInputs, cell });
      this.networkLoadBalancer = nlb.loadBalancer;
      this.loadBalancer = nlb.loadBalancer;
      this.listener = nlb.listener;
      this.targetGroup = nlb.targetGroup;
    }
    // The servers: an Auto Scaling group, or an ECS service when `cell.backend` is set (./private/ecs-cell.ts).
    const dimensionValues = renderCellServers(
      this,
      {
        tier,
        cell,
        vpc,
        securityGroup: groups.instances,
        machineImage: () => props.machineImage ?? amazonLinux2023(cell),
        serverBundle: props.serverBundle,
        backplane: props.backplane?.location,
        cluster: props.ecsCluster,
      },
      this.targetGroup,
      this.loadBalancer,
    );
    if (props.hostedZone) {
      this.route53HealthCheck = renderDns(this, tier, cell, props.hostedZone, this.loadBalancer).healthCheck;
    }

    // Operations (lib/core/operations/): logs, WAF, alarms.
    renderLoadBalancerLogs(this.loadBalancer, cell.operations, props.logBucket);
    if (cell.operations.webAclAssociation && props.webAcl && this.applicationLoadBalancer) {
      this.webAclAssociation = renderWebAclAssociation(this, props.webAcl, this.applicationLoadBalancer);
    }
    this.metricValues = {
      ...dimensionValues,
      targetGroupFullName: this.targetGroup.targetGroupFullName,
      route53HealthCheckId: this.route53HealthCheck?.healthCheckId,
    };
    this.alarms = renderAlarms(this, cell.operations.alarms, this.metricValues, props.alarmTopic);
    acknowledgeCellNagFindings(cell, this);
  }

  static {
    installCellMetricHelpers<WebSocketCell, cloudwatch.Metric, cloudwatch.MetricOptions>(WebSocketCell.prototype, (cell, helper, options) =>
      bindCellMetric(helper, cell.resolved, cell.metricValues, cell.node.path, options),
    );
  }
}

/** The metric helpers (`cell.metricElb5xx()`, …), generated from core `CELL_METRICS`; `options` override statistic, period, label and so on. */
// Declaration merging adds the generated helpers to the class type; the interface has no members of its own.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface WebSocketCell extends CellMetricHelpers<cloudwatch.Metric, cloudwatch.MetricOptions> {}

export type { WebSocketCellProps } from './websocket-cell-props';
