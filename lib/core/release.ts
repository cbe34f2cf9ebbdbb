/**
 * Releases: how a change that replaces instances (a new launch-template version: new server
 * artifact, AMI, user data, instance type) rolls through a tier without a reconnect storm.
 *
 * The model, per cell, in the cells' config order (cell i+1 starts after cell i has finished):
 * - the cell's instances are replaced in batches of `batchSize`;
 * - for each batch, new instances launch first (capacity never drops below `minInstancesInService`,
 *   by default the cell's planned capacity), each signals ready only after the server's health
 *   endpoint answers 200 on the instance itself, and only then are old instances terminated, each
 *   through the termination lifecycle hook (the paced drain of `connection.drainWindowSeconds` +
 *   `drainGraceSeconds`), exactly as on scale-in;
 * - a batch therefore takes `readinessSeconds + drainSeconds` (`batchSeconds`), a cell
 *   `batches × batchSeconds`, the tier the sum over its cells;
 * - a batch whose instances do not signal success within `signal.timeoutSeconds` fails the
 *   release: CloudFormation rolls the group (and the stack) back, and the cells after it are not
 *   touched; Pulumi's instance refresh rolls back (`autoRollback`).
 *
 * Renderers write {@link ResolvedRelease} as-is: CloudFormation an `AutoScalingRollingUpdate`
 * update policy (`rollingUpdate`) plus `cfn-signal` lines in user data (`releaseSignalLines`),
 * Pulumi the group's `instanceRefresh` (`instanceRefresh`).
 *
 * Sources:
 * - UpdatePolicy / AutoScalingRollingUpdate (MaxBatchSize, MinInstancesInService (must be below
 *   MaxSize), MinSuccessfulInstancesPercent, PauseTime ≤ PT1H, SuspendProcesses, WaitOnResourceSignals):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 * - processes to suspend during a rolling update (HealthCheck, ReplaceUnhealthy, AZRebalance,
 *   AlarmNotification, ScheduledActions; never Launch, Terminate, AddToLoadBalancer):
 *   https://repost.aws/knowledge-center/auto-scaling-group-rolling-updates
 * - CreationPolicy: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-creationpolicy.html
 * - cfn-signal: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-signal.html and
 *   the helper scripts (aws-cfn-bootstrap, /opt/aws/bin):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-helper-scripts-reference.html
 * - instance refresh preferences (MinHealthyPercentage, MaxHealthyPercentage 100–200,
 *   CheckpointPercentages, CheckpointDelay, AutoRollback, SkipMatching, InstanceWarmup):
 *   https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html
 */
import { DEFAULTS } from './defaults';
import { type Issue, IssueCollector, isPlainObject, type IsUnresolved, neverUnresolved } from './issues';
import { RELEASE_LIMITS } from './limits';

/** A batch size as a share of the cell's capacity, e.g. `'25%'` (1–100, rounded up to whole instances). */
export type ReleasePercent = `${number}%`;

