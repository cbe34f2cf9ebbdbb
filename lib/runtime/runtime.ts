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
 *   `Detached`, `Standby`, `Warmed:*`); a Spot interruption notice; an explicit `drain()`.
 * - Paced drain: open sockets are closed at stratified random offsets over the drain window (the
 *   tier's `drainWindowSeconds`, the same number as the ALB deregistration delay minus grace and the
 *   lifecycle hook heartbeat timeout), with 1001 (or 1012) and a JSON retry hint; leftovers are
 *   terminated `drainGraceSeconds` after the window. New connections are refused meanwhile.
 * - NLB path: lifecycle-action heartbeats while draining, CompleteLifecycleAction(CONTINUE) once
 *   drained.
 * - Admission: per-node connection cap (1013 beyond it), Origin allowlist (cross-site WebSocket
 *   hijacking), maximum message size (the adapters pass it to the framework).
 * - Connection gauge: CloudWatch embedded metric format over UDP (`CONNECTION_GAUGE`).
 * - Rebalancing: counts shared through a `ConnectionCountStore` (Redis); sheds above fair share at
 *   a bounded rate with 1013; optional maximum connection lifetime with dither.
 *
 * AWS behaviours the runtime relies on but that are UNCONFIRMED (aws-facts.md §11, §5):
 * - Whether the ALB force-closes WebSockets still open when the deregistration delay expires
 *   (§11 item 2). The runtime assumes it does, so it finishes its drain inside the window.
 * - That `autoscaling/target-lifecycle-state` turns `Terminated` when scale-in starts, i.e. before
 *   the deregistration delay has run out, early enough to drain. If it only turns at
 *   `Terminating:Wait`, the ALB path has already lost its sockets; SIGTERM (systemd stop at
 *   shutdown) remains the fallback.
 * - That CompleteLifecycleAction before the instance reaches `Terminating:Wait` fails harmlessly;
 *   the runtime retries it on every heartbeat until it succeeds or the process exits.
 * - The exact scope of scale-in protection (§11 item 11) does not matter here: the runtime never
 *   sets it.
 * - Spot: the notice comes about two minutes ahead; the window is shortened to fit before it.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import {
  CLOSE_GOING_AWAY,
  CLOSE_TRY_AGAIN_LATER,
  closeReason,
  connectionLifetimeMs,
  type DrainCloseCode,
  drainOffsets,
} from './close';
import { EmfPublisher } from './emf';
import { IMDS_BASE_URL, ImdsClient, isLeavingState } from './imds';
import { type LifecycleActions, type LifecycleActionTarget, sdkLifecycleActions } from './lifecycle';
import { type ConnectionCountStore, REBALANCE_DEFAULTS, type RebalanceOptions, shedCount } from './rebalance';
import { DEFAULTS } from '../core/defaults';
import { ASG_NAME_ENV, EMF_ENDPOINT_ENV, SERVER_ENV } from '../core/server-contract';
import { drainWindowSecondsFrom, envNumber, healthPathFrom, RUNTIME_ENV } from './settings';

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
export type DrainTrigger = 'signal' | 'lifecycle-state' | 'spot-interruption' | 'explicit';

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
}

/** Connection-gauge options. */
export interface MetricsOptions {
  /** `udp://host:port`. @default env `WST_EMF_ENDPOINT` */
  readonly endpoint?: string;
  /** @default env `WST_AUTO_SCALING_GROUP_NAME`, else `local` */
  readonly autoScalingGroupName?: string;
  /** ms between records, ≥ 100. @default 60000 (the metric's period) */
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
  /** Drain window, seconds 0–172800. @default env `WST_DRAIN_WINDOW_SECONDS`, else 300 */
  readonly drainWindowSeconds?: number;
  /** Seconds after the window before leftovers are terminated. @default env `WST_DRAIN_GRACE_SECONDS`, else 5 */
  readonly drainGraceSeconds?: number;
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
  /** Largest message, bytes ≥ 1. @default 1048576 (1 MiB) */
  readonly maxMessageBytes?: number;
  /** Signals that start a drain. @default ['SIGTERM'] */
  readonly signals?: readonly NodeJS.Signals[];
  /** IMDS polling; `false` turns it off. @default on when env `WST_AUTO_SCALING_GROUP_NAME` or `WST_IMDS_BASE_URL` is set */
  readonly imds?: ImdsOptions | false;
  /** Lifecycle actions; `false` turns them off. @default on when a hook name is known */
  readonly lifecycle?: LifecycleOptions | false;
  /** Connection gauge; `false` turns it off. @default on when `WST_EMF_ENDPOINT` is set */
  readonly metrics?: MetricsOptions | false;
  /** Rebalancing through a shared count store. @default off */
  readonly rebalance?: RuntimeRebalanceOptions;
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
  drainGraceSeconds: 5,
  drainCloseCode: CLOSE_GOING_AWAY,
  retryAfterMs: 1000,
  livenessPath: '/livez',
  maxMessageBytes: 1024 * 1024,
  imdsPollIntervalMs: 5000,
  heartbeatIntervalMs: 20_000,
  metricsIntervalMs: 60_000,
  /** Seconds the Spot drain must finish before the interruption time. */
  spotMarginSeconds: 10,
} as const;

/**
 * Events: `draining` (trigger), `drained`, `shed` (count, why), `warning` (Error: IMDS, Redis or
 * AWS call failures; never thrown).
 */
