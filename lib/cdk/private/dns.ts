/**
 * Route 53 records of one cell: a weighted alias under the tier name (explicit set identifier,
 * evaluate target health), an optional direct name, AAAA twins when dual-stack, and an optional
 * HTTPS health check attached to the weighted records (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html).
 */
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { CELL_IDS } from '../../core/ids';
import type { ResolvedCell, ResolvedTier } from '../../core/resolved';
import { seconds } from './util';

/** What the DNS renderer returns. */
export interface RenderedDns {
  readonly weightedRecords: route53.RecordSet[];
  readonly cellRecords: route53.RecordSet[];
  readonly healthCheck?: route53.HealthCheck;
}

/** Records (and health check) of one cell in the given zone. */
export function renderDns(
  scope: Construct,
  tier: ResolvedTier,
  cell: ResolvedCell,
  zone: route53.IHostedZone,
  loadBalancer: elbv2.ILoadBalancerV2,
): RenderedDns {
  const dns = cell.dns;
  const dualStack = cell.ipAddressType === 'dualstack';
  const target = route53.RecordTarget.fromAlias(
    new targets.LoadBalancerTarget(loadBalancer, { evaluateTargetHealth: dns.evaluateTargetHealth }),
  );
  const hc = dns.healthCheck;
  const healthCheck = hc
    ? new route53.HealthCheck(scope, CELL_IDS.route53HealthCheck, {
        type: hc.type as route53.HealthCheckType,
        fqdn: hc.fqdn,
        port: hc.port,
        resourcePath: hc.resourcePath,
        requestInterval: seconds(hc.requestIntervalSeconds),
        failureThreshold: hc.failureThreshold,
        enableSNI: hc.enableSni,
      })
    : undefined;

  const weighted = { zone, recordName: tier.domainName, target, weight: dns.weight, setIdentifier: dns.setIdentifier, healthCheck };
  const weightedRecords: route53.RecordSet[] = [new route53.ARecord(scope, CELL_IDS.weightedRecord, weighted)];
  if (dualStack) weightedRecords.push(new route53.AaaaRecord(scope, CELL_IDS.weightedRecordIpv6, weighted));

  const cellRecords: route53.RecordSet[] = [];
  if (dns.cellDomainName !== undefined) {
    const direct = { zone, recordName: dns.cellDomainName, target };
    cellRecords.push(new route53.ARecord(scope, CELL_IDS.cellRecord, direct));
    if (dualStack) cellRecords.push(new route53.AaaaRecord(scope, CELL_IDS.cellRecordIpv6, direct));
  }
  return { weightedRecords, cellRecords, healthCheck };
}
