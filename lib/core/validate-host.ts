/**
 * Rules that connect the host limits to the plan: the file-descriptor limit against the
 * connections each server holds, the per-process ceiling no limit can raise, and the listen
 * backlog against the reconnect burst one instance takes. Each setting is valid on its own (its
 * range is checked in validate.ts); together they would fail on the instance without a word at
 * synthesis. Called by `validateTier()`.
 *
 * Sources: Linux `fs.nr_open` (https://docs.kernel.org/admin-guide/sysctl/fs.html, default
 * 1,048,576: the largest `RLIMIT_NOFILE` a process can get), `net.core.somaxconn`
 * (https://docs.kernel.org/networking/ip-sysctl.html), `listen(2)` (the backlog is silently
 * capped at somaxconn), systemd.exec(5) `LimitNOFILE=`.
 */
import { RESERVED_FILE_DESCRIPTORS } from './capacity/data';
import { fmt } from './capacity/format';
import { sizeCell } from './capacity/tier';
import type { CellConfig, TierConfig } from './config';
import { CAPACITY_DEFAULTS, DEFAULTS } from './defaults';
import { type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from './issues';
import { LIMITS } from './limits';

/**
 * Seconds within which a tier-wide reconnect storm brings every client back: the capacity
 * planner's default (`CAPACITY_DEFAULTS.stormSeconds`), so one instance takes back its target's
 * worth of connections in that time.
 */
const STORM_SECONDS = CAPACITY_DEFAULTS.stormSeconds;

/**
 * The value a cross-field rule can use: the field when it is a concrete integer in `range`, the
 * default when it is absent, undefined when it is late-bound or invalid (reported elsewhere).
 */
export function usableInt(
  v: IssueCollector,
  value: unknown,
  range: { min: number; max: number },
  fallback: number | undefined,
): number | undefined {
  if (value === undefined) return fallback;
  if (!v.known(value) || typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) return undefined;
  return value;
}

/** `cells[i] ('name')`, as the tier rules name a cell. */
export function cellLabelOf(cells: readonly CellConfig[], i: number): string {
  const name = cells[i]?.name;
  return typeof name === 'string' && name !== '' ? `cells[${i}] ('${name}')` : `cells[${i}]`;
}

/** One cell's sizes as `resolveTier()` derives them, or undefined when an input is late-bound or invalid. */
export interface CellSizes {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetConnectionsPerInstance: number;
  /** Path of the field the target comes from, or undefined when it is the default or the capacity plan's. */
  readonly targetPath?: string;
  /** Path of the field the minimum comes from, or undefined when it is the default or the capacity plan's. */
  readonly minPath?: string;
}

/** Each cell's min, max and scaling target (explicit cell value, then tier value, then the plan or the defaults). */
export function cellSizes(v: IssueCollector, config: TierConfig): (CellSizes | undefined)[] {
  const s = config.scaling ?? {};
  const cells = Array.isArray(config.cells) ? config.cells : [];
  return cells.map((cell, i) => {
    const cs = cell.scaling ?? {};
    const pick = (field: 'minCapacity' | 'maxCapacity' | 'targetConnectionsPerInstance', range: { min: number; max: number }) => {
      const own = cs[field];
      const value = own !== undefined ? own : s[field];
      const path = own !== undefined ? `cells[${i}].scaling.${field}` : s[field] !== undefined ? `scaling.${field}` : undefined;
      if (value === undefined) return { ok: true, value: undefined, path };
      const n = usableInt(v, value, range, undefined);
      return { ok: n !== undefined, value: n, path };
    };
    const min = pick('minCapacity', { min: 0, max: 10000 });
    const max = pick('maxCapacity', { min: 1, max: 10000 });
    const target = pick('targetConnectionsPerInstance', { min: 1, max: 10_000_000 });
    if (!min.ok || !max.ok || !target.ok) return undefined;
    const sized = sizeCell(config, i, {
      minCapacity: min.value,
      maxCapacity: max.value,
      targetConnectionsPerInstance: target.value,
    });
    return { ...sized, targetPath: target.path, minPath: min.path };
  });
}

/**
 * The host rules of a tier: `fd-limit-below-connections`, `target-above-fd-ceiling` and
 * `backlog-below-reconnect-burst`.
 * @param config - the tier, with lists and sections already shape-checked by `validateTier()`
 */
export function validateHostCoupling(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const cells = Array.isArray(config.cells) ? config.cells : [];
  const sizes = cellSizes(v, config);
  validateFileDescriptors(v, config, cells, sizes);
  validateBacklog(v, config, cells, sizes);
  return v.issues;
}

/**
 * Without a capacity plan (which sizes the target below the descriptor limit itself, and reports
 * an explicit target above it as `capacity-target-above-fd-limit`) and without an explicit
 * `server.maxConnections` (checked as `max-connections-above-fd-limit`), each server accepts up to
 * the derived cap, target ÷ (1 − 30 % headroom), before it refuses with 1013: every one of those
 * sockets takes a descriptor (two through a local proxy, which holds the client's socket and its
 * own to the server), plus the descriptors a process keeps for itself.
 */
function validateFileDescriptors(
  v: IssueCollector,
  config: TierConfig,
  cells: readonly CellConfig[],
  sizes: (CellSizes | undefined)[],
): void {
  if (config.capacity !== undefined || config.server?.maxConnections !== undefined) return;
  const fd = usableInt(v, config.host?.fileDescriptorLimit, LIMITS.fileDescriptorLimit, DEFAULTS.host.fileDescriptorLimit);
  const proxy = config.host?.localProxy === true;
  const perConnection = proxy ? 2 : 1;
  const headroom = CAPACITY_DEFAULTS.headroomPercent;
  const ceiling = LIMITS.fileDescriptorLimit.max;
  const below: string[] = [];
  let needed = 0;
  const reportedTargets = new Set<string>();
  sizes.forEach((size, i) => {
    if (!size) return;
    const target = size.targetConnectionsPerInstance;
    const cap = Math.ceil((target * 100) / (100 - headroom));
    const need = cap * perConnection + RESERVED_FILE_DESCRIPTORS;
    if (need > ceiling) {
      const path = size.targetPath ?? 'scaling.targetConnectionsPerInstance';
      if (reportedTargets.has(path)) return;
      reportedTargets.add(path);
      const most = Math.floor((((ceiling - RESERVED_FILE_DESCRIPTORS) / perConnection) * (100 - headroom)) / 100);
      v.error(
        'target-above-fd-ceiling',
        path,
        `${path} is ${fmt(target)} connections per instance for ${cellLabelOf(cells, i)}: its server accepts up to ${fmt(cap)} (the target ÷ (1 − ${headroom} % headroom)) before refusing with 1013, which takes ${fmt(need)} file descriptors (${perConnection} per connection${proxy ? ' through the local proxy' : ''} + ${fmt(RESERVED_FILE_DESCRIPTORS)} the process keeps), above Linux's per-process ceiling fs.nr_open of ${fmt(ceiling)} (https://docs.kernel.org/admin-guide/sysctl/fs.html), which no host.fileDescriptorLimit can exceed. Ephemeral ports are not the bound on a server: accepted sockets share the listening port and differ by the client's address; descriptors and memory are. Allowed: at most ${fmt(most)} per process. Fix: lower ${path} to ${fmt(most)} or less and add instances, or run several processes per instance (capacity.processesPerInstance, with a capacity plan, which then sizes the target).`,
      );
      return;
    }
    if (fd !== undefined && need > fd) {
      below.push(`${cellLabelOf(cells, i)} targets ${fmt(target)} per instance and accepts up to ${fmt(cap)}`);
      needed = Math.max(needed, need);
    }
  });
  if (below.length > 0 && fd !== undefined) {
    v.error(
      'fd-limit-below-connections',
      'host.fileDescriptorLimit',
      `host.fileDescriptorLimit is ${fmt(fd)} but ${below.join('; ')} (the target ÷ (1 − ${headroom} % headroom), where the server refuses with 1013): each connection takes ${perConnection === 2 ? 'two file descriptors through the local proxy (the client socket and the one to the server; give the proxy the same limit)' : 'one file descriptor'}, plus ${fmt(RESERVED_FILE_DESCRIPTORS)} the process keeps, so the server would fail with EMFILE (too many open files) long before the scaling target is reached (systemd.exec(5) LimitNOFILE=). Allowed: at least ${fmt(needed)}. Fix: raise host.fileDescriptorLimit to ${fmt(needed)} or more (or leave it out for ${fmt(DEFAULTS.host.fileDescriptorLimit)}), or lower targetConnectionsPerInstance.`,
    );
  }
}

/**
 * The accept queue must hold one second of reconnects without the server calling `accept()`
 * (a GC pause, a busy event loop): a tier-wide reconnect storm brings each instance its target's
 * worth within {@link STORM_SECONDS} s, and one node's drain brings its sockets back within the
 * drain window, whichever is shorter. Beyond the queue, the kernel drops the handshake and clients
 * retry after a 1 s, then 3 s, SYN retransmission, stretching the storm.
 */
function validateBacklog(v: IssueCollector, config: TierConfig, cells: readonly CellConfig[], sizes: (CellSizes | undefined)[]): void {
  const h = config.host ?? {};
  const somax = usableInt(v, h.somaxconn, LIMITS.somaxconn, DEFAULTS.host.somaxconn);
  const explicitBacklog = usableInt(v, h.listenBacklog, { min: 1, max: 65535 }, undefined);
  if (somax === undefined || (h.listenBacklog !== undefined && explicitBacklog === undefined)) return;
  const drain = usableInt(v, config.connection?.drainWindowSeconds, { min: 0, max: 7170 }, DEFAULTS.connection.drainWindowSeconds);
  if (drain === undefined) return;
  const backlog = Math.min(explicitBacklog ?? somax, somax);
  const seconds = Math.min(STORM_SECONDS, Math.max(1, drain));
  let worst: { i: number; target: number; burst: number } | undefined;
  sizes.forEach((size, i) => {
    if (!size) return;
    const burst = Math.ceil(size.targetConnectionsPerInstance / seconds);
    if (burst > backlog && (!worst || burst > worst.burst)) worst = { i, target: size.targetConnectionsPerInstance, burst };
  });
  if (!worst) return;
  const field = explicitBacklog !== undefined && explicitBacklog < somax ? 'host.listenBacklog' : 'host.somaxconn';
  const why =
    seconds === STORM_SECONDS
      ? `a tier-wide reconnect storm brings each instance its target's worth within ${STORM_SECONDS} s (the capacity planner's storm)`
      : `one node's drain (connection.drainWindowSeconds ${drain} s) sends its sockets back within ${seconds} s`;
  v.warn(
    'backlog-below-reconnect-burst',
    field,
    `${field} is ${fmt(field === 'host.listenBacklog' ? explicitBacklog! : somax)}, so the listen backlog is ${fmt(backlog)}, but ${cellLabelOf(cells, worst.i)} targets ${fmt(worst.target)} connections per instance and ${why}: about ${fmt(worst.burst)} connections a second, which the accept queue must hold through a one-second pause of the server. Beyond it the kernel drops handshakes and clients retry after 1 s, then 3 s, stretching the storm (https://docs.kernel.org/networking/ip-sysctl.html, somaxconn; listen(2)). Fix: raise ${field} to at least ${fmt(worst.burst)}${field === 'host.listenBacklog' && worst.burst > somax ? ' and host.somaxconn with it' : ''} (the default is ${fmt(DEFAULTS.host.somaxconn)}), or leave it out.`,
  );
}
