/**
 * The conformance kit in socket.io mode (`protocol: 'socket.io'`, socket.io-client over Engine.IO's
 * websocket transport, the Origin row on polling too) against the example chat server
 * (examples/chat-server/server.ts: socket.io on lib/runtime's socket.io adapter, the Redis Streams
 * adapter on the twin's redis-server), bundled the way the example tiers deploy it
 * (examples/server/bundle.ts `bundleChatServer`) and run behind the local twin's HAProxy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runConformance } from '../../lib/conformance';
import { bundleChatServer } from '../../examples/server/bundle';
import { expectedRows, type KnownFailures, rows, show } from './helpers';

jest.setTimeout(120_000);

test('examples/chat-server (socket.io) passes every row of the kit in socket.io mode', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-conformance-chat-'));
  try {
    const report = await runConformance({ command: [process.execPath, bundleChatServer(dir)], protocol: 'socket.io' });
    show('examples/chat-server (socket.io)', report);
    // Mark a row here only with the finding that makes it fail.
    const known: KnownFailures = {};
    expect(rows(report)).toEqual(expectedRows(known));
    expect(report).toMatchObject({ protocol: 'socket.io', loadBalancer: 'haproxy', pass: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
