/**
 * The plain-data description of a WebSocket tier. Every renderer (CDK, Pulumi), the runtime
 * companion and the local twin read this same shape, so a timer cannot disagree between the load
 * balancer, the scaling policy, the drain and the twin.
 *
 * Conventions: numbers are plain numbers with the unit in the name (`…Seconds`, `…MiB`);
 * enum-like AWS values are the AWS literal strings. Every optional field documents its default;
 * `resolveTier()` applies them and `validateTier()` reports every problem at once.
 *
 * Sources for ranges and defaults: `lib/core/limits.ts` (each with its AWS doc URL).
 */
import type { AllocatorConfig } from './allocator/config';
import type { BackplaneConfig } from './backplane';
import type { ReleaseConfig } from './release';
import type { CellBackendConfig } from './ecs/config';
import type { TierCapacityConfig } from './capacity/config';
import type { OperationsConfig } from './operations/config';
import type { RenderedIssueCode } from './invariants/codes';
import type {
  AlbStickinessType,
  IpAddressType,
  LoadBalancerType,
  NlbListenerProtocol,
  NlbTargetProtocol,
  ScalingSignal,
} from './primitives';

// Every *Config type a user writes is reachable from here.
export type * from './primitives';
export type { BackplaneConfig, BackplaneEngine } from './backplane';
export type { AllocationMode, AllocatorConfig, AllocatorLoadSource } from './allocator/config';
export type { ReleaseConfig, ReleasePercent } from './release';
export type {
  BackplaneMode,
  CapacityConfig,
  MeasuredFramework,
  ServerFramework,
  TierCapacityConfig,
  TlsTermination,
} from './capacity/config';
export type {
  AccessLogsConfig,
  AlarmConfig,
  AlarmKey,
  AlarmsConfig,
  OperationsConfig,
  VpcFlowLogsConfig,
  WafConfig,
} from './operations/config';
export type { RenderedIssueCode } from './invariants/codes';
// ECS cell backends (lib/core/ecs/config.ts).
export type {
  CellBackendConfig,
  CellBackendType,
  ContainerHealthCheckConfig,
  ContainerImageConfig,
  Ec2CellBackendConfig,
  EcsEc2CellBackendConfig,
  FargateCellBackendConfig,
} from './ecs/config';

/** One cell: one load balancer in front of one Auto Scaling group. */
export interface CellConfig {
  /**
   * The cell's identity: a lowercase DNS label, 1–32 characters (`[a-z0-9-]`, no leading or
   * trailing hyphen), unique in the tier. It becomes the cell's construct id / Pulumi name suffix,
   * its Route 53 `SetIdentifier` and its direct name (`<name>.<domainName>`).
   * Renaming a cell replaces its load balancer: treat it as permanent.
   */
  readonly name: string;

  /**
   * Load balancer in front of this cell. ALB and NLB cells may be mixed in one tier.
   * @default 'application'
   */
  readonly loadBalancerType?: LoadBalancerType;

  /**
   * NLB cells only: listener protocol on port 443.
   * @default 'TLS'
   */
  readonly nlbListenerProtocol?: NlbListenerProtocol;

  /**
   * NLB cells with a `TLS` listener only: target-group protocol. `TLS` re-encrypts to the
   * instances, which must then serve TLS on the application port. AWS does not support
   * `source_ip` stickiness with a TLS listener plus a TLS target group.
   * @default 'TCP'
   */
  readonly nlbTargetProtocol?: NlbTargetProtocol;

  /**
   * Route 53 weight of this cell's record under the tier name: its share of new connections is
   * weight ÷ sum of weights. Integer 0–255; 0 takes the cell out of rotation for new clients
   * (existing sockets stay). Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
   * @default 100
   */
  readonly weight?: number;

  /**
   * EC2 instance type of this cell's instances, e.g. `m7g.large`. Graviton types (a `g` after the
   * generation digit) get an arm64 image, others x86_64.
   * @default - the tier's `instanceType`
   */
  readonly instanceType?: string;

  /** Per-cell overrides of the tier's scaling settings. @default - the tier's `scaling` */
  readonly scaling?: CellScalingConfig;

