/**
 * The sourced tables behind the capacity and cost planner (`plan.ts`). Every number says where
 * it comes from. Prices are us-east-1, Linux, on-demand, in US dollars; a price marked
 * **UNCONFIRMED** was not found in a primary source while this table was written (it is the list
 * price as remembered from the AWS price list) and must be checked on the pricing page before you
 * quote it. Measured figures name the bench in this repository that measured them (bench/calibration.ts)
 * and the machine (Node 20, Linux, loopback).
 */

/** Hours in the month the planner bills: 8,760 h ÷ 12, the AWS Pricing Calculator convention. */
export const HOURS_PER_MONTH = 730;

/** Seconds in that month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

// ---------------------------------------------------------------------------------------------
// EC2 instance types
// ---------------------------------------------------------------------------------------------

/** Where instance sizes come from. vCPU and memory per size are AWS's published specifications. */
export const INSTANCE_SPEC_SOURCES = [
  'https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html',
  'https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html',
  'https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html',
] as const;

/** Where EC2 prices come from. */
export const EC2_PRICE_SOURCE = 'https://aws.amazon.com/ec2/pricing/on-demand/';

/** One EC2 instance type the planner knows. */
export interface InstanceTypeSpec {
  readonly name: string;
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  readonly architecture: 'arm64' | 'x86_64';
  /** On-demand price, USD per hour, us-east-1 Linux. */
  readonly pricePerHour: number;
  /** False when the price is UNCONFIRMED (see the module comment). */
  readonly priceConfirmed: boolean;
  /** Where the price comes from. */
  readonly priceSource: string;
  /**
   * Burstable types only: the sustained CPU share per vCPU without spending credits, percent.
   * The planner's CPU budget uses this share instead of 100 %.
   * Source: https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_burst (t4g baselines).
   */
  readonly baselineCpuPercent?: number;
}

/**
 * A fixed-performance family: every size has `gibPerVcpu` GiB per vCPU and costs `pricePerVcpuHour`
 * per vCPU (AWS prices these families linearly in size).
 */
interface FamilyRow {
  readonly family: string;
  readonly architecture: 'arm64' | 'x86_64';
  readonly gibPerVcpu: number;
  /** USD per vCPU-hour, us-east-1. */
  readonly pricePerVcpuHour: number;
  readonly sizes: readonly string[];
  readonly priceConfirmed: boolean;
  readonly priceSource: string;
}

const VCPUS_BY_SIZE: Readonly<Record<string, number>> = {
  medium: 1,
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
};

const GRAVITON_SIZES = ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const INTEL_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const UNCONFIRMED = `UNCONFIRMED: list price as remembered from ${EC2_PRICE_SOURCE}; verify before quoting`;

const FAMILIES: readonly FamilyRow[] = [
  {
    family: 'm7g',
    architecture: 'arm64',
    gibPerVcpu: 4,
    // m7g.large $0.0816/h (us-east-1, Linux, June 2026): https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/
    // (third-party summary of the AWS price list); other sizes scale linearly.
    pricePerVcpuHour: 0.0408,
    sizes: GRAVITON_SIZES,
    priceConfirmed: true,
    priceSource:
      'https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/ (m7g.large $0.0816/h; sizes scale linearly)',
  },
  {
    family: 'c7g',
    architecture: 'arm64',
    gibPerVcpu: 2,
    pricePerVcpuHour: 0.03625,
    sizes: GRAVITON_SIZES,
    priceConfirmed: false,
    priceSource: UNCONFIRMED,
  },
  {
    family: 'r7g',
    architecture: 'arm64',
    gibPerVcpu: 8,
    pricePerVcpuHour: 0.05355,
    sizes: GRAVITON_SIZES,
    priceConfirmed: false,
    priceSource: UNCONFIRMED,
  },
  {
    family: 'm7i',
    architecture: 'x86_64',
    gibPerVcpu: 4,
    pricePerVcpuHour: 0.0504,
    sizes: INTEL_SIZES,
    priceConfirmed: false,
    priceSource: UNCONFIRMED,
  },
  {
    family: 'c7i',
    architecture: 'x86_64',
    gibPerVcpu: 2,
    pricePerVcpuHour: 0.044625,
    sizes: INTEL_SIZES,
    priceConfirmed: false,
    priceSource: UNCONFIRMED,
  },
  {
    family: 'm6i',
    architecture: 'x86_64',
    gibPerVcpu: 4,
    pricePerVcpuHour: 0.048,
    sizes: INTEL_SIZES,
    priceConfirmed: false,
    priceSource: UNCONFIRMED,
  },
];

