/**
 * Core backplane: defaults, derived values, validation (one row per rule), the boot-time user data
 * that turns the Secrets Manager token into WST_REDIS_URL, the token generator and its ids.
 */
import * as crypto from 'node:crypto';
import * as fc from 'fast-check';
import {
  BACKPLANE_AUTH_TOKEN,
  BACKPLANE_CELL_IDS,
  BACKPLANE_DEFAULTS,
  BACKPLANE_ENGINE_VERSIONS,
  BACKPLANE_IDS,
  BACKPLANE_URL_ENV,
  type BackplaneConfig,
  generateAuthToken,
  HOST_PATHS,
  kebab,
  planTier,
  PULUMI_BACKPLANE_IDS,
  resolveTier,
  type TierConfig,
  userDataLines,
  validateTier,
} from '../../lib/core';
import { RUNTIME_ENV } from '../../lib/runtime/settings';
import { BASE, isLate, LATE, late, tier } from './fixtures';

const withBackplane = (backplane: BackplaneConfig, extra: Partial<TierConfig> = {}): TierConfig =>
  tier({ cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }], backplane, ...extra });

const codes = (config: TierConfig) => validateTier(config, isLate).filter((i) => i.path.startsWith('backplane'));

describe('resolved backplane', () => {
  test('no backplane config: no backplane, and the user data is unchanged', () => {
    const plain = resolveTier(BASE);
    expect(plain.backplane).toBeUndefined();
    expect('backplane' in plain).toBe(false);
    expect(userDataLines(plain, plain.cells[0]).join('\n')).not.toContain(BACKPLANE_URL_ENV);
  });

  test('`{}` gives every default: Valkey 8.0 on cache.r7g.large, one replica with failover and Multi-AZ, 6379, TLS, at rest, AUTH', () => {
    const b = resolveTier(withBackplane({})).backplane;
    expect(b).toEqual({
      engine: 'valkey',
      engineVersion: '8.0',
      nodeType: 'cache.r7g.large',
      replicasPerShard: 1,
      numCacheClusters: 2,
      port: 6379,
      clusterMode: 'disabled',
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      authTokenRequired: true,
      autoMinorVersionUpgrade: true,
      description: 'websocket-tier backplane of ws.example.com',
      ingress: [
        { port: 6379, fromCell: 'a', description: 'Backplane clients: instances of cell a' },
        { port: 6379, fromCell: 'b', description: 'Backplane clients: instances of cell b' },
      ],
    });
  });

  test('redis engine defaults to its own version; explicit values win', () => {
    expect(resolveTier(withBackplane({ engine: 'redis' })).backplane).toMatchObject({
      engine: 'redis',
      engineVersion: BACKPLANE_DEFAULTS.engineVersion.redis,
    });
    const b = resolveTier(
      withBackplane({ engine: 'valkey', engineVersion: '7.2', nodeType: 'cache.t4g.small', replicasPerShard: 2, port: 6380 }),
    ).backplane;
    expect(b).toMatchObject({ engineVersion: '7.2', nodeType: 'cache.t4g.small', replicasPerShard: 2, numCacheClusters: 3, port: 6380 });
    expect(b?.ingress.map((r) => r.port)).toEqual([6380, 6380]);
  });

  test('0 replicas: one node, automatic failover and Multi-AZ off (they need a replica)', () => {
    expect(resolveTier(withBackplane({ replicasPerShard: 0 })).backplane).toMatchObject({
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
    });
  });

  test('default versions are among the accepted versions', () => {
    for (const engine of ['valkey', 'redis'] as const)
      expect(BACKPLANE_ENGINE_VERSIONS[engine]).toContain(BACKPLANE_DEFAULTS.engineVersion[engine]);
  });
});

