/**
 * Shared pieces of the end-to-end tests: a twin running the example chat server, and socket.io
 * clients driven by the tier's reconnect policy. Every wait is bounded.
 */
import * as path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { manageSocketIoReconnect } from '../../lib/client';
import type { TierConfig } from '../../lib/core';
import { resolveTier } from '../../lib/core';
import { buildServer, type BuiltServer, startTwin, type Twin } from '../../lib/twin';

let built: BuiltServer | undefined;

/** The example chat server (socket.io + Redis Streams adapter); the library's default backend is plain ws. */
export const CHAT_SERVER_ENTRY = path.resolve(__dirname, '../../examples/chat-server/server.ts');

/** The test tier: one ALB cell, a 6 s drain window, the fastest health checks ALB allows. */
export function testTier(overrides: Partial<TierConfig['connection']> = {}): TierConfig {
  return {
    domainName: 'ws.example.com',
    cells: [{ name: 'a' }],
    connection: { longPollingFallback: true, drainWindowSeconds: 6, drainGraceSeconds: 5, ...overrides },
    healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
  };
}

/** Start a twin on the chat server. */
export async function chatTwin(
  options: { tier?: TierConfig; nodes?: number; maxNodes?: number; env?: Record<string, string> } = {},
): Promise<Twin> {
  built ??= buildServer(CHAT_SERVER_ENTRY);
  return startTwin({
    tier: resolveTier(options.tier ?? testTier()),
    nodes: options.nodes ?? 2,
    maxNodes: options.maxNodes,
    server: { args: [built.file], env: { NODE_PATH: built.nodePath, WST_DRAIN_GRACE_SECONDS: '5', ...(options.env ?? {}) } },
    startTimeoutMs: 20_000,
    onServerOutput: process.env.WST_E2E_VERBOSE ? (n, l) => process.stderr.write(`[${n}] ${l}\n`) : undefined,
  });
}

/** A socket.io client through the twin, reconnecting by the tier policy. */
export function chatClient(url: string, options: { transports?: ('polling' | 'websocket')[]; baseMs?: number } = {}): Socket {
  const socket = io(url, {
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    withCredentials: true,
    timeout: 5000,
  });
  manageSocketIoReconnect(socket, { baseMs: options.baseMs ?? 500, capMs: 5000 });
  return socket;
}

/** Resolve when `predicate` holds, polling every 50 ms; reject after `timeoutMs`. */
export async function eventually(what: string, timeoutMs: number, predicate: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Which node a connected client is on (the chat server's `whoami` ack). */
export function whoami(socket: Socket, timeoutMs = 3000): Promise<{ node: string; id: string; recovered: boolean }> {
  return socket.timeout(timeoutMs).emitWithAck('whoami');
}

/** Wait for every socket to connect. */
export async function allConnected(sockets: readonly Socket[], timeoutMs = 15_000): Promise<void> {
  await eventually(`${sockets.length} clients connected`, timeoutMs, () => sockets.every((s) => s.connected));
}

/** Count clients per node. */
export async function nodesOf(sockets: readonly Socket[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of sockets) {
    const { node } = await whoami(s);
    out.set(node, (out.get(node) ?? 0) + 1);
  }
  return out;
}
