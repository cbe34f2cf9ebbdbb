/**
 * Rebalancing long-lived connections after scale-out. A load balancer places only new
 * connections, so old nodes keep their sockets; each node therefore publishes its connection
 * count to the backplane (Redis), reads everyone's, and when it holds more than
 * fair share × (1 + tolerance) closes the excess with 1013 at a bounded rate, so those clients
 * reconnect and the load balancer (least connections / round robin) places them on emptier nodes.
 * Prior art: Ably's active rebalancing, Netflix Zuul Push's bounded lifetime
 * (the shedding pattern of Netflix Zuul Push connection rebalancing).
 */
import { DEFAULTS } from '../core/defaults';

/** Rebalancing knobs. */
export interface RebalanceOptions {
  /**
   * Allowed excess over the fair share before shedding, as a fraction (0.1 = 10 % above).
   * Range 0–10. @default 0.1
   */
  readonly tolerance?: number;
  /**
   * Largest fraction of this node's sockets closed per interval, 0–1. At least one socket is
   * closed per interval when any must go. @default 0.01 (1 % per 10 s)
   */
  readonly maxShedFraction?: number;
  /** How often counts are published and compared, ms ≥ 100. @default 10000 */
  readonly intervalMs?: number;
}

/** Rebalancing defaults: the tier's own (`DEFAULTS.server.rebalance`), one table for both. */
export const REBALANCE_DEFAULTS = DEFAULTS.server.rebalance;

/**
 * How many sockets this node should close now.
 * @param own - this node's open sockets
 * @param counts - every live node's count, this node's included
 * @returns 0 when at or under fair share × (1 + tolerance); otherwise
 *   min(own − ceil(fair share), max(1, floor(own × maxShedFraction)))
 */
export function shedCount(own: number, counts: readonly number[], options: RebalanceOptions = {}): number {
  const tolerance = options.tolerance ?? REBALANCE_DEFAULTS.tolerance;
  const fraction = options.maxShedFraction ?? REBALANCE_DEFAULTS.maxShedFraction;
  if (counts.length < 2 || own <= 0) return 0;
  const fair = counts.reduce((a, b) => a + b, 0) / counts.length;
  if (own <= fair * (1 + tolerance)) return 0;
  const excess = own - Math.ceil(fair);
  return Math.max(0, Math.min(excess, Math.max(1, Math.floor(own * fraction))));
}

/** Where nodes share their connection counts. */
export interface ConnectionCountStore {
  /** Publish this node's count, live for `ttlMs`. */
  publish(nodeId: string, connections: number, ttlMs: number): Promise<void>;
  /** Every live node's count. */
  read(): Promise<Map<string, number>>;
  /** Remove this node (it is draining or stopping). */
  remove(nodeId: string): Promise<void>;
}

/** The node-redis v4/v5 hash commands the Redis store uses. */
export interface RedisHashClient {
  hSet(key: string, field: string, value: string): Promise<unknown>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hDel(key: string, field: string): Promise<unknown>;
}

/**
 * Connection counts in one Redis hash (`field = node id`, `value = "<count>:<expiresAtMs>"`).
 * Entries past their expiry (a node that died without removing itself) are ignored and deleted.
 * Expiry uses each node's wall clock: keep instance clocks in sync (EC2 does, via NTP).
 * @param key - hash key, one per cell, e.g. `wst:connections:<cell>`
 */
export function redisConnectionCountStore(client: RedisHashClient, key: string): ConnectionCountStore {
  return {
    async publish(nodeId, connections, ttlMs) {
      await client.hSet(key, nodeId, `${connections}:${Date.now() + ttlMs}`);
    },
    async read() {
      const all = await client.hGetAll(key);
      const now = Date.now();
      const out = new Map<string, number>();
      for (const [node, value] of Object.entries(all)) {
        const [count, expires] = value.split(':').map(Number);
        if (Number.isFinite(count) && expires > now) out.set(node, count);
        else await client.hDel(key, node);
      }
      return out;
    },
    async remove(nodeId) {
      await client.hDel(key, nodeId);
    },
  };
}
