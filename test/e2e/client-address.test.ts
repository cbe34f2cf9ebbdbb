/**
 * The client address through the twin's HAProxy, configured from a resolved tier: a client bound to
 * 127.0.0.9 shows up as 127.0.0.9 in the server, from `X-Forwarded-For` on an ALB cell (a spoofed
 * entry the client sent first is ignored) and from PROXY protocol v2 on an NLB cell with
 * `WST_PROXY_PROTOCOL=1` (HAProxy's health checks carry the header too). Real HAProxy, real `ws`
 * server on the runtime; every wait is an event bounded by `within`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { resolveTier, type TierConfig } from '../../lib/core';
import type { ResolvedTier } from '../../lib/core/resolved';
import { RUNTIME_ENV } from '../../lib/core/server-contract';
import { attachWebSocketServer, type ClientAddress, createRuntime, wsServerOptions } from '../../lib/runtime';
import { localTwinHaproxyConfig } from '../../lib/twin/haproxy-config';
import { freePort, within } from '../helpers/net';

const CLIENT_ADDRESS = '127.0.0.9';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A runtime `ws` server reading its settings from the cell's server environment, as on an instance. */
async function server(env: Readonly<Record<string, string>>) {
  const runtime = createRuntime({ env: { ...env }, signals: [] });
  cleanups.push(() => runtime.stop());
  const healthChecks: ClientAddress[] = [];
  let onHealth: (() => void) | undefined;
  const http1 = http.createServer((req, res) => {
    // read the address before answering: HAProxy resets a check connection once it has the answer
    const address = runtime.clientAddress(req);
    if (runtime.handleHealth(req, res)) {
      healthChecks.push(address);
      onHealth?.();
    } else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http1, ...wsServerOptions(runtime) });
  attachWebSocketServer(runtime, wss);
  const warnings: string[] = [];
  runtime.on('warning', (e: Error) => warnings.push(e.message));
  const seen: ClientAddress[] = [];
  wss.on('connection', (_ws, req) => seen.push(runtime.clientAddress(req)));
  await new Promise<void>((r) => http1.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    http1.closeAllConnections();
    return new Promise<void>((r) => http1.close(() => r()));
  });
  const firstHealthCheck = new Promise<void>((r) => (onHealth = r));
  return { port: (http1.address() as AddressInfo).port, seen, healthChecks, warnings, firstHealthCheck };
}

/** HAProxy from the twin's configuration for the tier's first cell, in front of one node. */
async function haproxyFor(tier: ResolvedTier, nodePort: number): Promise<{ port: number; config: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-caddr-'));
  const port = await freePort();
  const config = localTwinHaproxyConfig(tier, {
    frontendPort: port,
    nodes: [{ name: 'n1', port: nodePort, enabled: true }],
    adminSocketPath: path.join(dir, 'admin.sock'),
  });
  fs.writeFileSync(path.join(dir, 'haproxy.cfg'), config);
  const child: ChildProcess = spawn('haproxy', ['-f', path.join(dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await within(gone, 5000, 'haproxy to exit');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { port, config };
}

/** A `ws` client whose TCP connection is bound to 127.0.0.9. */
function openFrom(port: number, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: CLIENT_ADDRESS, headers });
    cleanups.push(() => ws.terminate());
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const health = { intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 2 };

// Skipped only off CI: .ci/run installs haproxy, so a missing one there must fail, not skip.
const haproxy = spawnSync('haproxy', ['-v']).error && !process.env.CI ? test.skip : test;

haproxy(
  'ALB cell: the client bound to 127.0.0.9 is 127.0.0.9 in the server (right-most X-Forwarded-For; the spoofed first entry is ignored)',
  async () => {
    const tier = resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a' }], healthCheck: health } satisfies TierConfig);
    const s = await server(tier.cells[0].serverEnvironment);
    const h = await haproxyFor(tier, s.port);
    expect(h.config).toContain('option forwardfor');
    await within(s.firstHealthCheck, 20_000, 'the first HAProxy health check');
    await within(openFrom(h.port, { 'X-Forwarded-For': '6.6.6.6' }), 10_000, 'the WebSocket through HAProxy');
    expect(s.seen).toEqual([{ address: CLIENT_ADDRESS, source: 'x-forwarded-for' }]);
  },
);

haproxy(
  'NLB cell with WST_PROXY_PROTOCOL=1: the client bound to 127.0.0.9 is 127.0.0.9 with its port; health checks come as PROXY headers',
  async () => {
    const resolved = resolveTier({
      domainName: 'ws.example.com',
      cells: [{ name: 'a', loadBalancerType: 'network' }],
      healthCheck: health,
    } satisfies TierConfig);
    // The tier does not write the flag yet: set it in the cell's server environment, which both the
    // servers and the twin's HAProxy configuration read.
    const cell = { ...resolved.cells[0], serverEnvironment: { ...resolved.cells[0].serverEnvironment, [RUNTIME_ENV.proxyProtocol]: '1' } };
    const tier = { ...resolved, cells: [cell] } as ResolvedTier;
    const s = await server(cell.serverEnvironment);
    const h = await haproxyFor(tier, s.port);
    expect(h.config).toMatch(/server n1 127\.0\.0\.1:\d+ check send-proxy-v2 check-send-proxy/);
    await within(s.firstHealthCheck, 20_000, 'the first HAProxy health check');
    const ws = await within(openFrom(h.port, { 'X-Forwarded-For': '6.6.6.6' }), 10_000, 'the WebSocket through HAProxy');
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ address: CLIENT_ADDRESS, source: 'proxy-protocol' });
    // the port in the header is the client socket's own
    const localPort = (ws as unknown as { _socket: { localPort: number } })._socket.localPort;
    expect(s.seen[0].port).toBe(localPort);
    // HAProxy's checks send a header the server accepts (a refused one would be a warning, and no health answer)
    // (HAProxy's check-send-proxy sends a LOCAL header: the server falls back to the socket's peer)
    expect(s.healthChecks.length).toBeGreaterThanOrEqual(1);
    expect(s.healthChecks[0]).toMatchObject({ address: '127.0.0.1', source: 'socket' });
    expect(s.warnings).toEqual([]);
  },
);

