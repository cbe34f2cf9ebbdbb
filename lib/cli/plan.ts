/**
 * `websocket-tier plan`: the capacity and cost planner on the command line.
 *
 *   websocket-tier plan --connections 2000000 --lb nlb --framework ws --instance-type m7g.large
 *   websocket-tier plan --connections 2000000 --json
 *   websocket-tier plan --connections 2000000 --chart cost.svg
 *
 * Flags map one-to-one to `CapacityConfig` fields (see `FLAG_OF`); validation is the core's
 * `validateCapacity()`, so the CLI and the constructs refuse the same inputs with the same words.
 */
import * as fs from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import Table from 'cli-table3';
import { type CapacityConfig, type CapacityPlan, planCapacity, type ServerFramework, validateCapacity } from '../core/capacity';
import { errorsOf } from '../core/issues';
import { chartSpec, costCurves, renderSvg } from './chart';
import { CliError, type CliIo } from './io';

/** The flag that sets each `CapacityConfig` field (used to point error messages at the flag). */
export const FLAG_OF: Readonly<Record<string, string>> = {
  peakConnections: '--connections',
  newConnectionsPerSecond: '--new-per-second',
  reconnectStormConnectionsPerSecond: '--storm-per-second',
  messagesPerSecond: '--messages-per-second',
  messageBytes: '--message-bytes',
  fanOut: '--fan-out',
  framework: '--framework',
  'framework.bytesPerConnection': '--framework',
  headroomPercent: '--headroom',
  maxConnectionsPerInstance: '--max-per-instance',
  processesPerInstance: '--processes',
  backplane: '--backplane',
  cacheNodeType: '--cache-node-type',
  loadBalancerType: '--lb',
  tlsTermination: '--tls',
  instanceType: '--instance-type',
  cells: '--cells',
  connectionsPerCellLimit: '--cell-limit',
  fileDescriptorLimit: '--fd-limit',
  pingIntervalSeconds: '--ping-interval',
  route53HealthChecks: '--route53-health-checks',
  availabilityZones: '--azs',
  minInstancesPerCell: '--min-instances',
  nlbClientIpPreservation: '--no-client-ip-preservation',
};

