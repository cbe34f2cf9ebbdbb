/**
 * The ECS drain trigger: learn that ECS has started to stop this task while the load balancer is
 * still deregistering it, so the paced drain runs inside the deregistration delay instead of
 * starting at SIGTERM, which ECS sends only after deregistration. By then the load balancer has
 * already cut every socket.
 *
 * How ECS stops a service task behind a load balancer (ECS task lifecycle,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html):
 * the desired status becomes `STOPPED`; the task goes `RUNNING` → `DEACTIVATING` (target-group
 * deregistration happens in this state) → `STOPPING` (the agent sends SIGTERM, then SIGKILL after
 * the container's `stopTimeout`, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html)
 * → `DEPROVISIONING` → `STOPPED`.
 *
 * What the task can see: ECS injects `ECS_CONTAINER_METADATA_URI_V4` into every container (Fargate
 * platform 1.4.0 and later; on EC2 container agent 1.39.0 and later), and
 * `GET ${ECS_CONTAINER_METADATA_URI_V4}/task` returns the task's `DesiredStatus` and `KnownStatus`.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-fargate.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-response.html
 * The runtime polls that path and drains once `DesiredStatus` is `STOPPED`.
 *
 * Not confirmed by AWS documentation: that the endpoint's `DesiredStatus` turns `STOPPED` as soon
 * as deregistration starts, rather than later. The response page only says "the desired status for
 * the task from Amazon ECS". The endpoint's `KnownStatus` is reported to skip `DEACTIVATING`
 * (RUNNING → STOPPED, https://github.com/aws/containers-roadmap/issues/2012), so it cannot be the
 * signal. SIGTERM stays the fallback trigger.
 */
import { ECS_TASK_ENV } from '../core/server-contract';

/** Poll interval default and range, ms. */
export const ECS_TASK_POLL = { defaultMs: 1000, minMs: 100, maxMs: 60_000 } as const;

/** Task metadata options of the runtime. */
export interface EcsTaskOptions {
  /** Task metadata endpoint v4 base URL. @default env `ECS_CONTAINER_METADATA_URI_V4` (set by ECS) */
  readonly metadataUri?: string;
  /** ms between polls of `${metadataUri}/task`, 100–60000. @default env `WST_ECS_POLL_INTERVAL_MS`, else 1000 */
  readonly pollIntervalMs?: number;
  /** Bound on one request, ms > 0. @default 1000 */
  readonly timeoutMs?: number;
}

/** The fields of `${ECS_CONTAINER_METADATA_URI_V4}/task` the runtime reads. */
export interface EcsTaskStatus {
  readonly desiredStatus?: string;
  readonly knownStatus?: string;
}

/** True when ECS has decided to stop the task: drain. */
export function isTaskStopping(status: EcsTaskStatus): boolean {
  return status.desiredStatus === 'STOPPED';
}

/** One task metadata read, bounded by `timeoutMs`. @throws on network errors, non-2xx statuses and non-JSON bodies */
export async function readEcsTaskStatus(metadataUri: string, timeoutMs = 1000): Promise<EcsTaskStatus> {
  const url = `${metadataUri.replace(/\/+$/, '')}/task`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`ECS task metadata ${url} returned HTTP ${res.status}`);
  const body = (await res.json()) as { DesiredStatus?: unknown; KnownStatus?: unknown };
  return {
    desiredStatus: typeof body.DesiredStatus === 'string' ? body.DesiredStatus : undefined,
    knownStatus: typeof body.KnownStatus === 'string' ? body.KnownStatus : undefined,
  };
}

/** What the runtime polls. */
export interface EcsTaskWatch {
  readonly metadataUri: string;
  readonly intervalMs: number;
  /**
   * Whether the task is being stopped. False while a previous read is still in flight.
   * @throws the first failure of a run of failures (later ones return false until a read succeeds),
   *   so an unreachable endpoint gives one warning, not one per poll
   */
  stopping(): Promise<boolean>;
}

/**
 * The watch the runtime runs, or undefined when it is off: `options` is false, or no metadata URI
 * is given and `ECS_CONTAINER_METADATA_URI_V4` is unset (not on ECS).
 * @throws RangeError naming the setting when the poll interval is out of range
 */
export function ecsTaskWatch(options: EcsTaskOptions | false | undefined, env: NodeJS.ProcessEnv): EcsTaskWatch | undefined {
  if (options === false) return undefined;
  const metadataUri = options?.metadataUri ?? env[ECS_TASK_ENV.metadataUri];
  if (!metadataUri) return undefined;
  const raw = env[ECS_TASK_ENV.pollIntervalMs];
  const intervalMs = options?.pollIntervalMs ?? (raw === undefined || raw === '' ? ECS_TASK_POLL.defaultMs : Number(raw));
  if (!(Number.isFinite(intervalMs) && intervalMs >= ECS_TASK_POLL.minMs && intervalMs <= ECS_TASK_POLL.maxMs)) {
    const field = options?.pollIntervalMs !== undefined ? 'ecs.pollIntervalMs' : ECS_TASK_ENV.pollIntervalMs;
    throw new RangeError(
      `${field} is ${options?.pollIntervalMs ?? JSON.stringify(raw)}; allowed: ${ECS_TASK_POLL.minMs}–${ECS_TASK_POLL.maxMs} ms. Fix: set a poll interval in range (default ${ECS_TASK_POLL.defaultMs}).`,
    );
  }
  const timeoutMs = options?.timeoutMs ?? 1000;
  let inFlight = false;
  let failing = false;
  return {
    metadataUri,
    intervalMs,
    async stopping() {
      if (inFlight) return false;
      inFlight = true;
      try {
        const status = await readEcsTaskStatus(metadataUri, timeoutMs);
        failing = false;
        return isTaskStopping(status);
      } catch (e) {
        if (failing) return false;
        failing = true;
        throw e;
      } finally {
        inFlight = false;
      }
    },
  };
}
