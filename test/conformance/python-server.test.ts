/**
 * The conformance kit against the Python server (examples/python-server/server.py, Debian's
 * python3-websockets), behind the local twin's HAProxy: every row passes. Needs
 * `/usr/bin/python3 -c 'import websockets'` (.ci/run installs python3-websockets).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runConformance } from '../../lib/conformance';
import { expectedRows, rows, show } from './helpers';

jest.setTimeout(90_000);

const PYTHON = '/usr/bin/python3';
const SERVER = path.resolve(__dirname, '../../examples/python-server/server.py');

test('examples/python-server passes every check', async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import websockets; print(websockets.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${PYTHON} cannot import websockets. Fix: apt-get install -y python3-websockets`);
  const report = await runConformance({ command: [PYTHON, SERVER] });
  show(`examples/python-server (websockets ${probe.stdout.trim()})`, report);
  expect(rows(report)).toEqual(expectedRows());
  expect(report.pass).toBe(true);
});
