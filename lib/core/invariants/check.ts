/**
 * `checkRendered()`: the post-synthesis check. Re-applies the WebSocket invariants to what a tier
 * actually rendered (after every escape hatch, property override, aspect and transform), so a
 * `targetGroup.setAttribute(...)` or an L1 override cannot silently undo what validation proved.
 * Both renderers build a {@link RenderedTierView} and call this; the messages are the same.
 *
 * An issue is reported per rendered resource, with its construct path / resource name, the
 * rendered value, the value the tier resolved, why it matters, and the fix. An acknowledged code
 * (`acknowledge` in the tier config) is reported as a warning instead of an error.
 */
import type { AcknowledgementConfig, TierConfig } from '../config';
import { DEFAULTS } from '../defaults';
import { type Issue, IssueCollector, isPlainObject } from '../issues';
import { LIMITS, NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS } from '../limits';
import type { ResolvedCell, ResolvedTier } from '../resolved';
import { SERVER_ENV } from '../server-contract';
import { classifyTlsPolicy, RECOMMENDED_TLS_POLICY } from '../tls';
import { AWS_DEFAULTS } from './aws-defaults';
import type { RenderedIssueCode } from './codes';
import type { RenderedCellView, RenderedHealthCheckView, RenderedTargetGroupView, RenderedTierView } from './view';

/** What the check needs from the tier config besides the resolved tier (resolution drops both). */
export interface RenderedCheckOptions {
  /** The tier's `acknowledge` list. @default - nothing acknowledged */
  readonly acknowledge?: TierConfig['acknowledge'];
  /** `connection.longPollingFallback`, for the stickiness message. @default false */
  readonly longPollingFallback?: boolean;
}

/** The options of the check, read from a tier config (renderers call this with their props). */
export function renderedCheckOptions(config: TierConfig): RenderedCheckOptions {
  return {
    acknowledge: config.acknowledge,
    longPollingFallback: config.connection?.longPollingFallback ?? DEFAULTS.connection.longPollingFallback,
  };
}

/** A value that is neither absent nor concrete (an intrinsic function, an unresolved output): not checked. */
const LATE = Symbol('late-bound');
type Late = typeof LATE;

function num(raw: unknown, fallback: number): number | Late {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && /^-?\d+(?:\.\d+)?$/.test(raw.trim())) return Number(raw);
  return LATE;
}

function bool(raw: unknown, fallback: boolean): boolean | Late {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
  return LATE;
}

function str(raw: unknown, fallback: string): string | Late {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return LATE;
}

function isLate(v: unknown): v is Late {
  return v === LATE;
}

/** How a rendered value reads in a message: `5 s` or `absent (AWS default 300 s)`. */
function shown(raw: unknown, value: unknown, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  const text = typeof value === 'string' ? `"${value}"` : `${String(value)}${u}`;
  return raw === undefined || raw === null ? `absent (AWS default ${text})` : text;
}

/** The acknowledgement of a code for a cell, if any. */
function acknowledgement(list: TierConfig['acknowledge'], code: RenderedIssueCode, cell: string): { readonly reason?: string } | undefined {
  for (const entry of list ?? []) {
    if (entry === code) return {};
    if (isPlainObject(entry)) {
      const ack = entry as unknown as AcknowledgementConfig;
      if (ack.code === code && (ack.cells === undefined || ack.cells.includes(cell))) return { reason: ack.reason };
    }
  }
  return undefined;
}

/** Collects the issues of one cell; the shared tail names the escape hatch and the acknowledgement. */
class CellIssues {
  constructor(
    readonly issues: Issue[],
    readonly cell: ResolvedCell,
    private readonly options: RenderedCheckOptions,
  ) {}

