/** Arguments of the Pulumi `WebSocketTier` (its implementation is in websocket-tier.ts). */
import type * as pulumi from '@pulumi/pulumi';
import type { TierConfig } from '../core/config';
/**
 * Arguments of a `WebSocketTier`: the provider-neutral `TierConfig` (plain values: fields that
 * decide which resources exist are never Inputs) plus the AWS objects it is rendered into.
 */
export interface WebSocketTierArgs extends TierConfig {
  /**
   * Id of the Route 53 hosted zone containing `domainName`. Receives the weighted records, the
   * cell records and, by default, the certificate's DNS validation record.
   */
  readonly hostedZoneId: pulumi.Input<string>;
  /**
   * Name of that hosted zone (e.g. `example.com`), when you know it: `domainName` is then checked to
   * lie inside it (error `domain-outside-zone`), as the CDK construct does with its zone object.
   * @default - not checked (the zone id alone does not tell its name at program time)
   */
  readonly hostedZoneName?: string;
  /**
   * Existing VPC of every cell; give `publicSubnetIds` and `privateSubnetIds` with it. With
   * `dns.ipAddressType: 'dualstack'` its public subnets must have IPv6.
   * @default - a new VPC of core's `TIER_VPC` shape (lib/core/network.ts): 10.0.0.0/16 with a
   *   public and a private /20 subnet in each of two AZs and one NAT gateway per AZ; dual-stack
   *   public subnets when `dns.ipAddressType` is `dualstack`. (The CDK construct's VPC splits the
   *   /16 evenly and spans up to three AZs when the stack's environment is known.)
   */
  readonly vpcId?: pulumi.Input<string>;
  /** Public subnets of `vpcId` (at least two AZs) for the load balancers. @default - the created VPC's */
  readonly publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Private subnets of `vpcId` with NAT egress for the instances. @default - the created VPC's */
  readonly privateSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * ACM certificate of every HTTPS/TLS listener; must cover `domainName` and `*.domainName`.
   * @default - one DNS-validated ACM certificate for domainName and *.domainName, created only
   *   when some cell's listener terminates TLS
   */
  readonly certificateArn?: pulumi.Input<string>;
  /**
   * Path of a single-file JavaScript bundle of the server (see examples/server/bundle.ts): the same
   * as `server.artifact` with that file and no `server.command`. Stored once (as is
   * `server.artifact`; a directory is zipped) in a private, encrypted S3 bucket under a key named by
   * its SHA-256, downloaded by user data and run under systemd with the tier's limits and
   * environment. Giving it with `server.artifact`, `server.command` or `server.unitProvidedByImage`
   * is an error (`server-start-conflict`).
   * @default - none: `server.command` / `server.artifact` say what runs, or `server.unitProvidedByImage`
   */
  readonly serverBundleFile?: string;
  /**
   * AMI of every instance; its architecture must match each cell's instance type.
   * @default - latest Amazon Linux 2023 (SSM public parameter) for each cell's architecture
   */
  readonly amiId?: pulumi.Input<string>;
}
