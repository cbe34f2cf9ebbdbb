/**
 * The codes of the post-synthesis check (`checkRendered()`), as data: one entry per rule, with
 * what it protects. `validateTier()` reads this list to refuse unknown codes in `acknowledge`.
 * This module imports nothing.
 */

/** Every code `checkRendered()` can report, with the invariant it re-applies to the rendered resources. */
export const RENDERED_RULES = {
  'rendered-idle-timeout-not-above-ping':
    'the load balancer idle timeout (ALB attribute, NLB TCP listener attribute) stays above the ping interval',
  'rendered-idle-timeout-not-below-keep-alive': "the load balancer idle timeout stays below the server's HTTP keep-alive timeout",
  'rendered-deregistration-delay-below-drain': 'the deregistration delay covers the drain window plus grace wherever it cuts sockets',
  'rendered-lifecycle-heartbeat-below-drain': 'the termination lifecycle hook heartbeat covers the drain window plus grace',
  'rendered-lifecycle-default-result-not-continue': 'the termination lifecycle hook DefaultResult is CONTINUE',
  'rendered-lifecycle-hook-missing': 'the cell keeps its termination lifecycle hook',
  'rendered-stickiness-off': 'stickiness stays on where the tier turned it on (long-polling needs it)',
  'rendered-nlb-unhealthy-termination-on': 'NLB target groups keep connections to unhealthy targets',
  'rendered-cross-zone-off': 'cross-zone load balancing stays on (load balancer and target group)',
  'rendered-health-check-changed': 'the target-group health check probes the protocol, path and port the server answers',
  'rendered-health-check-out-of-range': 'health-check timings and thresholds stay in the ranges AWS accepts',
  'rendered-health-check-timeout-not-below-interval': 'the health-check timeout stays below its interval',
  'rendered-health-check-grace-too-short': 'the Auto Scaling health-check grace period gives a new instance time to pass the health check',
  'rendered-tls-policy-not-allowed': 'every HTTPS/TLS listener keeps a TLS 1.2+ policy (TLS 1.2 when Route 53 health checks are on)',
  'rendered-set-identifier-changed': 'weighted records keep the cell name as their set identifier',
  'rendered-evaluate-target-health-off': 'weighted and cell records keep evaluate-target-health on',
  'rendered-imdsv2-not-required': 'launch templates require IMDSv2 (HttpTokens required)',
} as const;

/** A code of the post-synthesis check; acknowledge one with `acknowledge` in the tier config. */
export type RenderedIssueCode = keyof typeof RENDERED_RULES;

/** The codes, in rule order. */
export const RENDERED_ISSUE_CODES = Object.keys(RENDERED_RULES) as readonly RenderedIssueCode[];

/** True when `code` is a code of the post-synthesis check. */
export function isRenderedIssueCode(code: unknown): code is RenderedIssueCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(RENDERED_RULES, code);
}
