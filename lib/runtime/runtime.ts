/**
 * `WebSocketRuntime`: makes a Node WebSocket server behave the way the tier's infrastructure
 * assumes. Framework-neutral; `attachWebSocketServer` (ws) and `attachSocketIoServer` (socket.io)
 * connect it to a server.
 *
 * What it does:
 * - Readiness and liveness: `handleHealth()` answers the health path with 200 while serving and
 *   503 once draining (the load balancer stops placing new connections there); the liveness path
 *   answers 200 while the process runs.
 * - Drain triggers: SIGTERM; the Auto Scaling target lifecycle state from IMDSv2 (`Terminated`,
 *   `Detached`, `Standby`, `Warmed:*`); a Spot interruption notice; on ECS, the task's
 *   `DesiredStatus` `STOPPED` from the task metadata endpoint v4 (lib/runtime/ecs-task.ts); an
 *   explicit `drain()`.
 * - Paced drain: open sockets are closed at stratified random offsets over the drain window (the
 *   tier's `drainWindowSeconds`, the same number as the ALB deregistration delay minus grace and the
 *   lifecycle hook heartbeat timeout), with 1001 (or 1012) and a JSON retry hint; leftovers are
 *   terminated `drainGraceSeconds` after the window. New connections are refused meanwhile.
 * - NLB path: lifecycle-action heartbeats while draining, CompleteLifecycleAction(CONTINUE) once
 *   the last socket closed, then `drained`.
 * - Pings (`ws` adapter, socket.io options) at the profile's interval, and `applyServerTimeouts()`
 *   for HTTP keep-alive above the load balancer's idle timeout.
 * - Admission: per-node connection cap (1013 beyond it), Origin allowlist (cross-site WebSocket
 *   hijacking), maximum message size (the adapters pass it to the framework).
 * - Client address: `clientAddress(req)` gives the real client behind the load balancer, from the
 *   right-most `X-Forwarded-For` entry (ALB) or the PROXY protocol v2 header (NLB with
 *   `WST_PROXY_PROTOCOL=1`; the adapters then strip the header before the HTTP parser).
 * - Connection gauge: CloudWatch embedded metric format over UDP (`CONNECTION_GAUGE`).
 * - Rebalancing: counts shared through a `ConnectionCountStore` (Redis); sheds above fair share at
 *   a bounded rate with 1013; optional maximum connection lifetime with dither.
 *
 * AWS behaviours the runtime relies on but that AWS does not document:
 * - Whether the ALB force-closes WebSockets still open when the deregistration delay expires. The runtime assumes it does, so it finishes its drain inside the window.
 * - That `autoscaling/target-lifecycle-state` turns `Terminated` when scale-in starts, i.e. before
 *   the deregistration delay has run out, early enough to drain. If it only turns at
 *   `Terminating:Wait`, the ALB path has already lost its sockets; SIGTERM (systemd stop at
 *   shutdown) remains the fallback.
 * - That CompleteLifecycleAction before the instance reaches `Terminating:Wait` fails harmlessly;
 *   the runtime retries it with doubling backoff (`lifecycle.completeAttempts`) and emits `drained`
 *   only once it was acknowledged or the last attempt failed, so a server that exits on `drained`
 *   never exits before the call went out.
 * - The exact scope of scale-in protection does not matter here: the runtime never
 *   sets it.
 * - Spot: the notice comes about two minutes ahead; the window is shortened to fit before it.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import { CLOSE_GOING_AWAY, CLOSE_TRY_AGAIN_LATER, closeReason, connectionLifetimeMs, type DrainCloseCode, drainOffsets } from './close';
import { ecsTaskWatch, type EcsTaskOptions } from './ecs-task';
import { EmfPublisher } from './emf';
import { IMDS_BASE_URL, ImdsClient, isLeavingState } from './imds';
import { type LifecycleActions, type LifecycleActionTarget, sdkLifecycleActions } from './lifecycle';
import { type AllocationMode, type AllocationOptions, type TicketCheck, ticketCheck } from './allocation';
import { type ClientAddress, clientAddressOf, type ForwardedForTrust } from './client-address';
import { LOAD_REPORT_DEFAULT_INTERVAL_MS, type LoadReportOptions, reportLoad } from './load-report';
import { type ConnectionCountStore, REBALANCE_DEFAULTS, type RebalanceOptions, shedCount } from './rebalance';
import { DEFAULTS } from '../core/defaults';
import { ASG_NAME_ENV, EMF_ENDPOINT_ENV, SERVER_ENV } from '../core/server-contract';
import {
  drainGraceSecondsFrom,
  drainWindowSecondsFrom,
  envNumber,
  healthPathFrom,
  keepAliveTimeoutSecondsFrom,
  maxMessageBytesFrom,
  pingIntervalSecondsFrom,
  proxyProtocolFrom,
  RUNTIME_ENV,
  RUNTIME_RANGES,
} from './settings';

/** One connection as the runtime sees it (a `ws` WebSocket already is one). */
export interface RuntimeConnection {
  /** Send a close frame with this code and reason (the client sees both). */
  close(code: number, reason: string): void;
  /** Drop the connection without a close handshake. */
  terminate(): void;
}

