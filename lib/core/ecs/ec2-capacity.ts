/**
 * ECS on EC2 capacity (`backend: { type: 'ecs-ec2', … }`, lib/core/ecs/config.ts): the rules
 * particular to it (task size against the instance, awsvpc ENI density, the stop timeout without
 * Fargate's 120 s cap, managed scaling's target capacity) and the resolution of the capacity
 * provider's Auto Scaling group (`ResolvedEcsEc2Backend.capacity`). The rules shared with Fargate
 * (image, health check, logs, drain ≤ deregistration delay) stay in ./validate.ts.
 * Facts and sources: ./facts.ts (`ECS_EC2_SOURCES`).
 */
import { INSTANCE_TYPES } from '../capacity/data';
import type { CellConfig, TierConfig } from '../config';
import { DEFAULTS } from '../defaults';
import { instanceArchitecture, isInstanceTypeName } from '../instance-types';
import type { IssueCollector } from '../issues';
import { LIMITS } from '../limits';
import type { EcsEc2CellBackendConfig } from './config';
import {
  awsvpcTaskLimit,
  ECS_DEFAULTS,
  ECS_EC2_DEFAULTS,
  ECS_EC2_SOURCES,
  ECS_EC2_STOP_TIMEOUT,
  ECS_EC2_TARGET_CAPACITY,
  ECS_EC2_TASK_CPU,
  ECS_EC2_TASK_MEMORY,
  ecsOptimizedAmiParameter,
} from './facts';
import type { ResolvedEcsEc2Capacity } from './types';

/** The fields of an `ecs-ec2` backend. */
export const ECS_EC2_KEYS: readonly (keyof EcsEc2CellBackendConfig)[] = [
  'type',
  'image',
  'cpuUnits',
  'memoryMiB',
  'tasksPerInstance',
  'awsvpcTrunking',
  'stopTimeoutSeconds',
  'targetCapacityPercent',
  'logRetentionDays',
  'enableExecuteCommand',
  'containerHealthCheck',
];

/** The `ecs-ec2` backend of a cell as plain data, or undefined. */
export function ecsEc2BackendOf(cell: CellConfig): EcsEc2CellBackendConfig | undefined {
  const b = (cell as { backend?: unknown }).backend as { type?: unknown } | undefined;
  return typeof b === 'object' && b !== null && !Array.isArray(b) && b.type === 'ecs-ec2' ? (b as EcsEc2CellBackendConfig) : undefined;
}

/** The instance type an `ecs-ec2` cell's capacity runs (the cell's, else the tier's, else the default). */
export function ecsEc2InstanceType(config: TierConfig, cell: CellConfig): unknown {
  return cell.instanceType ?? config.instanceType ?? DEFAULTS.instanceType;
}