  /**
   * Where the cell's servers run: an EC2 Auto Scaling group (`{ type: 'ec2' }`, the default) or
   * ECS tasks on Fargate (`{ type: 'fargate', image, cpu, memoryMiB, … }`, lib/core/ecs/config.ts).
   * ALB and NLB cells support both; a tier may mix them. On ECS cells `scaling` counts tasks
   * (`targetConnectionsPerInstance` is connections per task).
   * @default { type: 'ec2' }
   */
  readonly backend?: CellBackendConfig;
  /**
   * Whether the cell takes clients (see {@link CellState}; rules in `lib/core/cell-state.ts`).
   * `draining`: Route 53 weight 0 (no new clients; existing sockets stay), scaling bounds kept so
   * scale-in drains it through the lifecycle hook; `retired`: weight 0, min/max/desired 0, no
   * alarms. At least one cell must stay `active`.
   * @default 'active'
   */
  readonly state?: CellState;
}

/**
 * A cell's place in rotation: `active` (weighted DNS sends it new clients), `draining` (weight 0,
 * instances kept until you retire it) or `retired` (weight 0, no instances).
 */
export type CellState = 'active' | 'draining' | 'retired';

/** Sizes of one cell's Auto Scaling group. */
export interface CellScalingConfig {
  /** Minimum instances, integer ≥ 0. @default 2 */
  readonly minCapacity?: number;
  /** Maximum instances, integer ≥ max(1, minCapacity). @default 10 */
  readonly maxCapacity?: number;
  /**
   * Desired instances at creation. Leave unset so deploys never reset what scaling chose.
   * @default - not set (Auto Scaling starts at minCapacity)
   */
  readonly desiredCapacity?: number;
  /**
   * Target value of the connection-based target-tracking policy: concurrent WebSocket
   * connections per in-service instance. AWS guidance: about 60–70 % of the per-host maximum you
   * measured (target tracking: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html). Integer ≥ 1.
   * @default 10000
   */
  readonly targetConnectionsPerInstance?: number;
}

/** Tier-wide scaling settings; every cell inherits them unless it overrides. */
export interface ScalingConfig extends CellScalingConfig {
  /** What target tracking follows. @default 'connection-gauge' */
  readonly signal?: ScalingSignal;
  /**
   * `DefaultInstanceWarmup` in seconds (0–3600): how long a new instance's metrics are excluded
   * from scaling. AWS "strongly recommends" setting it.
   * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
   * @default 180
   */
  readonly defaultInstanceWarmupSeconds?: number;
  /**
   * `HealthCheckGracePeriod` in seconds (0–7200) before ELB health checks can replace an
   * instance. Must cover boot plus server start; the API default 0 replaces booting instances.
   * @default 300
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Instance maintenance policy `MinHealthyPercentage` (0–100). 100 with a max above 100 means
   * launch-before-terminate: capacity never dips while connections drain.
   * @default 100
   */
  readonly minHealthyPercentage?: number;
  /**
   * Instance maintenance policy `MaxHealthyPercentage` (100–200, at most min + 100).
   * @default 150
   */
  readonly maxHealthyPercentage?: number;
}

/**
 * The timers of a long-lived connection, kept consistent by `validateTier()`.
 * The drain window is the one number the target group's deregistration delay, the termination
 * lifecycle hook and the server's paced drain all derive from.
 */
