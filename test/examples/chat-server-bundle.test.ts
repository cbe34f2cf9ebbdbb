/**
 * The chat server bundle the example tiers deploy (examples/server/bundle.ts `bundleChatServer`):
 * one self-contained file that runs with plain `node` and no node_modules (as on the instances),
 * reads WST_REDIS_URL, serves the runtime's health, and drains on SIGTERM. Needs redis-server
 * (installed by .ci/run); skipped without it. Every wait is bounded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleChatServer } from '../../examples/server/bundle';
import { generateAuthToken, SERVER_ENV } from '../../lib/core';
import * as crypto from 'node:crypto';
import { RUNTIME_ENV } from '../../lib/runtime/settings';
import { freePort, httpGet, within } from '../helpers/net';

const hasRedis = !spawnSync('redis-server', ['-v']).error;
// Skipped only off CI: .ci/run installs redis-server, so a missing one there must fail, not skip.
const maybe = hasRedis || process.env.CI ? describe : describe.skip;

maybe('chat server bundle (real redis-server)', () => {
  const children: ChildProcess[] = [];
  let tmpDir: string;
  let bundle: string;
  let redisPort: number;
  // The same kind of token the tiers generate; locally without TLS, so the URL is redis://:<token>@…
  const token = generateAuthToken(crypto.randomBytes);

  beforeAll(async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-chat-bundle-'));
    bundle = bundleChatServer(tmpDir);
    redisPort = await freePort();
    const redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', token],
      { stdio: 'ignore' },
    );
    children.push(redis);
    await within(
      (async () => {
        for (;;) {
          const ok = await new Promise<boolean>((resolve) => {
            const s = net.connect(redisPort, '127.0.0.1', () => {
              s.end();
              resolve(true);
            });
            s.on('error', () => resolve(false));
          });
          if (ok) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      10_000,
      'redis-server',
    );
  });

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  test('is one file that needs no node_modules', () => {
    const text = fs.readFileSync(bundle, 'utf8');
    // Every package is inside (only Node built-ins and ws's optional native add-ons stay required).
    // (Not `[require(` : the AWS SDK quotes one in an error message.)
    const required = [...text.matchAll(/(?<![\w.[])require\("([^"./][^"]*)"\)/g)].map((m) => m[1]);
    const external = [...new Set(required)].filter((name) => !name.startsWith('node:') && !builtinModules.includes(name.split('/')[0]));
    expect(required.length).toBeGreaterThan(0);
    for (const name of external) expect(['bufferutil', 'utf-8-validate']).toContain(name);
  });

  test('runs with plain node from an empty directory, authenticates with the token in WST_REDIS_URL, serves health, drains on SIGTERM and exits 0', async () => {
    const port = await freePort();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-chat-run-'));
    const child = spawn(process.execPath, [bundle], {
      cwd,
      // Only PATH: no NODE_PATH, no WST_* from outside. The bundle must find everything inside itself.
      env: {
        PATH: process.env.PATH ?? '',
        [SERVER_ENV.port]: String(port),
        [SERVER_ENV.drainWindowSeconds]: '1',
        [RUNTIME_ENV.redisUrl]: `redis://:${token}@127.0.0.1:${redisPort}`,
        WST_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await within(
      new Promise<void>((resolve) => {
        const check = () => (out.includes('"event":"listening"') ? resolve() : setTimeout(check, 50));
        check();
      }),
      15_000,
      'the chat server to listen',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout: ${out}\nstderr: ${err}`);
    });
    const health = await httpGet(port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'serving', connections: 0 });
    child.kill('SIGTERM');
    expect(await within(exited, 15_000, 'the chat server to exit')).toBe(0);
    expect(out).toContain('"event":"drained"');
    fs.rmSync(cwd, { recursive: true, force: true });
  });
});
