/**
 * The instances of one cell: role, launch template (never a launch configuration), Auto Scaling
 * group with ELB health checks, and the termination lifecycle hook that gives sockets time to
 * drain (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html).
 */
import { Aws, Fn } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { BackplaneLocation } from '../../core/backplane';
import { EMF_LOG_GROUP, userDataLines } from '../../core/host-tuning';
import { BACKPLANE_CELL_IDS, CELL_IDS } from '../../core/ids';
import type { ResolvedCell, ResolvedTier } from '../../core/resolved';
import { grantServerSecrets } from './server-secrets';
import { renderRelease } from './release';
import { seconds } from './util';

/** Inputs of the fleet renderer. */
export interface FleetInputs {
  readonly tier: ResolvedTier;
  readonly cell: ResolvedCell;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly machineImage: ec2.IMachineImage;
  readonly serverBundle?: s3assets.Asset;
  /** The tier's backplane, when it has one: user data reads its token at boot; the role may read that one secret. */
  readonly backplane?: BackplaneLocation;
}

/** What the fleet renderer returns. */
export interface RenderedFleet {
  readonly role: iam.Role;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly terminationHook: autoscaling.LifecycleHook;
}

/**
 * The instance role. Permissions:
 * - CloudWatch Logs create/put on the agent's EMF log group only (the connection gauge the scaling
 *   policy tracks is extracted from those records);
 * - `AmazonSSMManagedInstanceCore`: operator shell access through Session Manager, because the
 *   instances have no SSH port and no key pair;
 * - `s3:GetObject` on the server bundle's object (when given) and the lifecycle actions on the
 *   group's own ARN are added by `renderFleet`.
 */
function renderRole(scope: Construct, cell: ResolvedCell): iam.Role {
  const logGroupArn = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${EMF_LOG_GROUP}`;
  return new iam.Role(scope, CELL_IDS.instanceRole, {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `websocket-tier cell ${cell.name}: WebSocket server instances`,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    inlinePolicies: {
      ConnectionGauge: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'EmbeddedMetricFormatLogs',
            actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
          }),
        ],
      }),
    },
  });
}

/** Launch template, Auto Scaling group and termination hook of a cell. */
export function renderFleet(scope: Construct, inputs: FleetInputs): RenderedFleet {
  const { tier, cell } = inputs;
  const a = cell.autoScaling;
  const role = renderRole(scope, cell);
  // `aws s3 cp` of the bundle needs s3:GetObject on its one object only (no bucket-level read,
  // no List: the same statement Pulumi writes).
  if (inputs.serverBundle) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadServerBundle',
        actions: ['s3:GetObject'],
        resources: [inputs.serverBundle.bucket.arnForObjects(inputs.serverBundle.s3ObjectKey)],
      }),
    );
  }

  const userData = ec2.UserData.forLinux();
  const hostLines = userDataLines(
    tier,
    cell,
    inputs.serverBundle ? { s3Uri: inputs.serverBundle.s3ObjectUrl } : undefined,
    inputs.backplane,
  );
  if (inputs.backplane) {
    // Read on the backplane's AUTH token secret only: user data fetches it at boot.
    new iam.Policy(scope, BACKPLANE_CELL_IDS.authTokenReadPolicy, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'BackplaneAuthToken',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [inputs.backplane.authTokenSecretArn],
        }),
      ],
    });
  }

  // Read on exactly the tier's server.secrets: user data fetches them at boot.
  grantServerSecrets(scope, role, tier);

  const launchTemplate = new ec2.LaunchTemplate(scope, CELL_IDS.launchTemplate, {
    machineImage: inputs.machineImage,
    instanceType: new ec2.InstanceType(a.instanceType),
    role,
    securityGroup: inputs.securityGroup,
    userData,
    requireImdsv2: a.requireImdsv2,
    instanceMetadataTags: a.instanceMetadataTags,
    blockDevices: [
      {
        deviceName: '/dev/xvda', // Amazon Linux 2023 root device
        volume: ec2.BlockDeviceVolume.ebs(a.rootVolumeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      },
    ],
  });

  const autoScalingGroup = new autoscaling.AutoScalingGroup(scope, CELL_IDS.autoScalingGroup, {
    vpc: inputs.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    launchTemplate,
    minCapacity: a.minCapacity,
    maxCapacity: a.maxCapacity,
    desiredCapacity: a.desiredCapacity,
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod: seconds(a.healthCheckGracePeriodSeconds),
    }),
    defaultInstanceWarmup: seconds(a.defaultInstanceWarmupSeconds),
    minHealthyPercentage: a.minHealthyPercentage,
    maxHealthyPercentage: a.maxHealthyPercentage,
    groupMetrics: [new autoscaling.GroupMetrics(...a.groupMetrics.map((name) => new autoscaling.GroupMetric(name)))],
  });

  // Signal-gated rolling update; the user data is written there, around the host lines (./release.ts).
  renderRelease(cell, autoScalingGroup, userData, hostLines);

  const hook = a.lifecycleHook;
  const terminationHook = new autoscaling.LifecycleHook(scope, CELL_IDS.terminationHook, {
    autoScalingGroup,
    lifecycleHookName: hook.lifecycleHookName, // explicit: the draining server completes it by name
    lifecycleTransition: hook.lifecycleTransition as autoscaling.LifecycleTransition,
    heartbeatTimeout: seconds(hook.heartbeatTimeoutSeconds),
    defaultResult: hook.defaultResult as autoscaling.DefaultResult, // explicit: the API default is ABANDON
  });

  // The draining server completes (or extends) its own termination hook, on this group only: the
  // group's full ARN (CloudFormation `Fn::GetAtt AutoScalingGroupARN`, UUID included), no wildcard.
  // (Fn.getAtt rather than `attrAutoScalingGroupArn`, which aws-cdk-lib 2.182.0, the peer floor, lacks.)
  const groupArn = Fn.getAtt(
    (autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).logicalId,
    'AutoScalingGroupARN',
  ).toString();
  new iam.Policy(scope, CELL_IDS.lifecycleActionPolicy, {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        sid: 'DrainThroughTerminationHook',
        actions: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
        resources: [groupArn],
      }),
    ],
  });
  return { role, launchTemplate, autoScalingGroup, terminationHook };
}
