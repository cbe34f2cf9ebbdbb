/**
 * The EC2 capacity of an `ecs-ec2` cell (`backend.capacity`, lib/core/ecs/types.ts): an Auto Scaling
 * group of ECS-optimized Amazon Linux 2023 instances of the cell's instance type (IMDSv2, encrypted
 * gp3 root volume, the agent settings core resolves in user data), registered in the tier's cluster
 * as an ECS capacity provider with managed scaling, managed termination protection (scale-in waits
 * for the instance's tasks; the group protects new instances from scale-in) and managed draining.
 * The cell's service names this capacity provider in its strategy (./ecs-service.ts).
 * Every value comes from core; nothing here has a default.
 * Sources: lib/core/ecs/facts.ts (`ECS_EC2_SOURCES`).
 */
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { ResolvedCell, ResolvedEcsEc2Backend } from '../../core/resolved';
import { acknowledgeNag } from './nag-metadata';

/** Construct ids of an `ecs-ec2` cell's capacity (beside the ECS cell ids). */
export const ECS_EC2_CAPACITY_IDS = {
  instanceRole: 'CapacityInstanceRole',
  autoScalingGroup: 'CapacityGroup',
  capacityProvider: 'CapacityProvider',
} as const;

/** What an `ecs-ec2` cell's capacity is made of (`WebSocketCell.ecs.capacity`). */
export interface EcsEc2CapacityResources {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  /** The instances' role (the ECS agent's permissions only; tasks cannot reach it: `ECS_AWSVPC_BLOCK_IMDS`). */
  readonly instanceRole: iam.Role;
}

/** Inputs of {@link renderEcsEc2Capacity}. */
export interface EcsEc2CapacityInputs {
  readonly cell: ResolvedCell;
  readonly backend: ResolvedEcsEc2Backend;
  readonly cluster: ecs.ICluster;
  readonly vpc: ec2.IVpc;
  /** The cell's instance security group (ingress from its load balancer only). */
  readonly securityGroup: ec2.ISecurityGroup;
}

/** The capacity provider of an `ecs-ec2` cell, added to the tier's cluster. */
export function renderEcsEc2Capacity(scope: Construct, inputs: EcsEc2CapacityInputs): EcsEc2CapacityResources {
  const { cell, backend: b } = inputs;
  const c = b.capacity;
  if (!(inputs.cluster instanceof ecs.Cluster)) {
    throw new Error(
      `${scope.node.path}: cell "${cell.name}" runs on ECS on EC2 capacity, which needs a cluster this stack owns (a capacity provider cannot be added to an imported cluster). Fix: let WebSocketTier create the cluster.`,
    );
  }
  const instanceRole = new iam.Role(scope, ECS_EC2_CAPACITY_IDS.instanceRole, {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `websocket-tier cell ${cell.name}: ECS container instances (the ECS agent)`,
  });
  const userData = ec2.UserData.forLinux();
  const autoScalingGroup = new autoscaling.AutoScalingGroup(scope, ECS_EC2_CAPACITY_IDS.autoScalingGroup, {
    vpc: inputs.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    instanceType: new ec2.InstanceType(c.instanceType),
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(
      c.architecture === 'arm64' ? ecs.AmiHardwareType.ARM : ecs.AmiHardwareType.STANDARD,
    ),
    role: instanceRole,
    userData,
    securityGroup: inputs.securityGroup,
    requireImdsv2: c.requireImdsv2,
    minCapacity: c.minInstances,
    maxCapacity: c.maxInstances,
    newInstancesProtectedFromScaleIn: c.newInstancesProtectedFromScaleIn,
    blockDevices: [
      {
        deviceName: '/dev/xvda',
        volume: autoscaling.BlockDeviceVolume.ebs(c.rootVolumeGiB, { encrypted: true, volumeType: autoscaling.EbsDeviceVolumeType.GP3 }),
      },
    ],
  });
  for (const [name, value] of c.agentConfig) userData.addCommands(`echo ${name}=${value} >> /etc/ecs/ecs.config`);
  const ms = c.managedScaling;
  const capacityProvider = new ecs.AsgCapacityProvider(scope, ECS_EC2_CAPACITY_IDS.capacityProvider, {
    autoScalingGroup,
    enableManagedScaling: ms.status === 'ENABLED',
    targetCapacityPercent: ms.targetCapacityPercent,
    minimumScalingStepSize: ms.minimumScalingStepSize,
    maximumScalingStepSize: ms.maximumScalingStepSize,
    instanceWarmupPeriod: ms.instanceWarmupPeriodSeconds,
    enableManagedTerminationProtection: c.managedTerminationProtection === 'ENABLED',
    enableManagedDraining: c.managedDraining === 'ENABLED',
    machineImageType: ecs.MachineImageType.AMAZON_LINUX_2, // the ECS_CLUSTER line in ecs.config (AL2023 reads the same file)
  });
  inputs.cluster.addAsgCapacityProvider(capacityProvider);
  acknowledgeCapacityNag(autoScalingGroup, instanceRole);
  return { autoScalingGroup, capacityProvider, instanceRole };
}

/** The service's capacity provider strategy: this cell's capacity provider only. */
export function capacityProviderStrategy(capacity: EcsEc2CapacityResources): ecs.CapacityProviderStrategy[] {
  return [{ capacityProvider: capacity.capacityProvider.capacityProviderName, weight: 1 }];
}

function acknowledgeCapacityNag(group: autoscaling.AutoScalingGroup, role: iam.Role): void {
  acknowledgeNag(group, [
    {
      rule: 'AwsSolutions-AS3',
      reason:
        'Scaling of the capacity group is driven by ECS managed scaling (capacity provider) and observed through ECS service events ' +
        'and the tier alarms; per-instance SNS notifications would add a topic nobody subscribes to.',
    },
  ]);
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeNag(policy, [
      {
        rule: 'AwsSolutions-IAM5',
        finding: 'Resource::*',
        reason:
          'The ECS agent statements CDK writes for container instances: ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken have no ' +
          'resource-level permissions, ecs:Poll/StartTelemetrySession are conditioned on this cluster (ecs:cluster), and the agent log ' +
          'calls are the ECS instance policy; tasks cannot use this role (ECS_AWSVPC_BLOCK_IMDS=true, each task has its own task role).',
      },
      {
        rule: 'AwsSolutions-IAM5',
        finding: 'Action::ecs:Submit*',
        reason:
          'ecs:Submit* (SubmitContainerStateChange, SubmitTaskStateChange, SubmitAttachmentStateChanges) is the ECS agent reporting ' +
          'task state, limited to this cluster ARN (the statement CDK writes for container instances).',
      },
    ]);
  }
}
