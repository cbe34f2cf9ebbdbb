/**
 * The connection gauge in CloudWatch embedded metric format (EMF), sent over UDP to the local
 * CloudWatch agent (`WST_EMF_ENDPOINT`, `udp://127.0.0.1:25888` on the tier's instances). Namespace,
 * metric name and dimension are `CONNECTION_GAUGE` from `lib/core/metrics.ts`, the metric the
 * scaling policies track. No `LogGroupName` is set: the agent writes to its default group, the one
 * the instance role may write to (`EMF_LOG_GROUP`).
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import * as dgram from 'node:dgram';
import { CONNECTION_GAUGE } from '../core/metrics';

/** What one gauge record says. */
export interface GaugeSample {
  /** Open WebSocket connections on this node, integer ≥ 0. */
  readonly connections: number;
  /** Value of the `AutoScalingGroupName` dimension. */
  readonly autoScalingGroupName: string;
  /** Record time, ms since the epoch. */
  readonly timestampMs: number;
  /** @default CONNECTION_GAUGE.namespace */
  readonly namespace?: string;
  /** @default CONNECTION_GAUGE.metricName */
  readonly metricName?: string;
}

/** One EMF record (a JSON line) for the connection gauge. */
export function emfRecord(sample: GaugeSample): string {
  const metricName = sample.metricName ?? CONNECTION_GAUGE.metricName;
  const dimension = CONNECTION_GAUGE.dimensions[0].name;
  return JSON.stringify({
    _aws: {
      Timestamp: sample.timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: sample.namespace ?? CONNECTION_GAUGE.namespace,
          Dimensions: [[dimension]],
          Metrics: [{ Name: metricName, Unit: 'Count', StorageResolution: 60 }],
        },
      ],
    },
    [dimension]: sample.autoScalingGroupName,
    [metricName]: sample.connections,
  });
}

/**
 * Parse `udp://host:port`.
 * @throws Error naming the value when it is not `udp://host:port` with a port 1–65535
 */
export function parseUdpEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^udp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(endpoint);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new Error(
      `EMF endpoint is ${JSON.stringify(endpoint)}; allowed: udp://host:port (port 1-65535). Fix: e.g. udp://127.0.0.1:25888.`,
    );
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** Sends gauge records over UDP; errors are counted, never thrown (metrics must not take the server down). */
export class EmfPublisher {
  private readonly socket: dgram.Socket;
  private readonly host: string;
  private readonly port: number;
  /** Records that failed to send. */
  public failures = 0;

  constructor(endpoint: string) {
    const { host, port } = parseUdpEndpoint(endpoint);
    this.host = host;
    this.port = port;
    this.socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('error', () => {
      this.failures++;
    });
    this.socket.unref();
  }

  send(sample: GaugeSample): void {
    this.socket.send(emfRecord(sample) + '\n', this.port, this.host, (err) => {
      if (err) this.failures++;
    });
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
