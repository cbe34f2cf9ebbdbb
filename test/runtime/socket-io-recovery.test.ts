/**
 * The connection-state-recovery guard on a real socket.io server with the Redis Streams adapter and
 * a real redis-server. The race it closes is made deterministic: a broadcast is sent while the
 * adapter restores the session, and the test waits until the adapter delivered it to the node's
 * sockets before letting the restore finish.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { compareStreamOffsets, guardServerConnectionStateRecovery } from '../../lib/runtime';
import { freePort } from '../../lib/twin';

jest.setTimeout(60_000);

const hasRedis = !spawnSync('redis-server', ['-v']).error;
// Skipped only off CI: .ci/run installs redis-server, so a missing one there must fail, not skip.
const maybe = hasRedis || process.env.CI ? describe : describe.skip;

test('stream offsets compare numerically, not as strings', () => {
  expect(compareStreamOffsets('1700000000000-2', '1700000000000-10')).toBe(-1);
  expect(compareStreamOffsets('1700000000001-0', '1700000000000-99')).toBe(1);
  expect(compareStreamOffsets('5-5', '5-5')).toBe(0);
  expect(() => compareStreamOffsets('5', '5-5')).toThrow(/not stream offsets/);
});

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

maybe('connection state recovery guard (socket.io + Redis Streams adapter, real redis-server)', () => {
  let redisServer: ChildProcess;
  let redisUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    redisUrl = `redis://127.0.0.1:${port}`;
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
  });
  afterAll(() => {
    redisServer?.kill('SIGKILL');
  });

  /**
   * One node; a client gets `tick 1`, loses its transport, resumes; while the adapter restores the
   * session, the node broadcasts `tick 2`; after the client is back, `tick 3`.
   */
  async function resumeDuringBroadcast(guard: boolean): Promise<number[]> {
    const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: 50 } });
    redis.on('error', () => undefined);
    for (let i = 0; ; i++) {
      try {
        await redis.connect();
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const httpServer = http.createServer();
    const io = new Server(httpServer, {
      adapter: createAdapter(redis, { streamName: `wst-test-${guard}-${Date.now()}` }),
      connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
    });
    const adapter = io.of('/').adapter as unknown as {
      restoreSession(pid: string, offset: string): Promise<unknown>;
      _encode(packet: { data?: unknown[] }, opts: unknown): unknown;
    };
    // The race, made deterministic: broadcast `tick 2` during the restore and wait until the adapter
    // has handed it to the node's sockets (its `_encode`) before the restore returns.
    let deliveredTick2: (() => void) | undefined;
    const encode = adapter._encode;
    adapter._encode = function (packet, opts) {
      if (packet.data?.[0] === 'tick' && packet.data[1] === 2) deliveredTick2?.();
      return encode.call(this, packet, opts);
    };
    const restore = adapter.restoreSession;
    adapter.restoreSession = async function (pid, offset) {
      const session = await restore.call(this, pid, offset);
      const delivered = new Promise<void>((r) => (deliveredTick2 = r));
      io.emit('tick', 2);
      await delivered;
      return session;
    };
    const unguard = guard ? guardServerConnectionStateRecovery(io) : () => undefined;
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const port = (httpServer.address() as { port: number }).port;

    const received: number[] = [];
    let client: ClientSocket | undefined;
    try {
      client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 50 });
      client.on('tick', (n: number) => received.push(n));
      await until('connected', () => client!.connected);
      io.emit('tick', 1);
      await until('tick 1', () => received.includes(1));
      let resumed = false;
      client.once('disconnect', () => client!.once('connect', () => (resumed = client!.recovered)));
      for (const s of io.of('/').sockets.values()) s.conn.close();
      await until('resumed', () => resumed);
      io.emit('tick', 3);
      await until('tick 3', () => received.includes(3));
      // Let any late duplicate arrive before reading the result.
      await new Promise((r) => setTimeout(r, 200));
      return received;
    } finally {
      client?.close();
      unguard();
      io.close();
      await redis.quit().catch(() => undefined);
    }
  }

  test('without the guard, a broadcast sent while the session is restored is lost (the upstream race)', async () => {
    expect(await resumeDuringBroadcast(false)).toEqual([1, 3]);
  });

  test('with the guard, the resumed client gets it exactly once, in order', async () => {
    expect(await resumeDuringBroadcast(true)).toEqual([1, 2, 3]);
  });
});
