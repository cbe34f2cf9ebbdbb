/**
 * Who writes load-balancer access and connection logs into the log bucket, per region.
 *
 * Regions launched before August 2022 deliver from a regional Elastic Load Balancing AWS account
 * (the bucket policy names that account); newer regions deliver as the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com`. The account ids themselves come from the
 * renderer (CDK's region facts, Pulumi's `aws.elb.getServiceAccount()`); this table only decides
 * which form a region needs. Source:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy
 * (the list matches aws-cdk-lib's `RegionInfo.elbv2Account` facts, 2.275.0).
 */

/** Regions whose ELB log delivery uses a regional ELB account (all others: the service principal). */
export const ELB_LOG_DELIVERY_ACCOUNT_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ca-central-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'me-south-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
]);

/** Service principal of ELB log delivery in regions without a regional ELB account. */
export const ELB_LOG_DELIVERY_SERVICE_PRINCIPAL = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** Service principal that writes NLB (TLS) access logs, with the `bucket-owner-full-control` ACL. */
export const LOG_DELIVERY_SERVICE_PRINCIPAL = 'delivery.logs.amazonaws.com';

/** `'account'` when the region's ELB log delivery is a regional ELB account, else `'service-principal'`. */
export function elbLogDeliveryPrincipalKind(region: string): 'account' | 'service-principal' {
  return ELB_LOG_DELIVERY_ACCOUNT_REGIONS.has(region) ? 'account' : 'service-principal';
}