/** How a release rolls through the tier. Every field is optional; leave `release` out for the defaults. */
export interface ReleaseConfig {
  /**
   * Instances replaced at a time in each cell: a whole number ≥ 1, or a share of the cell's capacity
   * (`desiredCapacity`, else `minCapacity`) as `'N%'` (1–100), rounded up, at least 1. Larger batches
   * finish sooner but move more clients at once (each batch's clients reconnect over the drain window).
   * Above the cell's capacity is an error; equal to it (the whole cell at once) a warning.
   * @default '25%'
   */
  readonly batchSize?: number | ReleasePercent;
  /**
   * Instances that stay in service while a batch is replaced (CloudFormation `MinInstancesInService`;
   * Pulumi `minHealthyPercentage` = this ÷ capacity). Below the cell's capacity is a warning
   * (`release-capacity-below-plan`: the cell serves with fewer instances than planned during the
   * release). Must leave room for a batch under `maxCapacity` (`release-no-headroom`).
   * @default - the cell's capacity (`desiredCapacity`, else `minCapacity`): launch before terminate;
   *   when `maxCapacity` leaves no room for a batch above it, `maxCapacity − batchSize` with a warning
   *   (`release-capacity-below-plan`: that cell terminates a batch before its replacements are up)
   */
  readonly minInstancesInService?: number;
  /**
   * Seconds a new batch has to signal ready (its server's health endpoint answered 200), 60–3600
   * (CloudFormation `PauseTime` with `WaitOnResourceSignals`, at most PT1H). On timeout the release
   * fails and rolls back. Below `readinessSeconds` is a warning (healthy instances would time out).
   * @default - `batchSeconds` = readiness + drain, at most 3600 (PauseTime's maximum; the wait itself
   *   needs only the readiness, so a longer drain does not need a longer timeout)
   */
  readonly signalTimeoutSeconds?: number;
  /**
   * Percentage of a batch's new instances that must signal success, 0–100
   * (`MinSuccessfulInstancesPercent`). Below 100 lets a release continue past broken instances.
   * @default 100
   */
  readonly minSuccessfulInstancesPercent?: number;
  /**
   * Pulumi instance refresh: percentages of replaced instances at which the refresh pauses for
   * `checkpointDelaySeconds`, ascending, each 1–100 (the last should be 100). CloudFormation
   * rolling updates have no checkpoints (the cells' chain is their checkpoint).
   * @default - no checkpoints
   */
  readonly checkpointPercentages?: readonly number[];
  /**
   * Pulumi instance refresh: seconds to wait at each checkpoint, 0–172800.
   * @default - `drainSeconds` (the drain window + grace) when checkpoints are given
   */
  readonly checkpointDelaySeconds?: number;
  /**
   * Pulumi instance refresh: roll back to the previous launch-template version when the refresh fails.
   * (CloudFormation always rolls back a failed update.)
   * @default true
   */
  readonly autoRollback?: boolean;
  /**
   * Pulumi instance refresh: skip instances that already run the desired launch-template version
   * (a refresh restarted after a failure does not replace them again).
   * @default true
   */
  readonly skipMatching?: boolean;
}

/** Defaults of `ReleaseConfig` (documented on each field). */
export const RELEASE_DEFAULTS = {
  batchSize: '25%',
  minSuccessfulInstancesPercent: 100,
  autoRollback: true,
  skipMatching: true,
  /** Seconds between the instance's own probes of its health endpoint while it waits to signal. */
  probeIntervalSeconds: 5,
} as const;

/**
 * Auto Scaling processes suspended while CloudFormation replaces a group's instances, so no scaling
 * action, health replacement or AZ rebalance changes the group under the update (Launch, Terminate
 * and AddToLoadBalancer stay on: the update needs them).
 * Source: https://repost.aws/knowledge-center/auto-scaling-group-rolling-updates
 */
export const RELEASE_SUSPENDED_PROCESSES = [
  'HealthCheck',
  'ReplaceUnhealthy',
  'AZRebalance',
  'AlarmNotification',
  'ScheduledActions',
] as const;

/** How a new instance tells CloudFormation it is ready (CDK user data; read by `releaseSignalLines`). */
export interface ResolvedReleaseSignal {
  /** Signals CloudFormation waits for per batch: one per new instance (= `batchSize`). */
  readonly count: number;
  /** Seconds a batch has to signal (`PauseTime`); the instance's own wait gives up after this too and signals failure. */
  readonly timeoutSeconds: number;
  /** `MinSuccessfulInstancesPercent`, 0–100. */
  readonly minSuccessfulInstancesPercent: number;
  /** Port of the server's health endpoint probed on 127.0.0.1 (the target group's health-check port). */
  readonly healthPort: number;
  /** Path of the health endpoint (the target group's health-check path); ready means HTTP 200. */
  readonly healthPath: string;
  /** Send a PROXY protocol v2 LOCAL header first (NLB cells with `server.proxyProtocol`: the server requires one). */
  readonly proxyProtocolV2: boolean;
  /** Seconds between probes. */
  readonly probeIntervalSeconds: number;
}

