/**
 * ECS facts the ECS cell rules and defaults rest on, each with its source. Data only (a core leaf).
 */

/** Sources, cited by the rules and the docstrings. */
export const ECS_SOURCES = {
  /** Fargate task sizes: the valid CPU / memory pairs. */
  fargateTaskSize: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html',
  /** `stopTimeout`: Fargate maximum 120 s, default 30 s. */
  stopTimeout: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
  /** ECS waits for the target to drain (deregistration delay), then sends the stop signal, then SIGKILL after the stop timeout. */
  connectionDraining: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html',
  /** Fargate overrides only `nofile` (default soft and hard 65535). */
  ulimits: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html',
  /** `systemControls`: network-namespace sysctls (`net.*`) are supported on Fargate platform 1.4.0 and later; with awsvpc they apply to the whole task. */
  systemControls: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_SystemControl.html',
  /** awsvpc tasks register by IP: target groups must have target type `ip`. */
  serviceLoadBalancing: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-loadbalancer.html',
  /** `minimumHealthyPercent` / `maximumPercent` and the deployment circuit breaker (rolling update). */
  deploymentConfiguration:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentconfiguration.html',
  /** Availability Zone rebalancing of a service. */
  azRebalancing: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html',
  /** Container health check fields and ranges. */
  containerHealthCheck: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html',
  /** Container Insights `RunningTaskCount` (dimensions ClusterName, ServiceName), the scaling denominator. */
  containerInsights: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html',
  /** CloudWatch Logs retention values. */
  logRetention: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
} as const;

/**
 * Valid Fargate memory (MiB) per CPU value: `[cpu, first, last, step]`, every value from `first`
 * to `last` in `step` increments. 8192 and 16384 CPU need Linux platform 1.4.0 (LATEST).
 * Source: {@link ECS_SOURCES.fargateTaskSize}.
 */
