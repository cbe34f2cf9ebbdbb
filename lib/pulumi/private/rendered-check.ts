/**
 * The Pulumi side of the post-synthesis check. After the tier is built, every resource under each
 * cell component (the cell's own children and any a user parents there) is read back through its
 * output properties: the engine's view of the inputs it registered, i.e. after every
 * `transformations` / `transforms` function and `pulumi.runtime.registerStackTransformation`.
 * When those resolve, core's `checkRendered()` runs on the renderer-neutral view.
 *
 * Failure mode: a component cannot stop a program the way a CDK validation stops synthesis. Each
 * error is logged with `pulumi.log.error` on the tier (which makes `pulumi preview`/`up` exit
 * non-zero) and the tier's registered outputs reject with a `pulumi.ResourceError` listing every
 * error. Values still unknown during a preview (computed by the provider) are not checked.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { TierConfig } from '../../core/config';
import { checkRendered, type RenderedCellView, type RenderedLifecycleHookView, renderedCheckOptions } from '../../core/invariants';
import { errorsOf, formatIssues, type Issue, WARNING_PREFIX, warningsOf } from '../../core/issues';
import type { ResolvedTier } from '../../core/resolved';

/** The SDK's own bookkeeping of a resource (set by the `Resource` constructor of @pulumi/pulumi). */
interface ResourceInternals {
  readonly __name?: string;
  readonly __childResources?: Set<pulumi.Resource>;
}

