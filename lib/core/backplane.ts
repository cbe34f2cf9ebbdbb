/**
 * The tier's backplane: one ElastiCache (Valkey or Redis OSS) replication group in the tier's VPC,
 * reachable only from the cells' instances, through which servers share broadcasts, connection
 * counts (rebalancing) and socket.io's Redis Streams (connection state recovery across nodes).
 *
 * What is NOT an option, and why:
 * - encryption in transit (TLS, `TransitEncryptionMode: required`) and at rest are always on;
 * - an AUTH token is always required. It is generated into AWS Secrets Manager, handed to
 *   ElastiCache by reference (CDK: a `{{resolve:secretsmanager:…}}` dynamic reference; Pulumi: a
 *   secret output) and read by the instances at boot with `aws secretsmanager get-secret-value`,
 *   so it never appears in user data or in the template;
 * - cluster mode is disabled: one primary (plus replicas), because the socket.io Redis Streams
 *   adapter and the runtime's connection-count store use a single non-cluster client.
 *
 * Sources:
 * - engines and versions: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
 * - replicas and Multi-AZ: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
 * - AUTH token rules: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
 * - encryption in transit: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
 * - encryption at rest: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
 * - node types: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
 */
import { BACKPLANE_DEFAULTS, DEFAULTS } from './defaults';
import { type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from './issues';
import { BACKPLANE_URL_ENV } from './server-contract';

/** Engine of the backplane (the ElastiCache `Engine` literal). */
export type BackplaneEngine = 'valkey' | 'redis';

/** The tier's backplane. Every field is optional; `backplane: {}` gives the defaults. */
export interface BackplaneConfig {
  /**
   * ElastiCache engine: `valkey` (the open-source fork ElastiCache now leads with, priced lower) or
   * `redis` (Redis OSS). Both speak the same protocol to the runtime and the socket.io adapter.
   * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
   * @default 'valkey'
   */
  readonly engine?: BackplaneEngine;
  /**
   * Engine version, major.minor, one of `BACKPLANE_ENGINE_VERSIONS[engine]`
   * (valkey: 7.2, 8.0, 8.1; redis: 6.2, 7.0, 7.1). Anything else is an error naming the list.
   * @default - `BACKPLANE_DEFAULTS.engineVersion[engine]` (valkey 8.0, redis 7.1)
   */
  readonly engineVersion?: string;
  /**
   * Node type of every node, `cache.<family>.<size>` (e.g. `cache.r7g.large`, `cache.m7g.large`,
   * `cache.t4g.small` for a test tier). When the tier has a `capacity` plan, the plan's
   * `cacheNodeType` is the default, so the plan checks the node that is deployed; giving both with
   * different values is a warning.
   * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
   * @default - `capacity.cacheNodeType` when set, else 'cache.r7g.large'
   */
  readonly nodeType?: string;
  /**
   * Read replicas of the one shard, integer 0–5. At 1 or more, automatic failover and Multi-AZ are
   * on (a replica in another AZ is promoted when the primary fails); 0 means one node and no
   * failover (test tiers only: a node failure then stops broadcasts until it is replaced).
   * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
   * @default 1
   */
  readonly replicasPerShard?: number;
  /**
   * TCP port the nodes listen on, integer 1024–65535, not the server's port. The instances reach it
   * through the backplane's security group only.
   * @default 6379
   */
  readonly port?: number;
}

/** Engine versions this library accepts, per engine (major.minor as ElastiCache spells them). */
export const BACKPLANE_ENGINE_VERSIONS: Readonly<Record<BackplaneEngine, readonly string[]>> = {
  valkey: ['7.2', '8.0', '8.1'],
  // Redis OSS 6.2 is the oldest line the streams adapter, TLS and AUTH are all supported on here.
  redis: ['6.2', '7.0', '7.1'],
};

/** Range of `replicasPerShard` (ElastiCache: up to 5 replicas per shard). */
export const BACKPLANE_REPLICAS = {
  min: 0,
  max: 5,
  source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Replication.Redis.Groups.html',
} as const;

/** Range of `port` (library rule: no privileged ports). */
export const BACKPLANE_PORT = { min: 1024, max: 65535 } as const;

/**
 * The generated AUTH token: 64 characters of `[A-Za-z0-9]`. ElastiCache allows 16–128 printable
 * characters with only `!&#$^<>-` as punctuation; alphanumerics alone avoid every character that
 * would need escaping in a `rediss://` URL or a shell line, at ~381 bits of entropy.
 * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
 */
export const BACKPLANE_AUTH_TOKEN = {
  length: 64,
  /** Letters and digits only (Secrets Manager: `ExcludePunctuation: true`, `IncludeSpace: false`). */
  alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
} as const;

/** One ingress rule of the backplane's security group: the port, from one cell's instance security group. */
export interface ResolvedBackplaneIngress {
  readonly port: number;
  /** Name of the cell whose instance security group is the source. */
  readonly fromCell: string;
  readonly description: string;
}

/** The backplane with every default applied. Renderers write exactly these values. */
export interface ResolvedBackplane {
  readonly engine: BackplaneEngine;
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly replicasPerShard: number;
  /** Nodes of the replication group: primary + replicas (`NumCacheClusters`). */
  readonly numCacheClusters: number;
  readonly port: number;
  /** Always `disabled`: one primary. */
  readonly clusterMode: 'disabled';
  readonly transitEncryptionEnabled: true;
  /** Always `required`: plain-text connections are refused. */
  readonly transitEncryptionMode: 'required';
  readonly atRestEncryptionEnabled: true;
  /** True when `replicasPerShard` ≥ 1. */
  readonly automaticFailoverEnabled: boolean;
  /** True when `replicasPerShard` ≥ 1 (requires automatic failover). */
  readonly multiAzEnabled: boolean;
  /** Always true: the replication group requires `AuthToken`, generated into Secrets Manager. */
  readonly authTokenRequired: true;
  /** Minor engine upgrades in the maintenance window. */
  readonly autoMinorVersionUpgrade: true;
  /** `ReplicationGroupDescription`. */
  readonly description: string;
  /** Security-group ingress: the port from each cell's instances, and nothing else. */
  readonly ingress: readonly ResolvedBackplaneIngress[];
}

/** The config fields a tier reads here (kept structural so core/config.ts can import this file). */
interface WithBackplane {
  readonly domainName?: string;
  readonly cells?: readonly { readonly name?: string }[];
  readonly backplane?: BackplaneConfig;
  readonly server?: { readonly port?: number };
  readonly capacity?: { readonly cacheNodeType?: string; readonly backplane?: string };
}

const NODE_TYPE = /^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const KNOWN_FIELDS = ['engine', 'engineVersion', 'nodeType', 'replicasPerShard', 'port'];
/** Fields people reach for that are deliberately not options. */
const NOT_OPTIONS: Readonly<Record<string, string>> = {
  transitEncryptionEnabled: 'encryption in transit is always on',
  transitEncryption: 'encryption in transit is always on',
  atRestEncryptionEnabled: 'encryption at rest is always on',
  atRestEncryption: 'encryption at rest is always on',
  authToken: 'the AUTH token is always generated into Secrets Manager, never given in config',
  clusterMode: 'cluster mode is always disabled (one primary for the streams adapter)',
  numNodeGroups: 'cluster mode is always disabled (one primary for the streams adapter)',
};

/**
 * Check `backplane`.
 * @returns every issue, each naming the field, the value, what is allowed and the fix: errors, and
 *   warnings when it disagrees with the `capacity` plan
 */
export function validateBackplane(config: WithBackplane, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const issues = v.issues;
  const bp: unknown = config.backplane;
  if (!v.known(bp)) return issues;
  if (typeof bp !== 'object' || bp === null || Array.isArray(bp)) {
    v.error(
      'not-an-object',
      'backplane',
      `backplane is ${JSON.stringify(bp)}; it must be an object of settings. Fix: use {} for the defaults or { engine, engineVersion, nodeType, replicasPerShard, port }.`,
    );
    return issues;
  }
  const b = bp as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (KNOWN_FIELDS.includes(key)) continue;
    const why = NOT_OPTIONS[key];
    v.error(
      why ? 'backplane-not-an-option' : 'backplane-unknown-field',
      `backplane.${key}`,
      why
        ? `backplane.${key} is not an option: ${why}. Fix: remove it.`
        : `backplane.${key} is not a backplane setting; allowed: ${KNOWN_FIELDS.join(', ')}. Fix: remove it or correct its spelling.`,
    );
  }

  let engine: BackplaneEngine | undefined = BACKPLANE_DEFAULTS.engine;
  if (v.known(b.engine)) {
    if (b.engine !== 'valkey' && b.engine !== 'redis') {
      v.error(
        'backplane-engine-invalid',
        'backplane.engine',
        `backplane.engine is ${JSON.stringify(b.engine)}; allowed 'valkey' or 'redis'. Fix: pick one (Memcached has no streams or pub/sub).`,
      );
      engine = undefined;
    } else {
      engine = b.engine;
    }
  } else if (b.engine !== undefined) {
    engine = undefined;
  }
  if (v.known(b.engineVersion) && engine !== undefined) {
    const versions = BACKPLANE_ENGINE_VERSIONS[engine];
    if (typeof b.engineVersion !== 'string' || !versions.includes(b.engineVersion)) {
      v.error(
        'backplane-engine-version-invalid',
        'backplane.engineVersion',
        `backplane.engineVersion is ${JSON.stringify(b.engineVersion)} for engine '${engine}'; allowed ${versions.map((v) => `'${v}'`).join(', ')} (source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html). Fix: use one of those, or leave it out for '${BACKPLANE_DEFAULTS.engineVersion[engine]}'.`,
      );
    }
  }
  if (v.known(b.nodeType) && (typeof b.nodeType !== 'string' || !NODE_TYPE.test(b.nodeType))) {
    v.error(
      'backplane-node-type-invalid',
      'backplane.nodeType',
      `backplane.nodeType is ${JSON.stringify(b.nodeType)}; allowed an ElastiCache node type 'cache.<family>.<size>', e.g. 'cache.r7g.large' (source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html). Fix: use that form.`,
    );
  }
  v.int('backplane.replicasPerShard', b.replicasPerShard, BACKPLANE_REPLICAS);
  if (v.int('backplane.port', b.port, BACKPLANE_PORT)) {
    const serverPort = config.server?.port ?? DEFAULTS.server.port;
    if (v.known(serverPort) && serverPort === b.port) {
      v.error(
        'backplane-port-conflict',
        'backplane.port',
        `backplane.port is ${b.port as number}, the same as server.port; the backplane must listen on its own port. Fix: keep the default 6379 or choose another port.`,
      );
    }
  }
  // Agreement with the capacity plan, which sizes the backplane it assumes.
  const capacity =
    v.known(config.capacity) && typeof config.capacity === 'object' && config.capacity !== null ? config.capacity : undefined;
  const planNode = capacity?.cacheNodeType;
  if (v.known(b.nodeType) && v.known(planNode) && b.nodeType !== planNode) {
    v.warn(
      'backplane-node-type-differs-from-capacity',
      'backplane.nodeType',
      `backplane.nodeType is ${JSON.stringify(b.nodeType)} but capacity.cacheNodeType is ${JSON.stringify(planNode)}; the capacity plan checks a node that is not the one deployed. Fix: give one value (leave backplane.nodeType out and it follows capacity.cacheNodeType).`,
    );
  }
  if (capacity?.backplane === 'sharded') {
    v.warn(
      'backplane-single-primary',
      'backplane',
      `capacity.backplane is 'sharded', which plans several primaries, but the tier's backplane has one primary (cluster mode disabled, for the socket.io Redis Streams adapter). Fix: plan with capacity.backplane 'broadcast', or leave backplane out and bring a cluster-mode backplane of your own.`,
    );
  }
  return issues;
}

