/**
 * The Pulumi backplane, asserted on the inputs the mocks record: the replication group with every
 * setting from core, subnet group, security group with ingress only from each cell's instances and
 * no egress, the AUTH token as a generated Pulumi secret kept stable (ignoreChanges) and shared with
 * the replication group, user data that builds WST_REDIS_URL at boot, the role's read on the one
 * secret, ids from the table, validation errors.
 */
import * as pulumi from '@pulumi/pulumi';
import type { BackplaneConfig, TierConfig } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { type PulumiRecorder, recordProgram, valueOf } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

const ZONE = 'Z00000000000000000000';
const config = (backplane: BackplaneConfig): TierConfig => ({
  domainName: 'ws.example.com',
  cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }],
  backplane,
});
const RG = 'aws:elasticache/replicationGroup:ReplicationGroup';

async function build(backplane: BackplaneConfig): Promise<{ recorder: PulumiRecorder; tier: WebSocketTier }> {
  const { recorder, result } = await recordProgram(
    () => new WebSocketTier('t1', { ...config(backplane), hostedZoneId: ZONE, serverBundleFile: __filename }),
  );
  return { recorder, tier: result };
}

/** Pulumi's signature key of a secret value in engine inputs (`{ [SIG]: SECRET_SIG, value }`). */
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
/** The plain value of a recorded input that must be a secret. @throws when it is not marked secret */
function secretValue(v: any): string {
  if (v?.[SECRET_SIG_KEY] !== SECRET_SIG) throw new Error(`not a secret in the engine inputs: ${JSON.stringify(v)}`);
  return v.value as string;
}

const userData = (r: PulumiRecorder, cell: string) =>
  Buffer.from(r.named(`t1-cell-${cell}-launch-template`).inputs.userData, 'base64').toString('utf8');

let warn: jest.SpyInstance;
beforeAll(() => {
  warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
});
afterAll(() => warn.mockRestore());

describe('the default backplane', () => {
  let r: PulumiRecorder;
  let tier: WebSocketTier;
  beforeAll(async () => {
    ({ recorder: r, tier } = await build({}));
  });

  test('one replication group: Valkey 8.0, cache.r7g.large, 2 nodes, failover and Multi-AZ, 6379, cluster mode disabled, TLS required, at rest', () => {
    expect(r.ofType(RG)).toHaveLength(1);
    expect(r.named('t1-backplane-replication-group').inputs).toMatchObject({
      description: 'websocket-tier backplane of ws.example.com',
      engine: 'valkey',
      engineVersion: '8.0',
      nodeType: 'cache.r7g.large',
      numCacheClusters: 2,
      clusterMode: 'disabled',
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: 6379,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      autoMinorVersionUpgrade: true,
      subnetGroupName: 't1-backplane-subnet-group',
      securityGroupIds: ['t1-backplane-security-group-id'],
    });
    expect(r.named('t1-backplane-replication-group').inputs.numNodeGroups).toBeUndefined();
  });

  test('children are named from the id table under <tier>-backplane', () => {
    const names = r.resources
      .filter((x) => x.name.startsWith('t1-backplane'))
      .map((x) => `${x.type}::${x.name}`)
      .sort();
    expect(names).toEqual(
      [
        'aws:ec2/securityGroup:SecurityGroup::t1-backplane-security-group',
        'aws:elasticache/replicationGroup:ReplicationGroup::t1-backplane-replication-group',
        'aws:elasticache/subnetGroup:SubnetGroup::t1-backplane-subnet-group',
        'aws:secretsmanager/secret:Secret::t1-backplane-auth-token',
        'aws:secretsmanager/secretVersion:SecretVersion::t1-backplane-auth-token-version',
        'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::t1-backplane-ingress-from-a',
        'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::t1-backplane-ingress-from-b',
        'websocket-tier:index:WebSocketBackplane::t1-backplane',
      ].sort(),
    );
  });

  test('AUTH token: 64 letters and digits, sent to the engine as a secret, the same value in the secret and the replication group', async () => {
    const version = r.named('t1-backplane-auth-token-version').inputs;
    expect(version.secretId).toBe('t1-backplane-auth-token-id');
    const token = secretValue(version.secretString);
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(secretValue(r.named('t1-backplane-replication-group').inputs.authToken)).toBe(token);
    expect(await pulumi.isSecret(tier.backplane!.secretVersion.secretString)).toBe(true);
    expect(await pulumi.isSecret(tier.backplane!.replicationGroup.authToken)).toBe(true);
  });

  test('the token is never in user data: instances read the secret at boot', () => {
    const token = secretValue(r.named('t1-backplane-auth-token-version').inputs.secretString);
    for (const cell of ['a', 'b']) {
      const ud = userData(r, cell);
      expect(ud).not.toContain(token);
      expect(ud).toContain(
        `--secret-id '${'arn:aws:mock:us-east-1:123456789012:Secret/t1-backplane-auth-token'}' --query SecretString --output text`,
      );
      expect(ud).toContain(
        'echo "WST_REDIS_URL=rediss://:$WST_BACKPLANE_TOKEN@master.t1-backplane-replication-group.mock.use1.cache.amazonaws.com:6379" >> /etc/websocket-tier/server.env',
      );
    }
  });

  test("subnet group on the private subnets (the instances' subnets)", () => {
    const sg = r.named('t1-backplane-subnet-group').inputs;
    expect(sg.subnetIds).toEqual(r.named('t1-cell-a-auto-scaling-group').inputs.vpcZoneIdentifiers);
    expect(sg.subnetIds.length).toBeGreaterThanOrEqual(2);
  });

  test('security group: no egress, no inline ingress; one ingress rule on 6379 per cell from its instance security group', () => {
    const group = r.named('t1-backplane-security-group').inputs;
    expect(group.egress).toEqual([]);
    expect(group.ingress ?? []).toEqual([]);
    const rules = r.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').filter((x) => x.name.startsWith('t1-backplane'));
    expect(rules.map((x) => x.inputs).sort((p, q) => p.referencedSecurityGroupId.localeCompare(q.referencedSecurityGroupId))).toEqual([
      {
        securityGroupId: 't1-backplane-security-group-id',
        referencedSecurityGroupId: 't1-cell-a-instance-security-group-id',
        ipProtocol: 'tcp',
        fromPort: 6379,
        toPort: 6379,
        description: 'Backplane clients: instances of cell a',
      },
      {
        securityGroupId: 't1-backplane-security-group-id',
        referencedSecurityGroupId: 't1-cell-b-instance-security-group-id',
        ipProtocol: 'tcp',
        fromPort: 6379,
        toPort: 6379,
        description: 'Backplane clients: instances of cell b',
      },
    ]);
  });

  test('each cell role may read that one secret', () => {
    for (const cell of ['a', 'b']) {
      const policy = r.named(`t1-cell-${cell}-backplane-auth-token-read`).inputs;
      expect(policy.role).toBe(`t1-cell-${cell}-instance-role-id`);
      expect(JSON.parse(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'BackplaneAuthToken',
            Effect: 'Allow',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: ['arn:aws:mock:us-east-1:123456789012:Secret/t1-backplane-auth-token'],
          },
        ],
      });
    }
  });

  test('escape hatches and outputs', async () => {
    const b = tier.backplane!;
    expect(b.port).toBe(6379);
    expect(await valueOf(b.endpointAddress)).toBe('master.t1-backplane-replication-group.mock.use1.cache.amazonaws.com');
  });
});

