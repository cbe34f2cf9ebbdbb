/**
 * An ECS cell on Fargate, from `cell.backend` (lib/core/ecs/types.ts): least-privilege task and
 * execution roles, the container log group, the task definition (image, CPU/memory, nofile,
 * network sysctls, stop timeout, the server contract environment), the Fargate service in the
 * cell's target group (ip targets) with a deployment that never dips below 100 % healthy and rolls
 * back on failure, and service auto scaling on connections per task (metric math, L1: the L2
 * cannot render it). `ecs-ec2` cells get an EC2-compatible task definition and an EC2 service placed
 * through the cell's capacity provider (./ecs-ec2-capacity.ts); everything else is the same.
 * `server.secrets` become container `secrets` (references only; the execution role reads exactly
 * those, lib/core/ecs/secrets.ts). Every value comes from core; nothing here has a default.
 * Sources: lib/core/ecs/facts.ts.
 */
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CELL_IDS, ECS_CELL_IDS } from '../../core/ids';
import type { EcsDimensionSource, ResolvedCell, ResolvedCellBackend } from '../../core/resolved';
import type { ResolvedServerSecret } from '../../core/server-secrets';
import type { EcsEc2CapacityResources } from './ecs-ec2-capacity';
import { addContainerSecrets, type CommonServiceProps, renderLaunchService, renderTaskDefinition } from './ecs-launch';
import { seconds } from './util';

/** What an ECS cell is made of (`WebSocketCell.ecs`). */
export interface EcsCellResources {
  readonly cluster: ecs.ICluster;
  /** A `FargateTaskDefinition` on Fargate cells; an EC2-compatible `TaskDefinition` on `ecs-ec2` cells. */
  readonly taskDefinition: ecs.TaskDefinition;
  readonly container: ecs.ContainerDefinition;
  /** An `ecs.FargateService` on Fargate cells, an `ecs.Ec2Service` on `ecs-ec2` cells. */
  readonly service: ecs.BaseService;
  /** `ecs-ec2` cells only: the Auto Scaling group and capacity provider the tasks run on. */
  readonly capacity?: EcsEc2CapacityResources;
  /** The role the server process runs with (no permissions unless ECS Exec is on). */
  readonly taskRole: iam.Role;
  /** The role ECS uses to pull the image and write the container log. */
  readonly executionRole: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly scalableTaskCount: ecs.ScalableTaskCount;
  /** Target tracking on connections per task. */
  readonly scalingPolicy: appscaling.CfnScalingPolicy;
}

/** Inputs of the ECS cell renderer. */
export interface EcsServiceInputs {
  readonly cell: ResolvedCell;
  readonly backend: ResolvedCellBackend;
  readonly cluster: ecs.ICluster;
  /** `ecs-ec2` cells: the capacity the service is placed on (required there). */
  readonly capacity?: EcsEc2CapacityResources;
  /** `server.secrets` of the tier (container `secrets`). */
  readonly secrets?: readonly ResolvedServerSecret[];
  readonly securityGroup: ec2.ISecurityGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup | elbv2.NetworkTargetGroup;
  /** `app/…` or `net/…` of the cell's load balancer (the scaling numerator's dimension). */
  readonly loadBalancerFullName: string;
}

function image(b: ResolvedCellBackend): ecs.ContainerImage {
  const img = b.container.image;
  if (img.kind === 'uri') return ecs.ContainerImage.fromRegistry(img.uri);
  // An ECR asset: synth only stages the directory; `cdk deploy` builds and pushes it.
  const platform = b.runtimePlatform.cpuArchitecture === 'ARM64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
  return ecs.ContainerImage.fromAsset(img.directory, { platform });
}

