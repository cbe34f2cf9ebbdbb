/**
 * The conformance checks as data, and the pure verdicts the runner applies to what it observed.
 * Every verdict returns `{ pass, detail }`: on failure the detail says what the server did instead.
 * Sections name docs/server-contract.md.
 */
import { parseRetryHint } from '../client/backoff';
import { CLOSE_GOING_AWAY, CLOSE_SERVICE_RESTART } from '../runtime/close';

/** Ids of the checks, in the order the runner reports them. */
export type CheckId =
  'health-ready' | 'ping' | 'keep-alive' | 'origin' | 'max-message' | 'cap' | 'gauge' | 'health-503' | 'pacing' | 'close-codes' | 'exit';

/** What one check asserts and which contract section it tests. */
export interface CheckSpec {
  readonly id: CheckId;
  /** docs/server-contract.md section heading(s) it tests, e.g. `§8 Admission` (test/conformance checks each exists). */
  readonly section: string;
  /** What a conforming server does. */
  readonly expectation: string;
}

/** Every check, in report order. */
export const CHECKS: readonly CheckSpec[] = [
  { id: 'health-ready', section: '§3 Listening and the health endpoint', expectation: 'health path answers 200 once the server is ready' },
  { id: 'ping', section: '§7 Ping and keep-alive', expectation: 'pings arrive on an idle socket within the ping interval' },
  { id: 'keep-alive', section: '§7 Ping and keep-alive', expectation: 'an idle HTTP keep-alive connection outlives the LB idle timeout' },
  { id: 'origin', section: '§8 Admission', expectation: 'an upgrade with a foreign Origin is refused with HTTP 403' },
  { id: 'max-message', section: '§8 Admission', expectation: 'a message above the maximum size closes the socket with 1009' },
  { id: 'cap', section: '§8 Admission', expectation: 'beyond the connection cap the next client is closed with 1013' },
  { id: 'gauge', section: '§10 Connection gauge', expectation: 'EMF gauge datagrams report the real connection count within 1 s' },
  {
    id: 'health-503',
    section: '§3 Listening and the health endpoint, §4 Drain triggers',
    expectation: 'on SIGTERM health answers 503 before the first close',
  },
  { id: 'pacing', section: '§5 Paced drain', expectation: 'closes are spread over the drain window (peak ≤ 2× the uniform rate)' },
  {
    id: 'close-codes',
    section: '§6 Close codes and the retry hint',
    expectation: 'drain closes use 1001 or 1012 with a JSON retry hint {"retryAfterMs":N}',
  },
  { id: 'exit', section: '§11 Lifecycle heartbeat and completion', expectation: 'the process exits 0 within drain window + grace' },
];

