/**
 * `resolveTier()`: apply every default (lib/core/defaults.ts) and derive every dependent value.
 * Renderers read only the result; they hold no defaults of their own.
 */
import type { CellConfig, LoadBalancerType, ScalingSignal, TierConfig } from './config';
import { resolveAllocator } from './allocator/resolve';
import { resolveBackplane } from './backplane';
import { applyCellState, cellStateAlarms } from './cell-state';
import { evaluate } from './capacity/plan';
import { cellCapacityInput, sizeCell } from './capacity/tier';
import { errorsOf, neverUnresolved } from './issues';
import { instanceArchitecture } from './instance-types';
import { activeConnectionsMetric, CONNECTION_GAUGE, GROUP_METRICS, IN_SERVICE_INSTANCES } from './metrics';
import { NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS } from './limits';
import { resolveCellOperations, resolveTierOperations } from './operations/resolve';
import { resolveServerSecrets } from './server-secrets';
import type {
  ResolvedAlbCell,
  ResolvedCellWithoutOperations,
  ResolvedHealthCheck,
  ResolvedIngressRule,
  ResolvedNlbCell,
  ResolvedNlbListener,
  ResolvedRebalance,
  ResolvedScalingPolicy,
  ResolvedServer,
  ResolvedStickiness,
  ResolvedTier,
} from './resolved';
import { CAPACITY_DEFAULTS, DEFAULTS } from './defaults';
import {
  CONTRACT_VERSION,
  CONTRACT_VERSION_ENV,
  RUNTIME_ENV,
  SERVER_ENV,
  SERVER_KEEP_ALIVE_MARGIN_SECONDS,
  TERMINATION_HOOK_NAME,
} from './server-contract';
import { resolveServerStart } from './server-start';
import { resolveRelease } from './release';
import { ecsLoadBalancerPart, resolveCellBackend } from './ecs/resolve';

/** Minimum lifecycle-hook heartbeat AWS accepts (see limits). */
const MIN_HEARTBEAT_SECONDS = 30;

/**
 * Apply every default and derive every dependent value. Pure; does not validate (call
 * `validateTier()` first, or use `planTier()` which does both).
 */
export function resolveTier(config: TierConfig): ResolvedTier {
  const dns = config.dns ?? {};
  const ipAddressType = dns.ipAddressType ?? DEFAULTS.dns.ipAddressType;
  const server = config.server ?? {};
  const port = server.port ?? DEFAULTS.server.port;
  const cellRecords = dns.cellRecords ?? DEFAULTS.dns.cellRecords;
  const route53HealthChecks = dns.healthChecks ?? DEFAULTS.dns.healthChecks;
  const host = config.host ?? {};
  const localProxy = host.localProxy ?? DEFAULTS.host.localProxy;
  const tier = {
    domainName: config.domainName,
    wildcardDomainName: `*.${config.domainName}`,
    ipAddressType,
    tlsPolicy: config.tlsPolicy ?? DEFAULTS.tlsPolicy,
    ingressCidrs: [...(config.ingressCidrs ?? DEFAULTS.ingressCidrs)],
    ingressIpv6Cidrs: ipAddressType === 'dualstack' ? [...(config.ingressIpv6Cidrs ?? DEFAULTS.ingressIpv6Cidrs)] : [],
    cellRecords,
    route53HealthChecks,
    host: {
      fileDescriptorLimit: host.fileDescriptorLimit ?? DEFAULTS.host.fileDescriptorLimit,
      somaxconn: host.somaxconn ?? DEFAULTS.host.somaxconn,
      tcpMaxSynBacklog: host.tcpMaxSynBacklog ?? DEFAULTS.host.tcpMaxSynBacklog,
      // Follows a lowered somaxconn: the kernel would cap a larger backlog silently.
      listenBacklog: host.listenBacklog ?? Math.min(DEFAULTS.host.listenBacklog, host.somaxconn ?? DEFAULTS.host.somaxconn),
      localPortRange: localProxy ? (host.localPortRange ?? DEFAULTS.host.localPortRange) : undefined,
    },
    server: {
      port,
      serviceName: server.serviceName ?? DEFAULTS.server.serviceName,
      nodePackage: server.nodePackage ?? DEFAULTS.server.nodePackage,
      environment: { ...(server.environment ?? {}) },
      allowedOrigins: Array.isArray(server.allowedOrigins) ? [...server.allowedOrigins] : undefined,
      maxMessageBytes: server.maxMessageBytes ?? DEFAULTS.server.maxMessageBytes,
      rebalance: resolveRebalance(server.rebalance),
      proxyProtocol: server.proxyProtocol ?? DEFAULTS.server.proxyProtocol,
      start: resolveServerStart(server),
      preStart: [...(server.preStart ?? [])],
      ...(server.secrets !== undefined ? { secrets: resolveServerSecrets(server.secrets) } : {}),
    },
  };
  // A cell's state (cell-state.ts) sets its weight, bounds and alarms after the rest is resolved.
  const cells = config.cells.map((cell) => applyCellState(cell, resolveCell(config, cell, tier)));
  const allocator = resolveAllocator(config, cells);
  return {
    ...tier,
    cells: cells.map((cell, i) => {
      const operations = resolveCellOperations(cell, config);
      return { ...cell, operations: { ...operations, alarms: cellStateAlarms(config.cells[i], operations.alarms) } };
    }),
    operations: resolveTierOperations(config, cells),
    ...(config.backplane !== undefined ? { backplane: resolveBackplane(config) } : {}),
    ...(allocator !== undefined ? { allocator } : {}),
  };
}