describe('twin HAProxy configuration: client address options', () => {
  const nodes = [{ name: 'n1', port: 20001, enabled: true }];
  const text = (tier: ResolvedTier, proxyProtocol?: boolean) =>
    localTwinHaproxyConfig(tier, { frontendPort: 20000, nodes, adminSocketPath: '/tmp/x.sock', proxyProtocol });
  const alb = resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a' }] });
  const nlb = resolveTier({ domainName: 'ws.example.com', cells: [{ name: 'a', loadBalancerType: 'network' }] });
  const withEnv = (t: ResolvedTier, value: string): ResolvedTier =>
    ({
      ...t,
      cells: [{ ...t.cells[0], serverEnvironment: { ...t.cells[0].serverEnvironment, [RUNTIME_ENV.proxyProtocol]: value } }],
    }) as ResolvedTier;

  test('ALB cell: option forwardfor, HTTP mode, no PROXY header', () => {
    const c = text(alb);
    expect(c).toMatch(/frontend websocket\n {2}bind 127\.0\.0\.1:20000\n {2}option forwardfor\n/);
    expect(c).not.toMatch(/send-proxy|mode tcp/);
  });

  test('NLB cell without proxy protocol: neither X-Forwarded-For (an NLB adds none) nor a PROXY header', () => {
    const c = text(nlb);
    expect(c).not.toMatch(/forwardfor|send-proxy|mode tcp/);
    expect(text(withEnv(nlb, '0'))).not.toMatch(/send-proxy/);
  });

  test('NLB cell with WST_PROXY_PROTOCOL=1 in its server environment, or the option: TCP mode and send-proxy-v2 on servers and checks', () => {
    for (const c of [text(withEnv(nlb, '1')), text(nlb, true)]) {
      expect(c).toMatch(/frontend websocket\n {2}bind [^\n]+\n {2}mode tcp\n/);
      expect(c).toMatch(/backend cell_a\n {2}mode tcp\n/);
      expect(c).toContain('server n1 127.0.0.1:20001 check send-proxy-v2 check-send-proxy\n');
      expect(c).not.toContain('forwardfor');
    }
    expect(text(withEnv(nlb, '1'), false)).not.toContain('send-proxy');
  });

  test('proxy protocol on an ALB cell is refused with the fix', () => {
    expect(() => text(alb, true)).toThrow(
      /proxy protocol is on for cell "a", an application load balancer; allowed: network cells only .*Fix:/,
    );
    expect(() => text(withEnv(alb, '1'))).toThrow(/allowed: network cells only/);
  });

  haproxy('haproxy -c accepts the TCP-mode proxy-protocol configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-cfg-'));
    const file = path.join(dir, 'h.cfg');
    fs.writeFileSync(file, text(nlb, true));
    const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.stderr + r.stdout).not.toMatch(/WARNING/);
    expect(r.status).toBe(0);
  });
});
