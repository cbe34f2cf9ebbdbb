/**
 * The CDK backplane: ElastiCache replication group with every setting from core, subnet group on
 * the private subnets, a security group open only to each cell's instances, the AUTH token in a
 * generated secret (never plain text in the template or user data), user data that builds
 * WST_REDIS_URL at boot, the instance role's read on that one secret, validation errors.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { WebSocketBackplane } from '../../lib/cdk';
import type { BackplaneConfig } from '../../lib/core/backplane';
import type { TierConfig } from '../../lib/core/config';
import { planTier } from '../../lib/core/plan';
import { createTestApp, testBundleFile, tierStack, type TierStack, userDataOf } from '../helpers/cdk-app';

const config = (backplane: BackplaneConfig): TierConfig => ({
  domainName: 'ws.example.com',
  cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }],
  backplane,
});

describe('a tier with the default backplane', () => {
  let t: TierStack;
  let template: Template;
  beforeAll(() => {
    t = tierStack(config({}), { serverBundleFile: testBundleFile() });
    template = t.template;
  });

  test('one replication group: Valkey 8.0, cache.r7g.large, primary + 1 replica, failover and Multi-AZ, 6379, cluster mode disabled', () => {
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.0',
      CacheNodeType: 'cache.r7g.large',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      Port: 6379,
      ClusterMode: 'disabled',
      AutoMinorVersionUpgrade: true,
      ReplicationGroupDescription: 'websocket-tier backplane of ws.example.com',
    });
    // Cluster mode off: no shard settings.
    const [rg] = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(rg.Properties.NumNodeGroups).toBeUndefined();
    expect(rg.Properties.ReplicasPerNodeGroup).toBeUndefined();
  });

  test('TLS required and encryption at rest, always', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
    });
  });

  test('AUTH token: a generated 64-character alphanumeric secret, given to ElastiCache by dynamic reference', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    const secretId = t.stack.getLogicalId(t.tier.backplane!.secret.node.defaultChild as never);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
    });
  });

  test('the token is never in plain text: no SecretString in the template, and user data only references the secret', () => {
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret.Properties.SecretString).toBeUndefined();
    const authToken = JSON.stringify(Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties.AuthToken);
    expect(authToken).toMatch(/\{\{resolve:secretsmanager:/);
    for (const cell of ['a', 'b']) {
      const ud = userDataOf(t, cell);
      expect(ud).not.toMatch(/rediss:\/\/:[A-Za-z0-9]{16,}@/);
      expect(ud).toContain('$WST_BACKPLANE_TOKEN');
      expect(ud).not.toMatch(/resolve:secretsmanager/);
    }
  });

  test('subnet group on the private subnets with egress (where the instances are)', () => {
    const privateIds = t.tier.vpc
      .selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
      .subnetIds.map((id) => t.stack.resolve(id));
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: privateIds });
    const sgRef = t.stack.resolve(t.tier.backplane!.subnetGroup.ref);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheSubnetGroupName: sgRef,
      SecurityGroupIds: [t.stack.resolve(t.tier.backplane!.securityGroup.securityGroupId)],
    });
  });

  test('security group: ingress on 6379 only from each cell instance security group; no CIDR ingress; no real egress', () => {
    const backplaneSg = t.stack.resolve(t.tier.backplane!.securityGroup.securityGroupId);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(backplaneSg),
    );
    const sources = ingress.map((r) => JSON.stringify(r.Properties.SourceSecurityGroupId)).sort();
    const cellSgs = ['a', 'b']
      .map((c) => JSON.stringify(t.stack.resolve(t.tier.cell(c).connections.securityGroups[0].securityGroupId)))
      .sort();
    expect(sources).toEqual(cellSgs);
    for (const r of ingress) expect(r.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379 });
    const sgId = t.stack.getLogicalId(t.tier.backplane!.securityGroup.node.defaultChild as never);
    const sg = template.toJSON().Resources[sgId];
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    // CDK's "no egress" placeholder rule (255.255.255.255/32, ICMP 252-86): nothing can leave.
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  test('ingress rules have ids from the table: Tier/Backplane/IngressFrom-<cell>', () => {
    expect(t.tier.backplane!.node.children.map((c) => c.node.id).sort()).toEqual(
      ['AuthToken', 'IngressFrom-a', 'IngressFrom-b', 'ReplicationGroup', 'SecurityGroup', 'SubnetGroup'].sort(),
    );
    expect(t.tier.backplane!.node.path).toBe('Test/Tier/Backplane');
  });

  test('every cell: user data reads the token from the secret at boot and appends WST_REDIS_URL with the endpoint and port', () => {
    const secretRef = JSON.stringify(t.stack.resolve(t.tier.backplane!.secret.secretArn));
    const endpoint = JSON.stringify(t.stack.resolve(t.tier.backplane!.endpointAddress));
    for (const cell of ['a', 'b']) {
      const ud = userDataOf(t, cell);
      expect(ud).toContain(
        `aws secretsmanager get-secret-value --region "$WST_REGION" --secret-id '${secretRef}' --query SecretString --output text`,
      );
      expect(ud).toContain(`echo "WST_REDIS_URL=rediss://:$WST_BACKPLANE_TOKEN@${endpoint}:6379" >> /etc/websocket-tier/server.env`);
    }
  });

  test('every cell role may read that one secret, nothing wider', () => {
    const secretRef = t.stack.resolve(t.tier.backplane!.secret.secretArn);
    for (const cell of ['a', 'b']) {
      const roleRef = t.stack.resolve(t.tier.cell(cell).role.roleName);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [roleRef],
        PolicyDocument: {
          Statement: [
            {
              Sid: 'BackplaneAuthToken',
              Effect: 'Allow',
              Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
              Resource: secretRef,
            },
          ],
        },
      });
    }
    expect(t.tier.cell('a').node.tryFindChild('BackplaneAuthTokenRead')).toBeDefined();
  });

  test('escape hatches are public', () => {
    const b = t.tier.backplane!;
    expect(b.replicationGroup.engine).toBe('valkey');
    expect(b.port).toBe(6379);
    expect(t.stack.resolve(b.endpointAddress)).toEqual({
      'Fn::GetAtt': [t.stack.getLogicalId(b.replicationGroup), 'PrimaryEndPoint.Address'],
    });
  });
});

describe('backplane settings', () => {
  test('redis engine, version, node type, replicas and port are written as given', () => {
    const t = tierStack(config({ engine: 'redis', engineVersion: '7.0', nodeType: 'cache.m7g.large', replicasPerShard: 2, port: 6380 }));
    t.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      EngineVersion: '7.0',
      CacheNodeType: 'cache.m7g.large',
      NumCacheClusters: 3,
      Port: 6380,
    });
    t.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6380,
      ToPort: 6380,
      SourceSecurityGroupId: Match.anyValue(),
    });
    expect(userDataOf(t, 'a')).toMatch(/:6380" >> \/etc\/websocket-tier\/server\.env/);
  });

  test('0 replicas: one node, automatic failover and Multi-AZ off', () => {
    tierStack(config({ replicasPerShard: 0 })).template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
    });
  });

  test('no backplane config: no ElastiCache, no secret, no backplane lines in user data', () => {
    const t = tierStack({ domainName: 'ws.example.com', cells: [{ name: 'a' }] });
    t.template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 0);
    t.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(t.tier.backplane).toBeUndefined();
    expect(userDataOf(t, 'a')).not.toContain('WST_REDIS_URL');
  });

  test('the construct works alone on a resolved backplane', () => {
    const stack = new Stack(createTestApp(), 'Alone');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const backplane = planTier('Alone', config({ port: 7000 })).tier.backplane!;
    const b = new WebSocketBackplane(stack, 'Backplane', { backplane, vpc });
    const sg = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    b.allowFrom(backplane.ingress[0], sg.connections);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Port: 7000 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 7000,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Clients'), 'GroupId'] },
    });
  });

  test('allowFrom without a security group throws naming the cell', () => {
    const stack = new Stack(createTestApp(), 'NoSg');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const backplane = planTier('NoSg', config({})).tier.backplane!;
    const b = new WebSocketBackplane(stack, 'Backplane', { backplane, vpc });
    expect(() => b.allowFrom(backplane.ingress[0], new ec2.Connections())).toThrow(/cell "a" has no instance security group/);
  });
});

describe('backplane validation errors name the construct and every field', () => {
  test.each<[BackplaneConfig, RegExp]>([
    [{ engine: 'memcached' as never }, /backplane\.engine .*'valkey' or 'redis'/],
    [{ engine: 'redis', engineVersion: '8.0' }, /backplane\.engineVersion .*'6\.2', '7\.0', '7\.1'/],
    [{ replicasPerShard: 6 }, /backplane\.replicasPerShard .*0–5/],
    [{ port: 8080 }, /backplane\.port .*server\.port/],
    [
      { transitEncryptionEnabled: false } as never,
      /backplane\.transitEncryptionEnabled is not an option: encryption in transit is always on/,
    ],
  ])('%j', (backplane, message) => {
    expect(() => tierStack(config(backplane))).toThrow(/^Test\/Tier: invalid WebSocket tier configuration/);
    expect(() => tierStack(config(backplane))).toThrow(message);
  });
});
