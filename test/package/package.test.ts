/**
 * The package as a user gets it: `npm pack` the library (running its `prepack` build), install the
 * tarball into a fresh CDK app and a fresh Pulumi program (from the local npm cache, peers at the
 * versions in package-lock.json), compile each under `node`, `nodenext` and `bundler` resolution, synthesize
 * the README's CDK Quick start verbatim (its code blocks are read from README.md, so the README
 * cannot drift), run the README's CDK snapshot test twice with identical results, and run the
 * README's Pulumi unit test under the shipped mocks.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';

const ROOT = path.join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const TYPE_ROOTS = [path.join(ROOT, 'node_modules', '@types')];
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const locked = (name: string): string => lock.packages[`node_modules/${name}`].version;

/** The ```ts blocks of one README section (from its `## ` heading to the next). */
function tsBlocks(heading: string): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 4);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: 300_000, env: { ...process.env, ...env } });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed in ${cwd}:\n${x.stdout ?? ''}\n${x.stderr ?? ''}\n${x.message}`, {
      cause: e,
    });
  }
}

function install(dir: string, deps: Record<string, string>): void {
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: path.basename(dir), private: true, dependencies: deps }, null, 2),
  );
  run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], dir);
}

/** Compiler options of each module resolution a user's project may use (`bundler`: type-check only, a bundler emits). */
const RESOLUTIONS = {
  node: { module: 'commonjs', moduleResolution: 'node' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler', noEmit: true },
} as const;

/** Compile `files` in `dir` with the repository's TypeScript under one module resolution. */
function compile(dir: string, files: string[], resolution: keyof typeof RESOLUTIONS, outDir: string): void {
  const tsconfig = path.join(dir, `tsconfig.${resolution}.json`);
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        ...RESOLUTIONS[resolution],
        target: 'ES2022',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        outDir,
        rootDir: '.',
        types: ['node', 'jest'],
        typeRoots: TYPE_ROOTS,
      },
      files,
    }),
  );
  run(process.execPath, [TSC, '-p', tsconfig], dir);
}

/** Run jest on the compiled tests of `dir` (no transform: plain JavaScript). */
function jest(dir: string, ci: boolean): string {
  return run(
    process.execPath,
    [
      JEST,
      '--rootDir',
      dir,
      '--roots',
      '<rootDir>/out',
      '--testMatch',
      '**/*.test.js',
      '--ci=' + String(ci),
      '--runInBand',
      '--no-cache',
      '--json',
    ],
    dir,
    { CI: ci ? 'true' : 'false' },
  );
}

/**
 * `websocket-tier local --nodes 1` from the installed package, as the README says: resolve with the
 * banner's `Try: npx wscat -c <url>` URL (an event, not a sleep), check that a stock client (the `ws`
 * package's, standing in for wscat) gets an echo there, then SIGTERM and wait for exit code 0.
 */
async function localTwinEchoes(dir: string): Promise<string> {
  const child = spawn(path.join(dir, 'node_modules', '.bin', 'websocket-tier'), ['local', '--nodes', '1'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
      const onData = (c: Buffer) => {
        out += c.toString();
        const m = /Try: npx wscat -c (ws:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`websocket-tier local exited ${code} before the banner:\n${out}`));
      });
    });
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`no echo from ${url} within 10 s`)), 10_000);
      socket.once('open', () => socket.send('hello from the package'));
      socket.once('message', (data) => {
        clearTimeout(timer);
        socket.close();
        resolve(data.toString());
      });
      socket.once('error', reject);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`websocket-tier local did not exit within 20 s of SIGTERM:\n${out}`)), 20_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    return echoed;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

let work: string;
let tarball: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'websocket-tier-package-'));
  const out = run(NPM, ['pack', '--json', '--pack-destination', work], ROOT);
  const packed = JSON.parse(out.slice(out.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  tarball = path.join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  // Exactly the library: no tests, benches or examples beyond the chat server the local twin runs.
  expect(files.filter((f) => /^dist\/(test|bench)\//.test(f))).toEqual([]);
  expect(files.filter((f) => f.startsWith('dist/examples/') && !f.startsWith('dist/examples/chat-server/'))).toEqual([]);
  expect(files).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'docs/server-contract.md',
      'dist/lib/index.js',
      'dist/lib/cli/bin.js',
      'dist/lib/pulumi/testing.d.ts',
    ]),
  );
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('CDK app: README Quick start compiles under node, nodenext and bundler, synthesizes, and its snapshot test is stable; its local twin echoes', async () => {
  const app = path.join(work, 'cdk-app');
  fs.mkdirSync(path.join(app, 'bin'), { recursive: true });
  install(app, {
    'websocket-tier': `file:${tarball}`,
    'aws-cdk-lib': locked('aws-cdk-lib'),
    constructs: locked('constructs'),
    ws: locked('ws'),
    esbuild: locked('esbuild'),
    '@types/ws': locked('@types/ws'),
  });
  const [server, stack] = tsBlocks('Quick start (CDK)');
  const [, snapshot] = tsBlocks('Testing your stack');
  fs.writeFileSync(path.join(app, 'server.ts'), server);
  fs.writeFileSync(path.join(app, 'bin', 'app.ts'), stack);
  fs.writeFileSync(path.join(app, 'stack.test.ts'), snapshot);
  const sources = ['server.ts', 'bin/app.ts', 'stack.test.ts'];
  compile(app, sources, 'nodenext', 'out-nodenext');
  compile(app, sources, 'bundler', 'out-bundler');
  compile(app, sources, 'node', 'out');

  // The bin works from the installed package, and so does its local twin with the default backend.
  expect(run(path.join(app, 'node_modules', '.bin', 'websocket-tier'), ['--help'], app)).toMatch(/bundle/);
  expect(await localTwinEchoes(app)).toBe('hello from the package');

  // Synthesize exactly as `cdk synth` would run the app (CDK_OUTDIR turns on auto-synthesis).
  const cdkOut = path.join(app, 'cdk.out');
  run(process.execPath, ['out/bin/app.js'], app, { CDK_OUTDIR: cdkOut });
  const template = JSON.parse(fs.readFileSync(path.join(cdkOut, 'Chat.template.json'), 'utf8'));
  const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
  expect(types.filter((t) => t === 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(3);
  expect(fs.existsSync(path.join(app, 'dist', 'server.js'))).toBe(true);

  // First run writes the snapshot, the second (CI mode: a missing or different snapshot fails) must match it.
  jest(app, false);
  const snapFile = path.join(app, 'out', '__snapshots__', 'stack.test.js.snap');
  const first = fs.readFileSync(snapFile, 'utf8');
  expect(first).toContain('[ASSET HASH]');
  expect(first).not.toMatch(/[0-9a-f]{64}/);
  const second = JSON.parse(jest(app, true));
  expect(second.numPassedTests).toBe(1);
  expect(second.snapshot.unmatched).toBe(0);
  expect(fs.readFileSync(snapFile, 'utf8')).toBe(first);
}, 900_000);

test('Pulumi program: every subpath resolves under node, nodenext and bundler, and the README unit test passes under the shipped mocks', () => {
  const prog = path.join(work, 'pulumi-program');
  fs.mkdirSync(prog, { recursive: true });
  install(prog, {
    'websocket-tier': `file:${tarball}`,
    '@pulumi/pulumi': locked('@pulumi/pulumi'),
    '@pulumi/aws': locked('@pulumi/aws'),
  });
  const [unitTest] = tsBlocks('Testing your stack');
  fs.writeFileSync(path.join(prog, 'tier.test.ts'), unitTest);
  fs.writeFileSync(
    path.join(prog, 'subpaths.ts'),
    [
      "import type { WebSocketTier } from 'websocket-tier/pulumi';",
      "import type { PulumiRecorder } from 'websocket-tier/pulumi/testing';",
      "import * as core from 'websocket-tier/core';",
      "import * as runtime from 'websocket-tier/runtime';",
      "import * as client from 'websocket-tier/client';",
      "import { bundleNodeServer } from 'websocket-tier/bundle';",
      'export type T = [WebSocketTier, PulumiRecorder];',
      'export const used = [core, runtime, client, bundleNodeServer];',
      '',
    ].join('\n'),
  );
  const sources = ['tier.test.ts', 'subpaths.ts'];
  compile(prog, sources, 'nodenext', 'out-nodenext');
  compile(prog, sources, 'bundler', 'out-bundler');
  compile(prog, sources, 'node', 'out');
  const result = JSON.parse(jest(prog, true));
  expect(result.numPassedTests).toBe(1);
  expect(result.numFailedTests).toBe(0);
}, 900_000);