/**
 * t4g (burstable Graviton). vCPU, memory and baseline from
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html; prices UNCONFIRMED.
 */
const T4G: readonly InstanceTypeSpec[] = (
  [
    ['t4g.nano', 2, 0.5, 0.0042, 5],
    ['t4g.micro', 2, 1, 0.0084, 10],
    ['t4g.small', 2, 2, 0.0168, 20],
    ['t4g.medium', 2, 4, 0.0336, 20],
    ['t4g.large', 2, 8, 0.0672, 30],
    ['t4g.xlarge', 4, 16, 0.1344, 40],
    ['t4g.2xlarge', 8, 32, 0.2688, 40],
  ] as const
).map(([name, vcpus, memoryGiB, pricePerHour, baselineCpuPercent]) => ({
  name,
  vcpus,
  memoryGiB,
  architecture: 'arm64' as const,
  pricePerHour,
  priceConfirmed: false,
  priceSource: UNCONFIRMED,
  baselineCpuPercent,
}));

/** Every instance type the planner can size, keyed by name. */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeSpec>> = Object.fromEntries(
  [
    ...FAMILIES.flatMap((f) =>
      f.sizes.map((size): InstanceTypeSpec => {
        const vcpus = VCPUS_BY_SIZE[size];
        return {
          name: `${f.family}.${size}`,
          vcpus,
          memoryGiB: vcpus * f.gibPerVcpu,
          architecture: f.architecture,
          pricePerHour: Math.round(vcpus * f.pricePerVcpuHour * 1e6) / 1e6,
          priceConfirmed: f.priceConfirmed,
          priceSource: f.priceSource,
        };
      }),
    ),
    ...T4G,
  ].map((t) => [t.name, t]),
);

/** gp3 storage, USD per GiB-month, us-east-1 (root volumes). UNCONFIRMED: https://aws.amazon.com/ebs/pricing/ */
export const GP3_PRICE_PER_GIB_MONTH = 0.08;

// ---------------------------------------------------------------------------------------------
// Per-connection memory and host facts
// ---------------------------------------------------------------------------------------------

/**
 * Server-process RSS growth per additional idle WebSocket, bytes (the marginal cost once the
 * process has warmed up; see {@link RUNTIME_WARMUP_BYTES} for the one-off part). Node v20.20.2,
 * loopback, RSS read after `gc()` twice:
 * - `ws`: 4,017 B, the least-squares slope of RSS growth over 1,500–13,500 connections to a bare
 *   `ws` 8.18 server in calibration run 1 of `bench/calibration.ts` (2026-11-21; samples in
 *   bench/README.md). Validated in run 2 (up to 18,000 connections, bench/results/calibration.json).
 *   For comparison, a loopback run (Node 20, 18,000 sockets) measured 5.8 KB *average* at 18,000 connections with ws
 *   8.23, which includes the warm-up.
 * - `socket.io` 4.8.4 (`transports: ['websocket']`): 15,056 B = the loopback run's growth of
 *   198.5 MB over 12,000 connections minus the warm-up, (198.5e6 − 17.8e6) ÷ 12,000.
 * A server that keeps more per connection costs more: the example server measured about 6.2–6.7 KB
 * marginal (bench/results/calibration.json); pass `{ bytesPerConnection }` for your own.
 */