/** Task definition, service and scaling of an ECS cell. */
export function renderEcsService(scope: Construct, inputs: EcsServiceInputs): EcsCellResources {
  const { cell, backend: b } = inputs;
  const c = b.container;
  const tasks = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
  const taskRole = new iam.Role(scope, ECS_CELL_IDS.taskRole, {
    assumedBy: tasks,
    description: `websocket-tier cell ${cell.name}: WebSocket server tasks`,
  });
  const executionRole = new iam.Role(scope, ECS_CELL_IDS.executionRole, {
    assumedBy: tasks,
    description: `websocket-tier cell ${cell.name}: ECS pulls the image and writes the container log`,
  });
  const logGroup = new logs.LogGroup(scope, ECS_CELL_IDS.logGroup, { retention: c.logs.retentionDays as logs.RetentionDays });

  const taskDefinition = renderTaskDefinition(scope, b, taskRole, executionRole);
  const hc = c.healthCheck;
  const container = taskDefinition.addContainer(ECS_CELL_IDS.container, {
    containerName: c.name,
    image: image(b),
    essential: c.essential,
    environment: { ...cell.serverEnvironment },
    portMappings: c.portMappings.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol as ecs.Protocol })),
    stopTimeout: seconds(c.stopTimeoutSeconds),
    systemControls: c.systemControls.map((s) => ({ namespace: s.namespace, value: s.value })),
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: c.logs.streamPrefix }),
    healthCheck: hc && {
      command: [...hc.command],
      interval: seconds(hc.intervalSeconds),
      timeout: seconds(hc.timeoutSeconds),
      retries: hc.retries,
      startPeriod: seconds(hc.startPeriodSeconds),
    },
  });
  addContainerSecrets(scope, container, executionRole, inputs.secrets ?? []); // references only (./ecs-launch.ts)
  container.addUlimits(...c.ulimits.map((u) => ({ name: u.name as ecs.UlimitName, softLimit: u.softLimit, hardLimit: u.hardLimit })));

  const s = b.service;
  // The same deployment, circuit breaker, rebalancing, health grace and networking on both launch types.
  const common: CommonServiceProps = {
    cluster: inputs.cluster,
    desiredCount: s.desiredCount, // unset: deploys never reset what scaling chose
    minHealthyPercent: s.minimumHealthyPercent,
    maxHealthyPercent: s.maximumPercent,
    circuitBreaker: { enable: s.circuitBreaker.enable, rollback: s.circuitBreaker.rollback },
    availabilityZoneRebalancing: s.availabilityZoneRebalancing as ecs.AvailabilityZoneRebalancing,
    healthCheckGracePeriod: seconds(s.healthCheckGracePeriodSeconds),
    enableExecuteCommand: s.enableExecuteCommand,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [inputs.securityGroup],
    propagateTags: s.propagateTags as ecs.PropagatedTagSource,
    enableECSManagedTags: s.enableEcsManagedTags,
  };
  const service = renderLaunchService(scope, cell.name, b, common, taskDefinition, inputs.capacity);
  const repository = c.image.kind === 'uri' ? c.image.ecrRepositoryArn : undefined;
  if (repository !== undefined) {
    // A private ECR image given by URI: pull from that one repository (ContainerImage.fromRegistry grants nothing).
    executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [repository],
      }),
    );
    executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  }
  inputs.targetGroup.addTarget(service.loadBalancerTarget({ containerName: c.name, containerPort: c.portMappings[0].containerPort }));

  const sc = b.scaling;
  const scalableTaskCount = service.autoScaleTaskCount({ minCapacity: sc.minCapacity, maxCapacity: sc.maxCapacity });
  const values: Readonly<Record<EcsDimensionSource, string>> = {
    loadBalancerFullName: inputs.loadBalancerFullName,
    clusterName: inputs.cluster.clusterName,
    serviceName: service.serviceName,
  };
  const scalingPolicy = new appscaling.CfnScalingPolicy(scope, CELL_IDS.scalingPolicy, {
    policyName: sc.policyName,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: scalableTargetId(scalableTaskCount),
    targetTrackingScalingPolicyConfiguration: {
      targetValue: sc.targetValue,
      scaleInCooldown: sc.scaleInCooldownSeconds,
      scaleOutCooldown: sc.scaleOutCooldownSeconds,
      disableScaleIn: false,
      customizedMetricSpecification: {
        metrics: sc.metrics.map((q) => ({
          id: q.id,
          expression: q.expression,
          label: q.label,
          returnData: q.returnData,
          metricStat: q.metricStat && {
            stat: q.metricStat.stat,
            metric: {
              namespace: q.metricStat.namespace,
              metricName: q.metricStat.metricName,
              dimensions: q.metricStat.dimensions.map((d) => ({ name: d.name, value: values[d.valueOf] })),
            },
          },
        })),
      },
    },
  });
  return {
    cluster: inputs.cluster,
    taskDefinition,
    container,
    service,
    ...(inputs.capacity !== undefined ? { capacity: inputs.capacity } : {}),
    taskRole,
    executionRole,
    logGroup,
    scalableTaskCount,
    scalingPolicy,
  };
}

/** The scalable target's id (`ScalableTaskCount` keeps its `ScalableTarget` private). */
function scalableTargetId(count: ecs.ScalableTaskCount): string {
  return (count.node.findChild('Target') as appscaling.ScalableTarget).scalableTargetId;
}
