/**
 * The example chat tier's configuration, shared by the CDK example (examples/cdk/chat-tier-stack.ts)
 * and the Pulumi example (examples/pulumi/tier.ts), so both deploy the same tier
 * (test/parity/example.test.ts checks their plans and cells are equal).
 *
 * - cells `a` and `b`: Application Load Balancers (HTTPS :443, HTTP :80 redirect), equal weight;
 * - cell `c`: a Network Load Balancer terminating TLS on :443, at half weight (a canary for the
 *   NLB path, which keeps sockets through deregistration and drains under the lifecycle hook).
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
      // The example server (examples/server) is plain `ws`: clients open a WebSocket directly,
      // with no socket.io/SignalR long-polling phase, so no stickiness is needed.
      longPollingFallback: false,
    },
    dns: {
      // One HTTPS Route 53 health check per cell, so a cell whose instances fail stops
      // receiving new clients even when its load balancer still looks healthy.
      healthChecks: true,
    },
  };
}
