/** `websocket-tier bundle` and `bundleNodeServer()`: one runnable file, clear errors for a bad ENTRY. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BundleError, bundleNodeServer } from '../../lib/bundle';
import { main } from '../../lib/cli/main';

function capture(): { io: { stdout(s: string): void; stderr(s: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, out, err };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-bundle-'));
  fs.writeFileSync(path.join(dir, 'dep.ts'), 'export const greeting: string = "hello from the bundle";\n');
  fs.writeFileSync(path.join(dir, 'server.ts'), 'import { greeting } from "./dep";\nconsole.log(greeting);\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('bundleNodeServer writes one file that runs without its sources', () => {
  const file = bundleNodeServer({ entry: 'server.ts', workingDirectory: dir });
  expect(file).toBe(path.join(dir, 'dist', 'server.js'));
  fs.rmSync(path.join(dir, 'dep.ts'));
  expect(execFileSync(process.execPath, [file], { encoding: 'utf8' })).toBe('hello from the bundle\n');
  // Deterministic: a second build gives the same bytes.
  const first = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(path.join(dir, 'dep.ts'), 'export const greeting: string = "hello from the bundle";\n');
  expect(fs.readFileSync(bundleNodeServer({ entry: 'server.ts', workingDirectory: dir }), 'utf8')).toBe(first);
});

test('bundleNodeServer names a missing entry and a compile error', () => {
  expect(() => bundleNodeServer({ entry: 'nope.ts', workingDirectory: dir })).toThrow(BundleError);
  expect(() => bundleNodeServer({ entry: 'nope.ts', workingDirectory: dir })).toThrow(/entry nope\.ts does not exist/);
  fs.writeFileSync(path.join(dir, 'bad.ts'), 'import { x } from "./missing";\nconsole.log(x);\n');
  expect(() => bundleNodeServer({ entry: 'bad.ts', workingDirectory: dir })).toThrow(/could not bundle bad\.ts: .*missing/);
});

test('websocket-tier bundle ENTRY -o FILE writes the bundle; a bad ENTRY exits 1 with the reason', async () => {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const ok = capture();
    expect(await main(['bundle', 'server.ts', '-o', 'out/app.js'], ok.io)).toBe(0);
    expect(ok.out.join('')).toContain(path.join(dir, 'out', 'app.js'));
    expect(fs.existsSync(path.join(dir, 'out', 'app.js'))).toBe(true);
    const bad = capture();
    expect(await main(['bundle', 'missing.ts'], bad.io)).toBe(1);
    expect(bad.err.join('')).toMatch(/ENTRY missing\.ts does not exist/);
  } finally {
    process.chdir(cwd);
  }
});
