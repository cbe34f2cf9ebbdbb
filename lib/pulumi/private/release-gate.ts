/**
 * Cells one at a time on Pulumi. The AWS provider starts a cell's instance refresh and returns
 * without waiting for it ("This resource does not wait for the instance refresh to complete",
 * https://www.pulumi.com/registry/packages/aws/api-docs/autoscaling/group/#instance-refresh), so
 * a `dependsOn` on the previous cell's group alone would start every cell's refresh at once.
 *
 * The gate: one `pulumi.dynamic.Resource` per EC2 cell, after the cell's group. Its inputs carry
 * the group name and the launch-template version, so it updates exactly when the group's refresh
 * was triggered; its create/update polls `DescribeInstanceRefreshes`
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeInstanceRefreshes.html)
 * until the group's newest refresh is terminal
 * (statuses: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html):
 * - `Successful`: the gate succeeds and the next cell's group (which `dependsOn` this gate) is updated;
 * - `Failed`, `Cancelled`, `RollbackSuccessful`, `RollbackFailed`: the gate fails the update, so the
 *   cells after it are not touched (with `autoRollback` the failed cell is already back on its
 *   previous launch-template version); fix the release and run `pulumi up` again;
 * - `Pending`, `InProgress`, `Cancelling`, `RollbackInProgress`, `Baking`: keep polling, up to
 *   `timeoutSeconds` (then the gate fails; the refresh itself keeps running: look at it with
 *   `aws autoscaling describe-instance-refreshes --auto-scaling-group-name <group>`).
 * A refresh the gate already saw (its id is the gate's output `refreshId`) or one that started
 * before this deployment ({@link RECENT_WINDOW_SECONDS}) is not this release's: the gate passes.
 *
 * Where it runs: in the deploying process (`pulumi up`), never in `pulumi preview` and never under
 * mocks (tests register it like any resource; its code is serialized, not run). It calls AWS with
 * `@aws-sdk/client-auto-scaling` (a peer dependency of this package) in the cell's region, with the
 * default credential chain of that process (environment variables, `AWS_PROFILE`, SSO, instance
 * role), NOT the Pulumi `aws` provider's configuration: a stack that sets credentials only through
 * `aws:profile` / `aws:assumeRole` config must also export them (e.g. `AWS_PROFILE`) for `pulumi up`.
 * It needs `autoscaling:DescribeInstanceRefreshes`.
 */
import * as pulumi from '@pulumi/pulumi';
import { PULUMI_RELEASE_IDS } from '../../core/ids';
import type { ResolvedRelease } from '../../core/release';
import { child, type Scope } from './util';

/** Inputs of a gate (plain values once resolved). */
export interface ReleaseGateInputs {
  /** The cell's Auto Scaling group name. */
  readonly autoScalingGroupName: string;
  /** The launch-template version the group runs: a new one means a new refresh to wait for. */
  readonly launchTemplateVersion: string;
  /** Region of the group. */
  readonly groupRegion: string;
  /** Seconds to wait for a refresh before failing. */
  readonly timeoutSeconds: number;
  /** Seconds between polls. */
  readonly pollSeconds: number;
}

/** Outputs of a gate: the inputs plus the refresh it waited for. */
export interface ReleaseGateOutputs extends ReleaseGateInputs {
  /** Id of the newest refresh the gate saw settle ('' when the group had none). */
  readonly refreshId: string;
  /** Its final status ('' when none). */
  readonly refreshStatus: string;
}

/** The parts of an `InstanceRefresh` the gate reads. */
export interface RefreshView {
  readonly InstanceRefreshId?: string;
  readonly Status?: string;
  readonly StatusReason?: string;
  readonly StartTime?: Date;
}

/** A refresh that started more than this many seconds before the gate ran belongs to an earlier deployment. */
export const RECENT_WINDOW_SECONDS = 1800;
/** Seconds between polls. */
export const GATE_POLL_SECONDS = 15;

/** Statuses after which nothing changes: success, or a failure that stops the cells after this one. */
export const REFRESH_SUCCEEDED = ['Successful'] as const;
export const REFRESH_FAILED = ['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed'] as const;

/** What the gate does with the group's refreshes at one poll. Pure. */
export type GateVerdict =
  | { readonly kind: 'pass'; readonly refreshId: string; readonly status: string }
  | { readonly kind: 'wait'; readonly refreshId: string; readonly status: string }
  | { readonly kind: 'fail'; readonly refreshId: string; readonly status: string; readonly reason: string };

/**
 * Decide from the group's refreshes (any order) whether this release's refresh has settled.
 * @param seenId - the refresh id the gate recorded last time ('' or undefined: none)
 * @param startedAfter - refreshes that started before this are an earlier deployment's
 */
export function gateVerdict(refreshes: readonly RefreshView[], seenId: string | undefined, startedAfter: Date): GateVerdict {
  const newest = [...refreshes].sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0))[0];
  const id = newest?.InstanceRefreshId ?? '';
  const status = newest?.Status ?? '';
  if (!newest || id === seenId || (newest.StartTime !== undefined && newest.StartTime < startedAfter)) {
    return { kind: 'pass', refreshId: seenId ?? '', status: '' };
  }
  if ((REFRESH_SUCCEEDED as readonly string[]).includes(status)) return { kind: 'pass', refreshId: id, status };
  if ((REFRESH_FAILED as readonly string[]).includes(status)) {
    return { kind: 'fail', refreshId: id, status, reason: newest.StatusReason ?? '' };
  }
  return { kind: 'wait', refreshId: id, status };
}