  report(code: RenderedIssueCode, path: string, message: string): void {
    const ack = acknowledgement(this.options.acknowledge, code, this.cell.name);
    const tail =
      ` Then remove the escape hatch that changed it (setAttribute, addPropertyOverride, an aspect or a Pulumi transform),` +
      ` or, if the change is deliberate, acknowledge it: acknowledge: [{ code: '${code}', cells: ['${this.cell.name}'] }].`;
    const ackText = ack ? ` Acknowledged in the tier's acknowledge list${ack.reason ? `: ${ack.reason}` : ''}.` : '';
    this.issues.push({
      code,
      path,
      message: `${path}: ${message}${tail}${ackText}`,
      severity: ack ? 'warning' : 'error',
    });
  }
}

/**
 * Re-apply the WebSocket invariants to the rendered resources of every cell.
 * @param tier - the resolved tier the resources were rendered from
 * @param view - the rendered resources, one entry per cell (see `view.ts`)
 * @returns every broken invariant, errors and (acknowledged) warnings; none for an untouched tier
 */
export function checkRendered(tier: ResolvedTier, view: RenderedTierView, options: RenderedCheckOptions = {}): Issue[] {
  const issues: Issue[] = [];
  for (const cv of view.cells) {
    const cell = tier.cells.find((c) => c.name === cv.name);
    if (cell === undefined) continue;
    const out = new CellIssues(issues, cell, options);
    checkIdleTimers(out, cv);
    checkDrain(out, cv);
    checkTargetGroups(out, cv, options);
    checkHealthGrace(out, cv);
    checkListeners(out, tier, cv);
    checkRecords(out, tier, cv);
    for (const lt of cv.launchTemplates) {
      const tokens = str(lt.httpTokens, AWS_DEFAULTS.httpTokens.value);
      if (!isLate(tokens) && tokens !== 'required') {
        out.report(
          'rendered-imdsv2-not-required',
          lt.path,
          `MetadataOptions.HttpTokens is ${shown(lt.httpTokens, tokens)} in the rendered launch template of cell '${cell.name}' (the tier resolved "required"); without IMDSv2 any SSRF in the server can read the instance role's credentials (${AWS_DEFAULTS.httpTokens.source}). Allowed: "required". Fix: keep HttpTokens "required" (the server's IMDS calls already use session tokens).`,
        );
      }
    }
  }
  return issues;
}

/** The load balancer idle timer of the WebSocket path must outlast a ping and end before the server's keep-alive. */
function checkIdleTimers(out: CellIssues, cv: RenderedCellView): void {
  const cell = out.cell;
  const ping = cell.pingIntervalSeconds;
  const keepAlive = Number(cell.serverEnvironment[SERVER_ENV.keepAliveTimeoutSeconds]);
  const timers: { path: string; what: string; raw: unknown; value: number; resolved: number }[] = [];
  if (cell.loadBalancerType === 'application') {
    for (const lb of cv.loadBalancers) {
      const value = num(lb.idleTimeoutSeconds, AWS_DEFAULTS.albIdleTimeoutSeconds.value);
      if (!isLate(value))
        timers.push({
          path: lb.path,
          what: 'idle_timeout.timeout_seconds',
          raw: lb.idleTimeoutSeconds,
          value,
          resolved: cell.albIdleTimeoutSeconds,
        });
    }
  } else {
    for (const l of cv.listeners) {
      if (l.protocol !== 'TCP') continue; // TLS listeners: fixed 350 s
      const value = num(l.tcpIdleTimeoutSeconds, AWS_DEFAULTS.nlbTcpIdleTimeoutSeconds.value);
      const resolved = cell.listener.tcpIdleTimeoutSeconds ?? NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS;
      if (!isLate(value)) timers.push({ path: l.path, what: 'tcp.idle_timeout.seconds', raw: l.tcpIdleTimeoutSeconds, value, resolved });
    }
  }
  for (const t of timers) {
    if (t.value <= ping) {
      out.report(
        'rendered-idle-timeout-not-above-ping',
        t.path,
        `${t.what} is ${shown(t.raw, t.value, 's')} in the rendered load balancer of cell '${cell.name}' (the tier resolved ${t.resolved} s), not above the ${ping} s ping interval; the load balancer closes a connection that carries no data for its idle timeout, so idle sockets would be cut between pings. Allowed: more than ${ping} s (4× the ping interval, ${4 * ping} s, is recommended). Fix: keep ${t.what} at ${t.resolved} s, or set connection.pingIntervalSeconds / the idle timeout in the tier config.`,
      );
    } else if (Number.isFinite(keepAlive) && t.value >= keepAlive) {
      out.report(
        'rendered-idle-timeout-not-below-keep-alive',
        t.path,
        `${t.what} is ${shown(t.raw, t.value, 's')} in the rendered load balancer of cell '${cell.name}' (the tier resolved ${t.resolved} s), not below the server's HTTP keep-alive timeout of ${keepAlive} s (${SERVER_ENV.keepAliveTimeoutSeconds}); the load balancer may reuse a connection the server already closed and answer 502. Allowed: below ${keepAlive} s. Fix: change the idle timeout in the tier config (connection.albIdleTimeoutSeconds / nlbTcpIdleTimeoutSeconds), which moves the server's keep-alive with it.`,
      );
    }
  }
}

