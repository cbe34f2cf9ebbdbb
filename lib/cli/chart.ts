/**
 * `plan --chart FILE.svg`: monthly cost and instance count against concurrent connections
 * (10 thousand to 10 million, log scale) for ALB cells, NLB cells and API Gateway WebSocket APIs,
 * with the points where API Gateway's bill crosses each load-balancer line marked.
 *
 * The curves are pure data (`costCurves()`), the picture a Vega 6 spec (`chartSpec()`), rendered
 * to SVG by `renderSvg()` with Vega's headless view. Vega is ESM-only, so it is loaded with a
 * real dynamic `import()` that TypeScript's CommonJS output leaves alone. Vega is an optional peer
 * dependency: only `renderSvg()` loads it, and says which package to install when it is absent.
 */
import { type CapacityConfig, type CapacityPlan, planCapacity } from '../core/capacity';
import { CliError } from './io';

/** One series name on the chart. */
export type ChartSeries = 'ALB' | 'NLB' | 'API Gateway';

/** One point of one series. */
export interface CurvePoint {
  readonly series: ChartSeries;
  readonly connections: number;
  /** Monthly cost, USD. */
  readonly monthlyCost: number;
  /** EC2 instances at peak (0 for API Gateway). */
  readonly instances: number;
}

/** Where API Gateway's monthly cost equals a load-balancer tier's. */
export interface Crossover {
  readonly series: 'ALB' | 'NLB';
  readonly connections: number;
  readonly monthlyCost: number;
}

/** The data behind the chart. */
export interface CostCurves {
  readonly points: readonly CurvePoint[];
  readonly crossovers: readonly Crossover[];
  /** How the NLB series terminates TLS. */
  readonly nlbTls: 'load-balancer' | 'instance';
}

/** Chart range, connections. */
export const CHART_MIN_CONNECTIONS = 1e4;
export const CHART_MAX_CONNECTIONS = 1e7;
const POINTS_PER_DECADE = 12;

/**
 * The plan input at another connection count: per-connection rates (new connections, storms,
 * messages) stay what they were at the base peak; the cell count is re-derived.
 */
function at(
  base: CapacityConfig,
  connections: number,
  lb: 'application' | 'network',
  nlbTls: 'load-balancer' | 'instance',
): CapacityConfig {
  const k = connections / base.peakConnections;
  const scale = (x: number | undefined): number | undefined => (x === undefined ? undefined : x * k);
  return {
    ...base,
    peakConnections: Math.round(connections),
    newConnectionsPerSecond: scale(base.newConnectionsPerSecond),
    reconnectStormConnectionsPerSecond: scale(base.reconnectStormConnectionsPerSecond),
    messagesPerSecond: scale(base.messagesPerSecond),
    cells: undefined,
    loadBalancerType: lb,
    tlsTermination: lb === 'application' ? 'load-balancer' : nlbTls,
  };
}

function tryPlan(input: CapacityConfig): CapacityPlan | undefined {
  try {
    return planCapacity(input);
  } catch {
    return undefined; // a point the planner cannot size (e.g. backplane saturated) is left out
  }
}

/**
 * Cost and instance curves for ALB, NLB and API Gateway from 10k to 10M connections, and the
 * crossovers. The NLB series keeps the base plan's TLS termination when it is an NLB plan, else
 * terminates TLS on the NLB.
 */