/** The CloudFormation `UpdatePolicy.AutoScalingRollingUpdate` of a cell's group, field for field. */
export interface ResolvedRollingUpdate {
  readonly maxBatchSize: number;
  readonly minInstancesInService: number;
  readonly minSuccessfulInstancesPercent: number;
  /** ISO 8601 duration (`PT11M`), the signal timeout because `waitOnResourceSignals` is on. */
  readonly pauseTime: string;
  readonly waitOnResourceSignals: true;
  readonly suspendProcesses: readonly string[];
}

/** The Pulumi `aws.autoscaling.Group` `instanceRefresh` of a cell's group (preferences in API units). */
export interface ResolvedInstanceRefresh {
  readonly strategy: 'Rolling';
  /** `minInstancesInService ÷ capacity`, as a percentage rounded up (100 by default: launch before terminate). */
  readonly minHealthyPercentage: number;
  /** 100 + `batchSize ÷ capacity` as a percentage rounded up, at most 200: room for one batch of new instances. */
  readonly maxHealthyPercentage: number;
  readonly checkpointPercentages?: readonly number[];
  readonly checkpointDelaySeconds?: number;
  readonly autoRollback: boolean;
  readonly skipMatching: boolean;
  /**
   * Seconds after a new instance is healthy before the refresh counts it and moves on: the drain
   * (window + grace), so the next batch's old instances start draining only after the previous
   * batch's have finished (one batch of clients moving at a time).
   */
  readonly instanceWarmupSeconds: number;
}

/**
 * A cell's release, resolved: every number a renderer writes and the release plan reads.
 * Times are seconds; counts are instances. "Capacity" is the cell's planned instance count
 * (`desiredCapacity`, else `minCapacity`), which the plan sizes when the tier has `capacity`.
 */
export interface ResolvedRelease {
  /** Position in the tier's release order, 0 first: the cells' order in the config (stable). */
  readonly order: number;
  /** The cell released just before this one (its group must finish first), or undefined for the first cell. */
  readonly after?: string;
  /** The instance count the batches are computed from (desired, else min capacity). */
  readonly capacity: number;
  /** Instances replaced at a time, 1 ≤ batchSize ≤ max(capacity, 1). */
  readonly batchSize: number;
  /** Instances kept in service during the release (launch before terminate when it equals `capacity`). */
  readonly minInstancesInService: number;
  /** Batches to replace `capacity` instances: ⌈capacity ÷ batchSize⌉ (0 for an empty cell). */
  readonly batches: number;
  /** Boot + health of a new instance: the group's health-check grace period + interval × healthy threshold. */
  readonly readinessSeconds: number;
  /** A replaced instance's drain: `drainWindowSeconds + drainGraceSeconds` (under the termination hook). */
  readonly drainSeconds: number;
  /** The time one batch needs: `readinessSeconds + drainSeconds`. */
  readonly batchSeconds: number;
  /** Expected duration of the cell's release: `batches × batchSeconds`. */
  readonly cellSeconds: number;
  /** The readiness signal (CloudFormation). */
  readonly signal: ResolvedReleaseSignal;
  /** What CDK writes as the group's `UpdatePolicy.AutoScalingRollingUpdate`. */
  readonly rollingUpdate: ResolvedRollingUpdate;
  /** What Pulumi writes as the group's `instanceRefresh`. */
  readonly instanceRefresh: ResolvedInstanceRefresh;
}

/** The resolved numbers of one cell a release is derived from (resolve.ts passes them). */
export interface ReleaseCellInputs {
  readonly order: number;
  readonly after?: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly healthCheck: {
    readonly intervalSeconds: number;
    readonly healthyThresholdCount: number;
    readonly port: number;
    readonly path: string;
  };
  readonly drainWindowSeconds: number;
  readonly drainGraceSeconds: number;
  readonly proxyProtocolV2: boolean;
}

