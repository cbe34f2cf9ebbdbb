/**
 * The example chat tier's configuration, shared by the CDK example (examples/cdk/chat-tier-stack.ts)
 * and the Pulumi example (examples/pulumi/tier.ts), so both deploy the same tier
 * (test/parity/example.test.ts checks their plans and cells are equal).
 *
 * - cells `a` and `b`: Application Load Balancers (HTTPS :443, HTTP :80 redirect), equal weight;
 * - cell `c`: a Network Load Balancer terminating TLS on :443, at half weight (a canary for the
 *   NLB path, which keeps sockets through deregistration and drains under the lifecycle hook);
 * - a backplane (ElastiCache Valkey, one primary and one replica in another AZ, TLS, AUTH token in
 *   Secrets Manager) that the chat server (examples/chat-server) uses for broadcasts across cells
 *   and socket.io connection state recovery; every instance gets `WST_REDIS_URL` at boot.
 *
 * Cell names are API (construct ids and Pulumi names derive from them): do not change them.
 */
import type { TierConfig } from '../lib/core/config';

/** The tier at `domainName` (lowercase, no trailing dot), everything but where it is deployed. */
export function chatTierConfig(domainName: string): TierConfig {
  return {
    domainName,
    cells: [
      { name: 'a', loadBalancerType: 'application', weight: 100 },
      { name: 'b', loadBalancerType: 'application', weight: 100 },
      { name: 'c', loadBalancerType: 'network', nlbListenerProtocol: 'TLS', weight: 50 },
    ],
    connection: {
      // Below the ALB idle timeout (120 s) and the fixed 350 s of NLB TLS listeners.
      pingIntervalSeconds: 25,
      albIdleTimeoutSeconds: 120,
      // Reconnects after a deploy or scale-in are spread over five minutes.
      drainWindowSeconds: 300,
      // The chat server (examples/chat-server) is socket.io with its default transports: clients
      // start on HTTP long-polling and then upgrade, so the pre-upgrade requests must stick to one
      // instance (ALB cells: lb_cookie; the NLB cell: source_ip).
      longPollingFallback: true,
    },
    dns: {
      // One HTTPS Route 53 health check per cell, so a cell whose instances fail stops
      // receiving new clients even when its load balancer still looks healthy.
      healthChecks: true,
    },
    // Every default: Valkey 8.0 on cache.r7g.large, one replica (automatic failover, Multi-AZ), 6379.
    backplane: {},
  };
}
