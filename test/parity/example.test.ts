/**
 * The Pulumi example (examples/pulumi) and the CDK example (examples/cdk) declare the same tier:
 * their resolved plans are equal, and so are their cells' normalized views.
 */
import * as pulumi from '@pulumi/pulumi';
import { buildExampleTier } from '../../examples/pulumi/tier';
import { ChatTierStack } from '../../examples/cdk/chat-tier-stack';
import { Template } from 'aws-cdk-lib/assertions';
import { createTestApp, testBundleFile } from '../helpers/cdk-app';
import { recordProgram } from '../helpers/pulumi-mocks';
import { cdkCellViews } from './normalize-cdk';
import { pulumiCellViews } from './normalize-pulumi';

test('examples/pulumi and examples/cdk resolve to the same plan and the same cells', async () => {
  const serverBundleFile = testBundleFile();
  const app = createTestApp();
  const stack = new ChatTierStack(app, 'Example', { domainName: 'ws.example.com', hostedZoneId: 'Z0123456789TESTZONE', hostedZoneName: 'example.com', serverBundleFile });
  const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
  try {
    const { result, recorder } = await recordProgram(() => buildExampleTier({ domainName: 'ws.example.com', hostedZoneId: 'Z0123456789TESTZONE', serverBundleFile }));
    expect(result.plan).toEqual(stack.tier.plan);
    const names = result.plan.cells.map((c) => c.name);
    expect(names).toEqual(['a', 'b', 'c']);
    expect(pulumiCellViews(recorder, 'chat', names)).toEqual(cdkCellViews(stack, stack.tier, Template.fromStack(stack)));
  } finally {
    warn.mockRestore();
  }
}, 180_000); // two full example builds (CDK synth with asset + Pulumi under mocks) on a shared 2-core machine
