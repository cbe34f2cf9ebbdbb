/**
 * Releases on CloudFormation (lib/core/release.ts has the model and every number):
 * - the group's `UpdatePolicy.AutoScalingRollingUpdate`: batches of `MaxBatchSize`, at least
 *   `MinInstancesInService` in service (new instances launch before old ones terminate),
 *   `WaitOnResourceSignals` with `PauseTime` as the signal timeout, the Auto Scaling processes that
 *   would fight the update suspended;
 * - a `CreationPolicy` so the first deploy also waits for healthy instances;
 * - user data that signals `cfn-signal -e <status>` on exit, 0 only after the server's health
 *   endpoint answered 200 on the instance, so a broken release stops and rolls back;
 * - the old instances of a batch terminate through the cell's termination lifecycle hook, as on
 *   scale-in: the server drains under it (paced over the drain window) before the instance goes;
 * - cells one at a time: each cell's group `DependsOn` the previous cell's group (config order), so
 *   CloudFormation updates cell i+1 only after cell i's rolling update succeeded, and a failed cell
 *   rolls the stack back before the cells after it are touched.
 * Sources: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-creationpolicy.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-signal.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
 */
import { Stack } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { releaseSignalLines } from '../../core/release';
import type { ResolvedCell } from '../../core/resolved';

/** The L1 group under an L2 one. */
function cfnGroup(group: autoscaling.AutoScalingGroup): autoscaling.CfnAutoScalingGroup {
  return group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
}

/**
 * Write the cell's user data (the host script between the signal trap and the readiness wait) and
 * the group's update and creation policies.
 * @param hostLines - core's `userDataLines` for the cell
 */
export function renderRelease(
  cell: ResolvedCell,
  group: autoscaling.AutoScalingGroup,
  userData: ec2.UserData,
  hostLines: readonly string[],
): void {
  const r = cell.release;
  const cfn = cfnGroup(group);
  const stack = Stack.of(group);
  const { trapLines, waitLines } = releaseSignalLines(r.signal, {
    stackName: stack.stackName,
    logicalId: cfn.logicalId,
    region: stack.region,
  });
  userData.addCommands(...trapLines, ...hostLines, ...waitLines);
  const u = r.rollingUpdate;
  cfn.cfnOptions.updatePolicy = {
    ...cfn.cfnOptions.updatePolicy,
    autoScalingRollingUpdate: {
      maxBatchSize: u.maxBatchSize,
      minInstancesInService: u.minInstancesInService,
      minSuccessfulInstancesPercent: u.minSuccessfulInstancesPercent,
      pauseTime: u.pauseTime,
      waitOnResourceSignals: u.waitOnResourceSignals,
      suspendProcesses: [...u.suspendProcesses],
    },
  };
  if (r.capacity > 0) {
    cfn.cfnOptions.creationPolicy = {
      ...cfn.cfnOptions.creationPolicy,
      autoScalingCreationPolicy: { minSuccessfulInstancesPercent: r.signal.minSuccessfulInstancesPercent },
      resourceSignal: { count: r.capacity, timeout: u.pauseTime },
    };
  }
}

/**
 * Cells one at a time: each group `DependsOn` the group of the cell before it (`release.after`),
 * so CloudFormation updates (and rolls) them in config order.
 * @param groups - the cells' groups, in config order
 */
export function chainCellReleases(cells: readonly ResolvedCell[], groups: readonly (autoscaling.AutoScalingGroup | undefined)[]): void {
  const byName = new Map(cells.map((c, i) => [c.name, groups[i]]));
  cells.forEach((cell, i) => {
    const previous = cell.release.after !== undefined ? byName.get(cell.release.after) : undefined;
    const group = groups[i]; // undefined on ECS cells: their service deployment is not chained yet
    if (previous && group) cfnGroup(group).addDependency(cfnGroup(previous));
  });
}
