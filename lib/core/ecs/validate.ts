/**
 * The rules of ECS cell backends (`CellConfig.backend`, lib/core/ecs/config.ts), run by
 * `validateTier()` through {@link validateEcsCells}; {@link ecsRendererIssues} holds the rules one
 * renderer needs on top (the Pulumi renderer cannot build images). Every rule reports through the
 * `IssueCollector` with the field, the value, what is allowed and the fix.
 * Facts and their sources: lib/core/ecs/facts.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CellConfig, TierConfig } from '../config';
import { DEFAULTS } from '../defaults';
import { type Issue, IssueCollector, isPlainObject, type IsUnresolved, neverUnresolved } from '../issues';
import { LIMITS } from '../limits';
import type { EcsEc2CellBackendConfig, FargateCellBackendConfig } from './config';
import { ECS_EC2_KEYS, ecsEc2RendererIssue, validateEcsEc2Capacity } from './ec2-capacity';
import {
  CONTAINER_HEALTH_START_PERIOD,
  ECS_DEFAULTS,
  ECS_SOURCES,
  FARGATE_STOP_TIMEOUT,
  FARGATE_TASK_SIZES,
  fargateMemoryChoices,
} from './facts';
import { LOG_RETENTION_DAYS } from '../operations/validate';

const BACKEND_TYPES = ['ec2', 'fargate', 'ecs-ec2'] as const;
const FARGATE_KEYS: readonly (keyof FargateCellBackendConfig)[] = [
  'type',
  'image',
  'cpu',
  'memoryMiB',
  'architecture',
  'stopTimeoutSeconds',
  'logRetentionDays',
  'enableExecuteCommand',
  'containerHealthCheck',
];

function show(value: unknown, unit = ''): string {
  if (typeof value === 'number') return unit ? `${value} ${unit}` : String(value);
  return JSON.stringify(value) ?? String(value);
}

/** The backend of a cell as plain data: undefined for the default (EC2) or a malformed entry. */
export function fargateBackendOf(cell: CellConfig): FargateCellBackendConfig | undefined {
  const b = (cell as { backend?: unknown }).backend;
  return isPlainObject(b) && b.type === 'fargate' ? (b as unknown as FargateCellBackendConfig) : undefined;
}

/** The ECS backend of a cell (Fargate or `ecs-ec2`) as plain data, or undefined for an EC2 cell or a malformed entry. */
export function ecsBackendOf(cell: CellConfig): FargateCellBackendConfig | EcsEc2CellBackendConfig | undefined {
  const b = (cell as { backend?: unknown }).backend;
  return isPlainObject(b) && (b.type === 'fargate' || b.type === 'ecs-ec2')
    ? (b as unknown as FargateCellBackendConfig | EcsEc2CellBackendConfig)
    : undefined;
}

/** True when the cell runs on ECS (any ECS backend). */
export function isEcsCell(cell: CellConfig): boolean {
  return ecsBackendOf(cell) !== undefined;
}

