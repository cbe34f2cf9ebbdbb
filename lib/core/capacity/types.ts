/** What a capacity plan says (the output of `planCapacity()`). */
import type { Issue } from '../issues';
import type { LoadBalancerType } from '../primitives';
import type { BackplaneMode, ServerFramework, TlsTermination } from './config';
import type { InstanceTypeSpec } from './data';

/** Which bound decides the connections per instance. */
export type InstanceLimit = 'memory' | 'file-descriptors' | 'cpu' | 'nlb-target' | 'measured';

/** A load-balancer capacity-unit dimension. */
export type CapacityUnitDimension = 'newConnections' | 'activeConnections' | 'processedBytes' | 'ruleEvaluations';

/** The numbers behind one instance's ceiling. */
export interface PerInstancePlan {
  readonly maxConnections: number;
  /** Scaling target: maxConnections × (1 − headroom). */
  readonly targetConnections: number;
  readonly limitedBy: InstanceLimit;
  /** Each bound; `nlbTarget` only with address translation, `measured` only when given. */
  readonly limits: {
    readonly memory: number;
    readonly fileDescriptors: number;
    readonly cpu: number;
    readonly nlbTarget?: number;
    readonly measured?: number;
  };
  /** Bytes per connection: framework RSS, TLS state, kernel socket, and their sum. */
  readonly bytesPerConnection: { readonly framework: number; readonly tls: number; readonly kernel: number; readonly total: number };
  /** Memory available to connections, bytes. */
  readonly memoryBudgetBytes: number;
  /** Estimated CPU use at the target, percent of the instance's sustained CPU. */
  readonly cpuPercentAtTarget: number;
}

/** Capacity units of one cell's load balancer. */
export interface LoadBalancerPlan {
  readonly type: LoadBalancerType;
  readonly listenerProtocol: 'HTTPS' | 'TLS' | 'TCP';
  readonly unit: 'LCU' | 'NLCU';
  /** Units needed per dimension, per cell, steady state. */
  readonly unitsByDimension: Readonly<Partial<Record<CapacityUnitDimension, number>>>;
  /** The dimension that bills (the largest). */
  readonly billedDimension: CapacityUnitDimension;
  /** Units billed per cell per hour. */
  readonly billedUnitsPerCell: number;
  /** Units per cell during the reconnect storm (new-connection dimension); what to pre-warm or reserve. */
  readonly stormUnitsPerCell: number;
  /** Processed bytes per cell, GB per hour. */
  readonly processedGBPerHourPerCell: number;
  /** NLB with address translation: the per-target limit that applies. */
  readonly nlbConnectionsPerTargetLimit?: number;
}

/** Host limits to set on every instance. */
export interface HostLimitsPlan {
  /** systemd `LimitNOFILE` of the server unit. */
  readonly limitNoFile: number;
  /** `listen()` backlog: one second of the per-instance storm, at least what the constructs set (`DEFAULTS.host.listenBacklog`), at most 65,535. */
  readonly listenBacklog: number;
  /** `net.core.somaxconn` (≥ the backlog). */
  readonly somaxconn: number;
  /** `net.ipv4.tcp_max_syn_backlog`. */
  readonly tcpMaxSynBacklog: number;
  /** Reconnect-storm arrivals per instance per second, at peak fleet size. */
  readonly stormConnectionsPerInstancePerSecond: number;
  /** TLS on the instance only: CPU-seconds of handshakes per second of storm ÷ the instance's vCPUs (above 1, the storm outlasts itself). */
  readonly tlsHandshakeSecondsPerStormSecond?: number;
}

/** Backplane load against a Redis primary's budget. */
export interface BackplanePlan {
  readonly mode: BackplaneMode;
  /** Deliveries to clients per second, whole tier (messages × fan-out). */
  readonly clientDeliveriesPerSecond: number;
  /** Deliveries Redis makes to servers per second. */
  readonly redisDeliveriesPerSecond: number;
  readonly budgetPerPrimary: number;
  /** redisDeliveriesPerSecond ÷ budgetPerPrimary × 100. */
  readonly utilizationPercent: number;
  /** Primaries (shards) needed; 0 without a backplane. */
  readonly primaries: number;
  readonly cacheNodeType: string;
}

/** Monthly cost lines, USD, 730-hour month, peak fleet all month. */
export interface MonthlyCost {
  readonly ec2: number;
  readonly ebs: number;
  readonly loadBalancerHours: number;
  readonly loadBalancerCapacityUnits: number;
  readonly publicIpv4: number;
  readonly route53Queries: number;
  readonly route53HealthChecks: number;
  readonly elastiCache: number;
  readonly total: number;
}

/** API Gateway WebSocket APIs for the same load. */
export interface ApiGatewayComparison {
  readonly connectionMinutesPerMonth: number;
  readonly messagesPerMonth: number;
  readonly connectionMinutesCost: number;
  readonly messagesCost: number;
  readonly total: number;
  /** Quotas this load runs into (500 new connections/s, 2-hour connections). */
  readonly notes: readonly string[];
}

/** The plan. */
export interface CapacityPlan {
  /** The inputs with every default applied. */
  readonly input: ResolvedCapacityInput;
  readonly instanceType: InstanceTypeSpec;
  readonly perInstance: PerInstancePlan;
  readonly cells: number;
  readonly connectionsPerCell: number;
  readonly perCell: {
    /** Instances at peak when target tracking holds the target (= maxCapacity). */
    readonly instancesAtPeak: number;
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly targetConnectionsPerInstance: number;
  };
  readonly totalInstancesAtPeak: number;
  readonly loadBalancer: LoadBalancerPlan;
  readonly host: HostLimitsPlan;
  readonly backplane: BackplanePlan;
  readonly monthlyCost: MonthlyCost;
  readonly apiGateway: ApiGatewayComparison;
  /** Route 53 lookups per month, upper bound (one per new connection; resolvers cache for 60 s). */
  readonly route53QueriesPerMonth: number;
  /** Warnings (errors make `planCapacity()` throw). */
  readonly warnings: readonly Issue[];
  /** The assumptions behind the numbers, in words. */
  readonly assumptions: readonly string[];
}

/** {@link CapacityConfig} with every default applied. */
export interface ResolvedCapacityInput {
  readonly peakConnections: number;
  readonly newConnectionsPerSecond: number;
  readonly reconnectStormConnectionsPerSecond: number;
  readonly messagesPerSecond: number;
  readonly messageBytes: number;
  readonly fanOut: number;
  readonly framework: ServerFramework;
  readonly headroomPercent: number;
  readonly maxConnectionsPerInstance?: number;
  readonly processesPerInstance: number;
  readonly backplane: BackplaneMode;
  readonly cacheNodeType: string;
  readonly loadBalancerType: LoadBalancerType;
  readonly tlsTermination: TlsTermination;
  readonly instanceType: string;
  readonly cells: number;
  readonly connectionsPerCellLimit: number;
  readonly fileDescriptorLimit: number;
  readonly pingIntervalSeconds: number;
  readonly nlbClientIpPreservation: boolean;
  readonly route53HealthChecks: boolean;
  readonly route53HealthCheckIntervalSeconds: number;
  readonly availabilityZones: number;
  readonly minInstancesPerCell: number;
}