/**
 * Seconds the gate waits: the cell's expected release (`cellSeconds` plus every checkpoint delay),
 * one more batch's signal timeout (a retried batch or a rollback), and 10 minutes for the refresh to
 * start and settle.
 */
export function gateTimeoutSeconds(r: ResolvedRelease): number {
  const checkpoints = (r.instanceRefresh.checkpointPercentages?.length ?? 0) * (r.instanceRefresh.checkpointDelaySeconds ?? 0);
  return r.cellSeconds + checkpoints + r.signal.timeoutSeconds + 600;
}

/** Poll until the group's refresh settles; throws (failing the update) on a failed refresh or the timeout. */
async function waitForRefresh(inputs: ReleaseGateInputs, seenId: string | undefined): Promise<ReleaseGateOutputs> {
  // Loaded here, at deployment time only: tests serialize this function but never run it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling');
  const client = new sdk.AutoScalingClient({ region: inputs.groupRegion });
  const started = Date.now();
  const startedAfter = new Date(started - RECENT_WINDOW_SECONDS * 1000);
  for (;;) {
    const out = await client.send(
      new sdk.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: inputs.autoScalingGroupName, MaxRecords: 10 }),
    );
    const verdict = gateVerdict(out.InstanceRefreshes ?? [], seenId, startedAfter);
    if (verdict.kind === 'pass') return { ...inputs, refreshId: verdict.refreshId, refreshStatus: verdict.status };
    if (verdict.kind === 'fail') {
      throw new Error(
        `websocket-tier release gate: instance refresh ${verdict.refreshId} of Auto Scaling group ${inputs.autoScalingGroupName} ended ${verdict.status}${verdict.reason ? ` (${verdict.reason})` : ''}; the cells after it were not released. Fix: correct the release (aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${inputs.autoScalingGroupName}; the scaling activities say why), then run pulumi up again.`,
      );
    }
    if (Date.now() - started > inputs.timeoutSeconds * 1000) {
      throw new Error(
        `websocket-tier release gate: instance refresh ${verdict.refreshId} of Auto Scaling group ${inputs.autoScalingGroupName} is still ${verdict.status} after ${inputs.timeoutSeconds} s; the cells after it were not released. Fix: watch it with aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${inputs.autoScalingGroupName}, then run pulumi up again once it has finished.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, inputs.pollSeconds * 1000));
  }
}

/** The inputs whose change means a new release of the cell (or a new way to wait for it): anything but the outputs. */
const GATE_INPUT_KEYS = ['autoScalingGroupName', 'launchTemplateVersion', 'groupRegion', 'timeoutSeconds', 'pollSeconds'] as const;

/** The gate's diff: an update (never a replacement) when any input changed; outputs are not compared. Pure. */
export function gateDiff(olds: ReleaseGateOutputs, news: ReleaseGateInputs): { changes: boolean; replaces: string[] } {
  return { changes: GATE_INPUT_KEYS.some((k) => olds[k] !== news[k]), replaces: [] };
}

/** The dynamic provider: create and update wait; delete and read do nothing (the gate owns no cloud resource). */
const gateProvider: pulumi.dynamic.ResourceProvider<ReleaseGateInputs, ReleaseGateOutputs> = {
  async diff(_id, olds, news) {
    return gateDiff(olds, news);
  },
  async create(inputs) {
    const outs = await waitForRefresh(inputs, undefined);
    return { id: `release-gate-${inputs.autoScalingGroupName}`, outs };
  },
  async update(_id, olds, news) {
    return { outs: await waitForRefresh(news, olds.refreshId) };
  },
  async delete() {
    // nothing to delete
  },
};

/** Pulumi inputs of a gate. */
export type ReleaseGateArgs = { readonly [K in keyof ReleaseGateInputs]: pulumi.Input<ReleaseGateInputs[K]> };

/** A cell's release gate (see the file comment). */
export class ReleaseGate extends pulumi.dynamic.Resource {
  /** Pulumi type of the gate (`pulumi-nodejs:dynamic/websocket-tier:ReleaseGate`; frozen). */
  static readonly MODULE = 'websocket-tier';
  /** Id of the newest refresh the gate saw settle. */
  declare readonly refreshId: pulumi.Output<string>;

  constructor(name: string, args: ReleaseGateArgs, opts?: pulumi.CustomResourceOptions) {
    super(gateProvider, name, { ...args, refreshId: undefined, refreshStatus: undefined }, opts, ReleaseGate.MODULE, 'ReleaseGate');
  }
}

/** The gate of one cell, after its group (`dependsOn`), named `<cell>-release-gate`. */
export function renderReleaseGate(
  scope: Scope,
  release: ResolvedRelease,
  group: { readonly name: pulumi.Input<string>; readonly resource: pulumi.Resource },
  launchTemplateVersion: pulumi.Input<string>,
  region: pulumi.Input<string>,
): ReleaseGate {
  const [name, opts] = child(scope, PULUMI_RELEASE_IDS.releaseGate);
  return new ReleaseGate(
    name,
    {
      autoScalingGroupName: group.name,
      launchTemplateVersion,
      groupRegion: region,
      timeoutSeconds: gateTimeoutSeconds(release),
      pollSeconds: GATE_POLL_SECONDS,
    },
    { ...opts, dependsOn: [group.resource] },
  );
}
