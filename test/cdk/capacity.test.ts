/**
 * `capacity` on the tier sizes each cell's Auto Scaling group and scaling target in the template;
 * explicit scaling values win; an impossible plan stops synthesis with the numbers.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { planCapacity } from '../../lib/core/capacity';
import { oneCell, tierStack } from '../helpers/cdk-app';

const ASG = 'AWS::AutoScaling::AutoScalingGroup';

test('capacity derives MinSize, MaxSize and the target-tracking value of the cell', () => {
  const plan = planCapacity({ peakConnections: 1_500_000, cells: 1, loadBalancerType: 'network', instanceType: 'c7g.xlarge' });
  expect(plan.perCell.maxCapacity).toBeGreaterThan(2); // the plan, not the defaults (2/10/10000)
  const { template } = tierStack(
    oneCell({ name: 'a', loadBalancerType: 'network', instanceType: 'c7g.xlarge' }, { capacity: { peakConnections: 1_500_000 } }),
  );
  template.hasResourceProperties(ASG, { MinSize: String(plan.perCell.minCapacity), MaxSize: String(plan.perCell.maxCapacity) });
  template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
    TargetTrackingConfiguration: Match.objectLike({ TargetValue: plan.perCell.targetConnectionsPerInstance }),
  });
});

test('explicit scaling values win over the plan', () => {
  const { template } = tierStack(
    oneCell(
      { name: 'a', scaling: { minCapacity: 4, maxCapacity: 40, targetConnectionsPerInstance: 20_000 } },
      { capacity: { peakConnections: 1_500_000 } },
    ),
  );
  template.hasResourceProperties(ASG, { MinSize: '4', MaxSize: '40' });
  template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
    TargetTrackingConfiguration: Match.objectLike({ TargetValue: 20_000 }),
  });
});

test('an impossible plan is a synthesis error with the numbers', () => {
  expect(() =>
    tierStack(
      oneCell(
        { name: 'a' },
        {
          capacity: { peakConnections: 100_000 },
          host: { fileDescriptorLimit: 65_536 },
          scaling: { targetConnectionsPerInstance: 100_000 },
        },
      ),
    ),
  ).toThrow(/- scaling\.targetConnectionsPerInstance is 100,000 but cells\[0\] \('a'\) instances can hold at most 64,512 sockets/);
});
