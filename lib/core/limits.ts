/**
 * AWS and Linux limits the validators enforce, each with its source. Ranges are inclusive.
 * Each constant names its AWS documentation page or kernel document.
 */

/** An inclusive integer range with the document it comes from. */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly source: string;
}

const ALB_ATTRS = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html';
const NLB_IDLE = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html';
const TG_ATTRS = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html';
const TG_CREATE = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html';
const R53_WEIGHTED = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html';
const R53_HC = 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html';
const ASG_HOOK = 'https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html';
const ASG_MAINT = 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-maintenance-policy.html';
const ASG_CREATE = 'https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html';

/** The limits, keyed by what they bound. */
export const LIMITS = {
  albIdleTimeoutSeconds: { min: 1, max: 4000, source: ALB_ATTRS },
  nlbTcpIdleTimeoutSeconds: { min: 60, max: 6000, source: NLB_IDLE },
  deregistrationDelaySeconds: { min: 0, max: 3600, source: TG_ATTRS },
  nlbUnhealthyDrainingIntervalSeconds: { min: 0, max: 360000, source: TG_ATTRS },
  cookieDurationSeconds: { min: 1, max: 604800, source: TG_ATTRS },
  healthCheckIntervalSeconds: { min: 5, max: 300, source: TG_CREATE },
  healthCheckTimeoutSeconds: { min: 2, max: 120, source: TG_CREATE },
  healthCheckThresholdCount: { min: 2, max: 10, source: TG_CREATE },
  albHealthyHttpCode: { min: 200, max: 499, source: TG_CREATE },
  nlbHealthyHttpCode: { min: 200, max: 599, source: TG_CREATE },
  route53Weight: { min: 0, max: 255, source: R53_WEIGHTED },
  weightedRecordsPerName: { min: 1, max: 100, source: R53_WEIGHTED },
  route53HealthCheckFailureThreshold: { min: 1, max: 10, source: R53_HC },
  lifecycleHookHeartbeatSeconds: { min: 30, max: 7200, source: ASG_HOOK },
  minHealthyPercentage: { min: 0, max: 100, source: ASG_MAINT },
  maxHealthyPercentage: { min: 100, max: 200, source: ASG_MAINT },
  defaultInstanceWarmupSeconds: { min: 0, max: 3600, source: ASG_CREATE },
  healthCheckGracePeriodSeconds: { min: 0, max: 7200, source: ASG_CREATE },
  port: { min: 1, max: 65535, source: 'RFC 6335 §6' },
  fileDescriptorLimit: { min: 1024, max: 1048576, source: 'Linux fs.nr_open default (Documentation/admin-guide/sysctl/fs.rst)' },
  somaxconn: { min: 128, max: 65535, source: 'Linux Documentation/networking/ip-sysctl.rst (net.core.somaxconn)' },
  tcpMaxSynBacklog: { min: 128, max: 262144, source: 'Linux Documentation/networking/ip-sysctl.rst (tcp_max_syn_backlog)' },
  localPort: { min: 1024, max: 65535, source: 'Linux Documentation/networking/ip-sysctl.rst (ip_local_port_range)' },
  drainGraceSeconds: { min: 0, max: 600, source: 'websocket-tier policy: grace must stay small next to the drain window' },
  /** 64 MiB: see `ServerConfig.maxMessageBytes` for why. */
  maxMessageBytes: { min: 1, max: 67_108_864, source: 'websocket-tier policy: a message is buffered whole in server memory' },
  maxConnections: {
    min: 1,
    max: 1048576,
    source: 'one socket per file descriptor: at most the largest host.fileDescriptorLimit (fs.nr_open)',
  },
  /** Node.js timers accept at most 2^31 − 1 ms (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args). */
  rebalanceIntervalMs: { min: 100, max: 2_147_483_647, source: 'websocket-tier runtime (≥ 100 ms); Node.js timers (≤ 2^31 − 1 ms)' },
} as const satisfies Record<string, Range>;

/** Route 53 health check request intervals AWS accepts (seconds). Source: {@link R53_HC}. */
export const ROUTE53_HEALTH_CHECK_INTERVALS = [10, 30] as const;

/** NLB TLS listeners hold idle connections for exactly this long; it cannot be changed. Source: {@link NLB_IDLE}. */
export const NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS = 350;

/** Cookie-name prefixes AWS reserves for its own stickiness cookies. Source: {@link TG_ATTRS} (`stickiness.app_cookie.cookie_name`). */
export const RESERVED_COOKIE_PREFIXES = ['AWSALB', 'AWSALBAPP', 'AWSALBTG'] as const;

/** Maximum length of a cell name (keeps generated ELB names within AWS's 32-character limit headroom). */
export const MAX_CELL_NAME_LENGTH = 32;

/**
 * Bounds of `server.command` and `server.preStart`. The whole user-data script must fit EC2's 16 KB
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html: "limited to 16 KB, in raw
 * form, before it is base64-encoded"), which also holds the host tuning and environment file, so
 * the command line may take a quarter and the set-up commands half. An executable path is at most
 * `PATH_MAX` − 1 = 4,095 bytes (Linux include/uapi/linux/limits.h).
 */
export const SERVER_START_LIMITS = {
  executableChars: 4095,
  commandLineChars: 4096,
  preStartChars: 8192,
  userDataBytes: 16384,
} as const;

/**
 * Limits AWS enforces only when a stack deploys (or CDK only at synthesis), checked by
 * `lib/core/deploy-limits.ts` before either can fail.
 */
export const DEPLOY_LIMITS = {
  /** Resources one CloudFormation stack may declare. */
  stackResources: { max: 500, source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html' },
  /** Smallest LCU reservation of an Application Load Balancer (aws-cdk-lib refuses less at synthesis). */
  albMinimumCapacityUnits: {
    min: 100,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/capacity-unit-reservation.html',
  },
  /** LCU reservation of a Network Load Balancer per Availability Zone (reserved capacity is split evenly across AZs). */
  nlbCapacityUnitsPerAz: {
    min: 2750,
    max: 45000,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/capacity-unit-reservation.html',
  },
  /** Route 53 `HealthCheckConfig.ResourcePath`: at most 255 characters. */
  route53ResourcePathChars: { max: 255, source: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html' },
  /** EC2 security-group description (`GroupDescription`): at most 255 characters. */
  securityGroupDescriptionChars: {
    max: 255,
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html',
  },
  /**
   * The first name of an ACM certificate (its subject CN) is at most 64 characters (X.509
   * `ub-common-name`, RFC 5280 Appendix A.1); aws-cdk-lib's `Certificate` refuses a longer
   * `domainName` at synthesis ("Domain name must be 64 characters or less").
   */
  certificateDomainChars: { max: 64, source: 'https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html' },
} as const;
const CFN_UPDATE_POLICY = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html';

/** Ranges of `release` (lib/core/release.ts). */
export const RELEASE_LIMITS = {
  batchSize: { min: 1, max: 10000, source: CFN_UPDATE_POLICY },
  /** CloudFormation also requires it below the group's MaxSize (checked per cell). */
  minInstancesInService: { min: 0, max: 10000, source: CFN_UPDATE_POLICY },
  /** `PauseTime` is at most one hour (PT1H); below a minute no instance boots. */
  signalTimeoutSeconds: { min: 60, max: 3600, source: CFN_UPDATE_POLICY },
  minSuccessfulInstancesPercent: { min: 0, max: 100, source: CFN_UPDATE_POLICY },
  checkpointDelaySeconds: {
    min: 0,
    max: 172800,
    source: 'https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html',
  },
} as const satisfies Record<string, Range>;
