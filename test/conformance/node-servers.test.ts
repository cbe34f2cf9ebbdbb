/**
 * The conformance kit against the repository's Node servers, each in one session behind the local
 * twin's HAProxy: the plain-`ws` example server (examples/server) and the twin's default backend
 * (lib/twin/ws-server.ts). Both are built on lib/runtime. Rows they fail today are findings, each
 * marked with its reason; the test fails when a marked row starts passing (remove the mark) or an
 * unmarked row fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runConformance } from '../../lib/conformance';
import { buildServer, removeBuiltServer } from '../../lib/twin';
import { bundleServer } from '../../examples/server/bundle';
import { expectedRows, type KnownFailures, rows, show } from './helpers';

jest.setTimeout(90_000);

test('examples/server passes every row of the kit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-conformance-'));
  try {
    const report = await runConformance({ command: [process.execPath, bundleServer(dir)] });
    show('examples/server', report);
    // Mark a row here only with the finding that makes it fail.
    const known: KnownFailures = {};
    expect(rows(report)).toEqual(expectedRows(known));
    expect(report.loadBalancer).toBe('haproxy');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the twin's default ws backend (lib/twin/ws-server.ts) passes every row of the kit", async () => {
  const built = buildServer();
  try {
    const report = await runConformance({ command: [process.execPath, built.file], env: { NODE_PATH: built.nodePath } });
    show('lib/twin/ws-server', report);
    const known: KnownFailures = {};
    expect(rows(report)).toEqual(expectedRows(known));
  } finally {
    removeBuiltServer(built);
  }
});