export const FRAMEWORK_BYTES_PER_CONNECTION = {
  ws: 4_017,
  'socket.io': 15_056,
} as const;

/**
 * One-off RSS growth of a Node WebSocket server once connections start arriving (V8 grows its
 * young generation and old space and keeps the pages after GC), bytes: the intercept of the same
 * fits, 16.2–19.0 MiB for `ws` servers in calibration runs 1 and 2; 17 MiB used.
 */
export const RUNTIME_WARMUP_BYTES = 17 * 1024 * 1024;

/**
 * Baseline RSS of a Node WebSocket server process before any connection, bytes: 53.5–58.8 MB
 * measured in that loopback run and 45–54 MiB in bench/calibration.ts; rounded up.
 */
export const PROCESS_BASE_RSS_BYTES = 60e6;

/**
 * Kernel memory per established idle TCP socket, bytes (outside the process RSS):
 * `TCP` 2368 + `sock_inode_cache` 832 + `filp` 192 + `dentry` 192 + epoll 128 = 3,712 B,
 * measured with 18,000 loopback sockets on Linux 6.18 (`/proc/slabinfo` delta).
 * Socket buffers come on top only while data is queued.
 */
export const KERNEL_BYTES_PER_SOCKET = 3_712;

/**
 * Extra process memory per connection when TLS terminates on the instance (Node `TLSSocket`,
 * OpenSSL state and record buffers), bytes. UNCONFIRMED: the sources found say only "TLS state ≈
 * tens of KB"; 32 KiB is a planning figure until a measurement replaces it.
 */
export const TLS_BYTES_PER_CONNECTION = 32 * 1024;

/**
 * Memory kept back for the OS, the CloudWatch agent and SSM, MiB. Planning policy (not a
 * measurement): Amazon Linux 2023 plus agents idle in a few hundred MiB.
 */
export const HOST_RESERVED_MIB = 512;

/**
 * Share of the remaining memory the planner lets connections use; the rest absorbs V8 heap
 * growth between collections and RSS the allocator does not return (after closing 18,000 sockets
 * the measured `ws` server stayed at 132 MB RSS with a 5.3 MB heap). Policy.
 */
export const MEMORY_USABLE_FRACTION = 0.85;

/**
 * File descriptors a server process keeps for things other than client sockets (listening
 * sockets, logs, the metrics socket, Node's own handles). Policy.
 */
export const RESERVED_FILE_DESCRIPTORS = 1_024;

/**
 * Idle WebSockets one vCPU keeps alive (pings, timers, GC), a heuristic from published runs:
 * Centrifugo "1 M connections need about 10 CPU total" with few messages
 * (https://centrifugal.dev/blog/2020/02/10/million-connections-with-centrifugo), and 620k idle
 * Node `ws` connections pinning 4 vCPU with GC
 * (https://www.jayway.com/2015/04/13/600k-concurrent-websocket-connections-on-aws-using-node-js/).
 * (published load-generator reports; order of magnitude only).
 */
export const IDLE_CONNECTIONS_PER_VCPU = 100_000;

/**
 * Messages of about 1 KB one vCPU delivers per second to clients: one socket.io process on a
 * c5a.xlarge saturated its core at about 30k clients each receiving one 1 KB broadcast per second
 * (https://github.com/ezioda004/benchmark-socketio-uwebsockets). Used for `ws`
 * too (UNCONFIRMED for `ws`, which is likely faster).
 */
export const DELIVERIES_PER_VCPU_SECOND = 30_000;

/**
 * Full TLS handshakes one vCPU completes per second (ECDHE P-256 + RSA-2048 server key).
 * UNCONFIRMED planning figure; handshake bursts are what melt CPU in reconnect storms
 * (Figma postmortem).
 */
