/**
 * How every validator in core reports problems: the `Issue` shape, one collector
 * ({@link IssueCollector}) used by the tier, capacity, operations and backplane rules, one error
 * class ({@link TierConfigError}) and one formatter. Data and helpers only; imports nothing.
 */

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

/**
 * A value as a message shows it: JSON for plain data, and what JSON cannot write spelled out
 * (`10n` for a BigInt, `NaN`, `Infinity`, `undefined`), so a message never throws
 * (`JSON.stringify` throws on a BigInt) and never says `null` for NaN.
 */
export function showValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return String(value);
  try {
    const seen = new WeakSet<object>();
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

/** Issues of severity `error`. */
export function errorsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => i.severity === 'error');
}

/** Issues of severity `warning`. */
export function warningsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => i.severity === 'warning');
}

/** An inclusive integer range, with the document it comes from when it is AWS's. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
  readonly source?: string;
}

/** A number range for {@link IssueCollector.num}. */
export interface NumberRule {
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** `min` itself is not allowed. */
  readonly exclusiveMin?: boolean;
  /** What to do instead, ending the message (`Fix: …`). */
  readonly fix: string;
}

/**
 * How a message spells a field, given its full path (`capacity.peakConnections`). Messages name
 * every field through it, so a caller with its own names (the CLI's flags: `--connections`) maps
 * paths to them instead of rewriting message text. `Issue.path` stays the path.
 * @default the path itself
 */
export type FieldName = (path: string) => string;

/**
 * Collects issues for one validator. Paths are relative to `prefix` when one is given (the capacity
 * planner's fields live under `capacity.` in a tier and at the top level on the CLI).
 */
export class IssueCollector {
  readonly issues: Issue[] = [];

  constructor(
    private readonly isUnresolved: IsUnresolved = neverUnresolved,
    /** Prepended to every path (e.g. `capacity.`). */
    readonly prefix = '',
    /** How messages spell a field. @default the path */
    private readonly fieldName: FieldName = (p) => p,
  ) {}

  /** The full path of a field (what `Issue.path` holds). */
  path(field: string): string {
    return `${this.prefix}${field}`;
  }

  /** A field as messages spell it: its path through the caller's {@link FieldName}. */
  name(field: string): string {
    return this.fieldName(this.path(field));
  }

  error(code: string, field: string, message: string): void {
    this.issues.push({ code, path: this.path(field), message, severity: 'error' });
  }

  warn(code: string, field: string, message: string): void {
    this.issues.push({ code, path: this.path(field), message, severity: 'warning' });
  }

  /** Add issues another validator returned (their paths are kept). */
  add(issues: readonly Issue[]): void {
    this.issues.push(...issues);
  }

  /** True when the value is present and concrete (not undefined, not late-bound). */
  known<T>(value: T | undefined): value is T {
    return value !== undefined && !this.isUnresolved(value);
  }

  /** True when the value is late-bound. */
  unresolved(value: unknown): boolean {
    return this.isUnresolved(value);
  }

  /**
   * Integer range check of an optional field (codes `not-an-integer`, `out-of-range`).
   * @returns true when the value is present, concrete and in range (usable for cross-checks)
   */
  int(field: string, value: unknown, range: IntRange, unit = ''): value is number {
    if (!this.known(value)) return false;
    const p = this.name(field);
    const u = unit ? ` ${unit}` : '';
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.error(
        'not-an-integer',
        field,
        `${p} must be an integer${unit ? ` (${unit})` : ''}; got ${showValue(value)}. Fix: give a whole number from ${range.min} to ${range.max}${u}.`,
      );
      return false;
    }
    if (value < range.min || value > range.max) {
      const src = range.source ? ` (source: ${range.source})` : '';
      this.error(
        'out-of-range',
        field,
        `${p} is ${value}${u}; allowed ${range.min}–${range.max}${u}${src}. Fix: choose a value in that range.`,
      );
      return false;
    }
    return true;
  }

  /**
   * The value a cross-check can use: the field when it is valid (checked with {@link int}), the
   * default when it is absent, and undefined when it is invalid or late-bound (already reported, or
   * not checkable). Replaces the `value, else default, else unknown` idiom.
   */
  effectiveInt(field: string, value: unknown, range: IntRange, fallback: number | undefined, unit = ''): number | undefined {
    if (this.int(field, value, range, unit)) return value;
    return value === undefined ? fallback : undefined;
  }

  /**
   * The value a cross-check can use after a check returned `ok`: the value when `ok`, the default
   * when the value is absent, undefined otherwise (invalid or late-bound: already reported).
   */
  effectiveOf<T>(ok: boolean, value: T | undefined, fallback: T | undefined): T | undefined {
    if (ok) return value;
    return value === undefined ? fallback : undefined;
  }

  /** The field's concrete value, the default when absent, undefined when late-bound. No checks. */
  effective<T>(value: T | undefined, fallback: T): T | undefined {
    if (value === undefined) return fallback;
    return this.isUnresolved(value) ? undefined : value;
  }

  /** Boolean check (code `not-a-boolean`). */
  bool(field: string, value: unknown): void {
    if (this.known(value) && typeof value !== 'boolean') {
      this.error(
        'not-a-boolean',
        field,
        `${this.name(field)} is ${showValue(value)}; allowed: true or false (a string such as "false" is not a boolean). Fix: use the literal true or false, without quotes.`,
      );
    }
  }

  /**
   * Number check with the capacity planner's codes (`capacity-not-a-number`, `capacity-out-of-range`).
   * @returns true when the value is usable; late-bound values are skipped (and unusable)
   */
  num(field: string, value: unknown, rule: NumberRule): boolean {
    if (value === undefined || this.isUnresolved(value)) return false;
    const p = this.name(field);
    const range = `${rule.exclusiveMin ? `greater than ${rule.min}` : `${rule.min}`}${rule.max !== undefined ? `${rule.exclusiveMin ? ' and at most' : '–'}${rule.max}` : rule.exclusiveMin ? '' : ' or more'}`;
    const kind = rule.integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
      this.error('capacity-not-a-number', field, `${p} must be ${kind} ${range}; got ${showValue(value)}. Fix: ${rule.fix}.`);
      return false;
    }
    if ((rule.exclusiveMin ? value <= rule.min : value < rule.min) || (rule.max !== undefined && value > rule.max)) {
      this.error('capacity-out-of-range', field, `${p} is ${value}; allowed ${kind} ${range}. Fix: ${rule.fix}.`);
      return false;
    }
    return true;
  }
}

