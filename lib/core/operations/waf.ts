/**
 * The rules of the tier's regional AWS WAF web ACL, built once for both renderers from
 * `ResolvedWebAcl`, in the WAFv2 API's own spelling as CloudFormation's `AWS::WAFv2::WebACL` (and the
 * CDK L1) takes it. A renderer whose provider spells a key differently renames it at its edge
 * (lib/pulumi/private/waf.ts does, for two keys).
 *
 * Rules: the AWS managed common rule set (listed rules counted, not blocked) and a per-IP rate limit
 * scoped down to upgrade requests. WAF inspects only the HTTP upgrade request, never WebSocket
 * frames. Source: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
import type { ResolvedWebAcl } from './types';

/** A visibility config (`VisibilityConfig`). */
export function webAclVisibility(metricName: string): Record<string, unknown> {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

/** The web ACL's rules. */
export function webAclRules(acl: ResolvedWebAcl): Record<string, unknown>[] {
  const m = acl.managedRuleGroup;
  const r = acl.rateRule;
  return [
    {
      name: m.name,
      priority: m.priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: m.vendorName,
          name: m.name,
          ruleActionOverrides: m.countRules.map((name) => ({ name, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: webAclVisibility(`${acl.metricPrefix}-${m.name}`),
    },
    {
      name: r.name,
      priority: r.priority,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: r.limit,
          evaluationWindowSec: r.evaluationWindowSeconds,
          aggregateKeyType: r.aggregateKeyType,
          scopeDownStatement: {
            byteMatchStatement: {
              fieldToMatch: { singleHeader: { Name: r.scopeDown.header } },
              positionalConstraint: 'CONTAINS',
              searchString: r.scopeDown.contains,
              textTransformations: [{ priority: 0, type: r.scopeDown.textTransformation }],
            },
          },
        },
      },
      visibilityConfig: webAclVisibility(`${acl.metricPrefix}-${r.name}`),
    },
  ];
}
