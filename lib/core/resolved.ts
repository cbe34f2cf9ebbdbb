/**
 * The tier with every default applied and every derived value computed. Renderers read only
 * this: they hold no defaults and branch only on resolved fields.
 */
import type { IpAddressType, ScalingSignal, StickinessType } from './primitives';
import type { ResolvedAllocator } from './allocator/config';
import type { ResolvedBackplane } from './backplane';
import type { ResolvedServerSecret } from './server-secrets';
import type { ResolvedRelease } from './release';
import type { ResolvedCellOperations, ResolvedTierOperations } from './operations/types';
import type { ResolvedCellBackend } from './ecs/types';

export type * from './ecs/types';

/** Resolved stickiness of one target group. */
export interface ResolvedStickiness {
  readonly type: StickinessType;
  /** Cookie duration (ALB cookie types only). */
  readonly cookieDurationSeconds?: number;
  /** `app_cookie` only. */
  readonly cookieName?: string;
}

/** Resolved target-group health check (every field explicit). */
export interface ResolvedHealthCheck {
  readonly protocol: 'HTTP';
  readonly path: string;
  readonly port: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  readonly healthyHttpCodes: string;
}

/** Fields every listener has, whatever the load balancer. */
interface ResolvedListenerBase {
  readonly port: 443;
  /** The idle timeout in force on this path, whatever sets it (ALB attribute, NLB attribute, or fixed 350). */
  readonly effectiveIdleTimeoutSeconds: number;
}

/** The HTTPS :443 listener of an ALB cell: always terminates TLS, always with an HTTP :80 redirect. */
export interface ResolvedAlbListener extends ResolvedListenerBase {
  readonly protocol: 'HTTPS';
  readonly tlsPolicy: string;
  readonly usesCertificate: true;
  readonly alpnPolicy?: undefined;
  readonly tcpIdleTimeoutSeconds?: undefined;
  /** An HTTP :80 listener redirecting to HTTPS :443 (301). */
  readonly httpRedirect: true;
}

/** The TLS :443 listener of an NLB cell (idle timeout fixed at 350 s by AWS). */
export interface ResolvedNlbTlsListener extends ResolvedListenerBase {
  readonly protocol: 'TLS';
  readonly tlsPolicy: string;
  readonly usesCertificate: true;
  /** ALPN policy. `HTTP1Only` so h2-first clients still upgrade. */
  readonly alpnPolicy: 'HTTP1Only';
  readonly tcpIdleTimeoutSeconds?: undefined;
  readonly httpRedirect: false;
}

/** The TCP :443 listener of an NLB cell (TLS passes through to the instances). */
export interface ResolvedNlbTcpListener extends ResolvedListenerBase {
  readonly protocol: 'TCP';
  readonly tlsPolicy?: undefined;
  readonly usesCertificate: false;
  readonly alpnPolicy?: undefined;
  /** `tcp.idle_timeout.seconds`. */
  readonly tcpIdleTimeoutSeconds: number;
  readonly httpRedirect: false;
}

/** The listener of an NLB cell; narrow on `protocol` or `usesCertificate`. */
export type ResolvedNlbListener = ResolvedNlbTlsListener | ResolvedNlbTcpListener;

/** The one listener that carries WebSocket traffic (port 443); narrow on `protocol` or `usesCertificate`. */
export type ResolvedListener = ResolvedAlbListener | ResolvedNlbListener;

/** Fields every target group has, whatever the load balancer. */
interface ResolvedTargetGroupBase {
  readonly port: number;
  /** `instance` for EC2 cells; `ip` for ECS cells (awsvpc tasks register by IP). */
  readonly targetType: 'instance' | 'ip';
  readonly deregistrationDelaySeconds: number;
  readonly stickiness?: ResolvedStickiness;
  readonly healthCheck: ResolvedHealthCheck;
}

