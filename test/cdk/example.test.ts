/**
 * The example CDK app (examples/cdk): one template snapshot, one id-contract snapshot, and a
 * synthesis with every currently recommended feature flag.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { ChatTierStack } from '../../examples/cdk/chat-tier-stack';
import { bundleChatServer } from '../../examples/server/bundle';
import { createTestApp } from '../helpers/cdk-app';

const PROPS = { domainName: 'ws.example.com', hostedZoneId: 'Z00000000000000000000', hostedZoneName: 'example.com' };

let bundleDir: string;
let serverBundleFile: string;

beforeAll(() => {
  // A private bundle directory, so parallel test files never write the same file.
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-example-'));
  serverBundleFile = bundleChatServer(bundleDir);
});

afterAll(() => {
  fs.rmSync(bundleDir, { recursive: true, force: true });
});

function synthExample(app: App = createTestApp()): Template {
  const stack = new ChatTierStack(app, 'WebSocketTierExample', { ...PROPS, serverBundleFile });
  return Template.fromStack(stack);
}

/** `LogicalId: Type` of every resource, sorted: what the id contract pins. */
function resourceIds(template: Template): string[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.entries(resources)
    .map(([logicalId, resource]) => `${logicalId}: ${resource.Type}`)
    .sort();
}

describe('example chat tier (examples/cdk)', () => {
  test('template matches the snapshot', () => {
    expect(synthExample().toJSON()).toMatchSnapshot();
  });

  test('template is reproducible and holds no machine-specific paths', () => {
    const first = JSON.stringify(synthExample().toJSON());
    const second = JSON.stringify(synthExample().toJSON());
    expect(second).toEqual(first);
    for (const local of [process.cwd(), os.tmpdir(), os.homedir(), bundleDir]) {
      expect(first).not.toContain(local);
    }
  });

  test('resource logical ids and types match the id contract', () => {
    // Changing any line here replaces live resources (load balancers, records, groups) on the
    // next deploy: treat it as a breaking change.
    expect(resourceIds(synthExample())).toMatchSnapshot();
  });

  test('three cells: two ALBs and one NLB with a TLS listener, weighted 100/100/50', () => {
    const template = synthExample();
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application' }, 2);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'TLS' });
    const weights = Object.values(template.findResources('AWS::Route53::RecordSet'))
      .map((r) => r.Properties as { Name?: unknown; SetIdentifier?: string; Weight?: number })
      .filter((p) => p.Weight !== undefined)
      .map((p) => `${p.SetIdentifier}=${p.Weight}`)
      .sort();
    expect(weights).toEqual(['a=100', 'b=100', 'c=50']);
  });

  test('runs the chat server: a TLS, authenticated Valkey backplane and stickiness for socket.io long-polling', () => {
    const template = synthExample();
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AuthToken: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['{{resolve:secretsmanager:'])] }),
    });
    // One ingress rule on the backplane port per cell, each from that cell's instance security group.
    template.resourcePropertiesCountIs(
      'AWS::EC2::SecurityGroupIngress',
      { FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: Match.anyValue() },
      3,
    );
    const stickiness = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((r) => {
      const attrs = Object.fromEntries(
        (r.Properties.TargetGroupAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]),
      );
      return `${attrs['stickiness.enabled']}:${attrs['stickiness.type']}`;
    });
    expect(stickiness.sort()).toEqual(['true:lb_cookie', 'true:lb_cookie', 'true:source_ip']);
  });

  test('synthesizes with every currently recommended feature flag', () => {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const template = synthExample(app);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 3);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 3);
    // The NLB cell keeps its security group under networkLoadBalancerWithSecurityGroupByDefault.
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      SecurityGroups: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('CellcLoadBalancerSecurityGroup'), 'GroupId'] }]),
    });
  });
});