type TierPart = Omit<ResolvedTier, 'cells' | 'operations' | 'backplane' | 'allocator'>;

function resolveCell(config: TierConfig, cell: CellConfig, tier: TierPart): ResolvedCellWithoutOperations {
  const c = config.connection ?? {};
  const hc = config.healthCheck ?? {};
  const sc = config.scaling ?? {};
  const cs = cell.scaling ?? {};
  const type = cell.loadBalancerType ?? DEFAULTS.cell.loadBalancerType;
  const isAlb = type === 'application';
  const ping = c.pingIntervalSeconds ?? DEFAULTS.connection.pingIntervalSeconds;
  const drain = c.drainWindowSeconds ?? DEFAULTS.connection.drainWindowSeconds;
  const grace = c.drainGraceSeconds ?? DEFAULTS.connection.drainGraceSeconds;
  const port = tier.server.port;

  const healthCheck = {
    protocol: 'HTTP' as const,
    path: hc.path ?? DEFAULTS.healthCheck.path,
    port: hc.port ?? port,
    intervalSeconds: hc.intervalSeconds ?? DEFAULTS.healthCheck.intervalSeconds,
    timeoutSeconds: hc.timeoutSeconds ?? DEFAULTS.healthCheck.timeoutSeconds,
    healthyThresholdCount: hc.healthyThresholdCount ?? DEFAULTS.healthCheck.healthyThresholdCount,
    unhealthyThresholdCount: hc.unhealthyThresholdCount ?? DEFAULTS.healthCheck.unhealthyThresholdCount,
    healthyHttpCodes: hc.healthyHttpCodes ?? DEFAULTS.healthCheck.healthyHttpCodes,
  };
  const stickiness = resolveStickiness(config, isAlb);
  const lb: AlbPart | NlbPart = ecsLoadBalancerPart(
    config,
    cell,
    isAlb
      ? resolveAlbPart(config, tier, healthCheck, stickiness, drain + grace)
      : resolveNlbPart(config, cell, tier, healthCheck, stickiness),
    drain + grace,
  );
  const proxyProtocol = lb.loadBalancerType === 'network' && tier.server.proxyProtocol;
  const listener = lb.listener;

  const instanceType = cell.instanceType ?? config.instanceType ?? DEFAULTS.instanceType;
  // With `capacity`, the plan sizes the cell; explicit scaling values win (capacity/tier.ts).
  const sized = sizeCell(config, config.cells.indexOf(cell), {
    minCapacity: cs.minCapacity ?? sc.minCapacity,
    maxCapacity: cs.maxCapacity ?? sc.maxCapacity,
    targetConnectionsPerInstance: cs.targetConnectionsPerInstance ?? sc.targetConnectionsPerInstance,
  });
  const targetValue = sized.targetConnectionsPerInstance;
  const maxConnections = config.server?.maxConnections ?? defaultMaxConnections(config, config.cells.indexOf(cell), targetValue);
  const signal = sc.signal ?? DEFAULTS.scaling.signal;

  const dnsCfg = config.dns ?? {};
  const cellDomainName = tier.cellRecords ? `${cell.name}.${tier.domainName}` : undefined;
  const healthChecksOn = tier.route53HealthChecks && cellDomainName !== undefined;

  const lbIngress: ResolvedIngressRule[] = [];
  const lbPorts = listener.httpRedirect ? [443, 80] : [443];
  for (const p of lbPorts) {
    for (const cidr of [...tier.ingressCidrs, ...tier.ingressIpv6Cidrs]) {
      lbIngress.push({ port: p, from: cidr, description: p === 443 ? 'WebSocket clients (TLS)' : 'HTTP, redirected to HTTPS' });
    }
  }
  const instanceIngress: ResolvedIngressRule[] = [
    { port, from: 'loadBalancer', description: 'WebSocket traffic from the cell load balancer' },
  ];
  if (healthCheck.port !== port) {
    instanceIngress.push({ port: healthCheck.port, from: 'loadBalancer', description: 'Health checks from the cell load balancer' });
  }

  const index = config.cells.indexOf(cell);
  const release = resolveRelease(config.release, {
    order: index,
    after: index > 0 ? config.cells[index - 1].name : undefined,
    minCapacity: sized.minCapacity,
    maxCapacity: sized.maxCapacity,
    desiredCapacity: cs.desiredCapacity ?? sc.desiredCapacity,
    healthCheckGracePeriodSeconds: sc.healthCheckGracePeriodSeconds ?? DEFAULTS.scaling.healthCheckGracePeriodSeconds,
    healthCheck,
    drainWindowSeconds: drain,
    drainGraceSeconds: grace,
    proxyProtocolV2: proxyProtocol,
  });
  const desiredCapacity = cs.desiredCapacity ?? sc.desiredCapacity;
  const healthCheckGracePeriodSeconds = sc.healthCheckGracePeriodSeconds ?? DEFAULTS.scaling.healthCheckGracePeriodSeconds;
  // ECS cells (lib/core/ecs/resolve.ts): undefined for EC2 cells.
  const backend = resolveCellBackend(cell, {
    loadBalancerType: type,
    port,
    healthPort: healthCheck.port,
    drainWindowSeconds: drain,
    drainGraceSeconds: grace,
    minCapacity: sized.minCapacity,
    maxCapacity: sized.maxCapacity,
    desiredCapacity,
    targetValue,
    healthCheckGracePeriodSeconds,
    instanceType,
    instanceWarmupSeconds: sc.defaultInstanceWarmupSeconds ?? DEFAULTS.scaling.defaultInstanceWarmupSeconds,
    rootVolumeGiB: DEFAULTS.scaling.rootVolumeGiB,
    host: tier.host,
  });

  return {
    name: cell.name,
    ...lb,
    autoScaling: {
      instanceType,
      architecture: safeArchitecture(instanceType),
      minCapacity: sized.minCapacity,
      maxCapacity: sized.maxCapacity,
      desiredCapacity,
      defaultInstanceWarmupSeconds: sc.defaultInstanceWarmupSeconds ?? DEFAULTS.scaling.defaultInstanceWarmupSeconds,
      healthCheckGracePeriodSeconds,
      minHealthyPercentage: sc.minHealthyPercentage ?? DEFAULTS.scaling.minHealthyPercentage,
      maxHealthyPercentage: sc.maxHealthyPercentage ?? DEFAULTS.scaling.maxHealthyPercentage,
      groupMetrics: GROUP_METRICS,
      lifecycleHook: {
        lifecycleHookName: TERMINATION_HOOK_NAME,
        lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        heartbeatTimeoutSeconds: c.lifecycleHookHeartbeatSeconds ?? Math.max(MIN_HEARTBEAT_SECONDS, drain + grace),
        defaultResult: 'CONTINUE',
      },
      scalingPolicy: scalingPolicy(signal, type, targetValue),
      requireImdsv2: true,
      instanceMetadataTags: true,
      rootVolumeGiB: DEFAULTS.scaling.rootVolumeGiB,
    },
    dns: {
      weight: cell.weight ?? DEFAULTS.cell.weight,
      setIdentifier: cell.name,
      evaluateTargetHealth: true,
      cellDomainName,
      healthCheck:
        healthChecksOn && cellDomainName
          ? {
              type: 'HTTPS',
              fqdn: cellDomainName,
              port: 443,
              resourcePath: healthCheck.path,
              requestIntervalSeconds: dnsCfg.healthCheckRequestIntervalSeconds ?? DEFAULTS.dns.healthCheckRequestIntervalSeconds,
              failureThreshold: dnsCfg.healthCheckFailureThreshold ?? DEFAULTS.dns.healthCheckFailureThreshold,
              enableSni: true,
            }
          : undefined,
    },
    loadBalancerIngress: lbIngress,
    instanceIngress,
    serverEnvironment: serverEnvironment(tier.server, cell.name, {
      port,
      healthPath: healthCheck.path,
      healthPort: healthCheck.port,
      ping,
      drain,
      grace,
      keepAlive: listener.effectiveIdleTimeoutSeconds + SERVER_KEEP_ALIVE_MARGIN_SECONDS,
      backlog: tier.host.listenBacklog,
      maxConnections,
      proxyProtocol,
    }),
    maxConnections,
    drainWindowSeconds: drain,
    drainGraceSeconds: grace,
    pingIntervalSeconds: ping,
    release,
    ...(backend !== undefined ? { backend } : {}),
  };
}

