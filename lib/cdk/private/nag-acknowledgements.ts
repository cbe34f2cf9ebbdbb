/**
 * The cdk-nag `AwsSolutions` findings that are this library's own design, per cell and per tier,
 * with their reasons (how they are written: ./nag-metadata.ts). Rules:
 * https://github.com/cdklabs/cdk-nag/blob/main/RULES.md. Findings the user decides are not
 * acknowledged here (see the cdk-nag section of the README).
 */
import type { IConstruct } from 'constructs';
import { EMF_LOG_GROUP } from '../../core/host-tuning';
import type { ResolvedCell, ResolvedTier } from '../../core/resolved';
import { acknowledgeNag } from './nag-metadata';

export { acknowledgeNag, CDK_NAG_METADATA_KEY, type NagAcknowledgement } from './nag-metadata';

/** How cdk-nag prints `arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}` in findings. */
const NAG_LOGS_ARN = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>';

/** The Redis OSS / Valkey default port (what AwsSolutions-AEC5 flags). */
const REDIS_DEFAULT_PORT = 6379;

/** `0.0.0.0/0 and ::/0 on 443 and 80`: the open-to-any-address ingress of a cell's load balancer (what AwsSolutions-EC23 flags), or undefined. */
function openIngress(cell: ResolvedCell): string | undefined {
  const open = cell.loadBalancerIngress.filter((r) => r.from === '0.0.0.0/0' || r.from === '::/0');
  if (open.length === 0) return undefined;
  const cidrs = [...new Set(open.map((r) => r.from))].join(' and ');
  const ports = [...new Set(open.map((r) => r.port))].join(' and ');
  return `${cidrs} on ${ports}`;
}

/** The parts of a cell the acknowledgements sit on. */
export interface CellNagTargets {
  readonly loadBalancerSecurityGroup: IConstruct;
  readonly autoScalingGroup: IConstruct;
  readonly role: IConstruct;
  readonly loadBalancer: IConstruct;
}

/** The acknowledgements of one cell (`targets` is the `WebSocketCell`). */
export function acknowledgeCellNagFindings(cell: ResolvedCell, targets: CellNagTargets): void {
  const open = openIngress(cell);
  if (open !== undefined) {
    const redirect = cell.loadBalancerType === 'application' ? '; port 80 only answers with a redirect to HTTPS' : '';
    acknowledgeNag(targets.loadBalancerSecurityGroup, [
      {
        rule: 'AwsSolutions-EC23',
        reason:
          `Public WebSocket endpoint by design: the load balancer accepts clients from any address (${open}${redirect}). ` +
          'The instances accept traffic only from this security group. Narrow it with `ingressCidrs` / `ingressIpv6Cidrs`.',
      },
    ]);
  }
  // ECS cells have no group and no instance role (their acknowledgements: ./ecs-nag.ts).
  if (cell.backend !== undefined) return acknowledgeLoadBalancerLogs(cell, targets);
  acknowledgeNag(targets.autoScalingGroup, [
    {
      rule: 'AwsSolutions-AS3',
      reason:
        'Nothing in the tier consumes launch/terminate notifications: draining runs on the termination lifecycle ' +
        'hook, which the draining server itself completes; scaling activity is in the group metrics the tier ' +
        'enables and in the Auto Scaling activity history. Add NotificationConfigurations on the group to receive them.',
    },
  ]);
  acknowledgeNag(targets.role, [
    {
      rule: 'AwsSolutions-IAM4',
      finding: 'Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore',
      reason:
        'Operator access is through Systems Manager only (no SSH port, no key pair). AmazonSSMManagedInstanceCore is ' +
        "the AWS-maintained policy the SSM Agent needs (Session Manager, Run Command, patching); AWS updates it as the agent's " +
        'needs change, which an inline copy would not follow.',
    },
    {
      rule: 'AwsSolutions-IAM5',
      finding: `Resource::${NAG_LOGS_ARN}:log-group:${EMF_LOG_GROUP}:log-stream:*`,
      reason:
        'The CloudWatch agent writes the connection gauge to a log stream it names at run time (by default the instance id); the grant is ' +
        `limited to streams of the one embedded-metric-format log group (${EMF_LOG_GROUP}).`,
    },
  ]);
  acknowledgeLoadBalancerLogs(cell, targets);
}