/** True for a plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One line per error: `  - <message> [<code>]`, the path printed once (messages start with their
 * field's path; a message that does not gets `<path>: ` in front).
 */
export function formatIssueLines(issues: readonly Issue[]): string {
  return issues.map((i) => `  - ${i.message.startsWith(i.path) ? i.message : `${i.path}: ${i.message}`} [${i.code}]`).join('\n');
}

/**
 * One error text listing every error, for a renderer to throw.
 * @param where - the construct path or Pulumi resource name the config belongs to
 * @param what - what was invalid
 * @default what 'WebSocket tier configuration'
 */
export function formatIssues(where: string, issues: readonly Issue[], what = 'WebSocket tier configuration'): string {
  const errors = errorsOf(issues);
  const noun = errors.length === 1 ? 'problem' : 'problems';
  return `${where ? `${where}: ` : ''}invalid ${what} (${errors.length} ${noun}):\n${formatIssueLines(errors)}`;
}

/** The folder holding this library's `lib` (source or dist), to tell its stack frames from the caller's. */
const LIBRARY_DIR: string | undefined = typeof __dirname === 'string' ? __dirname.replace(/[\\/]core$/, '') : undefined;

/**
 * The caller's frame: the first `    at …` line outside this library and outside `node_modules`
 * (the user's `new WebSocketTier(…)` or `planTier(…)` line), else the first frame.
 */
function callerFrame(stack: string | undefined): string | undefined {
  const frames = (stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  const outside = frames.find(
    (f) =>
      !(LIBRARY_DIR !== undefined && (f.includes(`${LIBRARY_DIR}/`) || f.includes(`${LIBRARY_DIR}\\`))) &&
      !/[\\/]node_modules[\\/]/.test(f) &&
      !/\(node:/.test(f),
  );
  return outside ?? frames[0];
}

/**
 * The one error class of core: thrown for an invalid tier config (`planTier()`, the CDK and
 * Pulumi components) and an invalid capacity input (`planCapacity()`). `message` is the compact
 * list (path once, value, allowed, fix, code). `stack` is that list plus one frame (the caller's,
 * the first outside this library), so an uncaught error prints the list, not ten frames of the
 * library's internals. `issues` keeps every error for code; it is not enumerable, so Node does not
 * print it again after the stack.
 */
export class TierConfigError extends Error {
  /** Every error found (warnings are not included). */
  declare readonly issues: readonly Issue[];

  constructor(message: string, issues: readonly Issue[]) {
    super(message);
    Object.defineProperty(this, 'issues', { value: issues, enumerable: false, writable: false, configurable: true });
    // A deeper trace than the default 10 frames, so the caller's frame is found under a deep construct tree.
    const trace: { stack?: string } = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    Error.captureStackTrace(trace, TierConfigError);
    Error.stackTraceLimit = limit;
    const frame = callerFrame(trace.stack);
    Object.defineProperty(this, 'stack', {
      value: `${this.name}: ${message}${frame ? `\n${frame}` : ''}`,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
}
Object.defineProperty(TierConfigError.prototype, 'name', {
  value: 'TierConfigError',
  enumerable: false,
  writable: true,
  configurable: true,
});

/**
 * Thrown by `planCapacity()`: the same class as {@link TierConfigError} (kept as a name for
 * `instanceof` checks written against earlier versions).
 */
export const CapacityPlanError = TierConfigError;
/** @see CapacityPlanError */
export type CapacityPlanError = TierConfigError;

/** The prefix under which warnings are reported (CDK `Annotations.addWarningV2` id, Pulumi log). */
export const WARNING_PREFIX = '@websocket-tier';
