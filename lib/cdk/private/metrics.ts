/**
 * Bind core `MetricSpec`s to concrete CDK values, and the cell's metric helpers generated from
 * core `CELL_METRICS`.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { LoadBalancerType } from '../../core/primitives';
import { type CellMetricHelper, cellMetricProblem, cellMetricSpec, type MetricDimensionSource, type MetricSpec } from '../../core/metrics';

/** Late-bound values a scaling policy's dimensions may name. */
export interface MetricDimensionValues {
  readonly autoScalingGroupName: string;
  readonly loadBalancerFullName: string;
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

/**
 * The metric of a cell helper (`metricElb5xx`, …) bound to the cell, or throw naming why it does
 * not exist on this cell (wrong load-balancer type, no Route 53 health check).
 * @param path - the cell's construct path, prefixed to errors
 */
export function bindCellMetric(
  helper: CellMetricHelper,
  cell: { readonly name: string; readonly loadBalancerType: LoadBalancerType },
  values: MetricSpecValues,
  path: string,
  options?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  const spec = cellMetricSpec(helper, cell.loadBalancerType);
  const wrongType = cellMetricProblem(spec, helper, cell, true);
  if (wrongType) throw new Error(`${path}: ${wrongType}`);
  const metric = bindMetricSpec(spec, values, options);
  const unbound = cellMetricProblem(spec, helper, cell, metric !== undefined);
  if (unbound || metric === undefined) throw new Error(`${path}: ${unbound}`);
  return metric;
}