/**
 * How to close connections of one kind. Adapters pass one shared closer for all their
 * connections, so tracking allocates nothing per connection beyond a map entry.
 */
export interface ConnectionCloser<T extends object> {
  close(conn: T, code: number, reason: string): void;
  terminate(conn: T): void;
}

/** The closer for connections that implement `RuntimeConnection` themselves. */
export const DIRECT_CLOSER: ConnectionCloser<RuntimeConnection> = {
  close: (conn, code, reason) => conn.close(code, reason),
  terminate: (conn) => conn.terminate(),
};

/** What started a drain. */
export type DrainTrigger = 'signal' | 'lifecycle-state' | 'spot-interruption' | 'ecs-task-stopping' | 'explicit';

/** Serving state. */
export type RuntimeState = 'serving' | 'draining' | 'drained';

/** Admission decision for one HTTP upgrade / handshake. */
export type Admission = { readonly accept: true } | { readonly accept: false; readonly status: 403 | 503; readonly reason: string };

/** IMDS polling options. */
export interface ImdsOptions {
  /** Base URL. @default env `WST_IMDS_BASE_URL`, else `http://169.254.169.254` */
  readonly baseUrl?: string;
  /** Poll interval, ms ≥ 100. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Watch the Spot interruption notice. @default true */
  readonly spot?: boolean;
}

/** Lifecycle-action options (NLB drain path). */
export interface LifecycleOptions {
  /** @default env `WST_LIFECYCLE_HOOK_NAME` */
  readonly lifecycleHookName?: string;
  /** @default env `WST_AUTO_SCALING_GROUP_NAME` */
  readonly autoScalingGroupName?: string;
  /** @default - read from IMDS `instance-id` */
  readonly instanceId?: string;
  /** @default - `sdkLifecycleActions()` (AWS SDK v3, default credentials) */
  readonly actions?: LifecycleActions;
  /** Heartbeat interval while draining, ms ≥ 10. The hook's heartbeat timeout is ≥ 30 s. @default 20000 */
  readonly heartbeatIntervalMs?: number;
  /**
   * Attempts at CompleteLifecycleAction once the last socket closed, integer 1–20; `drained` waits
   * for the first acknowledged one, or for the last failure (then a `warning`).
   * @default 5
   */
  readonly completeAttempts?: number;
  /** Delay before the first retry, ms ≥ 0, doubled on each further retry. @default 1000 */
  readonly completeBackoffMs?: number;
}

/** Connection-gauge options. */
export interface MetricsOptions {
  /** `udp://host:port`. @default env `WST_EMF_ENDPOINT` */
  readonly endpoint?: string;
  /** @default env `WST_AUTO_SCALING_GROUP_NAME`, else `local` */
  readonly autoScalingGroupName?: string;
  /** ms between records, 100–3600000. @default env `WST_METRIC_INTERVAL_MS`, else 60000 (the metric's period) */
  readonly intervalMs?: number;
  /** @default env `WST_METRIC_NAMESPACE`, else `CONNECTION_GAUGE.namespace` */
  readonly namespace?: string;
  /** @default env `WST_METRIC_NAME`, else `CONNECTION_GAUGE.metricName` */
  readonly metricName?: string;
}

/** Rebalancing: where counts are shared, plus the shedding knobs. */
export interface RuntimeRebalanceOptions extends RebalanceOptions {
  readonly store: ConnectionCountStore;
  /** @default env `WST_NODE_ID`, else `<hostname>-<pid>` */
  readonly nodeId?: string;
}