export interface ConnectionProfileConfig {
  /**
   * Interval at which servers send WebSocket pings, seconds (integer ≥ 1). Must be below every idle
   * timeout on the path (ALB idle timeout, NLB TCP idle timeout, 350 s on NLB TLS listeners): only
   * data resets an ALB's idle timer, and ping frames are data.
   * @default 25
   */
  readonly pingIntervalSeconds?: number;
  /**
   * ALB cells: `idle_timeout.timeout_seconds`, 1–4000 s. Above the ping interval.
   * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html
   * @default 120
   */
  readonly albIdleTimeoutSeconds?: number;
  /**
   * NLB cells with a `TCP` listener: `tcp.idle_timeout.seconds`, 60–6000 s. Not settable on TLS
   * listeners (fixed at 350 s by AWS); setting it while any NLB cell uses TLS is an error only if no
   * NLB cell uses TCP.
   * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html
   * @default 600
   */
  readonly nlbTcpIdleTimeoutSeconds?: number;
  /**
   * Seconds over which a draining server closes its sockets, at random offsets, so clients do not
   * all reconnect at once. Integer 0–7170. ALB cells: drain window + grace must fit the
   * deregistration delay (≤ 3600 s). NLB cells (connections kept through deregistration): drain
   * window + grace must fit the termination lifecycle hook's heartbeat timeout (≤ 7200 s).
   * @default 300
   */
  readonly drainWindowSeconds?: number;
  /**
   * Seconds added after the drain window before the load balancer or the lifecycle hook gives up
   * on the instance (integer 0–600), so the last close frames and lifecycle completion land.
   * @default 30
   */
  readonly drainGraceSeconds?: number;
  /**
   * ALB cells: target-group `deregistration_delay.timeout_seconds`, 0–3600 s. Must be at least
   * drain window + grace. Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay
   * @default - drainWindowSeconds + drainGraceSeconds
   */
  readonly albDeregistrationDelaySeconds?: number;
  /**
   * NLB cells: target-group `deregistration_delay.timeout_seconds`, 0–3600 s. Connection
   * termination at the end of the delay is off, so established sockets outlive it and drain under
   * the lifecycle hook; the delay only has to stop new flows. AWS recommends ≥ 120 s.
   * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay
   * @default 120
   */
  readonly nlbDeregistrationDelaySeconds?: number;
  /**
   * Termination lifecycle hook `HeartbeatTimeout`, 30–7200 s. Must be at least drain window +
   * grace. Source: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html
   * @default - max(30, drainWindowSeconds + drainGraceSeconds)
   */
  readonly lifecycleHookHeartbeatSeconds?: number;
  /**
   * NLB cells: `target_health_state.unhealthy.draining_interval_seconds` (0–360000) used with
   * unhealthy-target connection termination off, so one slow health check does not reset every
   * socket on the instance.
   * @default 300
   */
  readonly nlbUnhealthyDrainingIntervalSeconds?: number;
  /**
   * True when clients may use an HTTP long-polling fallback before upgrading (socket.io/engine.io
   * default transports, SignalR, SockJS). Pre-upgrade requests must then reach the same instance,
   * so stickiness is required (HTTP 400 "Session ID unknown" otherwise).
   * Source: https://socket.io/docs/v4/using-multiple-nodes
   * @default false
   */
  readonly longPollingFallback?: boolean;
  /** Stickiness of the pre-upgrade HTTP requests. @default - on exactly when `longPollingFallback` */
  readonly stickiness?: StickinessConfig;
}

/** Target-group stickiness. After the `101` a WebSocket is pinned anyway; this only routes pre-upgrade HTTP. */
export interface StickinessConfig {
  /**
   * Turn stickiness on. Turning it off while `longPollingFallback` is true is an error.
   * @default - the value of `longPollingFallback`
   */
  readonly enabled?: boolean;
  /**
   * ALB cells: `lb_cookie` (the ALB issues `AWSALB`) or `app_cookie` (your cookie, `cookieName`
   * required). NLB cells always use `source_ip`.
   * @default 'lb_cookie'
   */
  readonly albType?: AlbStickinessType;
  /** ALB cookie duration, 1–604800 s. @default 86400 */
  readonly cookieDurationSeconds?: number;
  /**
   * `app_cookie` only: your application's cookie name. Prefixes `AWSALB`, `AWSALBAPP`, `AWSALBTG`
   * are reserved by AWS. For socket.io use `io`.
   * @default - none; required with `app_cookie`
   */
  readonly cookieName?: string;
}

/** The target-group health check. Every field is written explicitly, because AWS, CDK and Pulumi defaults differ. */
export interface HealthCheckConfig {
  /**
   * Plain HTTP path answering 200 while the server accepts connections and 503 while draining.
   * Never the WebSocket path: load-balancer health checks do not speak WebSocket.
   * @default '/healthz'
   */
  readonly path?: string;
  /** Port of the health endpoint, 1–65535. @default - the application port */
  readonly port?: number;
  /** `HealthCheckIntervalSeconds`, 5–300. @default 10 */
  readonly intervalSeconds?: number;
  /** `HealthCheckTimeoutSeconds`, 2–120, below the interval. @default 5 */
  readonly timeoutSeconds?: number;
  /** `HealthyThresholdCount`, 2–10. @default 3 */
  readonly healthyThresholdCount?: number;
  /** `UnhealthyThresholdCount`, 2–10. @default 3 */
  readonly unhealthyThresholdCount?: number;
  /** `Matcher.HttpCode`: a code or range (`200`, `200-299`, `200,204`); ALB 200–499, NLB 200–599. @default '200' */
  readonly healthyHttpCodes?: string;
}

