/**
 * ECS cells on Fargate in CDK (lib/cdk/private/ecs-*.ts): a template assertion for every setting
 * core resolves (task definition, container, service, target group, scaling, roles, logs,
 * security groups), mixed tiers (EC2 cells unchanged), synthesis that stays offline (an image
 * directory is only staged, never built), the post-synthesis check and cdk-nag clean.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebSocketTier } from '../../lib/cdk/websocket-tier';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CellConfig, TierConfig } from '../../lib/core/config';
import { createTestApp, TEST_ZONE, tierStack, type TierStack } from '../helpers/cdk-app';

const IMAGE_DIR = path.join(__dirname, '../fixtures/ecs-image');
const URI = 'public.ecr.aws/example/chat:1.0.0';
const ENV = { env: { account: '123456789012', region: 'eu-west-1' } } as const;
const TD = 'AWS::ECS::TaskDefinition';
const SERVICE = 'AWS::ECS::Service';
const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const POLICY = 'AWS::ApplicationAutoScaling::ScalingPolicy';

const fargate = (name: string, extra: Partial<CellConfig> = {}, backend: Record<string, unknown> = {}): CellConfig => ({
  name,
  ...extra,
  backend: { type: 'fargate', image: { uri: URI }, ...backend } as CellConfig['backend'],
});
const config = (cells: CellConfig[], rest: Partial<TierConfig> = {}): TierConfig => ({ domainName: 'ws.example.com', cells, ...rest });

/** Resources of `type` whose logical id contains `cell` (`Cella`). */
function ofCell(template: Template, type: string, cell: string): Record<string, { Properties: Record<string, unknown> }> {
  return Object.fromEntries(Object.entries(template.findResources(type)).filter(([id]) => id.includes(`Cell${cell}`))) as Record<
    string,
    { Properties: Record<string, unknown> }
  >;
}
function one(template: Template, type: string, cell: string): Record<string, unknown> {
  const found = Object.values(ofCell(template, type, cell));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}
