/**
 * Live per-cell load for the allocator: the `LoadSource` interface and the backplane (Redis) source.
 *
 * Backplane source: every server publishes its open-socket count into one Redis hash per cell,
 * `wst:connections:<cell>`, field = node id, value = `<count>:<expiresAtMs>` (the rebalancing store's
 * format, docs/server-contract.md §12), every `loadPublishIntervalSeconds` with a lifetime of 3
 * intervals (lib/runtime/load-report.ts). A draining node deletes its field. A cell's load is the
 * sum of its live fields; its age is at most one publish interval for a node that is up (the oldest
 * live field was written `ttl − (expiresAt − now)` ago), and a field of a node that died is ignored
 * once it expires, i.e. up to 3 intervals (30 s with the defaults) after its last publish.
 * CloudWatch source (the connection gauge): not implemented here yet; its readings are 1–3 minutes old.
 */

/** One cell's live load. */
export interface CellLoad {
  /** Open connections over the cell's live nodes. */
  readonly connections: number;
  /** Nodes with a live entry. */
  readonly nodes: number;
  /** When the oldest live entry was published, Unix ms (the reading's age is now − this). */
  readonly observedAtMs: number;
  /** False when the source knows the cell fails its health checks. @default - unknown (treated as healthy) */
  readonly healthy?: boolean;
}

/** Where the allocator reads live load. A cell missing from the map has unknown load. */
export interface LoadSource {
  read(cells: readonly string[]): Promise<ReadonlyMap<string, CellLoad>>;
}

/** The read-only hash command the backplane source uses (node-redis v4/v5 `hGetAll`). */
export interface RedisHashReader {
  hGetAll(key: string): Promise<Record<string, string>>;
}

/** Hash key of a cell's connection counts (shared with the runtime's publisher). */
export function connectionCountKey(cell: string): string {
  return `wst:connections:${cell}`;
}

/**
 * The backplane load source: one `HGETALL wst:connections:<cell>` per cell.
 * @param entryTtlMs - lifetime the servers give each entry (3 × the publish interval), to date a reading
 * @param now - clock, Unix ms. @default Date.now
 */
export function redisLoadSource(client: RedisHashReader, entryTtlMs: number, now: () => number = Date.now): LoadSource {
  return {
    async read(cells) {
      const out = new Map<string, CellLoad>();
      const t = now();
      await Promise.all(
        cells.map(async (cell) => {
          const all = await client.hGetAll(connectionCountKey(cell));
          let connections = 0;
          let nodes = 0;
          let oldestExpiry = Number.POSITIVE_INFINITY;
          for (const value of Object.values(all)) {
            const [count, expires] = value.split(':').map(Number);
            if (!Number.isFinite(count) || count < 0 || !(expires > t)) continue;
            connections += count;
            nodes++;
            oldestExpiry = Math.min(oldestExpiry, expires);
          }
          if (nodes > 0) out.set(cell, { connections, nodes, observedAtMs: oldestExpiry - entryTtlMs });
        }),
      );
      return out;
    },
  };
}
