/**
 * The example chat server: socket.io on the websocket-tier runtime, with the Redis Streams
 * adapter as backplane, so a broadcast reaches clients on every node and a client drained off one
 * node resumes its session on another (connection state recovery, missed messages replayed).
 *
 * Runs the same way locally (`websocket-tier local` starts it N times behind HAProxy) and on the
 * tier's instances (systemd, environment from the tier). Configuration is the environment only:
 * - the tier's `WST_*` variables (SERVER_ENV in lib/core/defaults.ts): port, health path, ping
 *   interval, drain window, keep-alive, backlog, cell;
 * - `WST_REDIS_URL` (backplane; default redis://127.0.0.1:6379), `WST_NODE_ID`;
 * - rebalancing (`WST_REBALANCE_INTERVAL_MS`, `…_TOLERANCE`, `…_MAX_SHED_FRACTION`) and the rest of
 *   `RUNTIME_ENV` in lib/runtime/settings.ts.
 *
 * Protocol (socket.io events):
 * - client → `chat` `{ text, seq? }`: broadcast to everyone as `chat` `{ text, seq?, from, node }`;
 * - client → `whoami` (ack): `{ node, id, recovered, build }`, `build` being `APP_BUILD_ID` from the
 *   environment (a label of the code version, e.g. a commit; the release test tells old code from new by it).
 *
 * SIGTERM drains (paced, over the drain window) then exits; SIGINT exits at once.
 *
 * The conformance kit checks it in socket.io mode (`websocket-tier conformance --protocol
 * socket.io`, test/conformance/chat-server.test.ts): every row of docs/server-contract.md passes.
 */
import * as http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { DEFAULTS, SERVER_ENV } from '../../lib/core';
import {
  applyServerTimeouts,
  attachSocketIoServer,
  createRuntime,
  envNumber,
  rebalanceOptionsFromEnv,
  redisConnectionCountStore,
  RUNTIME_ENV,
  socketIoServerOptions,
} from '../../lib/runtime';

/** Log one line of JSON to stdout (the twin and journald pick it up). */
function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), event, ...fields })}\n`);
}

async function main(): Promise<void> {
  const env = process.env;
  const port = envNumber(env, SERVER_ENV.port, 0, 65535) ?? DEFAULTS.server.port;
  const pingSeconds = envNumber(env, SERVER_ENV.pingIntervalSeconds, 1, 3600) ?? DEFAULTS.connection.pingIntervalSeconds;
  const backlog = envNumber(env, SERVER_ENV.listenBacklog, 1) ?? 511;
  const redisUrl = env[RUNTIME_ENV.redisUrl] ?? 'redis://127.0.0.1:6379';
  const cell = env[SERVER_ENV.cellName] ?? 'local';

  const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) } });
  redis.on('error', (e: Error) => log('redis-error', { message: e.message }));
  await redis.connect();

  const rebalance = rebalanceOptionsFromEnv(env);
  const runtime = createRuntime({
    rebalance: rebalance && { ...rebalance, store: redisConnectionCountStore(redis, `wst:connections:${cell}`) },
  });
  runtime.on('warning', (e: Error) => log('warning', { message: e.message }));
  runtime.on('draining', (trigger: string) => log('draining', { trigger, connections: runtime.connections }));
  runtime.on('shed', (n: number, why: string) => log('shed', { n, why }));

  const server = http.createServer((req, res) => {
    if (!runtime.handleHealth(req, res)) res.writeHead(404).end();
  });
  applyServerTimeouts(server, runtime);

  const io = new Server(server, {
    ...socketIoServerOptions(runtime),
    adapter: createAdapter(redis),
    pingInterval: pingSeconds * 1000,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
  });
  attachSocketIoServer(runtime, io);

  io.on('connection', (socket) => {
    socket.on('chat', (msg: { text?: unknown; seq?: unknown }) => {
      io.emit('chat', {
        text: String(msg?.text ?? ''),
        seq: typeof msg?.seq === 'number' ? msg.seq : undefined,
        from: socket.id,
        node: runtime.nodeId,
      });
    });
    socket.on('whoami', (ack: unknown) => {
      if (typeof ack === 'function') ack({ node: runtime.nodeId, id: socket.id, recovered: socket.recovered, build: env.APP_BUILD_ID });
    });
  });

  runtime.once('drained', () => {
    log('drained');
    void shutdown(0);
  });
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    runtime.stop();
    io.close();
    await redis.quit().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));

  await new Promise<void>((resolve) => server.listen({ port, host: env.WST_HOST ?? '0.0.0.0', backlog }, resolve));
  log('listening', { port: (server.address() as { port: number }).port, node: runtime.nodeId, cell });
}

main().catch((e: unknown) => {
  log('fatal', { message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
