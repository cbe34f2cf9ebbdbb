/**
 * `planTier()`: validate then resolve, the entry point renderers use.
 */
import type { TierConfig } from './config';
import { resolveTier } from './resolve';
import { errorsOf, formatIssues, type Issue, type IsUnresolved, neverUnresolved, TierConfigError, warningsOf } from './issues';

export { TierConfigError } from './issues';
import type { ResolvedTier } from './resolved';
import { validateTier } from './validate';

/** A validated, resolved tier plus the warnings a renderer should surface. */
export interface TierPlan {
  readonly tier: ResolvedTier;
  readonly warnings: readonly Issue[];
}

/**
 * Validate and resolve a tier.
 * @param where - construct path or resource name, put at the start of the error message
 * @param extraIssues - issues of renderer-only inputs (e.g. the hosted zone), reported with the config's
 * @throws TierConfigError listing every error (field, value, allowed values, fix)
 */
export function planTier(
  where: string,
  config: TierConfig,
  isUnresolved: IsUnresolved = neverUnresolved,
  extraIssues: readonly Issue[] = [],
): TierPlan {
  const issues = [...validateTier(config, isUnresolved), ...extraIssues];
  const errors = errorsOf(issues);
  if (errors.length > 0) throw new TierConfigError(formatIssues(where, errors), errors);
  return { tier: resolveTier(config), warnings: warningsOf(issues) };
}