/** An integer the cross-checks can use: the value when it is a concrete integer in range, the fallback when absent, else undefined (reported elsewhere). */
function usable(v: IssueCollector, value: unknown, fallback: number, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return fallback;
  if (!v.known(value) || typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  return value >= range.min && value <= range.max ? value : undefined;
}

/**
 * Every ECS rule of a tier's cells. `cells` are the shape-checked cells of `validateTier()`.
 * @returns the issues, in cell order
 */
export function validateEcsCells(config: TierConfig, cells: readonly CellConfig[], isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const ecsCells: number[] = [];
  cells.forEach((cell, i) => {
    if (!isPlainObject(cell)) return;
    const backend = (cell as { backend?: unknown }).backend;
    if (backend === undefined || !v.known(backend)) return;
    const p = `cells[${i}].backend`;
    if (!isPlainObject(backend) || !BACKEND_TYPES.includes(backend.type as (typeof BACKEND_TYPES)[number])) {
      v.error(
        'ecs-backend-invalid',
        isPlainObject(backend) ? `${p}.type` : p,
        `${p}${isPlainObject(backend) ? '.type' : ''} is ${show(isPlainObject(backend) ? backend.type : backend)}; allowed: { type: 'ec2' } (the default: an EC2 Auto Scaling group), { type: 'fargate', image: { directory } | { uri }, … } (ECS on Fargate) or { type: 'ecs-ec2', image, … } (ECS on the cell's EC2 instances). Fix: pick one, or leave backend out for EC2.`,
      );
      return;
    }
    const allowed: readonly string[] = backend.type === 'ec2' ? ['type'] : backend.type === 'fargate' ? FARGATE_KEYS : ECS_EC2_KEYS;
    unknownKeys(v, p, backend, allowed);
    if (backend.type === 'fargate') {
      ecsCells.push(i);
      validateFargate(v, config, cell, i, backend as unknown as FargateCellBackendConfig);
    } else if (backend.type === 'ecs-ec2') {
      ecsCells.push(i);
      const b = backend as unknown as EcsEc2CellBackendConfig;
      validateImage(v, `${p}.image`, b.image);
      validateEcsEc2Capacity(v, config, cell, i, b); // task size, density, stop timeout (./ec2-capacity.ts)
      validateDrainFitsDelay(v, config, cell, i);
      validateContainerOptions(v, p, b);
    }
  });
  if (ecsCells.length > 0) validateTierWithEcs(v, config, ecsCells);
  return v.issues;
}

function unknownKeys(v: IssueCollector, p: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    v.error(
      'ecs-backend-unknown-field',
      `${p}.${key}`,
      `${p}.${key} is not a field of this backend (given ${show(obj[key])}); allowed: ${allowed.join(', ')}. Fix: remove it or correct its spelling.`,
    );
  }
}

function validateFargate(v: IssueCollector, config: TierConfig, cell: CellConfig, i: number, b: FargateCellBackendConfig): void {
  const p = `cells[${i}].backend`;
  validateImage(v, `${p}.image`, b.image);

  // Task size (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html).
  const cpus = FARGATE_TASK_SIZES.map(([c]) => c);
  const cpu = b.cpu ?? ECS_DEFAULTS.cpu;
  const memory = b.memoryMiB ?? ECS_DEFAULTS.memoryMiB;
  if (v.known(b.cpu) && !cpus.includes(b.cpu as number)) {
    v.error(
      'fargate-cpu-invalid',
      `${p}.cpu`,
      `${p}.cpu is ${show(b.cpu)}; Fargate accepts ${cpus.join(', ')} CPU units (1024 = 1 vCPU) (${ECS_SOURCES.fargateTaskSize}). Fix: pick one of those, e.g. 1024.`,
    );
  } else if (v.known(cpu) && v.known(memory) && !fargateMemoryChoices(cpu).includes(memory as number)) {
    const choices = fargateMemoryChoices(cpu);
    const list =
      choices.length > 8
        ? `${choices[0]}–${choices[choices.length - 1]} MiB in steps of ${choices[1] - choices[0]}`
        : `${choices.join(', ')} MiB`;
    v.error(
      'fargate-memory-invalid',
      `${p}.memoryMiB`,
      `${p}.memoryMiB is ${show(memory)}${b.memoryMiB === undefined ? ' (the default)' : ''} with cpu ${cpu}; Fargate accepts ${list} with that CPU (${ECS_SOURCES.fargateTaskSize}). Fix: choose one of those memory sizes, or another cpu.`,
    );
  }
  if (b.architecture !== undefined && v.known(b.architecture) && b.architecture !== 'x86_64' && b.architecture !== 'arm64') {
    v.error(
      'ecs-architecture-invalid',
      `${p}.architecture`,
      `${p}.architecture is ${show(b.architecture)}; allowed 'x86_64' or 'arm64' (the image's CPU architecture). Fix: pick the one your image is built for.`,
    );
  }

  // Stop timeout: SIGTERM → SIGKILL. The drain already ran during the deregistration delay; the grace remains.
  const stopOk = v.int(`${p}.stopTimeoutSeconds`, b.stopTimeoutSeconds, FARGATE_STOP_TIMEOUT, 's');
  const stop = v.effectiveOf(stopOk, b.stopTimeoutSeconds, ECS_DEFAULTS.stopTimeoutSeconds);
  const c = config.connection ?? {};
  const grace = usable(v, c.drainGraceSeconds, DEFAULTS.connection.drainGraceSeconds, LIMITS.drainGraceSeconds);
  if (stop !== undefined && grace !== undefined && stop < grace) {
    v.error(
      'ecs-stop-timeout-below-grace',
      `${p}.stopTimeoutSeconds`,
      `${p}.stopTimeoutSeconds is ${stop} s${b.stopTimeoutSeconds === undefined ? ' (the default)' : ''}, below connection.drainGraceSeconds (${grace} s): ECS sends SIGKILL ${stop} s after SIGTERM, before the server has closed its last sockets and exited (${ECS_SOURCES.connectionDraining}); on Fargate the stop timeout is at most ${FARGATE_STOP_TIMEOUT.max} s (${FARGATE_STOP_TIMEOUT.source}). Fix: raise stopTimeoutSeconds to at least ${grace}${grace > FARGATE_STOP_TIMEOUT.max ? `, which Fargate cannot: lower connection.drainGraceSeconds to ${FARGATE_STOP_TIMEOUT.max} or less` : ''}.`,
    );
  }

  // Drain window + grace must fit the deregistration delay: ECS sends SIGTERM when the target is drained.
  validateDrainFitsDelay(v, config, cell, i);

  validateContainerOptions(v, p, b);

  if (cell.instanceType !== undefined) {
    v.error(
      'ecs-instance-type-unused',
      `cells[${i}].instanceType`,
      `cells[${i}].instanceType is ${show(cell.instanceType)} but the cell runs on Fargate, which has no instance type (a task is sized by backend.cpu and backend.memoryMiB). Fix: remove instanceType, and size the task with cpu and memoryMiB.`,
    );
  }
}

