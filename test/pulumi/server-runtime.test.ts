/**
 * Runtime features set from the tier (docs/server-contract.md §2, §9), Pulumi side: the server
 * environment in user data, and PROXY protocol v2 on NLB target groups (the same checks as
 * test/cdk/server-runtime.test.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import { type TierConfig } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { recordProgram, type PulumiRecorder } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

const ZONE = 'Z00000000000000000000';
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

async function build(config: TierConfig): Promise<PulumiRecorder> {
  const { recorder } = await recordProgram(() => new WebSocketTier('t1', { ...withServerStart(config), hostedZoneId: ZONE }));
  return recorder;
}
const envLines = (r: PulumiRecorder, cell: string): string[] =>
  decode(r.named(`t1-cell-${cell}-launch-template`).inputs.userData).split('\n');

describe('PROXY protocol v2 (server.proxyProtocol)', () => {
  test('on: proxyProtocolV2 true on every NLB target group, WST_PROXY_PROTOCOL=1 for their servers', async () => {
    const r = await build({
      domainName: 'ws.example.com',
      cells: [
        { name: 'n', loadBalancerType: 'network' },
        { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
      ],
      healthCheck: { port: 8081 },
      server: { proxyProtocol: true },
    });
    for (const cell of ['n', 't']) {
      expect(r.named(`t1-cell-${cell}-target-group`).inputs.proxyProtocolV2).toBe(true);
      expect(envLines(r, cell)).toContain('WST_PROXY_PROTOCOL=1');
    }
  });

  test('off (default): written as false on NLB target groups, absent on ALB ones', async () => {
    const r = await build({ domainName: 'ws.example.com', cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }] });
    expect(r.named('t1-cell-n-target-group').inputs.proxyProtocolV2).toBe(false);
    expect(r.named('t1-cell-a-target-group').inputs.proxyProtocolV2).toBeUndefined();
    for (const cell of ['a', 'n']) expect(envLines(r, cell)).toContain('WST_PROXY_PROTOCOL=0');
  });

  test('on in a tier with an ALB cell: a ResourceError naming the cell', async () => {
    await recordProgram(() => {
      const config: TierConfig = {
        domainName: 'ws.example.com',
        cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }],
        server: { proxyProtocol: true },
      };
      let thrown: unknown;
      try {
        new WebSocketTier('bad', { ...withServerStart(config), hostedZoneId: ZONE });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(pulumi.ResourceError);
      expect((thrown as Error).message).toMatch(/cells\[0\] \('a'\) is an ALB cell.*\[proxy-protocol-alb-cell\]/s);
    });
  });
});

describe('server environment from the tier', () => {
  test('cap, origins, message size, rebalancing and the contract version are in the env file', async () => {
    const r = await build({
      domainName: 'ws.example.com',
      cells: [{ name: 'a' }],
      backplane: {},
      server: {
        maxConnections: 20000,
        allowedOrigins: ['https://app.example.com', 'https://*.example.org'],
        maxMessageBytes: 65536,
        rebalance: { intervalMs: 5000 },
      },
    });
    expect(envLines(r, 'a')).toEqual(
      expect.arrayContaining([
        'WST_CONTRACT_VERSION=1',
        'WST_MAX_CONNECTIONS=20000',
        'WST_ALLOWED_ORIGINS=https://app.example.com,https://*.example.org',
        'WST_MAX_MESSAGE_BYTES=65536',
        'WST_REBALANCE_INTERVAL_MS=5000',
        'WST_REBALANCE_TOLERANCE=0.1',
        'WST_REBALANCE_MAX_SHED_FRACTION=0.01',
      ]),
    );
  });

  test('defaults: the derived cap (10,000 ÷ 0.7) and 1 MiB, no origins, no rebalancing', async () => {
    const lines = envLines(await build({ domainName: 'ws.example.com', cells: [{ name: 'a' }] }), 'a');
    expect(lines).toEqual(expect.arrayContaining(['WST_MAX_CONNECTIONS=14286', 'WST_MAX_MESSAGE_BYTES=1048576']));
    expect(lines.filter((l) => /^WST_(ALLOWED_ORIGINS|REBALANCE_)/.test(l))).toEqual([]);
  });
});