/** Apply the backplane defaults; undefined when the tier has no backplane. Pure; validate first. */
export function resolveBackplane(config: WithBackplane): ResolvedBackplane | undefined {
  const b = config.backplane;
  if (b === undefined) return undefined;
  const engine = b.engine ?? BACKPLANE_DEFAULTS.engine;
  const replicas = b.replicasPerShard ?? BACKPLANE_DEFAULTS.replicasPerShard;
  const port = b.port ?? BACKPLANE_DEFAULTS.port;
  const failover = replicas >= 1;
  return {
    engine,
    engineVersion: b.engineVersion ?? BACKPLANE_DEFAULTS.engineVersion[engine],
    nodeType: b.nodeType ?? config.capacity?.cacheNodeType ?? BACKPLANE_DEFAULTS.nodeType,
    replicasPerShard: replicas,
    numCacheClusters: replicas + 1,
    port,
    clusterMode: 'disabled',
    transitEncryptionEnabled: true,
    transitEncryptionMode: 'required',
    atRestEncryptionEnabled: true,
    automaticFailoverEnabled: failover,
    multiAzEnabled: failover,
    authTokenRequired: true,
    autoMinorVersionUpgrade: true,
    description: `websocket-tier backplane of ${config.domainName ?? 'the tier'}`,
    ingress: (config.cells ?? []).map((cell) => ({
      port,
      fromCell: cell.name ?? '',
      description: `Backplane clients: instances of cell ${cell.name ?? ''}`,
    })),
  };
}