describe('backplane validation', () => {
  test('a valid backplane has no issues', () => {
    expect(codes(withBackplane({}))).toEqual([]);
    expect(codes(withBackplane({ engine: 'redis', engineVersion: '7.0', replicasPerShard: 5, port: 1024 }))).toEqual([]);
  });

  test.each<[string, BackplaneConfig | unknown, string, RegExp]>([
    ['engine', { engine: 'memcached' }, 'backplane-engine-invalid', /'valkey' or 'redis'/],
    [
      'engine version not offered for the engine',
      { engine: 'redis', engineVersion: '8.0' },
      'backplane-engine-version-invalid',
      /'6\.2', '7\.0', '7\.1'/,
    ],
    ['valkey version', { engineVersion: '6.2' }, 'backplane-engine-version-invalid', /'7\.2', '8\.0', '8\.1'/],
    ['node type', { nodeType: 'r7g.large' }, 'backplane-node-type-invalid', /cache\.<family>\.<size>/],
    ['replicas above 5', { replicasPerShard: 6 }, 'out-of-range', /0–5/],
    ['replicas negative', { replicasPerShard: -1 }, 'out-of-range', /0–5/],
    ['replicas not an integer', { replicasPerShard: 1.5 }, 'not-an-integer', /whole number from 0 to 5/],
    ['privileged port', { port: 80 }, 'out-of-range', /1024–65535/],
    ['port above 65535', { port: 70000 }, 'out-of-range', /1024–65535/],
    ['port equal to the server port', { port: 8080 }, 'backplane-port-conflict', /server\.port/],
    ['TLS off', { transitEncryptionEnabled: false }, 'backplane-not-an-option', /encryption in transit is always on/],
    ['at rest off', { atRestEncryptionEnabled: false }, 'backplane-not-an-option', /encryption at rest is always on/],
    ['a given auth token', { authToken: 'x'.repeat(32) }, 'backplane-not-an-option', /generated into Secrets Manager/],
    ['cluster mode', { clusterMode: 'enabled' }, 'backplane-not-an-option', /cluster mode is always disabled/],
    ['unknown field', { replicas: 2 }, 'backplane-unknown-field', /allowed: engine, engineVersion, nodeType, replicasPerShard, port/],
    ['not an object', 'valkey', 'not-an-object', /must be an object/],
  ])('%s', (_what, backplane, code, message) => {
    const issues = codes(withBackplane(backplane as BackplaneConfig));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, severity: 'error' });
    expect(issues[0].message).toMatch(message);
    expect(issues[0].message).toMatch(/Fix:/);
  });

  test('every error at once, and planTier throws them all', () => {
    const config = withBackplane({ engine: 'redis', engineVersion: '9.9', replicasPerShard: 9, port: 1 });
    expect(codes(config).map((i) => i.path)).toEqual(['backplane.engineVersion', 'backplane.replicasPerShard', 'backplane.port']);
    expect(() => planTier('Stack/Tier', config)).toThrow(/Stack\/Tier: invalid WebSocket tier configuration \(3 problems\)/);
  });

  test('late-bound values are not range-checked', () => {
    expect(codes(withBackplane({ replicasPerShard: late<number>(), port: late<number>(), nodeType: late<string>() }))).toEqual([]);
    expect(codes(withBackplane(LATE as BackplaneConfig))).toEqual([]);
  });

  test("the capacity plan's cacheNodeType is the default node type, so the plan checks what is deployed", () => {
    const config = withBackplane({}, { capacity: { peakConnections: 100_000, cacheNodeType: 'cache.m7g.large' } });
    expect(codes(config)).toEqual([]);
    expect(resolveTier(config).backplane?.nodeType).toBe('cache.m7g.large');
    expect(
      resolveTier(withBackplane({ nodeType: 'cache.m7g.xlarge' }, { capacity: { peakConnections: 100_000 } })).backplane?.nodeType,
    ).toBe('cache.m7g.xlarge');
  });

  test('warnings when the backplane disagrees with the capacity plan: another node type, sharded mode', () => {
    const differ = codes(
      withBackplane({ nodeType: 'cache.r7g.xlarge' }, { capacity: { peakConnections: 100_000, cacheNodeType: 'cache.m7g.large' } }),
    );
    expect(differ).toEqual([
      expect.objectContaining({ code: 'backplane-node-type-differs-from-capacity', severity: 'warning', path: 'backplane.nodeType' }),
    ]);
    expect(differ[0].message).toMatch(/"cache\.r7g\.xlarge".*"cache\.m7g\.large".*Fix:/);
    const sharded = codes(withBackplane({}, { capacity: { peakConnections: 100_000, messagesPerSecond: 10, backplane: 'sharded' } }));
    expect(sharded.map((i) => [i.code, i.severity])).toEqual([['backplane-single-primary', 'warning']]);
    // Warnings do not stop planning.
    expect(() =>
      planTier('T', withBackplane({}, { capacity: { peakConnections: 100_000, messagesPerSecond: 10, backplane: 'sharded' } })),
    ).not.toThrow();
  });

  test('property: any integer replicas 0–5 and port 1024–65535 (not 8080) is valid and resolves as given', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1024, max: 65535 }).filter((p) => p !== 8080),
        (replicasPerShard, port) => {
          const config = withBackplane({ replicasPerShard, port });
          expect(codes(config)).toEqual([]);
          const b = resolveTier(config).backplane!;
          expect(b.numCacheClusters).toBe(replicasPerShard + 1);
          expect(b.automaticFailoverEnabled).toBe(replicasPerShard >= 1);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('backplane user data', () => {
  const t = resolveTier(withBackplane({ port: 6380 }));
  const location = {
    endpointAddress: '${Token[ENDPOINT]}',
    authTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tok',
  };

  test('reads the token from Secrets Manager at boot and appends WST_REDIS_URL (rediss, token, endpoint, port) to the env file', () => {
    const text = userDataLines(t, t.cells[0], undefined, location).join('\n');
    expect(text).toContain(`--secret-id '${location.authTokenSecretArn}' --query SecretString --output text`);
    expect(text).toContain('meta-data/placement/region');
    expect(text).toContain(`echo "WST_REDIS_URL=rediss://:$WST_BACKPLANE_TOKEN@\${Token[ENDPOINT]}:6380" >> ${HOST_PATHS.envFile}`);
    expect(text).toContain(`chmod 600 ${HOST_PATHS.envFile}`);
    // After the env file exists and the IMDS token is set, before the server starts.
    const bundled = resolveTier({ ...withBackplane({ port: 6380 }), server: { artifact: __filename } });
    const lines = userDataLines(bundled, bundled.cells[0], { s3Uri: 's3://b/k' }, location);
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^TOKEN=/)).toBeLessThan(at(/get-secret-value/));
    expect(at(/WST_AUTO_SCALING_GROUP_NAME/)).toBeLessThan(at(/WST_REDIS_URL/));
    expect(at(/WST_REDIS_URL/)).toBeLessThan(at(/systemctl enable --now/));
  });

  test('every cell gets it', () => {
    for (const cell of t.cells) expect(userDataLines(t, cell, undefined, location).join('\n')).toContain('WST_REDIS_URL=rediss://');
  });

  test('a tier with a backplane cannot render user data without its location', () => {
    expect(() => userDataLines(t, t.cells[0])).toThrow(/cell "a" belongs to a tier with a backplane.*Fix:/);
  });

  test('the runtime and the chat server read the same variable', () => {
    expect(RUNTIME_ENV.redisUrl).toBe(BACKPLANE_URL_ENV);
  });

  test('WST_REDIS_URL stays reserved: users cannot set it in server.environment', () => {
    const issues = validateTier(withBackplane({}, { server: { environment: { WST_REDIS_URL: 'redis://x' } } }));
    expect(issues.map((i) => i.code)).toContain('env-key-reserved');
  });
});

