/**
 * Every default of the library, as data: the tier (`DEFAULTS`), the capacity planner
 * (`CAPACITY_DEFAULTS`), operations (`OPERATIONS_DEFAULTS`) and the backplane
 * (`BACKPLANE_DEFAULTS`). Each is documented on its config field with `@default`; `resolveTier()`
 * (resolve.ts) applies them. This module imports nothing: every other module may read it.
 */

/** The library's defaults. Documented on each config field with `@default`. */
export const DEFAULTS = {
  instanceType: 'm7g.large',
  /** AWS's recommended TLS 1.3 + 1.2 policy with post-quantum key exchange (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html). */
  tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  ingressCidrs: ['0.0.0.0/0'],
  ingressIpv6Cidrs: ['::/0'],
  cell: {
    loadBalancerType: 'application',
    nlbListenerProtocol: 'TLS',
    nlbTargetProtocol: 'TCP',
    weight: 100,
  },
  connection: {
    pingIntervalSeconds: 25,
    albIdleTimeoutSeconds: 120,
    nlbTcpIdleTimeoutSeconds: 600,
    drainWindowSeconds: 300,
    drainGraceSeconds: 30,
    nlbDeregistrationDelaySeconds: 120,
    nlbUnhealthyDrainingIntervalSeconds: 300,
    longPollingFallback: false,
    albStickinessType: 'lb_cookie',
    cookieDurationSeconds: 86400,
  },
  healthCheck: {
    path: '/healthz',
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThresholdCount: 3,
    unhealthyThresholdCount: 3,
    healthyHttpCodes: '200',
  },
  scaling: {
    signal: 'connection-gauge',
    minCapacity: 2,
    maxCapacity: 10,
    targetConnectionsPerInstance: 10000,
    defaultInstanceWarmupSeconds: 180,
    healthCheckGracePeriodSeconds: 300,
    minHealthyPercentage: 100,
    maxHealthyPercentage: 150,
    rootVolumeGiB: 16,
  },
  host: {
    fileDescriptorLimit: 1048576,
    somaxconn: 65535,
    tcpMaxSynBacklog: 65535,
    listenBacklog: 65535,
    localProxy: false,
    localPortRange: '1024 65535',
  },
  dns: {
    ipAddressType: 'ipv4',
    cellRecords: true,
    healthChecks: false,
    healthCheckRequestIntervalSeconds: 30,
    healthCheckFailureThreshold: 3,
  },
  server: {
    port: 8080,
    serviceName: 'websocket-server',
    nodePackage: 'nodejs22',
    /** Largest WebSocket message a server accepts, bytes (1 MiB); the runtime's default too. */
    maxMessageBytes: 1_048_576,
    /** Rebalancing thresholds when `server.rebalance` is an object (rebalancing itself is off by default). */
    rebalance: { intervalMs: 10_000, tolerance: 0.1, maxShedFraction: 0.01 },
    proxyProtocol: false,
  },
} as const;

/** Planner defaults not shared with the tier (those come from `DEFAULTS`). */
export const CAPACITY_DEFAULTS = {
  reconnectSeconds: 3600,
  stormSeconds: 60,
  messagesPerSecond: 0,
  messageBytes: 100,
  fanOut: 1,
  framework: 'ws',
  headroomPercent: 30,
  cacheNodeType: 'cache.r7g.large',
  tlsTermination: 'load-balancer',
  connectionsPerCellLimit: 1_000_000,
  availabilityZones: 2,
  minInstancesPerCell: 2,
  processesPerInstance: 1,
  /** Most targets in one target group (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html). */
  maxInstancesPerCell: 1_000,
} as const;

/** The defaults of every operations setting (documented on each field). */
export const OPERATIONS_DEFAULTS = {
  dashboard: true,
  accessLogs: { enabled: true, retentionDays: 90 },
  waf: { enabled: false, rateLimitPer5Minutes: 600 },
  deletionProtection: true,
  vpcFlowLogs: { enabled: true, trafficType: 'REJECT', retentionDays: 30 },
  /** New connections per minute above this share of the planned capacity count as a storm. */
  newConnectionSpikeShareOfCapacity: 0.25,
  /** Gauge alarm at this share of the per-instance maximum the scaling target was derived from. */
  connectionsPerInstanceShareOfMaximum: 0.9,
} as const;

/** Defaults of `BackplaneConfig`. */
export const BACKPLANE_DEFAULTS = {
  engine: 'valkey',
  engineVersion: { valkey: '8.0', redis: '7.1' },
  nodeType: 'cache.r7g.large',
  replicasPerShard: 1,
  port: 6379,
} as const;