export function costCurves(base: CapacityConfig): CostCurves {
  const nlbTls = base.loadBalancerType === 'network' ? (base.tlsTermination ?? 'load-balancer') : 'load-balancer';
  const decades = Math.log10(CHART_MAX_CONNECTIONS / CHART_MIN_CONNECTIONS);
  const xs = Array.from({ length: decades * POINTS_PER_DECADE + 1 }, (_, i) => CHART_MIN_CONNECTIONS * 10 ** (i / POINTS_PER_DECADE));
  const points: CurvePoint[] = [];
  const crossovers: Crossover[] = [];
  for (const [series, lb] of [
    ['ALB', 'application'],
    ['NLB', 'network'],
  ] as const) {
    const diff = (x: number): { d: number; lbCost: number } | undefined => {
      const plan = tryPlan(at(base, x, lb, nlbTls));
      return plan ? { d: plan.apiGateway.total - plan.monthlyCost.total, lbCost: plan.monthlyCost.total } : undefined;
    };
    let prev: { x: number; d: number } | undefined;
    for (const x of xs) {
      const plan = tryPlan(at(base, x, lb, nlbTls));
      if (!plan) {
        prev = undefined;
        continue;
      }
      points.push({ series, connections: x, monthlyCost: plan.monthlyCost.total, instances: plan.totalInstancesAtPeak });
      if (series === 'ALB') points.push({ series: 'API Gateway', connections: x, monthlyCost: plan.apiGateway.total, instances: 0 });
      const d = plan.apiGateway.total - plan.monthlyCost.total;
      if (prev && Math.sign(prev.d) !== Math.sign(d) && d !== 0) {
        // Bisect on log(connections) between the two grid points.
        let lo = prev.x;
        let hi = x;
        const loSign = Math.sign(prev.d);
        for (let i = 0; i < 30; i++) {
          const mid = Math.sqrt(lo * hi);
          const m = diff(mid);
          if (!m) break;
          if (Math.sign(m.d) === loSign) lo = mid;
          else hi = mid;
        }
        const c = Math.round(Math.sqrt(lo * hi));
        const at_ = diff(c);
        if (at_) crossovers.push({ series, connections: c, monthlyCost: at_.lbCost });
      }
      prev = { x, d };
    }
  }
  return { points, crossovers, nlbTls };
}

const COLORS: Record<ChartSeries, string> = { ALB: '#1f77b4', NLB: '#ff7f0e', 'API Gateway': '#2ca02c' };