/** Linux host limits written by user data. Sources: https://docs.kernel.org/networking/ip-sysctl.html, systemd.exec(5) `LimitNOFILE=`. */
export interface HostTuningConfig {
  /**
   * systemd `LimitNOFILE` of the server unit: one file descriptor per socket. systemd's soft
   * default of 1024 fails at about 1,000 connections. Integer 1024–1048576 (`fs.nr_open`).
   * @default 1048576
   */
  readonly fileDescriptorLimit?: number;
  /** `net.core.somaxconn`: cap on any listen backlog. Integer 128–65535. @default 65535 */
  readonly somaxconn?: number;
  /** `net.ipv4.tcp_max_syn_backlog`: half-open connections kept during a reconnect storm. Integer 128–262144. @default 65535 */
  readonly tcpMaxSynBacklog?: number;
  /**
   * Listen backlog the server passes to `listen()`, 1–65535 and ≤ somaxconn (the kernel silently caps
   * it, so a larger explicit value is an error).
   * @default - min(65535, somaxconn)
   */
  readonly listenBacklog?: number;
  /**
   * True when a local reverse proxy (nginx, envoy) sits between the load balancer and the server on
   * the instance: every proxied socket then takes one ephemeral port, so the local port range is
   * widened to `localPortRange`.
   * @default false
   */
  readonly localProxy?: boolean;
  /**
   * `net.ipv4.ip_local_port_range` written when `localProxy` is true, as "LOW HIGH" with
   * 1024 ≤ LOW < HIGH ≤ 65535.
   * @default '1024 65535'
   */
  readonly localPortRange?: string;
}

/** Route 53 settings of the tier. */
export interface DnsConfig {
  /**
   * `ipv4` publishes A records; `dualstack` also publishes AAAA records and makes the load
   * balancers dual-stack (the VPC must have IPv6).
   * @default 'ipv4'
   */
  readonly ipAddressType?: IpAddressType;
  /** Publish a direct name per cell (`<cell>.<domainName>`) for debugging and endpoint allocation. @default true */
  readonly cellRecords?: boolean;
  /**
   * Create a Route 53 HTTPS health check per cell (against its direct name and the health path)
   * and attach it to the cell's weighted record, in addition to `EvaluateTargetHealth`.
   * Requires `cellRecords` and a TLS policy that still offers TLS 1.2.
   * @default false
   */
  readonly healthChecks?: boolean;
  /** Route 53 health check `RequestInterval`: 10 or 30 s. @default 30 */
  readonly healthCheckRequestIntervalSeconds?: number;
  /** Route 53 health check `FailureThreshold`: 1–10. @default 3 */
  readonly healthCheckFailureThreshold?: number;
}