export const TLS_HANDSHAKES_PER_VCPU_SECOND = 1_000;

/**
 * Bytes a server→client WebSocket frame adds to the payload (RFC 6455 §5.2: 2 bytes up to 125,
 * 4 up to 65,535, else 10; server frames are unmasked).
 */
export function webSocketFrameOverheadBytes(payloadBytes: number): number {
  return payloadBytes <= 125 ? 2 : payloadBytes <= 65_535 ? 4 : 10;
}

/** TLS 1.3 record overhead with AES-GCM: 5-byte header + 1-byte content type + 16-byte tag (RFC 8446 §5.2). */
export const TLS_RECORD_OVERHEAD_BYTES = 22;

// ---------------------------------------------------------------------------------------------
// Elastic Load Balancing (https://aws.amazon.com/elasticloadbalancing/pricing/)
// ---------------------------------------------------------------------------------------------

/** One capacity-unit definition: what one LCU / NLCU covers per dimension, and its price. */
export interface CapacityUnitSpec {
  /** New connections (or flows) per second covered by one unit. */
  readonly newConnectionsPerSecond: number;
  /** Concurrent (active, sampled per minute) connections covered by one unit. */
  readonly activeConnections: number;
  /** Processed bytes per hour covered by one unit, GB (1e9 bytes). */
  readonly processedGBPerHour: number;
  /** Rule evaluations per second (ALB only; first 10 rules per request free). */
  readonly ruleEvaluationsPerSecond?: number;
  /** USD per unit-hour. */
  readonly pricePerUnitHour: number;
  /** USD per load-balancer-hour (or partial hour). */
  readonly pricePerLoadBalancerHour: number;
  readonly source: string;
}

const ELB_PRICING = 'https://aws.amazon.com/elasticloadbalancing/pricing/';

/** ALB LCU: 25 new connections/s, 3,000 active connections, 1 GB/h (EC2 targets), 1,000 rule evaluations/s; $0.008 per LCU-hour, $0.0225 per ALB-hour. https://aws.amazon.com/elasticloadbalancing/pricing/. */
export const ALB_LCU: CapacityUnitSpec = {
  newConnectionsPerSecond: 25,
  activeConnections: 3_000,
  processedGBPerHour: 1,
  ruleEvaluationsPerSecond: 1_000,
  pricePerUnitHour: 0.008,
  pricePerLoadBalancerHour: 0.0225,
  source: ELB_PRICING,
};

/** NLB NLCU for TLS listeners: 50 new TLS connections/s, 3,000 active, 1 GB/h; $0.006 per NLCU-hour, $0.0225 per NLB-hour. https://aws.amazon.com/elasticloadbalancing/pricing/ */
export const NLB_TLS_NLCU: CapacityUnitSpec = {
  newConnectionsPerSecond: 50,
  activeConnections: 3_000,
  processedGBPerHour: 1,
  pricePerUnitHour: 0.006,
  pricePerLoadBalancerHour: 0.0225,
  source: ELB_PRICING,
};

/** NLB NLCU for TCP listeners: 800 new connections/s, 100,000 active, 1 GB/h; $0.006 per NLCU-hour, $0.0225 per NLB-hour. https://aws.amazon.com/elasticloadbalancing/pricing/ */
export const NLB_TCP_NLCU: CapacityUnitSpec = {
  newConnectionsPerSecond: 800,
  activeConnections: 100_000,
  processedGBPerHour: 1,
  pricePerUnitHour: 0.006,
  pricePerLoadBalancerHour: 0.0225,
  source: ELB_PRICING,
};

/**
 * NLB with client address translation (client IP preservation off): "55,000 simultaneous
 * connections or about 55,000 connections per minute to each unique target (IP address and port)".
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation and https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html (PortAllocationErrorCount).
 */
export const NLB_CONNECTIONS_PER_TARGET_WITH_TRANSLATION = 55_000;

