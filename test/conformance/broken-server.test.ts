/**
 * The CLI (`websocket-tier conformance --json -- …`) against a deliberately broken server
 * (fixtures/broken-server.js: no pings, health stays 200 while draining, every socket closed at
 * once on SIGTERM): exactly those three rows fail, each saying what the server did, and the exit
 * code is 1. Run in-process through `main()`.
 */
import * as path from 'node:path';
import type { ConformanceReport } from '../../lib/conformance';
import { main } from '../../lib/cli/main';
import { expectedRows, rows, show } from './helpers';

jest.setTimeout(90_000);

const BROKEN = path.join(__dirname, 'fixtures', 'broken-server.js');

test('the broken server fails exactly the ping, health-503 and pacing rows, and the CLI exits 1', async () => {
  let out = '';
  let err = '';
  // The fixture's require('ws') resolves from the repository's node_modules.
  const code = await main(['conformance', '--json', '--', process.execPath, BROKEN], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  const report = JSON.parse(out) as ConformanceReport;
  show('broken-server', report);
  expect(rows(report)).toEqual(expectedRows({ ping: 'no pings', 'health-503': 'no 503', pacing: 'all at once' }));
  const detail = (id: string) => report.checks.find((c) => c.id === id)!.detail;
  expect(detail('ping')).toMatch(/^no ping frame in \d/);
  expect(detail('health-503')).toMatch(/no probe answered 503|answered 200/);
  expect(detail('pacing')).toMatch(/bursty/);
  expect(report.checks.find((c) => c.id === 'pacing')!.section).toBe('§5 Paced drain');
  expect(code).toBe(1);
  expect(err).toMatch(/conformance: ping, health-503, pacing failed/);
});