/** The load-balancer-specific head of a cell, in the key order of `ResolvedCell`. */
type LbKeys =
  | 'loadBalancerType'
  | 'ipAddressType'
  | 'albIdleTimeoutSeconds'
  | 'dropInvalidHeaderFields'
  | 'crossZoneEnabled'
  | 'listener'
  | 'targetGroup';
type AlbPart = Pick<ResolvedAlbCell, LbKeys>;
type NlbPart = Pick<ResolvedNlbCell, LbKeys>;

function resolveAlbPart(
  config: TierConfig,
  tier: TierPart,
  healthCheck: ResolvedHealthCheck,
  stickiness: ResolvedStickiness | undefined,
  drainPlusGrace: number,
): AlbPart {
  const c = config.connection ?? {};
  const idle = c.albIdleTimeoutSeconds ?? DEFAULTS.connection.albIdleTimeoutSeconds;
  return {
    loadBalancerType: 'application',
    ipAddressType: tier.ipAddressType,
    albIdleTimeoutSeconds: idle,
    dropInvalidHeaderFields: true,
    crossZoneEnabled: true,
    listener: {
      port: 443,
      protocol: 'HTTPS',
      tlsPolicy: tier.tlsPolicy,
      usesCertificate: true,
      effectiveIdleTimeoutSeconds: idle,
      httpRedirect: true,
    },
    targetGroup: {
      protocol: 'HTTP',
      port: tier.server.port,
      protocolVersion: 'HTTP1',
      targetType: 'instance',
      deregistrationDelaySeconds: c.albDeregistrationDelaySeconds ?? drainPlusGrace,
      stickiness,
      healthCheck,
    },
  };
}