/** A verdict on one check. */
export interface Verdict {
  readonly pass: boolean;
  /** What was measured; on failure, what the server did instead. */
  readonly detail: string;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * Pings on an idle socket: at least two, the first within `limitMs` of the open and each next one
 * within `limitMs` of the previous.
 * @param pingsAtMs - arrival times, ms after the socket opened
 */
export function pingVerdict(pingsAtMs: readonly number[], intervalMs: number, limitMs: number, watchedMs: number): Verdict {
  if (pingsAtMs.length === 0)
    return { pass: false, detail: `no ping frame in ${s(watchedMs)} on an idle socket (interval ${s(intervalMs)})` };
  const gaps = pingsAtMs.map((t, i) => t - (i === 0 ? 0 : pingsAtMs[i - 1]));
  const worst = Math.max(...gaps);
  const list = gaps.map(s).join(', ');
  if (pingsAtMs.length < 2) return { pass: false, detail: `1 ping in ${s(watchedMs)} (at ${s(pingsAtMs[0])}); interval ${s(intervalMs)}` };
  if (worst > limitMs) return { pass: false, detail: `gaps ${list}: the longest exceeds ${s(limitMs)} (interval ${s(intervalMs)})` };
  return { pass: true, detail: `${pingsAtMs.length} pings, gaps ${list} (interval ${s(intervalMs)})` };
}

/**
 * Pacing: closes binned from the SIGTERM in bins of `2 × window / n` (two uniform slices each), so
 * the uniform rate puts 2 closes in a bin; any bin above 4 (2× uniform) fails. Closes after the
 * window fall in further bins and count the same.
 * @param closesAtMs - close times, ms after SIGTERM
 * @param expected - sockets that were open at SIGTERM
 */
export function pacingVerdict(closesAtMs: readonly number[], windowMs: number, expected: number): Verdict {
  const n = closesAtMs.length;
  if (expected < 4)
    return { pass: false, detail: `only ${expected} sockets were open at SIGTERM; the kit needs at least 4 to judge pacing` };
  if (n === 0) return { pass: false, detail: `none of the ${expected} sockets was closed` };
  const binMs = (2 * windowMs) / expected;
  const bins = new Map<number, number>();
  for (const t of closesAtMs) {
    const b = Math.max(0, Math.floor(t / binMs));
    bins.set(b, (bins.get(b) ?? 0) + 1);
  }
  const peak = Math.max(...bins.values());
  const allowed = 4;
  const first = Math.min(...closesAtMs);
  const last = Math.max(...closesAtMs);
  const where = `${n} closes from ${s(first)} to ${s(last)} after SIGTERM, peak ${peak} per ${s(binMs)} bin (allowed ${allowed}, window ${s(windowMs)})`;
  return { pass: peak <= allowed, detail: peak <= allowed ? where : `${where}: bursty` };
}

/** One health probe during the drain. */
export interface HealthProbe {
  /** When the request was sent, ms after SIGTERM. */
  readonly sentAtMs: number;
  /** HTTP status, or undefined when the request failed. */
  readonly status?: number;
  /** Why the request failed (ECONNREFUSED, timeout…). */
  readonly error?: string;
}

/** A failed probe this close to the last close may race the server's exit and does not count, ms. */
export const HEALTH_EXIT_RACE_MS = 250;

/**
 * Health flip: some probe answered 503; no probe sent after the first close answered anything but
 * 503; and none sent between the first close and the last one (less `HEALTH_EXIT_RACE_MS`) failed
 * to connect (a drained server may stop listening and exit after its last close; a probe racing the
 * flip before the first close may still see 200).
 * @param firstCloseAtMs - ms after SIGTERM; undefined when nothing closed
 */
export function healthFlipVerdict(
  probes: readonly HealthProbe[],
  firstCloseAtMs: number | undefined,
  lastCloseAtMs = firstCloseAtMs,
): Verdict {
  const first503 = probes.find((p) => p.status === 503);
  const closeText = firstCloseAtMs === undefined ? 'no close seen' : `first close at ${s(firstCloseAtMs)}`;
  const wrong =
    firstCloseAtMs === undefined
      ? undefined
      : probes.find(
          (p) =>
            p.sentAtMs >= firstCloseAtMs &&
            (p.status !== undefined ? p.status !== 503 : p.sentAtMs < (lastCloseAtMs ?? firstCloseAtMs) - HEALTH_EXIT_RACE_MS),
        );
  if (wrong) {
    const what = wrong.status !== undefined ? `answered ${wrong.status}` : `failed (${wrong.error ?? 'no answer'})`;
    return { pass: false, detail: `a health probe sent at ${s(wrong.sentAtMs)} ${what}, after the ${closeText}` };
  }
  if (!first503) {
    const seen = [...new Set(probes.map((p) => (p.status !== undefined ? String(p.status) : (p.error ?? 'error'))))].join(', ');
    return { pass: false, detail: `no probe answered 503 (${probes.length} probes: ${seen || 'none'}); ${closeText}` };
  }
  return { pass: true, detail: `503 from ${s(first503.sentAtMs)} after SIGTERM; ${closeText}; ${probes.length} probes` };
}

/** One close observed by the kit's client. */
export interface ObservedClose {
  readonly code: number;
  readonly reason: string;
}

/** Drain close codes: every close is 1001 or 1012 and its reason carries a parseable retry hint. */
export function closeCodesVerdict(closes: readonly ObservedClose[]): Verdict {
  if (closes.length === 0) return { pass: false, detail: 'no socket was closed during the drain' };
  const bad = closes.filter(
    (c) => !(c.code === CLOSE_GOING_AWAY || c.code === CLOSE_SERVICE_RESTART) || parseRetryHint(c.reason) === undefined,
  );
  const sample = (c: ObservedClose) => `${c.code} ${JSON.stringify(c.reason)}`;
  if (bad.length > 0)
    return { pass: false, detail: `${bad.length} of ${closes.length} closes were not 1001/1012 with a hint, e.g. ${sample(bad[0])}` };
  return { pass: true, detail: `${closes.length} closes, e.g. ${sample(closes[0])}` };
}

/**
 * The connection count in one EMF datagram, or an error saying why the datagram is not a gauge record
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
export function parseGaugeDatagram(text: string, namespace: string, metricName: string): { value: number } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.trim());
  } catch {
    return { error: `not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  const d = doc as { _aws?: { CloudWatchMetrics?: { Namespace?: string; Metrics?: { Name?: string }[] }[] } } & Record<string, unknown>;
  const directive = d._aws?.CloudWatchMetrics?.find((m) => m.Namespace === namespace && m.Metrics?.some((x) => x.Name === metricName));
  if (!directive) return { error: `no _aws.CloudWatchMetrics entry for ${namespace}/${metricName}` };
  const value = d[metricName];
  if (typeof value !== 'number' || !Number.isFinite(value)) return { error: `${metricName} is ${JSON.stringify(value)}, not a number` };
  return { value };
}

/** One gauge measurement: after the count changed to `expected`, how long until a datagram said so. */
export interface GaugeMeasurement {
  readonly expected: number;
  /** ms from the change to the first datagram carrying `expected`; undefined when none came in time. */
  readonly latencyMs?: number;
  /** Values of the datagrams seen while waiting. */
  readonly seen: readonly number[];
}

/** Gauge: every measurement saw its count within `limitMs`; no malformed datagram. */
export function gaugeVerdict(measurements: readonly GaugeMeasurement[], malformed: readonly string[], limitMs: number): Verdict {
  if (malformed.length > 0) return { pass: false, detail: `malformed datagram: ${malformed[0]}` };
  const late = measurements.find((m) => m.latencyMs === undefined || m.latencyMs > limitMs);
  const list = measurements.map((m) => `${m.expected} after ${m.latencyMs === undefined ? 'never' : s(m.latencyMs)}`).join(', ');
  if (late) {
    const seen = late.seen.length ? `datagrams said ${[...new Set(late.seen)].join(', ')}` : 'no datagram arrived';
    return { pass: false, detail: `count ${late.expected} not reported within ${s(limitMs)} (${seen}); ${list}` };
  }
  return { pass: true, detail: list };
}

/** What the keep-alive probe saw (see `keepAliveProbe`). */
export interface KeepAliveObservation {
  /** Headers of the first response (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  readonly firstStatus?: number;
  /** ms after the first response at which the server closed the connection; undefined if it stayed open. */
  readonly closedAfterMs?: number;
  /** Status of the second request on the same connection (sent after the idle wait). */
  readonly secondStatus?: number;
  readonly error?: string;
}

/**
 * Keep-alive above the LB idle timer: the connection stays open for longer than `idleMs` and
 * answers a second request, or every response says `Connection: close` (nothing idle for the load
 * balancer to reuse). A `Keep-Alive: timeout=N` at or below the idle timeout fails either way.
 */
export function keepAliveVerdict(o: KeepAliveObservation, idleMs: number): Verdict {
  const idle = `LB idle timeout ${s(idleMs)}`;
  if (o.firstStatus === undefined) return { pass: false, detail: `health request failed: ${o.error ?? 'no answer'}` };
  const ka = /timeout=(\d+)/i.exec(o.headers['keep-alive'] ?? '');
  if (ka && Number(ka[1]) * 1000 <= idleMs) return { pass: false, detail: `Keep-Alive: timeout=${ka[1]} is not above the ${idle}` };
  if (/\bclose\b/i.test(o.headers.connection ?? '')) {
    return { pass: true, detail: `every response says Connection: close (no idle connection for the LB to reuse; ${idle})` };
  }
  if (o.closedAfterMs !== undefined) {
    return { pass: false, detail: `the server closed the idle keep-alive connection after ${s(o.closedAfterMs)}, within the ${idle}` };
  }
  if (o.secondStatus === undefined)
    return { pass: false, detail: `second request on the idle connection failed: ${o.error ?? 'no answer'}` };
  return {
    pass: true,
    detail: `open after ${s(idleMs)} idle, second request ${o.secondStatus}${ka ? `, Keep-Alive: timeout=${ka[1]}` : ''} (${idle})`,
  };
}
