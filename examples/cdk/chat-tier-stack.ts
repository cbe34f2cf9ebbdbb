/**
 * A realistic chat product's WebSocket tier: three cells behind one weighted Route 53 name, from
 * the configuration shared with the Pulumi example (examples/chat-tier-config.ts).
 *
 * Synthesizes with no AWS account and no context lookups: the hosted zone is imported from its
 * attributes, never looked up. Deploy for real with
 * `npx cdk deploy -c domain=ws.mycorp.com -c hostedZoneId=Z123... -c hostedZoneName=mycorp.com`.
 */
import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { WebSocketTier } from '../../lib/cdk';
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
 * Acknowledges the cdk-nag `AwsSolutions` findings that are this example's own choice, with the
 * reason, on the narrowest construct that carries it (cdk-nag 3: `Validations.of(c).acknowledge`,
 * one exact finding id per call). The tier acknowledges its own design itself (public listeners,
 * the SSM instance policy, the log bucket, the backplane token; see the cdk-nag section of the
 * README); anything else fails the nag check (test/cdk/nag.test.ts) and `npx cdk synth -c nag=true`.
 */
export function acknowledgeNagFindings(tier: WebSocketTier): void {
  if (tier.logBucket) return;
  for (const cell of tier.cells) {
    // The example is environment-agnostic unless deployed with -c region=…; logs stay on in its config.
    Validations.of(cell.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'The example synthesizes environment-agnostic by default, and ELB log delivery needs the stack region ' +
        '(the tier warns @websocket-tier/access-logs-need-region). Deploy with -c region=<region> and the tier ' +
        'writes access and connection logs to its encrypted log bucket.',
    });
  }
}
