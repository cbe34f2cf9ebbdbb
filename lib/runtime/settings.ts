/**
 * Runtime settings from the environment the tier writes on every instance (`SERVER_ENV` in
 * lib/core/defaults.ts, `EMF_ENDPOINT_ENV` and `ASG_NAME_ENV` in lib/core/host-tuning.ts), plus the
 * few names only the runtime reads (`RUNTIME_ENV`). Explicit options always win over the
 * environment; the environment wins over the library defaults.
 */
import { BACKPLANE_URL_ENV } from '../core/backplane';
import { DEFAULTS, SERVER_ENV } from '../core/defaults';

/** Environment variables the runtime reads; the first two are written by the renderers (core `SERVER_ENV`), the rest are runtime options. */
export const RUNTIME_ENV = {
  /** Termination lifecycle hook name; turns on heartbeat + CompleteLifecycleAction (written by the renderers). */
  lifecycleHookName: SERVER_ENV.lifecycleHookName,
  /** Per-node connection cap (integer ≥ 1). */
  maxConnections: 'WST_MAX_CONNECTIONS',
  /** Comma-separated Origin allowlist. */
  allowedOrigins: 'WST_ALLOWED_ORIGINS',
  /** Stable node id for the rebalancing store. */
  nodeId: 'WST_NODE_ID',
  /** Seconds after the drain window at which leftover sockets are terminated (written by the renderers). */
  drainGraceSeconds: SERVER_ENV.drainGraceSeconds,
  /** IMDS base URL (tests and IMDS proxies). */
  imdsBaseUrl: 'WST_IMDS_BASE_URL',
  /**
   * Backplane URL, used by the example chat server and the local twin: `redis://host:port` locally;
   * on the tier's instances `rediss://:<token>@host:port` (TLS + AUTH), written at boot by the
   * renderers when the tier has a `backplane` (core `BACKPLANE_URL_ENV`).
   */
  redisUrl: BACKPLANE_URL_ENV,
  /** Rebalancing interval, ms ≥ 100; setting it turns rebalancing on. */
  rebalanceIntervalMs: 'WST_REBALANCE_INTERVAL_MS',
  /** Rebalancing tolerance above fair share, 0–10. */
  rebalanceTolerance: 'WST_REBALANCE_TOLERANCE',
  /** Largest fraction of sockets shed per interval, 0–1. */
  rebalanceMaxShedFraction: 'WST_REBALANCE_MAX_SHED_FRACTION',
  /** Retry-hint upper bound sent in close reasons, ms. */
  retryAfterMs: 'WST_RETRY_AFTER_MS',
} as const;

/**
 * Rebalancing knobs from the environment, or undefined when `WST_REBALANCE_INTERVAL_MS` is unset
 * (rebalancing off).
 * @throws Error naming a variable whose value is out of range
 */
export function rebalanceOptionsFromEnv(env: NodeJS.ProcessEnv): { intervalMs: number; tolerance?: number; maxShedFraction?: number } | undefined {
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
    throw new Error(`${name} is ${JSON.stringify(raw)}; allowed: a number ${min}–${max}. Fix: set it in the server environment or unset it.`);
  }
  return value;
}

/** Drain window from `WST_DRAIN_WINDOW_SECONDS`, else the tier default (seconds). */
export function drainWindowSecondsFrom(env: NodeJS.ProcessEnv): number {
  return envNumber(env, SERVER_ENV.drainWindowSeconds, 0, 48 * 3600) ?? DEFAULTS.connection.drainWindowSeconds;
}

/** Health path from `WST_HEALTH_PATH`, else the tier default. */
export function healthPathFrom(env: NodeJS.ProcessEnv): string {
  return env[SERVER_ENV.healthPath] || DEFAULTS.healthCheck.path;
}
