/**
 * The CloudWatch dashboard body (the JSON `PutDashboard` takes) of a tier, from core's layout
 * (`ResolvedTierOperations.dashboard.rows`) and each cell's late-bound values. Pure: a renderer
 * resolves its references (Pulumi outputs) to strings first, then calls this. Same layout as the
 * CDK construct's `cloudwatch.Dashboard` (one text line per row title, then the row's graphs,
 * wrapping at 24 columns); graphs with no metric in a cell become a "Not configured" text widget.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import type { MetricDimensionSource, MetricSpec } from '../metrics';
import type { ResolvedDashboardRow } from './types';

/** Late-bound values of one cell, by source; absent ones (no Route 53 health check) are undefined. */
export type DashboardMetricValues = Readonly<Partial<Record<MetricDimensionSource, string>>>;

/** Dashboard grid width in columns. */
export const DASHBOARD_COLUMNS = 24;

/** One widget of the body. */
export interface DashboardWidgetJson {
  readonly type: 'text' | 'metric';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** The body: `{ start, widgets }`. */
export interface DashboardBodyJson {
  /** Default time range shown (3 hours, as the CDK construct's `defaultInterval`). */
  readonly start: '-PT3H';
  readonly widgets: readonly DashboardWidgetJson[];
}

/**
 * One metric-array entry `[namespace, name, dim1, value1, …, { stat, period, label?, region? }]`,
 * or undefined when a dimension has no value in this cell. `region` is written only for metrics
 * that live in a fixed region (Route 53 health checks: us-east-1).
 */
export function dashboardMetricEntry(spec: MetricSpec, values: DashboardMetricValues): unknown[] | undefined {
  const dims: string[] = [];
  for (const d of spec.dimensions) {
    const v = values[d.valueOf];
    if (v === undefined) return undefined;
    dims.push(d.name, v);
  }
  const options: Record<string, unknown> = { stat: spec.statistic, period: spec.periodSeconds };
  if (spec.label !== undefined) options.label = spec.label;
  if (spec.region !== undefined) options.region = spec.region;
  return [spec.namespace, spec.metricName, ...dims, options];
}

/**
 * The dashboard body for `rows` in `region` (the region metric widgets read by default).
 * `values` maps a cell name to its late-bound values; a cell missing from it contributes no metrics.
 */
export function dashboardBody(
  rows: readonly ResolvedDashboardRow[],
  values: ReadonlyMap<string, DashboardMetricValues>,
  region: string,
): DashboardBodyJson {
  const widgets: DashboardWidgetJson[] = [];
  let y = 0;
  for (const row of rows) {
    widgets.push({ type: 'text', x: 0, y, width: DASHBOARD_COLUMNS, height: 1, properties: { markdown: `## ${row.title}` } });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const w of row.widgets) {
      if (x + w.width > DASHBOARD_COLUMNS) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      const metrics = w.metrics.flatMap((m) => {
        const entry = dashboardMetricEntry(m.metric, values.get(m.cell) ?? {});
        return entry ? [entry] : [];
      });
      widgets.push(
        metrics.length > 0
          ? {
              type: 'metric',
              x,
              y,
              width: w.width,
              height: w.height,
              properties: { view: 'timeSeries', title: w.title, region, stacked: w.stacked, metrics },
            }
          : {
              type: 'text',
              x,
              y,
              width: w.width,
              height: w.height,
              properties: { markdown: `**${w.title}**\n\nNot configured for this cell.` },
            },
      );
      x += w.width;
      rowHeight = Math.max(rowHeight, w.height);
    }
    y += rowHeight;
  }
  return { start: '-PT3H', widgets };
}
