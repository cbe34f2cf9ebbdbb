/**
 * The tier's log bucket for load-balancer access (and ALB connection) logs, from
 * `tier.operations.logBucket`. Same bucket as lib/cdk/private/logs.ts: SSE-S3 (ALB log delivery
 * supports no KMS keys), TLS-only, all public access blocked, bucket-owner-enforced ownership,
 * objects expire after `retentionDays`, incomplete multipart uploads aborted after a day.
 *
 * The policy grants ELB log delivery `s3:PutObject` on `<prefix>/AWSLogs/<account>/*` of every
 * cell's prefix: in regions launched before August 2022 to the regional ELB account
 * (`aws.elb.getServiceAccount()`), in newer ones to `logdelivery.elasticloadbalancing.amazonaws.com`
 * (core's `elbLogDeliveryPrincipalKind`), plus `delivery.logs.amazonaws.com` (NLB TLS logs, with
 * the `bucket-owner-full-control` ACL) and its `s3:GetBucketAcl`, as CDK's `logAccessLogs` does.
 * Unlike CDK, Pulumi knows the region at deploy time (`aws.getRegion()`), so an environment-agnostic
 * program still gets logs; CDK needs `env.region` at synthesis and otherwise skips logs with a warning.
 * Sources: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { OPERATIONS_TIER_IDS, PULUMI_OPERATIONS_TIER_IDS } from '../../core/ids';
import { ELB_LOG_DELIVERY_SERVICE_PRINCIPAL, elbLogDeliveryPrincipalKind, LOG_DELIVERY_SERVICE_PRINCIPAL } from '../../core/log-delivery';
import type { ResolvedCell } from '../../core/resolved';
import type { ResolvedTierOperations } from '../../core/operations';
import { create, denyInsecureTransport, policyJson, type Scope } from './util';

/** The rendered bucket: what the load balancers log into and what they must wait for. */
export interface RenderedLogBucket {
  readonly bucket: aws.s3.Bucket;
  /** The bucket policy; load balancers depend on it (ELB checks write access when logging is turned on). */
  readonly policy: aws.s3.BucketPolicy;
}

/** Every S3 prefix a cell logs under (access and, on ALB cells, connection logs). */
function logPrefixes(cells: readonly ResolvedCell[]): string[] {
  return cells.flatMap((c) => [c.operations.accessLogPrefix, c.operations.connectionLogPrefix]).filter((p): p is string => p !== undefined);
}

/** The ELB log-delivery principal of `region`. */
function elbPrincipal(region: string, parent: pulumi.Resource): pulumi.Output<{ Service?: string; AWS?: string }> {
  if (elbLogDeliveryPrincipalKind(region) === 'service-principal')
    return pulumi.output<{ Service?: string; AWS?: string }>({ Service: ELB_LOG_DELIVERY_SERVICE_PRINCIPAL });
  return aws.elb.getServiceAccountOutput({ region }, { parent }).arn.apply((arn): { Service?: string; AWS?: string } => ({ AWS: arn }));
}

/** The log bucket and its guards, when the plan has one. */
export function renderLogBucket(scope: Scope, ops: ResolvedTierOperations, cells: readonly ResolvedCell[]): RenderedLogBucket | undefined {
  const b = ops.logBucket;
  if (b === undefined) return undefined;
  const bucket = create(aws.s3.Bucket, scope, OPERATIONS_TIER_IDS.logBucket, {});
  create(aws.s3.BucketServerSideEncryptionConfiguration, scope, PULUMI_OPERATIONS_TIER_IDS.logBucketEncryption, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  create(aws.s3.BucketPublicAccessBlock, scope, PULUMI_OPERATIONS_TIER_IDS.logBucketPublicAccessBlock, {
    bucket: bucket.id,
    blockPublicAcls: b.blockPublicAccess,
    blockPublicPolicy: b.blockPublicAccess,
    ignorePublicAcls: b.blockPublicAccess,
    restrictPublicBuckets: b.blockPublicAccess,
  });
  create(aws.s3.BucketOwnershipControls, scope, PULUMI_OPERATIONS_TIER_IDS.logBucketOwnership, {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  create(aws.s3.BucketLifecycleConfiguration, scope, PULUMI_OPERATIONS_TIER_IDS.logBucketLifecycle, {
    bucket: bucket.id,
    rules: [
      {
        id: 'ExpireLoadBalancerLogs',
        status: 'Enabled',
        filter: {},
        expiration: { days: b.retentionDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ],
  });
  const parent = scope.parent;
  const region = aws.getRegionOutput({}, { parent }).region;
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const principal = region.apply((r) => elbPrincipal(r, parent));
  const prefixes = logPrefixes(cells);
  const policy = create(aws.s3.BucketPolicy, scope, PULUMI_OPERATIONS_TIER_IDS.logBucketPolicy, {
    bucket: bucket.id,
    policy: pulumi.all([bucket.arn, account, principal]).apply(([arn, acct, elb]) => {
      const objects = prefixes.map((p) => `${arn}/${p}/AWSLogs/${acct}/*`);
      return policyJson([
        denyInsecureTransport(arn),
        { Sid: 'ElbLogDelivery', Effect: 'Allow', Principal: elb, Action: 's3:PutObject', Resource: objects },
        {
          Sid: 'LogDeliveryWrite',
          Effect: 'Allow',
          Principal: { Service: LOG_DELIVERY_SERVICE_PRINCIPAL },
          Action: 's3:PutObject',
          Resource: objects,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
        {
          Sid: 'LogDeliveryAclCheck',
          Effect: 'Allow',
          Principal: { Service: LOG_DELIVERY_SERVICE_PRINCIPAL },
          Action: 's3:GetBucketAcl',
          Resource: arn,
        },
      ]);
    }),
  });
  return { bucket, policy };
}
