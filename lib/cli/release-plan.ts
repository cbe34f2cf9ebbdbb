/**
 * `websocket-tier release-plan`: what a rolling release of new server code does to a tier, read
 * before you deploy it (core's `planRelease()`).
 *
 *   websocket-tier release-plan --config tier.json
 *   websocket-tier release-plan --config tier.json --batch-size 2 --boot-seconds 120 --json
 *   websocket-tier release-plan --config tier.json --connections 2000000 --chart reconnects.svg
 *
 * Per cell: batches, duration, peak reconnect rate against the load balancer's new-connection
 * budget and the servers' handshake budget, capacity during a batch; the total release time (cells
 * one at a time); where a draining cell's clients go. Settings that exceed the handshake budget or
 * drop capacity below the plan are refused with core's error format, naming the flags.
 */
import * as fs from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import Table from 'cli-table3';
import type { TierConfig } from '../core/config';
import { planRelease, type ReleasePlan } from '../core/release-plan';
import { renderSvg } from './chart';
import type { CliIo } from './io';
import { readTierConfig } from './local';
import { number } from './plan';

/** The flag that sets each release setting (error messages name flags through it). */
export const RELEASE_FLAG_OF: Readonly<Record<string, string>> = {
  'release.batchSize': '--batch-size',
  'release.bootSeconds': '--boot-seconds',
  'capacity.peakConnections': '--connections',
};

/** The flag for a field path, else the path (`release.instances.<cell>` → `--instances`). */
export function releaseFlagOf(path: string): string {
  if (path.startsWith('release.instances.')) return '--instances';
  return RELEASE_FLAG_OF[path] ?? path;
}

/** `a=6,b=4` → `{ a: 6, b: 4 }`. */
function instancesOption(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const m = /^\s*([a-z0-9-]+)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new InvalidArgumentError(`'${part}' is not <cell>=<instances>. Allowed: e.g. a=6,b=4.`);
    out[m[1]] = number(m[2]);
  }
  return out;
}

/** Options as commander hands them over. */
interface ReleasePlanOptions {
  config: string;
  connections?: number;
  batchSize?: number;
  bootSeconds?: number;
  instances?: Record<string, number>;
  launchBeforeTerminate?: boolean;
  json?: boolean;
  chart?: string;
}

/** Register `release-plan` on a program. */
export function addReleasePlanCommand(program: Command, io: CliIo): Command {
  return program
    .command('release-plan')
    .description(
      "Plan a rolling release of new server code: per cell the batches, duration, peak reconnects per second against the load balancer's and the servers' budgets; cells one at a time.",
    )
    .requiredOption('--config <file>', 'tier config (.json, or .js exporting it)')
    .option(
      '--connections <n>',
      "concurrent connections at peak, whole tier (sets capacity.peakConnections; default: the tier's capacity)",
      number,
    )
    .option('--batch-size <n>', 'instances replaced at once in a cell (default: 1)', number)
    .option('--boot-seconds <s>', "seconds until a replacement is healthy (default: the cell's health-check grace period)", number)
    .option(
      '--instances <cell=n,…>',
      'instances per cell when the release runs (default: the plan at peak, else maxCapacity)',
      instancesOption,
    )
    .option('--no-launch-before-terminate', 'terminate a batch before its replacements are up (capacity dips)')
    .option('--json', 'print the plan as JSON')
    .option('--chart <file.svg>', 'also draw reconnects per second over the release')
    .action(async (o: ReleasePlanOptions) => {
      let tier: TierConfig = readTierConfig(o.config);
      if (o.connections !== undefined) tier = { ...tier, capacity: { ...(tier.capacity ?? {}), peakConnections: o.connections } };
      const plan = planRelease(tier, undefined, {
        batchSize: o.batchSize,
        bootSeconds: o.bootSeconds,
        instances: o.instances,
        // commander sets `true` by default for a --no- flag; only an explicit --no-… overrides the tier.
        launchBeforeTerminate: o.launchBeforeTerminate === false ? false : undefined,
        fieldName: o.json ? undefined : releaseFlagOf,
      });
      io.stdout(o.json ? `${JSON.stringify(plan, null, 2)}\n` : formatReleasePlan(plan));
      if (o.chart) {
        fs.writeFileSync(o.chart, await renderSvg(releaseChartSpec(plan)));
        if (!o.json) io.stdout(`Chart written to ${o.chart}\n`);
      }
    });
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '∞');
const rate = (n: number): string => (!Number.isFinite(n) ? '∞' : n >= 100 ? int(n) : n.toFixed(n >= 10 ? 1 : 2));
const ratio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '∞');

