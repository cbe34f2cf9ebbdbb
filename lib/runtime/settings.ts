/**
 * Runtime settings from the environment the tier writes on every instance (the contract in
 * lib/core/server-contract.ts). Explicit options always win over the environment; the environment
 * wins over the tier's defaults (lib/core/defaults.ts), so a runtime without a tier behaves as a
 * cell with the default connection profile.
 */
import { DEFAULTS } from '../core/defaults';
import { RUNTIME_ENV, SERVER_ENV } from '../core/server-contract';

export { RUNTIME_ENV } from '../core/server-contract';

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
