/**
 * The tier's CloudWatch dashboard from core's layout (lib/core/operations/ `dashboardRows`): a
 * title line per row, then its graphs. Route 53 metrics keep their us-east-1 region, which a
 * dashboard can show from any region.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { OPERATIONS_TIER_IDS } from '../../core/ids';
import type { ResolvedDashboardRow } from '../../core/operations';
import { bindMetricSpec, type MetricSpecValues } from './metrics';

/** The dashboard, when the plan has one. `values` maps a cell name to its late-bound references. */
export function renderDashboard(
  scope: Construct,
  rows: readonly ResolvedDashboardRow[] | undefined,
  values: ReadonlyMap<string, MetricSpecValues>,
): cloudwatch.Dashboard | undefined {
  if (rows === undefined) return undefined;
  const dashboard = new cloudwatch.Dashboard(scope, OPERATIONS_TIER_IDS.dashboard, { defaultInterval: Duration.hours(3) });
  for (const row of rows) {
    dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${row.title}`, width: 24, height: 1 }));
    const widgets = row.widgets.map((w) => {
      const metrics = w.metrics.flatMap((m) => {
        const metric = bindMetricSpec(m.metric, values.get(m.cell) ?? {});
        return metric ? [metric] : [];
      });
      return metrics.length > 0
        ? new cloudwatch.GraphWidget({ title: w.title, width: w.width, height: w.height, left: metrics, stacked: w.stacked })
        : new cloudwatch.TextWidget({ markdown: `**${w.title}**\n\nNot configured for this cell.`, width: w.width, height: w.height });
    });
    dashboard.addWidgets(...widgets);
  }
  return dashboard;
}
