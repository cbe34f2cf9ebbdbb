/**
 * Eager session persistence of the connection-state-recovery guard, on real socket.io servers with
 * the Redis Streams adapter and a real redis-server. A crash is modelled in-process: node A's
 * `persistSession()` is disabled (a killed process runs no close handler), then its TCP connections
 * are destroyed and node B takes over A's port, so the client reconnects to B with its session id
 * and offset, as a client of a SIGKILLed node does through the load balancer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient, type RedisClientType } from 'redis';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { guardServerConnectionStateRecovery } from '../../lib/runtime';
import { freePort } from '../../lib/twin';

jest.setTimeout(60_000);

const hasRedis = !spawnSync('redis-server', ['-v']).error;
// Skipped only off CI: .ci/run installs redis-server, so a missing one there must fail, not skip.
const maybe = hasRedis || process.env.CI ? describe : describe.skip;

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

maybe('eager session persistence (socket.io + Redis Streams adapter, real redis-server)', () => {
  let redisServer: ChildProcess;
  let redisUrl: string;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  beforeAll(async () => {
    const port = await freePort();
    redisUrl = `redis://127.0.0.1:${port}`;
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(() => {
    redisServer?.kill('SIGKILL');
  });

  async function redisClient(): Promise<RedisClientType> {
    const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: 50 } }) as RedisClientType;
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
    cleanups.push(() => redis.quit().catch(() => undefined));
    return redis;
  }

  /** One socket.io node on `port` (0: any) with the guard; its open TCP connections are tracked. */
  async function node(streamName: string, eager: boolean, port = 0) {
    const redis = await redisClient();
    const httpServer = http.createServer();
    const conns = new Set<NetSocket>();
    httpServer.on('connection', (c: NetSocket) => {
      conns.add(c);
      c.on('close', () => conns.delete(c));
    });
    const io = new Server(httpServer, {
      adapter: createAdapter(redis, { streamName }),
      connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
    });
    const unguard = guardServerConnectionStateRecovery(io, { eagerPersistence: eager });
    io.on('connection', (socket) => void socket.join('room-r'));
    await new Promise<void>((r) => httpServer.listen(port, '127.0.0.1', r));
    cleanups.push(() => {
      unguard();
      io.close();
    });
    /** SIGKILL, in-process: no session is persisted, every connection is cut, the port is free. */
    const crash = async () => {
      (io.of('/').adapter as unknown as { persistSession(): void }).persistSession = () => undefined;
      const closed = new Promise<void>((r) => httpServer.close(() => r()));
      for (const c of conns) c.destroy();
      await closed;
    };
    return { io, redis, port: (httpServer.address() as { port: number }).port, crash };
  }

  function client(port: number): ClientSocket {
    const c = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 });
    cleanups.push(() => c.close());
    return c;
  }

  /** A client on node A gets `tick 1`; A crashes; B broadcasts `tick 2` to the room, takes A's port, then `tick 3`. */
  async function crashAndResume(eager: boolean): Promise<{ received: number[]; recovered: boolean; roomsOnB: string[] }> {
    const stream = `wst-eager-${eager}-${Date.now()}`;
    const a = await node(stream, eager);
    const c = client(a.port);
    const received: number[] = [];
    c.on('tick', (n: number) => received.push(n));
    await until('connected to A', () => c.connected);
    const [socketOnA] = a.io.of('/').sockets.values();
    const pid = (socketOnA as unknown as { pid: string }).pid;
    await until('in room-r on A', () => socketOnA.rooms.has('room-r'));
    a.io.emit('tick', 1);
    await until('tick 1', () => received.includes(1));
    if (eager) {
      // The record written after the join holds the room.
      await until('session persisted with its room', async () => {
        const raw = await a.redis.get(`sio:session:${pid}`);
        return raw !== null && Buffer.from(raw, 'base64').includes('room-r');
      });
    } else {
      expect(await a.redis.get(`sio:session:${pid}`)).toBeNull();
    }

    let recovered: boolean | undefined;
    c.once('disconnect', () => c.once('connect', () => (recovered = c.recovered)));
    await a.crash();
    const b = await node(stream, eager, a.port);
    b.io.to('room-r').emit('tick', 2);
    await until('reconnected to B', () => recovered !== undefined);
    const [socketOnB] = b.io.of('/').sockets.values();
    b.io.emit('tick', 3);
    await until('tick 3', () => received.includes(3));
    await new Promise((r) => setTimeout(r, 200));
    return { received, recovered: recovered!, roomsOnB: [...socketOnB.rooms].filter((r) => r === 'room-r') };
  }

  test('without eager persistence, a crashed node’s client starts a new session and misses what was sent meanwhile', async () => {
    const r = await crashAndResume(false);
    expect(r.recovered).toBe(false);
    expect(r.received).toEqual([1, 3]);
  });

  test('with eager persistence, the client resumes on the other node with its rooms and gets the missed broadcast once', async () => {
    const r = await crashAndResume(true);
    expect(r.recovered).toBe(true);
    expect(r.received).toEqual([1, 2, 3]);
    expect(r.roomsOnB).toEqual(['room-r']);
    // The adapter's fire-and-forget SET has a rejection handler (a write in flight when Redis drops must not end the process).
    const util = jest.requireActual<{ SET: { __wstHandled?: true } }>('@socket.io/redis-streams-adapter/dist/util');
    expect(util.SET.__wstHandled).toBe(true);
  });

  test('a session the server ended (socket.disconnect) has its eager record removed', async () => {
    const a = await node(`wst-eager-kick-${Date.now()}`, true);
    const c = client(a.port);
    await until('connected', () => c.connected);
    const [s] = a.io.of('/').sockets.values();
    const key = `sio:session:${(s as unknown as { pid: string }).pid}`;
    await until('session persisted', async () => (await a.redis.get(key)) !== null);
    s.disconnect(true);
    await until('record removed', async () => (await a.redis.get(key)) === null);
  });

  test('options are checked', () => {
    const io = new Server(http.createServer(), { connectionStateRecovery: {} });
    cleanups.push(() => io.close());
    expect(() => guardServerConnectionStateRecovery(io, { eagerPersistence: 'yes' as unknown as boolean })).toThrow(
      /eagerPersistence is "yes"/,
    );
    expect(() => guardServerConnectionStateRecovery(io, { refreshIntervalMs: 10 })).toThrow(
      /refreshIntervalMs is 10; allowed: an integer 1000/,
    );
  });
});