/** Seconds as `1 h 02 min 05 s` (or `3 min 10 s`, `45 s`). */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min ${String(r).padStart(2, '0')} s`;
  if (m > 0) return `${m} min ${String(r).padStart(2, '0')} s`;
  return `${r} s`;
}

function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [], compact: true } });
}

/** The plan as readable tables. */
export function formatReleasePlan(plan: ReleasePlan): string {
  const out: string[] = [];
  out.push(
    `Release plan: ${plan.cells.length} cell(s) one at a time (${plan.order.join(' → ')}), batch size ${plan.batchSize} · total ${duration(plan.totalSeconds)} (${int(plan.totalSeconds)} s) · peak ${rate(plan.peakReconnectsPerSecond)} reconnects/s`,
    '',
  );
  const cells = table([
    'Cell',
    'State',
    'Instances',
    'Batches',
    'Per batch',
    'Duration',
    'Starts at',
    'Clients/instance',
    'Peak reconnects/s',
  ]);
  for (const c of plan.cells) {
    cells.push([
      c.cell,
      c.state,
      int(c.instances),
      c.batchInstances.length > 0 ? `${c.batchInstances.length} (${summarize(c.batchInstances)})` : '0',
      duration(c.batchSeconds),
      duration(c.durationSeconds),
      duration(c.startSeconds),
      int(c.clientsPerInstance),
      rate(c.peakReconnectsPerSecond),
    ]);
  }
  out.push(cells.toString());

  const budgets = table([
    'Cell',
    'Load balancer new/s',
    'Ratio',
    'Server budget/instance/s',
    'Ratio',
    'In service',
    'Capacity use during batch',
  ]);
  for (const c of plan.cells) {
    const lb = c.loadBalancer;
    budgets.push([
      c.cell,
      `${int(lb.perSecond)} (${lb.units.toFixed(1)} ${lb.unit}, ${lb.unitsFrom})`,
      ratio(lb.ratio),
      `${int(c.handshake.perSecond)} (${c.handshake.kind === 'tls-on-instance' ? 'TLS handshakes' : 'listen backlog'})`,
      ratio(c.handshake.ratio),
      `${int(c.inServiceDuringBatch)}${c.launchBeforeTerminate ? ' (launch first)' : ''}`,
      `${Math.round(c.capacityDuringBatch.ratio * 100)} %`,
    ]);
  }
  out.push(budgets.toString());

  if (plan.drainedClients) {
    out.push('', `Where the clients of ${plan.drainedClients.from.map((c) => `'${c}'`).join(', ')} go:`);
    const moves = table(['Active cell', 'Before', 'Added', 'After', 'Capacity', 'Use']);
    for (const m of plan.drainedClients.to) {
      moves.push([
        m.cell,
        int(m.connectionsBefore),
        `+${int(m.addedConnections)}`,
        int(m.connectionsAfter),
        int(m.capacityConnections),
        `${Math.round(m.utilizationPercent)} %`,
      ]);
    }
    out.push(moves.toString());
  }
  if (plan.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of plan.warnings) out.push(`  - ${w.message} [${w.code}]`);
  }
  out.push('', 'Assumptions:');
  for (const s of plan.assumptions) out.push(`  - ${s}`);
  return `${out.join('\n')}\n`;
}

/** `[2, 2, 1]` → `2, 2, 1`; long runs as `20 × 1`. */
function summarize(batches: readonly number[]): string {
  if (batches.length <= 4) return batches.join(', ');
  const last = batches[batches.length - 1];
  const head = batches[0];
  const full = batches.filter((b) => b === head).length;
  return last === head ? `${full} × ${head}` : `${full} × ${head}, then ${last}`;
}

/**
 * Reconnects per second over the release as a step line per cell (Vega 6 spec, rendered by
 * `renderSvg()` like `plan --chart`): each batch's drain is a plateau at its rate, zero between.
 */
export function releaseChartSpec(plan: ReleasePlan): Record<string, unknown> {
  const values: { cell: string; minutes: number; reconnectsPerSecond: number }[] = [];
  for (const s of plan.timeline) {
    const a = s.startSeconds / 60;
    const b = s.endSeconds / 60;
    values.push(
      { cell: s.cell, minutes: a, reconnectsPerSecond: 0 },
      { cell: s.cell, minutes: a, reconnectsPerSecond: s.reconnectsPerSecond },
      { cell: s.cell, minutes: b, reconnectsPerSecond: s.reconnectsPerSecond },
      { cell: s.cell, minutes: b, reconnectsPerSecond: 0 },
    );
  }
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 260,
    padding: 12,
    autosize: 'pad',
    background: 'white',
    title: {
      text: 'Release: reconnects per second over time',
      subtitle: `batch size ${plan.batchSize}; cells one at a time (${plan.order.join(' → ')}); total ${duration(plan.totalSeconds)}; peak ${rate(plan.peakReconnectsPerSecond)}/s`,
    },
    data: [{ name: 'reconnects', values }],
    scales: [
      { name: 'x', type: 'linear', domain: [0, Math.max(plan.totalSeconds / 60, 1)], range: 'width' },
      { name: 'y', type: 'linear', domain: { data: 'reconnects', field: 'reconnectsPerSecond' }, range: 'height', nice: true, zero: true },
      { name: 'color', type: 'ordinal', domain: plan.order, range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'Minutes from the start of the release', grid: true, gridOpacity: 0.3 },
      { orient: 'left', scale: 'y', title: 'Clients reconnecting per second', grid: true, gridOpacity: 0.3 },
    ],
    legends: [{ stroke: 'color', title: 'Cell', orient: 'top-right', symbolType: 'stroke' }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'per-cell', data: 'reconnects', groupby: 'cell' } },
        marks: [
          {
            type: 'line',
            from: { data: 'per-cell' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'minutes' },
                y: { scale: 'y', field: 'reconnectsPerSecond' },
                stroke: { scale: 'color', field: 'cell' },
                strokeWidth: { value: 2 },
              },
            },
          },
        ],
      },
    ],
  };
}