export const FARGATE_TASK_SIZES: readonly (readonly [cpu: number, first: number, last: number, step: number])[] = [
  [256, 512, 2048, 512], // 512, 1024, 2048 (1536 is not offered: see the check)
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** The memory values (MiB) Fargate accepts with `cpu`, or [] for an unknown CPU value. */
export function fargateMemoryChoices(cpu: number): number[] {
  const row = FARGATE_TASK_SIZES.find(([c]) => c === cpu);
  if (!row) return [];
  const [, first, last, step] = row;
  const out: number[] = [];
  for (let m = first; m <= last; m += step) if (!(cpu === 256 && m === 1536)) out.push(m);
  return out;
}

/** `stopTimeout` range on Fargate, seconds (the API takes an integer; 120 is the documented maximum). */
export const FARGATE_STOP_TIMEOUT = { min: 2, max: 120, source: ECS_SOURCES.stopTimeout } as const;

/** Container health check `startPeriod` range, seconds. */
export const CONTAINER_HEALTH_START_PERIOD = { min: 0, max: 300, source: ECS_SOURCES.containerHealthCheck } as const;

/** Defaults of a Fargate cell backend. */
export const ECS_DEFAULTS = {
  cpu: 1024,
  memoryMiB: 2048,
  architecture: 'x86_64',
  /** The Fargate maximum: the process that exits earlier ends the task earlier. */
  stopTimeoutSeconds: 120,
  logRetentionDays: 30,
  enableExecuteCommand: false,
  /** The one container of the task. */
  containerName: 'server',
  /** Never below 100 % healthy during a deployment; up to twice the tasks while it runs. */
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  /** Seconds between two scale-outs (a scale-in waits for the drain instead: drain window + grace). */
  scaleOutCooldownSeconds: 60,
  scalingPolicyName: 'websocket-connections-per-task',
} as const;

/** Sources of the ECS-on-EC2 (`ecs-ec2`) facts and rules (lib/core/ecs/ec2-capacity.ts). */
export const ECS_EC2_SOURCES = {
  /**
   * Each awsvpc task gets its own ENI attached to the container instance; the primary network
   * interface counts as one, so e.g. a c5.large (3 interfaces) runs 2 awsvpc tasks; with the
   * `awsvpcTrunking` account setting on a supported type, 10 (a trunk interface is added). Not on Fargate.
   */
  eniTrunking: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html',
  /** The trunked task limits per instance type. */
  eniTrunkingInstanceTypes: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/eni-trunking-supported-instance-types.html',
  /** awsvpc is the recommended network mode on EC2; each task has its own ENI and primary private IP. */
  taskNetworking: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html',
  /** Maximum network interfaces per instance type (general purpose; compute and memory optimized pages alike). */
  networkInterfaces: 'https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_network',
  /**
   * `stopTimeout` on the EC2 launch type: no 120 s cap (that is Fargate's); unset, the agent's
   * `ECS_CONTAINER_STOP_TIMEOUT` is used (30 s by default).
   */
  stopTimeout: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
  /** Agent configuration (`/etc/ecs/ecs.config`): `ECS_CONTAINER_STOP_TIMEOUT`, `ECS_AWSVPC_BLOCK_IMDS`. */
  agentConfig: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html',
  /**
   * Managed termination protection: ECS terminates only instances without (non-daemon) tasks; it
   * needs managed scaling and instance scale-in protection on the Auto Scaling group.
   */
  managedTerminationProtection: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html',
  /** Cluster auto scaling: managed scaling's target capacity (percent), step sizes, instance warm-up. */
  clusterAutoScaling: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html',
  /** The capacity provider's Auto Scaling group settings (ManagedDraining, ManagedTerminationProtection). */
  capacityProvider:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-capacityprovider-autoscalinggroupprovider.html',
  /** Task CPU (128–196608 units on EC2) and memory. */
  taskDefinition: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html',
  /** The memory the agent registers is below the instance's total (OS and agent). */
  memoryManagement: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html',
  /** ECS-optimized Amazon Linux 2023 AMI ids as SSM public parameters. */
  optimizedAmi: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html',
} as const;

/**
 * Maximum network interfaces of an instance size in the Nitro general-purpose, compute- and
 * memory-optimized families this library knows (m5, m6i, m6g, m7i, m7g, c5, c6i, c6g, c7i, c7g,
 * r5, r6i, r6g, r7i, r7g): the same per size across them. Source: {@link ECS_EC2_SOURCES.networkInterfaces}
 * (c5.large = 3 is also stated in {@link ECS_EC2_SOURCES.eniTrunking}). Other types: not checked (warning).
 */
export const NETWORK_INTERFACES_BY_SIZE: Readonly<Record<string, number>> = {
  medium: 2,
  large: 3,
  xlarge: 4,
  '2xlarge': 4,
  '4xlarge': 8,
  '8xlarge': 8,
  '9xlarge': 8,
  '12xlarge': 8,
  '16xlarge': 15,
  '18xlarge': 15,
  '24xlarge': 15,
};
/** The families {@link NETWORK_INTERFACES_BY_SIZE} covers. */
export const NETWORK_INTERFACE_FAMILIES: readonly string[] = [
  'm5',
  'm6i',
  'm6g',
  'm7i',
  'm7g',
  'c5',
  'c6i',
  'c6g',
  'c7i',
  'c7g',
  'r5',
  'r6i',
  'r6g',
  'r7i',
  'r7g',
];

/** awsvpc tasks one instance holds without ENI trunking: its network interfaces minus the primary one, or undefined when unknown. */
export function awsvpcTaskLimit(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  if (!NETWORK_INTERFACE_FAMILIES.includes(family)) return undefined;
  const enis = NETWORK_INTERFACES_BY_SIZE[size ?? ''];
  return enis === undefined ? undefined : enis - 1;
}

/** Task CPU units on the EC2 launch type ({@link ECS_EC2_SOURCES.taskDefinition}). */
export const ECS_EC2_TASK_CPU = { min: 128, max: 196_608, source: ECS_EC2_SOURCES.taskDefinition } as const;
/** Task memory, MiB: at least 128 (the container minimum is 6 MiB; the task has one container and the server needs far more). */
export const ECS_EC2_TASK_MEMORY = { min: 128, max: 16_777_216, source: ECS_EC2_SOURCES.taskDefinition } as const;
/** `stopTimeout` on EC2, seconds: no documented maximum; the upper bound here is a sanity bound (1 h), not an AWS limit. */
export const ECS_EC2_STOP_TIMEOUT = { min: 2, max: 3600, source: ECS_EC2_SOURCES.stopTimeout } as const;
/** Managed scaling target capacity, percent ({@link ECS_EC2_SOURCES.clusterAutoScaling}). */
export const ECS_EC2_TARGET_CAPACITY = { min: 1, max: 100, source: ECS_EC2_SOURCES.clusterAutoScaling } as const;

/** ECS-optimized Amazon Linux 2023 AMI parameter for an architecture ({@link ECS_EC2_SOURCES.optimizedAmi}). */
export function ecsOptimizedAmiParameter(architecture: 'arm64' | 'x86_64'): string {
  return architecture === 'arm64'
    ? '/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id'
    : '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id';
}

/** Defaults of an `ecs-ec2` cell backend (container and service defaults: {@link ECS_DEFAULTS}). */
export const ECS_EC2_DEFAULTS = {
  cpuUnits: 1024,
  memoryMiB: 2048,
  tasksPerInstance: 1,
  awsvpcTrunking: false,
  /** No 120 s cap on EC2, but the same default as Fargate: the drain already ran during the deregistration delay. */
  stopTimeoutSeconds: 120,
  targetCapacityPercent: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10,
  /** MiB of an instance the OS and the ECS agent keep (the agent registers less than the total). */
  hostReservedMiB: 512,
} as const;
