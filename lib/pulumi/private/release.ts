/**
 * Releases on Pulumi (lib/core/release.ts has the model and every number): the cell's Auto Scaling
 * group carries an `instanceRefresh` written from `cell.release.instanceRefresh`, field for field.
 *
 * What the AWS provider does with it (facts from the provider's own docs of
 * `aws.autoscaling.Group` `instanceRefresh`,
 * https://www.pulumi.com/registry/packages/aws/api-docs/autoscaling/group/#instance-refresh):
 * - a refresh starts when `launchTemplate` (or `launchConfiguration`, `mixedInstancesPolicy`)
 *   changes; the group names `launchTemplate.version` as the template's `latestVersion` (never
 *   `$Latest`, which starts no refresh), so every new template version (new server artifact key,
 *   AMI, user data, instance type) starts one;
 * - one refresh at a time per group; updating the group cancels a refresh still running;
 * - the provider does NOT wait for the refresh to finish ("This resource does not wait for the
 *   instance refresh to complete"): `pulumi up` returns while instances are still being replaced.
 *   ./release-gate.ts waits for it, so cells go one at a time.
 *
 * What the refresh does (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html,
 * preferences: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html):
 * - `MinHealthyPercentage` 100 with `MaxHealthyPercentage` above 100 launches the replacements
 *   first (launch before terminate), as many at a time as the headroom above 100 % allows (the
 *   batch); the old instances then terminate through the group's termination lifecycle hook, so
 *   the server drains under it exactly as on scale-in;
 * - a new instance counts as replaced once it is healthy (the group's ELB health check: the target
 *   group's health endpoint, the readiness the CloudFormation side signals with cfn-signal) and
 *   `InstanceWarmup` seconds have passed; the warm-up is the drain (window + grace), so the next
 *   batch's old instances start draining only after the previous batch's have gone;
 * - `CheckpointPercentages` / `CheckpointDelay` pause the refresh; `AutoRollback` returns the group
 *   to the previous launch-template version when the refresh fails; `SkipMatching` leaves
 *   instances that already run the desired version alone.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { CELL_IDS } from '../../core/ids';
import type { ResolvedInstanceRefresh, ResolvedRelease } from '../../core/release';
import { type ReleaseGate, renderReleaseGate } from './release-gate';
import { child, type Scope } from './util';

/** The group's `instanceRefresh` argument, from the resolved release (API units: seconds as strings). */
export function instanceRefreshArgs(r: ResolvedInstanceRefresh): aws.types.input.autoscaling.GroupInstanceRefresh {
  return {
    strategy: r.strategy,
    preferences: {
      minHealthyPercentage: r.minHealthyPercentage,
      maxHealthyPercentage: r.maxHealthyPercentage,
      instanceWarmup: String(r.instanceWarmupSeconds),
      ...(r.checkpointPercentages !== undefined
        ? { checkpointPercentages: [...r.checkpointPercentages], checkpointDelay: String(r.checkpointDelaySeconds ?? 0) }
        : {}),
      autoRollback: r.autoRollback,
      skipMatching: r.skipMatching,
    },
  };
}

/** A cell's group and the gate that waits for its refresh. */
export interface ReleasedGroup {
  /** The Auto Scaling group, with the cell's `instanceRefresh`. */
  readonly autoScalingGroup: aws.autoscaling.Group;
  /** Waits for the group's instance refresh; the next cell's group depends on it (./release-gate.ts). */
  readonly releaseGate: ReleaseGate;
}

/**
 * The cell's Auto Scaling group (`args` as the fleet renders them, plus the instance refresh), after
 * the previous cell's gate (`releaseAfter`, config order), and this cell's gate after it.
 */
export function renderReleasedGroup(
  scope: Scope,
  release: ResolvedRelease,
  releaseAfter: pulumi.Resource | undefined,
  args: Omit<aws.autoscaling.GroupArgs, 'instanceRefresh'>,
): ReleasedGroup {
  const [name, opts] = child(scope, CELL_IDS.autoScalingGroup);
  const autoScalingGroup = new aws.autoscaling.Group(
    name,
    { ...args, instanceRefresh: instanceRefreshArgs(release.instanceRefresh) },
    { ...opts, ...(releaseAfter ? { dependsOn: [releaseAfter] } : {}) },
  );
  const releaseGate = renderReleaseGate(
    scope,
    release,
    { name: autoScalingGroup.name, resource: autoScalingGroup },
    autoScalingGroup.launchTemplate.apply((lt) => lt?.version ?? ''),
    aws.getRegionOutput({}, { parent: scope.parent }).region,
  );
  return { autoScalingGroup, releaseGate };
}
