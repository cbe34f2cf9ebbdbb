/**
 * The example chat tier in Pulumi: the same configuration as the CDK example
 * (examples/chat-tier-config.ts), behind one weighted Route 53 name.
 *
 * Kept apart from index.ts so tests can build it under mocks (test/pulumi/example.test.ts).
 */
import { WebSocketTier, type WebSocketTierArgs } from '../../lib/pulumi';
import { chatTierConfig } from '../chat-tier-config';
import { bundleChatServer } from '../server/bundle';

/** Options of {@link buildExampleTier}. */
export interface ExampleTierOptions {
  /** The name chat clients connect to, e.g. `ws.example.com` (lowercase, no trailing dot). */
  readonly domainName: string;
  /** Id of the public hosted zone that holds `domainName`, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /**
   * Path of the single-file server bundle the instances run.
   * @default - `bundleChatServer()`: the chat server (examples/chat-server/server.ts) bundled with esbuild
   */
  readonly serverBundleFile?: string;
}

/** The tier's arguments: the shared configuration plus where it is deployed. */
export function exampleTierArgs(options: ExampleTierOptions): WebSocketTierArgs {
  return {
    ...chatTierConfig(options.domainName),
    hostedZoneId: options.hostedZoneId,
    serverBundleFile: options.serverBundleFile ?? bundleChatServer(),
  };
}

/** Build the example tier. Its Pulumi name `chat` and the cell names are API: do not change them. */
export function buildExampleTier(options: ExampleTierOptions): WebSocketTier {
  return new WebSocketTier('chat', exampleTierArgs(options));
}
