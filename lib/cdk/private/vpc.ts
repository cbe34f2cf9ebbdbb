/**
 * The VPC a CDK tier creates when none is given: core's `TIER_VPC` shape with its CDK layout
 * (lib/core/network.ts), plus the flow log of core's `operations.vpcFlowLog`.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { VPC_FLOW_LOG_IDS } from '../../core/ids';
import { TIER_VPC, type VpcSubnetTier } from '../../core/network';
import type { ResolvedTierOperations } from '../../core/operations';
import type { IpAddressType } from '../../core/primitives';

const SUBNET_TYPES: Record<VpcSubnetTier['type'], ec2.SubnetType> = {
  public: ec2.SubnetType.PUBLIC,
  'private-with-egress': ec2.SubnetType.PRIVATE_WITH_EGRESS,
};

/** The created VPC and its flow log (when the plan has one). */
export interface RenderedVpc {
  readonly vpc: ec2.Vpc;
  readonly flowLog?: ec2.FlowLog;
}

/**
 * `ec2.Vpc` from `TIER_VPC`: its CIDR, its subnet tiers (in order, by name), up to `cdk.maxAzs`
 * AZs, and CDK's default of one NAT gateway per AZ (`natGateways` omitted), which is
 * `TIER_VPC.natGateways` `'one-per-az'`.
 */
export function renderVpc(
  scope: Construct,
  id: string,
  ipAddressType: IpAddressType,
  flowLog?: ResolvedTierOperations['vpcFlowLog'],
): RenderedVpc {
  const layout = TIER_VPC.cdk;
  const vpc = new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr(TIER_VPC.cidr),
    maxAzs: layout.maxAzs,
    subnetConfiguration: TIER_VPC.subnetTiers.map((tier) => ({
      name: tier.name,
      subnetType: SUBNET_TYPES[tier.type],
      cidrMask: layout.subnetCidrMask === 'even-split' ? undefined : layout.subnetCidrMask,
      mapPublicIpOnLaunch: tier.type === 'public' ? layout.mapPublicIpOnLaunch[ipAddressType] : undefined,
    })),
    ipProtocol: ipAddressType === 'dualstack' ? ec2.IpProtocol.DUAL_STACK : ec2.IpProtocol.IPV4_ONLY,
  });
  if (flowLog === undefined) return { vpc };
  const logGroup = new logs.LogGroup(vpc, VPC_FLOW_LOG_IDS.logGroup, { retention: flowLog.retentionDays as logs.RetentionDays });
  return {
    vpc,
    flowLog: vpc.addFlowLog(VPC_FLOW_LOG_IDS.flowLog, {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup),
      trafficType: flowLog.trafficType === 'ALL' ? ec2.FlowLogTrafficType.ALL : ec2.FlowLogTrafficType.REJECT,
    }),
  };
}