/** Deregistration delay (where it cuts sockets) and the termination hook must cover the drain. */
function checkDrain(out: CellIssues, cv: RenderedCellView): void {
  const cell = out.cell;
  const need = cell.drainWindowSeconds + cell.drainGraceSeconds;
  const drainText = `the drain window plus grace (${cell.drainWindowSeconds} + ${cell.drainGraceSeconds} = ${need} s)`;
  for (const tg of cv.targetGroups) {
    const delay = num(tg.deregistrationDelaySeconds, AWS_DEFAULTS.deregistrationDelaySeconds.value);
    if (isLate(delay) || delay >= need) continue;
    const resolved = cell.targetGroup.deregistrationDelaySeconds;
    // ECS cells (ALB or NLB): ECS sends SIGTERM when the delay ends, so it must cover the drain.
    if (cell.loadBalancerType === 'application' || cell.backend !== undefined) {
      out.report(
        'rendered-deregistration-delay-below-drain',
        tg.path,
        `deregistration_delay.timeout_seconds is ${shown(tg.deregistrationDelaySeconds, delay, 's')} in the rendered target group of cell '${cell.name}' (the tier resolved ${resolved} s), below ${drainText}; ${cell.backend !== undefined ? 'ECS stops the task (SIGTERM, then SIGKILL) when the delay ends' : 'the ALB may cut sockets still open when the delay ends'}, so a scale-in or replacement drops clients mid-drain. Allowed: ${need}–${LIMITS.deregistrationDelaySeconds.max} s (${LIMITS.deregistrationDelaySeconds.source}). Fix: keep the delay at ${resolved} s, or shorten connection.drainWindowSeconds in the tier config.`,
      );
    } else {
      const termination = bool(tg.connectionTermination, AWS_DEFAULTS.nlbConnectionTermination.value);
      if (termination !== true) continue; // connections outlive deregistration
      out.report(
        'rendered-deregistration-delay-below-drain',
        tg.path,
        `deregistration_delay.timeout_seconds is ${shown(tg.deregistrationDelaySeconds, delay, 's')} with deregistration_delay.connection_termination.enabled true in the rendered target group of cell '${cell.name}' (the tier resolved ${resolved} s with termination off), below ${drainText}; the NLB closes every socket when the delay ends, mid-drain. Allowed: termination off, or a delay of at least ${need} s (${LIMITS.deregistrationDelaySeconds.source}). Fix: keep connection termination off (the tier's setting).`,
      );
    }
  }
  if (cell.backend !== undefined) return; // ECS: no termination hook (ECS stops tasks; managed termination protection holds instances): the deregistration delay holds the drain
  const hooks = cv.lifecycleHooks.filter(
    (h) => h.lifecycleTransition === 'autoscaling:EC2_INSTANCE_TERMINATING' || isLate(str(h.lifecycleTransition, '')),
  );
  if (hooks.length === 0) {
    out.report(
      'rendered-lifecycle-hook-missing',
      cv.autoScalingGroups[0]?.path ?? `cell '${cell.name}'`,
      `the rendered Auto Scaling group of cell '${cell.name}' has no autoscaling:EC2_INSTANCE_TERMINATING lifecycle hook (the tier resolved "${cell.autoScaling.lifecycleHook.lifecycleHookName}"); without it an instance is terminated at once and every socket on it drops instead of draining. Allowed: the tier's termination hook. Fix: keep cell.terminationHook.`,
    );
  }
  const hook = cell.autoScaling.lifecycleHook;
  for (const h of hooks) {
    const heartbeat = num(h.heartbeatTimeoutSeconds, AWS_DEFAULTS.lifecycleHookHeartbeatSeconds.value);
    if (!isLate(heartbeat) && heartbeat < need) {
      out.report(
        'rendered-lifecycle-heartbeat-below-drain',
        h.path,
        `HeartbeatTimeout is ${shown(h.heartbeatTimeoutSeconds, heartbeat, 's')} in the rendered termination lifecycle hook of cell '${cell.name}' (the tier resolved ${hook.heartbeatTimeoutSeconds} s), below ${drainText}; the hook would time out mid-drain and the instance terminate with sockets open. Allowed: ${need}–${LIMITS.lifecycleHookHeartbeatSeconds.max} s (${LIMITS.lifecycleHookHeartbeatSeconds.source}). Fix: keep the heartbeat at ${hook.heartbeatTimeoutSeconds} s, or shorten connection.drainWindowSeconds in the tier config.`,
      );
    }
    const result = str(h.defaultResult, AWS_DEFAULTS.lifecycleHookDefaultResult.value);
    if (!isLate(result) && result !== 'CONTINUE') {
      out.report(
        'rendered-lifecycle-default-result-not-continue',
        h.path,
        `DefaultResult is ${shown(h.defaultResult, result)} in the rendered termination lifecycle hook of cell '${cell.name}' (the tier resolved "${hook.defaultResult}"); with ABANDON a hook that times out skips the remaining hooks of the termination, and the drain's contract with the server is CONTINUE (${AWS_DEFAULTS.lifecycleHookDefaultResult.source}). Allowed: "CONTINUE". Fix: keep DefaultResult "CONTINUE".`,
      );
    }
  }
}

