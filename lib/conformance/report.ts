/**
 * The conformance report as a pass/fail table (cli-table3) for a terminal, one row per check:
 * result, check, contract section (docs/server-contract.md) and what was measured, or on failure
 * what the server did instead.
 */
import Table from 'cli-table3';
import type { ConformanceReport } from './run';

/** The report as a table, followed by one summary line. */
export function formatReport(report: ConformanceReport): string {
  const table = new Table({
    head: ['result', 'check', 'contract', 'observed'],
    colWidths: [8, 14, 32, 76],
    wordWrap: true,
    style: { head: [], border: [], compact: true },
  });
  for (const c of report.checks)
    table.push([c.pass ? 'pass' : 'FAIL', c.id, c.section, c.pass ? c.detail : `expected: ${c.expectation}. Instead: ${c.detail}`]);
  const failed = report.checks.filter((c) => !c.pass).length;
  const via = `${report.protocol === 'socket.io' ? 'socket.io clients, ' : ''}${report.loadBalancer === 'haproxy' ? "behind the local twin's HAProxy" : 'direct (no load balancer)'}`;
  const summary =
    failed === 0
      ? `conformance: all ${report.checks.length} checks passed`
      : `conformance: ${failed} of ${report.checks.length} checks failed`;
  return `${table.toString()}\n${summary} (${report.command.join(' ')}, ${via}, ${(report.durationMs / 1000).toFixed(1)} s)\n`;
}