/** Every resource parented (directly or through components) under `root`. */
function descendants(root: pulumi.Resource): pulumi.Resource[] {
  const out: pulumi.Resource[] = [];
  const visit = (r: pulumi.Resource) => {
    for (const child of (r as unknown as ResourceInternals).__childResources ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(root);
  return out;
}

type Lifted<T> = pulumi.Output<pulumi.Unwrap<T>>;

/** Terraform's `health_check_grace_period` default when the input is absent (AWS's API default is 0). */
const TERRAFORM_HEALTH_CHECK_GRACE_SECONDS = 300;

/** One cell's resources as core's view, once every output property resolves. */
function cellView(name: string, cell: pulumi.Resource): Lifted<RenderedCellView> {
  const parts = {
    loadBalancers: [] as unknown[],
    listeners: [] as unknown[],
    targetGroups: [] as unknown[],
    autoScalingGroups: [] as unknown[],
    lifecycleHooks: [] as unknown[],
    launchTemplates: [] as unknown[],
    records: [] as unknown[],
  };
  for (const r of descendants(cell)) {
    const path = (r as unknown as ResourceInternals).__name ?? name;
    if (aws.lb.LoadBalancer.isInstance(r)) {
      parts.loadBalancers.push({
        path,
        type: r.loadBalancerType,
        idleTimeoutSeconds: r.idleTimeout,
        crossZoneEnabled: r.enableCrossZoneLoadBalancing,
      });
    } else if (aws.lb.Listener.isInstance(r)) {
      parts.listeners.push({
        path,
        port: r.port,
        protocol: r.protocol,
        tlsPolicy: r.sslPolicy,
        tcpIdleTimeoutSeconds: r.tcpIdleTimeoutSeconds,
      });
    } else if (aws.lb.TargetGroup.isInstance(r)) {
      parts.targetGroups.push(
        pulumi
          .all([
            r.stickiness,
            r.targetHealthStates,
            r.healthCheck,
            r.deregistrationDelay,
            r.connectionTermination,
            r.loadBalancingCrossZoneEnabled,
          ])
          .apply(([s, states, hc, delay, termination, crossZone]) => ({
            path,
            deregistrationDelaySeconds: delay,
            // A stickiness block's `enabled` defaults to true; no block is stickiness off.
            stickinessEnabled: s === undefined || s === null ? false : (s.enabled ?? true),
            stickinessType: s?.type,
            connectionTermination: termination,
            unhealthyConnectionTermination: states?.[0]?.enableUnhealthyConnectionTermination,
            crossZoneEnabled: crossZone,
            healthCheck: {
              enabled: hc?.enabled,
              protocol: hc?.protocol,
              path: hc?.path,
              port: hc?.port,
              intervalSeconds: hc?.interval,
              timeoutSeconds: hc?.timeout,
              healthyThresholdCount: hc?.healthyThreshold,
              unhealthyThresholdCount: hc?.unhealthyThreshold,
              healthyHttpCodes: hc?.matcher,
            },
          })),
      );
    } else if (aws.autoscaling.Group.isInstance(r)) {
      parts.autoScalingGroups.push(
        pulumi.all([r.healthCheckType, r.healthCheckGracePeriod]).apply(([type, grace]) => ({
          path,
          healthCheckType: type,
          healthCheckGracePeriodSeconds: grace ?? TERRAFORM_HEALTH_CHECK_GRACE_SECONDS,
        })),
      );
      parts.lifecycleHooks.push(
        r.initialLifecycleHooks.apply((hooks) =>
          (hooks ?? []).map((h, i) =>
            hook(`${path}.initialLifecycleHooks[${i}]`, h.lifecycleTransition, h.heartbeatTimeout, h.defaultResult),
          ),
        ),
      );
    } else if (aws.autoscaling.LifecycleHook.isInstance(r)) {
      parts.lifecycleHooks.push(
        pulumi.all([r.lifecycleTransition, r.heartbeatTimeout, r.defaultResult]).apply(([t, hb, d]) => [hook(path, t, hb, d)]),
      );
    } else if (aws.ec2.LaunchTemplate.isInstance(r)) {
      parts.launchTemplates.push(r.metadataOptions.apply((m) => ({ path, httpTokens: m?.httpTokens })));
    } else if (aws.route53.Record.isInstance(r)) {
      parts.records.push(
        pulumi.all([r.name, r.setIdentifier, r.weightedRoutingPolicies, r.aliases]).apply(([n, id, weights, aliases]) => ({
          path,
          name: n,
          setIdentifier: id,
          weight: weights?.[0]?.weight,
          evaluateTargetHealth: aliases?.[0]?.evaluateTargetHealth,
          alias: (aliases ?? []).length > 0,
        })),
      );
    }
  }
  return pulumi.output(parts).apply((p) => ({
    name,
    ...(p as unknown as Omit<RenderedCellView, 'name' | 'lifecycleHooks'>),
    lifecycleHooks: (p.lifecycleHooks as unknown as RenderedLifecycleHookView[][]).flat(),
  })) as unknown as Lifted<RenderedCellView>;
}

function hook(
  path: string,
  lifecycleTransition: unknown,
  heartbeatTimeoutSeconds: unknown,
  defaultResult: unknown,
): RenderedLifecycleHookView {
  return { path, lifecycleTransition, heartbeatTimeoutSeconds, defaultResult };
}

/** What {@link renderedCheck} gives the tier. */
export interface RenderedCheck {
  /** Every issue found (errors and acknowledged warnings); resolves even when there are errors. */
  readonly issues: pulumi.Output<readonly Issue[]>;
  /** Resolves to the number of warnings, or rejects with a `pulumi.ResourceError` listing every error: register it as an output. */
  readonly verdict: pulumi.Output<number>;
}

/**
 * Run the post-synthesis check over the tier's cells once their resources' values resolve.
 * Warnings go to `pulumi.log.warn`, errors to `pulumi.log.error` (both on the tier).
 */
export function renderedCheck(
  tier: pulumi.Resource,
  name: string,
  plan: ResolvedTier,
  cells: readonly pulumi.Resource[],
  config: TierConfig,
): RenderedCheck {
  const options = renderedCheckOptions(config);
  const issues = pulumi
    .all(plan.cells.map((c, i) => cellView(c.name, cells[i])))
    .apply((views) => checkRendered(plan, { cells: views as unknown as RenderedCellView[] }, options));
  const verdict = issues.apply((found) => {
    for (const w of warningsOf(found)) void pulumi.log.warn(`${w.message} [${WARNING_PREFIX}/${w.code}]`, tier);
    const errors = errorsOf(found);
    for (const e of errors) void pulumi.log.error(`${e.message} [${e.code}]`, tier);
    if (errors.length > 0)
      throw new pulumi.ResourceError(formatIssues(name, errors, 'rendered WebSocket tier (post-synthesis check)'), tier);
    return found.length;
  });
  return { issues, verdict };
}