/** Stickiness, NLB unhealthy-target termination, cross-zone and the health check of every target group. */
function checkTargetGroups(out: CellIssues, cv: RenderedCellView, options: RenderedCheckOptions): void {
  const cell = out.cell;
  const isNlb = cell.loadBalancerType === 'network';
  for (const tg of cv.targetGroups) {
    const sticky = bool(tg.stickinessEnabled, AWS_DEFAULTS.stickinessEnabled.value);
    if (cell.targetGroup.stickiness !== undefined && sticky === false) {
      const why = options.longPollingFallback
        ? 'connection.longPollingFallback is on, so pre-upgrade polling requests would land on other instances and fail with HTTP 400 "Session ID unknown" (https://socket.io/docs/v4/using-multiple-nodes)'
        : 'the tier turned it on (connection.stickiness.enabled), so requests of one session would be spread over instances';
      out.report(
        'rendered-stickiness-off',
        tg.path,
        `stickiness.enabled is ${shown(tg.stickinessEnabled, sticky)} in the rendered target group of cell '${cell.name}' (the tier resolved ${cell.targetGroup.stickiness.type} stickiness); ${why}. Allowed: true. Fix: keep stickiness on, or turn it off in the tier config (connection.stickiness.enabled: false with longPollingFallback: false and clients on transports: ['websocket']).`,
      );
    }
    if (isNlb) {
      const cut = bool(tg.unhealthyConnectionTermination, AWS_DEFAULTS.nlbUnhealthyConnectionTermination.value);
      if (cut === true) {
        out.report(
          'rendered-nlb-unhealthy-termination-on',
          tg.path,
          `target_health_state.unhealthy.connection_termination.enabled is ${shown(tg.unhealthyConnectionTermination, cut)} in the rendered target group of cell '${cell.name}' (the tier resolved false); the NLB then resets every WebSocket on a target whose health check fails once too often, including a draining server answering 503 (${AWS_DEFAULTS.nlbUnhealthyConnectionTermination.source}). Allowed: false. Fix: keep it "false".`,
        );
      }
    }
    const tgCrossZone = str(tg.crossZoneEnabled, AWS_DEFAULTS.targetGroupCrossZoneEnabled.value);
    if (tgCrossZone === 'false') {
      out.report(
        'rendered-cross-zone-off',
        tg.path,
        `load_balancing.cross_zone.enabled is "false" in the rendered target group of cell '${cell.name}' (the tier resolved "use_load_balancer_configuration" with cross-zone on); each load balancer node then sends only to its own zone's targets, so an uneven zone spread becomes uneven connection load (${AWS_DEFAULTS.targetGroupCrossZoneEnabled.source}). Allowed: "true" or "use_load_balancer_configuration". Fix: remove the attribute.`,
      );
    }
    checkHealthCheck(out, tg);
  }
  if (!isNlb) return;
  for (const lb of cv.loadBalancers) {
    const crossZone = bool(lb.crossZoneEnabled, AWS_DEFAULTS.nlbCrossZoneEnabled.value);
    if (crossZone === false) {
      out.report(
        'rendered-cross-zone-off',
        lb.path,
        `load_balancing.cross_zone.enabled is ${shown(lb.crossZoneEnabled, crossZone)} in the rendered network load balancer of cell '${cell.name}' (the tier resolved true); each NLB node then sends only to its own zone's targets, so an uneven zone spread becomes uneven connection load (${AWS_DEFAULTS.nlbCrossZoneEnabled.source}). Allowed: "true". Fix: keep cross-zone load balancing on.`,
      );
    }
  }
}

