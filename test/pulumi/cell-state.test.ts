/**
 * cells[i].state in the Pulumi program, on the inputs the mocks record: weight 0 on draining and
 * retired cells' weighted records, the draining group's bounds kept, the retired group 0/0/0 with
 * no alarms (the same resolved values the CDK construct renders, test/cdk/cell-state.test.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import type { TierConfig } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { type PulumiRecorder, recordProgram } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

const ZONE = 'Z00000000000000000000';
const CONFIG: TierConfig = {
  domainName: 'ws.example.com',
  cells: [
    { name: 'a', weight: 60 },
    { name: 'b', weight: 40, state: 'draining' },
    { name: 'c', loadBalancerType: 'network', state: 'retired' },
  ],
  scaling: { minCapacity: 3, maxCapacity: 8 },
};

let r: PulumiRecorder;
let warn: jest.SpyInstance;
beforeAll(async () => {
  warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
  ({ recorder: r } = await recordProgram(() => new WebSocketTier('t1', { ...withServerStart(CONFIG), hostedZoneId: ZONE })));
});
afterAll(() => warn.mockRestore());

test('weighted records: 60 on the active cell, 0 on the draining and retired cells (A and AAAA names alike)', () => {
  for (const [cell, weight] of [
    ['a', 60],
    ['b', 0],
    ['c', 0],
  ] as const) {
    expect(r.named(`t1-cell-${cell}-weighted-record`).inputs.weightedRoutingPolicies).toEqual([{ weight }]);
  }
});

test('Auto Scaling groups: draining keeps 3–8, retired is 0/0/0', () => {
  const group = (cell: string) => r.named(`t1-cell-${cell}-auto-scaling-group`).inputs;
  expect(group('a')).toMatchObject({ minSize: 3, maxSize: 8 });
  expect(group('a').desiredCapacity).toBeUndefined();
  expect(group('b')).toMatchObject({ minSize: 3, maxSize: 8 });
  expect(group('b').desiredCapacity).toBeUndefined();
  expect(group('c')).toMatchObject({ minSize: 0, maxSize: 0, desiredCapacity: 0 });
});

test('alarms: the draining cell has the active cell’s alarms, the retired cell none', () => {
  const alarms = (cell: string) =>
    r
      .ofType('aws:cloudwatch/metricAlarm:MetricAlarm')
      .filter((x) => x.name.startsWith(`t1-cell-${cell}-`))
      .map((x) => x.inputs.metricName as string)
      .sort();
  expect(alarms('a').length).toBeGreaterThan(0);
  expect(alarms('b')).toEqual(alarms('a'));
  expect(alarms('c')).toEqual([]);
});

test('the termination lifecycle hook stays on every cell', () => {
  for (const cell of ['a', 'b', 'c']) {
    expect(r.named(`t1-cell-${cell}-termination-hook`).inputs).toMatchObject({
      lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
    });
  }
});
