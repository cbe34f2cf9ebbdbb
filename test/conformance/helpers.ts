/**
 * Shared pieces of the conformance tests: one kit session per server, judged row by row against
 * the rows a server is known to fail (each with the reason), so a fix or a regression both show.
 */
import { CHECKS, type CheckId, type ConformanceReport } from '../../lib/conformance';

/** Rows a server is known to fail, with why (a finding to fix in that server, not in the kit). */
export type KnownFailures = Partial<Record<CheckId, string>>;

/** `{ id: 'pass' | 'FAIL: detail' }` for every row: a failing expectation prints what the server did. */
export function rows(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.pass ? 'pass' : `FAIL: ${c.detail}`]));
}

/** What `rows()` must equal when exactly the `known` rows fail. */
export function expectedRows(known: KnownFailures = {}): Record<string, unknown> {
  return Object.fromEntries(CHECKS.map((c) => [c.id, known[c.id] ? expect.stringMatching(/^FAIL: /) : 'pass']));
}

/** Print the report's rows when WST_CONFORMANCE_VERBOSE is set (measured numbers for a report). */
export function show(name: string, report: ConformanceReport): void {
  if (!process.env.WST_CONFORMANCE_VERBOSE) return;
  process.stderr.write(
    `${name} (${(report.durationMs / 1000).toFixed(1)} s):\n${report.checks.map((c) => `  ${c.pass ? 'pass' : 'FAIL'} ${c.id}: ${c.detail}`).join('\n')}\n`,
  );
}