/** A Vega 6 spec of the curves: cost on top, instances below, shared log-scale x axis. */
export function chartSpec(
  curves: CostCurves,
  title = 'WebSocket tier: monthly cost and instances vs concurrent connections',
): Record<string, unknown> {
  const width = 640;
  const panel = 240;
  const gap = 70;
  const series = Object.keys(COLORS) as ChartSeries[];
  const lines = (y: string, field: 'monthlyCost' | 'instances', data: string) => ({
    type: 'group',
    from: { facet: { name: `${data}-series`, data, groupby: 'series' } },
    marks: [
      {
        type: 'line',
        from: { data: `${data}-series` },
        encode: {
          enter: {
            x: { scale: 'x', field: 'connections' },
            y: { scale: y, field },
            stroke: { scale: 'color', field: 'series' },
            strokeWidth: { value: 2 },
          },
        },
      },
    ],
  });
  const xAxis = { orient: 'bottom', scale: 'x', format: '~s', title: 'Concurrent connections (log scale)', grid: true, gridOpacity: 0.3 };
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width,
    height: panel * 2 + gap,
    padding: 12,
    autosize: 'pad',
    background: 'white',
    title: {
      text: title,
      subtitle: `on-demand us-east-1, peak fleet all month; NLB TLS on the ${curves.nlbTls === 'instance' ? 'instances (TCP listener)' : 'load balancer'}; ${crossoverNote(curves)}`,
    },
    data: [
      {
        name: 'cost',
        values: curves.points.map((p) => ({ series: p.series, connections: p.connections, monthlyCost: Math.max(p.monthlyCost, 1) })),
      },
      {
        name: 'instances',
        values: curves.points
          .filter((p) => p.series !== 'API Gateway')
          .map((p) => ({ series: p.series, connections: p.connections, instances: p.instances })),
      },
      {
        name: 'crossovers',
        values: curves.crossovers.map((c) => ({
          series: c.series,
          connections: c.connections,
          monthlyCost: c.monthlyCost,
          // Two crossovers can sit close together: one label above its circle, one below.
          dy: c.series === 'ALB' ? -12 : 16,
          label: `API Gateway = ${c.series} at ${Intl.NumberFormat('en-US', { notation: 'compact' }).format(c.connections)} (${Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(c.monthlyCost)}/mo)`,
        })),
      },
    ],
    scales: [
      { name: 'x', type: 'log', domain: [CHART_MIN_CONNECTIONS, CHART_MAX_CONNECTIONS], range: 'width' },
      { name: 'color', type: 'ordinal', domain: series, range: series.map((s) => COLORS[s]) },
    ],
    legends: [{ stroke: 'color', title: 'Option', orient: 'top-left', symbolType: 'stroke' }],
    marks: [
      {
        type: 'group',
        encode: { enter: { x: { value: 0 }, y: { value: 0 }, width: { value: width }, height: { value: panel } } },
        scales: [{ name: 'ycost', type: 'log', domain: { data: 'cost', field: 'monthlyCost' }, range: [panel, 0], nice: true }],
        axes: [
          { ...xAxis, title: null },
          { orient: 'left', scale: 'ycost', format: '$~s', title: 'Monthly cost (USD, log)', grid: true, gridOpacity: 0.3 },
        ],
        marks: [
          lines('ycost', 'monthlyCost', 'cost'),
          {
            type: 'symbol',
            from: { data: 'crossovers' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'connections' },
                y: { scale: 'ycost', field: 'monthlyCost' },
                size: { value: 140 },
                stroke: { value: '#d62728' },
                strokeWidth: { value: 2.5 },
                fill: { value: 'transparent' },
              },
            },
          },
          {
            type: 'text',
            from: { data: 'crossovers' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'connections', offset: 8 },
                y: { scale: 'ycost', field: 'monthlyCost' },
                dy: { field: 'dy' },
                text: { field: 'label' },
                fontSize: { value: 11 },
                fill: { value: '#d62728' },
              },
            },
          },
        ],
      },
      {
        type: 'group',
        encode: { enter: { x: { value: 0 }, y: { value: panel + gap }, width: { value: width }, height: { value: panel } } },
        scales: [{ name: 'yinst', type: 'log', domain: { data: 'instances', field: 'instances' }, range: [panel, 0], nice: true }],
        axes: [xAxis, { orient: 'left', scale: 'yinst', format: '~s', title: 'EC2 instances at peak (log)', grid: true, gridOpacity: 0.3 }],
        marks: [lines('yinst', 'instances', 'instances')],
      },
    ],
  };
}

/** What the chart says about crossovers, including when there is none in range. */
export function crossoverNote(curves: CostCurves): string {
  const missing = (['ALB', 'NLB'] as const).filter((lb) => !curves.crossovers.some((c) => c.series === lb));
  const notes = curves.crossovers.length > 0 ? ['circles: API Gateway = load balancer'] : [];
  for (const lb of missing) {
    const first = curves.points.find((p) => p.series === lb);
    const api = first && curves.points.find((p) => p.series === 'API Gateway' && p.connections === first.connections);
    if (first && api) notes.push(`API Gateway costs ${api.monthlyCost > first.monthlyCost ? 'more' : 'less'} than ${lb} across the range`);
  }
  return notes.join('; ');
}

/** ESM `import()` that survives TypeScript's CommonJS emit (Vega 6 ships ESM only). */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

/**
 * Load Vega, an optional peer dependency that only `plan --chart` needs.
 * @throws CliError naming the package to install when Vega is not installed
 */
async function loadVega(): Promise<VegaModule> {
  try {
    return (await importEsm('vega')) as VegaModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliError(
        '--chart needs the optional peer dependency vega, which is not installed. Fix: npm install --save-dev vega@^6.4.0 (or run plan without --chart).',
      );
    }
    throw e;
  }
}

/**
 * Render a Vega spec to SVG text with Vega's headless view.
 * @throws CliError when the optional peer `vega` is not installed (names the package to install)
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await loadVega();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
