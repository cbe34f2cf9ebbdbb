/**
 * The server artifact (a single-file bundle, an archive, or a directory zipped by ./zip.ts) as one
 * private S3 object shared by every cell (the Pulumi counterpart of the CDK asset): a bucket with
 * public access blocked, default encryption (SSE-S3) and a policy that refuses plain HTTP, and the
 * artifact as its single object. The key is the SHA-256 of the bytes, like a CDK asset's, so a new
 * artifact is a new S3 URI in user data and so a new launch-template version that rolls the fleet.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PULUMI_TIER_IDS, TIER_IDS } from '../../core/ids';
import type { ResolvedServerArtifact } from '../../core/resolved';
import type { ServerBundleRef } from './fleet';
import { create, denyInsecureTransport, policyJson, type Scope } from './util';
import { zipDirectory } from './zip';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'application/javascript',
  '.mjs': 'application/javascript',
  '.cjs': 'application/javascript',
  '.zip': 'application/zip',
  '.tar.gz': 'application/gzip',
};

/** The file to upload, its object key (`server-<sha256><ext>`) and content type. */
export function artifactObject(artifact: ResolvedServerArtifact): { file: string; key: string; contentType: string } {
  let file = artifact.path;
  let bytes: Buffer;
  if (artifact.format === 'directory') {
    bytes = zipDirectory(artifact.path);
    file = path.join(os.tmpdir(), `websocket-tier-artifact-${createHash('sha256').update(bytes).digest('hex')}.zip`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, bytes);
  } else {
    bytes = fs.readFileSync(artifact.path);
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const ext = artifact.packaging === 'file' ? path.extname(artifact.path).toLowerCase() : `.${artifact.packaging}`;
  return { file, key: `server-${hash}${ext}`, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' };
}

/** Bucket, guards and object; returns where the instances fetch the artifact from. */
export function renderServerBundle(scope: Scope, artifact: ResolvedServerArtifact): ServerBundleRef {
  const upload = artifactObject(artifact);
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
    key: upload.key,
    source: new pulumi.asset.FileAsset(upload.file),
    contentType: upload.contentType,
    serverSideEncryption: 'AES256',
  });
  return {
    s3Uri: pulumi.interpolate`s3://${object.bucket}/${object.key}`,
    objectArn: pulumi.interpolate`${bucket.arn}/${object.key}`,
  };
}
