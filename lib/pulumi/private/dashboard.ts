/**
 * The tier's CloudWatch dashboard from core's layout (`tier.operations.dashboard.rows`), its body
 * built by core's pure `dashboardBody()` once every cell's references have resolved. The name must
 * be unique per account and region, so it is derived from the Pulumi project, stack and the
 * dashboard's own Pulumi name (`<project>-<stack>-<tier>-dashboard`, at most 255 characters of
 * `[A-Za-z0-9_-]`). Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { dashboardBody, type DashboardMetricValues } from '../../core/operations/dashboard-body';
import { childName, OPERATIONS_TIER_IDS } from '../../core/ids';
import type { MetricDimensionSource } from '../../core/metrics';
import type { ResolvedDashboardRow } from '../../core/operations';
import { create, type Scope } from './util';

/** A cell's late-bound values as Pulumi inputs. */
export type DashboardCellValues = Readonly<Partial<Record<MetricDimensionSource, pulumi.Input<string>>>>;

/** `[A-Za-z0-9_-]`, at most 255 characters: what CloudWatch accepts as a dashboard name. */
export function dashboardName(project: string, stack: string, pulumiName: string): string {
  return `${project}-${stack}-${pulumiName}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
}

/** The dashboard, when the plan has one. `values` maps a cell name to its late-bound values. */
export function renderDashboard(
  scope: Scope,
  rows: readonly ResolvedDashboardRow[] | undefined,
  values: ReadonlyMap<string, DashboardCellValues>,
): aws.cloudwatch.Dashboard | undefined {
  if (rows === undefined) return undefined;
  const region = aws.getRegionOutput({}, { parent: scope.parent }).region;
  // A plain record (pulumi.all would unwrap a Map), turned into core's Map once every value is known.
  const resolved = pulumi.all(
    Object.fromEntries([...values].map(([cell, v]) => [cell, pulumi.all(v as Record<string, pulumi.Input<string>>)])),
  );
  return create(aws.cloudwatch.Dashboard, scope, OPERATIONS_TIER_IDS.dashboard, {
    dashboardName: dashboardName(pulumi.getProject(), pulumi.getStack(), childName(scope.name, OPERATIONS_TIER_IDS.dashboard)),
    dashboardBody: pulumi
      .all([resolved, region])
      .apply(([map, r]) => JSON.stringify(dashboardBody(rows, new Map(Object.entries(map as Record<string, DashboardMetricValues>)), r))),
  });
}
