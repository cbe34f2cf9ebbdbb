/**
 * Validation through the construct: errors throw once with the construct path and every field,
 * warnings surface as annotations, late-bound values are not range-checked.
 */
import { CfnParameter, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { TierConfig } from '../../lib/core/config';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { planTier, TierConfigError } from '../../lib/core/plan';
import { WebSocketCell, WebSocketTier } from '../../lib/cdk';
import { createTestApp, oneCell, TEST_ZONE, tierStack, withServerStart } from '../helpers/cdk-app';

function build(config: TierConfig): void {
  tierStack(config);
}

describe('WebSocketTier validation', () => {
  test('an invalid config throws one error naming the construct path and every offending field', () => {
    const config: TierConfig = {
      domainName: 'ws.example.com',
      tlsPolicy: 'ELBSecurityPolicy-2016-08',
      cells: [{ name: 'a', weight: 300 }],
      connection: { pingIntervalSeconds: 200, albIdleTimeoutSeconds: 120 },
    };
    let error: unknown;
    try {
      build(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TierConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Test\/Tier: invalid WebSocket tier configuration \(3 problems\)/);
    expect(message).toMatch(/cells\[0\]\.weight/);
    expect(message).toMatch(/- tlsPolicy is .*ELBSecurityPolicy-2016-08/);
    // each path once per line
    expect(message).not.toMatch(/tlsPolicy: tlsPolicy/);
    expect(message).toMatch(/connection\.pingIntervalSeconds/);
  });

  test('toThrow reports the field, the value and the fix', () => {
    expect(() => build(oneCell({ name: 'a' }, { connection: { albIdleTimeoutSeconds: 5000 } }))).toThrow(
      /Test\/Tier: .*connection\.albIdleTimeoutSeconds is 5000.*allowed 1–4000.*Fix/s,
    );
  });

  test('an NLB TCP idle timeout without a TCP listener is refused', () => {
    expect(() => build(oneCell({ name: 'a', loadBalancerType: 'network' }, { connection: { nlbTcpIdleTimeoutSeconds: 900 } }))).toThrow(
      /connection\.nlbTcpIdleTimeoutSeconds.*no cell has an NLB TCP listener/,
    );
  });

  test('nothing is created when the config is invalid', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    expect(() => new WebSocketTier(stack, 'Tier', { ...oneCell({ name: 'BAD' }), hostedZone })).toThrow(/cells\[0\]\.name/);
    const tier = stack.node.tryFindChild('Tier');
    expect(tier?.node.children ?? []).toHaveLength(0);
  });

  test('a warning is reported as an annotation with the @websocket-tier code', () => {
    const { stack } = tierStack(oneCell({ name: 'a' }, { scaling: { minHealthyPercentage: 90, maxHealthyPercentage: 150 } }));
    Annotations.fromStack(stack).hasWarning(
      '/Test/Tier',
      Match.stringLikeRegexp('minHealthyPercentage is 90.*\\[ack: @websocket-tier/terminate-before-launch\\]'),
    );
  });

  test('a valid config produces no warnings from the tier', () => {
    // Logs off: an env-agnostic stack with logs on gets the (correct) access-logs-need-region warning.
    const { stack } = tierStack(oneCell({ name: 'a' }, { operations: { accessLogs: { enabled: false } } }));
    Annotations.fromStack(stack).hasNoWarning('/Test/Tier', Match.stringLikeRegexp('@websocket-tier/'));
  });

  test('a Token weight is not range-checked and reaches the record unresolved', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test');
    const weight = new CfnParameter(stack, 'Weight', { type: 'Number' });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    new WebSocketTier(stack, 'Tier', { ...withServerStart(oneCell({ name: 'a', weight: Token.asNumber(weight.value) })), hostedZone });
    Template.fromStack(stack).hasResourceProperties('AWS::Route53::RecordSet', { SetIdentifier: 'a', Weight: { Ref: 'Weight' } });
  });

  test('a WebSocketCell whose listener terminates TLS refuses to render without a certificate', () => {
    const stack = new Stack(createTestApp(), 'Test');
    const { tier } = planTier('test', oneCell({ name: 'a' }));
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    expect(() => new WebSocketCell(stack, 'Cell', { tier, cell: tier.cells[0], vpc })).toThrow(
      /Cell "a": its HTTPS listener terminates TLS and needs an ACM certificate, but none was given\. Fix: pass certificate/,
    );
  });

  test('a WebSocketCell with a TCP passthrough listener renders without certificate or zone', () => {
    const stack = new Stack(createTestApp(), 'Test');
    const { tier } = planTier('test', oneCell({ name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }));
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new WebSocketCell(stack, 'Cell', { tier, cell: tier.cells[0], vpc });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TCP', Certificates: Match.absent() });
  });
});
