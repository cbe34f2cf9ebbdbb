/**
 * Bind a core `MetricDescriptor` to concrete CDK values.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricDescriptor } from '../../core/metrics';

/** Late-bound values a descriptor's dimension may name. */
export interface MetricDimensionValues {
  readonly autoScalingGroupName: string;
  readonly loadBalancerFullName: string;
}

/** A CloudWatch metric with the descriptor's statistic and period; `options` override them. */
export function bindMetric(
  descriptor: MetricDescriptor,
  values: MetricDimensionValues,
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: descriptor.namespace,
    metricName: descriptor.metricName,
    dimensionsMap: { [descriptor.dimension.name]: values[descriptor.dimension.valueOf] },
    statistic: descriptor.defaultStatistic,
    period: Duration.seconds(descriptor.periodSeconds),
    ...options,
  });
}
