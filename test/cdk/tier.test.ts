/**
 * The tier construct: shared VPC, certificate and server bundle, one cell per config entry under
 * stable ids, weighted records across cells, outputs.
 */
import * as fs from 'fs';
import { Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { TierConfig } from '../../lib/core/config';
import { WebSocketTier } from '../../lib/cdk';
import { createTestApp, oneCell, TEST_ZONE, testBundleFile, tierStack, type TierStack, withServerStart } from '../helpers/cdk-app';

const MIXED: TierConfig = {
  domainName: 'ws.example.com',
  cells: [
    { name: 'a', weight: 50 },
    { name: 'b', loadBalancerType: 'network', weight: 150 },
  ],
};

describe('a mixed two-cell tier', () => {
  let t: TierStack;
  let template: Template;
  beforeAll(() => {
    t = tierStack(MIXED, { serverBundleFile: testBundleFile() });
    template = t.template;
  });

  test('cells are children Cell-<name> of the tier, in config order', () => {
    expect(t.tier.cells.map((c) => c.node.id)).toEqual(['Cell-a', 'Cell-b']);
    expect(t.tier.cell('b')).toBe(t.tier.cells[1]);
  });

  test('plan is the resolved tier', () => {
    expect(t.tier.plan.cells.map((c) => c.loadBalancerType)).toEqual(['application', 'network']);
    expect(t.tier.plan.domainName).toBe('ws.example.com');
  });

  test('cell() with an unknown name throws naming it and the known cells', () => {
    expect(() => t.tier.cell('zz')).toThrow(/Test\/Tier: no cell named "zz"; this tier has "a", "b"/);
  });

  test('each cell has its own weighted record with its set identifier and weight', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'ws.example.com.', Type: 'A', SetIdentifier: 'a', Weight: 50 });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'ws.example.com.', Type: 'A', SetIdentifier: 'b', Weight: 150 });
  });

  test('one ALB and one NLB, each with its own Auto Scaling group and scaling policy', () => {
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application' }, 1);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 1);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 2);
  });

  test('one certificate for the tier name and its wildcard serves every cell', () => {
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'ws.example.com',
      SubjectAlternativeNames: ['*.ws.example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'ws.example.com', HostedZoneId: TEST_ZONE.hostedZoneId }],
    });
  });

  test('the server bundle is one asset shared by every cell', () => {
    const keys = Object.values(template.findResources('AWS::EC2::LaunchTemplate')).map((r) => {
      const text = JSON.stringify(r.Properties.LaunchTemplateData.UserData);
      return /([0-9a-f]{64})\.js/.exec(text)?.[1];
    });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeDefined();
    expect(keys[1]).toBe(keys[0]);
    const assembly = t.app.synth();
    const manifest = assembly.artifacts.find((a): a is cxapi.AssetManifestArtifact => a instanceof cxapi.AssetManifestArtifact);
    const files = Object.values(JSON.parse(fs.readFileSync(manifest!.file, 'utf8')).files) as {
      source: { path: string; packaging: string };
    }[];
    expect(files.filter((f) => f.source.packaging === 'file' && f.source.path.endsWith('.js'))).toHaveLength(1);
  });

  test('default VPC: public and private subnets in 2 AZs (env-agnostic) with one NAT gateway per AZ', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::VPCCidrBlock', 0);
  });

  test('outputs the tier URL and one direct URL per cell', () => {
    template.hasOutput('*', { Value: 'wss://ws.example.com' });
    template.hasOutput('*', { Value: 'wss://a.ws.example.com' });
    template.hasOutput('*', { Value: 'wss://b.ws.example.com' });
    expect(Object.keys(template.findOutputs('*'))).toHaveLength(3);
  });

  test('output ids come from the id table', () => {
    const ids = Object.keys(template.findOutputs('*'));
    expect(ids).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^TierTierUrl/),
        expect.stringMatching(/^TierCellUrla/),
        expect.stringMatching(/^TierCellUrlb/),
      ]),
    );
  });
});

describe('tier options', () => {
  test('a given VPC and certificate are used instead of new ones', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test');
    const vpc = new ec2.Vpc(stack, 'MyVpc', { maxAzs: 2, natGateways: 1 });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    const tier = new WebSocketTier(stack, 'Tier', { ...withServerStart(oneCell()), hostedZone, vpc, certificate });
    const template = Template.fromStack(stack);
    expect(tier.vpc).toBe(vpc);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc' }],
    });
  });

  test("a given VPC without public or private subnets is refused with vpc-subnets-missing, not aws-cdk-lib's subnet-group error", () => {
    const build = (attrs: Partial<ec2.VpcAttributes>) => {
      const app = createTestApp();
      const stack = new Stack(app, 'Test');
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...attrs });
      const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
      return () => new WebSocketTier(stack, 'Tier', { ...withServerStart(oneCell()), hostedZone, vpc });
    };
    expect(build({})).toThrow(/- vpc has no public and no private subnets;.*Fix: pass a VPC that has both.*\[vpc-subnets-missing\]/s);
    expect(build({ publicSubnetIds: ['subnet-1', 'subnet-2'] })).toThrow(/vpc has no private subnets;.*\[vpc-subnets-missing\]/s);
    expect(build({ publicSubnetIds: ['subnet-1', 'subnet-2'], privateSubnetIds: ['subnet-3', 'subnet-4'] })).not.toThrow();
  });

  test('a stack with an environment spreads the default VPC over 3 AZs', () => {
    const { template } = tierStack(oneCell(), {}, { env: { account: '111111111111', region: 'us-east-1' } });
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('a given machine image replaces the Amazon Linux 2023 parameter', () => {
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
    const { template } = tierStack(oneCell(), { machineImage }, { env: { account: '111111111111', region: 'us-east-1' } });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: 'ami-0123456789abcdef0' }),
    });
  });

  test('cellRecords off: only weighted records and only the tier URL output', () => {
    const { template } = tierStack(oneCell({ name: 'a' }, { dns: { cellRecords: false } }));
    template.resourceCountIs('AWS::Route53::RecordSet', 1);
    expect(Object.values(template.findOutputs('*')).map((o) => o.Value)).toEqual(['wss://ws.example.com']);
  });

  test('the same cell name gives the same logical ids whatever its position', () => {
    const ids = (config: TierConfig) =>
      Object.keys(tierStack(config).template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).sort();
    const one = ids({ domainName: 'ws.example.com', cells: [{ name: 'b' }] });
    const two = ids({ domainName: 'ws.example.com', cells: [{ name: 'a' }, { name: 'b' }] });
    expect(two).toEqual(expect.arrayContaining(one));
  });
});
