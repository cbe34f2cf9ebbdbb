/**
 * Target tracking on connections per instance as an L1 policy: CDK's `scaleToTrackMetric` cannot
 * render metric math (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-target-tracking-metric-math.html). Never CPU or ALBRequestCountPerTarget.
 */
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { Construct } from 'constructs';
import { CELL_IDS } from '../../core/ids';
import { bindMetricQueries } from '../../core/metrics';
import type { ResolvedScalingPolicy } from '../../core/resolved';
import type { MetricDimensionValues } from './metrics';

/** The cell's `AWS::AutoScaling::ScalingPolicy`, with every dimension bound to this cell. */
export function renderScalingPolicy(
  scope: Construct,
  policy: ResolvedScalingPolicy,
  values: MetricDimensionValues,
): autoscaling.CfnScalingPolicy {
  return new autoscaling.CfnScalingPolicy(scope, CELL_IDS.scalingPolicy, {
    autoScalingGroupName: values.autoScalingGroupName,
    policyType: 'TargetTrackingScaling',
    targetTrackingConfiguration: {
      targetValue: policy.targetValue,
      customizedMetricSpecification: {
        metrics: bindMetricQueries(policy.metrics, values),
      },
    },
  });
}
