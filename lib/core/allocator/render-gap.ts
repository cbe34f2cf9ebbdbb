/**
 * The allocator is resolved and served by the handler (`./handler.ts`) and the twin's
 * `startAllocatorServer` (`lib/twin`), the runtime (ticket admission) and the client (`allocatorUrl`), but neither the
 * CDK construct nor the Pulumi component renders its endpoint yet. A tier that sets `allocator`
 * is therefore refused by both renderers (code `allocator-not-rendered`) rather than synthesized
 * without it: servers would wait for tickets nobody issues, and clients would ask an endpoint that
 * does not exist.
 */
import type { TierConfig } from '../config';
import type { Issue, IsUnresolved } from '../issues';
import { neverUnresolved } from '../issues';

/** `allocator-not-rendered` (error) when `config.allocator` is set; nothing otherwise. */
export function allocatorRenderIssues(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const a = (config as { readonly allocator?: unknown }).allocator;
  if (a === undefined || isUnresolved(a)) return [];
  return [
    {
      code: 'allocator-not-rendered',
      path: 'allocator',
      severity: 'error',
      message:
        'allocator is set, but the CDK construct and the Pulumi component do not render the allocator endpoint yet; a tier deployed without it would leave servers waiting for tickets nobody issues. ' +
        "Allowed here: no allocator (the handler `createAllocatorHandler`, the twin's `startAllocatorServer`, the runtime and the client already support it). Fix: remove allocator from the config you deploy; keep it for the twin and tests.",
    },
  ];
}
