/**
 * Field checks of a capacity input (`planCapacity()`, `validateCapacity()`, a tier's `capacity`):
 * every number's range, the enum-like fields, and names the planner has no data for.
 */
import { CAPACITY_DEFAULTS, DEFAULTS } from '../defaults';
import type { IssueCollector } from '../issues';
import { LIMITS } from '../limits';
import type { CapacityConfig } from './config';
import { CACHE_NODE_TYPES, INSTANCE_TYPES, type InstanceTypeSpec } from './data';

/** Largest `peakConnections` the planner accepts. */
export const MAX_PEAK_CONNECTIONS = 1e9;

function knownInstanceTypes(): string {
  const families = [...new Set(Object.keys(INSTANCE_TYPES).map((n) => n.split('.')[0]))];
  return `${families.map((f) => `${f}.*`).join(', ')} (e.g. m7g.large, c7g.xlarge, m7i.2xlarge, t4g.medium)`;
}

/**
 * Check every field of a capacity input into `v` (paths relative to `v.prefix`).
 * @returns the instance type's spec when every field is usable, else undefined (the errors say why)
 */
export function checkCapacityFields(input: CapacityConfig, v: IssueCollector): InstanceTypeSpec | undefined {
  const p = (f: string): string => v.name(f);
  const isUnresolved = (x: unknown): boolean => v.unresolved(x);
  let ok = true;
  const check = (r: boolean, value: unknown): void => {
    if (!r && value !== undefined) ok = false;
  };
  if (input.peakConnections === undefined) {
    v.error(
      'capacity-peak-missing',
      'peakConnections',
      `${p('peakConnections')} is required. Fix: give the concurrent connections at peak, e.g. 100000.`,
    );
    ok = false;
  } else {
    check(
      v.num('peakConnections', input.peakConnections, {
        min: 1,
        max: MAX_PEAK_CONNECTIONS,
        integer: true,
        fix: 'give the concurrent connections at peak as a whole number, e.g. 2000000',
      }),
      input.peakConnections,
    );
  }
  check(
    v.num('newConnectionsPerSecond', input.newConnectionsPerSecond, {
      min: 0,
      exclusiveMin: true,
      fix: 'give the steady new-connection rate per second, e.g. peakConnections ÷ 3600',
    }),
    input.newConnectionsPerSecond,
  );
  check(
    v.num('reconnectStormConnectionsPerSecond', input.reconnectStormConnectionsPerSecond, {
      min: 0,
      exclusiveMin: true,
      fix: 'give the arrivals per second when clients reconnect together, e.g. peakConnections ÷ 60',
    }),
    input.reconnectStormConnectionsPerSecond,
  );
  check(
    v.num('messagesPerSecond', input.messagesPerSecond, { min: 0, fix: 'give messages published per second (0 for idle connections)' }),
    input.messagesPerSecond,
  );
  check(
    v.num('messageBytes', input.messageBytes, {
      min: 1,
      max: 100 * 1024 * 1024,
      integer: true,
      fix: 'give the payload size in bytes, e.g. 100',
    }),
    input.messageBytes,
  );
  check(v.num('fanOut', input.fanOut, { min: 1, fix: 'give how many clients receive each message (1 for point-to-point)' }), input.fanOut);
  check(
    v.num('headroomPercent', input.headroomPercent, {
      min: 5,
      max: 90,
      integer: true,
      fix: 'use 30 (scaling target at 70 % of the per-instance maximum)',
    }),
    input.headroomPercent,
  );
  check(
    v.num('processesPerInstance', input.processesPerInstance, {
      min: 1,
      max: 256,
      integer: true,
      fix: 'use 1 (one Node process), or the number of vCPUs when you run one worker per core',
    }),
    input.processesPerInstance,
  );
  check(
    v.num('maxConnectionsPerInstance', input.maxConnectionsPerInstance, {
      min: 1,
      integer: true,
      fix: 'give the per-instance maximum you measured, or leave it unset',
    }),
    input.maxConnectionsPerInstance,
  );
  check(
    v.num('cells', input.cells, {
      min: 1,
      max: LIMITS.weightedRecordsPerName.max,
      integer: true,
      fix: 'use 1–100 cells (Route 53 holds at most 100 weighted records per name)',
    }),
    input.cells,
  );
  check(
    v.num('connectionsPerCellLimit', input.connectionsPerCellLimit, {
      min: 1,
      integer: true,
      fix: 'give the most connections one cell should hold, e.g. 1000000',
    }),
    input.connectionsPerCellLimit,
  );
  check(
    v.num('fileDescriptorLimit', input.fileDescriptorLimit, {
      min: LIMITS.fileDescriptorLimit.min,
      max: LIMITS.fileDescriptorLimit.max,
      integer: true,
      fix: 'use 1048576 (LimitNOFILE in the server unit)',
    }),
    input.fileDescriptorLimit,
  );
  check(
    v.num('pingIntervalSeconds', input.pingIntervalSeconds, { min: 1, max: 3600, integer: true, fix: 'use 25' }),
    input.pingIntervalSeconds,
  );
  check(v.num('availabilityZones', input.availabilityZones, { min: 1, max: 6, integer: true, fix: 'use 2 or 3' }), input.availabilityZones);
  check(
    v.num('minInstancesPerCell', input.minInstancesPerCell, {
      min: 1,
      max: CAPACITY_DEFAULTS.maxInstancesPerCell,
      integer: true,
      fix: 'use 2',
    }),
    input.minInstancesPerCell,
  );

  const fw = input.framework;
  if (fw !== undefined && !isUnresolved(fw)) {
    if (typeof fw === 'object' && fw !== null) {
      check(
        v.num('framework.bytesPerConnection', fw.bytesPerConnection, {
          min: 1,
          integer: true,
          fix: 'give the measured RSS bytes per idle connection, e.g. 6000',
        }),
        fw.bytesPerConnection,
      );
      if (fw.bytesPerConnection === undefined) {
        v.error(
          'capacity-framework-invalid',
          'framework',
          `${p('framework')} is an object without bytesPerConnection. Fix: use 'ws', 'socket.io' or { bytesPerConnection: <measured bytes> }.`,
        );
        ok = false;
      }
    } else if (fw !== 'ws' && fw !== 'socket.io') {
      v.error(
        'capacity-framework-invalid',
        'framework',
        `${p('framework')} is ${JSON.stringify(fw)}; allowed 'ws', 'socket.io' or { bytesPerConnection: <measured bytes> }. Fix: pick one.`,
      );
      ok = false;
    }
  }
  const lb = input.loadBalancerType;
  if (lb !== undefined && lb !== 'application' && lb !== 'network') {
    v.error(
      'capacity-lb-invalid',
      'loadBalancerType',
      `${p('loadBalancerType')} is ${JSON.stringify(lb)}; allowed 'application' (ALB) or 'network' (NLB). Fix: pick one.`,
    );
    ok = false;
  }
  const tls = input.tlsTermination;
  if (tls !== undefined && tls !== 'load-balancer' && tls !== 'instance') {
    v.error(
      'capacity-tls-invalid',
      'tlsTermination',
      `${p('tlsTermination')} is ${JSON.stringify(tls)}; allowed 'load-balancer' or 'instance'. Fix: pick one.`,
    );
    ok = false;
  } else if (tls === 'instance' && (lb ?? 'application') === 'application') {
    v.error(
      'capacity-tls-on-instance-needs-nlb',
      'tlsTermination',
      `${p('tlsTermination')} is 'instance' but the load balancer is an ALB, which always terminates TLS itself. Fix: set ${p('loadBalancerType')} 'network' (NLB TCP listener) or ${p('tlsTermination')} 'load-balancer'.`,
    );
    ok = false;
  }
  const bp = input.backplane;
  if (bp !== undefined && bp !== 'broadcast' && bp !== 'sharded' && bp !== 'none') {
    v.error(
      'capacity-backplane-invalid',
      'backplane',
      `${p('backplane')} is ${JSON.stringify(bp)}; allowed 'broadcast', 'sharded' or 'none'. Fix: pick one.`,
    );
    ok = false;
  }
  const itName = input.instanceType ?? DEFAULTS.instanceType;
  const it = INSTANCE_TYPES[itName];
  if (!isUnresolved(itName) && !it) {
    v.error(
      'capacity-instance-type-unknown',
      'instanceType',
      `${p('instanceType')} is ${JSON.stringify(itName)}, which the planner has no size or price for; known: ${knownInstanceTypes()}. Fix: pick one of those, or plan with the nearest one and pass ${p('maxConnectionsPerInstance')} from a measurement.`,
    );
    ok = false;
  }
  const cacheName = input.cacheNodeType ?? CAPACITY_DEFAULTS.cacheNodeType;
  if (!CACHE_NODE_TYPES[cacheName]) {
    v.error(
      'capacity-cache-node-unknown',
      'cacheNodeType',
      `${p('cacheNodeType')} is ${JSON.stringify(cacheName)}; known: ${Object.keys(CACHE_NODE_TYPES).join(', ')}. Fix: pick one of those.`,
    );
    ok = false;
  }
  const hcInterval = input.route53HealthCheckIntervalSeconds;
  if (hcInterval !== undefined && hcInterval !== 10 && hcInterval !== 30) {
    v.error(
      'capacity-route53-interval-invalid',
      'route53HealthCheckIntervalSeconds',
      `${p('route53HealthCheckIntervalSeconds')} is ${JSON.stringify(hcInterval)}; Route 53 accepts 10 or 30. Fix: use 30.`,
    );
    ok = false;
  }
  return ok && it ? it : undefined;
}
