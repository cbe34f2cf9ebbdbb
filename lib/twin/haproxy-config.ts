/**
 * The local twin's HAProxy configuration, generated from the same resolved tier the renderers
 * use, so the timers, stickiness and health checks a developer tests against on loopback are the
 * ones the cell's load balancer gets. Pure text; `lib/twin` runs it.
 *
 * Mapping (resolved cell → HAProxy 2.6):
 * - effective idle timeout (ALB `idle_timeout`, NLB TCP idle timeout, or NLB TLS fixed 350 s) →
 *   `timeout client`, `timeout server`, `timeout tunnel` (the tunnel timeout governs upgraded
 *   WebSockets);
 * - ALB cookie stickiness (`lb_cookie`, `app_cookie`) → an inserted cookie (`cookie … insert
 *   indirect nocache maxlife <cookieDurationSeconds>s`), named `AWSALB` for `lb_cookie` and the
 *   configured name for `app_cookie`; NLB `source_ip` → a source-address stick table;
 * - target-group health check → `option httpchk GET <path>`, `http-check expect`, `inter`,
 *   `fall` (unhealthy threshold), `rise` (healthy threshold), `timeout check`;
 * - routing → `balance leastconn` (ALB's `least_outstanding_requests` is UNCONFIRMED to count
 *   open WebSockets; least connections is what a WebSocket tier wants);
 * - deregistration → nodes are drained through the HAProxy runtime API (`set server … state
 *   drain`), the twin's stand-in for the target group's deregistration;
 * - client address: ALB cells → `option forwardfor` (HAProxy adds an `X-Forwarded-For` header with
 *   the client address, which Node joins after any the client sent, so the right-most entry is the
 *   proxy's, as with the ALB's
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html);
 *   NLB cells with proxy protocol (`WST_PROXY_PROTOCOL=1` in the cell's server environment, or the
 *   `proxyProtocol` option) → `mode tcp` (one backend connection per client connection, as on the
 *   NLB) and `send-proxy-v2 check-send-proxy` on every server (health checks carry the header too,
 *   as the NLB's do:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol).
 * Not modelled: TLS (the twin listens on plain HTTP), a health port different from the traffic
 * port (each node answers health on its traffic port), cross-zone and DNS weights, and NLB client
 * IP preservation without proxy protocol (the servers then see HAProxy's loopback address).
 * HAProxy reference: https://docs.haproxy.org/2.6/configuration.html
 */
import type { ResolvedCell, ResolvedTier } from '../core/resolved';
import { RUNTIME_ENV } from '../core/server-contract';

/** One backend process slot. */
export interface LocalTwinNode {
  /** HAProxy server name and stickiness cookie value: `[a-z0-9-]+`. */
  readonly name: string;
  readonly port: number;
  /** False: declared but `disabled`, to be enabled later through the runtime API (scale-out). */
  readonly enabled: boolean;
}

/** Options of `localTwinHaproxyConfig`. */
export interface LocalTwinOptions {
  /** Which cell to model. @default the first cell */
  readonly cellName?: string;
  /** Loopback port HAProxy listens on (plain HTTP), 1–65535. */
  readonly frontendPort: number;
  readonly nodes: readonly LocalTwinNode[];
  /** Unix socket path of the HAProxy runtime API (admin level). */
  readonly adminSocketPath: string;
  /** Address to bind and to reach nodes on. @default '127.0.0.1' */
  readonly host?: string;
  /** HAProxy `maxconn` (each proxied socket costs HAProxy 2 descriptors). @default 4000 */
  readonly maxConnections?: number;
  /**
   * Send a PROXY protocol v2 header on every backend connection, health checks included (NLB cells only).
   * @default the cell's server environment has `WST_PROXY_PROTOCOL=1`
   */
  readonly proxyProtocol?: boolean;
}

/** HAProxy backend name of a cell. */
export function twinBackendName(cellName: string): string {
  return `cell_${cellName}`;
}

/** Cookie HAProxy inserts for ALB `lb_cookie` stickiness (ALB's own cookie name). */
export const TWIN_LB_COOKIE = 'AWSALB';

/**
 * `http-check expect` for an ALB matcher: `200` → `status 200`; `200,204` or `200-299` → an
 * `rstatus` regular expression.
 */
export function httpCheckExpect(healthyHttpCodes: string): string {
  if (/^\d{3}$/.test(healthyHttpCodes)) return `status ${healthyHttpCodes}`;
  const parts = healthyHttpCodes.split(',').map((p) => p.trim());
  const alts: string[] = [];
  for (const p of parts) {
    const range = /^(\d{3})-(\d{3})$/.exec(p);
    if (range) {
      for (let c = Number(range[1]); c <= Number(range[2]); c++) alts.push(String(c));
    } else if (/^\d{3}$/.test(p)) {
      alts.push(p);
    } else {
      throw new Error(`healthyHttpCodes is ${JSON.stringify(healthyHttpCodes)}; allowed: codes like "200", "200,204" or "200-299".`);
    }
  }
  return `rstatus ^(${alts.join('|')})$`;
}

