/**
 * A cell's CloudWatch alarms from core's resolved list (`cell.operations.alarms`: thresholds,
 * periods and reasons live in lib/core/operations/), with optional SNS actions on ALARM and OK.
 * Same alarms as lib/cdk/private/alarms.ts, named `<cell>-alarm-<key>`.
 *
 * Metrics with a fixed region (Route 53 `HealthCheckStatus`, us-east-1 only) are alarmed on in
 * that region through the resource's own `region` argument (@pulumi/aws v7 manages a resource in
 * any region from the default provider, with its credentials and settings), so the alarm exists
 * whatever region the program deploys to. CDK cannot put one resource of a stack in another region:
 * there the alarm is created only when the stack is in us-east-1. CloudWatch alarm actions must be
 * in the alarm's region, so such an alarm notifies the topic only when the topic is in that region
 * too. Sources: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html,
 * https://www.pulumi.com/registry/packages/aws/how-to-guides/multi-region/
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { alarmId } from '../../core/ids';
import type { MetricDimensionSource } from '../../core/metrics';
import type { AlarmKey, ResolvedAlarm } from '../../core/operations';
import { create, type Scope } from './util';

/** Late-bound values an alarm's metric may name; absent ones (no Route 53 health check) are undefined. */
export type AlarmMetricValues = Readonly<Partial<Record<MetricDimensionSource, pulumi.Input<string>>>>;

/** Region of an SNS topic ARN (`arn:aws:sns:<region>:<account>:<name>`). */
function topicRegion(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/** Render every resolved alarm of a cell whose metric can be bound here. */
export function renderAlarms(
  scope: Scope,
  alarms: readonly ResolvedAlarm[],
  values: AlarmMetricValues,
  topicArn: string | undefined,
): Partial<Record<AlarmKey, aws.cloudwatch.MetricAlarm>> {
  const out: Partial<Record<AlarmKey, aws.cloudwatch.MetricAlarm>> = {};
  for (const a of alarms) {
    const dimensions: Record<string, pulumi.Input<string>> = {};
    let bound = true;
    for (const d of a.metric.dimensions) {
      const v = values[d.valueOf];
      if (v === undefined) bound = false;
      else dimensions[d.name] = v;
    }
    if (!bound) continue; // e.g. the cell was rendered without a hosted zone: no health check
    const fixedRegion = a.metric.region;
    const actions = topicArn !== undefined && (fixedRegion === undefined || topicRegion(topicArn) === fixedRegion) ? [topicArn] : undefined;
    if (topicArn !== undefined && actions === undefined) {
      void pulumi.log.info(
        `${a.key}: alarm created in ${fixedRegion} without actions: CloudWatch alarm actions must be in the alarm's region and operations.alarmTopicArn is in ${topicRegion(topicArn)}. Give a ${fixedRegion} topic to be notified.`,
        scope.parent,
      );
    }
    out[a.key] = create(aws.cloudwatch.MetricAlarm, scope, alarmId(a.key), {
      namespace: a.metric.namespace,
      metricName: a.metric.metricName,
      dimensions,
      statistic: a.metric.statistic,
      period: a.metric.periodSeconds,
      threshold: a.threshold,
      comparisonOperator: a.comparisonOperator,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm,
      treatMissingData: a.treatMissingData,
      alarmDescription: a.description,
      alarmActions: actions,
      okActions: actions,
      region: fixedRegion,
    });
  }
  return out;
}
