/**
 * The twin on an NLB cell with PROXY protocol v2 on (`server.proxyProtocol`): HAProxy sends the
 * header, the runtime requires it, and the twin's own readiness and status probes send a LOCAL
 * header, so the twin starts and a stock `ws` client gets its echo through the twin's URL.
 */
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { planTier } from '../../lib/core';
import { buildServer, removeBuiltServer, startTwin, type Twin } from '../../lib/twin';

jest.setTimeout(60_000);

// Skipped only off CI: .ci/run installs haproxy and redis-server, so a missing one there must fail.
const tools = !spawnSync('haproxy', ['-v']).error && !spawnSync('redis-server', ['-v']).error;
const maybe = tools || process.env.CI ? test : test.skip;

maybe('an NLB cell with proxy protocol: the twin starts, reports its nodes healthy, and echoes', async () => {
  const { tier } = planTier('twin', {
    domainName: 'ws.example.com',
    cells: [{ name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }],
    server: { proxyProtocol: true },
  });
  expect(tier.cells[0].serverEnvironment.WST_PROXY_PROTOCOL).toBe('1');
  const built = buildServer();
  let twin: Twin | undefined;
  try {
    twin = await startTwin({
      tier,
      nodes: 1,
      server: { args: [built.file], env: { NODE_PATH: built.nodePath } },
      startTimeoutMs: 30_000,
    });
    expect(twin.haproxyConfig).toMatch(/send-proxy-v2/);
    const status = await twin.status();
    expect(status.map((s) => s.status)).toEqual(['serving']);
    const ws = new WebSocket(twin.url.replace(/^http/, 'ws'));
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('hello through PROXY v2'));
      ws.once('message', (m) => resolve(m.toString()));
      ws.once('error', reject);
    });
    ws.close();
    expect(echoed).toBe('hello through PROXY v2');
  } finally {
    await twin?.stop();
    removeBuiltServer(built);
  }
});
