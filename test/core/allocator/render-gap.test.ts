/**
 * The allocator endpoint is not rendered yet, so both renderers refuse a tier that sets it
 * (`allocator-not-rendered`) instead of deploying servers that wait for tickets nobody issues.
 */
import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { allocatorRenderIssues, validateTier, type TierConfig } from '../../../lib/core';
import { WebSocketTier as CdkTier } from '../../../lib/cdk';
import { WebSocketTier as PulumiTier } from '../../../lib/pulumi';
import { createTestApp, TEST_ZONE } from '../../helpers/cdk-app';
import { recordProgram } from '../../helpers/pulumi-mocks';
import { withServerStart } from '../../helpers/server-start';

const WITH: TierConfig = { domainName: 'ws.example.com', cells: [{ name: 'a' }, { name: 'b' }], allocator: {} };
const WITHOUT: TierConfig = { domainName: 'ws.example.com', cells: [{ name: 'a' }, { name: 'b' }] };
const MESSAGE =
  /- allocator is set, but the CDK construct and the Pulumi component do not render the allocator endpoint yet.*Fix: remove allocator.*\[allocator-not-rendered\]/s;

test('core: an error naming allocator when set, nothing when absent or late-bound; validateTier itself accepts it (the twin uses it)', () => {
  expect(allocatorRenderIssues(WITH).map((i) => [i.code, i.path, i.severity])).toEqual([['allocator-not-rendered', 'allocator', 'error']]);
  expect(allocatorRenderIssues(WITHOUT)).toEqual([]);
  const LATE = {};
  expect(allocatorRenderIssues({ ...WITHOUT, allocator: LATE as never }, (v) => v === LATE)).toEqual([]);
  expect(validateTier(WITH).filter((i) => i.severity === 'error')).toEqual([]);
});

test('CDK refuses a tier with allocator, builds it without', () => {
  const build = (config: TierConfig) => () => {
    const stack = new Stack(createTestApp(), 'Test');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    new CdkTier(stack, 'Tier', { ...withServerStart(config), hostedZone });
  };
  expect(build(WITH)).toThrow(MESSAGE);
  expect(build(WITHOUT)).not.toThrow();
});

test('Pulumi refuses a tier with allocator, builds it without', async () => {
  const errors: unknown[] = [];
  await recordProgram(() => {
    for (const config of [WITH, WITHOUT]) {
      try {
        new PulumiTier(config.allocator ? 'with' : 'without', { ...withServerStart(config), hostedZoneId: TEST_ZONE.hostedZoneId });
      } catch (e) {
        errors.push(e);
      }
    }
  });
  expect(errors).toHaveLength(1);
  expect(String((errors[0] as Error).message)).toMatch(MESSAGE);
});
