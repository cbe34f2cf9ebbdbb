/**
 * The instances of one cell: role and instance profile, launch template (never a launch configuration; IMDSv2
 * required), Auto Scaling group with ELB health checks and group metrics, the termination lifecycle hook under which
 * sockets drain, and the lifecycle-action permission scoped to this group (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html). Same settings as lib/cdk/private/fleet.ts.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { EMF_LOG_GROUP, userDataLines } from '../../core/host-tuning';
import { BACKPLANE_CELL_IDS, CELL_IDS, PULUMI_CELL_IDS } from '../../core/ids';
import type { ResolvedCell, ResolvedTier } from '../../core/resolved';
import { grantServerSecrets } from './server-secrets';
import { type ReleasedGroup, renderReleasedGroup } from './release';
import { bashUserDataBase64, create, policyJson, type Scope } from './util';

/** The server bundle the instances download (see WebSocketTier `serverBundleFile`). */
export interface ServerBundleRef {
  /** `s3://bucket/key` of the bundle. */
  readonly s3Uri: pulumi.Input<string>;
  /** ARN of the bundle object (the role may read exactly this object). */
  readonly objectArn: pulumi.Input<string>;
}

/** Inputs of the fleet renderer. */
export interface FleetInputs {
  readonly tier: ResolvedTier;
  readonly cell: ResolvedCell;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  readonly imageId: pulumi.Input<string>;
  readonly targetGroupArn: pulumi.Input<string>;
  readonly serverBundle?: ServerBundleRef;
  /** The tier's backplane, when it has one: user data reads its token at boot; the role may read that one secret. */
  readonly backplane?: BackplaneRef;
  /** Release order: the previous cell's release gate; this group is updated only after it (./release-gate.ts). */
  readonly releaseAfter?: pulumi.Resource;
}

/** Where the tier's backplane is (see `WebSocketBackplane.ref`). */
export interface BackplaneRef {
  /** Primary endpoint address of the replication group. */
  readonly endpointAddress: pulumi.Input<string>;
  /** ARN of the AUTH token secret. */
  readonly authTokenSecretArn: pulumi.Input<string>;
}

/** What the fleet renderer returns. */
export interface RenderedFleet extends ReleasedGroup {
  readonly role: aws.iam.Role;
  readonly instanceProfile: aws.iam.InstanceProfile;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly terminationHook: aws.autoscaling.LifecycleHook;
  readonly lifecycleActionPolicy: aws.iam.RolePolicy;
  /** With a backplane: read on its AUTH token secret. */
  readonly backplaneAuthTokenReadPolicy?: aws.iam.RolePolicy;
}

/**
 * The instance role. Permissions: CloudWatch Logs on the agent's EMF log group only (the connection gauge is extracted
 * from those records); `AmazonSSMManagedInstanceCore` for Session Manager (no SSH port, no key pair); read on the bundle.
 */
function renderRole(scope: Scope, cell: ResolvedCell, bundle: ServerBundleRef | undefined): aws.iam.Role {
  const opts = { parent: scope.parent };
  const partition = aws.getPartitionOutput({}, opts).partition;
  const region = aws.getRegionOutput({}, opts).region;
  const account = aws.getCallerIdentityOutput({}, opts).accountId;
  const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${EMF_LOG_GROUP}`;
  const inlinePolicies: pulumi.Input<aws.types.input.iam.RoleInlinePolicy>[] = [
    {
      name: 'ConnectionGauge',
      policy: pulumi.all([logGroupArn]).apply(([arn]) =>
        policyJson([
          {
            Sid: 'EmbeddedMetricFormatLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [arn, `${arn}:log-stream:*`],
          },
        ]),
      ),
    },
  ];
  if (bundle) {
    inlinePolicies.push({
      name: 'ServerBundleRead',
      policy: pulumi
        .output(bundle.objectArn)
        .apply((arn) => policyJson([{ Sid: 'ReadServerBundle', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn] }])),
    });
  }
  return create(aws.iam.Role, scope, CELL_IDS.instanceRole, {
    description: `websocket-tier cell ${cell.name}: WebSocket server instances`,
    assumeRolePolicy: policyJson([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    managedPolicyArns: [pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`],
    inlinePolicies,
  });
}

