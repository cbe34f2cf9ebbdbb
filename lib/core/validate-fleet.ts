/**
 * Rules on how a cell's fleet lives and leaves: the Auto Scaling health-check grace period and the
 * target-group health check against the boot and a stall, cells that can sit at zero instances,
 * a drain window of zero, and socket.io's long-polling without stickiness. Each setting is valid
 * on its own (ranges are checked in validate.ts); together they replace healthy instances, strand
 * a tier at zero or drop every socket at once. Called by `validateTier()`.
 *
 * Sources:
 * - health-check grace period: https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html
 * - ELB health checks on an Auto Scaling group (an unhealthy target is replaced):
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html
 * - target-group health checks (thresholds × interval): https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * - default instance warmup: https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
 * - socket.io behind several nodes: https://socket.io/docs/v4/using-multiple-nodes
 */
import type { CellConfig, TierConfig } from './config';
import { DEFAULTS } from './defaults';
import { type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from './issues';
import { LIMITS } from './limits';
import { cellLabelOf, cellSizes, usableInt } from './validate-host';

const GRACE_DOC = 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html';
const ELB_HEALTH_DOC = 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html';

/**
 * The fleet rules of a tier: `health-grace-too-short`, `health-grace-below-warmup`,
 * `health-check-faster-than-ping`, `all-cells-at-zero-gauge`, `all-cells-at-zero`,
 * `cell-at-zero-gauge`, `drain-window-zero` and `socket-io-long-polling-unspecified`.
 * @param config - the tier, with lists and sections already shape-checked by `validateTier()`
 */
export function validateFleetCoupling(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  validateHealthTiming(v, config);
  validateZeroCapacity(v, config);
  validateDrainZero(v, config);
  validateSocketIoPolling(v, config);
  return v.issues;
}

/**
 * The group replaces an instance its target group reports unhealthy once the grace period is
 * over (the tier's groups use ELB health checks). A booting instance fails every check until its
 * server answers, so it turns unhealthy after unhealthy threshold × interval; the grace period
 * must then last until it has passed healthy threshold × interval checks after it is ready. The
 * tier's `defaultInstanceWarmupSeconds` is its own estimate of "ready".
 * After boot, unhealthy threshold × interval is how long a stall may last before the instance and
 * every socket on it are replaced; shorter than one ping interval (a silence every client already
 * tolerates) turns a pause nobody notices into a replacement.
 */
function validateHealthTiming(v: IssueCollector, config: TierConfig): void {
  const h = config.healthCheck ?? {};
  const s = config.scaling ?? {};
  const interval = usableInt(v, h.intervalSeconds, LIMITS.healthCheckIntervalSeconds, DEFAULTS.healthCheck.intervalSeconds);
  const healthy = usableInt(v, h.healthyThresholdCount, LIMITS.healthCheckThresholdCount, DEFAULTS.healthCheck.healthyThresholdCount);
  const unhealthy = usableInt(v, h.unhealthyThresholdCount, LIMITS.healthCheckThresholdCount, DEFAULTS.healthCheck.unhealthyThresholdCount);
  const grace = usableInt(
    v,
    s.healthCheckGracePeriodSeconds,
    LIMITS.healthCheckGracePeriodSeconds,
    DEFAULTS.scaling.healthCheckGracePeriodSeconds,
  );
  const warmup = usableInt(
    v,
    s.defaultInstanceWarmupSeconds,
    LIMITS.defaultInstanceWarmupSeconds,
    DEFAULTS.scaling.defaultInstanceWarmupSeconds,
  );
  const ping = usableInt(v, config.connection?.pingIntervalSeconds, { min: 1, max: 3600 }, DEFAULTS.connection.pingIntervalSeconds);
  if (interval === undefined || healthy === undefined || unhealthy === undefined) return;
  const unhealthyAfter = interval * unhealthy;
  const firstHealthy = interval * healthy;
  const checks = `healthCheck.intervalSeconds ${interval} s × unhealthyThresholdCount ${unhealthy}`;
  if (grace !== undefined && warmup !== undefined && unhealthyAfter < warmup) {
    const safe = warmup + firstHealthy;
    const booting = `a booting instance fails its health checks until the server answers, so its target turns unhealthy after ${checks} = ${unhealthyAfter} s, well within the ${warmup} s the tier allows an instance to get ready (scaling.defaultInstanceWarmupSeconds), and the group replaces an unhealthy instance as soon as the grace period is over (ELB health checks, ${ELB_HEALTH_DOC})`;
    if (grace < firstHealthy) {
      v.error(
        'health-grace-too-short',
        'scaling.healthCheckGracePeriodSeconds',
        `scaling.healthCheckGracePeriodSeconds is ${grace} s, shorter than the ${firstHealthy} s even an instantly ready instance needs to pass its first health checks (interval ${interval} s × healthyThresholdCount ${healthy}); ${booting}. New instances would be replaced before they ever serve, in a loop (${GRACE_DOC}). Allowed: at least ${firstHealthy} s. Fix: set it to ${safe} s or more (warm-up + healthy threshold × interval), or leave it out for ${DEFAULTS.scaling.healthCheckGracePeriodSeconds} s.`,
      );
    } else if (grace < safe) {
      v.warn(
        'health-grace-below-warmup',
        'scaling.healthCheckGracePeriodSeconds',
        `scaling.healthCheckGracePeriodSeconds is ${grace} s, shorter than the ${warmup} s warm-up plus the ${firstHealthy} s of healthy checks (interval ${interval} s × healthyThresholdCount ${healthy}) after it: ${booting}. An instance that takes its warm-up to boot would be replaced before it serves (${GRACE_DOC}). Fix: raise it to at least ${safe} s, or lower scaling.defaultInstanceWarmupSeconds to what a boot really takes.`,
      );
    }
  }
  if (ping !== undefined && unhealthyAfter < ping) {
    v.warn(
      'health-check-faster-than-ping',
      h.unhealthyThresholdCount !== undefined ? 'healthCheck.unhealthyThresholdCount' : 'healthCheck.intervalSeconds',
      `${checks} = ${unhealthyAfter} s is how long a server may stall before its target turns unhealthy and the group replaces the instance with every socket on it (ELB health checks, ${ELB_HEALTH_DOC}); that is shorter than one ping interval (connection.pingIntervalSeconds ${ping} s), a silence every client already tolerates, so a GC pause or a reconnect burst its clients would not notice replaces a healthy instance. Fix: make interval × unhealthy threshold at least ${ping} s, e.g. healthCheck.intervalSeconds ${Math.max(LIMITS.healthCheckIntervalSeconds.min, Math.ceil(ping / unhealthy))} with unhealthyThresholdCount ${unhealthy} (the defaults are ${DEFAULTS.healthCheck.intervalSeconds} s × ${DEFAULTS.healthCheck.unhealthyThresholdCount}).`,
    );
  }
}

/**
 * A cell at zero instances has an empty target group: Route 53 evaluate-target-health then treats
 * its records as unhealthy, and with every cell empty no name answers. The scaling policy tracks
 * connections per in-service instance: the server gauge has no data without a server, and the load
 * balancer's count has no instance to divide by, so nothing scales a cell out of zero.
 */
function validateZeroCapacity(v: IssueCollector, config: TierConfig): void {
  const cells = Array.isArray(config.cells) ? config.cells : [];
  const signal = config.scaling?.signal ?? DEFAULTS.scaling.signal;
  if (cells.length === 0 || (signal !== 'connection-gauge' && signal !== 'load-balancer-connections')) return;
  const sizes = cellSizes(v, config);
  const zero = sizes.map((s) => s?.minCapacity === 0);
  const why =
    "an empty target group makes Route 53 evaluate-target-health treat the cell's records as unhealthy (https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html, EvaluateTargetHealth)";
  if (sizes.every((s) => s !== undefined) && zero.every(Boolean)) {
    const path = sizes.some((s) => s?.minPath === 'scaling.minCapacity')
      ? 'scaling.minCapacity'
      : (sizes[0]?.minPath ?? 'scaling.minCapacity');
    if (signal === 'connection-gauge') {
      v.error(
        'all-cells-at-zero-gauge',
        path,
        `${path} leaves every cell at minCapacity 0: ${why}, so once the cells scale in to zero no cell answers, and scaling.signal 'connection-gauge' tracks a metric only running servers publish, so no data point ever scales a cell out again (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html). Allowed: at least one cell with minCapacity 1 or more. Fix: give every cell minCapacity ≥ 1 (2 across two AZs is the default), or leave minCapacity out.`,
      );
    } else {
      v.warn(
        'all-cells-at-zero',
        path,
        `${path} leaves every cell at minCapacity 0: ${why}, so once the cells scale in to zero clients get HTTP 503 from load balancers without targets, and the scaling policy's connections per in-service instance has no instance to divide by, so it may never scale a cell out again. Fix: give every cell minCapacity ≥ 1 (2 across two AZs is the default), or leave minCapacity out.`,
      );
    }
    return;
  }
  if (signal !== 'connection-gauge') return;
  const byPath = new Map<string, string[]>();
  zero.forEach((isZero, i) => {
    const cell: CellConfig | undefined = cells[i];
    if (!isZero || (typeof cell?.weight === 'number' && cell.weight === 0)) return;
    const path = sizes[i]?.minPath ?? `cells[${i}].scaling.minCapacity`;
    byPath.set(path, [...(byPath.get(path) ?? []), cellLabelOf(cells, i)]);
  });
  for (const [path, labels] of byPath) {
    v.warn(
      'cell-at-zero-gauge',
      path,
      `${path} is 0 for ${labels.join(', ')}, which Route 53 still sends clients to (weight above 0): once such a cell scales in to zero, ${why}, and scaling.signal 'connection-gauge' tracks a metric only running servers publish, so the cell never scales out again and its share of clients goes to the other cells. Fix: set minCapacity ≥ 1 for it, or give it weight 0 while it is parked.`,
    );
  }
}

/** A drain window of 0 closes every socket of a leaving instance at once: all its clients reconnect together. */
function validateDrainZero(v: IssueCollector, config: TierConfig): void {
  const c = config.connection ?? {};
  const drain = usableInt(v, c.drainWindowSeconds, { min: 0, max: 7170 }, DEFAULTS.connection.drainWindowSeconds);
  const grace = usableInt(v, c.drainGraceSeconds, LIMITS.drainGraceSeconds, DEFAULTS.connection.drainGraceSeconds);
  if (drain !== 0 || grace === undefined) return;
  const how =
    grace === 0
      ? 'and connection.drainGraceSeconds is 0 too, so ALB cells deregister with a delay of 0 s and cut every socket of a leaving instance at once, before the server has sent its close frames'
      : 'so a leaving instance closes every socket in the same moment';
  v.warn(
    'drain-window-zero',
    'connection.drainWindowSeconds',
    `connection.drainWindowSeconds is 0 ${how}: every client of that instance reconnects in the same second, a storm on the remaining instances at every deploy, scale-in and instance refresh. Fix: give a drain window of several minutes (the default is ${DEFAULTS.connection.drainWindowSeconds} s, with ${DEFAULTS.connection.drainGraceSeconds} s of grace).`,
  );
}

/**
 * socket.io clients start on HTTP long-polling by default and upgrade later: those requests must
 * reach one instance, so a socket.io tier must say whether its clients poll.
 */
function validateSocketIoPolling(v: IssueCollector, config: TierConfig): void {
  const framework: unknown = config.capacity?.framework;
  const c = config.connection ?? {};
  if (!v.known(framework) || framework !== 'socket.io' || c.longPollingFallback !== undefined) return;
  if (c.stickiness?.enabled === true) return;
  v.warn(
    'socket-io-long-polling-unspecified',
    'connection.longPollingFallback',
    `connection.longPollingFallback is not set while capacity.framework is 'socket.io', so stickiness stays off; socket.io clients start on HTTP long-polling by default, and without stickiness their pre-upgrade requests land on other instances and fail with HTTP 400 "Session ID unknown" (https://socket.io/docs/v4/using-multiple-nodes). Fix: set longPollingFallback: true (stickiness follows), or longPollingFallback: false when every client connects with transports: ['websocket'].`,
  );
}