function checkHealthCheck(out: CellIssues, tg: RenderedTargetGroupView): void {
  const cell = out.cell;
  const r = cell.targetGroup.healthCheck;
  const hc: RenderedHealthCheckView = tg.healthCheck;
  const isAlb = cell.loadBalancerType === 'application';
  const where = `in the rendered target group of cell '${cell.name}'`;
  const enabled = bool(hc.enabled, AWS_DEFAULTS.healthCheckEnabled.value);
  const protocol = str(hc.protocol, (isAlb ? AWS_DEFAULTS.albHealthCheckProtocol : AWS_DEFAULTS.nlbHealthCheckProtocol).value);
  const path = str(hc.path, AWS_DEFAULTS.healthCheckPath.value);
  const portText = str(hc.port, AWS_DEFAULTS.healthCheckPort.value);
  const port = portText === 'traffic-port' ? cell.targetGroup.port : isLate(portText) ? LATE : Number(portText);
  const changed: string[] = [];
  if (enabled === false) changed.push(`HealthCheckEnabled is ${shown(hc.enabled, enabled)} (resolved true)`);
  if (!isLate(protocol) && protocol !== r.protocol)
    changed.push(`the protocol is ${shown(hc.protocol, protocol)} (resolved "${r.protocol}")`);
  if (!isLate(path) && protocol === 'HTTP' && path !== r.path) changed.push(`the path is ${shown(hc.path, path)} (resolved "${r.path}")`);
  if (!isLate(port) && port !== r.port) changed.push(`the port is ${shown(hc.port, portText)} (resolved ${r.port})`);
  if (changed.length > 0) {
    out.report(
      'rendered-health-check-changed',
      tg.path,
      `the health check ${where} changed: ${changed.join(', ')}; the server answers ${r.protocol} ${r.path} on port ${r.port} (${SERVER_ENV.healthPath}, ${SERVER_ENV.healthPort}) with 200 while serving and 503 while draining, which is how a draining instance leaves rotation. Allowed: the tier's health check. Fix: change healthCheck in the tier config, which moves the server's endpoint with it.`,
    );
  }
  // AWS's ranges, with validate.ts's messages (the shared collector's range check).
  const ranges = new IssueCollector();
  const interval = num(hc.intervalSeconds, AWS_DEFAULTS.healthCheckIntervalSeconds.value);
  const timeout = num(
    hc.timeoutSeconds,
    (isAlb ? AWS_DEFAULTS.albHealthCheckTimeoutSeconds : AWS_DEFAULTS.nlbHealthCheckTimeoutSeconds).value,
  );
  const rows: [string, number | Late, { min: number; max: number; source: string }, string, number][] = [
    ['HealthCheckIntervalSeconds', interval, LIMITS.healthCheckIntervalSeconds, 's', r.intervalSeconds],
    ['HealthCheckTimeoutSeconds', timeout, LIMITS.healthCheckTimeoutSeconds, 's', r.timeoutSeconds],
    [
      'HealthyThresholdCount',
      num(hc.healthyThresholdCount, AWS_DEFAULTS.healthyThresholdCount.value),
      LIMITS.healthCheckThresholdCount,
      '',
      r.healthyThresholdCount,
    ],
    [
      'UnhealthyThresholdCount',
      num(hc.unhealthyThresholdCount, AWS_DEFAULTS.unhealthyThresholdCount.value),
      LIMITS.healthCheckThresholdCount,
      '',
      r.unhealthyThresholdCount,
    ],
  ];
  for (const [field, value, range, unit, resolved] of rows) {
    if (isLate(value)) continue;
    const before = ranges.issues.length;
    ranges.int(field, value, range, unit);
    for (const issue of ranges.issues.slice(before)) {
      const context = ` (${where}; the tier resolved ${resolved}${unit ? ` ${unit}` : ''}). Fix:`;
      out.report('rendered-health-check-out-of-range', tg.path, issue.message.replace(/\. Fix:/, context));
    }
  }
  if (!isLate(interval) && !isLate(timeout) && timeout >= interval) {
    out.report(
      'rendered-health-check-timeout-not-below-interval',
      tg.path,
      `HealthCheckTimeoutSeconds is ${shown(hc.timeoutSeconds, timeout, 's')} but HealthCheckIntervalSeconds is ${shown(hc.intervalSeconds, interval, 's')} ${where} (the tier resolved ${r.timeoutSeconds} s and ${r.intervalSeconds} s); the timeout must be shorter than the interval (${LIMITS.healthCheckTimeoutSeconds.source}). Fix: keep the tier's health-check timings.`,
    );
  }
}