function resolveNlbPart(
  config: TierConfig,
  cell: CellConfig,
  tier: TierPart,
  healthCheck: ResolvedHealthCheck,
  stickiness: ResolvedStickiness | undefined,
): NlbPart {
  const c = config.connection ?? {};
  const listener = resolveNlbListener(config, cell, tier.tlsPolicy);
  return {
    loadBalancerType: 'network',
    ipAddressType: tier.ipAddressType,
    albIdleTimeoutSeconds: undefined,
    dropInvalidHeaderFields: undefined,
    crossZoneEnabled: true,
    listener,
    targetGroup: {
      protocol: listener.protocol === 'TLS' ? (cell.nlbTargetProtocol ?? DEFAULTS.cell.nlbTargetProtocol) : 'TCP',
      port: tier.server.port,
      targetType: 'instance',
      deregistrationDelaySeconds: c.nlbDeregistrationDelaySeconds ?? DEFAULTS.connection.nlbDeregistrationDelaySeconds,
      stickiness,
      healthCheck,
      connectionTermination: false,
      preserveClientIp: true,
      unhealthyConnectionTermination: false,
      unhealthyDrainingIntervalSeconds: c.nlbUnhealthyDrainingIntervalSeconds ?? DEFAULTS.connection.nlbUnhealthyDrainingIntervalSeconds,
      proxyProtocolV2: tier.server.proxyProtocol,
    },
  };
}