/** `'PT11M'`-style ISO 8601 duration of whole seconds. */
export function isoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}${s > 0 ? `${s}S` : ''}`;
  return `PT${text === '' ? '0S' : text}`;
}

/** Whole instances in a batch: a count as given, a percentage of `capacity` rounded up, at least 1. */
export function batchInstances(batchSize: number | ReleasePercent, capacity: number): number {
  if (typeof batchSize === 'number') return batchSize;
  return Math.max(1, Math.ceil((Number(batchSize.slice(0, -1)) * capacity) / 100));
}

/** Derive a cell's release from its (validated) settings. Pure. */
export function resolveRelease(release: ReleaseConfig | undefined, cell: ReleaseCellInputs): ResolvedRelease {
  const r = release ?? {};
  const capacity = cell.desiredCapacity ?? cell.minCapacity;
  const batchSize = batchInstances(r.batchSize ?? RELEASE_DEFAULTS.batchSize, capacity);
  // Launch before terminate needs room for a batch under maxCapacity; without it, keep what fits.
  const minInService = r.minInstancesInService ?? Math.max(0, Math.min(capacity, cell.maxCapacity - batchSize));
  const readiness = cell.healthCheckGracePeriodSeconds + cell.healthCheck.intervalSeconds * cell.healthCheck.healthyThresholdCount;
  const drain = cell.drainWindowSeconds + cell.drainGraceSeconds;
  const batchSeconds = readiness + drain;
  const batches = capacity === 0 ? 0 : Math.ceil(capacity / batchSize);
  const timeout = r.signalTimeoutSeconds ?? Math.min(batchSeconds, RELEASE_LIMITS.signalTimeoutSeconds.max);
  const minOk = r.minSuccessfulInstancesPercent ?? RELEASE_DEFAULTS.minSuccessfulInstancesPercent;
  const base = Math.max(capacity, 1);
  const checkpoints =
    r.checkpointPercentages !== undefined && r.checkpointPercentages.length > 0 ? [...r.checkpointPercentages] : undefined;
  return {
    order: cell.order,
    ...(cell.after !== undefined ? { after: cell.after } : {}),
    capacity,
    batchSize,
    minInstancesInService: minInService,
    batches,
    readinessSeconds: readiness,
    drainSeconds: drain,
    batchSeconds,
    cellSeconds: batches * batchSeconds,
    signal: {
      count: batchSize,
      timeoutSeconds: timeout,
      minSuccessfulInstancesPercent: minOk,
      healthPort: cell.healthCheck.port,
      healthPath: cell.healthCheck.path,
      proxyProtocolV2: cell.proxyProtocolV2,
      probeIntervalSeconds: RELEASE_DEFAULTS.probeIntervalSeconds,
    },
    rollingUpdate: {
      maxBatchSize: batchSize,
      minInstancesInService: minInService,
      minSuccessfulInstancesPercent: minOk,
      pauseTime: isoDuration(timeout),
      waitOnResourceSignals: true,
      suspendProcesses: RELEASE_SUSPENDED_PROCESSES,
    },
    instanceRefresh: {
      strategy: 'Rolling',
      minHealthyPercentage: Math.min(100, Math.ceil((minInService * 100) / base)),
      maxHealthyPercentage: Math.min(200, 100 + Math.ceil((batchSize * 100) / base)),
      ...(checkpoints ? { checkpointPercentages: checkpoints, checkpointDelaySeconds: r.checkpointDelaySeconds ?? drain } : {}),
      autoRollback: r.autoRollback ?? RELEASE_DEFAULTS.autoRollback,
      skipMatching: r.skipMatching ?? RELEASE_DEFAULTS.skipMatching,
      instanceWarmupSeconds: drain,
    },
  };
}

/** The PROXY protocol v2 LOCAL header (signature, 0x20, family 0, length 0). Source: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt §2.2 */
const PROXY_V2_LOCAL = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x20, 0x00, 0x00, 0x00];

/** Where the CloudFormation signal goes (late-bound text: CDK tokens for the stack name and region). */
export interface ReleaseSignalTarget {
  readonly stackName: string;
  /** Logical id of the cell's `AWS::AutoScaling::AutoScalingGroup`. */
  readonly logicalId: string;
  readonly region: string;
}

/**
 * User-data lines that make a new instance signal CloudFormation (bash; `trapLines` go first,
 * before `set -euo pipefail`, `waitLines` last):
 * - an EXIT trap sends `cfn-signal -e <exit status>`: success only when the script reaches its end,
 *   failure as soon as any line fails (under `set -e`) or the health wait gives up;
 * - `aws-cfn-bootstrap` (which ships `/opt/aws/bin/cfn-signal`) is installed when the image lacks it;
 * - the last lines probe the server's health endpoint on 127.0.0.1 every `probeIntervalSeconds` and
 *   exit 0 on the first HTTP 200, exit 1 after `timeoutSeconds` (so a broken release signals failure).
 * A signal CloudFormation is not waiting for (a scale-out instance) is refused and ignored.
 * Sources: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-signal.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-helper-scripts-reference.html
 */
export function releaseSignalLines(
  signal: ResolvedReleaseSignal,
  target: ReleaseSignalTarget,
): { trapLines: string[]; waitLines: string[] } {
  const cfnSignal = '/opt/aws/bin/cfn-signal';
  // PROXY protocol v2, LOCAL command, no addresses (16 bytes), as the NLB's own health checks send it.
  const header = signal.proxyProtocolV2 ? PROXY_V2_LOCAL.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('') : '';
  const path = signal.healthPath.replace(/%/g, '%%').replace(/'/g, "'\\''");
  return {
    trapLines: [
      '# Release: tell CloudFormation whether this instance came up (cfn-signal on exit: 0 only after the health endpoint answered 200)',
      `wst_signal() { local rc=$?; ${cfnSignal} -e "$rc" --stack '${target.stackName}' --resource '${target.logicalId}' --region '${target.region}' || true; }`,
      'trap wst_signal EXIT',
      `[ -x ${cfnSignal} ] || dnf install -y aws-cfn-bootstrap`,
    ],
    waitLines: [
      `# Release: wait up to ${signal.timeoutSeconds} s for ${signal.healthPath} on port ${signal.healthPort} to answer 200, then exit (the EXIT trap signals)`,
      'wst_healthy() {',
      `  exec 3<>/dev/tcp/127.0.0.1/${signal.healthPort} || return 1`,
      `  printf '${header}GET ${path} HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3`,
      '  local status=""; read -r -t 5 status <&3 || true; exec 3<&- 3>&-',
      '  case "$status" in "HTTP/1."?" 200"*) return 0 ;; *) return 1 ;; esac',
      '}',
      `WST_DEADLINE=$(( $(date +%s) + ${signal.timeoutSeconds} ))`,
      `until wst_healthy; do [ "$(date +%s)" -lt "$WST_DEADLINE" ] || exit 1; sleep ${signal.probeIntervalSeconds}; done`,
    ],
  };
}