/** Runtime options. Every field is optional; the environment written by the tier fills most. */
export interface RuntimeOptions {
  /**
   * Drain window, seconds ≥ 0; window + grace ≤ 7200 (the longest lifecycle-hook heartbeat timeout,
   * as the tier requires).
   * @default env `WST_DRAIN_WINDOW_SECONDS`, else the tier's `DEFAULTS.connection.drainWindowSeconds` (300)
   */
  readonly drainWindowSeconds?: number;
  /**
   * Seconds after the window before leftovers are terminated, 0–600 (`LIMITS.drainGraceSeconds`).
   * @default env `WST_DRAIN_GRACE_SECONDS`, else the tier's `DEFAULTS.connection.drainGraceSeconds` (30)
   */
  readonly drainGraceSeconds?: number;
  /**
   * WebSocket ping interval, seconds 1–3600. The `ws` adapter pings every open socket this often and
   * terminates one that has not answered for two intervals (RFC 6455 §5.5.2–5.5.3); the socket.io
   * options set Engine.IO's `pingInterval`/`pingTimeout` from it.
   * @default env `WST_PING_INTERVAL_SECONDS`, else the tier's `DEFAULTS.connection.pingIntervalSeconds` (25)
   */
  readonly pingIntervalSeconds?: number;
  /**
   * HTTP keep-alive timeout, seconds 1–6005: must exceed the load balancer's idle timeout, or the
   * target closes a connection the load balancer still reuses and clients get 502
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
   * `applyServerTimeouts()` sets it on an `http.Server`.
   * @default env `WST_KEEP_ALIVE_TIMEOUT_SECONDS`, else the tier's default ALB idle timeout + 5 s (125)
   */
  readonly keepAliveTimeoutSeconds?: number;
  /** 1001 (leaving) or 1012 (restart). @default 1001 */
  readonly drainCloseCode?: DrainCloseCode;
  /** Upper bound, ms, of the extra random delay hinted to clients on every close. @default env `WST_RETRY_AFTER_MS`, else 1000 */
  readonly retryAfterMs?: number;
  /** @default env `WST_HEALTH_PATH`, else `/healthz` */
  readonly healthPath?: string;
  /** @default `/livez` */
  readonly livenessPath?: string;
  /** Per-node connection cap; beyond it new sockets are closed with 1013. @default env `WST_MAX_CONNECTIONS`, else unlimited */
  readonly maxConnections?: number;
  /**
   * Allowed `Origin` values: exact origins (`https://app.example.com`) or `https://*.example.com`.
   * Requests without an Origin header (non-browser clients) are allowed: cross-site WebSocket
   * hijacking needs a browser, and a non-browser client can send any Origin anyway.
   * @default env `WST_ALLOWED_ORIGINS` (comma-separated), else every origin
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Largest message, bytes, an integer 1–`buffer.constants.MAX_LENGTH`; a bigger one closes the
   * socket with 1009 (`ws`) or the session (socket.io).
   * @default env `WST_MAX_MESSAGE_BYTES`, else `RUNTIME_DEFAULTS.maxMessageBytes` (1048576, 1 MiB)
   */
  readonly maxMessageBytes?: number;
  /**
   * Every connection starts with a PROXY protocol v2 header (NLB target group attribute
   * `proxy_protocol_v2.enabled`, https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol).
   * The adapters then install `acceptProxyProtocol` on the HTTP server (a connection without a
   * valid header is destroyed) and `clientAddress()` reads the header's source.
   * @default env `WST_PROXY_PROTOCOL` is `1`, else false
   */
  readonly proxyProtocol?: boolean;
  /**
   * When `clientAddress()` believes `X-Forwarded-For` (see `ForwardedForTrust`); ignored with proxy protocol.
   * @default 'private-peer' (only from a load balancer's private VPC address)
   */
  readonly forwardedFor?: ForwardedForTrust;
  /** Signals that start a drain. @default ['SIGTERM'] */
  readonly signals?: readonly NodeJS.Signals[];
  /** IMDS polling; `false` turns it off. @default on when env `WST_AUTO_SCALING_GROUP_NAME` or `WST_IMDS_BASE_URL` is set */
  readonly imds?: ImdsOptions | false;
  /** ECS task metadata polling (lib/runtime/ecs-task.ts); `false` turns it off. @default on when env `ECS_CONTAINER_METADATA_URI_V4` is set (by ECS) */
  readonly ecs?: EcsTaskOptions | false;
  /** Lifecycle actions; `false` turns them off. @default on when a hook name is known */
  readonly lifecycle?: LifecycleOptions | false;
  /** Connection gauge; `false` turns it off. @default on when `WST_EMF_ENDPOINT` is set */
  readonly metrics?: MetricsOptions | false;
  /** Rebalancing through a shared count store. @default off */
  readonly rebalance?: RuntimeRebalanceOptions;
  /**
   * Allocation tickets at the upgrade (lib/runtime/allocation.ts, docs/server-contract.md §14):
   * `prefer` refuses an invalid `wst_ticket` with 403, `require` also a missing one.
   * @default env `WST_ALLOCATION` (with `WST_TICKET_KEY`, `WST_TICKET_PREVIOUS_KEY`, `WST_CELL`), else `off`
   */
  readonly allocation?: AllocationOptions | AllocationMode;
  /** Connection-count reports for the endpoint allocator (lib/runtime/load-report.ts). @default off */
  readonly loadReport?: LoadReportOptions;
  /** Maximum connection lifetime, seconds > 0. @default none */
  readonly maxConnectionLifetimeSeconds?: number;
  /** Random amount subtracted from each lifetime, seconds ≥ 0 and < lifetime. @default 10 % of the lifetime */
  readonly connectionLifetimeDitherSeconds?: number;
  /** Uniform [0, 1) source. @default Math.random */
  readonly random?: () => number;
  /** Environment to read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Library defaults of the runtime (the rest come from the tier's environment). */
export const RUNTIME_DEFAULTS = {
  /** The tier's default (lib/core/defaults.ts); the tier writes its own value into the environment. */
  drainGraceSeconds: DEFAULTS.connection.drainGraceSeconds,
  /** The tier's default ping interval, seconds. */
  pingIntervalSeconds: DEFAULTS.connection.pingIntervalSeconds,
  drainCloseCode: CLOSE_GOING_AWAY,
  retryAfterMs: 1000,
  livenessPath: '/livez',
  maxMessageBytes: DEFAULTS.server.maxMessageBytes,
  imdsPollIntervalMs: 5000,
  heartbeatIntervalMs: 20_000,
  completeAttempts: 5,
  completeBackoffMs: 1000,
  metricsIntervalMs: 60_000,
  /** Seconds the Spot drain must finish before the interruption time. */
  spotMarginSeconds: 10,
} as const;

/**
 * Events: `draining` (trigger), `drained` (every socket closed and, when lifecycle actions are on,
 * CompleteLifecycleAction acknowledged or given up on), `lifecycle-heartbeat` / `lifecycle-completed`
 * (target), `shed` (count, why), `warning` (Error: IMDS, Redis or AWS call failures; never thrown).
 */
export class WebSocketRuntime extends EventEmitter {
  readonly drainWindowMs: number;
  readonly drainGraceMs: number;
  /** Ping interval, ms (see `RuntimeOptions.pingIntervalSeconds`). */
  readonly pingIntervalMs: number;
  /** HTTP keep-alive timeout, ms (see `RuntimeOptions.keepAliveTimeoutSeconds`). */
  readonly keepAliveTimeoutMs: number;
  readonly healthPath: string;
  readonly livenessPath: string;
  readonly maxConnections: number;
  readonly maxMessageBytes: number;
  /** Connections start with a PROXY protocol v2 header (see `RuntimeOptions.proxyProtocol`). */
  readonly proxyProtocol: boolean;
  readonly forwardedFor: ForwardedForTrust;
  readonly allowedOrigins?: readonly string[];
  readonly nodeId: string;
  private originMatchers?: ((origin: URL) => boolean)[];
  /** Ticket check at the upgrade; undefined when allocation is `off`. */
  private readonly tickets?: TicketCheck;
  private readonly opts: RuntimeOptions;
  private readonly env: NodeJS.ProcessEnv;
  private readonly random: () => number;
  /** Open connections and how to close each (one shared closer per adapter). */
  private readonly tracked = new Map<object, ConnectionCloser<object>>();
  /** Connections a close frame was sent to. */
  private readonly closing = new WeakSet<object>();
  /** Lifetime timers, only when a maximum lifetime is set. */
  private readonly lifetimes = new Map<object, NodeJS.Timeout>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly signalHandlers: [NodeJS.Signals, () => void][] = [];
  private readonly imds?: ImdsClient;
  private emf?: EmfPublisher;
  private _state: RuntimeState = 'serving';
  private drainPromise?: Promise<void>;
  /** Set once the last socket closed during a drain (completion may still be pending). */
  private emptied = false;
  private onEmpty?: () => void;
  private started = false;

