/**
 * `capacity` on the tier sizes each cell's Auto Scaling group and scaling target in the Pulumi
 * renderer too (asserted on the inputs the mocks record).
 */
import { planCapacity } from '../../lib/core/capacity';
import type { TierConfig } from '../../lib/core/config';
import { WebSocketTier } from '../../lib/pulumi';
import { recordProgram } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

test('capacity derives minSize, maxSize and the target-tracking value of each cell', async () => {
  const config: TierConfig = {
    domainName: 'ws.example.com',
    cells: [{ name: 'a', loadBalancerType: 'network', instanceType: 'c7g.xlarge' }],
    capacity: { peakConnections: 1_500_000 },
  };
  const plan = planCapacity({ peakConnections: 1_500_000, cells: 1, loadBalancerType: 'network', instanceType: 'c7g.xlarge' });
  const { recorder } = await recordProgram(
    () => new WebSocketTier('t1', { ...withServerStart(config), hostedZoneId: 'Z00000000000000000000' }),
  );
  expect(recorder.named('t1-cell-a-auto-scaling-group').inputs).toMatchObject({
    minSize: plan.perCell.minCapacity,
    maxSize: plan.perCell.maxCapacity,
  });
  expect(recorder.named('t1-cell-a-connection-tracking').inputs.targetTrackingConfiguration.targetValue).toBe(
    plan.perCell.targetConnectionsPerInstance,
  );
});