/** How the server process is run on each instance. */
export interface ServerConfig {
  /** Port the WebSocket server listens on, 1–65535, not 22. @default 8080 */
  readonly port?: number;
  /** systemd unit name (without `.service`) of the server: `[a-zA-Z0-9_-]{1,64}`. @default 'websocket-server' */
  readonly serviceName?: string;
  /**
   * Amazon Linux 2023 package providing Node.js for the server, e.g. `nodejs22`.
   * @default 'nodejs22'
   */
  readonly nodePackage?: string;
  /**
   * Extra environment for the server process. Keys `[A-Z_][A-Z0-9_]*`; keys starting `WST_` are
   * reserved for the values this library derives from the tier.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Environment variables whose values are read ON THE INSTANCE AT BOOT from SSM Parameter Store or
   * Secrets Manager into the server's root-only environment file: user data and the template hold
   * only the name or ARN and the `aws ssm get-parameter --with-decryption` /
   * `aws secretsmanager get-secret-value` line, and the instance role may read exactly these
   * parameters and secrets (`ssm:GetParameter`, `secretsmanager:GetSecretValue`; `kms:Decrypt` only
   * on a `kmsKeyArn` you give). Keys as in `environment` (`[A-Z_][A-Z0-9_]*`, not `WST_`, not also
   * in `environment`). Values are read once per boot: after a rotation, refresh the instances.
   * A CDK token stands for an ARN. Errors: `server-secrets-invalid`, `server-secret-name-invalid`,
   * `server-secret-name-reserved`, `server-secret-name-collision`, `server-secret-reference-invalid`,
   * `server-secret-json-key-invalid`, `server-secret-kms-key-invalid`; a secret-looking
   * `environment` value is the warning `env-value-looks-secret`.
   * Sources: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html,
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, ServerSecretConfig>>;
  /**
   * Any server, in any language: the executable and arguments the tier's systemd unit runs
   * (`ExecStart=`), with the same limits (`LimitNOFILE`), `EnvironmentFile=`, `Restart=on-failure`,
   * `KillSignal=SIGTERM` and `TimeoutStopSec` (drain window + grace) as the bundled Node server, as
   * user `websocket`, in the unpacked `artifact` directory (`/opt/websocket-tier/app`) when there is one.
   * Arguments are quoted for systemd (https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines),
   * with `$` and `%` doubled, so each reaches the process exactly as written: no shell, no
   * variable expansion. Errors: `server-command-invalid`, `server-executable-invalid`,
   * `server-command-control-char`, `server-command-too-long`, `server-start-conflict`.
   * @default - none: the server is `artifact` (a single file) run with Node, or the image's own unit
   */
  readonly command?: ServerCommandConfig;
  /**
   * Path (on the machine that synthesizes or runs the program) of what the instances download and
   * run: a directory, a `.zip`, a `.tar.gz`/`.tgz`, or a single file. Shipped as ONE S3 object
   * shared by every cell (directories are zipped); a new artifact is a new launch-template version.
   * On the instance a directory or archive is unpacked into `/opt/websocket-tier/app` and a single
   * file lands in that directory under its own name (mode 0755); with a `command`, that directory is
   * the unit's `WorkingDirectory`. Without a `command`, a single file is a Node bundle run as today
   * (`serverBundleFile`); a directory or archive then needs a `command` (`server-artifact-no-command`).
   * Errors: `server-artifact-invalid`, `server-artifact-missing`, `server-artifact-name`, `server-start-conflict`.
   * @default - none
   */
  readonly artifact?: string;
  /**
   * Shell commands user data runs once, in order, as root, after the artifact is unpacked and before
   * the server starts (e.g. `dnf install -y python3-pip`, `pip3 install -r /opt/websocket-tier/app/requirements.txt`),
   * under the script's `set -euo pipefail`: a failing command stops the boot, so the instance
   * never turns healthy. One command per entry, no line breaks, at most 8,192 characters in all
   * (EC2 user data is limited to 16 KB: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html).
   * Errors: `server-prestart-invalid`, `server-prestart-too-long`.
   * @default []
   */
  readonly preStart?: readonly string[];
  /**
   * True when the machine image already ships the `serviceName` unit: user data then only adds a
   * drop-in with the limits, environment and `Restart=on-failure` and restarts it. Required when
   * there is no `command`, no `artifact` and no `serverBundleFile`, so a tier never restarts a unit
   * that does not exist (`server-no-start`); contradicts `command` and `artifact` (`server-start-conflict`).
   * @default false
   */
  readonly unitProvidedByImage?: boolean;
  /**
   * Per-process connection cap (`WST_MAX_CONNECTIONS`, docs/server-contract.md §8): beyond it the
   * server accepts the upgrade and closes at once with 1013 Try Again Later (IANA WebSocket close
   * code registry), so the client backs off and Route 53 / the load balancer place it
   * elsewhere. Integer 1–1,048,576, at most `host.fileDescriptorLimit` (one socket per descriptor),
   * and × `capacity.processesPerInstance` at least every cell's scaling target, or the fleet would
   * refuse clients before it scales out.
   * @default - per cell: with a capacity plan, the plan's per-instance maximum (the scaling target
   *   is that maximum × (1 − headroom), so the cap sits exactly one headroom above the target), at
   *   least the cell's `targetConnectionsPerInstance`; without one, `targetConnectionsPerInstance`
   *   ÷ (1 − 30 %), the planner's default headroom (10,000 → 14,286). Either figure is divided by
   *   `capacity.processesPerInstance` (default 1), rounded up.
   */
  readonly maxConnections?: number;
  /**
   * Origins a browser page may open WebSockets from (`WST_ALLOWED_ORIGINS`, comma-separated;
   * docs/server-contract.md §8): each `scheme://host[:port]` with scheme `http` or `https`, exactly
   * as a browser serializes an `Origin` header (RFC 6454 §6.2: lowercase, no path, no trailing
   * `/`, no default port), or `scheme://*.domain[:port]` for every subdomain (not the domain
   * itself). Servers compare parsed origins (scheme, host, port), never string suffixes, and answer
   * a foreign Origin with HTTP 403; requests without an Origin header (non-browser clients) pass.
   * Errors: `allowed-origin-invalid` (the fix shows the serialized form), `allowed-origins-empty`.
   * @default - none: no Origin check
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Largest WebSocket message a server accepts, bytes (`WST_MAX_MESSAGE_BYTES`): a bigger one closes
   * the connection with 1009 Message Too Big (RFC 6455 §7.4.1). Integer 1–67,108,864 (64 MiB). The
   * upper bound is this library's policy: a server holds a whole message in memory before the
   * application sees it, so a handful of 64 MiB messages already takes gigabytes on an instance
   * whose memory the capacity plan gives to connections (RFC 6455 §5.2 itself allows 2^63 bytes).
   * Bulk data belongs in object storage, with the WebSocket carrying its key.
   * @default 1048576 (1 MiB, the runtime's default)
   */
  readonly maxMessageBytes?: number;
  /**
   * Rebalancing after scale-out (docs/server-contract.md §12): each node publishes its connection
   * count through the backplane (`WST_REDIS_URL`) and closes the excess above fair share ×
   * (1 + tolerance) with 1013, at a bounded rate. `false` (or leaving it out) turns it off; an
   * object turns it on and writes `WST_REBALANCE_INTERVAL_MS`, `WST_REBALANCE_TOLERANCE` and
   * `WST_REBALANCE_MAX_SHED_FRACTION`. On without a `backplane` is a warning
   * (`rebalance-without-backplane`): the server then needs a Redis of its own.
   * @default false
   */
  readonly rebalance?: false | ServerRebalanceConfig;
  /**
   * NLB cells only: the load balancer prefixes every connection, health checks included, with a
   * PROXY protocol v2 header (target-group attribute `proxy_protocol_v2.enabled`), and servers get
   * `WST_PROXY_PROTOCOL=1` and must parse it. Instance targets already see IPv4 clients' addresses
   * (client IP preservation), but IPv6 clients of a dual-stack NLB arrive from the load balancer's
   * address; the header carries the real one.
   * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol
   * An ALB cannot send it (ALB cells pass `X-Forwarded-For`), so `true` in a tier with an ALB cell
   * is an error (`proxy-protocol-alb-cell`).
   * @default false
   */
  readonly proxyProtocol?: boolean;
}

