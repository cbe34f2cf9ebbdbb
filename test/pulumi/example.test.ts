/**
 * The Pulumi example (Pulumi.yaml → examples/pulumi) under mocks: its resource inventory is the
 * Pulumi id contract, and the program entry point runs without the CLI or credentials.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildExampleTier } from '../../examples/pulumi/tier';
import { recordProgram, type PulumiRecorder } from '../helpers/pulumi-mocks';

const ROOT = path.join(__dirname, '..', '..');
const OPTIONS = { domainName: 'ws.example.com', hostedZoneId: 'Z00000000000000000000' };

describe('examples/pulumi', () => {
  let recorder: PulumiRecorder;
  beforeAll(async () => {
    ({ recorder } = await recordProgram(() => buildExampleTier(OPTIONS)));
  });

  test('resource inventory (sorted type::name) is the Pulumi id contract', () => {
    expect(recorder.inventory()).toMatchSnapshot();
  });

  test('every child is named under the tier (chat-…), with no duplicate type::name', () => {
    const inventory = recorder.inventory();
    expect(new Set(inventory).size).toBe(inventory.length);
    for (const r of recorder.resources) expect(r.name === 'chat' || r.name.startsWith('chat-')).toBe(true);
  });

  test('three cells: a and b ALB, c NLB with a TLS listener; weights 100/100/50', () => {
    const lbs = Object.fromEntries(recorder.ofType('aws:lb/loadBalancer:LoadBalancer').map((r) => [r.name, r.inputs.loadBalancerType]));
    expect(lbs).toEqual({
      'chat-cell-a-load-balancer': 'application',
      'chat-cell-b-load-balancer': 'application',
      'chat-cell-c-load-balancer': 'network',
    });
    expect(recorder.named('chat-cell-c-listener').inputs).toMatchObject({ protocol: 'TLS', alpnPolicy: 'HTTP1Only' });
    const weights = Object.fromEntries(
      recorder
        .ofType('aws:route53/record:Record')
        .filter((r) => r.inputs.setIdentifier)
        .map((r) => [r.inputs.setIdentifier, r.inputs.weightedRoutingPolicies[0].weight]),
    );
    expect(weights).toEqual({ a: 100, b: 100, c: 50 });
  });

  test('one Route 53 health check per cell; ALB idle 120 s; the server bundle is one private object', () => {
    expect(
      recorder
        .ofType('aws:route53/healthCheck:HealthCheck')
        .map((r) => r.inputs.fqdn)
        .sort(),
    ).toEqual(['a.ws.example.com', 'b.ws.example.com', 'c.ws.example.com']);
    expect(recorder.named('chat-cell-a-load-balancer').inputs.idleTimeout).toBe(120);
    expect(recorder.ofType('aws:s3/bucketObjectv2:BucketObjectv2')).toHaveLength(1);
    expect(recorder.named('chat-server-bundle-public-access-block').inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });
});

describe('examples/pulumi runs the chat server', () => {
  let recorder: PulumiRecorder;
  beforeAll(async () => {
    ({ recorder } = await recordProgram(() => buildExampleTier(OPTIONS)));
  });

  test('a Valkey backplane reachable from every cell; every cell gets WST_REDIS_URL at boot', () => {
    expect(recorder.named('chat-backplane-replication-group').inputs).toMatchObject({
      engine: 'valkey',
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      multiAzEnabled: true,
    });
    for (const cell of ['a', 'b', 'c']) {
      expect(recorder.named(`chat-backplane-ingress-from-${cell}`).inputs.referencedSecurityGroupId).toBe(
        `chat-cell-${cell}-instance-security-group-id`,
      );
      const userData = Buffer.from(recorder.named(`chat-cell-${cell}-launch-template`).inputs.userData, 'base64').toString('utf8');
      expect(userData).toContain('WST_REDIS_URL=rediss://:$WST_BACKPLANE_TOKEN@master.chat-backplane-replication-group.');
    }
  });

  test('socket.io long-polling fallback: lb_cookie stickiness on the ALB cells, source_ip on the NLB cell', () => {
    const stickiness = Object.fromEntries(
      recorder.ofType('aws:lb/targetGroup:TargetGroup').map((r) => [r.name, [r.inputs.stickiness?.enabled, r.inputs.stickiness?.type]]),
    );
    expect(stickiness).toEqual({
      'chat-cell-a-target-group': [true, 'lb_cookie'],
      'chat-cell-b-target-group': [true, 'lb_cookie'],
      'chat-cell-c-target-group': [true, 'source_ip'],
    });
  });
});

describe('Pulumi.yaml', () => {
  const yaml = fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8');

  test('runs the nodejs runtime on examples/pulumi/', () => {
    expect(yaml).toMatch(/^runtime:\s*\n\s+name: nodejs$/m);
    const main = /^main: (\S+)$/m.exec(yaml)?.[1];
    expect(main).toBe('examples/pulumi/');
    expect(fs.existsSync(path.join(ROOT, main as string, 'index.ts'))).toBe(true);
  });

  test('the program entry point runs under mocks with placeholder config and exports the URLs', async () => {
    let program: { url: string; cellUrls: Record<string, string> } | undefined;
    const { recorder: r } = await recordProgram(() => {
      jest.isolateModules(() => {
        // A fresh module instance per run (jest.isolateModules), so a static import cannot replace it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        program = require('../../examples/pulumi/index');
      });
    });
    expect(program?.url).toBe('wss://ws.example.com');
    expect(program?.cellUrls).toEqual({ a: 'wss://a.ws.example.com', b: 'wss://b.ws.example.com', c: 'wss://c.ws.example.com' });
    expect(r.ofType('websocket-tier:index:WebSocketCell')).toHaveLength(3);
  });
});
