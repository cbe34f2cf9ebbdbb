/**
 * The tier's one ECS cluster, created only when some cell runs on ECS (lib/core/ecs/), with
 * Container Insights on: the cells' service scaling divides the load balancer's connections by
 * Container Insights' `RunningTaskCount` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html).
 */
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { ECS_TIER_IDS } from '../../core/ids';
import type { ResolvedTier } from '../../core/resolved';

/** The cluster of the tier's ECS cells, or undefined when every cell runs on EC2 (nothing is created). */
export function renderEcsCluster(scope: Construct, tier: ResolvedTier, vpc: ec2.IVpc): ecs.Cluster | undefined {
  if (!tier.cells.some((c) => c.backend !== undefined)) return undefined;
  return new ecs.Cluster(scope, ECS_TIER_IDS.cluster, { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
}