function resolveNlbListener(config: TierConfig, cell: CellConfig, tlsPolicy: string): ResolvedNlbListener {
  const c = config.connection ?? {};
  const protocol = cell.nlbListenerProtocol ?? DEFAULTS.cell.nlbListenerProtocol;
  if (protocol === 'TLS') {
    return {
      port: 443,
      protocol: 'TLS',
      tlsPolicy,
      usesCertificate: true,
      alpnPolicy: 'HTTP1Only',
      effectiveIdleTimeoutSeconds: NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS,
      httpRedirect: false,
    };
  }
  const idle = c.nlbTcpIdleTimeoutSeconds ?? DEFAULTS.connection.nlbTcpIdleTimeoutSeconds;
  return {
    port: 443,
    protocol: 'TCP',
    usesCertificate: false,
    tcpIdleTimeoutSeconds: idle,
    effectiveIdleTimeoutSeconds: idle,
    httpRedirect: false,
  };
}

function resolveStickiness(config: TierConfig, isAlb: boolean): ResolvedStickiness | undefined {
  const c = config.connection ?? {};
  const s = c.stickiness ?? {};
  const enabled = s.enabled ?? c.longPollingFallback ?? DEFAULTS.connection.longPollingFallback;
  if (!enabled) return undefined;
  if (!isAlb) return { type: 'source_ip' };
  const type = s.albType ?? DEFAULTS.connection.albStickinessType;
  return {
    type,
    cookieDurationSeconds: s.cookieDurationSeconds ?? DEFAULTS.connection.cookieDurationSeconds,
    cookieName: type === 'app_cookie' ? s.cookieName : undefined,
  };
}

/** Target tracking on connections per in-service instance, as metric-math queries. */
function scalingPolicy(signal: ScalingSignal, type: LoadBalancerType, targetValue: number): ResolvedScalingPolicy {
  if (signal === 'connection-gauge') {
    return {
      signal,
      targetValue,
      metrics: [
        {
          id: 'connections',
          metricStat: {
            namespace: CONNECTION_GAUGE.namespace,
            metricName: CONNECTION_GAUGE.metricName,
            dimensions: CONNECTION_GAUGE.dimensions,
            stat: CONNECTION_GAUGE.statistic,
          },
          label: 'Connections per instance (server gauge)',
          returnData: true,
        },
      ],
    };
  }
  const lb = activeConnectionsMetric(type);
  // ALB ActiveConnectionCount counts both legs (client→LB and LB→target): halve it.
  const expression = type === 'application' ? 'lb / 2 / instances' : 'lb / instances';
  return {
    signal,
    targetValue,
    metrics: [
      {
        id: 'lb',
        metricStat: { namespace: lb.namespace, metricName: lb.metricName, dimensions: lb.dimensions, stat: lb.statistic },
        returnData: false,
      },
      {
        id: 'instances',
        metricStat: {
          namespace: IN_SERVICE_INSTANCES.namespace,
          metricName: IN_SERVICE_INSTANCES.metricName,
          dimensions: IN_SERVICE_INSTANCES.dimensions,
          stat: IN_SERVICE_INSTANCES.statistic,
        },
        returnData: false,
      },
      { id: 'perInstance', expression, label: 'Connections per instance (load balancer)', returnData: true },
    ],
  };
}

function safeArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  try {
    return instanceArchitecture(instanceType);
  } catch {
    // validateTier() reports the bad name; resolve stays total so every issue can be collected.
    return 'x86_64';
  }
}

