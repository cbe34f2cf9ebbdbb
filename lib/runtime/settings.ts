/**
 * Runtime settings from the environment the tier writes on every instance (the contract in
 * lib/core/server-contract.ts). Explicit options always win over the environment; the environment
 * wins over the tier's defaults (lib/core/defaults.ts), so a runtime without a tier behaves as a
 * cell with the default connection profile. Ranges are the tier's own (lib/core/limits.ts and the
 * connection-profile rules), so the runtime accepts exactly the numbers a tier can write.
 */
import { constants as bufferConstants } from 'node:buffer';
import { DEFAULTS } from '../core/defaults';
import { LIMITS } from '../core/limits';
import { RUNTIME_ENV, SERVER_ENV, SERVER_KEEP_ALIVE_MARGIN_SECONDS } from '../core/server-contract';

export { RUNTIME_ENV } from '../core/server-contract';

/**
 * Inclusive ranges of the runtime's timing settings, the same the tier validates.
 * - `pingIntervalSeconds`: 1–3600 (the tier's `connection.pingIntervalSeconds` rule).
 * - `drainGraceSeconds`: `LIMITS.drainGraceSeconds`.
 * - `drainWindowSeconds`: 0 up to the longest lifecycle-hook heartbeat timeout (7200 s,
 *   https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html) minus the
 *   grace; window + grace must fit that timeout, as the tier requires.
 * - `keepAliveTimeoutSeconds`: 1 up to the longest load-balancer idle timeout (NLB TCP, 6000 s) plus
 *   the keep-alive margin.
 * - `maxMessageBytes`: an integer from 1 up to the largest Buffer Node can allocate
 *   (`buffer.constants.MAX_LENGTH`, https://nodejs.org/api/buffer.html#bufferconstantsmax_length),
 *   the most `ws` and Engine.IO can assemble into one message.
 */
export const RUNTIME_RANGES = {
  pingIntervalSeconds: { min: 1, max: 3600 },
  drainGraceSeconds: { min: LIMITS.drainGraceSeconds.min, max: LIMITS.drainGraceSeconds.max },
  drainPlusGraceSeconds: { min: 0, max: LIMITS.lifecycleHookHeartbeatSeconds.max },
  keepAliveTimeoutSeconds: { min: 1, max: LIMITS.nlbTcpIdleTimeoutSeconds.max + SERVER_KEEP_ALIVE_MARGIN_SECONDS },
  maxMessageBytes: { min: 1, max: bufferConstants.MAX_LENGTH },
} as const;

/**
 * Rebalancing knobs from the environment, or undefined when `WST_REBALANCE_INTERVAL_MS` is unset
 * (rebalancing off).
 * @throws Error naming a variable whose value is out of range
 */
export function rebalanceOptionsFromEnv(
  env: NodeJS.ProcessEnv,
): { intervalMs: number; tolerance?: number; maxShedFraction?: number } | undefined {
  const intervalMs = envNumber(env, RUNTIME_ENV.rebalanceIntervalMs, 100);
  if (intervalMs === undefined) return undefined;
  return {
    intervalMs,
    tolerance: envNumber(env, RUNTIME_ENV.rebalanceTolerance, 0, 10),
    maxShedFraction: envNumber(env, RUNTIME_ENV.rebalanceMaxShedFraction, 0, 1),
  };
}

/**
 * A number from the environment.
 * @throws Error naming the variable, its value and the allowed range
 */
export function envNumber(env: NodeJS.ProcessEnv, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(
      `${name} is ${JSON.stringify(raw)}; allowed: a number ${min}–${max}. Fix: set it in the server environment or unset it.`,
    );
  }
  return value;
}

/** Drain window from `WST_DRAIN_WINDOW_SECONDS`, else the tier default (seconds, 0–7200). */
export function drainWindowSecondsFrom(env: NodeJS.ProcessEnv): number {
  return (
    envNumber(env, SERVER_ENV.drainWindowSeconds, 0, RUNTIME_RANGES.drainPlusGraceSeconds.max) ?? DEFAULTS.connection.drainWindowSeconds
  );
}

/** Drain grace from `WST_DRAIN_GRACE_SECONDS`, else the tier default (seconds, 0–600). @default 30 */
export function drainGraceSecondsFrom(env: NodeJS.ProcessEnv): number {
  const r = RUNTIME_RANGES.drainGraceSeconds;
  return envNumber(env, SERVER_ENV.drainGraceSeconds, r.min, r.max) ?? DEFAULTS.connection.drainGraceSeconds;
}

/** Ping interval from `WST_PING_INTERVAL_SECONDS`, else the tier default (seconds, 1–3600). @default 25 */
export function pingIntervalSecondsFrom(env: NodeJS.ProcessEnv): number {
  const r = RUNTIME_RANGES.pingIntervalSeconds;
  return envNumber(env, SERVER_ENV.pingIntervalSeconds, r.min, r.max) ?? DEFAULTS.connection.pingIntervalSeconds;
}

/**
 * HTTP keep-alive timeout from `WST_KEEP_ALIVE_TIMEOUT_SECONDS` (the tier writes the path's
 * effective idle timeout + 5 s), else the default ALB idle timeout + 5 s. @default 125
 */
export function keepAliveTimeoutSecondsFrom(env: NodeJS.ProcessEnv): number {
  const r = RUNTIME_RANGES.keepAliveTimeoutSeconds;
  return (
    envNumber(env, SERVER_ENV.keepAliveTimeoutSeconds, r.min, r.max) ??
    DEFAULTS.connection.albIdleTimeoutSeconds + SERVER_KEEP_ALIVE_MARGIN_SECONDS
  );
}

/** Health path from `WST_HEALTH_PATH`, else the tier default. */
export function healthPathFrom(env: NodeJS.ProcessEnv): string {
  return env[SERVER_ENV.healthPath] || DEFAULTS.healthCheck.path;
}

/**
 * Largest message, bytes, from `WST_MAX_MESSAGE_BYTES` (an integer in `RUNTIME_RANGES.maxMessageBytes`),
 * else undefined (the runtime then uses `RUNTIME_DEFAULTS.maxMessageBytes`, 1 MiB).
 * @throws Error naming the variable, its value and the allowed range
 */
export function maxMessageBytesFrom(env: NodeJS.ProcessEnv): number | undefined {
  const r = RUNTIME_RANGES.maxMessageBytes;
  const value = envNumber(env, RUNTIME_ENV.maxMessageBytes, r.min, r.max);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new Error(
      `${RUNTIME_ENV.maxMessageBytes} is ${JSON.stringify(env[RUNTIME_ENV.maxMessageBytes])}; allowed: an integer ${r.min}–${r.max}. Fix: set a whole number of bytes or unset it.`,
    );
  }
  return value;
}

/**
 * Whether the load balancer prefixes every connection with a PROXY protocol v2 header, from
 * `WST_PROXY_PROTOCOL`: `1` on; `0`, empty or unset off.
 * @throws Error naming the variable and the allowed values for anything else
 */
export function proxyProtocolFrom(env: NodeJS.ProcessEnv): boolean {
  const raw = env[RUNTIME_ENV.proxyProtocol];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(
    `${RUNTIME_ENV.proxyProtocol} is ${JSON.stringify(raw)}; allowed: "1" (the NLB target group sends PROXY protocol v2) or "0". Fix: set it to 1 or 0, or unset it.`,
  );
}
