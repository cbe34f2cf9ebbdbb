/** The dashboard layout of a tier: a summary row and one row per cell. */
import {
  activeConnectionsMetric,
  CONNECTION_GAUGE,
  elb5xxMetric,
  groupMetric,
  hostCountMetric,
  metricSpecOf,
  type MetricSpec,
  newConnectionsMetric,
  portAllocationErrorsMetric,
  rejectedConnectionsMetric,
  resetMetric,
  route53HealthCheckStatusMetric,
  targetConnectionErrorsMetric,
} from '../metrics';
import type { CellWithoutOperations } from './alarms';
import type { ResolvedDashboardRow, ResolvedDashboardWidget, ResolvedWidgetMetric } from './types';

const ROW_HEIGHT = 6;

function widget(title: string, width: number, metrics: ResolvedWidgetMetric[], stacked = false): ResolvedDashboardWidget {
  return { title, width, height: ROW_HEIGHT, metrics, stacked };
}

/** One metric per cell, labelled with the cell name (summary row). */
function perCell(
  cells: readonly CellWithoutOperations[],
  spec: (cell: CellWithoutOperations) => MetricSpec | undefined,
): ResolvedWidgetMetric[] {
  return cells.flatMap((c) => {
    const m = spec(c);
    return m ? [{ cell: c.name, metric: { ...m, label: `${c.name}: ${m.label ?? m.metricName}` } }] : [];
  });
}

/**
 * The dashboard: a tier summary row (connections, new connections, healthy hosts and in-service
 * instances of every cell, stacked), then one row per cell with six graphs of width 4:
 * connections (ALB active/new/rejected; NLB active flows/new flows/port-allocation errors),
 * errors (ALB target connection errors and ELB 5xx; NLB ELB/target/client resets), healthy and
 * unhealthy hosts, the Route 53 health-check status (when the cell has one), Auto Scaling in-service
 * versus terminating instances (terminating includes Terminating:Wait, i.e. draining), and the
 * servers' connection gauge per instance (Average and Maximum).
 */
export function dashboardRows(cells: readonly CellWithoutOperations[]): ResolvedDashboardRow[] {
  const summary: ResolvedDashboardRow = {
    title: 'Tier summary',
    widgets: [
      widget(
        'WebSocket connections per cell',
        6,
        perCell(cells, (c) => ({
          ...metricSpecOf(activeConnectionsMetric(c.loadBalancerType)),
          label: c.loadBalancerType === 'application' ? 'ActiveConnectionCount (2 per socket)' : 'ActiveFlowCount',
        })),
        true,
      ),
      widget(
        'New connections per cell',
        6,
        perCell(cells, (c) => metricSpecOf(newConnectionsMetric(c.loadBalancerType), 'new connections')),
        true,
      ),
      widget(
        'Healthy hosts per cell',
        6,
        perCell(cells, (c) => hostCountMetric(c.loadBalancerType, 'healthy', 'Minimum')),
        true,
      ),
      widget(
        'In-service instances per cell',
        6,
        perCell(cells, () => groupMetric('GroupInServiceInstances', 'Maximum', 'in service')),
        true,
      ),
    ],
  };
  return [summary, ...cells.map(cellRow)];
}

function cellRow(cell: CellWithoutOperations): ResolvedDashboardRow {
  const type = cell.loadBalancerType;
  const isAlb = type === 'application';
  const m = (metric: MetricSpec): ResolvedWidgetMetric => ({ cell: cell.name, metric });
  const connections = isAlb
    ? [
        metricSpecOf(activeConnectionsMetric(type), 'Active connections (2 per socket)'),
        metricSpecOf(newConnectionsMetric(type), 'New connections'),
        rejectedConnectionsMetric(),
      ]
    : [
        metricSpecOf(activeConnectionsMetric(type), 'Active flows'),
        metricSpecOf(newConnectionsMetric(type), 'New flows'),
        portAllocationErrorsMetric(),
      ];
  const errors = isAlb
    ? [targetConnectionErrorsMetric(), elb5xxMetric()]
    : [resetMetric('ELB'), resetMetric('Target'), resetMetric('Client')];
  const widgets = [
    widget(isAlb ? 'Connections (active, new, rejected)' : 'Flows (active, new, port-allocation errors)', 4, connections.map(m)),
    widget(isAlb ? 'Target connection errors and ELB 5xx' : 'TCP resets (ELB, target, client)', 4, errors.map(m)),
    widget('Healthy and unhealthy hosts', 4, [
      m(hostCountMetric(type, 'healthy', 'Minimum')),
      m(hostCountMetric(type, 'unhealthy', 'Maximum')),
    ]),
    widget('Route 53 health check', 4, cell.dns.healthCheck ? [m(route53HealthCheckStatusMetric())] : []),
    widget('Instances: in service vs terminating (draining)', 4, [
      m(groupMetric('GroupInServiceInstances', 'Maximum', 'In service')),
      m(groupMetric('GroupTerminatingInstances', 'Maximum', 'Terminating (incl. Terminating:Wait)')),
    ]),
    widget('Connections per instance (server gauge)', 4, [
      m(metricSpecOf(CONNECTION_GAUGE, 'Average')),
      m({ ...metricSpecOf(CONNECTION_GAUGE, 'Maximum'), statistic: 'Maximum' }),
    ]),
  ];
  return { title: `Cell ${cell.name} (${isAlb ? 'ALB' : 'NLB'})`, widgets };
}
