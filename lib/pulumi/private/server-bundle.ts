/**
 * The server bundle as one private S3 object shared by every cell (the Pulumi counterpart of the
 * CDK asset): a bucket with public access blocked, default encryption (SSE-S3) and a policy that
 * refuses plain HTTP, and the bundle file as its single object.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PULUMI_TIER_IDS, TIER_IDS } from '../../core/ids';
import type { ServerBundleRef } from './fleet';
import { create, denyInsecureTransport, policyJson, type Scope } from './util';

/** Object key of the bundle in its bucket. */
const BUNDLE_KEY = 'server.js';

/** Bucket, guards and object; returns where the instances fetch the bundle from. */
export function renderServerBundle(scope: Scope, bundleFile: string): ServerBundleRef {
  const bucket = create(aws.s3.Bucket, scope, TIER_IDS.serverBundle, { forceDestroy: true });
  create(aws.s3.BucketPublicAccessBlock, scope, PULUMI_TIER_IDS.serverBundlePublicAccessBlock, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  create(aws.s3.BucketServerSideEncryptionConfiguration, scope, PULUMI_TIER_IDS.serverBundleEncryption, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  create(aws.s3.BucketPolicy, scope, PULUMI_TIER_IDS.serverBundlePolicy, {
    bucket: bucket.id,
    policy: bucket.arn.apply((arn) => policyJson([denyInsecureTransport(arn)])),
  });
  const object = create(aws.s3.BucketObjectv2, scope, PULUMI_TIER_IDS.serverBundleObject, {
    bucket: bucket.id,
    key: BUNDLE_KEY,
    source: new pulumi.asset.FileAsset(bundleFile),
    contentType: 'application/javascript',
    serverSideEncryption: 'AES256',
  });
  return {
    s3Uri: pulumi.interpolate`s3://${object.bucket}/${object.key}`,
    objectArn: pulumi.interpolate`${bucket.arn}/${object.key}`,
  };
}
