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

/**
 * Children of an ECS cell (`backend.type` `fargate`), beside the load balancer, listener, target
 * group, security groups, scaling policy id (`CELL_IDS.scalingPolicy`) and DNS of `CELL_IDS`. EC2
 * cells have none of them. Same rule as CELL_IDS: ids are API.
 */
export const ECS_CELL_IDS = {
  taskDefinition: 'TaskDefinition',
  /** The task's one container (construct id; the container *name* is `backend.container.name`). */
  container: 'Server',
  /** CDK only: the image asset of `image.directory`. */
  imageAsset: 'Image',
  taskRole: 'TaskRole',
  executionRole: 'TaskExecutionRole',
  logGroup: 'TaskLogGroup',
  service: 'Service',
  scalableTarget: 'ServiceScalableTarget',
} as const;

/** Tier-level ECS children: one cluster for every ECS cell, created only when some cell runs on ECS. */
export const ECS_TIER_IDS = {
  cluster: 'Cluster',
} as const;

/** Pulumi-only ECS cell children (CDK writes them inside the role and task definition constructs). */
export const PULUMI_ECS_CELL_IDS = {
  executionRolePolicy: 'TaskExecutionRolePolicy',
  taskRolePolicy: 'TaskRolePolicy',
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

/**
 * Pulumi-only children: resources CDK creates implicitly inside another construct (the instance
 * profile of a launch template, the certificate's validation records inside `AWS::CertificateManager::Certificate`,
 * the bootstrap bucket behind an S3 asset), which a Pulumi program must declare itself.
 * Same rule as CELL_IDS: ids are API.
 */
export const PULUMI_CELL_IDS = {
  instanceProfile: 'InstanceProfile',
  /** Prefix of the load balancer's egress rules to the instances, one per instance port (`…-8080`). */
  loadBalancerEgress: 'LoadBalancerEgress',
} as const;

/** Pulumi-only children of a tier (see PULUMI_CELL_IDS). */
export const PULUMI_TIER_IDS = {
  certificateValidationRecord: 'CertificateValidationRecord',
  certificateValidation: 'CertificateValidation',
  serverBundleEncryption: 'ServerBundleEncryption',
  serverBundlePublicAccessBlock: 'ServerBundlePublicAccessBlock',
  serverBundlePolicy: 'ServerBundlePolicy',
  serverBundleObject: 'ServerBundleObject',
} as const;

/**
 * Children of the VPC a Pulumi tier creates when none is given, named under `TIER_IDS.vpc`.
 * Subnets, NAT gateways and their routes are numbered by availability-zone slot (1-based), like
 * CDK's `PublicSubnet1`: the slot count is fixed, never taken from config order.
 */
export const VPC_IDS = {
  internetGateway: 'InternetGateway',
  publicRouteTable: 'PublicRouteTable',
  publicDefaultRoute: 'PublicDefaultRoute',
  publicDefaultRouteIpv6: 'PublicDefaultRouteIpv6',
  publicSubnet: (slot: number) => `PublicSubnet${slot}`,
  publicSubnetRouteTableAssociation: (slot: number) => `PublicSubnet${slot}RouteTableAssociation`,
  natEip: (slot: number) => `NatEip${slot}`,
  natGateway: (slot: number) => `NatGateway${slot}`,
  privateSubnet: (slot: number) => `PrivateSubnet${slot}`,
  privateRouteTable: (slot: number) => `PrivateSubnet${slot}RouteTable`,
  privateDefaultRoute: (slot: number) => `PrivateSubnet${slot}DefaultRoute`,
  privateSubnetRouteTableAssociation: (slot: number) => `PrivateSubnet${slot}RouteTableAssociation`,
} as const;

/**
 * Children the operations layer adds (lib/core/operations.ts). Same rule as CELL_IDS: ids are API.
 * Alarms of a cell are `Alarm` + the alarm key with its first letter upper-cased
 * (`AlarmRejectedConnections`), see {@link alarmId}.
 */
export const OPERATIONS_CELL_IDS = {
  webAclAssociation: 'WebAclAssociation',
} as const;

/** Tier-level children of the operations layer. */
export const OPERATIONS_TIER_IDS = {
  dashboard: 'Dashboard',
  logBucket: 'LogBucket',
  webAcl: 'WebAcl',
  /** CDK only: the imported topic of `operations.alarmTopicArn` (no resource). */
  alarmTopic: 'AlarmTopic',
  /**
   * CDK only, one per stack (suffixed with the region without dashes, e.g. `Route53MetricsRegionuseast1`):
   * the condition under which alarms on us-east-1-only metrics are created in an env-agnostic stack.
   */
  route53MetricsRegionCondition: 'Route53MetricsRegion',
} as const;

/** Pulumi-only operations children (CDK creates them inside the bucket construct). */
export const PULUMI_OPERATIONS_TIER_IDS = {
  logBucketEncryption: 'LogBucketEncryption',
  logBucketPublicAccessBlock: 'LogBucketPublicAccessBlock',
  logBucketOwnership: 'LogBucketOwnership',
  logBucketLifecycle: 'LogBucketLifecycle',
  logBucketPolicy: 'LogBucketPolicy',
} as const;

/** Construct id / Pulumi name suffix of a cell's alarm: `rejectedConnections` → `AlarmRejectedConnections`. */
export function alarmId(key: string): string {
  return `Alarm${key.charAt(0).toUpperCase()}${key.slice(1)}`;
}

/**
 * Children of the flow log of the VPC a tier creates (`operations.vpcFlowLogs`), named under
 * `TIER_IDS.vpc`: in CDK `Tier/Vpc/FlowLog` and `Tier/Vpc/FlowLogGroup` (CDK adds the role inside
 * the flow log construct), in Pulumi `<tier>-vpc-flow-log`, `…-flow-log-group`, `…-flow-log-role`
 * and `…-flow-log-role-policy`. Same rule as CELL_IDS: ids are API.
 */
export const VPC_FLOW_LOG_IDS = {
  flowLog: 'FlowLog',
  logGroup: 'FlowLogGroup',
  /** Pulumi only (CDK creates it inside the flow log). */
  role: 'FlowLogRole',
  /** Pulumi only. */
  rolePolicy: 'FlowLogRolePolicy',
} as const;

/**
 * Children of the tier's backplane (`backplane`, lib/core/backplane.ts), named under
 * `BACKPLANE_IDS.backplane`: in CDK `Tier/Backplane/ReplicationGroup`, in Pulumi
 * `<tier>-backplane-replication-group`. Same rule as CELL_IDS: ids are API.
 */
export const BACKPLANE_IDS = {
  backplane: 'Backplane',
  securityGroup: 'SecurityGroup',
  subnetGroup: 'SubnetGroup',
  replicationGroup: 'ReplicationGroup',
  /** The Secrets Manager secret holding the generated AUTH token. */
  authToken: 'AuthToken',
  /** Ingress on the backplane port from one cell's instance security group: `IngressFrom-<cell>`. */
  ingressFrom: (cellName: string) => `IngressFrom-${cellName}`,
} as const;

/** Pulumi-only backplane children (CDK generates the secret's value inside `AWS::SecretsManager::Secret`). */
export const PULUMI_BACKPLANE_IDS = {
  authTokenVersion: 'AuthTokenVersion',
} as const;

/** Children a backplane adds to each cell: the instance role's read on the AUTH token secret. */
export const BACKPLANE_CELL_IDS = {
  authTokenReadPolicy: 'BackplaneAuthTokenRead',
} as const;

/** Children of a cell whose tier has `server.secrets` (same rule: ids are API). */
export const SERVER_SECRETS_CELL_IDS = {
  readPolicy: 'ServerSecretsRead',
} as const;

/** Pulumi-only release children of a cell (lib/pulumi/private/release-gate.ts). */
export const PULUMI_RELEASE_IDS = {
  /** The dynamic resource that waits for the cell's instance refresh before the next cell is released. */
  releaseGate: 'ReleaseGate',
} as const;
