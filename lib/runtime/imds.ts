/**
 * The two instance-metadata (IMDSv2) signals that an instance is about to go away, polled so the
 * server can drain before the load balancer or EC2 cuts it off:
 * - `autoscaling/target-lifecycle-state`: the Auto Scaling lifecycle state the instance is moving
 *   to (`InService`, `Terminated`, `Detached`, `Standby`, `Warmed:*`).
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html
 * - `spot/instance-action`: 404 until a Spot interruption is scheduled, then JSON
 *   `{"action":"terminate"|"stop"|"hibernate","time":"<ISO 8601>"}` about two minutes ahead.
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
 * IMDSv2: a session token from `PUT /latest/api/token` goes in `X-aws-ec2-metadata-token`.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 */

/** Where IMDS lives on EC2. Tests point the runtime at a fake server on loopback instead. */
export const IMDS_BASE_URL = 'http://169.254.169.254';

/** Token lifetime requested, seconds (IMDSv2 allows 1–21600). */
const TOKEN_TTL_SECONDS = 21600;

/** Lifecycle states that mean "this instance leaves service": drain. */
export const LEAVING_LIFECYCLE_STATES: readonly string[] = ['Terminated', 'Detached', 'Standby'];

/** True when a target lifecycle state means the instance leaves service (`Warmed:*` included: it returns to a warm pool). */
export function isLeavingState(state: string): boolean {
  return LEAVING_LIFECYCLE_STATES.includes(state) || state.startsWith('Warmed:');
}

/** A scheduled Spot interruption. */
export interface SpotInstanceAction {
  readonly action: string;
  /** When EC2 acts, ms since the epoch. */
  readonly timeMs: number;
}

/** Minimal IMDSv2 client over `fetch` (Node ≥ 18). Every call is bounded by `timeoutMs`. */
export class ImdsClient {
  private token?: { value: string; expiresAtMs: number };

  constructor(
    private readonly baseUrl: string = IMDS_BASE_URL,
    private readonly timeoutMs = 1000,
  ) {}

  private async getToken(): Promise<string> {
    const now = Date.now();
    if (this.token && this.token.expiresAtMs > now + 60_000) return this.token.value;
    const res = await fetch(`${this.baseUrl}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`IMDSv2 token request returned HTTP ${res.status}`);
    const value = await res.text();
    this.token = { value, expiresAtMs: now + TOKEN_TTL_SECONDS * 1000 };
    return value;
  }

  /** GET a metadata path; undefined on 404. @throws on network errors and other statuses */
  async get(path: string): Promise<string | undefined> {
    const token = await this.getToken();
    const res = await fetch(`${this.baseUrl}/latest/meta-data/${path}`, {
      headers: { 'X-aws-ec2-metadata-token': token },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 404) return undefined;
    if (res.status === 401) this.token = undefined;
    if (!res.ok) throw new Error(`IMDS ${path} returned HTTP ${res.status}`);
    return (await res.text()).trim();
  }

  /** The Auto Scaling target lifecycle state, or undefined when the instance is not in a group. */
  targetLifecycleState(): Promise<string | undefined> {
    return this.get('autoscaling/target-lifecycle-state');
  }

  /** The scheduled Spot interruption, or undefined when none is scheduled. */
  async spotInstanceAction(): Promise<SpotInstanceAction | undefined> {
    const text = await this.get('spot/instance-action');
    if (!text) return undefined;
    const parsed = JSON.parse(text) as { action?: string; time?: string };
    const timeMs = parsed.time ? Date.parse(parsed.time) : NaN;
    return { action: parsed.action ?? 'terminate', timeMs: Number.isFinite(timeMs) ? timeMs : Date.now() };
  }

  /** This instance's id (`i-…`). */
  instanceId(): Promise<string | undefined> {
    return this.get('instance-id');
  }
}