describe('generateAuthToken', () => {
  test('64 letters and digits, only characters ElastiCache AUTH accepts and a URL needs no escaping for', () => {
    const token = generateAuthToken(crypto.randomBytes);
    expect(token).toHaveLength(BACKPLANE_AUTH_TOKEN.length);
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  test('rejection sampling: bytes at or above the largest multiple of 62 are skipped (no modulo bias)', () => {
    // 248 = 4 × 62 is the first byte rejected; 0 maps to 'A', 61 to '9', 62 to 'A' again.
    let calls = 0;
    const bytes = (n: number) => {
      calls++;
      return Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 248 : 61));
    };
    expect(generateAuthToken(bytes)).toBe('9'.repeat(64));
    expect(calls).toBe(1);
  });

  test('two tokens differ', () => {
    expect(generateAuthToken(crypto.randomBytes)).not.toBe(generateAuthToken(crypto.randomBytes));
  });
});

describe('backplane ids (ids are API)', () => {
  test('are exactly these', () => {
    expect({ ...BACKPLANE_IDS, ingressFrom: BACKPLANE_IDS.ingressFrom('a') }).toEqual({
      backplane: 'Backplane',
      securityGroup: 'SecurityGroup',
      subnetGroup: 'SubnetGroup',
      replicationGroup: 'ReplicationGroup',
      authToken: 'AuthToken',
      ingressFrom: 'IngressFrom-a',
    });
    expect(PULUMI_BACKPLANE_IDS).toEqual({ authTokenVersion: 'AuthTokenVersion' });
    expect(BACKPLANE_CELL_IDS).toEqual({ authTokenReadPolicy: 'BackplaneAuthTokenRead' });
  });

  test('Pulumi names stay distinct after kebab()', () => {
    const ids = [
      BACKPLANE_IDS.securityGroup,
      BACKPLANE_IDS.subnetGroup,
      BACKPLANE_IDS.replicationGroup,
      BACKPLANE_IDS.authToken,
      PULUMI_BACKPLANE_IDS.authTokenVersion,
      BACKPLANE_IDS.ingressFrom('a'),
    ];
    expect(new Set(ids.map(kebab)).size).toBe(ids.length);
    expect(kebab(BACKPLANE_IDS.ingressFrom('use1-a'))).toBe('ingress-from-use1-a');
  });
});
