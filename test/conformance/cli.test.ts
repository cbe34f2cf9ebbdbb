/**
 * `websocket-tier conformance` argument errors: each exits non-zero with a message naming what to
 * fix, before any server starts.
 */
import { main } from '../../lib/cli/main';

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(argv, { stdout: () => undefined, stderr: (t) => (err += t) });
  return { code, err };
}

test('a missing server command is refused by commander', async () => {
  const r = await run(['conformance']);
  expect(r.code).not.toBe(0);
  expect(r.err).toMatch(/missing required argument 'command'/);
});

test('a missing --config file names the flag', async () => {
  const r = await run(['conformance', '--config', 'no-such-tier.json', '--', 'node', 'server.js']);
  expect(r).toEqual({ code: 1, err: expect.stringMatching(/--config no-such-tier\.json: no such file/) });
});

test('a tier whose timers are too long for the kit is refused with the fix', async () => {
  const r = await run(['conformance', '--config', 'test/conformance/fixtures/slow-tier.json', '--', 'node', 'server.js']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/drainWindowSeconds \+ drainGraceSeconds is 330 s \(at most 60\).*Fix: use short timers/);
});

test('an unknown --protocol is refused with the allowed values', async () => {
  const r = await run(['conformance', '--protocol', 'sockjs', '--', 'node', 'server.js']);
  expect(r).toEqual({ code: 1, err: expect.stringMatching(/protocol is "sockjs"; allowed: 'websocket', 'socket.io'/) });
});
