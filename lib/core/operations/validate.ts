/** `validateOperations()`: every rule of a tier's `operations` field. */
import type { CellConfig, TierConfig } from '../config';
import { DEFAULTS } from '../defaults';
import { type Issue, IssueCollector, isPlainObject as isObject, type IsUnresolved, neverUnresolved } from '../issues';
import { ALARM_KEYS, type AlarmConfig, type OperationsConfig } from './config';

/** CloudWatch alarm evaluation: periods × 60 s ≤ 86,400 s. Source: API_PutMetricAlarm.html */
const MAX_EVALUATION_PERIODS = 1440;
/** WAF rate-based rule limit range. Source: https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html */
const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;
/** S3 lifecycle expiration in days; the upper bound is library policy (10 years). */
const RETENTION_DAYS = { min: 1, max: 3650 } as const;
/** Retention periods CloudWatch Logs accepts, days. Source: API_PutRetentionPolicy.html */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const FLOW_LOG_TRAFFIC_TYPES: readonly string[] = ['REJECT', 'ALL'];
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Every issue of `config.operations`, in field order: unknown alarm keys, out-of-range tuning,
 * bad topic ARN, LCU reservations naming unknown cells or TLS NLB cells, WAF on a tier without ALB
 * cells (warning). Late-bound values are not checked.
 */