/** Log retention, ECS Exec and the container health check: the same on every ECS backend. */
function validateContainerOptions(v: IssueCollector, p: string, b: FargateCellBackendConfig | EcsEc2CellBackendConfig): void {
  if (b.logRetentionDays !== undefined && v.known(b.logRetentionDays) && !LOG_RETENTION_DAYS.includes(b.logRetentionDays as number)) {
    v.error(
      'ecs-log-retention-invalid',
      `${p}.logRetentionDays`,
      `${p}.logRetentionDays is ${show(b.logRetentionDays)}; CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(', ')} days (${ECS_SOURCES.logRetention}). Fix: pick the nearest of those.`,
    );
  }
  v.bool(`${p}.enableExecuteCommand`, b.enableExecuteCommand);
  validateHealthCheck(v, `${p}.containerHealthCheck`, b.containerHealthCheck);
}

function validateImage(v: IssueCollector, p: string, image: unknown): void {
  if (image === undefined || !v.known(image)) {
    if (image === undefined) {
      v.error(
        'ecs-image-invalid',
        p,
        `${p} is required on a Fargate cell. Fix: give { directory: './server' } (a directory with a Dockerfile, built by the deploy) or { uri: '<registry>/<repository>:<tag>' }.`,
      );
    }
    return;
  }
  if (!isPlainObject(image)) {
    v.error('ecs-image-invalid', p, `${p} is ${show(image)}; it must be { directory: '…' } or { uri: '…' }. Fix: use one of those shapes.`);
    return;
  }
  unknownKeys(v, p, image, ['directory', 'uri']);
  const { directory, uri } = image;
  if ((directory === undefined) === (uri === undefined)) {
    v.error(
      'ecs-image-invalid',
      p,
      `${p} has ${directory === undefined ? 'neither directory nor uri' : 'both directory and uri'}; exactly one says where the image comes from. Fix: keep one of them.`,
    );
    return;
  }
  if (uri !== undefined && v.known(uri) && (typeof uri !== 'string' || uri.length === 0 || uri.length > 255 || /\s/.test(uri))) {
    v.error(
      'ecs-image-invalid',
      `${p}.uri`,
      `${p}.uri is ${show(uri)}; it must be an image reference of at most 255 characters without spaces, e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/chat:1.4.2'. Fix: give the repository URI with a tag or digest.`,
    );
  }
  if (directory !== undefined && v.known(directory)) {
    if (typeof directory !== 'string' || directory.length === 0) {
      v.error('ecs-image-invalid', `${p}.directory`, `${p}.directory is ${show(directory)}; it must be a path. Fix: e.g. './server'.`);
    } else if (!isDirectory(directory) || !existsSync(join(directory, 'Dockerfile'))) {
      v.error(
        'ecs-image-dockerfile-missing',
        `${p}.directory`,
        `${p}.directory is ${show(directory)}, which ${isDirectory(directory) ? 'has no Dockerfile' : 'is not a directory'} on this machine; the deploy builds the image from <directory>/Dockerfile. Fix: point it at the directory holding the Dockerfile (relative paths resolve from the working directory), or use { uri } for an image you push yourself.`,
      );
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function validateHealthCheck(v: IssueCollector, p: string, hc: unknown): void {
  if (hc === undefined || !v.known(hc)) return;
  if (!isPlainObject(hc)) {
    v.error(
      'ecs-health-command-invalid',
      p,
      `${p} is ${show(hc)}; it must be { command: [...], startPeriodSeconds? }. Fix: use that shape or remove it.`,
    );
    return;
  }
  unknownKeys(v, p, hc, ['command', 'startPeriodSeconds']);
  const cmd = hc.command;
  if (
    v.known(cmd) &&
    (!Array.isArray(cmd) || cmd.length < 2 || !cmd.every((s) => typeof s === 'string') || (cmd[0] !== 'CMD' && cmd[0] !== 'CMD-SHELL'))
  ) {
    v.error(
      'ecs-health-command-invalid',
      `${p}.command`,
      `${p}.command is ${show(cmd)}; it must be a list of strings starting with 'CMD' or 'CMD-SHELL' and the command (${ECS_SOURCES.containerHealthCheck}). It must keep succeeding while the server drains (never the tier's health path, which answers 503 then). Fix: e.g. ['CMD-SHELL', 'wget -qO- http://127.0.0.1:8080/livez || exit 1'].`,
    );
  }
  v.int(`${p}.startPeriodSeconds`, hc.startPeriodSeconds, CONTAINER_HEALTH_START_PERIOD, 's');
}

/**
 * ECS deregisters a stopping task, waits for the target to drain (the deregistration delay), then
 * sends SIGTERM: the paced drain must fit the delay, on NLB cells too (there is no lifecycle hook
 * to hold the task). ALB cells' explicit delay is checked by `drain-exceeds-alb-deregistration`.
 */
function validateDrainFitsDelay(v: IssueCollector, config: TierConfig, cell: CellConfig, i: number): void {
  const c = config.connection ?? {};
  const drain = usable(v, c.drainWindowSeconds, DEFAULTS.connection.drainWindowSeconds, { min: 0, max: 7170 });
  const grace = usable(v, c.drainGraceSeconds, DEFAULTS.connection.drainGraceSeconds, LIMITS.drainGraceSeconds);
  if (drain === undefined || grace === undefined) return;
  const need = drain + grace;
  const isNlb = cell.loadBalancerType === 'network';
  const max = LIMITS.deregistrationDelaySeconds.max;
  if (isNlb && c.nlbDeregistrationDelaySeconds !== undefined) {
    const delay = usable(v, c.nlbDeregistrationDelaySeconds, 0, LIMITS.deregistrationDelaySeconds);
    if (delay !== undefined && delay < need) {
      v.error(
        'ecs-drain-exceeds-deregistration-delay',
        'connection.nlbDeregistrationDelaySeconds',
        `connection.nlbDeregistrationDelaySeconds is ${delay} s but cells[${i}] runs on ECS, where the drain window plus grace (${drain} + ${grace} = ${need} s) must fit the deregistration delay: ECS sends SIGTERM once the target is drained, and SIGKILL at most the stop timeout later (${ECS_SOURCES.connectionDraining}). Fix: raise nlbDeregistrationDelaySeconds to at least ${need}, or leave it unset (ECS NLB cells then use ${need} s), or shorten connection.drainWindowSeconds.`,
      );
    }
  } else if (isNlb && need > max) {
    v.error(
      'ecs-drain-exceeds-deregistration-delay',
      'connection.drainWindowSeconds',
      `connection.drainWindowSeconds + drainGraceSeconds is ${drain} + ${grace} = ${need} s, but cells[${i}] is an ECS cell behind an NLB, whose drain must fit the deregistration delay (at most ${max} s, ${LIMITS.deregistrationDelaySeconds.source}; ${ECS_SOURCES.connectionDraining}). Fix: shorten drainWindowSeconds to at most ${max - grace}.`,
    );
  }
}

/** Tier-wide rules once any cell runs on ECS. */
function validateTierWithEcs(v: IssueCollector, config: TierConfig, ecsCells: readonly number[]): void {
  const first = `cells[${ecsCells[0]}]`;
  if (config.backplane !== undefined) {
    v.error(
      'ecs-backplane-unsupported',
      'backplane',
      `backplane is set but ${first} runs on ECS, whose tasks cannot read the backplane's AUTH token yet (EC2 cells read it in user data at boot). Fix: run the cells that need the backplane on EC2 (leave backend out), or remove backplane.`,
    );
  }
  if (config.capacity !== undefined) {
    v.error(
      'ecs-capacity-unsupported',
      'capacity',
      `capacity is set but ${first} runs on ECS, which the capacity planner does not size yet (it plans EC2 instance types). Fix: remove capacity and give the ECS cells explicit scaling (minCapacity, maxCapacity, targetConnectionsPerInstance = connections per task).`,
    );
  }
  if (config.scaling?.signal === 'connection-gauge') {
    v.warn(
      'ecs-scaling-signal-load-balancer',
      'scaling.signal',
      `scaling.signal is 'connection-gauge' but ${first} runs on ECS: the server gauge is keyed by Auto Scaling group, so ECS cells always track the load balancer's connections ÷ running tasks (Container Insights RunningTaskCount, ${ECS_SOURCES.containerInsights}); EC2 cells keep the gauge. Fix: nothing to change; set scaling.signal: 'load-balancer-connections' (or leave it out) to silence this.`,
    );
  }
}

/** Options of {@link ecsRendererIssues}: what the calling renderer can build. */
export interface EcsRendererCapabilities {
  /** False when the renderer cannot build an image from a directory (the Pulumi renderer has no Docker provider). */
  readonly buildsImages: boolean;
  /**
   * False (or absent) when the renderer cannot draw `ecs-ec2` cells (the Pulumi components):
   * each such cell is then an `ecs-pulumi-unsupported` error. The CDK renderer passes true.
   */
  readonly rendersEcsOnEc2?: boolean;
}

/** Rules a renderer adds beside `validateTier()` (pass them as `planTier`'s extra issues). */
export function ecsRendererIssues(config: TierConfig, can: EcsRendererCapabilities): Issue[] {
  const v = new IssueCollector();
  if (!Array.isArray(config.cells)) return v.issues;
  config.cells.forEach((cell, i) => {
    const b = isPlainObject(cell) ? ecsBackendOf(cell as unknown as CellConfig) : undefined;
    if (b?.type === 'ecs-ec2' && can.rendersEcsOnEc2 !== true) ecsEc2RendererIssue(v, i, (cell as CellConfig).name);
    if (!can.buildsImages && b && isPlainObject(b.image) && b.image.directory !== undefined) {
      v.error(
        'ecs-image-directory-unsupported',
        `cells[${i}].backend.image.directory`,
        `cells[${i}].backend.image.directory is ${show(b.image.directory)}, but this renderer cannot build container images (the Pulumi components have no Docker provider). Fix: build and push the image (docker build, docker push to ECR) and give { uri: '<repository-uri>:<tag>' } instead.`,
      );
    }
  });
  return v.issues;
}