export class WebSocketRuntime extends EventEmitter {
  readonly drainWindowMs: number;
  readonly drainGraceMs: number;
  readonly healthPath: string;
  readonly livenessPath: string;
  readonly maxConnections: number;
  readonly maxMessageBytes: number;
  readonly allowedOrigins?: readonly string[];
  readonly nodeId: string;
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
  private started = false;

  constructor(options: RuntimeOptions = {}) {
    super();
    this.opts = options;
    const env = (this.env = options.env ?? process.env);
    this.random = options.random ?? Math.random;
    const window = options.drainWindowSeconds ?? drainWindowSecondsFrom(env);
    checkRange('drainWindowSeconds', window, 0, 172_800);
    this.drainWindowMs = window * 1000;
    const grace = options.drainGraceSeconds ?? envNumber(env, RUNTIME_ENV.drainGraceSeconds, 0, 3600) ?? RUNTIME_DEFAULTS.drainGraceSeconds;
    checkRange('drainGraceSeconds', grace, 0, 3600);
    this.drainGraceMs = grace * 1000;
    this.healthPath = options.healthPath ?? healthPathFrom(env);
    this.livenessPath = options.livenessPath ?? RUNTIME_DEFAULTS.livenessPath;
    this.maxConnections = options.maxConnections ?? envNumber(env, RUNTIME_ENV.maxConnections, 1) ?? Number.POSITIVE_INFINITY;
    checkRange('maxConnections', this.maxConnections, 1, Number.POSITIVE_INFINITY);
    this.maxMessageBytes = options.maxMessageBytes ?? RUNTIME_DEFAULTS.maxMessageBytes;
    checkRange('maxMessageBytes', this.maxMessageBytes, 1, Number.MAX_SAFE_INTEGER);
    const origins = options.allowedOrigins ?? env[RUNTIME_ENV.allowedOrigins]?.split(',').map((s) => s.trim()).filter(Boolean);
    this.allowedOrigins = origins && origins.length > 0 ? origins : undefined;
    this.nodeId = options.rebalance?.nodeId ?? env[RUNTIME_ENV.nodeId] ?? `${os.hostname()}-${process.pid}`;
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
    this.startRebalance();
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
   * Decide on an upgrade / handshake: 503 while draining, 403 for an Origin outside the allowlist.
   * The connection cap is enforced after the upgrade (`track`), so clients see close code 1013.
   */
  admit(req: Pick<IncomingMessage, 'headers'>): Admission {
    if (this._state !== 'serving') return { accept: false, status: 503, reason: 'draining' };
    const origin = req.headers.origin;
    if (origin !== undefined && this.allowedOrigins && !originAllowed(origin, this.allowedOrigins)) {
      return { accept: false, status: 403, reason: `origin ${origin} not allowed` };
    }
    return { accept: true };
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
      const timer = setTimeout(() => this.closeOne(conn, CLOSE_TRY_AGAIN_LATER, 'lifetime'), connectionLifetimeMs(life * 1000, dither * 1000, this.random));
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
    this.once('drained', () => {
      clearTimeout(hard);
      void heartbeat?.complete();
    });
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
    if (this._state === 'draining' && this.tracked.size === 0) {
      this._state = 'drained';
      this.emit('drained');
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
    const send = () => emf.send({ connections: this.tracked.size, autoScalingGroupName: asg, timestampMs: Date.now(), namespace, metricName });
    send();
    this.every(m?.intervalMs ?? RUNTIME_DEFAULTS.metricsIntervalMs, send);
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
        if (!instanceId) throw new Error('instance id unknown: IMDS meta-data/instance-id returned 404, so the lifecycle action cannot be completed. Fix: pass lifecycle.instanceId, or run on EC2 with IMDSv2 reachable.');
        return { autoScalingGroupName: asg, lifecycleHookName: hook, instanceId };
      },
    };
  }

  /** Heartbeats while draining; `complete()` sends CONTINUE, retried on each tick until it succeeds. */
  private startLifecycleHeartbeat(): { complete(): Promise<void> } | undefined {
    const la = this.lifecycleActions();
    if (!la) return undefined;
    let done = false;
    let drained = false;
    const tick = async () => {
      if (done) return;
      const target = await la.target();
      if (drained) {
        await la.actions.complete(target, 'CONTINUE');
        done = true;
        clearInterval(timer);
        this.emit('lifecycle-completed', target);
      } else {
        await la.actions.recordHeartbeat(target);
        this.emit('lifecycle-heartbeat', target);
      }
    };
    const run = () => tick().catch((e) => this.warn(e));
    const timer = setInterval(run, la.intervalMs);
    timer.unref();
    this.timers.push(timer);
    void run();
    return {
      complete: () => {
        drained = true;
        return run();
      },
    };
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

/** Exact origin match, or `scheme://*.domain` matching any subdomain of `domain`. */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  const o = origin.toLowerCase();
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    const wild = /^([a-z][a-z0-9+.-]*:\/\/)\*\.(.+)$/.exec(p);
    if (!wild) return o === p;
    return o.startsWith(wild[1]) && o.slice(wild[1].length).endsWith(`.${wild[2]}`);
  });
}

/** Create and start a runtime. */
export function createRuntime(options: RuntimeOptions = {}): WebSocketRuntime {
  return new WebSocketRuntime(options).start();
}

/** The default drain window from the tier defaults, for docs and tests. */
export const DEFAULT_DRAIN_WINDOW_SECONDS = DEFAULTS.connection.drainWindowSeconds;
