/**
 * The launch-type-specific parts of an ECS cell (./ecs-service.ts renders the rest): the task
 * definition and the service on Fargate or on the cell's EC2 capacity provider, and the container
 * `secrets` of `server.secrets` with the execution role's exact read grants (lib/core/ecs/secrets.ts).
 * Every value comes from core; nothing here has a default.
 */
import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ECS_SECRET_ACTIONS, ecsContainerSecrets, ecsSecretGrants } from '../../core/ecs/secrets';
import { ECS_CELL_IDS } from '../../core/ids';
import type { ResolvedCellBackend } from '../../core/resolved';
import type { ResolvedServerSecret } from '../../core/server-secrets';
import { capacityProviderStrategy, type EcsEc2CapacityResources } from './ecs-ec2-capacity';

/** The service properties both launch types share (deployment, circuit breaker, rebalancing, health grace, networking). */
export type CommonServiceProps = Omit<ecs.BaseServiceOptions, 'taskDefinition'> &
  Pick<ecs.FargateServiceProps, 'vpcSubnets' | 'securityGroups' | 'availabilityZoneRebalancing'>;

/** The cell's task definition: Fargate (with runtime platform), or EC2-compatible awsvpc (the AMI decides the architecture). */
export function renderTaskDefinition(
  scope: Construct,
  b: ResolvedCellBackend,
  taskRole: iam.IRole,
  executionRole: iam.IRole,
): ecs.TaskDefinition {
  if (b.type === 'fargate') {
    return new ecs.FargateTaskDefinition(scope, ECS_CELL_IDS.taskDefinition, {
      cpu: b.cpu,
      memoryLimitMiB: b.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.of(b.runtimePlatform.cpuArchitecture),
        operatingSystemFamily: ecs.OperatingSystemFamily.of(b.runtimePlatform.operatingSystemFamily),
      },
      taskRole,
      executionRole,
    });
  }
  return new ecs.TaskDefinition(scope, ECS_CELL_IDS.taskDefinition, {
    compatibility: ecs.Compatibility.EC2,
    networkMode: ecs.NetworkMode.AWS_VPC,
    cpu: String(b.cpu),
    memoryMiB: String(b.memoryMiB),
    // No runtimePlatform on EC2 (CDK refuses it there): the instance's AMI decides the architecture.
    taskRole,
    executionRole,
  });
}

/** The cell's service: Fargate, or EC2 through the cell's capacity provider (strategy, no launch type). */
export function renderLaunchService(
  scope: Construct,
  cellName: string,
  b: ResolvedCellBackend,
  common: CommonServiceProps,
  taskDefinition: ecs.TaskDefinition,
  capacity: EcsEc2CapacityResources | undefined,
): ecs.BaseService {
  if (b.type === 'fargate') {
    return new ecs.FargateService(scope, ECS_CELL_IDS.service, {
      ...common,
      taskDefinition,
      assignPublicIp: b.service.assignPublicIp,
      platformVersion: b.platformVersion as ecs.FargatePlatformVersion,
    });
  }
  if (capacity === undefined) {
    throw new Error(
      `${scope.node.path}: cell "${cellName}" runs on ECS on EC2 capacity but no capacity was rendered (internal error; please report).`,
    );
  }
  return new ecs.Ec2Service(scope, ECS_CELL_IDS.service, {
    ...common,
    taskDefinition,
    capacityProviderStrategies: capacityProviderStrategy(capacity),
    // Spread over zones first (AZ rebalancing), then over instances (one instance's loss takes the fewest sockets).
    placementStrategies: [
      ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE),
      ecs.PlacementStrategy.spreadAcrossInstances(),
    ],
  });
}

/**
 * `server.secrets` as container `secrets` (references only: ECS reads the values with the
 * execution role at task start), and the execution role's read on exactly those ARNs (and
 * `kms:Decrypt` only on the keys given). CDK's per-secret `grantRead` is replaced by these statements.
 */
export function addContainerSecrets(
  scope: Construct,
  container: ecs.ContainerDefinition,
  executionRole: iam.Role,
  secrets: readonly ResolvedServerSecret[],
): void {
  if (secrets.length === 0) return;
  const stack = Stack.of(scope);
  const at = { partition: stack.partition, region: stack.region, account: stack.account };
  for (const sec of ecsContainerSecrets(secrets, at)) {
    container.addSecret(sec.name, { arn: sec.valueFrom, grantRead: (grantee) => iam.Grant.drop(grantee, `read ${sec.name}`) });
  }
  const g = ecsSecretGrants(secrets, at);
  const statements: [string, string, readonly string[]][] = [
    ['ServerSecretsParameters', ECS_SECRET_ACTIONS.ssm, g.ssmParameterArns],
    ['ServerSecretsSecrets', ECS_SECRET_ACTIONS.secretsManager, g.secretArns],
    ['ServerSecretsDecrypt', ECS_SECRET_ACTIONS.kms, g.kmsKeyArns],
  ];
  for (const [sid, action, resources] of statements) {
    if (resources.length > 0)
      executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [action], resources: [...resources] }));
  }
}