/** Target group of an ALB cell. */
export interface ResolvedAlbTargetGroup extends ResolvedTargetGroupBase {
  readonly protocol: 'HTTP';
  /** Always `HTTP1` (WebSocket upgrade through HTTP2/GRPC target groups is unconfirmed). */
  readonly protocolVersion: 'HTTP1';
  readonly connectionTermination?: undefined;
  readonly preserveClientIp?: undefined;
  readonly unhealthyConnectionTermination?: undefined;
  readonly unhealthyDrainingIntervalSeconds?: undefined;
  readonly proxyProtocolV2?: undefined;
}

/** Target group of an NLB cell. */
export interface ResolvedNlbTargetGroup extends ResolvedTargetGroupBase {
  readonly protocol: 'TCP' | 'TLS';
  readonly protocolVersion?: undefined;
  /** `deregistration_delay.connection_termination.enabled` (false: sockets outlive deregistration). */
  readonly connectionTermination: boolean;
  /** `preserve_client_ip.enabled`. */
  readonly preserveClientIp: boolean;
  /** `target_health_state.unhealthy.connection_termination.enabled`. */
  readonly unhealthyConnectionTermination: boolean;
  /** `target_health_state.unhealthy.draining_interval_seconds` (AWS accepts it only while `unhealthyConnectionTermination` is off). */
  readonly unhealthyDrainingIntervalSeconds: number;
  /**
   * `proxy_protocol_v2.enabled` (`server.proxyProtocol`). Written on every NLB target group, false
   * included: CloudFormation does not reset a target-group attribute that is removed from the template.
   */
  readonly proxyProtocolV2: boolean;
}

/** Resolved target group; narrow on the cell's `loadBalancerType`. */
export type ResolvedTargetGroup = ResolvedAlbTargetGroup | ResolvedNlbTargetGroup;

/** One metric in a target-tracking metric-math query. Dimension values name a late-bound reference. */
export interface ResolvedMetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly metricStat?: {
    readonly namespace: string;
    readonly metricName: string;
    /** `valueOf` says which late-bound value a renderer substitutes. */
    readonly dimensions: readonly { readonly name: string; readonly valueOf: 'autoScalingGroupName' | 'loadBalancerFullName' }[];
    readonly stat: string;
  };
  readonly label?: string;
  readonly returnData: boolean;
}

/** Target tracking on connections per instance. */
export interface ResolvedScalingPolicy {
  readonly signal: ScalingSignal;
  readonly targetValue: number;
  /** CloudWatch metric-math queries; exactly one has `returnData: true`. */
  readonly metrics: readonly ResolvedMetricQuery[];
}

/** Termination lifecycle hook. */
export interface ResolvedLifecycleHook {
  /**
   * Explicit hook name (unique per group, so a constant is safe). The server receives it as
   * `WST_LIFECYCLE_HOOK_NAME` to record heartbeats and complete the action when drained; an
   * auto-generated name would be unknowable on the instance.
   */
  readonly lifecycleHookName: string;
  readonly lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING';
  readonly heartbeatTimeoutSeconds: number;
  /** Set explicitly: the API default is ABANDON. */
  readonly defaultResult: 'CONTINUE';
}

/** Resolved Auto Scaling group of a cell. */
export interface ResolvedAutoScaling {
  readonly instanceType: string;
  readonly architecture: 'arm64' | 'x86_64';
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
  readonly defaultInstanceWarmupSeconds: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly minHealthyPercentage: number;
  readonly maxHealthyPercentage: number;
  /** `MetricsCollection` metric names at 1-minute granularity. */
  readonly groupMetrics: readonly string[];
  readonly lifecycleHook: ResolvedLifecycleHook;
  readonly scalingPolicy: ResolvedScalingPolicy;
  /** IMDSv2 only (`HttpTokens: required`). */
  readonly requireImdsv2: true;
  /** Instance metadata tags on: the server reads its Auto Scaling group name from IMDS. */
  readonly instanceMetadataTags: true;
  /** Root volume: encrypted gp3 of this size. */
  readonly rootVolumeGiB: number;
}

