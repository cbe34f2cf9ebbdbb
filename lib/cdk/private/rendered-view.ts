/**
 * The CDK side of the post-synthesis check: reads every L1 resource of each cell as CloudFormation
 * will receive it (`_toCloudFormation()` applies `addPropertyOverride`, `addOverride`, deletion
 * overrides and L2 `setAttribute` calls; `Stack.resolve` resolves lazies), builds core's
 * renderer-neutral view and runs `checkRendered()`. Runs as a construct validation, so it sees the
 * tree after every aspect.
 */
import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { TierConfig } from '../../core/config';
import {
  checkRendered,
  type RenderedCellView,
  type RenderedLifecycleHookView,
  type RenderedTierView,
  renderedCheckOptions,
} from '../../core/invariants';
import { errorsOf, WARNING_PREFIX, warningsOf } from '../../core/issues';
import type { ResolvedTier } from '../../core/resolved';

type Props = Record<string, unknown>;

/** Stands for an attribute list that is itself late-bound: every attribute is then not checkable. */
const LATE_LIST = { 'Fn::LateBound': true };

/** Key/Value attribute lists (`LoadBalancerAttributes`, `TargetGroupAttributes`, `ListenerAttributes`) as a lookup. */
function attributes(list: unknown): (key: string) => unknown {
  if (list === undefined) return () => undefined;
  if (!Array.isArray(list)) return () => LATE_LIST;
  const map = new Map<string, unknown>();
  for (const a of list as { Key?: unknown; Value?: unknown }[]) if (typeof a?.Key === 'string') map.set(a.Key, a.Value);
  return (key) => map.get(key);
}

function obj(value: unknown): Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

/** The resource's type and properties as CloudFormation receives them. */
function rendered(resource: CfnResource): { type: string; props: Props } {
  const stack = Stack.of(resource);
  // `_toCloudFormation()` is the internal CDK uses to write the template; it applies every override.
  const cfn = stack.resolve((resource as unknown as { _toCloudFormation(): { Resources: Record<string, Props> } })._toCloudFormation());
  const body = Object.values(obj(cfn.Resources))[0] ?? {};
  return { type: String(obj(body).Type ?? resource.cfnResourceType), props: obj(obj(body).Properties) };
}

/** Every L1 resource under one cell construct, sorted into the view. */
export function renderedCellView(name: string, scope: IConstruct): RenderedCellView {
  const view = {
    name,
    loadBalancers: [] as RenderedCellView['loadBalancers'][number][],
    listeners: [] as RenderedCellView['listeners'][number][],
    targetGroups: [] as RenderedCellView['targetGroups'][number][],
    autoScalingGroups: [] as RenderedCellView['autoScalingGroups'][number][],
    lifecycleHooks: [] as RenderedLifecycleHookView[],
    launchTemplates: [] as RenderedCellView['launchTemplates'][number][],
    records: [] as RenderedCellView['records'][number][],
  };
  for (const c of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    const path = c.node.path;
    const { type, props: p } = rendered(c);
    switch (type) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const a = attributes(p.LoadBalancerAttributes);
        view.loadBalancers.push({
          path,
          type: p.Type,
          idleTimeoutSeconds: a('idle_timeout.timeout_seconds'),
          crossZoneEnabled: a('load_balancing.cross_zone.enabled'),
        });
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::Listener':
        view.listeners.push({
          path,
          port: p.Port,
          protocol: p.Protocol,
          tlsPolicy: p.SslPolicy,
          tcpIdleTimeoutSeconds: attributes(p.ListenerAttributes)('tcp.idle_timeout.seconds'),
        });
        break;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        const a = attributes(p.TargetGroupAttributes);
        view.targetGroups.push({
          path,
          deregistrationDelaySeconds: a('deregistration_delay.timeout_seconds'),
          stickinessEnabled: a('stickiness.enabled'),
          stickinessType: a('stickiness.type'),
          connectionTermination: a('deregistration_delay.connection_termination.enabled'),
          unhealthyConnectionTermination: a('target_health_state.unhealthy.connection_termination.enabled'),
          crossZoneEnabled: a('load_balancing.cross_zone.enabled'),
          healthCheck: {
            enabled: p.HealthCheckEnabled,
            protocol: p.HealthCheckProtocol,
            path: p.HealthCheckPath,
            port: p.HealthCheckPort,
            intervalSeconds: p.HealthCheckIntervalSeconds,
            timeoutSeconds: p.HealthCheckTimeoutSeconds,
            healthyThresholdCount: p.HealthyThresholdCount,
            unhealthyThresholdCount: p.UnhealthyThresholdCount,
            healthyHttpCodes: obj(p.Matcher).HttpCode,
          },
        });
        break;
      }
      case 'AWS::AutoScaling::AutoScalingGroup': {
        view.autoScalingGroups.push({ path, healthCheckType: p.HealthCheckType, healthCheckGracePeriodSeconds: p.HealthCheckGracePeriod });
        const specs = Array.isArray(p.LifecycleHookSpecificationList) ? p.LifecycleHookSpecificationList : [];
        specs.forEach((s: unknown, i) => view.lifecycleHooks.push(hook(`${path}.LifecycleHookSpecificationList[${i}]`, obj(s))));
        break;
      }
      case 'AWS::AutoScaling::LifecycleHook':
        view.lifecycleHooks.push(hook(path, p));
        break;
      case 'AWS::EC2::LaunchTemplate':
        view.launchTemplates.push({ path, httpTokens: obj(obj(p.LaunchTemplateData).MetadataOptions).HttpTokens });
        break;
      case 'AWS::Route53::RecordSet':
        view.records.push({
          path,
          name: p.Name,
          setIdentifier: p.SetIdentifier,
          weight: p.Weight,
          evaluateTargetHealth: obj(p.AliasTarget).EvaluateTargetHealth,
          alias: p.AliasTarget !== undefined,
        });
        break;
      default:
        break;
    }
  }
  return view;
}

function hook(path: string, p: Props): RenderedLifecycleHookView {
  return { path, lifecycleTransition: p.LifecycleTransition, heartbeatTimeoutSeconds: p.HeartbeatTimeout, defaultResult: p.DefaultResult };
}

/**
 * Register the post-synthesis check on a tier construct: errors fail synthesis (each names the
 * resource's construct path, the rendered and the resolved value, and the fix), acknowledged codes
 * become warnings on the tier.
 */
export function addRenderedCheck(tier: IConstruct, plan: ResolvedTier, cells: readonly IConstruct[], config: TierConfig): void {
  const options = renderedCheckOptions(config);
  const warned = new Set<string>();
  tier.node.addValidation({
    validate: () => {
      const view: RenderedTierView = { cells: plan.cells.map((c, i) => renderedCellView(c.name, cells[i])) };
      const issues = checkRendered(plan, view, options);
      for (const w of warningsOf(issues)) {
        if (warned.has(w.message)) continue; // validation runs on every synth of the app
        warned.add(w.message);
        Annotations.of(tier).addWarningV2(`${WARNING_PREFIX}/${w.code}`, w.message);
      }
      return errorsOf(issues).map((i) => `${i.message} [${i.code}]`);
    },
  });
}