/** Decimal notation only (digits, `_` between digits, a fraction, an exponent): no 0x, 0b, 0o, Infinity. */
const DECIMAL = /^[+-]?\d+(?:_\d+)*(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Parse a flag value as a finite decimal number; range checks are the core's. */
export function number(value: string): number {
  const v = value.trim();
  if (!DECIMAL.test(v)) {
    const hint = /^[+-]?0[xXbBoO]/.test(v) ? ' (hexadecimal, binary and octal are refused: write it in decimal)' : '';
    throw new InvalidArgumentError(
      `'${value}' is not a decimal number${hint}. Allowed: digits, optionally with _ between them, e.g. 2_000_000.`,
    );
  }
  return Number(v.replace(/_/g, ''));
}

/**
 * The flag that sets a capacity field, from the field's path (`peakConnections`, or
 * `capacity.peakConnections` in a tier): core spells every field in its messages through this
 * (`FieldName`), so the CLI's errors name flags without rewriting message text.
 * @returns the path itself for a field no flag sets
 */
export function flagOf(path: string): string {
  return FLAG_OF[path.replace(/^capacity\./, '')] ?? path;
}

function framework(value: string): ServerFramework {
  if (value === 'ws' || value === 'socket.io') return value;
  if (DECIMAL.test(value.trim())) return { bytesPerConnection: Number(value.trim().replace(/_/g, '')) };
  throw new InvalidArgumentError(`'${value}' is not 'ws', 'socket.io' or a measured number of bytes per connection.`);
}

/** Options as commander hands them over. */
interface PlanOptions {
  connections: number;
  lb: 'alb' | 'nlb';
  tls?: 'load-balancer' | 'instance';
  framework?: ServerFramework;
  instanceType?: string;
  newPerSecond?: number;
  stormPerSecond?: number;
  messagesPerSecond?: number;
  messageBytes?: number;
  fanOut?: number;
  headroom?: number;
  cells?: number;
  cellLimit?: number;
  maxPerInstance?: number;
  processes?: number;
  backplane?: 'broadcast' | 'sharded' | 'none';
  cacheNodeType?: string;
  fdLimit?: number;
  pingInterval?: number;
  clientIpPreservation: boolean;
  route53HealthChecks?: boolean;
  azs?: number;
  minInstances?: number;
  json?: boolean;
  chart?: string;
}

/** The `CapacityConfig` a set of flags describes. */
export function capacityInputFromOptions(o: PlanOptions): CapacityConfig {
  return {
    peakConnections: o.connections,
    loadBalancerType: o.lb === 'nlb' ? 'network' : 'application',
    tlsTermination: o.tls,
    framework: o.framework,
    instanceType: o.instanceType,
    newConnectionsPerSecond: o.newPerSecond,
    reconnectStormConnectionsPerSecond: o.stormPerSecond,
    messagesPerSecond: o.messagesPerSecond,
    messageBytes: o.messageBytes,
    fanOut: o.fanOut,
    headroomPercent: o.headroom,
    cells: o.cells,
    connectionsPerCellLimit: o.cellLimit,
    maxConnectionsPerInstance: o.maxPerInstance,
    processesPerInstance: o.processes,
    backplane: o.backplane,
    cacheNodeType: o.cacheNodeType,
    fileDescriptorLimit: o.fdLimit,
    pingIntervalSeconds: o.pingInterval,
    nlbClientIpPreservation: o.clientIpPreservation,
    route53HealthChecks: o.route53HealthChecks,
    availabilityZones: o.azs,
    minInstancesPerCell: o.minInstances,
  };
}

/** Register `plan` on a program. */
export function addPlanCommand(program: Command, io: CliIo): Command {
  return program
    .command('plan')
    .description(
      'Size a WebSocket tier (connections per instance, instances, cells, capacity units, host limits, backplane) and price it next to API Gateway WebSocket APIs.',
    )
    .requiredOption('--connections <n>', 'concurrent connections at peak, whole tier', number)
    .addOption(new Option('--lb <type>', 'load balancer of every cell').choices(['alb', 'nlb']).default('alb'))
    .addOption(
      new Option('--tls <where>', "where TLS terminates ('instance' needs --lb nlb: TCP listener)").choices(['load-balancer', 'instance']),
    )
    .option('--framework <name>', 'server framework: ws, socket.io, or measured bytes per idle connection (default: ws)', framework)
    .option('--instance-type <type>', 'EC2 instance type, e.g. m7g.large, c7g.xlarge, m7i.large, t4g.medium (default: m7g.large)')
    .option('--new-per-second <n>', 'steady new connections per second (default: connections ÷ 3600)', number)
    .option('--storm-per-second <n>', 'new connections per second in a reconnect storm (default: connections ÷ 60)', number)
    .option('--messages-per-second <n>', 'messages published per second, whole tier (default: 0)', number)
    .option('--message-bytes <n>', 'payload bytes per message (default: 100)', number)
    .option('--fan-out <n>', 'clients each message reaches (default: 1)', number)
    .option('--headroom <percent>', 'share of the per-instance maximum kept free (default: 30)', number)
    .option('--cells <n>', 'number of cells (default: connections ÷ --cell-limit, rounded up)', number)
    .option('--cell-limit <n>', 'most connections per cell when choosing the cell count (default: 1000000)', number)
    .option('--max-per-instance <n>', 'per-instance maximum you measured (replaces the memory/CPU estimate)', number)
    .option('--processes <n>', 'server processes per instance; CPU counts min(vCPUs, processes) (default: 1)', number)
    .addOption(
      new Option('--backplane <mode>', 'Redis backplane (default: broadcast when messages > 0)').choices(['broadcast', 'sharded', 'none']),
    )
    .option('--cache-node-type <type>', 'ElastiCache node type of the backplane (default: cache.r7g.large)')
    .option('--fd-limit <n>', 'LimitNOFILE of the server unit (default: 1048576)', number)
    .option('--ping-interval <s>', 'server ping interval, seconds (default: 25)', number)
    .option('--no-client-ip-preservation', 'NLB: client IP preservation off (address translation: 55,000 connections per target)')
    .option('--route53-health-checks', 'one Route 53 HTTPS health check per cell')
    .option('--azs <n>', 'availability zones per load balancer (default: 2)', number)
    .option('--min-instances <n>', 'fewest instances per cell (default: 2)', number)
    .option('--json', 'print the plan as JSON')
    .option('--chart <file.svg>', 'also draw monthly cost and instances vs connections (10k–10M) for ALB, NLB and API Gateway')
    .action(async (o: PlanOptions) => {
      const input = capacityInputFromOptions(o);
      const errors = errorsOf(validateCapacity(input, '', undefined, flagOf));
      if (errors.length > 0) {
        throw new CliError(errors.map((e) => issueLine(e.path, e.message)).join('\n'));
      }
      // Tables name flags; --json keeps the API's field paths (it is data, like planCapacity's own result).
      const plan = planCapacity(input, o.json ? {} : { fieldName: flagOf });
      io.stdout(o.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
      if (o.chart) {
        const svg = await renderSvg(chartSpec(costCurves(input)));
        fs.writeFileSync(o.chart, svg);
        if (!o.json) io.stdout(`Chart written to ${o.chart}\n`);
      }
    });
}

// ---------------------------------------------------------------------------------------------

/** One issue as `--flag: message` (core already spelled its fields as flags); no repeated flag when the message starts with it. */
function issueLine(fieldPath: string, message: string): string {
  const flag = flagOf(fieldPath);
  return message.startsWith(flag) ? message : `${flag}: ${message}`;
}

/**
 * API Gateway's monthly cost next to the tier's: a multiple when it costs more, a percentage when
 * that rounds to at least 1 %, otherwise both amounts (never "0 %").
 */
export function apiGatewayComparison(apiGateway: number, tier: number): string {
  if (tier <= 0) return `API Gateway would cost ${usd(apiGateway)} a month.`;
  const ratio = apiGateway / tier;
  if (ratio >= 1) return `API Gateway would cost ${ratio.toFixed(1)}× this tier (${usd(apiGateway)} vs ${usd(tier)} a month).`;
  if (ratio >= 0.01)
    return `API Gateway would cost ${Math.round(ratio * 100)} % of this tier (${usd(apiGateway)} vs ${usd(tier)} a month).`;
  return `API Gateway would cost ${usd(apiGateway)} a month, under 1 % of this tier's ${usd(tier)} a month.`;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const units = (n: number): string => (n >= 100 ? int(n) : n.toFixed(n >= 10 ? 1 : 2));
const usd = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function table(head?: string[]): Table.Table {
  return new Table({ head: head ?? [], style: { head: [], border: [], compact: true } });
}

const DIMENSION_NAMES: Record<string, string> = {
  newConnections: 'new connections/s',
  activeConnections: 'active connections',
  processedBytes: 'processed bytes',
  ruleEvaluations: 'rule evaluations/s',
};

/** The plan as readable tables. */
export function formatPlan(plan: CapacityPlan): string {
  const r = plan.input;
  const pi = plan.perInstance;
  const lb = plan.loadBalancer;
  const fw = typeof r.framework === 'object' ? `${int(r.framework.bytesPerConnection)} B/conn (measured)` : r.framework;
  const out: string[] = [];
  out.push(
    `Plan: ${int(r.peakConnections)} connections at peak · ${lb.type === 'application' ? 'ALB' : 'NLB'} (${lb.listenerProtocol} listener, TLS on the ${r.tlsTermination === 'instance' ? 'instances' : 'load balancer'}) · ${r.instanceType} · ${fw}`,
    `      ${units(r.newConnectionsPerSecond)} new/s steady, ${units(r.reconnectStormConnectionsPerSecond)} new/s in a storm · ${units(r.messagesPerSecond)} msg/s × ${r.fanOut} fan-out × ${int(r.messageBytes)} B · headroom ${r.headroomPercent} %`,
    '',
  );

  const inst = table(['Per instance', 'Value']);
  const lim = (name: string, key: string, n: number | undefined): void => {
    if (n !== undefined) inst.push([`  limit: ${name}${pi.limitedBy === key ? '  ← binding' : ''}`, int(n)]);
  };
  inst.push(['Max connections', int(pi.maxConnections)], ['Scaling target (connections/instance)', int(pi.targetConnections)]);
  lim('memory', 'memory', pi.limits.memory);
  lim('file descriptors', 'file-descriptors', pi.limits.fileDescriptors);
  lim('CPU (heuristic)', 'cpu', pi.limits.cpu);
  lim('NLB 55,000 per target', 'nlb-target', pi.limits.nlbTarget);
  lim('measured', 'measured', pi.limits.measured);
  inst.push(
    [
      'Bytes per connection',
      `${int(pi.bytesPerConnection.total)} (app ${int(pi.bytesPerConnection.framework)}${pi.bytesPerConnection.tls ? ` + TLS ${int(pi.bytesPerConnection.tls)}` : ''} + kernel ${int(pi.bytesPerConnection.kernel)})`,
    ],
    ['CPU at target (estimate)', `${Math.round(pi.cpuPercentAtTarget)} %`],
  );
  out.push(inst.toString());

  const fleet = table(['Fleet', 'Value']);
  fleet.push(
    ['Cells (load balancers)', int(plan.cells)],
    ['Connections per cell', int(plan.connectionsPerCell)],
    ['Instances per cell: min / max', `${int(plan.perCell.minCapacity)} / ${int(plan.perCell.maxCapacity)}`],
    ['Instances at peak, total', int(plan.totalInstancesAtPeak)],
  );
  out.push(fleet.toString());

  const lbt = table([`${lb.unit} per cell (${lb.type === 'application' ? 'ALB' : `NLB ${lb.listenerProtocol}`})`, 'Steady', '']);
  for (const [dim, n] of Object.entries(lb.unitsByDimension)) {
    lbt.push([DIMENSION_NAMES[dim] ?? dim, units(n ?? 0), dim === lb.billedDimension ? '← billed' : '']);
  }
  lbt.push(['Reconnect storm (pre-warm / reserve)', units(lb.stormUnitsPerCell), '']);
  if (lb.nlbConnectionsPerTargetLimit) lbt.push(['NLB per-target limit (translation)', int(lb.nlbConnectionsPerTargetLimit), '']);
  out.push(lbt.toString());

  const host = table(['Host limits to set', 'Value']);
  host.push(
    ['LimitNOFILE (server unit)', int(plan.host.limitNoFile)],
    ['listen() backlog', int(plan.host.listenBacklog)],
    ['net.core.somaxconn', int(plan.host.somaxconn)],
    ['net.ipv4.tcp_max_syn_backlog', int(plan.host.tcpMaxSynBacklog)],
    ['Storm arrivals per instance per second', int(plan.host.stormConnectionsPerInstancePerSecond)],
  );
  out.push(host.toString());

  const b = plan.backplane;
  const bp = table(['Backplane (Redis)', 'Value']);
  if (b.mode === 'none') {
    bp.push(['Mode', 'none (no messages cross servers)']);
  } else {
    bp.push(
      ['Mode', b.mode],
      ['Deliveries to clients per second', int(b.clientDeliveriesPerSecond)],
      ['Redis deliveries per second', int(b.redisDeliveriesPerSecond)],
      ['Budget per primary (measured)', int(b.budgetPerPrimary)],
      [
        'Utilization',
        `${b.utilizationPercent.toFixed(1)} % over ${b.primaries} primar${b.primaries === 1 ? 'y' : 'ies'} (${b.cacheNodeType}, + 1 replica each)`,
      ],
    );
  }
  out.push(bp.toString());

  const c = plan.monthlyCost;
  const a = plan.apiGateway;
  const cost = table(['Monthly cost (730 h, USD)', 'This tier', 'API Gateway WebSocket']);
  cost.push(
    [`EC2 (${int(plan.totalInstancesAtPeak)} × ${r.instanceType})`, usd(c.ec2), ''],
    ['EBS root volumes (gp3)', usd(c.ebs), ''],
    [`Load balancer hours (${plan.cells})`, usd(c.loadBalancerHours), ''],
    [`${lb.unit}s (${units(lb.billedUnitsPerCell)} per cell)`, usd(c.loadBalancerCapacityUnits), ''],
    ['Public IPv4 on load balancers', usd(c.publicIpv4), ''],
    [`Route 53 queries (~${int(plan.route53QueriesPerMonth / 1e6)} M alias, free)`, usd(c.route53Queries), ''],
    ['Route 53 health checks', usd(c.route53HealthChecks), ''],
    ['ElastiCache backplane', usd(c.elastiCache), ''],
    [`Connection minutes (${int(a.connectionMinutesPerMonth / 1e6)} M)`, '', usd(a.connectionMinutesCost)],
    [`Messages (${int(a.messagesPerMonth / 1e6)} M)`, '', usd(a.messagesCost)],
    ['Total', usd(c.total), usd(a.total)],
  );
  out.push(cost.toString());
  out.push(apiGatewayComparison(a.total, c.total));
  for (const n of a.notes) out.push(`API Gateway: ${n}.`);
  if (plan.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of plan.warnings) out.push(`  - ${issueLine(w.path, w.message)}`);
  }
  out.push('', 'Assumptions:');
  for (const s of plan.assumptions) out.push(`  - ${s}`);
  return `${out.join('\n')}\n`;
}
