/**
 * A realistic chat product's WebSocket tier: three cells behind one weighted Route 53 name, from
 * the configuration shared with the Pulumi example (examples/chat-tier-config.ts).
 *
 * Synthesizes with no AWS account and no context lookups: the hosted zone is imported from its
 * attributes, never looked up. Deploy for real with
 * `npx cdk deploy -c domain=ws.mycorp.com -c hostedZoneId=Z123... -c hostedZoneName=mycorp.com`.
 */
import { type CfnElement, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { WebSocketTier } from '../../lib/cdk';
import { EMF_LOG_GROUP } from '../../lib/core/host-tuning';
import { CELL_IDS } from '../../lib/core/ids';
import { chatTierConfig } from '../chat-tier-config';
import { bundleChatServer } from '../server/bundle';

/** Props of {@link ChatTierStack}. */
export interface ChatTierStackProps extends StackProps {
  /** The name chat clients connect to, e.g. `ws.example.com` (lowercase, no trailing dot). */
  readonly domainName: string;
  /** Id of the public hosted zone that holds `domainName`, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /** Name of that hosted zone, e.g. `example.com` (a suffix of `domainName`). */
  readonly hostedZoneName: string;
  /**
   * Path of the single-file server bundle the instances run.
   * @default - `bundleChatServer()`: the chat server (examples/chat-server/server.ts) bundled with esbuild
   */
  readonly serverBundleFile?: string;
}

/** The example chat tier. Construct ids are API: `Tier` and the cell names must not change. */
export class ChatTierStack extends Stack {
  /** The tier, for escape hatches and tests. */
  public readonly tier: WebSocketTier;

  constructor(scope: Construct, id: string, props: ChatTierStackProps) {
    const { domainName, hostedZoneId, hostedZoneName, serverBundleFile, ...stackProps } = props;
    super(scope, id, {
      description: `websocket-tier example: chat WebSocket tier at ${domainName} (three cells, weighted DNS)`,
      ...stackProps,
    });

    // Imported from its attributes: no lookup, so synthesis needs no AWS account.
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', { hostedZoneId, zoneName: hostedZoneName });

    this.tier = new WebSocketTier(this, 'Tier', {
      ...chatTierConfig(domainName),
      hostedZone,
      serverBundleFile: serverBundleFile ?? bundleChatServer(),
    });

    acknowledgeNagFindings(this.tier);
  }
}

/**
 * Acknowledges the cdk-nag `AwsSolutions` findings this tier accepts on purpose, each with its
 * reason, on the narrowest construct that carries it (cdk-nag 3: `Validations.of(c).acknowledge`,
 * one exact finding id per call). Anything not listed here fails the nag check
 * (test/cdk/nag.test.ts) and `npx cdk synth -c nag=true`.
 */
export function acknowledgeNagFindings(tier: WebSocketTier): void {
  if (tier.backplane) {
    Validations.of(tier.backplane.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'This secret is the backplane AUTH token. Rotating it means ModifyReplicationGroup with AuthTokenUpdateStrategy ' +
        'ROTATE then SET, coordinated with every instance, which reads the token only at boot (it is never in user data ' +
        'or the template); a Secrets Manager rotation Lambda would change the secret without the replication group and ' +
        'lock the servers out. Rotate on purpose: ROTATE with the new token, roll the instances (instance refresh), then SET.',
    });
  }
  if (tier.logBucket) {
    Validations.of(tier.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "This bucket is the destination of the load balancers' access and connection logs; logging its own " +
        'server access into itself would loop, and into another bucket only moves the same finding there.',
    });
  }
  for (const cell of tier.cells) {
    const stack = Stack.of(cell);
    const groupLogicalId = stack.getLogicalId(cell.autoScalingGroup.node.defaultChild as CfnElement);
    const emfLogGroupArn = `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${EMF_LOG_GROUP}`;

    if (!tier.logBucket) {
      Validations.of(cell.loadBalancer).acknowledge({
        id: 'AwsSolutions-ELB2',
        reason:
          'The example synthesizes environment-agnostic by default, and ELB log delivery needs the stack region ' +
          '(the tier warns @websocket-tier/access-logs-need-region). Deploy with -c region=<region> and the tier ' +
          'writes access and connection logs to its encrypted log bucket.',
      });
    }
    Validations.of(cell.loadBalancerSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'Public chat endpoint: clients connect from any address, on 443 only (plus the ALB HTTP-to-HTTPS redirect ' +
        'on 80). Instances accept traffic only from this security group. Narrow it with `ingressCidrs`.',
    });
    Validations.of(cell.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason:
        'Draining is driven by the termination lifecycle hook, not by notifications; scaling activity is visible ' +
        'in the 1-minute group metrics and on the tier dashboard; paging comes from the per-cell CloudWatch alarms ' +
        '(unhealthy hosts, connections per instance, reconnect storms), not from scaling notifications.',
    });
    Validations.of(cell.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason:
        'Operator access is Session Manager only (no SSH port, no key pair); AmazonSSMManagedInstanceCore is the ' +
        'AWS-maintained minimum for it.',
    });
    Validations.of(cell.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${emfLogGroupArn}:log-stream:*]`,
      reason:
        'Each instance writes the connection gauge to its own log stream, named at run time; the grant is limited ' +
        `to the one embedded-metric-format log group (${EMF_LOG_GROUP}).`,
    });
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*']) {
      Validations.of(cell.role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Read-only grant (Asset.grantRead) on the CDK assets bucket, so user data can download the server bundle ' +
          'at boot; the action wildcards are the read set CDK grants for assets.',
      });
    }
    Validations.of(cell.node.findChild(CELL_IDS.lifecycleActionPolicy)).acknowledge({
      id:
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*` +
        `:autoScalingGroupName/<${groupLogicalId}>]`,
      reason:
        "The `*` stands for the group's UUID, which CloudFormation does not return; the ARN is pinned to this " +
        "cell's group by name, and the actions are only the two lifecycle-action calls of the drain.",
    });
  }
}