/** User data as base64: core's script, with the bundle's S3 URI and the backplane's endpoint and secret filled in once known. */
function userData(
  tier: ResolvedTier,
  cell: ResolvedCell,
  bundle: ServerBundleRef | undefined,
  backplane: BackplaneRef | undefined,
): pulumi.Input<string> {
  if (!bundle && !backplane) return bashUserDataBase64(userDataLines(tier, cell));
  return pulumi
    .all([bundle?.s3Uri, backplane?.endpointAddress, backplane?.authTokenSecretArn])
    .apply(([s3Uri, endpointAddress, authTokenSecretArn]) =>
      bashUserDataBase64(
        userDataLines(
          tier,
          cell,
          s3Uri !== undefined ? { s3Uri } : undefined,
          endpointAddress !== undefined && authTokenSecretArn !== undefined ? { endpointAddress, authTokenSecretArn } : undefined,
        ),
      ),
    );
}

/** Role, launch template, Auto Scaling group, termination hook and lifecycle-action policy of a cell. */
export function renderFleet(scope: Scope, inputs: FleetInputs): RenderedFleet {
  const { tier, cell } = inputs;
  const a = cell.autoScaling;
  const role = renderRole(scope, cell, inputs.serverBundle);
  grantServerSecrets(scope, role, tier); // read on exactly the tier's server.secrets, fetched at boot
  const instanceProfile = create(aws.iam.InstanceProfile, scope, PULUMI_CELL_IDS.instanceProfile, { role: role.name });

  const launchTemplate = create(aws.ec2.LaunchTemplate, scope, CELL_IDS.launchTemplate, {
    imageId: inputs.imageId,
    instanceType: a.instanceType,
    iamInstanceProfile: { arn: instanceProfile.arn },
    vpcSecurityGroupIds: [inputs.securityGroupId],
    userData: userData(tier, cell, inputs.serverBundle, inputs.backplane),
    metadataOptions: {
      httpEndpoint: 'enabled',
      httpTokens: a.requireImdsv2 ? 'required' : 'optional',
      instanceMetadataTags: a.instanceMetadataTags ? 'enabled' : 'disabled',
    },
    blockDeviceMappings: [
      {
        deviceName: '/dev/xvda', // Amazon Linux 2023 root device
        ebs: { volumeSize: a.rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      },
    ],
  });
  const released = renderReleasedGroup(scope, cell.release, inputs.releaseAfter, {
    launchTemplate: { id: launchTemplate.id, version: pulumi.output(launchTemplate.latestVersion).apply(String) },
    vpcZoneIdentifiers: inputs.privateSubnetIds,
    minSize: a.minCapacity,
    maxSize: a.maxCapacity,
    desiredCapacity: a.desiredCapacity,
    healthCheckType: 'ELB',
    healthCheckGracePeriod: a.healthCheckGracePeriodSeconds,
    defaultInstanceWarmup: a.defaultInstanceWarmupSeconds,
    instanceMaintenancePolicy: { minHealthyPercentage: a.minHealthyPercentage, maxHealthyPercentage: a.maxHealthyPercentage },
    enabledMetrics: a.groupMetrics as aws.types.enums.autoscaling.Metric[],
    metricsGranularity: '1Minute',
    targetGroupArns: [inputs.targetGroupArn],
  });
  const hook = a.lifecycleHook;
  const terminationHook = create(aws.autoscaling.LifecycleHook, scope, CELL_IDS.terminationHook, {
    autoscalingGroupName: released.autoScalingGroup.name,
    name: hook.lifecycleHookName, // explicit: the draining server completes it by name
    lifecycleTransition: hook.lifecycleTransition,
    heartbeatTimeout: hook.heartbeatTimeoutSeconds,
    defaultResult: hook.defaultResult, // explicit: the API default is ABANDON
  });

  // The draining server completes (or extends) its own termination hook, on this group only.
  const lifecycleActionPolicy = create(aws.iam.RolePolicy, scope, CELL_IDS.lifecycleActionPolicy, {
    role: role.id,
    policy: released.autoScalingGroup.arn.apply((groupArn) =>
      policyJson([
        {
          Sid: 'DrainThroughTerminationHook',
          Effect: 'Allow',
          Action: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
          Resource: [groupArn],
        },
      ]),
    ),
  });
  // Read on the backplane's AUTH token secret only: user data fetches it at boot.
  const backplaneAuthTokenReadPolicy = inputs.backplane
    ? create(aws.iam.RolePolicy, scope, BACKPLANE_CELL_IDS.authTokenReadPolicy, {
        role: role.id,
        policy: pulumi.output(inputs.backplane.authTokenSecretArn).apply((arn) =>
          policyJson([
            {
              Sid: 'BackplaneAuthToken',
              Effect: 'Allow',
              Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
              Resource: [arn],
            },
          ]),
        ),
      })
    : undefined;
  return { role, instanceProfile, launchTemplate, ...released, terminationHook, lifecycleActionPolicy, backplaneAuthTokenReadPolicy };
}
