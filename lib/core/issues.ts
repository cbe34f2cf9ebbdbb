/** A problem found in a tier config. Validators return every issue at once; renderers decide how to raise them. */
export interface Issue {
  /** Stable machine-readable code, e.g. `alb-idle-below-ping`; warnings are acknowledged by it. */
  readonly code: string;
  /** Config path of the offending field, e.g. `connection.albIdleTimeoutSeconds` or `cells[1].weight`. */
  readonly path: string;
  /** One sentence: the field, the value given, what is allowed, and the fix. */
  readonly message: string;
  /** `error` stops synthesis; `warning` is reported and can be acknowledged. */
  readonly severity: 'error' | 'warning';
}

/** Predicate telling validators a value is late-bound (a CDK token, a Pulumi output) and must not be range-checked. */
export type IsUnresolved = (value: unknown) => boolean;

/** The predicate for plain data: nothing is late-bound. */
export const neverUnresolved: IsUnresolved = () => false;

/** Issues of severity `error`. */
export function errorsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => i.severity === 'error');
}

/** Issues of severity `warning`. */
export function warningsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => i.severity === 'warning');
}

/**
 * One error text listing every error, for a renderer to throw.
 * @param where - the construct path or Pulumi resource name the config belongs to
 */
export function formatIssues(where: string, issues: readonly Issue[]): string {
  const errors = errorsOf(issues);
  const lines = errors.map((i) => `  - ${i.path}: ${i.message} [${i.code}]`);
  const noun = errors.length === 1 ? 'problem' : 'problems';
  return `${where}: invalid WebSocket tier configuration (${errors.length} ${noun}):\n${lines.join('\n')}`;
}

/** The prefix under which warnings are reported (CDK `Annotations.addWarningV2` id, Pulumi log). */
export const WARNING_PREFIX = '@websocket-tier';
