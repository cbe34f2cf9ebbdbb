/**
 * Test helper shared by the CDK, Pulumi and parity tests (no provider import).
 */
import type { TierConfig } from '../../lib/core/config';

/**
 * The config, with `server.unitProvidedByImage: true` when it says nothing about how the server
 * starts (no command, artifact, bundle or acknowledgement): tests about other settings render the
 * image-unit case, as every tier without a bundle did before `server-no-start` existed.
 */
export function withServerStart<T extends TierConfig>(config: T, serverBundleFile?: string): T {
  const s = config.server ?? {};
  if (serverBundleFile !== undefined || s.command !== undefined || s.artifact !== undefined || s.unitProvidedByImage !== undefined) {
    return config;
  }
  return { ...config, server: { ...s, unitProvidedByImage: true } };
}
