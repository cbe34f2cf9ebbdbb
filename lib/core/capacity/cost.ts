/**
 * The cost side of a plan that is not the tier's own bill: API Gateway WebSocket APIs for the
 * same load, and the assumptions behind the numbers, in words.
 */
import {
  API_GATEWAY_WEBSOCKET,
  FRAMEWORK_BYTES_PER_CONNECTION,
  HOST_RESERVED_MIB,
  HOURS_PER_MONTH,
  IDLE_CONNECTIONS_PER_VCPU,
  DELIVERIES_PER_VCPU_SECOND,
  type InstanceTypeSpec,
  KERNEL_BYTES_PER_SOCKET,
  MEMORY_USABLE_FRACTION,
  PROCESS_BASE_RSS_BYTES,
  RUNTIME_WARMUP_BYTES,
  SECONDS_PER_MONTH,
  TLS_BYTES_PER_CONNECTION,
  TLS_HANDSHAKES_PER_VCPU_SECOND,
} from './data';
import { fmt } from './format';
import type { ApiGatewayComparison, ResolvedCapacityInput } from './types';

/** API Gateway WebSocket APIs billed for the same load. */
export function apiGatewayCost(r: ResolvedCapacityInput): ApiGatewayComparison {
  const a = API_GATEWAY_WEBSOCKET;
  const connectionMinutesPerMonth = r.peakConnections * 60 * HOURS_PER_MONTH;
  const units = Math.ceil(r.messageBytes / a.meteringIncrementBytes);
  // Client→API publishes plus API→client deliveries (@connections posts), each metered per 32 KB.
  const messagesPerMonth = (r.messagesPerSecond + r.messagesPerSecond * r.fanOut) * units * SECONDS_PER_MONTH;
  const first = Math.min(messagesPerMonth, a.firstTierMessages);
  const messagesCost = (first / 1e6) * a.pricePerMillionMessages + ((messagesPerMonth - first) / 1e6) * a.pricePerMillionMessagesAboveTier;
  const connectionMinutesCost = (connectionMinutesPerMonth / 1e6) * a.pricePerMillionConnectionMinutes;
  const notes: string[] = [];
  const forcedReconnects = r.peakConnections / a.maxConnectionDurationSeconds;
  const steady = Math.max(r.newConnectionsPerSecond, forcedReconnects);
  if (steady > a.newConnectionsPerSecondQuota) {
    notes.push(
      `needs ${fmt(steady)} new connections/s (connections last at most 2 h, so at least ${fmt(forcedReconnects)}/s), above the default quota of ${a.newConnectionsPerSecondQuota}/s per account and Region (adjustable)`,
    );
  }
  if (r.reconnectStormConnectionsPerSecond > a.newConnectionsPerSecondQuota) {
    notes.push(
      `a reconnect storm of ${fmt(r.reconnectStormConnectionsPerSecond)}/s would be throttled at ${a.newConnectionsPerSecondQuota}/s and take ${fmt(r.peakConnections / a.newConnectionsPerSecondQuota / 60)} min to reconnect everyone`,
    );
  }
  if (r.messageBytes > 32 * 1024) notes.push('messages over 32 KB must be split into frames of at most 32 KB (close code 1009 otherwise)');
  return {
    connectionMinutesPerMonth,
    messagesPerMonth,
    connectionMinutesCost,
    messagesCost,
    total: connectionMinutesCost + messagesCost,
    notes,
  };
}

/** The assumptions behind a plan's numbers. */
export function assumptions(r: ResolvedCapacityInput, it: InstanceTypeSpec): string[] {
  const fw =
    typeof r.framework === 'object'
      ? `${r.framework.bytesPerConnection} B/connection (measured by you)`
      : `${r.framework} (${FRAMEWORK_BYTES_PER_CONNECTION[r.framework]} B/connection measured on Node 20)`;
  return [
    `${r.processesPerInstance} Node server process${r.processesPerInstance === 1 ? '' : 'es'} per instance (CPU counts min(vCPUs, processes)); framework ${fw}, plus ${KERNEL_BYTES_PER_SOCKET} B kernel per socket${r.tlsTermination === 'instance' ? ` and ${TLS_BYTES_PER_CONNECTION} B TLS state (UNCONFIRMED)` : ''}`,
    `memory budget: (${it.memoryGiB} GiB − ${HOST_RESERVED_MIB} MiB for the OS) × ${MEMORY_USABLE_FRACTION} − ${PROCESS_BASE_RSS_BYTES / 1e6} MB process baseline − ${RUNTIME_WARMUP_BYTES / 1024 / 1024} MiB runtime warm-up (calibrated on loopback, bench/calibration.ts)`,
    `CPU heuristics: ${fmt(IDLE_CONNECTIONS_PER_VCPU)} idle connections, ${fmt(DELIVERIES_PER_VCPU_SECOND)} ~1 KB deliveries/s${r.tlsTermination === 'instance' ? `, ${fmt(TLS_HANDSHAKES_PER_VCPU_SECOND)} TLS handshakes/s (UNCONFIRMED)` : ''} per vCPU${it.baselineCpuPercent ? `; ${it.name} counted at its ${it.baselineCpuPercent} % baseline` : ''}`,
    `scaling target = maximum × ${(100 - r.headroomPercent) / 100}; cost counts the peak fleet for all ${HOURS_PER_MONTH} hours (an upper bound)`,
    `on-demand us-east-1 prices${it.priceConfirmed ? '' : `; the ${it.name} price is UNCONFIRMED`}; ElastiCache, Route 53 health-check and public IPv4 prices UNCONFIRMED`,
    'not included: data transfer out, NAT gateways, CloudWatch, hosted zone; API Gateway also bills data transfer and needs its own backend (Lambda or HTTP)',
    'API Gateway: every connection held all month at peak, each publish and each delivery billed as a message, pings not billed',
  ];
}