/** A lowered grace period must still let a new instance pass the health check before ELB checks can replace it. */
function checkHealthGrace(out: CellIssues, cv: RenderedCellView): void {
  const cell = out.cell;
  const resolved = cell.autoScaling.healthCheckGracePeriodSeconds;
  const hc = cv.targetGroups[0]?.healthCheck;
  const interval = num(hc?.intervalSeconds, cell.targetGroup.healthCheck.intervalSeconds);
  const healthy = num(hc?.healthyThresholdCount, cell.targetGroup.healthCheck.healthyThresholdCount);
  if (isLate(interval) || isLate(healthy)) return;
  const firstHealthy = interval * healthy;
  for (const asg of cv.autoScalingGroups) {
    const type = str(asg.healthCheckType, AWS_DEFAULTS.healthCheckType.value);
    const grace = num(asg.healthCheckGracePeriodSeconds, AWS_DEFAULTS.healthCheckGracePeriodSeconds.value);
    if (type !== 'ELB' || isLate(grace) || grace >= resolved || grace >= firstHealthy) continue;
    out.report(
      'rendered-health-check-grace-too-short',
      asg.path,
      `HealthCheckGracePeriod is ${shown(asg.healthCheckGracePeriodSeconds, grace, 's')} in the rendered Auto Scaling group of cell '${cell.name}' (the tier resolved ${resolved} s), shorter than the ${firstHealthy} s a new instance needs to pass the ELB health check (interval ${interval} s × healthy threshold ${healthy}); booting instances would be replaced before they serve (${AWS_DEFAULTS.healthCheckGracePeriodSeconds.source}). Allowed: at least ${firstHealthy} s. Fix: keep the grace period at ${resolved} s, or set scaling.healthCheckGracePeriodSeconds in the tier config.`,
    );
  }
}

