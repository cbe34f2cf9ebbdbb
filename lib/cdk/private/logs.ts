/**
 * The tier's log bucket and each load balancer's access (and ALB connection) logs.
 *
 * One bucket per tier: SSE-S3 (ALB log delivery supports only S3-managed keys, so one bucket for
 * ALB and NLB logs cannot use a KMS key), TLS-only (`enforceSSL`), all public access blocked,
 * objects expire after `retentionDays`. Sources:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
 *
 * ELB log delivery needs a bucket policy naming the region's ELB account, so CDK's
 * `logAccessLogs`/`logConnectionLogs` need a concrete stack region. In an environment-agnostic
 * stack logging is skipped and the tier gets one warning
 * (`@websocket-tier/access-logs-need-region`) telling the user to set `env.region` or turn logs off.
 */
import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { OPERATIONS_TIER_IDS } from '../../core/ids';
import { WARNING_PREFIX } from '../../core/issues';
import type { ResolvedCellOperations, ResolvedTierOperations } from '../../core/operations';

/** True when the stack's region is known at synthesis (needed by ELB log delivery policies). */
export function regionIsKnown(scope: Construct): boolean {
  return !Token.isUnresolved(Stack.of(scope).region);
}

/** The tier's log bucket, when logs are on and the stack region is known. */
export function renderLogBucket(scope: Construct, ops: ResolvedTierOperations): s3.Bucket | undefined {
  const b = ops.logBucket;
  if (b === undefined) return undefined;
  if (!regionIsKnown(scope)) {
    // One warning per tier (not per load balancer), telling the user's own app what to change.
    Annotations.of(scope).addWarningV2(
      `${WARNING_PREFIX}/access-logs-need-region`,
      "Access and connection logs are on (operations.accessLogs.enabled defaults to true) but the stack is environment-agnostic: ELB log delivery needs a bucket policy for the stack's region, so no load balancer of this tier writes logs. Fix: give the stack a region (new Stack(app, 'Chat', { env: { region: 'eu-west-1' } })), or set operations.accessLogs.enabled to false.",
    );
    return undefined;
  }
  return new s3.Bucket(scope, OPERATIONS_TIER_IDS.logBucket, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: b.enforceSsl,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [
      {
        id: 'ExpireLoadBalancerLogs',
        enabled: true,
        expiration: Duration.days(b.retentionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
}

/** Turn on a cell's access logs (and ALB connection logs) into the tier's bucket, or warn why not. */
export function renderLoadBalancerLogs(
  loadBalancer: elbv2.ApplicationLoadBalancer | elbv2.NetworkLoadBalancer,
  ops: ResolvedCellOperations,
  bucket: s3.IBucket | undefined,
): void {
  if (ops.accessLogPrefix === undefined) return;
  // Env-agnostic stack: the tier warned once (renderLogBucket); nothing to attach.
  if (!regionIsKnown(loadBalancer)) return;
  if (bucket === undefined) return; // WebSocketCell used directly without a bucket
  loadBalancer.logAccessLogs(bucket, ops.accessLogPrefix);
  if (ops.connectionLogPrefix !== undefined && 'logConnectionLogs' in loadBalancer) {
    loadBalancer.logConnectionLogs(bucket, ops.connectionLogPrefix);
  }
}