  constructor(options: RuntimeOptions = {}) {
    super();
    this.opts = options;
    const env = (this.env = options.env ?? process.env);
    this.random = options.random ?? Math.random;
    const grace = options.drainGraceSeconds ?? drainGraceSecondsFrom(env);
    checkRange('drainGraceSeconds', grace, RUNTIME_RANGES.drainGraceSeconds.min, RUNTIME_RANGES.drainGraceSeconds.max);
    this.drainGraceMs = grace * 1000;
    const window = options.drainWindowSeconds ?? drainWindowSecondsFrom(env);
    const maxWindow = RUNTIME_RANGES.drainPlusGraceSeconds.max - grace;
    if (!(typeof window === 'number' && window >= 0 && window <= maxWindow)) {
      throw new RangeError(
        `drainWindowSeconds is ${window}; allowed: 0–${maxWindow} (window + drainGraceSeconds ${grace} ≤ ${RUNTIME_RANGES.drainPlusGraceSeconds.max} s, the longest lifecycle-hook heartbeat timeout; the tier refuses more). Fix: shorten the window or the grace.`,
      );
    }
    this.drainWindowMs = window * 1000;
    const ping = options.pingIntervalSeconds ?? pingIntervalSecondsFrom(env);
    checkRange('pingIntervalSeconds', ping, RUNTIME_RANGES.pingIntervalSeconds.min, RUNTIME_RANGES.pingIntervalSeconds.max);
    this.pingIntervalMs = ping * 1000;
    const keepAlive = options.keepAliveTimeoutSeconds ?? keepAliveTimeoutSecondsFrom(env);
    checkRange(
      'keepAliveTimeoutSeconds',
      keepAlive,
      RUNTIME_RANGES.keepAliveTimeoutSeconds.min,
      RUNTIME_RANGES.keepAliveTimeoutSeconds.max,
    );
    this.keepAliveTimeoutMs = keepAlive * 1000;
    this.healthPath = options.healthPath ?? healthPathFrom(env);
    this.livenessPath = options.livenessPath ?? RUNTIME_DEFAULTS.livenessPath;
    this.maxConnections = options.maxConnections ?? envNumber(env, RUNTIME_ENV.maxConnections, 1) ?? Number.POSITIVE_INFINITY;
    checkRange('maxConnections', this.maxConnections, 1, Number.POSITIVE_INFINITY);
    this.maxMessageBytes = options.maxMessageBytes ?? maxMessageBytesFrom(env) ?? RUNTIME_DEFAULTS.maxMessageBytes;
    checkRange('maxMessageBytes', this.maxMessageBytes, RUNTIME_RANGES.maxMessageBytes.min, RUNTIME_RANGES.maxMessageBytes.max);
    if (!Number.isInteger(this.maxMessageBytes)) {
      throw new RangeError(`maxMessageBytes is ${this.maxMessageBytes}; allowed: an integer. Fix: pass a whole number of bytes.`);
    }
    this.proxyProtocol = options.proxyProtocol ?? proxyProtocolFrom(env);
    this.forwardedFor = options.forwardedFor ?? 'private-peer';
    if (!['private-peer', 'always', 'never'].includes(this.forwardedFor)) {
      throw new RangeError(`forwardedFor is ${JSON.stringify(this.forwardedFor)}; allowed: "private-peer", "always" or "never".`);
    }
    const origins =
      options.allowedOrigins ??
      env[RUNTIME_ENV.allowedOrigins]
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    this.allowedOrigins = origins && origins.length > 0 ? origins : undefined;
    if (this.allowedOrigins) this.originMatchers = this.allowedOrigins.map(originMatcher);
    this.nodeId = options.rebalance?.nodeId ?? env[RUNTIME_ENV.nodeId] ?? `${os.hostname()}-${process.pid}`;
    this.tickets = ticketCheck(options.allocation, env);
    if (options.maxConnectionLifetimeSeconds !== undefined) {
      checkRange('maxConnectionLifetimeSeconds', options.maxConnectionLifetimeSeconds, 0.001, Number.MAX_SAFE_INTEGER);
      const dither = options.connectionLifetimeDitherSeconds ?? options.maxConnectionLifetimeSeconds / 10;
      if (!(dither >= 0 && dither < options.maxConnectionLifetimeSeconds)) {
        throw new RangeError(
          `connectionLifetimeDitherSeconds is ${dither}; allowed: 0 ≤ dither < maxConnectionLifetimeSeconds (${options.maxConnectionLifetimeSeconds}). Fix: lower it.`,
        );
      }
    }
    const imdsOn = options.imds !== false && (options.imds !== undefined || !!env[ASG_NAME_ENV] || !!env[RUNTIME_ENV.imdsBaseUrl]);
    if (imdsOn) {
      const o = options.imds || {};
      this.imds = new ImdsClient(o.baseUrl ?? env[RUNTIME_ENV.imdsBaseUrl] ?? IMDS_BASE_URL);
    }
  }

