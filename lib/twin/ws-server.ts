/**
 * The local twin's default backend: a plain WebSocket echo server on the websocket-tier runtime
 * (`ws` adapter), so a stock client (`wscat -c ws://127.0.0.1:<port>/`) works through the twin.
 *
 * - every text or binary message is sent back unchanged;
 * - the runtime answers the health check (path from the tier) and `/livez`;
 * - SIGTERM starts the runtime's paced drain, then the process exits; SIGINT exits at once.
 *
 * Configuration is the tier's `WST_*` environment (SERVER_ENV), as on a deployed instance.
 * Needs the `ws` package (an optional peer: `npm i ws`).
 */
import * as http from 'node:http';
import { WebSocketServer } from 'ws';
import { DEFAULTS } from '../core/defaults';
import { SERVER_ENV, SERVER_KEEP_ALIVE_MARGIN_SECONDS } from '../core/server-contract';
import { attachWebSocketServer, createRuntime, envNumber, wsServerOptions } from '../runtime';

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), event, ...fields })}\n`);
}

function main(): void {
  const env = process.env;
  const port = envNumber(env, SERVER_ENV.port, 0, 65535) ?? DEFAULTS.server.port;
  const keepAliveSeconds =
    envNumber(env, SERVER_ENV.keepAliveTimeoutSeconds, 1, 7200) ??
    DEFAULTS.connection.albIdleTimeoutSeconds + SERVER_KEEP_ALIVE_MARGIN_SECONDS;
  const backlog = envNumber(env, SERVER_ENV.listenBacklog, 1) ?? 511;

  const runtime = createRuntime();
  runtime.on('warning', (e: Error) => log('warning', { message: e.message }));
  runtime.on('draining', (trigger: string) => log('draining', { trigger, connections: runtime.connections }));

  const server = http.createServer((req, res) => {
    if (!runtime.handleHealth(req, res)) res.writeHead(404).end();
  });
  server.keepAliveTimeout = keepAliveSeconds * 1000;
  server.headersTimeout = keepAliveSeconds * 1000 + 1000;

  const wss = new WebSocketServer({ server, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });

  const shutdown = () => {
    runtime.stop();
    wss.close();
    server.close();
    process.exit(0);
  };
  runtime.once('drained', () => {
    log('drained');
    shutdown();
  });
  process.on('SIGINT', shutdown);

  server.listen({ port, host: env.WST_HOST ?? '0.0.0.0', backlog }, () => {
    log('listening', { port: (server.address() as { port: number }).port, node: runtime.nodeId, server: 'ws echo' });
  });
}

main();