function tgAttributes(props: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries((props.TargetGroupAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
}

describe('a mixed tier: Fargate ALB cell (image directory), Fargate NLB cell (image URI), EC2 cell', () => {
  let t: TierStack;
  let marker: string;
  beforeAll(() => {
    // A docker that records any call: synthesis must not build the image (cdk deploy does).
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-nodocker-'));
    marker = path.join(bin, 'called');
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\ntouch ${marker}\nexit 1\n`, { mode: 0o755 });
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${oldPath}`;
    try {
      t = tierStack(
        config(
          [
            fargate(
              'a',
              { scaling: { minCapacity: 3, maxCapacity: 12, targetConnectionsPerInstance: 4000 } },
              { image: { directory: IMAGE_DIR }, cpu: 2048, memoryMiB: 4096, architecture: 'arm64' },
            ),
            fargate(
              'n',
              { loadBalancerType: 'network' },
              { stopTimeoutSeconds: 60, containerHealthCheck: { command: ['CMD', '/bin/true'], startPeriodSeconds: 10 } },
            ),
            { name: 'e' },
          ],
          { host: { localProxy: true } },
        ),
        {},
        ENV,
      );
      t.app.synth();
    } finally {
      process.env.PATH = oldPath;
    }
  });

  test('synthesis stays offline: the image directory is staged as an asset, docker is never run', () => {
    expect(fs.existsSync(marker)).toBe(false);
    const assembly = t.app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Test.assets.json'), 'utf8'));
    const images = Object.values(manifest.dockerImages ?? {}) as { source: { directory: string; platform?: string } }[];
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/arm64');
    expect(fs.existsSync(path.join(assembly.directory, images[0].source.directory, 'Dockerfile'))).toBe(true);
  });

  test('one cluster for the tier, Container Insights on (the scaling denominator)', () => {
    t.template.resourceCountIs('AWS::ECS::Cluster', 1);
    t.template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test('task definition: Fargate, awsvpc, size and CPU architecture, its own roles', () => {
    expect(one(t.template, TD, 'a')).toMatchObject({
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: '2048',
      Memory: '4096',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      TaskRoleArn: { 'Fn::GetAtt': [expect.stringMatching('CellaTaskRole'), 'Arn'] },
      ExecutionRoleArn: { 'Fn::GetAtt': [expect.stringMatching('CellaTaskExecutionRole'), 'Arn'] },
    });
    expect(one(t.template, TD, 'n')).toMatchObject({ Cpu: '1024', Memory: '2048', RuntimePlatform: { CpuArchitecture: 'X86_64' } });
  });

  test('container: image, port(s), stop timeout, nofile, net sysctls, awslogs, the server contract environment', () => {
    const [a] = one(t.template, TD, 'a').ContainerDefinitions as Record<string, unknown>[];
    expect(a).toMatchObject({
      Name: 'server',
      Essential: true,
      PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
      StopTimeout: 120,
      Ulimits: [{ Name: 'nofile', SoftLimit: 1048576, HardLimit: 1048576 }],
      SystemControls: [
        { Namespace: 'net.core.somaxconn', Value: '65535' },
        { Namespace: 'net.ipv4.tcp_max_syn_backlog', Value: '65535' },
        { Namespace: 'net.ipv4.ip_local_port_range', Value: '1024 65535' },
      ],
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': { Ref: expect.stringMatching('CellaTaskLogGroup') }, 'awslogs-stream-prefix': 'a' },
      },
    });
    expect(JSON.stringify(a.Image)).toContain('container-assets');
    const env = Object.fromEntries((a.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
    expect(env).toEqual(t.tier.plan.cells[0].serverEnvironment);
    expect(a.HealthCheck).toBeUndefined();
    const [n] = one(t.template, TD, 'n').ContainerDefinitions as Record<string, unknown>[];
    expect(n).toMatchObject({
      Image: URI,
      StopTimeout: 60,
      HealthCheck: { Command: ['CMD', '/bin/true'], Interval: 30, Timeout: 5, Retries: 3, StartPeriod: 10 },
    });
  });

  test('log group retention', () => {
    expect(one(t.template, 'AWS::Logs::LogGroup', 'a')).toEqual({ RetentionInDays: 30 });
  });

  test('service: Fargate LATEST, private subnets, no public IP, the task security group, deployment 100/200 with rollback, AZ rebalancing, grace', () => {
    const s = one(t.template, SERVICE, 'a');
    expect(s).toMatchObject({
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      AvailabilityZoneRebalancing: 'ENABLED',
      HealthCheckGracePeriodSeconds: 300,
      EnableExecuteCommand: false,
      PropagateTags: 'SERVICE',
      EnableECSManagedTags: true,
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          SecurityGroups: [{ 'Fn::GetAtt': [expect.stringMatching('CellaInstanceSecurityGroup'), 'GroupId'] }],
          Subnets: [
            { Ref: expect.stringMatching('PrivateSubnet1') },
            { Ref: expect.stringMatching('PrivateSubnet2') },
            { Ref: expect.stringMatching('PrivateSubnet3') },
          ],
        },
      },
      LoadBalancers: [{ ContainerName: 'server', ContainerPort: 8080, TargetGroupArn: { Ref: expect.stringMatching('CellaTargetGroup') } }],
    });
    expect(s.DesiredCount).toBeUndefined(); // deploys never reset what scaling chose
  });

  test('target groups: ip targets, the deregistration delay covers the drain (ALB and NLB), the same health check and attributes as EC2 cells', () => {
    const a = one(t.template, TG, 'a');
    expect(a).toMatchObject({
      TargetType: 'ip',
      Protocol: 'HTTP',
      ProtocolVersion: 'HTTP1',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 10,
    });
    expect(tgAttributes(a)['deregistration_delay.timeout_seconds']).toBe('330');
    const n = one(t.template, TG, 'n');
    expect(n).toMatchObject({ TargetType: 'ip', Protocol: 'TCP' });
    expect(tgAttributes(n)).toMatchObject({
      'deregistration_delay.timeout_seconds': '330',
      'deregistration_delay.connection_termination.enabled': 'false',
      'preserve_client_ip.enabled': 'true',
      'target_health_state.unhealthy.connection_termination.enabled': 'false',
    });
    const e = one(t.template, TG, 'e');
    expect(e.TargetType).toBe('instance');
    expect(tgAttributes(e)['deregistration_delay.timeout_seconds']).toBe('330');
  });

  test('scaling: the task count between min and max, target tracking on connections per task (metric math), scale-in waits out the drain', () => {
    const target = one(t.template, 'AWS::ApplicationAutoScaling::ScalableTarget', 'a');
    expect(target).toMatchObject({
      MinCapacity: 3,
      MaxCapacity: 12,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
    const p = one(t.template, POLICY, 'a');
    expect(p).toMatchObject({
      PolicyName: 'websocket-connections-per-task',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 4000,
        ScaleInCooldown: 330,
        ScaleOutCooldown: 60,
        DisableScaleIn: false,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'lb',
              ReturnData: false,
              MetricStat: {
                Stat: 'Sum',
                Metric: {
                  Namespace: 'AWS/ApplicationELB',
                  MetricName: 'ActiveConnectionCount',
                  Dimensions: [{ Name: 'LoadBalancer', Value: expect.anything() }],
                },
              },
            },
            {
              Id: 'tasks',
              ReturnData: false,
              MetricStat: {
                Stat: 'Average',
                Metric: {
                  Namespace: 'ECS/ContainerInsights',
                  MetricName: 'RunningTaskCount',
                  Dimensions: [
                    { Name: 'ClusterName', Value: { Ref: expect.stringMatching('TierCluster') } },
                    { Name: 'ServiceName', Value: { 'Fn::GetAtt': [expect.stringMatching('CellaService'), 'Name'] } },
                  ],
                },
              },
            },
            { Id: 'perTask', Expression: 'lb / 2 / tasks', ReturnData: true },
          ],
        },
      },
    });
    const nMetrics = (
      one(t.template, POLICY, 'n').TargetTrackingScalingPolicyConfiguration as {
        CustomizedMetricSpecification: { Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[] };
      }
    ).CustomizedMetricSpecification.Metrics;
    expect(nMetrics.map((m) => m.Expression ?? m.MetricStat?.Metric.MetricName)).toEqual([
      'ActiveFlowCount',
      'RunningTaskCount',
      'lb / tasks',
    ]);
    const all = JSON.stringify(t.template.findResources(POLICY));
    expect(all).not.toMatch(/CPUUtilization|RequestCount/);
  });

  test('least privilege: the task role has no policy; the execution role pulls from the asset repository and writes the one log group', () => {
    const policies = t.template.findResources('AWS::IAM::Policy');
    expect(Object.keys(policies).filter((id) => id.includes('CellaTaskRole'))).toEqual([]);
    const exec = Object.entries(policies).find(([id]) => id.includes('CellaTaskExecutionRole'))![1].Properties as {
      PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
    };
    const statements = exec.PolicyDocument.Statement.map((s) => [[s.Action].flat().join(','), JSON.stringify(s.Resource)]);
    expect(statements).toEqual([
      ['ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer', expect.stringContaining('repository/cdk-')],
      ['ecr:GetAuthorizationToken', '"*"'],
      ['logs:CreateLogStream,logs:PutLogEvents', expect.stringContaining('CellaTaskLogGroup')],
    ]);
  });

  test('security groups as for EC2 cells: tasks accept only the load balancer, on the application port', () => {
    const ingress = Object.values(t.template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) =>
      JSON.stringify(r.Properties.GroupId).includes('CellaInstanceSecurityGroup'),
    );
    expect(ingress.map((r) => [r.Properties.FromPort, JSON.stringify(r.Properties.SourceSecurityGroupId)])).toEqual([
      [8080, expect.stringContaining('CellaLoadBalancerSecurityGroup')],
    ]);
    const groups = Object.values(ofCell(t.template, 'AWS::EC2::SecurityGroup', 'a')).map((g) => g.Properties.GroupDescription);
    expect(groups).toEqual(['websocket-tier cell a: load balancer', 'websocket-tier cell a: tasks']);
  });

  test('ECS cells have no Auto Scaling group, launch template or lifecycle hook; the EC2 cell keeps all of them', () => {
    for (const type of [
      'AWS::AutoScaling::AutoScalingGroup',
      'AWS::EC2::LaunchTemplate',
      'AWS::AutoScaling::LifecycleHook',
      'AWS::AutoScaling::ScalingPolicy',
    ]) {
      expect([type, Object.keys(ofCell(t.template, type, 'a')).length, Object.keys(ofCell(t.template, type, 'e')).length]).toEqual([
        type,
        0,
        1,
      ]);
    }
  });

  test('the EC2 cell renders exactly as in an EC2-only tier', () => {
    const alone = tierStack(config([{ name: 'e' }], { host: { localProxy: true } }), {}, ENV);
    const strip = (tpl: Template) => JSON.parse(JSON.stringify(ofCell(tpl, 'AWS::AutoScaling::AutoScalingGroup', 'e')));
    // Only its place in the release chain differs: it is released after the ECS cell before it (test/cdk/release.test.ts).
    const mixed = strip(t.template);
    const [groupId] = Object.keys(mixed);
    expect(mixed[groupId].DependsOn).toEqual([expect.stringMatching(/^TierCelln.*Service/)]);
    delete mixed[groupId].DependsOn;
    expect(mixed).toEqual(strip(alone.template));
    expect(one(t.template, 'AWS::EC2::LaunchTemplate', 'e')).toEqual(one(alone.template, 'AWS::EC2::LaunchTemplate', 'e'));
  });

  test('construct members: ecs on ECS cells; EC2-only members throw with the fix', () => {
    const a = t.tier.cell('a');
    expect(a.ecs?.service.serviceName).toBeDefined();
    expect(a.ecs?.container.containerName).toBe('server');
    expect(() => a.autoScalingGroup).toThrow(/runs on ECS \(fargate\): it has no autoScalingGroup.*Fix: use cell.ecs/);
    expect(() => a.role).toThrow(/Fix: use cell.ecs/);
    expect(t.tier.cell('e').ecs).toBeUndefined();
    expect(t.tier.cell('e').autoScalingGroup).toBeDefined();
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(t.stack);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))).toEqual([]);
  });
});

