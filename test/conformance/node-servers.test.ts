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

const MAX_MESSAGE_IGNORED =
  'WST_MAX_MESSAGE_BYTES is not read: the server accepts up to 1 MiB (RUNTIME_DEFAULTS.maxMessageBytes) whatever the tier sets';

test('examples/server passes the kit except the rows marked with their finding', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-conformance-'));
  try {
    const report = await runConformance({ command: [process.execPath, bundleServer(dir)] });
    show('examples/server', report);
    const known: KnownFailures = {
      // examples/server/server.ts passes maxMessageBytes: MAX_PAYLOAD_BYTES (1 MiB) to the runtime.
      'max-message': MAX_MESSAGE_IGNORED,
    };
    expect(rows(report)).toEqual(expectedRows(known));
    expect(report.loadBalancer).toBe('haproxy');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the twin's default ws backend (lib/twin/ws-server.ts) passes the kit except the rows marked with their finding", async () => {
  const built = buildServer();
  try {
    const report = await runConformance({ command: [process.execPath, built.file], env: { NODE_PATH: built.nodePath } });
    show('lib/twin/ws-server', report);
    const known: KnownFailures = {
      // lib/runtime/runtime.ts: maxMessageBytes defaults to 1 MiB and never reads the environment.
      'max-message': MAX_MESSAGE_IGNORED,
      // lib/runtime/runtime.ts: the gauge is sent once at start and then every 60 s (metrics.intervalMs);
      // no contract variable sets the interval and nothing is sent on change.
      gauge: 'the runtime publishes the gauge every 60 s, so the count is not tracked within 1 s',
    };
    expect(rows(report)).toEqual(expectedRows(known));
  } finally {
    removeBuiltServer(built);
  }
});