/** The config fields a release reads (structural, so config.ts can import this file). */
interface WithRelease {
  readonly release?: ReleaseConfig;
  readonly cells?: readonly {
    readonly name?: string;
    readonly scaling?: { readonly minCapacity?: number; readonly maxCapacity?: number; readonly desiredCapacity?: number };
  }[];
  readonly scaling?: {
    readonly minCapacity?: number;
    readonly maxCapacity?: number;
    readonly desiredCapacity?: number;
    readonly healthCheckGracePeriodSeconds?: number;
  };
  readonly healthCheck?: { readonly intervalSeconds?: number; readonly healthyThresholdCount?: number };
  readonly connection?: { readonly drainWindowSeconds?: number; readonly drainGraceSeconds?: number };
}

const KNOWN_FIELDS: readonly (keyof ReleaseConfig)[] = [
  'batchSize',
  'minInstancesInService',
  'signalTimeoutSeconds',
  'minSuccessfulInstancesPercent',
  'checkpointPercentages',
  'checkpointDelaySeconds',
  'autoRollback',
  'skipMatching',
];
const PERCENT = /^(\d{1,3})%$/;
const P = 'release';

/** A concrete non-negative integer, else undefined (the tier validator reports bad values). */
function whole(v: IssueCollector, x: unknown): number | undefined {
  return v.known(x) && typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : undefined;
}

