/**
 * What a capacity plan takes: the workload a tier's `capacity` field holds (`TierCapacityConfig`)
 * and, for the standalone planner, the shape of the deployment (`CapacityConfig`).
 */
import type { LoadBalancerType } from '../primitives';

/** A server measured elsewhere: its process RSS growth per idle connection, bytes. */
export interface MeasuredFramework {
  /** Bytes of server-process RSS per additional idle connection, integer ≥ 1 (e.g. `measuredBytesPerConnection` from `bench/calibration.ts`). */
  readonly bytesPerConnection: number;
}

/**
 * The WebSocket server on the instances: `ws` (4,017 B per additional idle connection, measured)
 * or `socket.io` (15,056 B, websocket transport only), or your own measurement.
 */
export type ServerFramework = 'ws' | 'socket.io' | MeasuredFramework;

/** Where TLS terminates: on the load balancer (ALB HTTPS, NLB TLS listener) or on the instances (NLB TCP listener). */
export type TlsTermination = 'load-balancer' | 'instance';

/**
 * How messages cross servers through Redis:
 * - `broadcast`: every server subscribes to every message (socket.io's classic Redis adapter,
 *   `PSUBSCRIBE`); Redis deliveries = messages/s × servers; one primary carries it all, because
 *   classic pub/sub does not scale with cluster shards.
 * - `sharded`: sharded pub/sub (`SSUBSCRIBE`, Redis ≥ 7): a message reaches only servers with
 *   recipients, at most `fanOut` of them; shards add capacity.
 * - `none`: no backplane (a single server, or messages never cross servers).
 */
export type BackplaneMode = 'broadcast' | 'sharded' | 'none';

/**
 * The workload and the server: the part of a capacity plan a tier's `capacity` field holds (the
 * load-balancer type, TLS termination, instance type and cell count then come from the cells).
 * All rates are for the whole tier at peak.
 */
export interface TierCapacityConfig {
  /** Concurrent connections at peak, whole tier. Integer 1–1,000,000,000. Required. */
  readonly peakConnections: number;
  /**
   * New connections per second in steady state, whole tier. Number > 0.
   * @default - peakConnections ÷ 3600 (each client reconnects about once an hour)
   */
  readonly newConnectionsPerSecond?: number;
  /**
   * New connections per second during a reconnect storm (a cell or a deploy drops sockets and
   * clients come back together), whole tier. Number > 0, normally ≥ the steady rate. Sizes the
   * listen backlog, the TLS-handshake check and the capacity units to pre-warm; not billed.
   * @default - peakConnections ÷ 60 (every client back within a minute)
   */
  readonly reconnectStormConnectionsPerSecond?: number;
  /** Messages published per second, whole tier (each reaches `fanOut` clients). Number ≥ 0. @default 0 */
  readonly messagesPerSecond?: number;
  /** Payload bytes of one message. Integer ≥ 1. @default 100 */
  readonly messageBytes?: number;
  /** Clients each message is delivered to. Number ≥ 1. @default 1 */
  readonly fanOut?: number;
  /** The server framework, or a measured bytes-per-connection. @default 'ws' */
  readonly framework?: ServerFramework;
  /**
   * Share of the per-instance maximum kept free, percent, integer 5–90: the scaling target is
   * maximum × (1 − headroom ÷ 100). AWS guidance is a target of about 60–70 % of the tested
   * per-host maximum (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html).
   * @default 30
   */
  readonly headroomPercent?: number;
  /**
   * The per-instance maximum you measured on the real instance type. When set it replaces the
   * memory and CPU estimates (it must still fit the file-descriptor limit: more is an error).
   * Integer ≥ 1.
   * @default - derived from memory, file descriptors, CPU and NLB limits
   */
  readonly maxConnectionsPerInstance?: number;
  /**
   * Server processes per instance, integer 1–256. A Node process runs JavaScript on one core, so
   * the CPU budget counts min(vCPUs, processes); memory keeps a baseline and warm-up per process;
   * each process has its own `LimitNOFILE`. The example server runs one process.
   * @default 1
   */
  readonly processesPerInstance?: number;
  /** Backplane mode. @default - 'broadcast' when messagesPerSecond > 0, else 'none' */
  readonly backplane?: BackplaneMode;
  /**
   * ElastiCache node type of the backplane (one primary and one replica per shard).
   * One of the keys of `CACHE_NODE_TYPES`.
   * @default 'cache.r7g.large'
   */
  readonly cacheNodeType?: string;
}

/** Everything `planCapacity()` needs: the workload plus the shape of the deployment. */
export interface CapacityConfig extends TierCapacityConfig {
  /** Load balancer of every cell. @default 'application' */
  readonly loadBalancerType?: LoadBalancerType;
  /**
   * Where TLS terminates. `instance` needs `loadBalancerType: 'network'` (an NLB TCP listener);
   * an ALB always terminates TLS.
   * @default 'load-balancer'
   */
  readonly tlsTermination?: TlsTermination;
  /** EC2 instance type, one of the keys of `INSTANCE_TYPES` (m7g, c7g, r7g, m7i, c7i, m6i, t4g). @default 'm7g.large' */
  readonly instanceType?: string;
  /**
   * Number of cells (load balancers), integer 1–100 (Route 53 weighted records per name).
   * @default - ceil(peakConnections ÷ connectionsPerCellLimit)
   */
  readonly cells?: number;
  /**
   * Most connections one cell should hold when the planner chooses the cell count: a policy
   * bound on blast radius (a failed cell's clients all reconnect elsewhere). Integer ≥ 1.
   * @default 1000000
   */
  readonly connectionsPerCellLimit?: number;
  /** `LimitNOFILE` of the server unit, integer 1024–1048576. @default 1048576 */
  readonly fileDescriptorLimit?: number;
  /** Server ping interval, seconds, integer ≥ 1 (ping traffic counts as processed bytes). @default 25 */
  readonly pingIntervalSeconds?: number;
  /**
   * NLB only: client IP preservation. Off means address translation, which caps each target at
   * 55,000 connections per NLB address (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation).
   * @default true
   */
  readonly nlbClientIpPreservation?: boolean;
  /** One Route 53 HTTPS health check per cell. @default false */
  readonly route53HealthChecks?: boolean;
  /** Route 53 health-check interval, 10 or 30 s (10 is billed as a fast interval). @default 30 */
  readonly route53HealthCheckIntervalSeconds?: number;
  /** Availability zones per load balancer (one public IPv4 address each). Integer 1–6. @default 2 */
  readonly availabilityZones?: number;
  /** Fewest instances per cell, integer ≥ 1 (2 keeps a cell alive through one instance or AZ loss). @default 2 */
  readonly minInstancesPerCell?: number;
}
