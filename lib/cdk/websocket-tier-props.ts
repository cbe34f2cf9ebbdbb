/** Properties of the CDK `WebSocketTier` (its implementation is in websocket-tier.ts). */
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { TierConfig } from '../core/config';
/**
 * Properties of a `WebSocketTier`: the provider-neutral `TierConfig` plus the AWS objects it is
 * rendered into.
 */
export interface WebSocketTierProps extends TierConfig {
  /**
   * Hosted zone containing `domainName`. Pass `HostedZone.fromHostedZoneAttributes(...)` so
   * synthesis needs no lookup. Receives the weighted records, the cell records and, by default,
   * the certificate's DNS validation records.
   */
  readonly hostedZone: route53.IHostedZone;
  /**
   * VPC of every cell: load balancers in its public subnets, instances in its private subnets
   * with egress (they fetch packages, the server bundle and talk to CloudWatch). With
   * `dns.ipAddressType: 'dualstack'` it must have IPv6.
   * @default - a new VPC of core's `TIER_VPC` shape (lib/core/network.ts): 10.0.0.0/16, public +
   *   private-with-egress subnets split evenly in up to 3 AZs (2 when the stack is env-agnostic),
   *   one NAT gateway per AZ; dual-stack when `dns.ipAddressType` is `dualstack`;
   *   with a flow log of rejected traffic to CloudWatch Logs (see `operations.vpcFlowLogs`)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Certificate of every HTTPS/TLS listener; must cover `domainName` and `*.domainName`.
   * @default - one DNS-validated ACM certificate for domainName and *.domainName (covers every cell name)
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Path of a single-file JavaScript bundle of the server (see examples/server/bundle.ts): the same
   * as `server.artifact` with that file and no `server.command`. Shipped as ONE S3 asset shared by
   * all cells (as is `server.artifact`; CDK zips a directory), downloaded by user data and run
   * under systemd with the tier's limits and environment. Giving it with `server.artifact`,
   * `server.command` or `server.unitProvidedByImage` is an error (`server-start-conflict`).
   * @default - none: `server.command` / `server.artifact` say what runs, or `server.unitProvidedByImage`
   */
  readonly serverBundleFile?: string;
  /**
   * Image of every instance; its architecture must match each cell's instance type.
   * @default - latest Amazon Linux 2023 (SSM public parameter, no context lookup) for the instance type's architecture
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * SNS topic every cell alarm notifies on ALARM and OK. Takes precedence over
   * `operations.alarmTopicArn`.
   * @default - the topic named by `operations.alarmTopicArn`, else alarms have no actions
   */
  readonly alarmTopic?: sns.ITopic;
}