/** A cell's sizes as resolve computes them (the capacity plan included); may throw for a cell that cannot be sized. */
export type CellSizes = (index: number) => { readonly minCapacity: unknown; readonly maxCapacity: unknown };

/**
 * Check `release`: each field's type and range, then per cell the cross-checks against its sizes
 * (batch within capacity, room under `maxCapacity` for a batch, capacity kept, a pause CloudFormation
 * accepts). Late-bound values are skipped.
 * @param sizes - each cell's min and max capacity (validate.ts passes the capacity planner's `sizeCell`)
 * @returns every issue, each naming the field, the value, what is allowed and the fix
 */
export function validateRelease(config: WithRelease, sizes: CellSizes, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const raw: unknown = config.release ?? {};
  if (!v.known(raw)) return v.issues;
  if (!isPlainObject(raw)) {
    v.error(
      'not-an-object',
      P,
      `${P} is ${JSON.stringify(raw)}; it must be an object of settings. Fix: use {} for the defaults or { batchSize, minInstancesInService, … }.`,
    );
    return v.issues;
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(key)) {
      v.error(
        'release-unknown-field',
        `${P}.${key}`,
        `${P}.${key} is not a release setting; allowed: ${KNOWN_FIELDS.join(', ')}. Fix: remove it or correct its spelling.`,
      );
    }
  }
  let batchOk = r.batchSize === undefined;
  if (v.known(r.batchSize)) {
    const b = r.batchSize;
    const pct = typeof b === 'string' ? PERCENT.exec(b) : null;
    if (typeof b === 'number') batchOk = v.int(`${P}.batchSize`, b, RELEASE_LIMITS.batchSize, 'instances');
    else if (pct && Number(pct[1]) >= 1 && Number(pct[1]) <= 100) batchOk = true;
    else {
      v.error(
        'release-batch-size-invalid',
        `${P}.batchSize`,
        `${P}.batchSize is ${JSON.stringify(b)}; allowed a whole number of instances ≥ 1 or a percentage of the cell's capacity from '1%' to '100%'. Fix: e.g. 1 or '25%'.`,
      );
    }
  }
  const minOk = v.int(`${P}.minInstancesInService`, r.minInstancesInService, RELEASE_LIMITS.minInstancesInService, 'instances');
  const timeoutOk = v.int(`${P}.signalTimeoutSeconds`, r.signalTimeoutSeconds, RELEASE_LIMITS.signalTimeoutSeconds, 's');
  v.int(`${P}.minSuccessfulInstancesPercent`, r.minSuccessfulInstancesPercent, RELEASE_LIMITS.minSuccessfulInstancesPercent, '%');
  v.int(`${P}.checkpointDelaySeconds`, r.checkpointDelaySeconds, RELEASE_LIMITS.checkpointDelaySeconds, 's');
  v.bool(`${P}.autoRollback`, r.autoRollback);
  v.bool(`${P}.skipMatching`, r.skipMatching);
  validateCheckpoints(v, r.checkpointPercentages);
  if (
    v.known(r.minSuccessfulInstancesPercent) &&
    typeof r.minSuccessfulInstancesPercent === 'number' &&
    r.minSuccessfulInstancesPercent < 100
  ) {
    v.warn(
      'release-partial-success',
      `${P}.minSuccessfulInstancesPercent`,
      `${P}.minSuccessfulInstancesPercent is ${r.minSuccessfulInstancesPercent}: a release continues while up to ${100 - r.minSuccessfulInstancesPercent}% of a batch's new instances never became healthy. Fix: leave it at 100 so a broken release stops and rolls back.`,
    );
  }
  if (!batchOk || (r.minInstancesInService !== undefined && !minOk) || (r.signalTimeoutSeconds !== undefined && !timeoutOk))
    return v.issues;
  crossCheckCells(v, config, r as ReleaseConfig, sizes);
  return v.issues;
}

