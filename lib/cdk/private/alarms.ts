/**
 * A cell's CloudWatch alarms from core's resolved alarm list (thresholds, periods and reasons live
 * in lib/core/operations/), with an optional SNS topic notified on ALARM and OK.
 *
 * Metrics with a fixed region (Route 53 `HealthCheckStatus`, us-east-1 only) can only be alarmed
 * on in that region: the alarm is created when the stack is in that region, guarded by a
 * CloudFormation condition when the stack is environment-agnostic, and left out (with an info
 * annotation) when the stack is pinned to another region. Source:
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html
 */
import { Annotations, Aws, CfnCondition, type CfnResource, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { alarmId, OPERATIONS_TIER_IDS } from '../../core/ids';
import { WARNING_PREFIX } from '../../core/issues';
import type { AlarmKey, ResolvedAlarm } from '../../core/operations';
import { bindMetricSpec, type MetricSpecValues } from './metrics';

/** The alarms of one cell, keyed by alarm key (only those created). */
export type CellAlarms = Readonly<Partial<Record<AlarmKey, cloudwatch.Alarm>>>;

/** One stack-level condition "this stack deploys to `region`", created on first use. */
function regionCondition(scope: Construct, region: string): CfnCondition {
  const stack = Stack.of(scope);
  const id = `${OPERATIONS_TIER_IDS.route53MetricsRegionCondition}${region.replace(/[^A-Za-z0-9]/g, '')}`;
  return (
    (stack.node.tryFindChild(id) as CfnCondition | undefined) ??
    new CfnCondition(stack, id, { expression: Fn.conditionEquals(Aws.REGION, region) })
  );
}

/** Render every resolved alarm of a cell whose metric can be bound here. */
export function renderAlarms(scope: Construct, alarms: readonly ResolvedAlarm[], values: MetricSpecValues, topic?: sns.ITopic): CellAlarms {
  const out: Partial<Record<AlarmKey, cloudwatch.Alarm>> = {};
  const stackRegion = Stack.of(scope).region;
  for (const a of alarms) {
    // No label: an alarm on a labelled metric renders as metric math (`Metrics`), not the plain form.
    const metric = bindMetricSpec(a.metric, values, { label: undefined }, false);
    if (metric === undefined) continue; // e.g. the cell was rendered without a hosted zone: no health check
    const fixedRegion = a.metric.region;
    if (fixedRegion !== undefined && !Token.isUnresolved(stackRegion) && stackRegion !== fixedRegion) {
      Annotations.of(scope).addInfo(
        `${WARNING_PREFIX}/${a.key}: alarm not created: ${a.metric.namespace} ${a.metric.metricName} exists only in ${fixedRegion} and this stack deploys to ${stackRegion}; the dashboard still shows it. Create the alarm in a ${fixedRegion} stack if you need to be paged on it.`,
      );
      continue;
    }
    const alarm = new cloudwatch.Alarm(scope, alarmId(a.key), {
      metric,
      threshold: a.threshold,
      comparisonOperator: a.comparisonOperator as cloudwatch.ComparisonOperator,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm,
      treatMissingData: a.treatMissingData as cloudwatch.TreatMissingData,
      alarmDescription: a.description,
    });
    if (fixedRegion !== undefined && Token.isUnresolved(stackRegion)) {
      (alarm.node.defaultChild as CfnResource).cfnOptions.condition = regionCondition(scope, fixedRegion);
    }
    if (topic) {
      alarm.addAlarmAction(new cwActions.SnsAction(topic));
      alarm.addOkAction(new cwActions.SnsAction(topic));
    }
    out[a.key] = alarm;
  }
  return out;
}
