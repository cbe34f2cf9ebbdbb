/**
 * The servers of a cell, whichever backend it runs: the EC2 fleet (Auto Scaling group, termination
 * hook, scaling policy; ./fleet.ts, ./scaling.ts) or an ECS service (./ecs-service.ts). The one
 * branch of `WebSocketCell` on `cell.backend`. On ECS cells the EC2-only members
 * (`autoScalingGroup`, `launchTemplate`, `role`, `terminationHook`, `scalingPolicy`) throw with the
 * fix instead of being silently undefined; `ecs` holds what the cell is made of.
 */
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { type FleetInputs, renderFleet } from './fleet';
import type { MetricSpecValues } from './metrics';
import { renderEcsEc2Capacity } from './ecs-ec2-capacity';
import { acknowledgeEcsNagFindings } from './ecs-nag';
import { type EcsCellResources, renderEcsService } from './ecs-service';
import { renderScalingPolicy } from './scaling';

export type { EcsCellResources } from './ecs-service';

/** The members of `WebSocketCell` the servers' renderer sets. */
export interface CellServerMembers {
  autoScalingGroup: autoscaling.AutoScalingGroup;
  launchTemplate: ec2.LaunchTemplate;
  role: iam.IRole;
  terminationHook: autoscaling.LifecycleHook;
  scalingPolicy: autoscaling.CfnScalingPolicy;
  ecs?: EcsCellResources;
}

const EC2_ONLY: readonly (keyof CellServerMembers)[] = ['autoScalingGroup', 'launchTemplate', 'role', 'terminationHook', 'scalingPolicy'];

/** Inputs: the fleet's, plus the tier's ECS cluster (required by ECS cells). */
export interface CellServerInputs extends Omit<FleetInputs, 'machineImage'> {
  readonly machineImage: () => ec2.IMachineImage;
  readonly cluster?: ecs.ICluster;
}

/**
 * Render the cell's servers into its target group and set the matching members on `cell`.
 * @returns the late-bound values the cell's metrics name (no Auto Scaling group name on ECS cells)
 */
export function renderCellServers(
  cell: Construct & CellServerMembers,
  inputs: CellServerInputs,
  targetGroup: elbv2.ApplicationTargetGroup | elbv2.NetworkTargetGroup,
  loadBalancer: elbv2.ILoadBalancerV2 & { readonly loadBalancerFullName: string },
): MetricSpecValues {
  const resolved = inputs.cell;
  const backend = resolved.backend;
  if (backend === undefined) {
    const fleet = renderFleet(cell, { ...inputs, machineImage: inputs.machineImage() });
    if (targetGroup instanceof elbv2.ApplicationTargetGroup) fleet.autoScalingGroup.attachToApplicationTargetGroup(targetGroup);
    else fleet.autoScalingGroup.attachToNetworkTargetGroup(targetGroup);
    const values = {
      autoScalingGroupName: fleet.autoScalingGroup.autoScalingGroupName,
      loadBalancerFullName: loadBalancer.loadBalancerFullName,
    };
    Object.assign(cell, {
      autoScalingGroup: fleet.autoScalingGroup,
      launchTemplate: fleet.launchTemplate,
      role: fleet.role,
      terminationHook: fleet.terminationHook,
      scalingPolicy: renderScalingPolicy(cell, resolved.autoScaling.scalingPolicy, values),
    });
    return values;
  }
  if (inputs.cluster === undefined) {
    throw new Error(
      `${cell.node.path}: cell "${resolved.name}" runs on ECS (${backend.type}) but no ECS cluster was given. Fix: pass ecsCluster (WebSocketTier creates one for its ECS cells).`,
    );
  }
  const capacity =
    backend.type === 'ecs-ec2'
      ? renderEcsEc2Capacity(cell, {
          cell: resolved,
          backend,
          cluster: inputs.cluster,
          vpc: inputs.vpc,
          securityGroup: inputs.securityGroup,
        })
      : undefined;
  const resources = renderEcsService(cell, {
    cell: resolved,
    backend,
    cluster: inputs.cluster,
    capacity,
    secrets: inputs.tier.server.secrets,
    securityGroup: inputs.securityGroup,
    targetGroup,
    loadBalancerFullName: loadBalancer.loadBalancerFullName,
  });
  Object.defineProperty(cell, 'ecs', { value: resources, enumerable: true });
  for (const key of EC2_ONLY) {
    Object.defineProperty(cell, key, {
      enumerable: false,
      get: () => {
        throw new Error(
          `${cell.node.path}: cell "${resolved.name}" runs on ECS (${backend.type}): it has no ${key} (that is an EC2 cell's). Fix: use cell.ecs (service, taskDefinition, container, taskRole, executionRole, scalingPolicy, …).`,
        );
      },
    });
  }
  acknowledgeEcsNagFindings(resolved, resources);
  return { loadBalancerFullName: loadBalancer.loadBalancerFullName };
}