test('the generated token stays: the secret version ignores changes to its value (a new candidate is made every run)', async () => {
  const seen: { type: string; name: string; ignoreChanges?: string[] }[] = [];
  const transformation: pulumi.ResourceTransformation = (a) => {
    seen.push({ type: a.type, name: a.name, ignoreChanges: a.opts.ignoreChanges });
    return undefined;
  };
  const first = await recordProgram(
    () => new WebSocketTier('t1', { ...withServerStart(config({})), hostedZoneId: ZONE }, { transformations: [transformation] }),
  );
  expect(seen.find((x) => x.name === 't1-backplane-auth-token-version')?.ignoreChanges).toEqual(['secretString']);
  // Nothing else ignores changes: the replication group follows the secret version's (stable) output.
  expect(seen.filter((x) => x.ignoreChanges !== undefined).map((x) => x.name)).toEqual(['t1-backplane-auth-token-version']);
  const second = await recordProgram(() => new WebSocketTier('t1', { ...withServerStart(config({})), hostedZoneId: ZONE }));
  const token = (r: PulumiRecorder) => secretValue(r.named('t1-backplane-auth-token-version').inputs.secretString);
  expect(token(second.recorder)).not.toBe(token(first.recorder));
});

describe('backplane settings', () => {
  test('redis engine, version, node type, replicas and port are written as given', async () => {
    const { recorder: r } = await build({
      engine: 'redis',
      engineVersion: '7.0',
      nodeType: 'cache.m7g.large',
      replicasPerShard: 2,
      port: 6380,
    });
    expect(r.named('t1-backplane-replication-group').inputs).toMatchObject({
      engine: 'redis',
      engineVersion: '7.0',
      nodeType: 'cache.m7g.large',
      numCacheClusters: 3,
      port: 6380,
    });
    expect(r.named('t1-backplane-ingress-from-a').inputs).toMatchObject({ fromPort: 6380, toPort: 6380 });
    expect(userData(r, 'a')).toMatch(/:6380" >> \/etc\/websocket-tier\/server\.env/);
  });

  test('0 replicas: one node, automatic failover and Multi-AZ off', async () => {
    const { recorder: r } = await build({ replicasPerShard: 0 });
    expect(r.named('t1-backplane-replication-group').inputs).toMatchObject({
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
    });
  });

  test('no backplane: nothing of it, and no backplane lines in user data', async () => {
    const { recorder: r } = await recordProgram(
      () =>
        new WebSocketTier('t1', {
          domainName: 'ws.example.com',
          cells: [{ name: 'a' }],
          server: { unitProvidedByImage: true },
          hostedZoneId: ZONE,
        }),
    );
    expect(r.ofType(RG)).toHaveLength(0);
    expect(r.ofType('aws:secretsmanager/secret:Secret')).toHaveLength(0);
    expect(userData(r, 'a')).not.toContain('WST_REDIS_URL');
  });

  test('validation errors are a ResourceError naming the tier and every field', async () => {
    await expect(
      recordProgram(
        () =>
          new WebSocketTier('t1', {
            ...withServerStart(config({ engine: 'redis', engineVersion: '8.0', replicasPerShard: 9 })),
            hostedZoneId: ZONE,
          }),
      ),
    ).rejects.toThrow(
      /t1: invalid WebSocket tier configuration \(2 problems\)[\s\S]*backplane\.engineVersion[\s\S]*backplane\.replicasPerShard/,
    );
  });
});
