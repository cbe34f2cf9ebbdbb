/**
 * Load reports for the endpoint allocator: every interval, while serving, the node publishes its
 * open-socket count into the cell's connection-count store (the backplane hash
 * `wst:connections:<cell>`, `redisConnectionCountStore`) with a lifetime of 3 intervals; a draining
 * node removes itself at once. The allocator (`redisLoadSource`) sums the live entries, so a cell's
 * reading is at most one interval old while its nodes are up, and a dead node's count disappears
 * within 3 intervals. The same store and format as rebalancing (docs/server-contract.md §12), so a
 * node that rebalances already reports; both may run at once.
 */
import type { ConnectionCountStore } from './rebalance';

/** Load reporting options. */
export interface LoadReportOptions {
  readonly store: ConnectionCountStore;
  /** ms between reports, 1000–300000. @default env `WST_LOAD_PUBLISH_INTERVAL_MS`, else 10000 */
  readonly intervalMs?: number;
}

/** Entries live this many intervals (the allocator's default staleness is the same 3 intervals). */
export const LOAD_REPORT_TTL_INTERVALS = 3;
/** Default interval between reports, ms (the tier's `allocator.loadPublishIntervalSeconds` default × 1000). */
export const LOAD_REPORT_DEFAULT_INTERVAL_MS = 10_000;

/**
 * One report: publish while serving, remove once not.
 * @returns the store call's promise (the runtime turns a rejection into a `warning`)
 */
export function reportLoad(
  store: ConnectionCountStore,
  nodeId: string,
  serving: boolean,
  connections: number,
  intervalMs: number,
): Promise<void> {
  return serving ? store.publish(nodeId, connections, intervalMs * LOAD_REPORT_TTL_INTERVALS) : store.remove(nodeId);
}
