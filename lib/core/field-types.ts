/**
 * Type checks a plain-JavaScript or JSON caller can fail and TypeScript cannot see, run before the
 * tier rules: a BigInt anywhere (JSON and CloudFormation have none; the rules' messages could not
 * even print it), a number that is not finite (NaN, ±Infinity: `JSON.stringify` writes them as
 * `null`), a string such as `"false"` where a boolean goes (it would be truthy), and a number,
 * list or object where a string goes (`cookieName: 5` would crash the cookie rule,
 * `instanceType: ['m7g.large']` would pass it as its text).
 *
 * {@link checkFieldTypes} reports each such value (an error naming the field) and returns a copy
 * of the config without it, so the tier rules read only values of the right type and never throw.
 * Nothing is clamped or coerced: every value removed is an error, so a config with one is refused.
 */
import type { TierConfig } from './config';
import { IssueCollector, showValue } from './issues';

/** Boolean fields whose own rule does not check the type, by path (`[]` stands for any list index). */
export const BOOLEAN_FIELDS: readonly string[] = [
  'connection.longPollingFallback',
  'connection.stickiness.enabled',
  'host.localProxy',
  'dns.cellRecords',
  'dns.healthChecks',
];

/** String fields whose own rule does not check the type (it reads `String(value)` or calls string methods). */
export const STRING_FIELDS: readonly string[] = [
  'instanceType',
  'cells[].instanceType',
  'tlsPolicy',
  'connection.stickiness.albType',
  'connection.stickiness.cookieName',
  'host.localPortRange',
  'server.serviceName',
  'server.nodePackage',
];

type Mutable = Record<string, unknown>;

/** A plain object of any realm (its prototype is an `Object.prototype` or null): not a list, not a class instance. */
function isPlain(value: unknown): value is Mutable {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** `cells.0.name` → `cells[0].name`. */
function display(parts: readonly (string | number)[]): string {
  return parts.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k), '');
}

/**
 * Copy plain objects and arrays (not late-bound values, not class instances) so values can be
 * removed from the copy; keys and order are kept.
 */
function copy(value: unknown, isUnresolved: (v: unknown) => boolean): unknown {
  if (isUnresolved(value)) return value;
  if (Array.isArray(value)) return value.map((x) => copy(x, isUnresolved));
  if (isPlain(value)) return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, copy(x, isUnresolved)]));
  return value;
}

/** Remove BigInt and non-finite numbers anywhere in the copy, reporting each. */
function numbers(
  v: IssueCollector,
  value: unknown,
  at: (string | number)[],
  parent: Mutable | unknown[] | undefined,
  key: string | number,
): void {
  if (v.unresolved(value)) return;
  if (typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) {
    const path = display(at);
    const big = typeof value === 'bigint';
    v.error(
      big ? 'bigint-value' : 'not-a-finite-number',
      path,
      `${path} is ${showValue(value)}${big ? ', a BigInt' : ''}; allowed: a finite ${big ? 'JavaScript number (JSON and CloudFormation have no BigInt)' : 'number (JSON has no NaN or Infinity and would write null)'}. Fix: give a plain number in the field's documented range${big ? `, e.g. ${String(value)}` : ''}.`,
    );
    if (Array.isArray(parent)) parent[key as number] = undefined;
    else if (parent) delete parent[key as string];
    return;
  }
  if (Array.isArray(value)) value.forEach((x, i) => numbers(v, x, [...at, i], value, i));
  else if (isPlain(value)) for (const [k, x] of Object.entries(value)) numbers(v, x, [...at, k], value, k);
}

/** Every (parent, key, path) a field pattern names in the config (`cells[]` expands to each cell). */
function locate(config: Mutable, pattern: string): { parent: Mutable; key: string; path: string }[] {
  const segments = pattern.split('.');
  let spots: { value: unknown; path: (string | number)[] }[] = [{ value: config, path: [] }];
  const out: { parent: Mutable; key: string; path: string }[] = [];
  segments.forEach((segment, n) => {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    const last = n === segments.length - 1;
    const next: { value: unknown; path: (string | number)[] }[] = [];
    for (const spot of spots) {
      if (!isPlain(spot.value) || !(key in spot.value)) continue;
      if (last) {
        out.push({ parent: spot.value, key, path: display([...spot.path, key]) });
        continue;
      }
      const child = spot.value[key];
      if (list) {
        if (Array.isArray(child)) child.forEach((item, i) => next.push({ value: item, path: [...spot.path, key, i] }));
      } else next.push({ value: child, path: [...spot.path, key] });
    }
    spots = next;
  });
  return out;
}

/**
 * Report values of a type no rule can read, and return the config without them.
 * Codes: `bigint-value`, `not-a-finite-number`, `not-a-boolean`, `not-a-string` (all errors).
 * @param v - the tier's collector (late-bound values are skipped through it)
 * @returns a copy of `input` with every reported value removed (the input itself is not changed)
 */
export function checkFieldTypes(v: IssueCollector, input: TierConfig): TierConfig {
  if (!isPlain(input)) return input;
  const unresolved = (x: unknown) => v.unresolved(x);
  const config = copy(input, unresolved) as Mutable;
  numbers(v, config, [], undefined, '');
  for (const pattern of BOOLEAN_FIELDS) {
    for (const { parent, key, path } of locate(config, pattern)) {
      const value = parent[key];
      if (value === undefined || typeof value === 'boolean' || v.unresolved(value)) continue;
      v.bool(path, value);
      delete parent[key];
    }
  }
  for (const pattern of STRING_FIELDS) {
    for (const { parent, key, path } of locate(config, pattern)) {
      const value = parent[key];
      if (value === undefined || typeof value === 'string' || v.unresolved(value)) continue;
      v.error(
        'not-a-string',
        path,
        `${path} is ${showValue(value)}; allowed: a string (a list or a number is not read as its text). Fix: give the value in quotes, e.g. ${JSON.stringify(String(Array.isArray(value) ? (value[0] ?? '') : value))}.`,
      );
      delete parent[key];
    }
  }
  return config as unknown as TierConfig;
}
