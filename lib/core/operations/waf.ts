/**
 * The rules of the tier's regional AWS WAF web ACL, built once for both renderers from
 * `ResolvedWebAcl`. CloudFormation (`AWS::WAFv2::WebACL`, as the CDK L1 takes it) and @pulumi/aws
 * (`aws.wafv2.WebAcl`) use the same structure with two spelling differences, chosen by `dialect`:
 * the visibility flag (`cloudWatchMetricsEnabled` / `cloudwatchMetricsEnabled`) and the header key
 * of `singleHeader` (`Name` / `name`).
 *
 * Rules: the AWS managed common rule set (listed rules counted, not blocked) and a per-IP rate limit
 * scoped down to upgrade requests. WAF inspects only the HTTP upgrade request, never WebSocket
 * frames. Source: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
import type { ResolvedWebAcl } from './types';

/** Which spelling of the WAFv2 structure to produce. */
export type WafDialect = 'cloudformation' | 'pulumi';

/** A visibility config in the given dialect. */
export function webAclVisibility(metricName: string, dialect: WafDialect): Record<string, unknown> {
  const flag = dialect === 'cloudformation' ? 'cloudWatchMetricsEnabled' : 'cloudwatchMetricsEnabled';
  return { [flag]: true, sampledRequestsEnabled: true, metricName };
}

/** The web ACL's rules in the given dialect. */
export function webAclRules(acl: ResolvedWebAcl, dialect: WafDialect): Record<string, unknown>[] {
  const m = acl.managedRuleGroup;
  const r = acl.rateRule;
  const headerKey = dialect === 'cloudformation' ? 'Name' : 'name';
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
      visibilityConfig: webAclVisibility(`${acl.metricPrefix}-${m.name}`, dialect),
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
              fieldToMatch: { singleHeader: { [headerKey]: r.scopeDown.header } },
              positionalConstraint: 'CONTAINS',
              searchString: r.scopeDown.contains,
              textTransformations: [{ priority: 0, type: r.scopeDown.textTransformation }],
            },
          },
        },
      },
      visibilityConfig: webAclVisibility(`${acl.metricPrefix}-${r.name}`, dialect),
    },
  ];
}