function validateCheckpoints(v: IssueCollector, cp: unknown): void {
  if (!v.known(cp)) return;
  const field = `${P}.checkpointPercentages`;
  const ok =
    Array.isArray(cp) &&
    cp.every((x, i) => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 100 && (i === 0 || x > (cp[i - 1] as number)));
  if (!ok) {
    v.error(
      'release-checkpoints-invalid',
      field,
      `${field} is ${JSON.stringify(cp)}; allowed a list of whole percentages 1–100 in strictly ascending order (source: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html). Fix: e.g. [25, 50, 100].`,
    );
    return;
  }
  if (cp.length > 0 && cp[cp.length - 1] !== 100) {
    v.warn(
      'release-checkpoints-incomplete',
      field,
      `${field} ends at ${cp[cp.length - 1] as number}: the instance refresh stops there and leaves the rest of the cell on the old version. Fix: end the list with 100.`,
    );
  }
}

/** The per-cell rules, with each cell's sizes as resolve computes them (capacity plan included). */
function crossCheckCells(v: IssueCollector, config: WithRelease, r: ReleaseConfig, sizes: CellSizes): void {
  const sc = config.scaling ?? {};
  const grace =
    sc.healthCheckGracePeriodSeconds === undefined
      ? DEFAULTS.scaling.healthCheckGracePeriodSeconds
      : whole(v, sc.healthCheckGracePeriodSeconds);
  const hc = config.healthCheck ?? {};
  const interval = hc.intervalSeconds === undefined ? DEFAULTS.healthCheck.intervalSeconds : whole(v, hc.intervalSeconds);
  const threshold =
    hc.healthyThresholdCount === undefined ? DEFAULTS.healthCheck.healthyThresholdCount : whole(v, hc.healthyThresholdCount);
  const c = config.connection ?? {};
  const window = c.drainWindowSeconds === undefined ? DEFAULTS.connection.drainWindowSeconds : whole(v, c.drainWindowSeconds);
  const drainGrace = c.drainGraceSeconds === undefined ? DEFAULTS.connection.drainGraceSeconds : whole(v, c.drainGraceSeconds);
  const timed =
    grace !== undefined && interval !== undefined && threshold !== undefined && window !== undefined && drainGrace !== undefined;
  const cells = Array.isArray(config.cells) ? config.cells : [];
  let pauseReported = false;
  cells.forEach((cell, i) => {
    if (!isPlainObject(cell)) return;
    const cs: { readonly desiredCapacity?: number } = isPlainObject(cell.scaling) ? cell.scaling : {};
    let sized: { readonly minCapacity: unknown; readonly maxCapacity: unknown };
    try {
      sized = sizes(i);
    } catch {
      return; // the capacity rules report why this cell cannot be sized
    }
    const min = whole(v, sized.minCapacity);
    const max = whole(v, sized.maxCapacity);
    const desiredRaw = cs.desiredCapacity ?? sc.desiredCapacity;
    const desired = desiredRaw === undefined ? undefined : whole(v, desiredRaw);
    if (min === undefined || max === undefined || (desiredRaw !== undefined && desired === undefined)) return;
    // Sizes the scaling rules refuse (min above max, desired outside them) are reported there.
    if (min > max || (desired !== undefined && (desired < min || desired > max))) return;
    const release = resolveRelease(r, {
      order: i,
      minCapacity: min,
      maxCapacity: max,
      desiredCapacity: desired,
      healthCheckGracePeriodSeconds: grace ?? 0,
      healthCheck: { intervalSeconds: interval ?? 0, healthyThresholdCount: threshold ?? 0, port: 0, path: '' },
      drainWindowSeconds: window ?? 0,
      drainGraceSeconds: drainGrace ?? 0,
      proxyProtocolV2: false,
    });
    cellRules(v, r, release, max, cellLabel(typeof cell.name === 'string' ? cell.name : undefined, i));
    if (
      timed &&
      r.signalTimeoutSeconds === undefined &&
      release.readinessSeconds > RELEASE_LIMITS.signalTimeoutSeconds.max &&
      !pauseReported
    ) {
      pauseReported = true;
      v.warn(
        'release-readiness-above-pause',
        `${P}.signalTimeoutSeconds`,
        `a new instance may take ${release.readinessSeconds} s to become healthy (scaling.healthCheckGracePeriodSeconds + healthCheck.intervalSeconds × healthyThresholdCount), but CloudFormation waits at most 3600 s for its signal (PauseTime PT1H; source: ${RELEASE_LIMITS.signalTimeoutSeconds.source}): a slow but healthy release times out and rolls back. Fix: lower scaling.healthCheckGracePeriodSeconds to what boot really takes.`,
      );
    }
    if (timed && r.signalTimeoutSeconds !== undefined && r.signalTimeoutSeconds < release.readinessSeconds && i === 0) {
      v.warn(
        'release-signal-timeout-below-readiness',
        `${P}.signalTimeoutSeconds`,
        `${P}.signalTimeoutSeconds is ${r.signalTimeoutSeconds} s but a new instance may take ${release.readinessSeconds} s to become healthy (scaling.healthCheckGracePeriodSeconds + healthCheck.intervalSeconds × healthyThresholdCount): healthy releases may time out and roll back. Fix: raise it to at least ${release.readinessSeconds}.`,
      );
    }
  });
}

