/**
 * The operations validator's row table (one row per rule), shared by test/core/operations.test.ts,
 * which runs it, and the every-issue-code meta-test in test/core/validate.test.ts.
 */
import type { TierConfig } from '../../lib/core';
import { alb, nlbTls } from './fixtures';

/** One row per validation rule of operations. */
export interface OperationsRow {
  readonly code: string;
  readonly what: string;
  readonly operations: unknown;
  readonly cells?: TierConfig['cells'];
  readonly path: string;
  readonly severity: 'error' | 'warning';
  readonly message: RegExp;
}

export const OPERATIONS_ROWS: OperationsRow[] = [
  {
    code: 'not-an-object',
    what: 'operations is a string',
    operations: 'on',
    path: 'operations',
    severity: 'error',
    message: /operations is "on"; it must be an object.*Fix/,
  },
  {
    code: 'not-an-object',
    what: 'alarms is a list',
    operations: { alarms: [] },
    path: 'operations.alarms',
    severity: 'error',
    message: /must be an object keyed by alarm key.*Fix/,
  },
  {
    code: 'alarm-unknown',
    what: 'misspelt alarm key',
    operations: { alarms: { elb5XX: { enabled: false } } },
    path: 'operations.alarms.elb5XX',
    severity: 'error',
    message: /"elb5XX" is not an alarm key; allowed: rejectedConnections, .*elb5xx.*Fix/,
  },
  {
    code: 'not-a-boolean',
    what: 'enabled as a string',
    operations: { alarms: { elb5xx: { enabled: 'no' } } },
    path: 'operations.alarms.elb5xx.enabled',
    severity: 'error',
    message: /"no"; allowed: true or false.*Fix/,
  },
  {
    code: 'alarm-threshold-invalid',
    what: 'negative threshold',
    operations: { alarms: { elb5xx: { threshold: -1 } } },
    path: 'operations.alarms.elb5xx.threshold',
    severity: 'error',
    message: /-1; allowed: a finite number ≥ 0.*Fix/,
  },
  {
    code: 'out-of-range',
    what: 'evaluation periods over one day',
    operations: { alarms: { elb5xx: { evaluationPeriods: 1441 } } },
    path: 'operations.alarms.elb5xx.evaluationPeriods',
    severity: 'error',
    message: /1441 periods of 60 s; allowed 1–1440 periods of 60 s.*Fix/,
  },
  {
    code: 'not-an-integer',
    what: 'fractional datapoints',
    operations: { alarms: { elb5xx: { datapointsToAlarm: 1.5 } } },
    path: 'operations.alarms.elb5xx.datapointsToAlarm',
    severity: 'error',
    message: /must be an integer; got 1\.5.*Fix/,
  },
  {
    code: 'alarm-datapoints-above-periods',
    what: 'more datapoints than periods',
    operations: { alarms: { unhealthyHosts: { evaluationPeriods: 2, datapointsToAlarm: 3 } } },
    path: 'operations.alarms.unhealthyHosts.datapointsToAlarm',
    severity: 'error',
    message: /3, above evaluationPeriods \(2\).*Fix/,
  },
  {
    code: 'alarm-not-applicable',
    what: 'NLB alarm tuned in an ALB-only tier',
    operations: { alarms: { portAllocationErrors: { threshold: 5 } } },
    cells: [alb('a')],
    path: 'operations.alarms.portAllocationErrors',
    severity: 'warning',
    message: /no cell gets this alarm.*no NLB cell.*Fix: remove/,
  },
  {
    code: 'alarm-not-applicable',
    what: 'Route 53 alarm without health checks',
    operations: { alarms: { route53HealthCheck: { threshold: 1 } } },
    path: 'operations.alarms.route53HealthCheck',
    severity: 'warning',
    message: /dns\.healthChecks is off.*Fix/,
  },
  {
    code: 'alarm-topic-arn-invalid',
    what: 'a topic name instead of an ARN',
    operations: { alarmTopicArn: 'pager' },
    path: 'operations.alarmTopicArn',
    severity: 'error',
    message: /"pager"; allowed: an SNS topic ARN.*Fix/,
  },
  {
    code: 'not-a-boolean',
    what: 'deletionProtection as a string',
    operations: { deletionProtection: 'true' },
    path: 'operations.deletionProtection',
    severity: 'error',
    message: /"true"; allowed: true or false/,
  },
  {
    code: 'not-an-object',
    what: 'accessLogs as a boolean',
    operations: { accessLogs: false },
    path: 'operations.accessLogs',
    severity: 'error',
    message: /must be \{ enabled\?, retentionDays\? \}.*Fix/,
  },
  {
    code: 'out-of-range',
    what: 'zero retention days',
    operations: { accessLogs: { retentionDays: 0 } },
    path: 'operations.accessLogs.retentionDays',
    severity: 'error',
    message: /0 days; allowed 1–3650 days/,
  },
  {
    code: 'not-an-object',
    what: 'waf as a boolean',
    operations: { waf: true },
    path: 'operations.waf',
    severity: 'error',
    message: /must be \{ enabled\?, rateLimitPer5Minutes\? \}.*Fix: e\.g\. \{ enabled: true \}/,
  },
  {
    code: 'out-of-range',
    what: 'WAF rate limit below 10',
    operations: { waf: { enabled: true, rateLimitPer5Minutes: 5 } },
    path: 'operations.waf.rateLimitPer5Minutes',
    severity: 'error',
    message: /5 requests; allowed 10–2000000000 requests/,
  },
  {
    code: 'waf-without-alb',
    what: 'WAF on an NLB-only tier',
    operations: { waf: { enabled: true } },
    cells: [nlbTls('n')],
    path: 'operations.waf.enabled',
    severity: 'warning',
    message: /no ALB cell.*cannot be associated with Network Load Balancers.*Fix/,
  },
  {
    code: 'not-an-object',
    what: 'vpcFlowLogs as a boolean',
    operations: { vpcFlowLogs: true },
    path: 'operations.vpcFlowLogs',
    severity: 'error',
    message: /must be \{ enabled\?, trafficType\?, retentionDays\? \}.*Fix/,
  },
  {
    code: 'not-a-boolean',
    what: 'vpcFlowLogs.enabled as a string',
    operations: { vpcFlowLogs: { enabled: 'no' } },
    path: 'operations.vpcFlowLogs.enabled',
    severity: 'error',
    message: /"no"; allowed: true or false/,
  },
  {
    code: 'flow-log-traffic-type-invalid',
    what: 'ACCEPT-only flow logs',
    operations: { vpcFlowLogs: { trafficType: 'ACCEPT' } },
    path: 'operations.vpcFlowLogs.trafficType',
    severity: 'error',
    message: /"ACCEPT"; allowed: 'REJECT' or 'ALL'.*Fix/,
  },
  {
    code: 'flow-log-retention-invalid',
    what: 'a retention CloudWatch Logs does not accept',
    operations: { vpcFlowLogs: { retentionDays: 10 } },
    path: 'operations.vpcFlowLogs.retentionDays',
    severity: 'error',
    message: /10; allowed: one of 1, 3, 5, 7, 14, 30.*Fix: pick the nearest/,
  },
  {
    code: 'not-an-object',
    what: 'minimumCapacityUnits as a number',
    operations: { minimumCapacityUnits: 100 },
    path: 'operations.minimumCapacityUnits',
    severity: 'error',
    message: /keyed by cell name.*Fix: e\.g\. \{ a: 100 \}/,
  },
  {
    code: 'lcu-reservation-unknown-cell',
    what: 'reservation for a cell that does not exist',
    operations: { minimumCapacityUnits: { z: 100 } },
    path: 'operations.minimumCapacityUnits.z',
    severity: 'error',
    message: /no cell named "z"; known cells: "a", "n".*Fix/,
  },
  {
    code: 'out-of-range',
    what: 'zero LCUs',
    operations: { minimumCapacityUnits: { a: 0 } },
    path: 'operations.minimumCapacityUnits.a',
    severity: 'error',
    message: /0 LCUs; allowed 1–1000000 LCUs/,
  },
  {
    code: 'lcu-reservation-nlb-tls',
    what: 'reservation on an NLB with a TLS listener',
    operations: { minimumCapacityUnits: { n: 100 } },
    path: 'operations.minimumCapacityUnits.n',
    severity: 'error',
    message: /NLB with a TLS listener.*not support LCU reservation.*Fix: remove the reservation, or use nlbListenerProtocol 'TCP'/,
  },
];
