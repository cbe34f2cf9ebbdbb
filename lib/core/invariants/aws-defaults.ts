/**
 * What AWS applies when a rendered resource leaves a property out: the value `checkRendered()`
 * assumes for an absent property (an escape hatch may delete one). These are AWS's API defaults,
 * not the library's (those are in `lib/core/defaults.ts`), each with its source. Data only.
 */

const ALB_ATTRS = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html';
const NLB_IDLE = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html';
const TG_ATTRS = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html';
const LB_ATTRS = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html';
const TG_CREATE = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html';
const LISTENER_CREATE = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html';
const ASG_HOOK = 'https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html';
const ASG_CREATE = 'https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html';
const LT_METADATA = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html';
const R53_ALIAS = 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html';

/** AWS's value of each property when it is absent, with the page that states it. */
export const AWS_DEFAULTS = {
  albIdleTimeoutSeconds: { value: 60, source: ALB_ATTRS },
  nlbTcpIdleTimeoutSeconds: { value: 350, source: NLB_IDLE },
  deregistrationDelaySeconds: { value: 300, source: TG_ATTRS },
  stickinessEnabled: { value: false, source: TG_ATTRS },
  nlbConnectionTermination: { value: false, source: TG_ATTRS },
  nlbUnhealthyConnectionTermination: { value: true, source: TG_ATTRS },
  nlbCrossZoneEnabled: { value: false, source: LB_ATTRS },
  targetGroupCrossZoneEnabled: { value: 'use_load_balancer_configuration', source: TG_ATTRS },
  healthCheckEnabled: { value: true, source: TG_CREATE },
  /** ALB target groups HTTP, NLB target groups TCP. */
  albHealthCheckProtocol: { value: 'HTTP', source: TG_CREATE },
  nlbHealthCheckProtocol: { value: 'TCP', source: TG_CREATE },
  healthCheckPath: { value: '/', source: TG_CREATE },
  healthCheckPort: { value: 'traffic-port', source: TG_CREATE },
  healthCheckIntervalSeconds: { value: 30, source: TG_CREATE },
  /** ALB 5 s; NLB HTTP checks 6 s. */
  albHealthCheckTimeoutSeconds: { value: 5, source: TG_CREATE },
  nlbHealthCheckTimeoutSeconds: { value: 6, source: TG_CREATE },
  healthyThresholdCount: { value: 5, source: TG_CREATE },
  unhealthyThresholdCount: { value: 2, source: TG_CREATE },
  /** CloudFormation and the CLI leave TLS 1.0/1.1 on: the legacy policy. */
  tlsPolicy: { value: 'ELBSecurityPolicy-2016-08', source: LISTENER_CREATE },
  lifecycleHookHeartbeatSeconds: { value: 3600, source: ASG_HOOK },
  lifecycleHookDefaultResult: { value: 'ABANDON', source: ASG_HOOK },
  /** CloudFormation and the API: 0 s (the Terraform provider behind Pulumi sends 300). */
  healthCheckGracePeriodSeconds: { value: 0, source: ASG_CREATE },
  healthCheckType: { value: 'EC2', source: ASG_CREATE },
  /** `optional` unless the AMI declares `ImdsSupport: v2.0`: never relied on. */
  httpTokens: { value: 'optional', source: LT_METADATA },
  evaluateTargetHealth: { value: false, source: R53_ALIAS },
} as const;
