/**
 * The kit's socket.io mode does not pass what it should not: a socket.io server with its defaults
 * and no runtime (fixtures/plain-socket-io-server.js) passes only health-ready and exit, and every
 * other row fails saying what the server did. Through the CLI (`--protocol socket.io --direct`,
 * no HAProxy: the fixture needs no Redis), which exits 1.
 */
import * as path from 'node:path';
import type { ConformanceReport } from '../../lib/conformance';
import { main } from '../../lib/cli/main';
import { expectedRows, rows, show } from './helpers';

jest.setTimeout(120_000);

const PLAIN = path.join(__dirname, 'fixtures', 'plain-socket-io-server.js');

test('a plain socket.io server fails every row the runtime would have made it pass', async () => {
  let out = '';
  let err = '';
  const code = await main(['conformance', '--json', '--protocol', 'socket.io', '--direct', '--', process.execPath, PLAIN], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  const report = JSON.parse(out) as ConformanceReport;
  expect(report).toMatchObject({ protocol: 'socket.io', loadBalancer: 'none', pass: false });
  show('plain socket.io', report);
  expect(rows(report)).toEqual(
    expectedRows({
      ping: 'Engine.IO default pingInterval 25 s',
      'keep-alive': "Node's default keepAliveTimeout 5 s",
      origin: 'no allowlist',
      'max-message': 'maxHttpBufferSize 1 MB',
      cap: 'no cap',
      gauge: 'no EMF',
      'health-503': 'health stays 200',
      pacing: 'io.close()',
      'close-codes': 'close frames without a code',
    }),
  );
  const detail = (id: string) => report.checks.find((c) => c.id === id)!.detail;
  expect(detail('ping')).toMatch(/^no ping frame in \d/);
  expect(detail('origin')).toMatch(/accepted on websocket \(Engine.IO open\), accepted on polling/);
  expect(detail('max-message')).toMatch(/socket still open 5 s after a 65537-byte message/);
  expect(detail('cap')).toMatch(/client 11 was accepted and stayed open/);
  expect(detail('pacing')).toMatch(/bursty/);
  expect(detail('close-codes')).toMatch(/were not 1001\/1012 with a hint, e\.g\. 1005/);
  expect(code).toBe(1);
  expect(err).toMatch(/conformance: ping, keep-alive, origin, max-message, cap, gauge, health-503, pacing, close-codes failed/);
});
