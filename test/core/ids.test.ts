import { CELL_IDS, cellId, cellUrlOutputId, childName, kebab, TIER_IDS } from '../../lib/core';

describe('kebab', () => {
  it.each([
    ['LoadBalancerSecurityGroup', 'load-balancer-security-group'],
    ['WeightedRecordAAAA', 'weighted-record-aaaa'],
    ['CellRecordAAAA', 'cell-record-aaaa'],
    ['Cell-a', 'cell-a'],
    ['Cell-use1-a', 'cell-use1-a'],
    ['Route53HealthCheck', 'route53-health-check'],
    ['HttpRedirectListener', 'http-redirect-listener'],
    ['ConnectionTracking', 'connection-tracking'],
    ['Vpc', 'vpc'],
    ['TierUrl', 'tier-url'],
  ])('%s → %s', (id, expected) => {
    expect(kebab(id)).toBe(expected);
  });

  it('is idempotent on its own output', () => {
    for (const id of Object.values(CELL_IDS)) expect(kebab(kebab(id))).toBe(kebab(id));
  });
});

describe('id table (ids are API: a change here replaces live resources)', () => {
  it('cell child ids are exactly these', () => {
    expect(CELL_IDS).toEqual({
      loadBalancer: 'LoadBalancer',
      loadBalancerSecurityGroup: 'LoadBalancerSecurityGroup',
      instanceSecurityGroup: 'InstanceSecurityGroup',
      listener: 'Listener',
      httpRedirectListener: 'HttpRedirectListener',
      targetGroup: 'TargetGroup',
      instanceRole: 'InstanceRole',
      lifecycleActionPolicy: 'LifecycleActionPolicy',
      launchTemplate: 'LaunchTemplate',
      autoScalingGroup: 'AutoScalingGroup',
      terminationHook: 'TerminationHook',
      scalingPolicy: 'ConnectionTracking',
      weightedRecord: 'WeightedRecord',
      weightedRecordIpv6: 'WeightedRecordAAAA',
      cellRecord: 'CellRecord',
      cellRecordIpv6: 'CellRecordAAAA',
      route53HealthCheck: 'Route53HealthCheck',
    });
  });

  it('tier child ids are exactly these', () => {
    expect(TIER_IDS).toEqual({ vpc: 'Vpc', certificate: 'Certificate', serverBundle: 'ServerBundle', tierUrlOutput: 'TierUrl' });
  });

  it.each([
    ['CELL_IDS', Object.values(CELL_IDS)],
    ['TIER_IDS', Object.values(TIER_IDS)],
  ])('%s values are unique, PascalCase, and stay unique after kebab()', (_name, ids) => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(new Set(ids.map(kebab)).size).toBe(ids.length);
  });

  it('cell and output ids come from the cell name only', () => {
    expect(cellId('a')).toBe('Cell-a');
    expect(cellUrlOutputId('use1-a')).toBe('CellUrl-use1-a');
    expect(childName('chat', cellId('a'))).toBe('chat-cell-a');
    expect(childName('chat-cell-a', CELL_IDS.weightedRecordIpv6)).toBe('chat-cell-a-weighted-record-aaaa');
  });

  it('distinct cell names give distinct cell ids and Pulumi names', () => {
    const names = ['a', 'b', 'a1', 'a-1', 'use1-a', 'use1a'];
    expect(new Set(names.map(cellId)).size).toBe(names.length);
    expect(new Set(names.map((n) => childName('t', cellId(n)))).size).toBe(names.length);
  });
});
