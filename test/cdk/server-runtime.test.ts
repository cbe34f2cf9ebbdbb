/**
 * Runtime features set from the tier (docs/server-contract.md §2, §9): the server environment in
 * user data, and PROXY protocol v2 on NLB target groups.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { oneCell, tierStack } from '../helpers/cdk-app';

const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const LT = 'AWS::EC2::LaunchTemplate';

function targetGroupAttributes(template: Template): Record<string, string> {
  const [tg] = Object.values(template.findResources(TG));
  return Object.fromEntries((tg.Properties.TargetGroupAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
}

/** The launch template's user data as JSON text (the env file lines sit in it verbatim). */
function userDataText(template: Template): string {
  const [lt] = Object.values(template.findResources(LT));
  return JSON.stringify(lt.Properties.LaunchTemplateData.UserData);
}

describe('PROXY protocol v2 (server.proxyProtocol)', () => {
  test('on: the NLB target group has proxy_protocol_v2.enabled = true and servers get WST_PROXY_PROTOCOL=1', () => {
    const { template } = tierStack(oneCell({ name: 'n', loadBalancerType: 'network' }, { server: { proxyProtocol: true } }));
    expect(targetGroupAttributes(template)['proxy_protocol_v2.enabled']).toBe('true');
    expect(userDataText(template)).toMatch(/\\nWST_PROXY_PROTOCOL=1\\n/);
  });

  test('off (default): the attribute is written as false, so turning it off takes effect', () => {
    const { template } = tierStack(oneCell({ name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }));
    expect(targetGroupAttributes(template)['proxy_protocol_v2.enabled']).toBe('false');
    expect(userDataText(template)).toMatch(/\\nWST_PROXY_PROTOCOL=0\\n/);
  });

  test('ALB target groups carry no PROXY protocol attribute', () => {
    const { template } = tierStack(oneCell());
    expect(targetGroupAttributes(template)['proxy_protocol_v2.enabled']).toBeUndefined();
  });

  test('on in a tier with an ALB cell: synthesis fails naming the cell', () => {
    expect(() =>
      tierStack({
        domainName: 'ws.example.com',
        cells: [{ name: 'a' }, { name: 'n', loadBalancerType: 'network' }],
        server: { proxyProtocol: true },
      }),
    ).toThrow(/server\.proxyProtocol is true but cells\[0\] \('a'\) is an ALB cell.*\[proxy-protocol-alb-cell\]/s);
  });
});

describe('server environment from the tier', () => {
  test('cap, origins, message size, rebalancing and the contract version are in the env file', () => {
    const { template } = tierStack(
      oneCell(
        { name: 'a' },
        {
          backplane: {},
          server: {
            maxConnections: 20000,
            allowedOrigins: ['https://app.example.com', 'https://*.example.org'],
            maxMessageBytes: 65536,
            rebalance: { intervalMs: 5000 },
          },
        },
      ),
    );
    const text = userDataText(template);
    for (const line of [
      'WST_CONTRACT_VERSION=1',
      'WST_MAX_CONNECTIONS=20000',
      'WST_ALLOWED_ORIGINS=https://app.example.com,https://*.example.org',
      'WST_MAX_MESSAGE_BYTES=65536',
      'WST_REBALANCE_INTERVAL_MS=5000',
      'WST_REBALANCE_TOLERANCE=0.1',
      'WST_REBALANCE_MAX_SHED_FRACTION=0.01',
    ]) {
      expect(text).toContain(`\\n${line}\\n`);
    }
  });

  test('defaults: the derived cap (10,000 ÷ 0.7) and 1 MiB, no origins, no rebalancing', () => {
    const text = userDataText(tierStack(oneCell()).template);
    expect(text).toContain('\\nWST_MAX_CONNECTIONS=14286\\n');
    expect(text).toContain('\\nWST_MAX_MESSAGE_BYTES=1048576\\n');
    expect(text).not.toContain('WST_ALLOWED_ORIGINS');
    expect(text).not.toContain('WST_REBALANCE_');
  });

  test('a bad origin fails synthesis with the fixed form', () => {
    expect(() => tierStack(oneCell({ name: 'a' }, { server: { allowedOrigins: ['https://App.example.com/'] } }))).toThrow(
      /server\.allowedOrigins\[0\] is "https:\/\/App\.example\.com\/".*Fix: use "https:\/\/app\.example\.com".*\[allowed-origin-invalid\]/s,
    );
  });
});
