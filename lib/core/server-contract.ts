/**
 * The tier → server environment contract: every environment variable the renderers write into a
 * cell's server environment, and the names only the runtime reads. One module, imported by core's
 * resolver, both renderers (through the resolved tier), the runtime, the local twin and the example
 * servers, so a name cannot drift between the side that writes it and the side that reads it.
 *
 * This module is data only and imports nothing.
 */

/** Variables the tier writes for every cell (values come from the resolved cell). */
export const SERVER_ENV = {
  /** Port the WebSocket server listens on (`server.port`). */
  port: 'WST_PORT',
  /** Health-check path (`healthCheck.path`): 200 while serving, 503 while draining. */
  healthPath: 'WST_HEALTH_PATH',
  /** Health-check port (`healthCheck.port`, default the server port). */
  healthPort: 'WST_HEALTH_PORT',
  /** WebSocket ping interval, seconds (`connection.pingIntervalSeconds`). */
  pingIntervalSeconds: 'WST_PING_INTERVAL_SECONDS',
  /** Paced-drain window, seconds (`connection.drainWindowSeconds`). */
  drainWindowSeconds: 'WST_DRAIN_WINDOW_SECONDS',
  /** Seconds after the window before leftovers are terminated (`connection.drainGraceSeconds`). */
  drainGraceSeconds: 'WST_DRAIN_GRACE_SECONDS',
  /** Name of the termination lifecycle hook the server heartbeats and completes. */
  lifecycleHookName: 'WST_LIFECYCLE_HOOK_NAME',
  /** HTTP keep-alive timeout, seconds: the effective idle timeout of the path plus a margin. */
  keepAliveTimeoutSeconds: 'WST_KEEP_ALIVE_TIMEOUT_SECONDS',
  /** `listen()` backlog (`host.listenBacklog`). */
  listenBacklog: 'WST_LISTEN_BACKLOG',
  /** The cell's name. */
  cellName: 'WST_CELL',
  /** CloudWatch namespace of the connection gauge. */
  metricNamespace: 'WST_METRIC_NAMESPACE',
  /** CloudWatch metric name of the connection gauge. */
  metricName: 'WST_METRIC_NAME',
} as const;

/** Written by user data: where to send the connection gauge (`udp://127.0.0.1:25888`, the CloudWatch agent). */
export const EMF_ENDPOINT_ENV = 'WST_EMF_ENDPOINT';

/** Written by user data at boot: the instance's Auto Scaling group (from instance metadata tags). */
export const ASG_NAME_ENV = 'WST_AUTO_SCALING_GROUP_NAME';

/**
 * Written by user data at boot when the tier has a backplane: `rediss://:<token>@host:port` (TLS +
 * AUTH; the token is read from Secrets Manager at boot). Locally (the twin) `redis://host:port`.
 */
export const BACKPLANE_URL_ENV = 'WST_REDIS_URL';

/**
 * Variables the runtime reads beyond {@link SERVER_ENV}: the tier writes the ones it owns (the cap,
 * origins, message size, rebalancing, PROXY protocol, the hook name); set the others yourself.
 */
export const RUNTIME_ENV = {
  /** Termination lifecycle hook name; turns on heartbeat + CompleteLifecycleAction (written by the renderers). */
  lifecycleHookName: SERVER_ENV.lifecycleHookName,
  /** Per-node connection cap (integer ≥ 1). */
  maxConnections: 'WST_MAX_CONNECTIONS',
  /** Comma-separated Origin allowlist. */
  allowedOrigins: 'WST_ALLOWED_ORIGINS',
  /** Stable node id for the rebalancing store. */
  nodeId: 'WST_NODE_ID',
  /** Seconds after the drain window at which leftover sockets are terminated (written by the renderers). */
  drainGraceSeconds: SERVER_ENV.drainGraceSeconds,
  /** IMDS base URL (tests and IMDS proxies). */
  imdsBaseUrl: 'WST_IMDS_BASE_URL',
  /** Backplane URL (see {@link BACKPLANE_URL_ENV}). */
  redisUrl: BACKPLANE_URL_ENV,
  /** Rebalancing interval, ms ≥ 100; setting it turns rebalancing on. */
  rebalanceIntervalMs: 'WST_REBALANCE_INTERVAL_MS',
  /** Rebalancing tolerance above fair share, 0–10. */
  rebalanceTolerance: 'WST_REBALANCE_TOLERANCE',
  /** Largest fraction of sockets shed per interval, 0–1. */
  rebalanceMaxShedFraction: 'WST_REBALANCE_MAX_SHED_FRACTION',
  /** Retry-hint upper bound sent in close reasons, ms. */
  retryAfterMs: 'WST_RETRY_AFTER_MS',
  /** Largest WebSocket message the server accepts, bytes (integer ≥ 1); larger ones close with 1009. */
  maxMessageBytes: 'WST_MAX_MESSAGE_BYTES',
  /**
   * Milliseconds between connection-gauge records, 100–3600000. Default 60000 (the metric's period);
   * the conformance kit sets it short to see the gauge follow the count.
   */
  metricIntervalMs: 'WST_METRIC_INTERVAL_MS',
  /** `1` when the load balancer prefixes each connection with a PROXY protocol v2 header (NLB cells only). */
  proxyProtocol: 'WST_PROXY_PROTOCOL',
  /** Allocation tickets at the upgrade (docs/server-contract.md §14): `off`, `prefer` or `require`. */
  allocation: 'WST_ALLOCATION',
  /** The allocator's current ticket key (≥ 32 bytes; from Secrets Manager at boot). */
  ticketKey: 'WST_TICKET_KEY',
  /** The ticket key before the last rotation, still accepted. */
  ticketPreviousKey: 'WST_TICKET_PREVIOUS_KEY',
  /** Milliseconds between load reports to the backplane for the allocator, 1000–300000; setting it turns them on. */
  loadPublishIntervalMs: 'WST_LOAD_PUBLISH_INTERVAL_MS',
} as const;

/**
 * ECS tasks (docs/server-contract.md §4): `metadataUri` is set by ECS in every container, never by
 * the tier (the task metadata endpoint v4 base URL,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-environment-variables.html);
 * `pollIntervalMs` is read by the Node runtime only: ms between polls of `${metadataUri}/task`,
 * 100–60000, default 1000.
 */
export const ECS_TASK_ENV = {
  metadataUri: 'ECS_CONTAINER_METADATA_URI_V4',
  pollIntervalMs: 'WST_ECS_POLL_INTERVAL_MS',
} as const;

/**
 * Version of the tier→server contract (docs/server-contract.md). Incremented on any change a
 * server must act on; written into every server's environment as {@link CONTRACT_VERSION_ENV}.
 */
export const CONTRACT_VERSION = 1;

/** Environment variable carrying {@link CONTRACT_VERSION}. */
export const CONTRACT_VERSION_ENV = 'WST_CONTRACT_VERSION';

/** Name of every cell's termination lifecycle hook (hook names are unique per Auto Scaling group). */
export const TERMINATION_HOOK_NAME = 'websocket-tier-drain';

/**
 * Seconds the server's HTTP keep-alive timeout exceeds the load balancer's idle timeout: the target
 * must never close an idle connection the load balancer may still reuse, or clients get HTTP 502
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
 * `WST_KEEP_ALIVE_TIMEOUT_SECONDS` = effective idle timeout + this.
 */
export const SERVER_KEEP_ALIVE_MARGIN_SECONDS = 5;