/** A concrete integer in range, the fallback when absent, else undefined (reported elsewhere or unresolved). */
function usable(v: IssueCollector, value: unknown, fallback: number, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return fallback;
  if (!v.known(value) || typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  return value >= range.min && value <= range.max ? value : undefined;
}

/** The rules particular to an `ecs-ec2` cell (`cells[i].backend`). */
export function validateEcsEc2Capacity(
  v: IssueCollector,
  config: TierConfig,
  cell: CellConfig,
  i: number,
  b: EcsEc2CellBackendConfig,
): void {
  const p = `cells[${i}].backend`;
  const cpuOk = v.int(`${p}.cpuUnits`, b.cpuUnits, ECS_EC2_TASK_CPU, 'CPU units');
  const memOk = v.int(`${p}.memoryMiB`, b.memoryMiB, ECS_EC2_TASK_MEMORY, 'MiB');
  const tpiOk = v.int(`${p}.tasksPerInstance`, b.tasksPerInstance, { min: 1, max: 120 }, 'tasks');
  v.bool(`${p}.awsvpcTrunking`, b.awsvpcTrunking);
  v.int(`${p}.targetCapacityPercent`, b.targetCapacityPercent, ECS_EC2_TARGET_CAPACITY, '%');
  const cpu = v.effectiveOf(cpuOk, b.cpuUnits, ECS_EC2_DEFAULTS.cpuUnits);
  const memory = v.effectiveOf(memOk, b.memoryMiB, ECS_EC2_DEFAULTS.memoryMiB);
  const tasks = v.effectiveOf(tpiOk, b.tasksPerInstance, ECS_EC2_DEFAULTS.tasksPerInstance);

  // Stop timeout: no 120 s cap on EC2 (that is Fargate's); it must still cover the grace.
  const stopOk = v.int(`${p}.stopTimeoutSeconds`, b.stopTimeoutSeconds, ECS_EC2_STOP_TIMEOUT, 's');
  const stop = v.effectiveOf(stopOk, b.stopTimeoutSeconds, ECS_EC2_DEFAULTS.stopTimeoutSeconds);
  const grace = usable(v, config.connection?.drainGraceSeconds, DEFAULTS.connection.drainGraceSeconds, LIMITS.drainGraceSeconds);
  if (stop !== undefined && grace !== undefined && stop < grace) {
    v.error(
      'ecs-stop-timeout-below-grace',
      `${p}.stopTimeoutSeconds`,
      `${p}.stopTimeoutSeconds is ${stop} s${b.stopTimeoutSeconds === undefined ? ' (the default)' : ''}, below connection.drainGraceSeconds (${grace} s): ECS sends SIGKILL ${stop} s after SIGTERM, before the server has closed its last sockets and exited. On EC2 capacity the stop timeout has no 120 s cap (${ECS_EC2_SOURCES.stopTimeout}). Fix: raise stopTimeoutSeconds to at least ${grace}.`,
    );
  }

  const type = ecsEc2InstanceType(config, cell);
  if (!v.known(type) || typeof type !== 'string' || !isInstanceTypeName(type)) return; // the instanceType rule reports it
  const where =
    cell.instanceType !== undefined
      ? `cells[${i}].instanceType`
      : config.instanceType !== undefined
        ? 'instanceType'
        : 'the default instanceType';

  // ENI density: each awsvpc task takes one ENI; the primary interface is the instance's.
  const trunking = b.awsvpcTrunking === true;
  const limit = awsvpcTaskLimit(type);
  if (tasks !== undefined && !trunking) {
    if (limit !== undefined && tasks > limit) {
      v.error(
        'ecs-ec2-eni-density-exceeded',
        `${p}.tasksPerInstance`,
        `${p}.tasksPerInstance is ${tasks}${b.tasksPerInstance === undefined ? ' (the default)' : ''}, but a ${type} (${where}) holds at most ${limit} awsvpc tasks: each task takes its own ENI and the primary network interface counts as one (${ECS_EC2_SOURCES.eniTrunking}; ${ECS_EC2_SOURCES.networkInterfaces}). The extra tasks would stay PENDING. Fix: lower tasksPerInstance to ${limit}, pick a larger instance type, or turn on the ECS awsvpcTrunking account setting and set awsvpcTrunking: true (supported types: ${ECS_EC2_SOURCES.eniTrunkingInstanceTypes}).`,
      );
    } else if (limit === undefined && tasks > 1) {
      v.warn(
        'ecs-ec2-eni-density-unknown',
        `${p}.tasksPerInstance`,
        `${p}.tasksPerInstance is ${tasks} on a ${type} (${where}), whose network-interface count this library does not know, so the awsvpc density (network interfaces − 1 tasks per instance without trunking, ${ECS_EC2_SOURCES.eniTrunking}) was not checked. Fix: check 'aws ec2 describe-instance-types --instance-types ${type} --query InstanceTypes[].NetworkInfo.MaximumNetworkInterfaces' and keep tasksPerInstance at most that minus 1, or set awsvpcTrunking: true when the account setting is on.`,
      );
    }
  }

  // Task size against the instance: tasksPerInstance tasks must fit, or ECS places fewer and the group is undersized.
  const spec = INSTANCE_TYPES[type];
  if (spec === undefined || tasks === undefined) return;
  const unitsAvailable = spec.vcpus * 1024;
  const memAvailable = spec.memoryGiB * 1024 - ECS_EC2_DEFAULTS.hostReservedMiB;
  if (cpu !== undefined && cpu * tasks > unitsAvailable) {
    v.error(
      'ecs-ec2-task-does-not-fit',
      `${p}.cpuUnits`,
      `${p}.cpuUnits × tasksPerInstance is ${cpu} × ${tasks} = ${cpu * tasks} CPU units, more than a ${type} (${where}) has (${spec.vcpus} vCPU = ${unitsAvailable} units); ECS would place fewer tasks per instance than the group is sized for. Fix: lower cpuUnits to ${Math.floor(unitsAvailable / tasks)} or less, lower tasksPerInstance, or pick a larger instance type.`,
    );
  }
  if (memory !== undefined && memory * tasks > memAvailable) {
    v.error(
      'ecs-ec2-task-does-not-fit',
      `${p}.memoryMiB`,
      `${p}.memoryMiB × tasksPerInstance is ${memory} × ${tasks} = ${memory * tasks} MiB, more than a ${type} (${where}) offers tasks (${spec.memoryGiB} GiB less ${ECS_EC2_DEFAULTS.hostReservedMiB} MiB for the OS and ECS agent = ${memAvailable} MiB; ${ECS_EC2_SOURCES.memoryManagement}). Fix: lower memoryMiB to ${Math.floor(memAvailable / tasks)} or less, lower tasksPerInstance, or pick a larger instance type.`,
    );
  }
}

/** `ecs-pulumi-unsupported` for an `ecs-ec2` cell in a renderer that cannot draw it (see `ecsRendererIssues`). */
export function ecsEc2RendererIssue(v: IssueCollector, i: number, name: unknown): void {
  v.error(
    'ecs-pulumi-unsupported',
    `cells[${i}].backend.type`,
    `cells[${i}].backend.type is 'ecs-ec2' (cell ${JSON.stringify(name)}), which the Pulumi components do not render (no ECS capacity provider over the cell's Auto Scaling group yet). Allowed in Pulumi: { type: 'ec2' }, no backend, or an ECS backend the Pulumi components render. Fix: use the CDK construct for ecs-ec2 cells, or run this cell on EC2 or Fargate.`,
  );
}

/** What the tier resolution computed that the capacity needs. */
export interface EcsEc2CapacityInputs {
  readonly instanceType: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly instanceWarmupSeconds: number;
  readonly rootVolumeGiB: number;
  readonly stopTimeoutSeconds: number;
}

/** The capacity provider's Auto Scaling group of an `ecs-ec2` cell (pure; validated by {@link validateEcsEc2Capacity}). */
export function resolveEcsEc2Capacity(b: EcsEc2CellBackendConfig, v: EcsEc2CapacityInputs): ResolvedEcsEc2Capacity {
  const tasksPerInstance = b.tasksPerInstance ?? ECS_EC2_DEFAULTS.tasksPerInstance;
  const awsvpcTrunking = b.awsvpcTrunking ?? ECS_EC2_DEFAULTS.awsvpcTrunking;
  const architecture = safeArchitecture(v.instanceType);
  const limit = awsvpcTrunking ? undefined : awsvpcTaskLimit(v.instanceType);
  return {
    instanceType: v.instanceType,
    architecture,
    machineImageParameter: ecsOptimizedAmiParameter(architecture),
    tasksPerInstance,
    minInstances: Math.ceil(v.minCapacity / tasksPerInstance),
    maxInstances: Math.max(1, Math.ceil((v.maxCapacity * ECS_DEFAULTS.maximumPercent) / 100 / tasksPerInstance)),
    awsvpcTrunking,
    ...(limit !== undefined ? { taskEniLimit: limit } : {}),
    managedScaling: {
      status: 'ENABLED',
      targetCapacityPercent: b.targetCapacityPercent ?? ECS_EC2_DEFAULTS.targetCapacityPercent,
      minimumScalingStepSize: ECS_EC2_DEFAULTS.minimumScalingStepSize,
      maximumScalingStepSize: ECS_EC2_DEFAULTS.maximumScalingStepSize,
      instanceWarmupPeriodSeconds: v.instanceWarmupSeconds,
    },
    managedTerminationProtection: 'ENABLED',
    managedDraining: 'ENABLED',
    newInstancesProtectedFromScaleIn: true,
    agentConfig: [
      // Tasks cannot read the instance role's credentials from IMDS (they have their own task role).
      ['ECS_AWSVPC_BLOCK_IMDS', 'true'],
      // The container's stopTimeout already says this; the agent default covers a container that loses it.
      ['ECS_CONTAINER_STOP_TIMEOUT', `${v.stopTimeoutSeconds}s`],
    ],
    requireImdsv2: true,
    rootVolumeGiB: v.rootVolumeGiB,
  };
}

function safeArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  try {
    return instanceArchitecture(instanceType);
  } catch {
    return 'x86_64'; // validateTier() reports the bad name
  }
}
