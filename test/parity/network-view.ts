/**
 * The provider-neutral view of the VPC a tier creates. Each normalizer lists the VPC's parts as
 * plain records (subnets, route-table associations, default routes, NAT gateways, where the
 * first cell's load balancer and instances sit) with its own reference keys; `networkView`
 * classifies every subnet by its default route (internet gateway → public, NAT gateway →
 * private with egress), so neither side's naming is trusted.
 */

/** The parts of a created VPC, as a normalizer reads them. Keys are any stable reference (a logical id, a mock id). */
export interface NetworkParts {
  vpc: { cidr: string; ipv6: boolean };
  /** `az` sorts in AZ-slot order (CDK: the `Fn::GetAZs` index, Pulumi: the zone name). */
  subnets: { key: string; az: string; cidr: string; ipv6: boolean; mapPublicIpOnLaunch: boolean }[];
  associations: { subnet: string; routeTable: string }[];
  /** `0.0.0.0/0` routes only. */
  defaultRoutes: { routeTable: string; internetGateway: boolean; natGateway?: string }[];
  natGateways: { key: string; subnet: string }[];
  loadBalancerSubnets: string[];
  instanceSubnets: string[];
}

/** What both renderers must agree on (core's `TIER_VPC` shape). */
export interface NetworkShapeView {
  vpcCidr: string;
  azCount: number;
  subnetsPerTier: { public: number; 'private-with-egress': number };
  /** Subnets with neither default route (none expected). */
  unroutedSubnets: number;
  natGateways: number;
  /** Every NAT gateway in a public subnet, one per AZ. */
  oneNatPerAzInPublicSubnets: boolean;
  /** Every private subnet's default route goes to the NAT gateway of its own AZ. */
  privateEgressThroughOwnAzNat: boolean;
  loadBalancerInPublicSubnets: boolean;
  instancesInPrivateSubnets: boolean;
  vpcIpv6: boolean;
  publicSubnetsWithIpv6: number;
}

/** The shared shape, plus what core lets differ per renderer (`TIER_VPC.cdk` / `TIER_VPC.pulumi`). */
export interface NetworkView {
  shape: NetworkShapeView;
  /** Subnet CIDRs by tier, in AZ-slot order. */
  cidrs: { public: string[]; 'private-with-egress': string[] };
  /** `MapPublicIpOnLaunch` of the public subnets (one value expected). */
  mapPublicIpOnLaunch: boolean[];
  privateSubnetsWithIpv6: number;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export function networkView(p: NetworkParts): NetworkView {
  const routeOf = (subnet: string) => {
    const table = p.associations.find((a) => a.subnet === subnet)?.routeTable;
    return p.defaultRoutes.find((r) => r.routeTable === table);
  };
  const subnets = [...p.subnets].sort((a, b) => a.az.localeCompare(b.az));
  const tierOf = (key: string) => {
    const route = routeOf(key);
    if (route?.internetGateway) return 'public';
    return route?.natGateway !== undefined ? 'private-with-egress' : 'unrouted';
  };
  const of = (tier: string) => subnets.filter((s) => tierOf(s.key) === tier);
  const pub = of('public');
  const priv = of('private-with-egress');
  const azOf = (subnet: string) => p.subnets.find((s) => s.key === subnet)?.az;
  const natAzs = p.natGateways.map((n) => azOf(n.subnet));
  return {
    shape: {
      vpcCidr: p.vpc.cidr,
      azCount: new Set(subnets.map((s) => s.az)).size,
      subnetsPerTier: { public: pub.length, 'private-with-egress': priv.length },
      unroutedSubnets: of('unrouted').length,
      natGateways: p.natGateways.length,
      oneNatPerAzInPublicSubnets:
        p.natGateways.every((n) => pub.some((s) => s.key === n.subnet)) &&
        new Set(natAzs).size === pub.length &&
        natAzs.length === pub.length,
      privateEgressThroughOwnAzNat: priv.every((s) => {
        const nat = p.natGateways.find((n) => n.key === routeOf(s.key)?.natGateway);
        return nat !== undefined && azOf(nat.subnet) === s.az;
      }),
      loadBalancerInPublicSubnets: sameSet(
        p.loadBalancerSubnets,
        pub.map((s) => s.key),
      ),
      instancesInPrivateSubnets: sameSet(
        p.instanceSubnets,
        priv.map((s) => s.key),
      ),
      vpcIpv6: p.vpc.ipv6,
      publicSubnetsWithIpv6: pub.filter((s) => s.ipv6).length,
    },
    cidrs: { public: pub.map((s) => s.cidr), 'private-with-egress': priv.map((s) => s.cidr) },
    mapPublicIpOnLaunch: [...new Set(pub.map((s) => s.mapPublicIpOnLaunch))],
    privateSubnetsWithIpv6: priv.filter((s) => s.ipv6).length,
  };
}