/** Every HTTPS/TLS listener keeps a TLS 1.2+ policy (and TLS 1.2 itself while Route 53 HTTPS checks run). */
function checkListeners(out: CellIssues, tier: ResolvedTier, cv: RenderedCellView): void {
  const cell = out.cell;
  for (const l of cv.listeners) {
    if (l.protocol !== 'HTTPS' && l.protocol !== 'TLS') continue;
    const policy = str(l.tlsPolicy, AWS_DEFAULTS.tlsPolicy.value);
    if (isLate(policy) || policy === cell.listener.tlsPolicy) continue;
    const cls = classifyTlsPolicy(policy);
    if (cls === 'tls12-plus' || (cls === 'tls13-only' && !tier.route53HealthChecks)) continue;
    const why =
      cls === 'legacy'
        ? 'it still allows TLS 1.0/1.1'
        : cls === 'tls13-only'
          ? 'it is TLS 1.3 only while dns.healthChecks is on, and Route 53 HTTPS health checkers need TLS 1.2 or lower, so every cell would look unhealthy'
          : 'it is not a known ELB security policy offering TLS 1.2+ (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html)';
    out.report(
      'rendered-tls-policy-not-allowed',
      l.path,
      `SslPolicy is ${shown(l.tlsPolicy, policy)} on the rendered ${String(l.protocol)} listener of cell '${cell.name}' (the tier resolved "${cell.listener.tlsPolicy ?? tier.tlsPolicy}"); ${why}. Allowed: a TLS 1.2+ policy. Fix: keep "${cell.listener.tlsPolicy ?? RECOMMENDED_TLS_POLICY}", or set tlsPolicy in the tier config.`,
    );
  }
}

function sameName(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.replace(/\.$/, '').toLowerCase() === b.toLowerCase();
}

/** Weighted records keep the cell name as set identifier; alias records keep evaluate-target-health. */
function checkRecords(out: CellIssues, tier: ResolvedTier, cv: RenderedCellView): void {
  const cell = out.cell;
  for (const r of cv.records) {
    const weighted = sameName(r.name, tier.domainName) || r.weight !== undefined;
    const id = str(r.setIdentifier, '');
    if (weighted && !isLate(id) && id !== cell.dns.setIdentifier) {
      out.report(
        'rendered-set-identifier-changed',
        r.path,
        `SetIdentifier is ${r.setIdentifier === undefined ? 'absent' : `"${id}"`} on the rendered weighted record of cell '${cell.name}' (the tier resolved "${cell.dns.setIdentifier}"); the set identifier is the record's identity among the weighted records of ${tier.domainName}: a changed one makes Route 53 replace the record (a DNS gap during deployment), a missing one is rejected (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html). Allowed: "${cell.dns.setIdentifier}". Fix: keep the cell name as set identifier (rename a cell only by adding a new one).`,
      );
    }
    if (!r.alias) continue;
    const evaluate = bool(r.evaluateTargetHealth, AWS_DEFAULTS.evaluateTargetHealth.value);
    if (evaluate === false) {
      out.report(
        'rendered-evaluate-target-health-off',
        r.path,
        `AliasTarget.EvaluateTargetHealth is ${shown(r.evaluateTargetHealth, evaluate)} on the rendered record of cell '${cell.name}' (the tier resolved true); Route 53 would keep answering with a cell whose targets are all unhealthy, sending reconnecting clients into it (${AWS_DEFAULTS.evaluateTargetHealth.source}). Allowed: true. Fix: keep evaluate-target-health on.`,
      );
    }
  }
}