export function validateOperations(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const issues = v.issues;

  const ops: unknown = config.operations;
  if (!v.known(ops)) return issues;
  if (!isObject(ops)) {
    v.error(
      'not-an-object',
      'operations',
      `operations is ${JSON.stringify(ops)}; it must be an object of settings. Fix: use { … } with the documented fields, or leave it out for the defaults.`,
    );
    return issues;
  }
  const o = ops as OperationsConfig;
  const cells: readonly CellConfig[] = Array.isArray(config.cells)
    ? (config.cells as readonly unknown[]).filter(isObject).map((c) => c as unknown as CellConfig)
    : [];
  const types = new Set(cells.map((c) => c.loadBalancerType ?? DEFAULTS.cell.loadBalancerType));

  // Alarms.
  if (v.known(o.alarms)) {
    if (!isObject(o.alarms)) {
      v.error(
        'not-an-object',
        'operations.alarms',
        `operations.alarms is ${JSON.stringify(o.alarms)}; it must be an object keyed by alarm key. Fix: e.g. { elb5xx: { threshold: 50 } }.`,
      );
    } else {
      for (const [key, tuning] of Object.entries(o.alarms as Record<string, unknown>)) {
        const p = `operations.alarms.${key}`;
        if (!(ALARM_KEYS as readonly string[]).includes(key)) {
          v.error(
            'alarm-unknown',
            p,
            `${p}: "${key}" is not an alarm key; allowed: ${ALARM_KEYS.join(', ')}. Fix: use one of those keys (they are case-sensitive).`,
          );
          continue;
        }
        if (tuning === undefined || !v.known(tuning)) continue;
        if (!isObject(tuning)) {
          v.error(
            'not-an-object',
            p,
            `${p} is ${JSON.stringify(tuning)}; it must be { enabled?, threshold?, evaluationPeriods?, datapointsToAlarm? }. Fix: e.g. { enabled: false }.`,
          );
          continue;
        }
        const t = tuning as AlarmConfig;
        v.bool(`${p}.enabled`, t.enabled);
        if (v.known(t.threshold) && (typeof t.threshold !== 'number' || !Number.isFinite(t.threshold) || t.threshold < 0)) {
          v.error(
            'alarm-threshold-invalid',
            `${p}.threshold`,
            `${p}.threshold is ${JSON.stringify(t.threshold)}; allowed: a finite number ≥ 0 in the metric's unit. Fix: give a count such as 10, or switch the alarm off with enabled: false.`,
          );
        }
        const evalOk = v.int(`${p}.evaluationPeriods`, t.evaluationPeriods, { min: 1, max: MAX_EVALUATION_PERIODS }, 'periods of 60 s');
        const max = evalOk ? (t.evaluationPeriods as number) : MAX_EVALUATION_PERIODS;
        if (
          v.int(`${p}.datapointsToAlarm`, t.datapointsToAlarm, { min: 1, max: MAX_EVALUATION_PERIODS }) &&
          (t.datapointsToAlarm as number) > max
        ) {
          v.error(
            'alarm-datapoints-above-periods',
            `${p}.datapointsToAlarm`,
            `${p}.datapointsToAlarm is ${t.datapointsToAlarm}, above evaluationPeriods (${max}); CloudWatch needs datapointsToAlarm ≤ evaluationPeriods. Fix: lower datapointsToAlarm or raise evaluationPeriods.`,
          );
        }
        const applies =
          key === 'rejectedConnections' || key === 'elb5xx'
            ? types.has('application')
            : key === 'portAllocationErrors'
              ? types.has('network')
              : key === 'route53HealthCheck'
                ? config.dns?.healthChecks === true
                : true;
        if (!applies && t.enabled !== false && cells.length > 0) {
          v.warn(
            'alarm-not-applicable',
            p,
            `${p} is tuned but no cell gets this alarm (${key === 'route53HealthCheck' ? 'dns.healthChecks is off' : key === 'portAllocationErrors' ? 'it is an NLB alarm and the tier has no NLB cell' : 'it is an ALB alarm and the tier has no ALB cell'}). Fix: remove the setting.`,
          );
        }
      }
    }
  }

  if (v.known(o.alarmTopicArn) && (typeof o.alarmTopicArn !== 'string' || !SNS_TOPIC_ARN.test(o.alarmTopicArn))) {
    v.error(
      'alarm-topic-arn-invalid',
      'operations.alarmTopicArn',
      `operations.alarmTopicArn is ${JSON.stringify(o.alarmTopicArn)}; allowed: an SNS topic ARN arn:<partition>:sns:<region>:<12-digit account>:<name>. Fix: copy the topic's ARN from the SNS console or output.`,
    );
  }
  v.bool('operations.dashboard', o.dashboard);
  v.bool('operations.deletionProtection', o.deletionProtection);

  // Logs.
  if (v.known(o.accessLogs)) {
    if (!isObject(o.accessLogs)) {
      v.error(
        'not-an-object',
        'operations.accessLogs',
        `operations.accessLogs is ${JSON.stringify(o.accessLogs)}; it must be { enabled?, retentionDays? }. Fix: e.g. { retentionDays: 30 }.`,
      );
    } else {
      v.bool('operations.accessLogs.enabled', o.accessLogs.enabled);
      v.int(
        'operations.accessLogs.retentionDays',
        o.accessLogs.retentionDays,
        { min: RETENTION_DAYS.min, max: RETENTION_DAYS.max },
        'days',
      );
    }
  }

  // WAF.
  if (v.known(o.waf)) {
    if (!isObject(o.waf)) {
      v.error(
        'not-an-object',
        'operations.waf',
        `operations.waf is ${JSON.stringify(o.waf)}; it must be { enabled?, rateLimitPer5Minutes? }. Fix: e.g. { enabled: true }.`,
      );
    } else {
      v.bool('operations.waf.enabled', o.waf.enabled);
      v.int(
        'operations.waf.rateLimitPer5Minutes',
        o.waf.rateLimitPer5Minutes,
        { min: WAF_RATE_LIMIT.min, max: WAF_RATE_LIMIT.max },
        'requests',
      );
      if (o.waf.enabled === true && cells.length > 0 && !types.has('application')) {
        v.warn(
          'waf-without-alb',
          'operations.waf.enabled',
          'operations.waf.enabled is true but the tier has no ALB cell; AWS WAF cannot be associated with Network Load Balancers, so no web ACL is created. Fix: remove the setting, or filter at the instances.',
        );
      }
    }
  }

  // VPC flow logs.
  if (v.known(o.vpcFlowLogs)) {
    const f: unknown = o.vpcFlowLogs;
    if (!isObject(f)) {
      v.error(
        'not-an-object',
        'operations.vpcFlowLogs',
        `operations.vpcFlowLogs is ${JSON.stringify(f)}; it must be { enabled?, trafficType?, retentionDays? }. Fix: e.g. { trafficType: 'ALL' }, or { enabled: false }.`,
      );
    } else {
      v.bool('operations.vpcFlowLogs.enabled', f.enabled);
      if (v.known(f.trafficType) && !FLOW_LOG_TRAFFIC_TYPES.includes(f.trafficType as string)) {
        v.error(
          'flow-log-traffic-type-invalid',
          'operations.vpcFlowLogs.trafficType',
          `operations.vpcFlowLogs.trafficType is ${JSON.stringify(f.trafficType)}; allowed: 'REJECT' or 'ALL'. Fix: use 'REJECT' (refused flows, the default) or 'ALL'.`,
        );
      }
      if (v.known(f.retentionDays) && !LOG_RETENTION_DAYS.includes(f.retentionDays as number)) {
        v.error(
          'flow-log-retention-invalid',
          'operations.vpcFlowLogs.retentionDays',
          `operations.vpcFlowLogs.retentionDays is ${JSON.stringify(f.retentionDays)}; allowed: one of ${LOG_RETENTION_DAYS.join(', ')} days (CloudWatch Logs retention values). Fix: pick the nearest of those values.`,
        );
      }
    }
  }

  // LCU reservation.
  if (v.known(o.minimumCapacityUnits)) {
    if (!isObject(o.minimumCapacityUnits)) {
      v.error(
        'not-an-object',
        'operations.minimumCapacityUnits',
        `operations.minimumCapacityUnits is ${JSON.stringify(o.minimumCapacityUnits)}; it must be an object keyed by cell name. Fix: e.g. { a: 100 }.`,
      );
    } else {
      const names = cells.map((c) => c.name).filter((n): n is string => typeof n === 'string');
      for (const [name, units] of Object.entries(o.minimumCapacityUnits)) {
        const p = `operations.minimumCapacityUnits.${name}`;
        const cell = cells.find((c) => c.name === name);
        if (cell === undefined) {
          v.error(
            'lcu-reservation-unknown-cell',
            p,
            `${p}: the tier has no cell named "${name}"; known cells: ${names.map((n) => `"${n}"`).join(', ')}. Fix: key the reservation by a cell name.`,
          );
          continue;
        }
        v.int(p, units, { min: 1, max: 1_000_000 }, 'LCUs');
        if (
          (cell.loadBalancerType ?? DEFAULTS.cell.loadBalancerType) === 'network' &&
          (cell.nlbListenerProtocol ?? DEFAULTS.cell.nlbListenerProtocol) === 'TLS'
        ) {
          v.error(
            'lcu-reservation-nlb-tls',
            p,
            `${p}: cell "${name}" is an NLB with a TLS listener, and AWS does not support LCU reservation on NLBs using TLS listeners (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/request-capacity-unit-reservation.html). Fix: remove the reservation, or use nlbListenerProtocol 'TCP'.`,
          );
        }
      }
    }
  }
  return issues;
}
