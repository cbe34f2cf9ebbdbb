/**
 * The shape of the VPC a tier creates when the user gives none, stated once as data. Both
 * renderers read {@link TIER_VPC}: the CDK construct (lib/cdk/private/vpc.ts) passes it to
 * `ec2.Vpc`, the Pulumi component (lib/pulumi/private/vpc.ts) builds plain `aws.ec2` resources
 * from it and from {@link subnetCidrBlocks}.
 *
 * What both render the same:
 * - one VPC of IPv4 {@link VpcShape.cidr} `10.0.0.0/16`, DNS support and DNS hostnames on;
 * - two subnet tiers per availability zone, in this order: `public` (the load balancers and the
 *   NAT gateways; default route to the internet gateway) and `private-with-egress` (the
 *   instances and the backplane; default route to the NAT gateway of their AZ);
 * - one NAT gateway per AZ, so one AZ's outage does not cut the others' egress
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html);
 * - subnets carved in tier-major, AZ-minor order from the start of the VPC CIDR (public AZ 1,
 *   public AZ 2, …, private AZ 1, …), see {@link subnetCidrBlocks};
 * - 2 AZs in every stack whose Region is not known at synthesis (CDK env-agnostic stacks, whose
 *   AZ list is `Fn::GetAZs` indices 0 and 1) and in every Pulumi stack. An ALB needs subnets in at
 *   least two AZs: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
 *
 * Where they differ, and why it stays so (both layouts are deployed, and a subnet's CIDR block
 * and AZ cannot change in place: changing either replaces the subnet, and with it every load
 * balancer and instance in it, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-subnet.html):
 * - AZ count when the Region is known: CDK spans up to {@link VpcLayout.maxAzs} 3 AZs (the
 *   Region's first three), Pulumi always its first 2. A third Pulumi AZ would add subnets to every
 *   Auto Scaling group, and AZ rebalancing then terminates instances (and their sockets):
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-instance-termination.html (Availability Zone rebalancing)
 * - per-AZ subnet size ({@link VpcLayout.subnetCidrMask}): CDK splits the VPC evenly (`/18` at 2
 *   AZs, `/19` at 3), Pulumi uses `/20` (4,096 addresses per subnet, room for 12 more /20s).
 * - public subnets' `MapPublicIpOnLaunch`: CDK `true` in IPv4-only tiers (its default; `false`
 *   when dual-stack), Pulumi always `false`. Nothing the
 *   tier launches runs in a public subnet (load balancers and NAT gateways get their own
 *   addresses), so the two behave the same.
 * - dual-stack tiers (`dns.ipAddressType: 'dualstack'`): both get an Amazon-provided IPv6 /56;
 *   CDK gives every subnet a /64 (private ones with an egress-only internet gateway), Pulumi only
 *   the public subnets, which is what dual-stack load balancers need; the instances stay IPv4-only.
 *
 * The VPC is not a user setting: a tier that needs another layout passes its own VPC
 * (`vpc` in CDK, `vpcId` + subnet ids in Pulumi).
 */
import type { IpAddressType } from './primitives';

/** A subnet tier: one subnet of this kind in every AZ of the VPC. */
export interface VpcSubnetTier {
  /**
   * `public`: route `0.0.0.0/0` to the internet gateway (load balancers, NAT gateways).
   * `private-with-egress`: route `0.0.0.0/0` to the AZ's NAT gateway (instances, backplane).
   */
  readonly type: 'public' | 'private-with-egress';
  /**
   * Name of the subnet group. CDK derives the subnets' logical ids (`VpcPublicSubnet1Subnet…`)
   * and the `aws-cdk:subnet-name` tag from it, so it is API like every id.
   */
  readonly name: 'Public' | 'Private';
}

