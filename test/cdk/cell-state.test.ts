/**
 * cells[i].state in the CDK template: a draining cell's weighted records carry weight 0 and its
 * group keeps its bounds and alarms; a retired cell's group is 0/0/0 and it has no alarms. The
 * renderer reads only the resolved weight, bounds and alarm list (lib/core/cell-state.ts).
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { TierConfig } from '../../lib/core/config';
import { tierStack } from '../helpers/cdk-app';

const CONFIG: TierConfig = {
  domainName: 'ws.example.com',
  cells: [
    { name: 'a', weight: 60 },
    { name: 'b', weight: 40, state: 'draining' },
    { name: 'c', loadBalancerType: 'network', state: 'retired' },
  ],
  scaling: { minCapacity: 3, maxCapacity: 8 },
};

let template: Template;
beforeAll(() => {
  template = tierStack(CONFIG).template;
});

/** Resources of a type whose logical id starts with the cell's prefix. */
function ofCell(type: string, cell: string): Record<string, unknown>[] {
  return Object.entries(template.findResources(type))
    .filter(([id]) => id.startsWith(`TierCell${cell}`))
    .map(([, r]) => r.Properties as Record<string, unknown>);
}

test('weighted records: the active cell keeps its weight, draining and retired cells get 0 (A records)', () => {
  const weights = Object.fromEntries(
    Object.values(template.findResources('AWS::Route53::RecordSet', { Properties: { Name: 'ws.example.com.', Type: 'A' } })).map((r) => {
      const p = r.Properties as { SetIdentifier: string; Weight: number };
      return [p.SetIdentifier, p.Weight];
    }),
  );
  expect(weights).toEqual({ a: 60, b: 0, c: 0 });
});

test('Auto Scaling groups: the draining cell keeps its bounds (scale-in drains it), the retired cell is 0/0/0', () => {
  const [a] = ofCell('AWS::AutoScaling::AutoScalingGroup', 'a');
  const [b] = ofCell('AWS::AutoScaling::AutoScalingGroup', 'b');
  const [c] = ofCell('AWS::AutoScaling::AutoScalingGroup', 'c');
  expect([a.MinSize, a.MaxSize, a.DesiredCapacity]).toEqual(['3', '8', undefined]);
  expect([b.MinSize, b.MaxSize, b.DesiredCapacity]).toEqual(['3', '8', undefined]);
  expect([c.MinSize, c.MaxSize, c.DesiredCapacity]).toEqual(['0', '0', '0']);
});

test('the lifecycle hook stays on draining and retired cells (their last instances still drain through it)', () => {
  for (const cell of ['a', 'b', 'c']) {
    expect(ofCell('AWS::AutoScaling::LifecycleHook', cell)).toEqual([
      expect.objectContaining({ LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', DefaultResult: 'CONTINUE' }),
    ]);
  }
});

test('alarms: the draining cell keeps the same alarms as the active one, the retired cell has none', () => {
  const names = (cell: string) =>
    ofCell('AWS::CloudWatch::Alarm', cell)
      .map((p) => p.MetricName as string)
      .sort();
  expect(names('a').length).toBeGreaterThan(0);
  expect(names('b')).toEqual(names('a'));
  expect(names('c')).toEqual([]);
});