/** One `server.secrets` entry: an SSM parameter or a Secrets Manager secret. */
export type ServerSecretConfig = SsmParameterSecretConfig | SecretsManagerSecretConfig;

/** A value in SSM Parameter Store (String or SecureString; SecureString is decrypted at boot). */
export interface SsmParameterSecretConfig {
  /**
   * Parameter name (`/app/db-password`, or `db-password`) in the stack's region and account, or a
   * parameter ARN (`arn:aws:ssm:<region>:<account>:parameter/app/db-password`).
   * Source: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
   */
  readonly ssmParameter: string;
  /**
   * Customer managed KMS key of a SecureString: the role gets `kms:Decrypt` on it.
   * @default - the AWS managed key aws/ssm, which needs no KMS permission
   */
  readonly kmsKeyArn?: string;
}

/** A Secrets Manager secret (its `SecretString`). */
export interface SecretsManagerSecretConfig {
  /**
   * Secret name (`prod/db`) in the stack's region and account (the role may read
   * `…:secret:prod/db-??????`), or the complete secret ARN (with the 6-character suffix).
   * Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
   */
  readonly secretsManagerSecret: string;
  /**
   * A top-level key of a JSON `SecretString` (e.g. `password` of an RDS secret): its value is used.
   * 1–128 of `[A-Za-z0-9_.-]`.
   * @default - the whole SecretString
   */
  readonly jsonKey?: string;
  /**
   * Customer managed KMS key of the secret: the role gets `kms:Decrypt` on it.
   * @default - the AWS managed key aws/secretsmanager, which needs no KMS permission
   */
  readonly kmsKeyArn?: string;
}

