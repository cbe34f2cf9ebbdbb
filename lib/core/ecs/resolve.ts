/**
 * Resolve an ECS cell backend (lib/core/ecs/config.ts) into `ResolvedCell.backend`
 * (lib/core/ecs/types.ts), and the target-group changes an ECS cell needs. Called by
 * `resolveTier()`; pure, no validation (see lib/core/ecs/validate.ts).
 */
import type { CellConfig, LoadBalancerType, TierConfig } from '../config';
import { activeConnectionsMetric } from '../metrics';
import type { EcsEc2CellBackendConfig, FargateCellBackendConfig } from './config';
import { resolveEcsEc2Capacity } from './ec2-capacity';
import { ECS_DEFAULTS, ECS_EC2_DEFAULTS } from './facts';
import type {
  ResolvedCellBackend,
  ResolvedEcsContainer,
  ResolvedEcsMetricQuery,
  ResolvedEcsScaling,
  ResolvedEcsService,
  ResolvedFargateBackend,
} from './types';
import { ecsBackendOf } from './validate';

/** Container Insights' running tasks of one service (the scaling denominator; draining tasks still count). */
export const RUNNING_TASKS = {
  namespace: 'ECS/ContainerInsights',
  metricName: 'RunningTaskCount',
  dimensions: [
    { name: 'ClusterName', valueOf: 'clusterName' },
    { name: 'ServiceName', valueOf: 'serviceName' },
  ],
  statistic: 'Average',
} as const;

/** What the tier resolution already computed for the cell. */
export interface EcsCellInputs {
  readonly loadBalancerType: LoadBalancerType;
  readonly port: number;
  readonly healthPort: number;
  readonly drainWindowSeconds: number;
  readonly drainGraceSeconds: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
  readonly targetValue: number;
  readonly healthCheckGracePeriodSeconds: number;
  /** `ecs-ec2` cells: the instance type of the capacity provider's group. */
  readonly instanceType?: string;
  /** `ecs-ec2` cells: the instance warm-up (managed scaling's `instanceWarmupPeriod`). */
  readonly instanceWarmupSeconds?: number;
  /** `ecs-ec2` cells: the root volume size. */
  readonly rootVolumeGiB?: number;
  readonly host: {
    readonly fileDescriptorLimit: number;
    readonly somaxconn: number;
    readonly tcpMaxSynBacklog: number;
    readonly localPortRange?: string;
  };
}

/** The cell's ECS backend, or undefined for an EC2 cell. */
export function resolveCellBackend(cell: CellConfig, v: EcsCellInputs): ResolvedCellBackend | undefined {
  const b = ecsBackendOf(cell);
  if (!b) return undefined;
  if (b.type === 'ecs-ec2') return resolveEcsEc2(cell, b, v);
  return {
    type: 'fargate',
    launchType: 'FARGATE',
    networkMode: 'awsvpc',
    platformVersion: 'LATEST',
    cpu: b.cpu ?? ECS_DEFAULTS.cpu,
    memoryMiB: b.memoryMiB ?? ECS_DEFAULTS.memoryMiB,
    runtimePlatform: {
      cpuArchitecture: (b.architecture ?? ECS_DEFAULTS.architecture) === 'arm64' ? 'ARM64' : 'X86_64',
      operatingSystemFamily: 'LINUX',
    },
    container: ecsContainer(cell, b, v, b.stopTimeoutSeconds ?? ECS_DEFAULTS.stopTimeoutSeconds),
    service: ecsService(b, v),
    scaling: ecsScaling(v),
  } satisfies ResolvedFargateBackend;
}

/** An `ecs-ec2` cell: the same container, service and scaling as on Fargate, on the cell's EC2 capacity (./ec2-capacity.ts). */
function resolveEcsEc2(cell: CellConfig, b: EcsEc2CellBackendConfig, v: EcsCellInputs): ResolvedCellBackend {
  const stop = b.stopTimeoutSeconds ?? ECS_EC2_DEFAULTS.stopTimeoutSeconds;
  const capacity = resolveEcsEc2Capacity(b, {
    instanceType: v.instanceType ?? '',
    minCapacity: v.minCapacity,
    maxCapacity: v.maxCapacity,
    instanceWarmupSeconds: v.instanceWarmupSeconds ?? 0,
    rootVolumeGiB: v.rootVolumeGiB ?? 8,
    stopTimeoutSeconds: stop,
  });
  return {
    type: 'ecs-ec2',
    launchType: 'EC2',
    networkMode: 'awsvpc',
    cpu: b.cpuUnits ?? ECS_EC2_DEFAULTS.cpuUnits,
    memoryMiB: b.memoryMiB ?? ECS_EC2_DEFAULTS.memoryMiB,
    runtimePlatform: { cpuArchitecture: capacity.architecture === 'arm64' ? 'ARM64' : 'X86_64', operatingSystemFamily: 'LINUX' },
    container: ecsContainer(cell, b, v, stop),
    service: ecsService(b, v),
    scaling: ecsScaling(v),
    capacity,
  };
}

type EcsBackendConfig = FargateCellBackendConfig | EcsEc2CellBackendConfig;

