/**
 * Route 53 records of one cell: a weighted alias under the tier name (explicit set identifier,
 * evaluate target health), an optional direct name, AAAA twins when dual-stack, and an optional
 * HTTPS health check attached to the weighted records (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html). Same records as
 * lib/cdk/private/dns.ts.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { CELL_IDS } from '../../core/ids';
import type { ResolvedCell, ResolvedTier } from '../../core/resolved';
import { create, type Scope } from './util';

/** What the DNS renderer returns. */
export interface RenderedDns {
  readonly weightedRecords: aws.route53.Record[];
  readonly cellRecords: aws.route53.Record[];
  readonly healthCheck?: aws.route53.HealthCheck;
}

/** Records (and health check) of one cell in the given zone, aliased to the load balancer. */
export function renderDns(
  scope: Scope,
  tier: ResolvedTier,
  cell: ResolvedCell,
  zoneId: pulumi.Input<string>,
  loadBalancer: aws.lb.LoadBalancer,
): RenderedDns {
  const dns = cell.dns;
  const types = cell.ipAddressType === 'dualstack' ? (['A', 'AAAA'] as const) : (['A'] as const);
  const aliases = [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: dns.evaluateTargetHealth }];
  const hc = dns.healthCheck;
  const healthCheck = hc
    ? create(aws.route53.HealthCheck, scope, CELL_IDS.route53HealthCheck, {
        type: hc.type,
        fqdn: hc.fqdn,
        port: hc.port,
        resourcePath: hc.resourcePath,
        requestInterval: hc.requestIntervalSeconds,
        failureThreshold: hc.failureThreshold,
        enableSni: hc.enableSni,
      })
    : undefined;

  const weightedRecords = types.map((type) =>
    create(aws.route53.Record, scope, type === 'A' ? CELL_IDS.weightedRecord : CELL_IDS.weightedRecordIpv6, {
      zoneId,
      name: tier.domainName,
      type,
      setIdentifier: dns.setIdentifier,
      weightedRoutingPolicies: [{ weight: dns.weight }],
      aliases,
      healthCheckId: healthCheck?.id,
    }),
  );
  const cellDomainName = dns.cellDomainName;
  const cellRecords =
    cellDomainName === undefined
      ? []
      : types.map((type) =>
          create(aws.route53.Record, scope, type === 'A' ? CELL_IDS.cellRecord : CELL_IDS.cellRecordIpv6, {
            zoneId,
            name: cellDomainName,
            type,
            aliases,
          }),
        );
  return { weightedRecords, cellRecords, healthCheck };
}