/** Route 53 view of a cell. */
export interface ResolvedCellDns {
  readonly weight: number;
  /** Explicit and stable: the cell name. */
  readonly setIdentifier: string;
  readonly evaluateTargetHealth: true;
  /** `<cell>.<domainName>` when cell records are on. */
  readonly cellDomainName?: string;
  /** Route 53 health check for this cell, when on. */
  readonly healthCheck?: {
    readonly type: 'HTTPS';
    readonly fqdn: string;
    readonly port: 443;
    readonly resourcePath: string;
    readonly requestIntervalSeconds: number;
    readonly failureThreshold: number;
    readonly enableSni: true;
  };
}

/** One ingress rule of a security group. */
export interface ResolvedIngressRule {
  readonly port: number;
  /** A CIDR (IPv4 or IPv6) or `loadBalancer` for the cell's load-balancer security group. */
  readonly from: string;
  readonly description: string;
}

/** Fields every cell has, whatever the load balancer. */
interface ResolvedCellBase {
  readonly name: string;
  readonly ipAddressType: IpAddressType;
  /** Cross-zone load balancing on (read by NLB cells: an uneven AZ spread would otherwise unbalance connections; always on for ALBs). */
  readonly crossZoneEnabled: true;
  readonly autoScaling: ResolvedAutoScaling;
  readonly dns: ResolvedCellDns;
  /** Load-balancer security-group ingress. */
  readonly loadBalancerIngress: readonly ResolvedIngressRule[];
  /** Instance security-group ingress (only from the load balancer). */
  readonly instanceIngress: readonly ResolvedIngressRule[];
  /** Server environment (`WST_*` and user keys), the same numbers the infrastructure uses. */
  readonly serverEnvironment: Readonly<Record<string, string>>;
  /** Per-process connection cap of this cell's servers (`WST_MAX_CONNECTIONS`; see `ServerConfig.maxConnections`). */
  readonly maxConnections: number;
  /** Drain window and grace, seconds. */
  readonly drainWindowSeconds: number;
  readonly drainGraceSeconds: number;
  readonly pingIntervalSeconds: number;
  /** Alarms, logs, WAF association, LCU reservation and deletion protection of this cell. */
  readonly operations: ResolvedCellOperations;
  /** How a release replaces this cell's instances (batches, capacity kept, signal, timings, order). */
  readonly release: ResolvedRelease;
  /**
   * ECS cells only: the task definition, service and service scaling (lib/core/ecs/types.ts).
   * Undefined on EC2 cells, which run `autoScaling`. On ECS cells `autoScaling` still carries the
   * sizes (tasks) the alarms read; the renderers draw no Auto Scaling group from it.
   */
  readonly backend?: ResolvedCellBackend;
}

/** A cell behind an Application Load Balancer. */
export interface ResolvedAlbCell extends ResolvedCellBase {
  readonly loadBalancerType: 'application';
  /** `idle_timeout.timeout_seconds`. */
  readonly albIdleTimeoutSeconds: number;
  /** `routing.http.drop_invalid_header_fields.enabled`. */
  readonly dropInvalidHeaderFields: true;
  readonly listener: ResolvedAlbListener;
  readonly targetGroup: ResolvedAlbTargetGroup;
}

/** A cell behind a Network Load Balancer. */
export interface ResolvedNlbCell extends ResolvedCellBase {
  readonly loadBalancerType: 'network';
  readonly albIdleTimeoutSeconds?: undefined;
  readonly dropInvalidHeaderFields?: undefined;
  readonly listener: ResolvedNlbListener;
  readonly targetGroup: ResolvedNlbTargetGroup;
}

/**
 * Resolved cell: narrow on `loadBalancerType` and the compiler proves the ALB-only fields
 * (`albIdleTimeoutSeconds`, `dropInvalidHeaderFields`, `targetGroup.protocolVersion`) or the
 * NLB-only ones (`targetGroup.connectionTermination`, `preserveClientIp`, …) are present.
 */
export type ResolvedCell = ResolvedAlbCell | ResolvedNlbCell;

/** A cell before its operations are resolved (distributes over the union, so narrowing still works). */
export type ResolvedCellWithoutOperations = Omit<ResolvedAlbCell, 'operations'> | Omit<ResolvedNlbCell, 'operations'>;

