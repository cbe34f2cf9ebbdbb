import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createClient } from 'redis';
import { redisConnectionCountStore } from '../../lib/runtime';
import { freePort } from '../../lib/twin';

const hasRedis = !spawnSync('redis-server', ['-v']).error;
// Skipped only off CI: .ci/run installs redis-server, so a missing one there must fail, not skip.
const maybe = hasRedis || process.env.CI ? describe : describe.skip;

maybe('redisConnectionCountStore (real redis-server)', () => {
  let server: ChildProcess;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: 50 } });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.connect();
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  afterAll(async () => {
    await client?.quit().catch(() => undefined);
    server?.kill('SIGKILL');
  });

  test('nodes see each other’s counts; expired and removed entries disappear', async () => {
    const a = redisConnectionCountStore(client, 'wst:test');
    const b = redisConnectionCountStore(client, 'wst:test');
    await a.publish('n1', 30, 60_000);
    await b.publish('n2', 10, 60_000);
    await b.publish('dead', 99, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await a.read()).toEqual(
      new Map([
        ['n1', 30],
        ['n2', 10],
      ]),
    );
    expect(await client.hExists('wst:test', 'dead')).toBeFalsy();
    await a.remove('n1');
    expect(await b.read()).toEqual(new Map([['n2', 10]]));
  });
});