function acknowledgeLoadBalancerLogs(cell: ResolvedCell, targets: CellNagTargets): void {
  // Only the user's explicit choice: with logs on but not delivered (an environment-agnostic stack,
  // or a cell built without a bucket) the finding stays, next to the tier's warning.
  if (cell.operations.accessLogPrefix === undefined) {
    acknowledgeNag(targets.loadBalancer, [
      {
        rule: 'AwsSolutions-ELB2',
        reason: "Access logs are turned off on purpose in this tier's config (operations.accessLogs.enabled: false).",
      },
    ]);
  }
}

/** The acknowledgements of the tier's shared resources (`targets` is the `WebSocketTier`). */
export function acknowledgeTierNagFindings(
  tier: ResolvedTier,
  targets: {
    readonly logBucket?: IConstruct;
    readonly backplane?: { readonly secret: IConstruct; readonly replicationGroup: IConstruct };
    readonly vpc: IConstruct;
  },
  createdVpc: boolean,
): void {
  if (targets.logBucket) {
    acknowledgeNag(targets.logBucket, [
      {
        rule: 'AwsSolutions-S1',
        reason:
          "This bucket is the destination of the load balancers' access and connection logs. Logging its own server access " +
          'into itself would add a log record for every log object written, a loop AWS recommends against ' +
          '(https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html); logging it into another bucket only moves the finding there.',
      },
    ]);
  }
  if (targets.backplane) {
    acknowledgeNag(targets.backplane.secret, [
      {
        rule: 'AwsSolutions-SMG4',
        reason:
          'This secret is the backplane AUTH token. Rotating it means ModifyReplicationGroup with AuthTokenUpdateStrategy ' +
          'ROTATE then SET, coordinated with every instance, which reads the token only at boot; a Secrets Manager rotation ' +
          'Lambda would change the secret without the replication group and lock the servers out. Rotate on purpose: ROTATE ' +
          'with the new token, roll the instances (instance refresh), then SET.',
      },
    ]);
  }
  const bp = tier.backplane;
  if (targets.backplane && bp && bp.port === REDIS_DEFAULT_PORT) {
    acknowledgeNag(targets.backplane.replicationGroup, [
      {
        rule: 'AwsSolutions-AEC5',
        reason:
          `The backplane listens on the engine's default port ${REDIS_DEFAULT_PORT}, in private subnets, behind a security group that ` +
          "admits only the cells' instance security groups, with TLS and the AUTH token required; a different port hides " +
          'nothing from a client already inside that group. Move it with backplane.port.',
      },
    ]);
  }
  if (targets.backplane && bp && !bp.multiAzEnabled) {
    acknowledgeNag(targets.backplane.replicationGroup, [
      {
        rule: 'AwsSolutions-AEC4',
        reason:
          "One backplane node, no replica, on purpose in this tier's config (backplane.replicasPerShard: 0, a test tier): " +
          'no Multi-AZ failover, so a node failure stops cross-instance broadcasts until ElastiCache replaces it.',
      },
    ]);
  }
  // Only the VPC the tier creates: a VPC passed in, and its flow logs, are the user's.
  if (createdVpc && tier.operations.vpcFlowLog === undefined) {
    acknowledgeNag(targets.vpc, [
      {
        rule: 'AwsSolutions-VPC7',
        reason: "VPC flow logs are turned off on purpose in this tier's config (operations.vpcFlowLogs.enabled: false).",
      },
    ]);
  }
}
