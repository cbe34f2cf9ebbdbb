/**
 * The cell backend a user writes (`CellConfig.backend`): today's EC2 Auto Scaling group (the
 * default, `{ type: 'ec2' }` or no `backend` at all) or an ECS service on AWS Fargate or on EC2
 * capacity (`ecs-ec2`). Plain data,
 * validated by `lib/core/ecs/validate.ts` and resolved by `lib/core/ecs/resolve.ts`; the renderers
 * read only the resolved `ResolvedCell.backend`.
 *
 * How ECS stops a task behind a load balancer, which every timer below follows
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/load-balancer-connection-draining.html):
 * 1. the task's desired status becomes STOPPED and ECS deregisters it from the target group; the
 *    load balancer keeps existing connections for the deregistration delay (the server's paced
 *    drain runs here: drain window + grace must fit the delay);
 * 2. when the target is drained (UNUSED), ECS sends the container's stop signal (SIGTERM);
 * 3. after the container's `stopTimeout` ECS sends SIGKILL (Fargate: at most 120 s, default 30 s;
 *    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).
 * The server therefore learns of the stop from the task metadata endpoint v4 (desired status
 * STOPPED), not from SIGTERM, which only arrives once the load balancer has let go.
 */

/** Where the container image comes from. */
export type ContainerImageConfig =
  | {
      /**
       * A directory with a `Dockerfile`, built and pushed by the deploy (CDK: `ContainerImage.fromAsset`,
       * an ECR asset built by `cdk deploy`, never at synth). The Pulumi renderer cannot build images
       * (it has no Docker provider): there use `uri` (error `ecs-image-directory-unsupported`).
       */
      readonly directory: string;
      readonly uri?: undefined;
    }
  | {
      /** An image reference the task pulls, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/chat:1.4.2` or `public.ecr.aws/nginx/nginx:1.27`. */
      readonly uri: string;
      readonly directory?: undefined;
    };

/** The default backend: the cell's instances in an EC2 Auto Scaling group (user data, systemd, lifecycle hook). */
export interface Ec2CellBackendConfig {
  readonly type: 'ec2';
}

/** A container health check (ECS `HealthCheck`; https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html). */
export interface ContainerHealthCheckConfig {
  /**
   * `CMD` / `CMD-SHELL` form, e.g. `['CMD-SHELL', 'wget -qO- http://127.0.0.1:8080/livez || exit 1']`.
   * It must keep succeeding while the server drains: the tier's health path answers 503 then, and
   * an unhealthy essential container is stopped by ECS mid-drain. So never the health path.
   */
  readonly command: readonly string[];
  /** `startPeriod`, 0–300 s. @default 0 */
  readonly startPeriodSeconds?: number;
}

/** A cell whose servers are ECS tasks on AWS Fargate (network mode `awsvpc`, `ip` target group). */
export interface FargateCellBackendConfig {
  readonly type: 'fargate';
  /** The server image. */
  readonly image: ContainerImageConfig;
  /**
   * Task CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384, each with its own
   * memory range (error `fargate-cpu-memory-invalid`).
   * Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
   * @default 1024
   */
  readonly cpu?: number;
  /** Task memory, MiB; must be valid for `cpu` (see there). @default 2048 */
  readonly memoryMiB?: number;
  /** `runtimePlatform.cpuArchitecture` of the image. @default 'x86_64' */
  readonly architecture?: 'x86_64' | 'arm64';
  /**
   * Container `stopTimeout`: seconds between SIGTERM and SIGKILL, 2–120 on Fargate. By then the
   * drain is over (it ran during the deregistration delay), so this only has to cover the grace
   * (`connection.drainGraceSeconds`): closing what is left and exiting (error `ecs-stop-timeout-below-grace`).
   * @default 120 (the Fargate maximum; a server that exits sooner ends the task sooner)
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Retention of the container log group (`awslogs` driver), days: a CloudWatch Logs retention
   * value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
   * 2922, 3288, 3653). The connection gauge is read from these records (embedded metric format).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /** ECS Exec (`enableExecuteCommand`): shell access through Session Manager; adds `ssmmessages` to the task role. @default false */
  readonly enableExecuteCommand?: boolean;
  /** A container health check (off by default: the target group's health check already replaces failing tasks). @default - none */
  readonly containerHealthCheck?: ContainerHealthCheckConfig;
}

/**
 * A cell whose servers are ECS tasks on the cell's own EC2 instances: an ECS capacity provider over
 * an Auto Scaling group of ECS-optimized Amazon Linux 2023 instances of the cell's `instanceType`,
 * with managed scaling and managed termination protection (an instance with tasks is never scaled
 * in). Network mode `awsvpc` (`ip` target group), as on Fargate. Rules: lib/core/ecs/ec2-capacity.ts.
 */
export interface EcsEc2CellBackendConfig {
  readonly type: 'ecs-ec2';
  /** The server image (the instance type's CPU architecture). */
  readonly image: ContainerImageConfig;
  /**
   * Task CPU units (1024 = 1 vCPU), 128–196608 on EC2
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html).
   * `tasksPerInstance` tasks must fit the instance's vCPUs (error `ecs-ec2-task-does-not-fit`).
   * @default 1024
   */
  readonly cpuUnits?: number;
  /** Task memory (hard limit), MiB, at least 128; `tasksPerInstance` tasks must fit the instance's memory less the host's reserve. @default 2048 */
  readonly memoryMiB?: number;
  /**
   * Tasks one instance holds: sizes the Auto Scaling group (`ceil(tasks / tasksPerInstance)`
   * instances, twice that at the top for a 200 % deployment). Each awsvpc task takes one ENI: without
   * ENI trunking at most the instance's network interfaces minus the primary one
   * (error `ecs-ec2-eni-density-exceeded`; https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html).
   * @default 1
   */
  readonly tasksPerInstance?: number;
  /**
   * The account has the ECS `awsvpcTrunking` account setting on (this library does not change
   * account settings): the ENI density check then allows the trunked limit instead.
   * @default false
   */
  readonly awsvpcTrunking?: boolean;
  /**
   * Container `stopTimeout`, seconds from SIGTERM to SIGKILL, at least 2. On EC2 the 120 s Fargate
   * cap does not apply (unset, the agent's `ECS_CONTAINER_STOP_TIMEOUT`, 30 s by default, would be
   * used; https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).
   * Must cover `connection.drainGraceSeconds` (error `ecs-stop-timeout-below-grace`).
   * @default 120
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * ECS managed scaling target capacity, percent of the instances' capacity tasks may use (100: no
   * idle instances; lower: spare instances ready for a burst). 1–100.
   * Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
   * @default 100
   */
  readonly targetCapacityPercent?: number;
  /** As on Fargate. @default 30 */
  readonly logRetentionDays?: number;
  /** As on Fargate. @default false */
  readonly enableExecuteCommand?: boolean;
  /** As on Fargate. @default - none */
  readonly containerHealthCheck?: ContainerHealthCheckConfig;
}

/** Where a cell's servers run. */
export type CellBackendConfig = Ec2CellBackendConfig | FargateCellBackendConfig | EcsEc2CellBackendConfig;

/** The backend types (`CellBackendConfig['type']`). */
export type CellBackendType = CellBackendConfig['type'];