/** Where the renderer put the backplane; values may be late-bound text (CDK tokens, resolved Pulumi outputs). */
export interface BackplaneLocation {
  /** Primary endpoint address of the replication group (DNS name, no port). */
  readonly endpointAddress: string;
  /** ARN of the Secrets Manager secret whose `SecretString` is the AUTH token. */
  readonly authTokenSecretArn: string;
}

/**
 * User-data lines (bash, after the environment file is written and `$TOKEN` holds an IMDSv2 token)
 * that read the AUTH token from Secrets Manager at boot and append
 * `WST_REDIS_URL=rediss://:<token>@<endpoint>:<port>` to the environment file, which becomes
 * readable by root only. The token is never written into user data or the template, and never
 * echoed (user data runs without `set -x`).
 * @param envFile - the environment file systemd reads (`HOST_PATHS.envFile`)
 */
export function backplaneUserDataLines(backplane: ResolvedBackplane, location: BackplaneLocation, envFile: string): string[] {
  return [
    '# Backplane: the AUTH token comes from Secrets Manager at boot (it is not in user data or the template)',
    `WST_REGION=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)`,
    `WST_BACKPLANE_TOKEN=$(aws secretsmanager get-secret-value --region "$WST_REGION" --secret-id '${location.authTokenSecretArn}' --query SecretString --output text)`,
    `chmod 600 ${envFile}`,
    `echo "${BACKPLANE_URL_ENV}=rediss://:$WST_BACKPLANE_TOKEN@${location.endpointAddress}:${backplane.port}" >> ${envFile}`,
    'unset WST_BACKPLANE_TOKEN',
  ];
}

/**
 * A fresh AUTH token of `BACKPLANE_AUTH_TOKEN.length` characters from `BACKPLANE_AUTH_TOKEN.alphabet`,
 * by rejection sampling over `randomBytes` (no modulo bias). Renderers without a server-side
 * generator (Pulumi without @pulumi/random) call it with `crypto.randomBytes`.
 */
export function generateAuthToken(randomBytes: (n: number) => Uint8Array): string {
  const { alphabet, length } = BACKPLANE_AUTH_TOKEN;
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