describe('ECS cells: options and the post-synthesis check', () => {
  test('an all-Fargate tier needs no server start and creates no server bundle', () => {
    const t = tierStack(config([fargate('a')]), {}, ENV);
    t.template.resourceCountIs('AWS::ECS::Service', 1);
    t.template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  test('desiredCapacity, ECS Exec, health port and log retention are written', () => {
    const t = tierStack(
      config([fargate('a', { scaling: { desiredCapacity: 4 } }, { enableExecuteCommand: true, logRetentionDays: 90 })], {
        healthCheck: { port: 8081 },
      }),
      {},
      ENV,
    );
    expect(one(t.template, SERVICE, 'a')).toMatchObject({ DesiredCount: 4, EnableExecuteCommand: true });
    expect(one(t.template, 'AWS::Logs::LogGroup', 'a')).toEqual({ RetentionInDays: 90 });
    const [c] = one(t.template, TD, 'a').ContainerDefinitions as { PortMappings: unknown }[];
    expect(c.PortMappings).toEqual([
      { ContainerPort: 8080, Protocol: 'tcp' },
      { ContainerPort: 8081, Protocol: 'tcp' },
    ]);
  });

  test('an escape hatch that shortens an ECS cell’s deregistration delay fails synthesis (rendered-deregistration-delay-below-drain)', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test', ENV);
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    const tier = new WebSocketTier(stack, 'Tier', { ...config([fargate('n', { loadBalancerType: 'network' })]), hostedZone });
    tier.cell('n').targetGroup.setAttribute('deregistration_delay.timeout_seconds', '120');
    expect(() => app.synth()).toThrow(/ECS stops the task[\s\S]*\[rendered-deregistration-delay-below-drain\]/);
  });

  test('an invalid Fargate size is the usual configuration error', () => {
    expect(() => tierStack(config([fargate('a', {}, { cpu: 256, memoryMiB: 4096 })]))).toThrow(/fargate-memory-invalid/);
  });
});
