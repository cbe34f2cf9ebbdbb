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