/** Thresholds of `server.rebalance` (the same ranges the runtime accepts). */
export interface ServerRebalanceConfig {
  /**
   * How often a node publishes its count and compares, milliseconds: integer 100–2,147,483,647
   * (Node.js timers, https://nodejs.org/api/timers.html#settimeoutcallback-delay-args).
   * @default 10000
   */
  readonly intervalMs?: number;
  /** Allowed excess over fair share before shedding, as a fraction (0.1 = 10 % above): 0–10. @default 0.1 */
  readonly tolerance?: number;
  /** Largest fraction of a node's sockets closed per interval: 0–1 (at least one socket goes per interval while any must). @default 0.01 */
  readonly maxShedFraction?: number;
}

/** An executable and its arguments (`server.command`). */
export interface ServerCommandConfig {
  /**
   * An absolute path (`/opt/websocket-tier/app/bin/server`, `/usr/bin/python3`) or a bare name systemd
   * resolves on its fixed search path (`/usr/local/bin`, `/usr/bin`, …; e.g. `python3`). Characters
   * `[A-Za-z0-9._+/-]`, not starting with `-`, `+`, `.`, at most 4,095 characters (Linux `PATH_MAX`).
   * systemd allows neither variables nor specifiers in the executable, and reads a leading `@`, `-`,
   * `:`, `+` or `!` as a prefix; relative paths with a slash are not resolved.
   */
  readonly executable: string;
  /**
   * Arguments, passed verbatim (quoted for systemd; `$` and `%` are literal, not expanded). Any
   * characters but control characters (line breaks, tabs, NUL); the whole command line at most 4,096
   * characters once quoted.
   * @default []
   */
  readonly args?: readonly string[];
}

