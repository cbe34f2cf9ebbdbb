/** `resolveCellOperations()` and `resolveTierOperations()`: every operations default applied. */
import type { TierConfig } from '../config';
import { OPERATIONS_DEFAULTS } from '../defaults';
import { type CellWithoutOperations, resolveCellAlarms } from './alarms';
import { dashboardRows } from './dashboard';
import type { ResolvedCellOperations, ResolvedTierOperations } from './types';

export type { CellWithoutOperations } from './alarms';

/** Operations of one cell. */
export function resolveCellOperations(cell: CellWithoutOperations, config: TierConfig): ResolvedCellOperations {
  const ops = config.operations ?? {};
  const isAlb = cell.loadBalancerType === 'application';
  const logs = ops.accessLogs?.enabled ?? OPERATIONS_DEFAULTS.accessLogs.enabled;
  const waf = ops.waf?.enabled ?? OPERATIONS_DEFAULTS.waf.enabled;
  return {
    deletionProtection: ops.deletionProtection ?? OPERATIONS_DEFAULTS.deletionProtection,
    minimumCapacityUnits: ops.minimumCapacityUnits?.[cell.name],
    accessLogPrefix: logs ? `${cell.name}/access` : undefined,
    connectionLogPrefix: logs && isAlb ? `${cell.name}/connection` : undefined,
    webAclAssociation: waf && isAlb,
    alarms: resolveCellAlarms(cell, config),
  };
}

/** WAF metric names allow `[\w#:.-]`, up to 128 characters. */
function metricPrefixOf(domainName: string): string {
  return `wst-${domainName.replace(/[^A-Za-z0-9-]/g, '-')}`.slice(0, 100);
}

/** Operations of the whole tier (cells already resolved). */
export function resolveTierOperations(config: TierConfig, cells: readonly CellWithoutOperations[]): ResolvedTierOperations {
  const ops = config.operations ?? {};
  const logs = ops.accessLogs?.enabled ?? OPERATIONS_DEFAULTS.accessLogs.enabled;
  const waf = (ops.waf?.enabled ?? OPERATIONS_DEFAULTS.waf.enabled) && cells.some((c) => c.loadBalancerType === 'application');
  return {
    alarmTopicArn: ops.alarmTopicArn,
    logBucket:
      logs && cells.length > 0
        ? {
            retentionDays: ops.accessLogs?.retentionDays ?? OPERATIONS_DEFAULTS.accessLogs.retentionDays,
            encryption: 'S3_MANAGED',
            enforceSsl: true,
            blockPublicAccess: true,
          }
        : undefined,
    webAcl: waf
      ? {
          scope: 'REGIONAL',
          defaultAction: 'allow',
          metricPrefix: metricPrefixOf(config.domainName),
          managedRuleGroup: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet', priority: 0, countRules: ['NoUserAgent_HEADER'] },
          rateRule: {
            name: 'UpgradeRateLimit',
            priority: 1,
            limit: ops.waf?.rateLimitPer5Minutes ?? OPERATIONS_DEFAULTS.waf.rateLimitPer5Minutes,
            evaluationWindowSeconds: 300,
            aggregateKeyType: 'IP',
            scopeDown: { header: 'upgrade', contains: 'websocket', textTransformation: 'LOWERCASE' },
          },
        }
      : undefined,
    dashboard: (ops.dashboard ?? OPERATIONS_DEFAULTS.dashboard) ? { rows: dashboardRows(cells) } : undefined,
    vpcFlowLog:
      (ops.vpcFlowLogs?.enabled ?? OPERATIONS_DEFAULTS.vpcFlowLogs.enabled)
        ? {
            trafficType: ops.vpcFlowLogs?.trafficType ?? OPERATIONS_DEFAULTS.vpcFlowLogs.trafficType,
            retentionDays: ops.vpcFlowLogs?.retentionDays ?? OPERATIONS_DEFAULTS.vpcFlowLogs.retentionDays,
            destination: 'cloud-watch-logs',
          }
        : undefined,
  };
}
