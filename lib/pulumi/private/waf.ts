/**
 * The tier's regional AWS WAF web ACL and its association with ALB cells, from
 * `tier.operations.webAcl`: the same two rules as lib/cdk/private/waf.ts (the AWS managed common
 * rule set with `NoUserAgent_HEADER` counted, and a per-IP rate limit on upgrade requests). WAF
 * inspects only the HTTP upgrade request, never WebSocket frames. Source:
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { OPERATIONS_CELL_IDS, OPERATIONS_TIER_IDS } from '../../core/ids';
import type { ResolvedWebAcl } from '../../core/operations';
import { webAclRules, webAclVisibility } from '../../core/operations/waf';
import { create, type Scope } from './util';

/** The tier's web ACL, when the plan has one. */
export function renderWebAcl(scope: Scope, acl: ResolvedWebAcl | undefined): aws.wafv2.WebAcl | undefined {
  if (acl === undefined) return undefined;
  // Rules come from core in the WAFv2 API spelling; @pulumi/aws spells two keys differently.
  return create(aws.wafv2.WebAcl, scope, OPERATIONS_TIER_IDS.webAcl, {
    scope: acl.scope,
    defaultAction: { allow: {} },
    visibilityConfig: pulumiSpelling(webAclVisibility(acl.metricPrefix)) as unknown as aws.types.input.wafv2.WebAclVisibilityConfig,
    rules: pulumiSpelling(webAclRules(acl)) as unknown as aws.types.input.wafv2.WebAclRule[],
  });
}

/** Associate the tier's web ACL with an ALB cell's load balancer. */
export function renderWebAclAssociation(
  scope: Scope,
  webAclArn: pulumi.Input<string>,
  loadBalancerArn: pulumi.Input<string>,
): aws.wafv2.WebAclAssociation {
  return create(aws.wafv2.WebAclAssociation, scope, OPERATIONS_CELL_IDS.webAclAssociation, { resourceArn: loadBalancerArn, webAclArn });
}

/** @pulumi/aws spellings of WAFv2 keys that differ from the API's (`CloudWatchMetricsEnabled`, `SingleHeader.Name`). */
const PULUMI_KEYS: Readonly<Record<string, string>> = { cloudWatchMetricsEnabled: 'cloudwatchMetricsEnabled', Name: 'name' };

/** The same structure with the keys @pulumi/aws spells differently renamed, recursively. */
export function pulumiSpelling<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => pulumiSpelling(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [PULUMI_KEYS[k] ?? k, pulumiSpelling(v)])) as T;
}