/** Public IPv4 address, USD per hour; an internet-facing load balancer holds one per AZ. UNCONFIRMED (https://aws.amazon.com/vpc/pricing/). */
export const PUBLIC_IPV4_PRICE_PER_HOUR = 0.005;

// ---------------------------------------------------------------------------------------------
// Route 53
// ---------------------------------------------------------------------------------------------

/**
 * Route 53 prices. Queries to alias records that point at an ELB load balancer are free
 * (https://aws.amazon.com/route53/pricing/: alias queries to ELB are free), so the tier's weighted alias records cost
 * nothing per query. Health-check prices are UNCONFIRMED (https://aws.amazon.com/route53/pricing/
 * as remembered: $0.50/month per health check on an AWS endpoint, +$1.00 per optional feature
 * such as HTTPS or the 10 s fast interval).
 */
export const ROUTE53_PRICES = {
  aliasQueryToElbPerMillion: 0,
  standardQueryPerMillion: 0.4,
  healthCheckAwsEndpointPerMonth: 0.5,
  healthCheckOptionalFeaturePerMonth: 1.0,
  confirmed: false,
  source: 'https://aws.amazon.com/route53/pricing/ (alias-to-ELB queries free; the rest UNCONFIRMED)',
} as const;

// ---------------------------------------------------------------------------------------------
// Redis backplane
// ---------------------------------------------------------------------------------------------

/**
 * Message deliveries per second one Redis primary thread sustains: measured ≈1.5 M (1.52–1.68 M)
 * with redis-server 7.0.15, 100-byte payloads, pipelined PUBLISH, on 2 shared vCPUs
 *. A managed node differs; treat this as an order of magnitude.
 */
export const REDIS_DELIVERIES_PER_SECOND_PER_PRIMARY = 1_500_000;

/** One ElastiCache node type the planner prices. */
export interface CacheNodeSpec {
  readonly name: string;
  readonly pricePerHour: number;
  readonly priceConfirmed: boolean;
}

/** ElastiCache (Redis OSS / Valkey) on-demand node prices, us-east-1. UNCONFIRMED: https://aws.amazon.com/elasticache/pricing/ */
export const CACHE_NODE_TYPES: Readonly<Record<string, CacheNodeSpec>> = Object.fromEntries(
  (
    [
      ['cache.t4g.micro', 0.016],
      ['cache.t4g.small', 0.032],
      ['cache.t4g.medium', 0.065],
      ['cache.m7g.large', 0.158],
      ['cache.m7g.xlarge', 0.315],
      ['cache.r7g.large', 0.219],
      ['cache.r7g.xlarge', 0.437],
    ] as const
  ).map(([name, pricePerHour]) => [name, { name, pricePerHour, priceConfirmed: false }]),
);

// ---------------------------------------------------------------------------------------------
// API Gateway WebSocket APIs (https://aws.amazon.com/api-gateway/pricing/)
// ---------------------------------------------------------------------------------------------

/**
 * API Gateway WebSocket API prices and quotas, us-east-1. Sources:
 * https://aws.amazon.com/api-gateway/pricing/ via third-party summaries (the $0.80 tier above
 * 1 billion messages is UNCONFIRMED) and
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
 */
export const API_GATEWAY_WEBSOCKET = {
  pricePerMillionMessages: 1.0,
  /** Messages per month billed at the first rate. */
  firstTierMessages: 1e9,
  pricePerMillionMessagesAboveTier: 0.8,
  pricePerMillionConnectionMinutes: 0.25,
  /** Messages are metered in 32 KB increments. */
  meteringIncrementBytes: 32 * 1024,
  /** New connections per second per account and Region (adjustable). */
  newConnectionsPerSecondQuota: 500,
  /** Longest a connection may live, seconds (not adjustable). */
  maxConnectionDurationSeconds: 7_200,
  /** Idle timeout, seconds (not adjustable). */
  idleTimeoutSeconds: 600,
} as const;
