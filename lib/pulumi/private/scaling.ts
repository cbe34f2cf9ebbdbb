/**
 * Target tracking on connections per instance, as CloudWatch metric math from core's plan
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-target-tracking-metric-math.html). Never CPU or ALBRequestCountPerTarget. Same policy as lib/cdk/private/scaling.ts.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { CELL_IDS } from '../../core/ids';
import { bindMetricQueries } from '../../core/metrics';
import type { ResolvedScalingPolicy } from '../../core/resolved';
import { create, type Scope } from './util';

/** Late-bound values a metric dimension may name (`ResolvedMetricQuery…valueOf`). */
export interface MetricDimensionValues {
  readonly autoScalingGroupName: pulumi.Input<string>;
  /** `app/<name>/<id>` or `net/<name>/<id>`: the load balancer's `arnSuffix`. */
  readonly loadBalancerFullName: pulumi.Input<string>;
}

/** The cell's `TargetTrackingScaling` policy, with every dimension bound to this cell. */
export function renderScalingPolicy(scope: Scope, policy: ResolvedScalingPolicy, values: MetricDimensionValues): aws.autoscaling.Policy {
  return create(aws.autoscaling.Policy, scope, CELL_IDS.scalingPolicy, {
    autoscalingGroupName: values.autoScalingGroupName,
    policyType: 'TargetTrackingScaling',
    targetTrackingConfiguration: {
      targetValue: policy.targetValue,
      customizedMetricSpecification: {
        metrics: bindMetricQueries(policy.metrics, values),
      },
    },
  });
}