/** A whole WebSocket tier: weighted DNS over one or more cells. */
export interface TierConfig {
  /**
   * The name clients connect to, e.g. `ws.example.com`: lowercase, no trailing dot, at most 253
   * characters, inside the hosted zone the renderer is given.
   */
  readonly domainName: string;
  /** The cells, 1–100 (Route 53 allows at most 100 weighted records per name and type). */
  readonly cells: readonly CellConfig[];
  /**
   * Default EC2 instance type for every cell.
   * @default 'm7g.large'
   */
  readonly instanceType?: string;
  /**
   * TLS policy of every HTTPS (ALB) and TLS (NLB) listener. Must offer TLS 1.2 or 1.3 only (no
   * 1.0/1.1). TLS-1.3-only policies are refused when Route 53 health checks are on, because those
   * checkers need TLS ≤ 1.2. The API default (`ELBSecurityPolicy-2016-08`) is never used.
   * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   * @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09'
   */
  readonly tlsPolicy?: string;
  /**
   * IPv4 CIDRs allowed to reach the load balancers on 443 (and 80 for the ALB redirect).
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: readonly string[];
  /**
   * IPv6 CIDRs allowed when `dns.ipAddressType` is `dualstack`.
   * @default ['::/0'] when dual-stack, else []
   */
  readonly ingressIpv6Cidrs?: readonly string[];
  /** Timers and draining. @default - see each field */
  readonly connection?: ConnectionProfileConfig;
  /** Target-group health check. @default - see each field */
  readonly healthCheck?: HealthCheckConfig;
  /** Auto Scaling defaults for every cell. @default - see each field */
  readonly scaling?: ScalingConfig;
  /** Host limits. @default - see each field */
  readonly host?: HostTuningConfig;
  /** Route 53 settings. @default - see each field */
  readonly dns?: DnsConfig;
  /** Server process settings. @default - see each field */
  readonly server?: ServerConfig;
  /**
   * The load the tier must carry at peak (connections, connection and message rates, server
   * framework, headroom). When set, each cell's `minCapacity`, `maxCapacity` and
   * `targetConnectionsPerInstance` are derived from a capacity plan of its share of the
   * connections (by Route 53 weight), its load balancer, listener and instance type, and
   * `host.fileDescriptorLimit`; explicit `scaling` values still win. An impossible plan (e.g. a
   * target above the file-descriptor limit, a cell needing more than 1,000 targets, a saturated
   * backplane) is a validation error with the numbers. See `lib/core/capacity/` and
   * `npx websocket-tier plan`.
   * @default - no plan: scaling uses its own defaults (min 2, max 10, target 10,000)
   */
  readonly capacity?: TierCapacityConfig;
  /**
   * Dashboards, alarms (each tunable or switchable off, optional SNS topic), access and connection
   * logs, an optional WAF web ACL on ALB cells, LCU reservation and deletion protection.
   * See `lib/core/operations/` and the README's Operations section.
   * @default - dashboard and every applicable alarm on, access logs on (90 days), WAF off, no LCU
   *   reservation, deletion protection on
   */
  readonly operations?: OperationsConfig;
  /**
   * An ElastiCache (Valkey or Redis OSS) replication group in the tier's VPC, reachable only from
   * the cells' instances, always with TLS, encryption at rest and a generated AUTH token kept in
   * Secrets Manager. Every cell's server gets `WST_REDIS_URL` (`rediss://:<token>@host:port`),
   * written at boot. See `lib/core/backplane.ts` and the README's Backplane section.
   * @default - no backplane
   */
  readonly backplane?: BackplaneConfig;
  /**
   * How a change that replaces instances (new server artifact, AMI, user data) rolls out: cell by
   * cell in config order, in batches, new instances launched and healthy before old ones drain under
   * the termination hook; a batch that does not become healthy stops and rolls back the release.
   * See `lib/core/release.ts` and the README's Releases section.
   * @default - batches of 25% of each cell, capacity kept (launch before terminate), timeouts derived
   */
  readonly release?: ReleaseConfig;
  /**
   * An endpoint allocator at `alloc.<domainName>` that places each client on the healthy active cell
   * with the most headroom and signs a short-lived ticket the cell's servers verify. See
   * `lib/core/allocator/config.ts` (fields, endpoint choice) and docs/server-contract.md §14.
   * @default - no allocator: clients reach cells through weighted DNS only
   */
  readonly allocator?: AllocatorConfig;
  /**
   * Deliberate exceptions to the post-synthesis check. After every escape hatch, property override
   * and aspect, both renderers re-read the rendered resources of each cell and re-apply the
   * WebSocket invariants (idle timers, deregistration delay, lifecycle hook, stickiness, NLB
   * unhealthy-target termination and cross-zone, health check, TLS policy, Route 53 records,
   * IMDSv2): a broken one is an error with a `rendered-*` code. An acknowledged code is reported
   * as a warning instead. Entries are a code (every cell) or `{ code, cells, reason }`.
   * Codes: see `RENDERED_RULES` in `lib/core/invariants/codes.ts` and the README's "Escape hatches
   * are re-checked". An unknown code or cell name is an error (`acknowledge-unknown-code`,
   * `acknowledge-unknown-cell`); an entry of the wrong shape is `acknowledge-invalid`.
   * @default - nothing acknowledged: every broken invariant fails synthesis (CDK) or the deployment (Pulumi)
   */
  readonly acknowledge?: readonly (RenderedIssueCode | AcknowledgementConfig)[];
}

/** A deliberate exception to one rule of the post-synthesis check, optionally limited to some cells. */
export interface AcknowledgementConfig {
  /** The `rendered-*` code to report as a warning instead of an error. */
  readonly code: RenderedIssueCode;
  /**
   * Names of the cells it covers.
   * @default - every cell
   */
  readonly cells?: readonly string[];
  /**
   * Why the exception is deliberate; repeated in the warning.
   * @default - no reason shown
   */
  readonly reason?: string;
}