function cellLabel(name: string | undefined, i: number): string {
  return typeof name === 'string' && name !== '' ? `cell "${name}"` : `cells[${i}]`;
}

function cellRules(v: IssueCollector, r: ReleaseConfig, release: ResolvedRelease, max: number, label: string): void {
  const { batchSize, capacity, minInstancesInService: keep } = release;
  if (capacity > 0 && batchSize > capacity) {
    v.error(
      'release-batch-exceeds-cell',
      `${P}.batchSize`,
      `${P}.batchSize is ${batchSize} instances but ${label} plans ${capacity}; allowed 1–${capacity}. Fix: lower ${P}.batchSize (e.g. '25%').`,
    );
    return;
  }
  if (capacity > 1 && batchSize === capacity) {
    v.warn(
      'release-batch-whole-cell',
      `${P}.batchSize`,
      `${P}.batchSize replaces all ${capacity} instances of ${label} in one batch: every client of the cell reconnects within one drain window. Fix: use a smaller batch, e.g. '25%'.`,
    );
  }
  if (r.minInstancesInService === undefined && keep < capacity) {
    v.warn(
      'release-capacity-below-plan',
      `${P}.minInstancesInService`,
      `${label} plans ${capacity} instances and may grow to maxCapacity ${max}, which leaves no room to launch a batch of ${batchSize} before terminating one, so a release keeps only ${keep} in service and those clients crowd onto the rest. Fix: raise the cell's maxCapacity to at least ${capacity + batchSize}.`,
    );
    return;
  }
  if (keep >= max) {
    v.error(
      'release-min-in-service-not-below-max',
      `${P}.minInstancesInService`,
      `${P}.minInstancesInService is ${keep} but ${label} has maxCapacity ${max}; CloudFormation requires MinInstancesInService below MaxSize (source: ${RELEASE_LIMITS.minInstancesInService.source}). Fix: lower it below ${max}, or raise the cell's maxCapacity to at least ${keep + batchSize}.`,
    );
  } else if (keep + batchSize > max) {
    v.error(
      'release-no-headroom',
      `${P}.batchSize`,
      `${label} keeps ${keep} instances in service and launches batches of ${batchSize} before terminating, which needs ${keep + batchSize} instances, but its maxCapacity is ${max}. Fix: raise maxCapacity to at least ${keep + batchSize}, or lower ${P}.batchSize to ${Math.max(1, max - keep)}.`,
    );
  }
  if (r.minInstancesInService !== undefined && keep < capacity) {
    v.warn(
      'release-capacity-below-plan',
      `${P}.minInstancesInService`,
      `${P}.minInstancesInService is ${keep} but ${label} plans ${capacity} instances: during a release it serves with fewer instances than planned, and their clients crowd onto the rest. Fix: leave it out (the cell's capacity: launch before terminate).`,
    );
  }
}