/** How one renderer lays the VPC out (see the module docstring for why CDK and Pulumi differ). */
export interface VpcLayout {
  /**
   * Most AZs the VPC spans; fewer when the Region has fewer or the Region is unknown at synthesis
   * (then 2). Range 2 or more (ALB minimum).
   */
  readonly maxAzs: number;
  /**
   * Prefix length of every subnet, 16–28, or `even-split`: the largest equal block that fits
   * (tiers × AZs) subnets in the VPC CIDR (CDK's default: /18 for 4 subnets in a /16, /19 for 6).
   * Source of the /16–/28 range: https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
   */
  readonly subnetCidrMask: number | 'even-split';
  /** `MapPublicIpOnLaunch` of the public subnets, by the tier's `dns.ipAddressType`. */
  readonly mapPublicIpOnLaunch: Readonly<Record<IpAddressType, boolean>>;
}

/** The VPC a tier creates when none is given. */
export interface VpcShape {
  /** IPv4 CIDR of the VPC (a /16: the largest a VPC may have). */
  readonly cidr: string;
  /** AZs used when the Region is unknown at synthesis, and the fewest any layout spans (ALB minimum). */
  readonly minAzs: number;
  /** The subnet tiers, in allocation order. */
  readonly subnetTiers: readonly VpcSubnetTier[];
  /** NAT gateways: one in each AZ's public subnet, used by that AZ's private subnet. */
  readonly natGateways: 'one-per-az';
  /** The CDK construct's layout. */
  readonly cdk: VpcLayout;
  /** The Pulumi component's layout. */
  readonly pulumi: VpcLayout;
}

/** The VPC shape both renderers create (see the module docstring). */
export const TIER_VPC: VpcShape = {
  cidr: '10.0.0.0/16',
  minAzs: 2,
  subnetTiers: [
    { type: 'public', name: 'Public' },
    { type: 'private-with-egress', name: 'Private' },
  ],
  natGateways: 'one-per-az',
  cdk: { maxAzs: 3, subnetCidrMask: 'even-split', mapPublicIpOnLaunch: { ipv4: true, dualstack: false } },
  pulumi: { maxAzs: 2, subnetCidrMask: 20, mapPublicIpOnLaunch: { ipv4: false, dualstack: false } },
};

/** Subnet CIDRs of a layout by tier, each list in AZ-slot order (index 0 = the first AZ). */
export type SubnetCidrBlocks = Readonly<Record<VpcSubnetTier['type'], readonly string[]>>;

const ipToNumber = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const numberToIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** The prefix length of each subnet when `subnets` subnets share `vpcCidr` (`'even-split'` resolved). */
export function subnetPrefixLength(vpcCidr: string, subnets: number, mask: VpcLayout['subnetCidrMask']): number {
  if (mask !== 'even-split') return mask;
  const addresses = 2 ** (32 - Number(vpcCidr.split('/')[1]));
  return 32 - Math.floor(Math.log2(Math.floor(addresses / subnets)));
}

/**
 * The subnet CIDRs of a layout spanning `azCount` AZs, allocated as consecutive blocks of
 * the layout's prefix length from the start of the VPC CIDR, tier-major then AZ
 * (`10.0.0.0/16`, 2 AZs, /20 → public 10.0.0.0/20, 10.0.16.0/20, private 10.0.32.0/20, 10.0.48.0/20).
 * @throws Error when the subnets do not fit in the VPC CIDR (a library bug: the shape is fixed)
 */
export function subnetCidrBlocks(shape: VpcShape, layout: VpcLayout, azCount: number): SubnetCidrBlocks {
  const count = shape.subnetTiers.length * azCount;
  const prefix = subnetPrefixLength(shape.cidr, count, layout.subnetCidrMask);
  const [base, vpcPrefix] = shape.cidr.split('/');
  if (count * 2 ** (32 - prefix) > 2 ** (32 - Number(vpcPrefix))) {
    throw new Error(`websocket-tier internal error: ${count} subnets of /${prefix} do not fit in ${shape.cidr}.`);
  }
  const start = ipToNumber(base);
  const block = (index: number) => `${numberToIp(start + index * 2 ** (32 - prefix))}/${prefix}`;
  const byTier = { public: [] as string[], 'private-with-egress': [] as string[] };
  shape.subnetTiers.forEach((tier, t) => {
    for (let az = 0; az < azCount; az++) byTier[tier.type].push(block(t * azCount + az));
  });
  return byTier;
}
