/**
 * The example chat tier in Pulumi: the same three cells as the CDK example
 * (examples/cdk/chat-tier-stack.ts), behind one weighted Route 53 name.
 *
 * - cells `a` and `b`: Application Load Balancers (HTTPS :443, HTTP :80 redirect), equal weight;
 * - cell `c`: a Network Load Balancer terminating TLS on :443, at half weight (a canary for the
 *   NLB path, which keeps sockets through deregistration and drains under the lifecycle hook).
 *
 * Kept apart from index.ts so tests can build it under mocks (test/pulumi/example.test.ts).
 */
import { WebSocketTier, type WebSocketTierArgs } from '../../lib/pulumi';
import { bundleServer } from '../server/bundle';

/** Options of {@link buildExampleTier}. */
export interface ExampleTierOptions {
  /** The name chat clients connect to, e.g. `ws.example.com` (lowercase, no trailing dot). */
  readonly domainName: string;
  /** Id of the public hosted zone that holds `domainName`, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /**
   * Path of the single-file server bundle the instances run.
   * @default - `bundleServer()`: examples/server/server.ts bundled with esbuild
   */
  readonly serverBundleFile?: string;
}

/** The tier's configuration (everything but where it is deployed). */
export function exampleTierArgs(options: ExampleTierOptions): WebSocketTierArgs {
  return {
    domainName: options.domainName,
    hostedZoneId: options.hostedZoneId,
    serverBundleFile: options.serverBundleFile ?? bundleServer(),
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
      // The example server (examples/server) is plain `ws`: no long-polling phase, no stickiness.
      longPollingFallback: false,
    },
    dns: {
      // One HTTPS Route 53 health check per cell, so a cell whose instances fail stops
      // receiving new clients even when its load balancer still looks healthy.
      healthChecks: true,
    },
  };
}

/** Build the example tier. Its Pulumi name `chat` and the cell names are API: do not change them. */
export function buildExampleTier(options: ExampleTierOptions): WebSocketTier {
  return new WebSocketTier('chat', exampleTierArgs(options));
}
