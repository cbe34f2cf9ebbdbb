/**
 * The resolved shape of an ECS cell backend (`ResolvedCell.backend`): every default applied, every
 * value a renderer writes. Renderers hold no ECS defaults and branch only on `backend.type`.
 * Facts and sources: lib/core/ecs/facts.ts.
 */

/** Late-bound values an ECS scaling query's dimensions name. */
export type EcsDimensionSource = 'loadBalancerFullName' | 'clusterName' | 'serviceName';

/** One metric-math query of the service's target-tracking policy (Application Auto Scaling `TargetTrackingMetricDataQuery`). */
export interface ResolvedEcsMetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly metricStat?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: readonly { readonly name: string; readonly valueOf: EcsDimensionSource }[];
    readonly stat: string;
  };
  readonly label?: string;
  readonly returnData: boolean;
}

/** Service auto scaling: target tracking on connections per running task, never CPU or request count. */
export interface ResolvedEcsScaling {
  /** `PolicyName` (required by Application Auto Scaling; unique per scalable target, so a constant is safe). */
  readonly policyName: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Concurrent WebSocket connections per task. */
  readonly targetValue: number;
  /** Seconds between scale-ins: the drain window plus grace, so the next scale-in waits until the last one's tasks have drained. */
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
  /** `lb / 2 / tasks` (ALB: ActiveConnectionCount counts both legs) or `lb / tasks` (NLB ActiveFlowCount); exactly one query returns data. */
  readonly metrics: readonly ResolvedEcsMetricQuery[];
}

/** The image of the task's one container. */
export type ResolvedContainerImage =
  | { readonly kind: 'directory'; readonly directory: string; readonly uri?: undefined }
  | {
      readonly kind: 'uri';
      readonly uri: string;
      readonly directory?: undefined;
      /** A private ECR repository URI: the repository the execution role may pull from (plus `ecr:GetAuthorizationToken`). */
      readonly ecrRepositoryArn?: string;
    };

/** An ECS cell on AWS Fargate. */
export interface ResolvedFargateBackend {
  readonly type: 'fargate';
  readonly launchType: 'FARGATE';
  /** Required by Fargate; tasks register in the target group by IP (`targetGroup.targetType` is `ip`). */
  readonly networkMode: 'awsvpc';
  /** `LATEST` (1.4.0 or later: `systemControls`, 8 and 16 vCPU sizes). */
  readonly platformVersion: 'LATEST';
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly runtimePlatform: { readonly cpuArchitecture: 'X86_64' | 'ARM64'; readonly operatingSystemFamily: 'LINUX' };
  readonly container: {
    readonly name: string;
    readonly image: ResolvedContainerImage;
    readonly essential: true;
    /** The application port, then the health port when it differs (TCP). */
    readonly portMappings: readonly { readonly containerPort: number; readonly protocol: 'tcp' }[];
    /** Seconds from SIGTERM to SIGKILL. */
    readonly stopTimeoutSeconds: number;
    /** `nofile` from `host.fileDescriptorLimit` (soft = hard). */
    readonly ulimits: readonly { readonly name: 'nofile'; readonly softLimit: number; readonly hardLimit: number }[];
    /** Network-namespace sysctls from the host tuning (`net.core.somaxconn`, `net.ipv4.tcp_max_syn_backlog`, the local port range when set). */
    readonly systemControls: readonly { readonly namespace: string; readonly value: string }[];
    readonly healthCheck?: {
      readonly command: readonly string[];
      readonly intervalSeconds: number;
      readonly timeoutSeconds: number;
      readonly retries: number;
      readonly startPeriodSeconds: number;
    };
    /** `awslogs` into a log group of this retention; stream prefix = the cell name. */
    readonly logs: { readonly driver: 'awslogs'; readonly retentionDays: number; readonly streamPrefix: string };
  };
  readonly service: {
    /** Set only when `scaling.desiredCapacity` is: deploys then never reset what scaling chose. */
    readonly desiredCount?: number;
    readonly minimumHealthyPercent: number;
    readonly maximumPercent: number;
    readonly circuitBreaker: { readonly enable: true; readonly rollback: true };
    readonly availabilityZoneRebalancing: 'ENABLED';
    /** Seconds the service ignores failing load-balancer health checks of a new task. */
    readonly healthCheckGracePeriodSeconds: number;
    readonly enableExecuteCommand: boolean;
    readonly assignPublicIp: false;
    readonly propagateTags: 'SERVICE';
    readonly enableEcsManagedTags: true;
  };
  readonly scaling: ResolvedEcsScaling;
}

