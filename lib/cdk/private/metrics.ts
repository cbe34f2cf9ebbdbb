/**
 * Bind a core `MetricDescriptor` to concrete CDK values.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricDescriptor, MetricDimensionSource, MetricSpec } from '../../core/metrics';

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

/** Late-bound values an operations `MetricSpec` may name; absent ones (no Route 53 health check) are undefined. */
export type MetricSpecValues = Readonly<Partial<Record<MetricDimensionSource, string>>>;

/**
 * A CloudWatch metric from a core `MetricSpec`, or undefined when one of its dimensions has no
 * value in this cell (e.g. no Route 53 health check). `withRegion` keeps the spec's fixed region
 * (dashboards read us-east-1 Route 53 metrics from any region; alarms must not).
 */
export function bindMetricSpec(
  spec: MetricSpec,
  values: MetricSpecValues,
  options: cloudwatch.MetricOptions = {},
  withRegion = true,
): cloudwatch.Metric | undefined {
  const dimensionsMap: Record<string, string> = {};
  for (const d of spec.dimensions) {
    const value = values[d.valueOf];
    if (value === undefined) return undefined;
    dimensionsMap[d.name] = value;
  }
  return new cloudwatch.Metric({
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensionsMap,
    statistic: spec.statistic,
    period: Duration.seconds(spec.periodSeconds),
    label: spec.label,
    region: withRegion ? spec.region : undefined,
    ...options,
  });
}