  /** `serving`, `draining` or `drained`. */
  get state(): RuntimeState {
    return this._state;
  }

  /** What the upgrade does with allocation tickets (`off`, `prefer`, `require`). */
  get allocation(): AllocationMode {
    return this.tickets?.mode ?? 'off';
  }

  /** Open connections tracked by this runtime. */
  get connections(): number {
    return this.tracked.size;
  }

  /** Start timers (gauge, IMDS polling, rebalancing) and signal handlers. Idempotent. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    for (const signal of this.opts.signals ?? ['SIGTERM']) {
      const handler = () => void this.drain('signal');
      process.on(signal, handler);
      this.signalHandlers.push([signal, handler]);
    }
    this.startMetrics();
    this.startImds();
    this.startEcsTask();
    this.startRebalance();
    this.startLoadReport();
    return this;
  }

  /** Stop every timer and signal handler (connections are left alone). */
  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const [signal, handler] of this.signalHandlers.splice(0)) process.off(signal, handler);
    for (const t of this.lifetimes.values()) clearTimeout(t);
    this.lifetimes.clear();
    this.emf?.close();
    this.started = false;
  }

  /**
   * Decide on an upgrade / handshake: 503 while draining, 403 for an Origin outside the allowlist,
   * 403 `ticket …` for a missing (`require`) or invalid (`prefer`, `require`) allocation ticket.
   * The connection cap is enforced after the upgrade (`track`), so clients see close code 1013.
   */
  admit(req: Pick<IncomingMessage, 'headers'> & { readonly url?: string }): Admission {
    if (this._state !== 'serving') return { accept: false, status: 503, reason: 'draining' };
    const origin = req.headers.origin;
    if (origin !== undefined && this.originMatchers && !matchOrigin(origin, this.allowedOrigins ?? [], this.originMatchers)) {
      return { accept: false, status: 403, reason: `origin ${origin} not allowed` };
    }
    const refusal = this.tickets?.refusal(req);
    if (refusal !== undefined) return { accept: false, status: 403, reason: refusal };
    return { accept: true };
  }

  /**
   * The real client of a request behind the load balancer: the source of the connection's PROXY
   * protocol v2 header when `proxyProtocol` is on (the socket for the NLB's `LOCAL` health checks),
   * else the right-most `X-Forwarded-For` entry (the one the ALB appended; earlier ones are the
   * client's own claims) when `forwardedFor` trusts the peer, else the socket's peer.
   * Pass the upgrade request (`ws`: the second argument of `connection`) or socket.io's
   * `socket.request`. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html#x-forwarded-for
   */
  clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>): ClientAddress {
    return clientAddressOf(req, { proxyProtocol: this.proxyProtocol, forwardedFor: this.forwardedFor });
  }

  /**
   * Start tracking an accepted connection. Over the cap it is closed at once with 1013; while
   * draining with the drain close code. Call `untrack(conn)` when it closes.
   * @param closer - how to close it (default: its own `close(code, reason)` and `terminate()`)
   * @returns false when the connection was refused (and closed)
   */
  track<T extends object>(conn: T, ...closer: T extends RuntimeConnection ? [ConnectionCloser<T>?] : [ConnectionCloser<T>]): boolean {
    const c = (closer[0] ?? DIRECT_CLOSER) as ConnectionCloser<object>;
    if (this._state !== 'serving') {
      c.close(conn, this.drainCode(), this.reason('drain'));
      return false;
    }
    if (this.tracked.size >= this.maxConnections) {
      c.close(conn, CLOSE_TRY_AGAIN_LATER, this.reason('capacity'));
      this.emit('shed', 1, 'capacity');
      return false;
    }
    this.tracked.set(conn, c);
    const life = this.opts.maxConnectionLifetimeSeconds;
    if (life !== undefined) {
      const dither = this.opts.connectionLifetimeDitherSeconds ?? life / 10;
      const timer = setTimeout(
        () => this.closeOne(conn, CLOSE_TRY_AGAIN_LATER, 'lifetime'),
        connectionLifetimeMs(life * 1000, dither * 1000, this.random),
      );
      timer.unref();
      this.lifetimes.set(conn, timer);
    }
    return true;
  }

  /** Stop tracking a closed connection (idempotent). */
  untrack(conn: object): void {
    if (!this.tracked.delete(conn)) return;
    const timer = this.lifetimes.get(conn);
    if (timer) {
      clearTimeout(timer);
      this.lifetimes.delete(conn);
    }
    this.maybeDrained();
  }

  /**
   * Answer the health and liveness paths. Health: 200 `{"status":"serving","connections":N}`
   * while serving, 503 `{"status":"draining",…}` after. Liveness: always 200.
   * @returns true when the request was answered
   */
  handleHealth(req: Pick<IncomingMessage, 'url' | 'method'>, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== this.healthPath && path !== this.livenessPath) return false;
    const live = path === this.livenessPath;
    const status = live || this._state === 'serving' ? 200 : 503;
    const body = JSON.stringify({ status: live ? 'alive' : this._state, connections: this.tracked.size, node: this.nodeId });
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  /**
   * Drain: readiness 503, new connections refused, open ones closed at stratified random offsets
   * over the window, leftovers terminated after the grace; then the lifecycle action completes.
   * Calling it again returns the same promise.
   * @param windowMs - override the window (e.g. to fit before a Spot interruption)
   * @returns resolves once every connection is closed
   */
  drain(trigger: DrainTrigger = 'explicit', windowMs: number = this.drainWindowMs): Promise<void> {
    if (this.drainPromise) return this.drainPromise;
    this._state = 'draining';
    this.emit('draining', trigger);
    this.drainPromise = new Promise<void>((resolve) => {
      this.once('drained', () => resolve());
    });
    void this.opts.rebalance?.store.remove(this.nodeId).catch((e) => this.warn(e));
    void this.opts.loadReport?.store.remove(this.nodeId).catch((e) => this.warn(e));
    const heartbeat = this.startLifecycleHeartbeat();
    const targets = [...this.tracked.keys()];
    const offsets = drainOffsets(targets.length, Math.max(0, windowMs), this.random);
    const code = this.drainCode();
    targets.forEach((t, i) => {
      const timer = setTimeout(() => this.closeOne(t, code, 'drain'), offsets[i]);
      this.timers.push(timer);
    });
    const hard = setTimeout(() => {
      for (const [conn, closer] of [...this.tracked]) {
        closer.terminate(conn);
        this.tracked.delete(conn);
      }
      this.maybeDrained();
    }, windowMs + this.drainGraceMs);
    this.timers.push(hard);
    this.onEmpty = () => {
      clearTimeout(hard);
      const finish = () => {
        this._state = 'drained';
        this.emit('drained');
      };
      if (heartbeat) void heartbeat.complete().then(finish);
      else finish();
    };
    this.maybeDrained();
    return this.drainPromise;
  }

  private drainCode(): number {
    return this.opts.drainCloseCode ?? RUNTIME_DEFAULTS.drainCloseCode;
  }

  private reason(why: string): string {
    const retryAfterMs = this.opts.retryAfterMs ?? envNumber(this.env, RUNTIME_ENV.retryAfterMs, 0) ?? RUNTIME_DEFAULTS.retryAfterMs;
    return closeReason({ retryAfterMs: Math.round(retryAfterMs), why });
  }

  private closeOne(conn: object, code: number, why: string): void {
    const closer = this.tracked.get(conn);
    if (!closer || this.closing.has(conn)) return;
    this.closing.add(conn);
    try {
      closer.close(conn, code, this.reason(why));
    } catch (e) {
      this.warn(e);
      closer.terminate(conn);
    }
  }

  private maybeDrained(): void {
    if (this._state === 'draining' && this.tracked.size === 0 && !this.emptied && this.onEmpty) {
      this.emptied = true;
      this.onEmpty();
    }
  }

  private warn(e: unknown): void {
    this.emit('warning', e instanceof Error ? e : new Error(String(e)));
  }

  private every(ms: number, fn: () => void | Promise<void>): void {
    const timer = setInterval(() => {
      Promise.resolve()
        .then(fn)
        .catch((e) => this.warn(e));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private startMetrics(): void {
    const m = this.opts.metrics;
    if (m === false) return;
    const endpoint = m?.endpoint ?? this.env[EMF_ENDPOINT_ENV];
    if (!endpoint) return;
    const emf = (this.emf = new EmfPublisher(endpoint));
    const asg = m?.autoScalingGroupName ?? this.env[ASG_NAME_ENV] ?? 'local';
    const namespace = m?.namespace ?? this.env[SERVER_ENV.metricNamespace];
    const metricName = m?.metricName ?? this.env[SERVER_ENV.metricName];
    const send = () =>
      emf.send({ connections: this.tracked.size, autoScalingGroupName: asg, timestampMs: Date.now(), namespace, metricName });
    send();
    this.every(
      m?.intervalMs ?? envNumber(this.env, RUNTIME_ENV.metricIntervalMs, 100, 3_600_000) ?? RUNTIME_DEFAULTS.metricsIntervalMs,
      send,
    );
  }

  private startImds(): void {
    const imds = this.imds;
    if (!imds) return;
    const o = this.opts.imds || {};
    this.every(o.pollIntervalMs ?? RUNTIME_DEFAULTS.imdsPollIntervalMs, async () => {
      if (this._state !== 'serving') return;
      const state = await imds.targetLifecycleState();
      if (state !== undefined && isLeavingState(state)) {
        void this.drain('lifecycle-state');
        return;
      }
      if (o.spot === false) return;
      const spot = await imds.spotInstanceAction();
      if (spot) {
        const untilMs = spot.timeMs - Date.now() - RUNTIME_DEFAULTS.spotMarginSeconds * 1000;
        void this.drain('spot-interruption', Math.max(0, Math.min(this.drainWindowMs, untilMs)));
      }
    });
  }

  /** ECS: drain once the task metadata says the task is being stopped (deregistration has begun). */
  private startEcsTask(): void {
    const watch = ecsTaskWatch(this.opts.ecs, this.env);
    if (!watch) return;
    this.every(watch.intervalMs, async () => {
      if (this._state === 'serving' && (await watch.stopping())) void this.drain('ecs-task-stopping');
    });
  }

  private lifecycleActions(): { actions: LifecycleActions; target: () => Promise<LifecycleActionTarget>; intervalMs: number } | undefined {
    const l = this.opts.lifecycle;
    if (l === false) return undefined;
    const hook = l?.lifecycleHookName ?? this.env[RUNTIME_ENV.lifecycleHookName];
    const asg = l?.autoScalingGroupName ?? this.env[ASG_NAME_ENV];
    if (!hook || !asg) return undefined;
    let instanceId = l?.instanceId;
    const imds = this.imds ?? new ImdsClient(this.env[RUNTIME_ENV.imdsBaseUrl] ?? IMDS_BASE_URL);
    return {
      actions: l?.actions ?? sdkLifecycleActions(),
      intervalMs: l?.heartbeatIntervalMs ?? RUNTIME_DEFAULTS.heartbeatIntervalMs,
      target: async () => {
        instanceId ??= await imds.instanceId();
        if (!instanceId)
          throw new Error(
            'instance id unknown: IMDS meta-data/instance-id returned 404, so the lifecycle action cannot be completed. Fix: pass lifecycle.instanceId, or run on EC2 with IMDSv2 reachable.',
          );
        return { autoScalingGroupName: asg, lifecycleHookName: hook, instanceId };
      },
    };
  }

  /**
   * Heartbeats while draining; `complete()` stops them and sends CONTINUE, retried with doubling
   * backoff, and resolves once it was acknowledged or the last attempt failed (never rejects).
   */
  private startLifecycleHeartbeat(): { complete(): Promise<void> } | undefined {
    const la = this.lifecycleActions();
    if (!la) return undefined;
    const l = this.opts.lifecycle || {};
    const attempts = l.completeAttempts ?? RUNTIME_DEFAULTS.completeAttempts;
    checkRange('lifecycle.completeAttempts', attempts, 1, 20);
    const backoffMs = l.completeBackoffMs ?? RUNTIME_DEFAULTS.completeBackoffMs;
    checkRange('lifecycle.completeBackoffMs', backoffMs, 0, 600_000);
    let stopped = false;
    const beat = async () => {
      if (stopped) return;
      const target = await la.target();
      if (stopped) return;
      await la.actions.recordHeartbeat(target);
      this.emit('lifecycle-heartbeat', target);
    };
    const run = () => beat().catch((e) => this.warn(e));
    const timer = setInterval(run, la.intervalMs);
    timer.unref();
    this.timers.push(timer);
    void run();
    return {
      complete: async () => {
        stopped = true;
        clearInterval(timer);
        for (let i = 1; i <= attempts; i++) {
          try {
            const target = await la.target();
            await la.actions.complete(target, 'CONTINUE');
            this.emit('lifecycle-completed', target);
            return;
          } catch (e) {
            const err = e instanceof Error ? e : new Error(String(e));
            if (i === attempts) {
              this.warn(
                new Error(
                  `CompleteLifecycleAction failed ${attempts} times (last: ${err.message}); draining ends anyway and Auto Scaling continues when the hook's heartbeat timeout expires. Fix: allow autoscaling:CompleteLifecycleAction on the instance role and check the hook name.`,
                ),
              );
              return;
            }
            this.warn(err);
            await new Promise<void>((r) => setTimeout(r, backoffMs * 2 ** (i - 1)));
          }
        }
      },
    };
  }

  /** Load reports for the allocator: every interval while serving (the drain removes the entry). */
  private startLoadReport(): void {
    const l = this.opts.loadReport;
    if (!l) return;
    const interval =
      l.intervalMs ?? envNumber(this.env, RUNTIME_ENV.loadPublishIntervalMs, 1000, 300_000) ?? LOAD_REPORT_DEFAULT_INTERVAL_MS;
    checkRange('loadReport.intervalMs', interval, 1000, 300_000);
    const report = () => reportLoad(l.store, this.nodeId, this._state === 'serving', this.tracked.size, interval);
    void report().catch((e) => this.warn(e));
    this.every(interval, report);
  }

  private startRebalance(): void {
    const r = this.opts.rebalance;
    if (!r) return;
    const interval = r.intervalMs ?? REBALANCE_DEFAULTS.intervalMs;
    checkRange('rebalance.intervalMs', interval, 100, Number.MAX_SAFE_INTEGER);
    this.every(interval, async () => {
      if (this._state !== 'serving') return;
      const own = this.tracked.size;
      await r.store.publish(this.nodeId, own, interval * 3);
      const counts = await r.store.read();
      counts.set(this.nodeId, own);
      const n = shedCount(own, [...counts.values()], r);
      if (n <= 0) return;
      const open = [...this.tracked.keys()].filter((c) => !this.closing.has(c));
      for (let i = 0; i < n && open.length > 0; i++) {
        const j = Math.floor(this.random() * open.length);
        const [t] = open.splice(j, 1);
        this.closeOne(t, CLOSE_TRY_AGAIN_LATER, 'rebalance');
      }
      this.emit('shed', n, 'rebalance');
    });
  }
}

function checkRange(field: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new RangeError(`${field} is ${value}; allowed: ${min}–${max}. Fix: pass a value in range.`);
  }
}

/**
 * A matcher for one allowlist entry: `*` (every origin), an exact origin (`https://app.example.com`,
 * `http://localhost:8080`) or a wildcard (`https://*.example.com`, any subdomain at any depth, not
 * the domain itself). Entries and origins are compared as parsed origins (RFC 6454 §4): scheme,
 * host and port, a default port (443 for https/wss, 80 for http/ws) equal to no port.
 * @throws RangeError naming the entry when it is not an origin (has a path, query, user info, or does not parse)
 */
export function originMatcher(entry: string): (origin: URL) => boolean {
  if (entry === '*') return () => true;
  const wildcard = /^([a-z][a-z0-9+.-]*:\/\/)\*\./i.exec(entry);
  const url = parseOrigin(wildcard ? `${wildcard[1]}wildcard.${entry.slice(wildcard[0].length)}` : entry);
  if (!url) {
    throw new RangeError(
      `allowedOrigins entry ${JSON.stringify(entry)} is not an origin; allowed: "*", scheme://host[:port] or scheme://*.domain[:port], without path, query or user info. Fix: e.g. "https://app.example.com" or "https://*.example.com".`,
    );
  }
  if (!wildcard) return (o) => o.protocol === url.protocol && o.hostname === url.hostname && o.port === url.port;
  const suffix = `.${url.hostname.slice('wildcard.'.length)}`;
  return (o) => o.protocol === url.protocol && o.port === url.port && o.hostname.endsWith(suffix) && o.hostname.length > suffix.length;
}

/** Default ports of the schemes whose default port the URL parser drops (WHATWG URL "special schemes"). */
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** Parse a serialized origin; undefined unless it is exactly scheme://host[:port] (a trailing `/` tolerated). */
function parseOrigin(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.origin === 'null' || url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(url.hostname)) return undefined;
  // Reject anything the URL parser had to repair (backslashes, spaces, percent-escapes in the host);
  // an explicit default port (`https://host:443`) is the same origin as none.
  const bare = text.replace(/\/$/, '').toLowerCase();
  const serialized = `${url.protocol}//${url.host}`;
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (bare !== serialized && !(url.port === '' && defaultPort !== undefined && bare === `${serialized}:${defaultPort}`)) return undefined;
  return url;
}

function matchOrigin(origin: string, allowed: readonly string[], matchers: readonly ((origin: URL) => boolean)[]): boolean {
  if (allowed.includes('*')) return true;
  const url = parseOrigin(origin);
  return url !== undefined && matchers.some((m) => m(url));
}

/**
 * Whether an `Origin` header value is in an allowlist (see `originMatcher` for the entry forms).
 * An Origin that is not a serialized origin (e.g. `null`, or one with a path) matches only `*`.
 * @throws RangeError when an entry is not an origin
 */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return matchOrigin(origin, allowed, allowed.map(originMatcher));
}

/** Create and start a runtime. */
export function createRuntime(options: RuntimeOptions = {}): WebSocketRuntime {
  return new WebSocketRuntime(options).start();
}

/** The default drain window from the tier defaults, for docs and tests. */
export const DEFAULT_DRAIN_WINDOW_SECONDS = DEFAULTS.connection.drainWindowSeconds;