/** The container of an ECS cell's task (the same on Fargate and EC2 capacity). */
export type ResolvedEcsContainer = ResolvedFargateBackend['container'];
/** The service of an ECS cell (the same on Fargate and EC2 capacity; EC2 ignores `assignPublicIp`, an awsvpc task on EC2 has no public IP). */
export type ResolvedEcsService = ResolvedFargateBackend['service'];

/**
 * The EC2 capacity of an `ecs-ec2` cell: an Auto Scaling group of ECS-optimized instances as the
 * cluster's capacity provider for this cell's service. Sources: lib/core/ecs/facts.ts (`ECS_EC2_SOURCES`).
 */
export interface ResolvedEcsEc2Capacity {
  readonly instanceType: string;
  readonly architecture: 'arm64' | 'x86_64';
  /** SSM public parameter of the ECS-optimized Amazon Linux 2023 AMI for the architecture. */
  readonly machineImageParameter: string;
  readonly tasksPerInstance: number;
  /** `ceil(minCapacity tasks / tasksPerInstance)`. */
  readonly minInstances: number;
  /** `ceil(maxCapacity tasks × maximumPercent / 100 / tasksPerInstance)`: room for a 200 % deployment at the top. */
  readonly maxInstances: number;
  /** The ECS `awsvpcTrunking` account setting is declared on (not changed by the library). */
  readonly awsvpcTrunking: boolean;
  /** The instance's task ENI limit the tasks were checked against (undefined: instance type not in the table). */
  readonly taskEniLimit?: number;
  readonly managedScaling: {
    readonly status: 'ENABLED';
    readonly targetCapacityPercent: number;
    readonly minimumScalingStepSize: number;
    readonly maximumScalingStepSize: number;
    /** Seconds ECS waits for a new instance before counting it (the instance warm-up). */
    readonly instanceWarmupPeriodSeconds: number;
  };
  /** Scale-in waits for the instance's tasks (needs managed scaling and scale-in protection on new instances). */
  readonly managedTerminationProtection: 'ENABLED';
  /** ECS drains an instance's tasks (DRAINING) before the group terminates it. */
  readonly managedDraining: 'ENABLED';
  readonly newInstancesProtectedFromScaleIn: true;
  /** `ecs.config` lines beyond `ECS_CLUSTER` (`[name, value]`). */
  readonly agentConfig: readonly (readonly [name: string, value: string])[];
  readonly requireImdsv2: true;
  readonly rootVolumeGiB: number;
}

/** An ECS cell on the cell's own EC2 capacity (launch type EC2 through a capacity provider, network mode `awsvpc`). */
export interface ResolvedEcsEc2Backend {
  readonly type: 'ecs-ec2';
  /** Services name the capacity provider in their strategy instead of a launch type; the task definition requires `EC2`. */
  readonly launchType: 'EC2';
  /** Tasks register in the target group by IP (`targetGroup.targetType` is `ip`). */
  readonly networkMode: 'awsvpc';
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory (hard limit), MiB. */
  readonly memoryMiB: number;
  readonly runtimePlatform: ResolvedFargateBackend['runtimePlatform'];
  readonly container: ResolvedEcsContainer;
  readonly service: ResolvedEcsService;
  readonly scaling: ResolvedEcsScaling;
  readonly capacity: ResolvedEcsEc2Capacity;
}

/** The backend of an ECS cell (EC2 cells have none: `ResolvedCell.backend` is undefined). */
export type ResolvedCellBackend = ResolvedFargateBackend | ResolvedEcsEc2Backend;
