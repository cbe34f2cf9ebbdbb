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
 * - cells one at a time: each cell's group (ECS cells: its service) `DependsOn` the previous cell's
 *   (config order), so CloudFormation updates cell i+1 only after cell i's rolling update (or
 *   service deployment) succeeded, and a failed cell rolls the stack back before the cells after it
 *   are touched.
 * Sources: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-creationpolicy.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-signal.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
 */
import { type CfnResource, Stack } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { releaseSignalLines } from '../../core/release';
import type { ResolvedCell } from '../../core/resolved';
import type { EcsCellResources } from './ecs-service';

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

/** What a cell's release runs on: the EC2 cell's group or the ECS cell's service (a `WebSocketCell`'s fields). */
export interface CellReleaseTarget {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly ecs?: EcsCellResources;
}

/**
 * The CloudFormation resource whose update is the cell's release: the EC2 cell's
 * `AWS::AutoScaling::AutoScalingGroup` (its rolling update waits for the new instances' signals),
 * the ECS cell's `AWS::ECS::Service` (CloudFormation waits for the service deployment to reach a
 * steady state, or fail and roll back with the circuit breaker:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-resource-configuration-complete.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentcircuitbreaker.html).
 */
export function cellReleaseResource(cell: ResolvedCell, target: CellReleaseTarget): CfnResource {
  if (cell.backend !== undefined) {
    if (!target.ecs) throw new Error(`cell "${cell.name}" runs on ECS but has no ECS service to chain its release on`);
    return target.ecs.service.node.defaultChild as CfnResource;
  }
  return cfnGroup(target.autoScalingGroup);
}

/**
 * Cells one at a time: each cell's release resource (group or service, {@link cellReleaseResource})
 * `DependsOn` the one of the cell before it (`release.after`), so CloudFormation updates (and
 * rolls) them in config order, EC2 and ECS cells mixed, and a failed cell rolls the stack back
 * before the cells after it are touched.
 * @param targets - the cells' constructs, in config order
 */
export function chainCellReleases(cells: readonly ResolvedCell[], targets: readonly CellReleaseTarget[]): void {
  const resources = new Map(cells.map((c, i) => [c.name, cellReleaseResource(c, targets[i])]));
  for (const cell of cells) {
    const previous = cell.release.after !== undefined ? resources.get(cell.release.after) : undefined;
    if (previous) resources.get(cell.name)?.addDependency(previous);
  }
}
