/**
 * The Pulumi example (examples/pulumi) and the CDK example (examples/cdk) declare the same tier:
 * their resolved plans are equal, and so are their cells' normalized views (operations included)
 * and the tier's dashboard, log bucket, VPC flow log and backplane.
 */
import * as pulumi from '@pulumi/pulumi';
import { buildExampleTier } from '../../examples/pulumi/tier';
import { ChatTierStack } from '../../examples/cdk/chat-tier-stack';
import { Template } from 'aws-cdk-lib/assertions';
import { createTestApp, testBundleFile } from '../helpers/cdk-app';
import { recordProgram } from '../helpers/pulumi-mocks';
import { cdkBackplaneView, cdkCellViews, cdkTierOperationsView } from './normalize-cdk';
import { pulumiBackplaneView, pulumiCellViews, pulumiTierOperationsView } from './normalize-pulumi';

test('examples/pulumi and examples/cdk resolve to the same plan and the same cells', async () => {
  const serverBundleFile = testBundleFile();
  const app = createTestApp();
  // A concrete region (the mocks' us-east-1): CDK writes access logs only when it knows the region.
  const stack = new ChatTierStack(app, 'Example', {
    domainName: 'ws.example.com',
    hostedZoneId: 'Z0123456789TESTZONE',
    hostedZoneName: 'example.com',
    serverBundleFile,
    env: { region: 'us-east-1' },
  });
  const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
  try {
    const { result, recorder } = await recordProgram(() =>
      buildExampleTier({ domainName: 'ws.example.com', hostedZoneId: 'Z0123456789TESTZONE', serverBundleFile }),
    );
    expect(result.plan).toEqual(stack.tier.plan);
    const names = result.plan.cells.map((c) => c.name);
    expect(names).toEqual(['a', 'b', 'c']);
    const template = Template.fromStack(stack);
    expect(pulumiCellViews(recorder, 'chat', names)).toEqual(cdkCellViews(stack, stack.tier, template));
    const tierOps = cdkTierOperationsView(stack, stack.tier, template);
    expect(tierOps.dashboard?.rows).toBe(4); // tier summary + 3 cells
    expect(pulumiTierOperationsView(recorder, 'chat')).toEqual(tierOps);
    const backplane = cdkBackplaneView(stack, stack.tier, template);
    expect(backplane).toMatchObject({
      engine: 'valkey',
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authTokenFromSecret: true,
      secretReadBy: ['a', 'b', 'c'],
    });
    expect(backplane?.ingress.map((r) => r.fromCell)).toEqual(['a', 'b', 'c']);
    expect(pulumiBackplaneView(recorder, 'chat')).toEqual(backplane);
  } finally {
    warn.mockRestore();
  }
}, 180_000); // two full example builds (CDK synth with asset + Pulumi under mocks) on a shared 2-core machine
