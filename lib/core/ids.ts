/**
 * The one table of child ids. CDK uses them as construct ids; Pulumi names children
 * `${parentName}-${kebab(id)}`. Ids are API: changing one replaces live load balancers, records
 * or groups, so treat any change as breaking. Nothing here depends on a prop value other than
 * the cell name, which is the cell's documented, permanent identity.
 */

/** Children of one cell. */
export const CELL_IDS = {
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
} as const;

/** Children of a tier. */
export const TIER_IDS = {
  vpc: 'Vpc',
  certificate: 'Certificate',
  serverBundle: 'ServerBundle',
  tierUrlOutput: 'TierUrl',
} as const;

/** Construct id of a cell inside its tier (cell names are validated DNS labels). */
export function cellId(cellName: string): string {
  return `Cell-${cellName}`;
}

/** Output id of a cell's direct URL. */
export function cellUrlOutputId(cellName: string): string {
  return `CellUrl-${cellName}`;
}

/** `LoadBalancerSecurityGroup` → `load-balancer-security-group`; `Cell-a` → `cell-a`; `WeightedRecordAAAA` → `weighted-record-aaaa`. */
export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** Pulumi child name: `${parent}-${kebab(id)}`. */
export function childName(parent: string, id: string): string {
  return `${parent}-${kebab(id)}`;
}
