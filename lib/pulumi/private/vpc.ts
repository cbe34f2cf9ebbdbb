/**
 * The VPC a Pulumi tier creates when none is given, from plain `aws.ec2` resources (no awsx):
 * core's `TIER_VPC` shape with its Pulumi layout (lib/core/network.ts, which says where and why it
 * differs from the CDK construct's): `pulumi.maxAzs` (2) availability-zone slots, each with a
 * public subnet (load balancers) and a private subnet (instances) whose egress goes through that
 * slot's NAT gateway, CIDRs from core's `subnetCidrBlocks` (/20s). Dual-stack tiers get an
 * Amazon-provided IPv6 /56 and a /64 per public subnet (dual-stack load balancers need IPv6 in
 * their subnets; the instances stay IPv4-only behind them).
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { IpAddressType } from '../../core/config';
import { childName, VPC_FLOW_LOG_IDS, VPC_IDS } from '../../core/ids';
import { subnetCidrBlocks, TIER_VPC } from '../../core/network';
import type { ResolvedTierOperations } from '../../core/operations';
import { child, create, policyJson, type Scope } from './util';

const LAYOUT = TIER_VPC.pulumi;

/** The network a tier's cells are placed in. */
export interface TierNetwork {
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The `index`-th /64 of an IPv6 /56 (`2600:1f18:abc:de00::/56`, 3 → `2600:1f18:abc:de03::/64`).
 * @throws Error when the block is not a /56
 */
export function ipv6Subnet64(block56: string, index: number): string {
  const [address, prefix] = block56.split('/');
  if (prefix !== '56' || !Number.isInteger(index) || index < 0 || index > 255) {
    throw new Error(`websocket-tier: cannot carve /64 number ${index} out of IPv6 block '${block56}' (expected a /56 and 0–255).`);
  }
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right].map((g) => parseInt(g || '0', 16));
  groups[3] = (groups[3] & 0xff00) | index;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The VPC's flow log (core's `operations.vpcFlowLog`): a CloudWatch Logs group with the plan's
 * retention, a role VPC Flow Logs assumes to write into it, and the flow log of the plan's traffic
 * type. Same as the CDK construct's `Vpc/FlowLog`. Source:
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 */
function renderFlowLog(
  scope: Scope,
  vpcId: pulumi.Input<string>,
  flowLog: NonNullable<ResolvedTierOperations['vpcFlowLog']>,
): aws.ec2.FlowLog {
  const logGroup = create(aws.cloudwatch.LogGroup, scope, VPC_FLOW_LOG_IDS.logGroup, { retentionInDays: flowLog.retentionDays });
  const role = create(aws.iam.Role, scope, VPC_FLOW_LOG_IDS.role, {
    assumeRolePolicy: policyJson([{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
  });
  create(aws.iam.RolePolicy, scope, VPC_FLOW_LOG_IDS.rolePolicy, {
    role: role.id,
    policy: pulumi.all([logGroup.arn, role.arn]).apply(([groupArn, roleArn]) =>
      policyJson([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [groupArn, `${groupArn}:*`],
        },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: roleArn },
      ]),
    ),
  });
  return create(aws.ec2.FlowLog, scope, VPC_FLOW_LOG_IDS.flowLog, {
    vpcId,
    trafficType: flowLog.trafficType,
    logDestinationType: 'cloud-watch-logs',
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
  });
}

/** Create the VPC (with its flow log when the plan has one) and return the ids the cells need. */
export function renderVpc(
  tierScope: Scope,
  vpcId: string,
  ipAddressType: IpAddressType,
  flowLog?: ResolvedTierOperations['vpcFlowLog'],
): TierNetwork {
  const dualStack = ipAddressType === 'dualstack';
  const [vpcName, opts] = child(tierScope, vpcId);
  const vpc = new aws.ec2.Vpc(
    vpcName,
    {
      cidrBlock: TIER_VPC.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      assignGeneratedIpv6CidrBlock: dualStack,
      tags: { Name: vpcName },
    },
    opts,
  );
  const scope: Scope = { name: vpcName, parent: tierScope.parent };
  if (flowLog !== undefined) renderFlowLog(scope, vpc.id, flowLog);
  const azs = aws.getAvailabilityZonesOutput({ state: 'available' }, { parent: tierScope.parent }).names;
  const igw = create(aws.ec2.InternetGateway, scope, VPC_IDS.internetGateway, { vpcId: vpc.id });
  const publicRouteTable = create(aws.ec2.RouteTable, scope, VPC_IDS.publicRouteTable, { vpcId: vpc.id });
  create(aws.ec2.Route, scope, VPC_IDS.publicDefaultRoute, {
    routeTableId: publicRouteTable.id,
    destinationCidrBlock: '0.0.0.0/0',
    gatewayId: igw.id,
  });
  if (dualStack) {
    create(aws.ec2.Route, scope, VPC_IDS.publicDefaultRouteIpv6, {
      routeTableId: publicRouteTable.id,
      destinationIpv6CidrBlock: '::/0',
      gatewayId: igw.id,
    });
  }
  const publicSubnetIds: pulumi.Output<string>[] = [];
  const privateSubnetIds: pulumi.Output<string>[] = [];
  const cidrs = subnetCidrBlocks(TIER_VPC, LAYOUT, LAYOUT.maxAzs);
  for (let i = 0; i < LAYOUT.maxAzs; i++) {
    const slot = i + 1;
    const availabilityZone = azs.apply((names) => names[i]);
    const publicSubnet = create(aws.ec2.Subnet, scope, VPC_IDS.publicSubnet(slot), {
      vpcId: vpc.id,
      availabilityZone,
      cidrBlock: cidrs.public[i],
      ipv6CidrBlock: dualStack ? vpc.ipv6CidrBlock.apply((block) => ipv6Subnet64(block, i)) : undefined,
      mapPublicIpOnLaunch: LAYOUT.mapPublicIpOnLaunch[ipAddressType],
      tags: { Name: childName(vpcName, VPC_IDS.publicSubnet(slot)) },
    });
    create(aws.ec2.RouteTableAssociation, scope, VPC_IDS.publicSubnetRouteTableAssociation(slot), {
      subnetId: publicSubnet.id,
      routeTableId: publicRouteTable.id,
    });
    const eip = create(aws.ec2.Eip, scope, VPC_IDS.natEip(slot), { domain: 'vpc' });
    const [natName, natOpts] = child(scope, VPC_IDS.natGateway(slot));
    const nat = new aws.ec2.NatGateway(natName, { subnetId: publicSubnet.id, allocationId: eip.id }, { ...natOpts, dependsOn: [igw] });
    const privateSubnet = create(aws.ec2.Subnet, scope, VPC_IDS.privateSubnet(slot), {
      vpcId: vpc.id,
      availabilityZone,
      cidrBlock: cidrs['private-with-egress'][i],
      tags: { Name: childName(vpcName, VPC_IDS.privateSubnet(slot)) },
    });
    const privateRouteTable = create(aws.ec2.RouteTable, scope, VPC_IDS.privateRouteTable(slot), { vpcId: vpc.id });
    create(aws.ec2.Route, scope, VPC_IDS.privateDefaultRoute(slot), {
      routeTableId: privateRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      natGatewayId: nat.id,
    });
    create(aws.ec2.RouteTableAssociation, scope, VPC_IDS.privateSubnetRouteTableAssociation(slot), {
      subnetId: privateSubnet.id,
      routeTableId: privateRouteTable.id,
    });
    publicSubnetIds.push(publicSubnet.id);
    privateSubnetIds.push(privateSubnet.id);
  }
  return { vpcId: vpc.id, publicSubnetIds, privateSubnetIds };
}