/**
 * The HAProxy configuration of the local twin for one cell.
 * @throws Error naming the cell when `cellName` is not in the tier, a node name is invalid, or proxy
 *   protocol is asked of an ALB cell (only NLB target groups send it)
 */
export function localTwinHaproxyConfig(tier: ResolvedTier, options: LocalTwinOptions): string {
  const cell: ResolvedCell | undefined = options.cellName ? tier.cells.find((c) => c.name === options.cellName) : tier.cells[0];
  if (!cell) {
    throw new Error(
      `cellName is ${JSON.stringify(options.cellName)}; allowed: ${tier.cells.map((c) => JSON.stringify(c.name)).join(', ')}. Fix: pick a cell of the tier.`,
    );
  }
  for (const n of options.nodes) {
    if (!/^[a-z0-9-]+$/.test(n.name)) throw new Error(`node name is ${JSON.stringify(n.name)}; allowed: [a-z0-9-]+.`);
  }
  const host = options.host ?? '127.0.0.1';
  const idle = cell.listener.effectiveIdleTimeoutSeconds;
  const hc = cell.targetGroup.healthCheck;
  const st = cell.targetGroup.stickiness;
  const cookieName = st?.type === 'lb_cookie' ? TWIN_LB_COOKIE : st?.type === 'app_cookie' ? (st.cookieName ?? 'AWSALBAPP') : undefined;
  const backend = twinBackendName(cell.name);
  const proxyProtocol = twinProxyProtocol(cell, options.proxyProtocol);
  const mode = proxyProtocol ? 'tcp' : 'http';

  const lines = [
    `# websocket-tier local twin: cell ${cell.name} (${cell.loadBalancerType} load balancer), generated from the resolved tier`,
    'global',
    `  maxconn ${options.maxConnections ?? 4000}`,
    `  stats socket ${options.adminSocketPath} mode 600 level admin`,
    '',
    'defaults',
    '  mode http',
    '  option redispatch 1',
    '  retries 3',
    '  timeout connect 5s',
    `  timeout client ${idle}s`,
    `  timeout server ${idle}s`,
    `  timeout tunnel ${idle}s`,
    '  timeout http-request 10s',
    `  timeout check ${hc.timeoutSeconds}s`,
    '',
    'frontend websocket',
    `  bind ${host}:${options.frontendPort}`,
    ...(mode === 'tcp' ? ['  mode tcp'] : []),
    ...(cell.loadBalancerType === 'application' ? ['  option forwardfor'] : []),
    `  default_backend ${backend}`,
    '',
    `backend ${backend}`,
    ...(mode === 'tcp' ? ['  mode tcp'] : []),
    '  balance leastconn',
    `  option httpchk GET ${hc.path}`,
    `  http-check expect ${httpCheckExpect(hc.healthyHttpCodes)}`,
    `  default-server inter ${hc.intervalSeconds}s fall ${hc.unhealthyThresholdCount} rise ${hc.healthyThresholdCount}`,
  ];
  if (cookieName) {
    lines.push(`  cookie ${cookieName} insert indirect nocache${st?.cookieDurationSeconds ? ` maxlife ${st.cookieDurationSeconds}s` : ''}`);
  } else if (st?.type === 'source_ip') {
    lines.push('  stick-table type ip size 100k expire 30m', '  stick on src');
  }
  for (const n of options.nodes) {
    const pp = proxyProtocol ? ' send-proxy-v2 check-send-proxy' : '';
    lines.push(`  server ${n.name} ${host}:${n.port} check${pp}${cookieName ? ` cookie ${n.name}` : ''}${n.enabled ? '' : ' disabled'}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Whether the twin's HAProxy sends PROXY protocol v2 to a cell's servers: the explicit option, else
 * the cell's server environment (`WST_PROXY_PROTOCOL=1`, what the servers themselves read).
 * @throws Error when it is on for an ALB cell
 */
export function twinProxyProtocol(cell: ResolvedCell, option?: boolean): boolean {
  const on = option ?? cell.serverEnvironment[RUNTIME_ENV.proxyProtocol] === '1';
  if (on && cell.loadBalancerType !== 'network') {
    throw new Error(
      `proxy protocol is on for cell ${JSON.stringify(cell.name)}, an application load balancer; allowed: network cells only (an ALB passes the client address in X-Forwarded-For instead, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html). Fix: turn it off, or use loadBalancerType 'network'.`,
    );
  }
  return on;
}
