/**
 * The tier's regional AWS WAF web ACL (L1: aws-cdk-lib has no WAF L2) and its association with ALB
 * cells. WAF inspects only the HTTP upgrade request: after `101 Switching Protocols` no frame is
 * seen (https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html). Rules: the AWS managed common rule set (with `NoUserAgent_HEADER` counted,
 * not blocked: many native WebSocket clients send no User-Agent) and a per-IP rate limit on upgrade
 * requests (header `Upgrade` contains `websocket`). Source:
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { OPERATIONS_CELL_IDS, OPERATIONS_TIER_IDS } from '../../core/ids';
import type { ResolvedWebAcl } from '../../core/operations';
import { webAclRules, webAclVisibility } from '../../core/operations/waf';

/** The tier's web ACL, when WAF is on. */
export function renderWebAcl(scope: Construct, acl: ResolvedWebAcl | undefined): wafv2.CfnWebACL | undefined {
  if (acl === undefined) return undefined;
  // Rules come from core in this provider's spelling; the parity test compares both renderings.
  return new wafv2.CfnWebACL(scope, OPERATIONS_TIER_IDS.webAcl, {
    scope: acl.scope,
    defaultAction: { allow: {} },
    visibilityConfig: webAclVisibility(acl.metricPrefix) as unknown as wafv2.CfnWebACL.VisibilityConfigProperty,
    rules: webAclRules(acl) as unknown as wafv2.CfnWebACL.RuleProperty[],
  });
}

/** Associate the tier's web ACL with an ALB cell. */
export function renderWebAclAssociation(
  scope: Construct,
  acl: wafv2.CfnWebACL,
  loadBalancer: elbv2.ApplicationLoadBalancer,
): wafv2.CfnWebACLAssociation {
  return new wafv2.CfnWebACLAssociation(scope, OPERATIONS_CELL_IDS.webAclAssociation, {
    resourceArn: loadBalancer.loadBalancerArn,
    webAclArn: acl.attrArn,
  });
}
