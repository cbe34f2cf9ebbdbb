/**
 * The tier's ACM certificate when none is given: `domainName` plus `*.domainName` (every cell's
 * direct name), validated through one DNS record in the tier's hosted zone. ACM issues the same
 * validation record for a name and its wildcard, so one record validates both.
 * Source: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PULUMI_TIER_IDS, TIER_IDS } from '../../core/ids';
import type { ResolvedTier } from '../../core/resolved';
import { create, type Scope } from './util';

/** Seconds Route 53 caches the validation record. */
const VALIDATION_RECORD_TTL_SECONDS = 300;

/** Certificate, validation record and validation; returns the ARN of the validated certificate. */
export function renderCertificate(scope: Scope, tier: ResolvedTier, zoneId: pulumi.Input<string>): pulumi.Output<string> {
  const certificate = create(aws.acm.Certificate, scope, TIER_IDS.certificate, {
    domainName: tier.domainName,
    subjectAlternativeNames: [tier.wildcardDomainName],
    validationMethod: 'DNS',
  });
  const option = certificate.domainValidationOptions.apply((options) => options[0]);
  const record = create(aws.route53.Record, scope, PULUMI_TIER_IDS.certificateValidationRecord, {
    zoneId,
    name: option.resourceRecordName,
    type: option.resourceRecordType,
    records: [option.resourceRecordValue],
    ttl: VALIDATION_RECORD_TTL_SECONDS,
    allowOverwrite: true,
  });
  const validation = create(aws.acm.CertificateValidation, scope, PULUMI_TIER_IDS.certificateValidation, {
    certificateArn: certificate.arn,
    validationRecordFqdns: [record.fqdn],
  });
  return validation.certificateArn;
}