function ecsContainer(cell: CellConfig, b: EcsBackendConfig, v: EcsCellInputs, stopTimeoutSeconds: number): ResolvedEcsContainer {
  const image =
    b.image.directory !== undefined
      ? { kind: 'directory' as const, directory: b.image.directory }
      : { kind: 'uri' as const, uri: b.image.uri, ...ecrRepository(b.image.uri) };
  const hc = b.containerHealthCheck;
  return {
    name: ECS_DEFAULTS.containerName,
    image,
    essential: true,
    portMappings: [v.port, ...(v.healthPort !== v.port ? [v.healthPort] : [])].map((containerPort) => ({
      containerPort,
      protocol: 'tcp' as const,
    })),
    stopTimeoutSeconds,
    ulimits: [{ name: 'nofile', softLimit: v.host.fileDescriptorLimit, hardLimit: v.host.fileDescriptorLimit }],
    systemControls: [
      { namespace: 'net.core.somaxconn', value: String(v.host.somaxconn) },
      { namespace: 'net.ipv4.tcp_max_syn_backlog', value: String(v.host.tcpMaxSynBacklog) },
      ...(v.host.localPortRange !== undefined ? [{ namespace: 'net.ipv4.ip_local_port_range', value: v.host.localPortRange }] : []),
    ],
    // ECS API defaults, written explicitly (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html).
    healthCheck: hc
      ? { command: [...hc.command], intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: hc.startPeriodSeconds ?? 0 }
      : undefined,
    logs: { driver: 'awslogs', retentionDays: b.logRetentionDays ?? ECS_DEFAULTS.logRetentionDays, streamPrefix: cell.name },
  };
}

function ecsService(b: EcsBackendConfig, v: EcsCellInputs): ResolvedEcsService {
  return {
    desiredCount: v.desiredCapacity,
    minimumHealthyPercent: ECS_DEFAULTS.minimumHealthyPercent,
    maximumPercent: ECS_DEFAULTS.maximumPercent,
    circuitBreaker: { enable: true, rollback: true },
    availabilityZoneRebalancing: 'ENABLED',
    healthCheckGracePeriodSeconds: v.healthCheckGracePeriodSeconds,
    enableExecuteCommand: b.enableExecuteCommand ?? ECS_DEFAULTS.enableExecuteCommand,
    assignPublicIp: false,
    propagateTags: 'SERVICE',
    enableEcsManagedTags: true,
  };
}

/**
 * `{ ecrRepositoryArn }` for a private ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/Repositories.html), else nothing (a public registry needs no grant).
 */
export function ecrRepository(uri: string): { ecrRepositoryArn?: string } {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._/-]+?)(?::[\w.-]+|@sha256:[a-f0-9]{64})?$/.exec(uri);
  if (!m) return {};
  const [, account, region, cn, repository] = m;
  return { ecrRepositoryArn: `arn:${cn ? 'aws-cn' : 'aws'}:ecr:${region}:${account}:repository/${repository}` };
}

function ecsScaling(v: EcsCellInputs): ResolvedEcsScaling {
  const lb = activeConnectionsMetric(v.loadBalancerType);
  const metrics: ResolvedEcsMetricQuery[] = [
    {
      id: 'lb',
      metricStat: { namespace: lb.namespace, metricName: lb.metricName, dimensions: lb.dimensions, stat: lb.statistic },
      returnData: false,
    },
    {
      id: 'tasks',
      metricStat: {
        namespace: RUNNING_TASKS.namespace,
        metricName: RUNNING_TASKS.metricName,
        dimensions: RUNNING_TASKS.dimensions,
        stat: RUNNING_TASKS.statistic,
      },
      returnData: false,
    },
    {
      id: 'perTask',
      // ALB ActiveConnectionCount counts both legs (client→LB and LB→target): halve it.
      expression: v.loadBalancerType === 'application' ? 'lb / 2 / tasks' : 'lb / tasks',
      label: 'Connections per task (load balancer)',
      returnData: true,
    },
  ];
  return {
    policyName: ECS_DEFAULTS.scalingPolicyName,
    minCapacity: v.minCapacity,
    maxCapacity: v.maxCapacity,
    targetValue: v.targetValue,
    scaleInCooldownSeconds: v.drainWindowSeconds + v.drainGraceSeconds,
    scaleOutCooldownSeconds: ECS_DEFAULTS.scaleOutCooldownSeconds,
    metrics,
  };
}

/**
 * The load-balancer part of an ECS cell: an `ip` target group (awsvpc tasks have their own ENI),
 * and on NLB cells a deregistration delay covering the drain (ECS sends SIGTERM when the target is
 * drained; there is no lifecycle hook to hold the task). EC2 cells pass through unchanged.
 */
export function ecsLoadBalancerPart<T extends { readonly loadBalancerType: LoadBalancerType; readonly targetGroup: object }>(
  config: TierConfig,
  cell: CellConfig,
  part: T,
  drainPlusGrace: number,
): T {
  if (!ecsBackendOf(cell)) return part;
  const nlbDelay = config.connection?.nlbDeregistrationDelaySeconds ?? drainPlusGrace;
  const tg = part.targetGroup as { deregistrationDelaySeconds: number };
  return {
    ...part,
    targetGroup: {
      ...part.targetGroup,
      targetType: 'ip',
      deregistrationDelaySeconds: part.loadBalancerType === 'network' ? nlbDelay : tg.deregistrationDelaySeconds,
    },
  };
}