function resolveRebalance(
  r: false | { intervalMs?: number; tolerance?: number; maxShedFraction?: number } | undefined,
): ResolvedRebalance | undefined {
  if (r === undefined || r === false || typeof r !== 'object' || r === null) return undefined;
  const d = DEFAULTS.server.rebalance;
  return {
    intervalMs: r.intervalMs ?? d.intervalMs,
    tolerance: r.tolerance ?? d.tolerance,
    maxShedFraction: r.maxShedFraction ?? d.maxShedFraction,
  };
}

/**
 * The per-process connection cap of one cell when `server.maxConnections` is unset (the rule on
 * `ServerConfig.maxConnections`): with a capacity plan, the plan's per-instance maximum (never below
 * the cell's scaling target); otherwise the target ÷ (1 − headroom). Then ÷ processes per instance,
 * rounded up.
 */
function defaultMaxConnections(config: TierConfig, index: number, target: number): number {
  const cap = config.capacity;
  const procs = typeof cap?.processesPerInstance === 'number' ? cap.processesPerInstance : CAPACITY_DEFAULTS.processesPerInstance;
  const headroom = typeof cap?.headroomPercent === 'number' ? cap.headroomPercent : CAPACITY_DEFAULTS.headroomPercent;
  const planMax = cap !== undefined ? planMaxConnectionsPerInstance(config, index) : undefined;
  const perInstance = planMax !== undefined ? Math.max(planMax, target) : Math.ceil((target * 100) / (100 - headroom));
  return Math.max(1, Math.ceil(perInstance / Math.max(1, procs)));
}

/** The capacity plan's connections per instance for one cell, or undefined when the cell has no plan. */
function planMaxConnectionsPerInstance(config: TierConfig, index: number): number | undefined {
  const input = cellCapacityInput(config, index);
  if (!input) return undefined;
  const { plan, issues } = evaluate(input, '', neverUnresolved, false);
  return plan && errorsOf(issues).length === 0 ? plan.perInstance.maxConnections : undefined;
}

function serverEnvironment(
  server: ResolvedServer,
  cellName: string,
  v: {
    port: number;
    healthPath: string;
    healthPort: number;
    ping: number;
    drain: number;
    grace: number;
    keepAlive: number;
    backlog: number;
    maxConnections: number;
    proxyProtocol: boolean;
  },
): Record<string, string> {
  const { rebalance, allowedOrigins } = server;
  return {
    ...server.environment,
    [CONTRACT_VERSION_ENV]: String(CONTRACT_VERSION),
    [SERVER_ENV.port]: String(v.port),
    [SERVER_ENV.healthPath]: v.healthPath,
    [SERVER_ENV.healthPort]: String(v.healthPort),
    [SERVER_ENV.pingIntervalSeconds]: String(v.ping),
    [SERVER_ENV.drainWindowSeconds]: String(v.drain),
    [SERVER_ENV.drainGraceSeconds]: String(v.grace),
    [SERVER_ENV.lifecycleHookName]: TERMINATION_HOOK_NAME,
    [SERVER_ENV.keepAliveTimeoutSeconds]: String(v.keepAlive),
    [SERVER_ENV.listenBacklog]: String(v.backlog),
    [SERVER_ENV.cellName]: cellName,
    [SERVER_ENV.metricNamespace]: CONNECTION_GAUGE.namespace,
    [SERVER_ENV.metricName]: CONNECTION_GAUGE.metricName,
    [RUNTIME_ENV.maxConnections]: String(v.maxConnections),
    [RUNTIME_ENV.maxMessageBytes]: String(server.maxMessageBytes),
    [RUNTIME_ENV.proxyProtocol]: v.proxyProtocol ? '1' : '0',
    ...(allowedOrigins !== undefined && allowedOrigins.length > 0 ? { [RUNTIME_ENV.allowedOrigins]: allowedOrigins.join(',') } : {}),
    ...(rebalance
      ? {
          [RUNTIME_ENV.rebalanceIntervalMs]: String(rebalance.intervalMs),
          [RUNTIME_ENV.rebalanceTolerance]: String(rebalance.tolerance),
          [RUNTIME_ENV.rebalanceMaxShedFraction]: String(rebalance.maxShedFraction),
        }
      : {}),
  };
}
