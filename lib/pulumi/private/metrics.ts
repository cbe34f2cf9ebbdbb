/**
 * Bind a core `MetricSpec` to a cell's Pulumi outputs: the arguments of a CloudWatch metric alarm
 * (`aws.cloudwatch.MetricAlarm`), which the components' metric helpers (generated from core
 * `CELL_METRICS`) return.
 */
import * as pulumi from '@pulumi/pulumi';
import { type CellMetricHelper, cellMetricProblem, cellMetricSpec, type MetricDimensionSource, type MetricSpec } from '../../core/metrics';
import type { LoadBalancerType } from '../../core/primitives';

/**
 * A CloudWatch metric of a cell as `aws.cloudwatch.MetricAlarm` arguments: spread it into
 * `new aws.cloudwatch.MetricAlarm(name, { ...cell.metricElb5xx(), threshold: 50, comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 3 })`.
 */
export interface CellMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value, bound to this cell. */
  readonly dimensions: pulumi.Output<Record<string, string>>;
  /** `Sum`, `Average`, `Minimum` or `Maximum`. */
  readonly statistic: string;
  /** Period, seconds. */
  readonly period: number;
  /**
   * The only region the metric exists in when it is not the program's (Route 53 health checks:
   * `us-east-1`); as MetricAlarm's `region` argument it creates the alarm there.
   */
  readonly region?: string;
}

/** Overrides of a helper's statistic and period. */
export interface CellMetricOptions {
  /** @default - the metric's stated default statistic */
  readonly statistic?: 'Sum' | 'Average' | 'Minimum' | 'Maximum';
  /** Seconds, 10, 30 or a multiple of 60. @default 60 */
  readonly period?: number;
}

/** Late-bound values of a cell's metrics; absent ones (no Route 53 health check) are undefined. */
export type CellMetricValues = Readonly<Partial<Record<MetricDimensionSource, pulumi.Input<string>>>>;

/** The metric bound to `values`, or undefined when one of its dimensions has no value in this cell. */
export function bindMetricSpec(spec: MetricSpec, values: CellMetricValues, options: CellMetricOptions = {}): CellMetric | undefined {
  const dimensions: Record<string, pulumi.Input<string>> = {};
  for (const d of spec.dimensions) {
    const v = values[d.valueOf];
    if (v === undefined) return undefined;
    dimensions[d.name] = v;
  }
  return {
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensions: pulumi.all(dimensions),
    statistic: options.statistic ?? spec.statistic,
    period: options.period ?? spec.periodSeconds,
    region: spec.region,
  };
}

/**
 * The metric of a cell helper (`metricElb5xx`, …) bound to the cell, or throw naming why it does
 * not exist on this cell (wrong load-balancer type, no Route 53 health check).
 * @param name - the cell's resource name, prefixed to errors
 */
export function bindCellMetric(
  helper: CellMetricHelper,
  cell: { readonly name: string; readonly loadBalancerType: LoadBalancerType },
  values: CellMetricValues,
  name: string,
  options?: CellMetricOptions,
): CellMetric {
  const spec = cellMetricSpec(helper, cell.loadBalancerType);
  const wrongType = cellMetricProblem(spec, helper, cell, true);
  if (wrongType) throw new Error(`${name}: ${wrongType}`);
  const metric = bindMetricSpec(spec, values, options);
  const unbound = cellMetricProblem(spec, helper, cell, metric !== undefined);
  if (unbound || metric === undefined) throw new Error(`${name}: ${unbound}`);
  return metric;
}
