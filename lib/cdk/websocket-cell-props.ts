/** Properties of the CDK `WebSocketCell` (its implementation is in websocket-cell.ts). */
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { ResolvedCell, ResolvedTier } from '../core/resolved';
import type { WebSocketBackplane } from './websocket-backplane';
/** Properties of a `WebSocketCell`. */
export interface WebSocketCellProps {
  /** The resolved tier the cell belongs to (from `planTier()`); supplies host tuning and server settings. */
  readonly tier: ResolvedTier;
  /** The resolved cell to render; one of `tier.cells`. */
  readonly cell: ResolvedCell;
  /** VPC: the load balancer goes in its public subnets, the instances in its private subnets with egress. */
  readonly vpc: ec2.IVpc;
  /**
   * Certificate for the HTTPS (ALB) or TLS (NLB) listener; must cover `cell.dns.cellDomainName`
   * and the tier name.
   * @default - none; synthesis throws if the cell's listener terminates TLS
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Hosted zone for the weighted record, the direct cell record and AAAA twins.
   * @default - no DNS records and no Route 53 health check
   */
  readonly hostedZone?: route53.IHostedZone;
  /**
   * Single-file JavaScript server bundle, installed by user data and run under systemd.
   * @default - none: the image must ship the `tier.server.serviceName` unit
   */
  readonly serverBundle?: s3assets.Asset;
  /**
   * Image of the instances; its architecture must match `cell.autoScaling.architecture`.
   * @default - latest Amazon Linux 2023 (SSM public parameter) for the instance type's architecture
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Bucket for access (and ALB connection) logs when `cell.operations.accessLogPrefix` is set; must
   * use S3-managed encryption (ALB log delivery supports no KMS keys).
   * @default - no logs written
   */
  readonly logBucket?: s3.IBucket;
  /**
   * Regional web ACL associated with the ALB when `cell.operations.webAclAssociation` is true.
   * @default - no WAF association
   */
  readonly webAcl?: wafv2.CfnWebACL;
  /**
   * SNS topic notified when one of the cell's alarms fires or recovers.
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The tier's backplane; required when `tier.backplane` is set. User data appends `WST_REDIS_URL`
   * (token read from its secret at boot) and the instance role may read that one secret.
   * @default - no backplane
   */
  readonly backplane?: WebSocketBackplane;
  /**
   * The ECS cluster of the tier; required when `cell.backend` is set (an ECS cell). The service's
   * scaling divides by Container Insights' `RunningTaskCount`, so Container Insights must be on.
   * @default - none (EC2 cells need none)
   */
  readonly ecsCluster?: ecs.ICluster;
}