/** Resolved host tuning. */
export interface ResolvedHostTuning {
  readonly fileDescriptorLimit: number;
  readonly somaxconn: number;
  readonly tcpMaxSynBacklog: number;
  readonly listenBacklog: number;
  /** `ip_local_port_range` to write, or undefined to keep the kernel default. */
  readonly localPortRange?: string;
}

/** Resolved rebalancing thresholds (`server.rebalance` on). */
export interface ResolvedRebalance {
  readonly intervalMs: number;
  readonly tolerance: number;
  readonly maxShedFraction: number;
}

/** How a server artifact travels (S3 object) and where it lands on the instance. */
export interface ResolvedServerArtifact {
  /** Path on the deploying machine (the renderer's asset / bucket object source). */
  readonly path: string;
  /** What the path is: a single file, a directory, or an archive. */
  readonly format: 'file' | 'directory' | 'zip' | 'tar.gz';
  /** How the S3 object is packed: directories are zipped by both renderers; user data unpacks accordingly. */
  readonly packaging: 'file' | 'zip' | 'tar.gz';
  /** Where it lands: the file's path on the instance, or the directory an archive is unpacked into. */
  readonly installPath: string;
}

/**
 * How the server starts. Narrow on `kind`:
 * - `node-bundle`: a single-file Node bundle run by the tier's unit with the Node link (today's simple case);
 * - `command`: any executable and arguments run by the tier's unit, with an optional artifact;
 * - `image-unit`: the image ships `serviceName.service`; user data adds a drop-in and restarts it.
 */
export type ResolvedServerStart =
  | {
      readonly kind: 'node-bundle';
      /** argv of `ExecStart=` (executable first). */
      readonly argv: readonly string[];
      readonly artifact: ResolvedServerArtifact;
      readonly workingDirectory?: undefined;
    }
  | {
      readonly kind: 'command';
      readonly argv: readonly string[];
      readonly artifact?: ResolvedServerArtifact;
      /** `WorkingDirectory=`: the artifact directory, when there is an artifact. */
      readonly workingDirectory?: string;
    }
  | { readonly kind: 'image-unit'; readonly argv?: undefined; readonly artifact?: undefined; readonly workingDirectory?: undefined };

/** Resolved server process settings. */
export interface ResolvedServer {
  readonly port: number;
  readonly serviceName: string;
  readonly nodePackage: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Allowed Origins, or undefined for no Origin check. */
  readonly allowedOrigins?: readonly string[];
  /** Largest message, bytes. */
  readonly maxMessageBytes: number;
  /** Rebalancing thresholds, or undefined when rebalancing is off. */
  readonly rebalance?: ResolvedRebalance;
  /** PROXY protocol v2 on NLB cells. */
  readonly proxyProtocol: boolean;
  /** What the unit runs (or that the image's unit does). */
  readonly start: ResolvedServerStart;
  /** `server.preStart`: shell commands user data runs once before the server starts. */
  readonly preStart: readonly string[];
  /** `server.secrets`, sorted by name; present only when the config has `server.secrets`. */
  readonly secrets?: readonly ResolvedServerSecret[];
}

/** The whole tier, resolved. */
export interface ResolvedTier {
  readonly domainName: string;
  readonly wildcardDomainName: string;
  readonly ipAddressType: IpAddressType;
  readonly tlsPolicy: string;
  readonly ingressCidrs: readonly string[];
  readonly ingressIpv6Cidrs: readonly string[];
  readonly cellRecords: boolean;
  readonly route53HealthChecks: boolean;
  readonly host: ResolvedHostTuning;
  readonly server: ResolvedServer;
  readonly cells: readonly ResolvedCell[];
  /** Dashboard, alarm topic, log bucket and web ACL of the tier. */
  readonly operations: ResolvedTierOperations;
  /** The backplane, when `backplane` is set (every default applied). */
  readonly backplane?: ResolvedBackplane;
  /** The endpoint allocator, when `allocator` is set (every default applied; lib/core/allocator/). */
  readonly allocator?: ResolvedAllocator;
}
