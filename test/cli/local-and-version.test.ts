/**
 * CLI polish: `--version`, decimal-only numbers, `local` exits non-zero with a message naming the
 * flag, and a JSON `--config` with a misspelled key is refused with the closest valid name.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string };

describe('websocket-tier CLI', () => {
  test('--version prints the package version', async () => {
    const r = await run('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(pkg.version);
  });

  test.each(['0x10', '0b101', '0o17'])('plan --connections %s is refused (decimal integers only)', async (n) => {
    const r = await run('plan', '--connections', n);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--connections/);
    expect(r.err).toMatch(/decimal/);
  });

  test.each([
    ['--nodes -3', ['--nodes', '-3'], /--nodes is "-3"; allowed: a decimal integer/],
    ['--nodes 0x2', ['--nodes', '0x2'], /--nodes/],
    ['--port 70000', ['--port', '70000'], /--port/],
  ])('local %s exits 1 naming the flag', async (_name, args, message) => {
    const r = await run('local', ...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('local --config with a missing file exits 1 naming the file', async () => {
    const r = await run('local', '--config', '/nonexistent/tier.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--config/);
    expect(r.err).toMatch(/nonexistent/);
  });

  test('local --config refuses an unknown key with the closest valid name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-cli-'));
    const file = path.join(dir, 'tier.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ domainName: 'ws.example.com', cells: [{ name: 'a' }], conection: { pingIntervalSeconds: 10 } }),
    );
    try {
      const r = await run('local', '--config', file);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/conection/);
      expect(r.err).toMatch(/connection/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
