/**
 * The NLB drain path: Auto Scaling holds a terminating instance in `Terminating:Wait` for the
 * termination lifecycle hook (heartbeat timeout = drain window + grace, `DefaultResult` CONTINUE),
 * while the NLB keeps established flows (`connection_termination` off). The runtime records
 * heartbeats while it drains and completes the action with CONTINUE once every socket is closed,
 * so the instance terminates as soon as it is empty rather than when the hook times out.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/completing-lifecycle-hooks.html
 *
 * The Auto Scaling client is injectable (tests use a fake); by default `@aws-sdk/client-auto-scaling`
 * is loaded on first use (an optional peer dependency).
 */

/** The lifecycle action this instance completes. */
export interface LifecycleActionTarget {
  readonly autoScalingGroupName: string;
  readonly lifecycleHookName: string;
  readonly instanceId: string;
}

/** The two Auto Scaling calls the runtime makes (a subset of the SDK v3 client's commands). */
export interface LifecycleActions {
  recordHeartbeat(target: LifecycleActionTarget): Promise<void>;
  complete(target: LifecycleActionTarget, result: 'CONTINUE' | 'ABANDON'): Promise<void>;
}

/** Anything with the SDK v3 `send(command)` method (an `AutoScalingClient`, or a fake). */
export interface AutoScalingSender {
  send(command: unknown): Promise<unknown>;
}

/**
 * Lifecycle actions over the AWS SDK v3. Pass a client to reuse one (or a fake in tests);
 * otherwise an `AutoScalingClient` with the default credential chain and region is created.
 */
export function sdkLifecycleActions(client?: AutoScalingSender): LifecycleActions {
  // Loaded lazily: the SDK is an optional peer dependency, needed only on NLB cells.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling');
  const c: AutoScalingSender = client ?? new sdk.AutoScalingClient({});
  return {
    async recordHeartbeat(t) {
      await c.send(
        new sdk.RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: t.autoScalingGroupName,
          LifecycleHookName: t.lifecycleHookName,
          InstanceId: t.instanceId,
        }),
      );
    },
    async complete(t, result) {
      await c.send(
        new sdk.CompleteLifecycleActionCommand({
          AutoScalingGroupName: t.autoScalingGroupName,
          LifecycleHookName: t.lifecycleHookName,
          InstanceId: t.instanceId,
          LifecycleActionResult: result,
        }),
      );
    },
  };
}
