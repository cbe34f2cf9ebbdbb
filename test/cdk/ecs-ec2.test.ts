/**
 * ECS on EC2 capacity (`backend: { type: 'ecs-ec2' }`, lib/cdk/private/ecs-ec2-capacity.ts) and
 * ECS secrets on both launch types, in CDK: the capacity provider over the cell's Auto Scaling
 * group (ECS-optimized AMI, managed scaling, managed termination protection), the EC2 service with
 * the Fargate service's deployment, circuit breaker, scaling and `ip` target group, container
 * `secrets` that keep every secret out of `Environment`, and cdk-nag AwsSolutions runs (including
 * a Fargate cell with ECS Exec on).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CellConfig, TierConfig } from '../../lib/core/config';
import { tierStack, type TierStack } from '../helpers/cdk-app';

const URI = 'public.ecr.aws/example/chat:1.0.0';
const ENV = { env: { account: '123456789012', region: 'eu-west-1' } } as const;
const TD = 'AWS::ECS::TaskDefinition';
const SERVICE = 'AWS::ECS::Service';

const ecsEc2 = (name: string, extra: Partial<CellConfig> = {}, backend: Record<string, unknown> = {}): CellConfig => ({
  name,
  ...extra,
  backend: { type: 'ecs-ec2', image: { uri: URI }, ...backend } as CellConfig['backend'],
});
const fargate = (name: string, backend: Record<string, unknown> = {}): CellConfig => ({
  name,
  backend: { type: 'fargate', image: { uri: URI }, ...backend } as CellConfig['backend'],
});
const config = (cells: CellConfig[], rest: Partial<TierConfig> = {}): TierConfig => ({ domainName: 'ws.example.com', cells, ...rest });

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
function nagFindings(t: TierStack): string[] {
  const report = new AwsSolutionsChecks().validateScope(t.stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('an ecs-ec2 ALB cell beside a Fargate NLB cell and an EC2 cell', () => {
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(
      config([
        ecsEc2(
          'k',
          { instanceType: 'c7g.xlarge', scaling: { minCapacity: 4, maxCapacity: 12, targetConnectionsPerInstance: 3000 } },
          { cpuUnits: 1024, memoryMiB: 1536, tasksPerInstance: 3, stopTimeoutSeconds: 300, targetCapacityPercent: 90 },
        ),
        { ...fargate('f'), loadBalancerType: 'network' },
        { name: 'e' },
      ]),
      {},
      ENV,
    );
  });

  test('task definition: EC2-compatible, awsvpc, task CPU/memory, stop timeout above 120 s (no runtimePlatform: the AMI decides)', () => {
    const td = one(t.template, TD, 'k');
    expect(td).toMatchObject({ RequiresCompatibilities: ['EC2'], NetworkMode: 'awsvpc', Cpu: '1024', Memory: '1536' });
    expect(td.RuntimePlatform).toBeUndefined();
    expect(t.tier.plan.cells[0].backend?.runtimePlatform.cpuArchitecture).toBe('ARM64');
    const [c] = td.ContainerDefinitions as Record<string, unknown>[];
    expect(c).toMatchObject({ Name: 'server', StopTimeout: 300, Ulimits: [{ Name: 'nofile' }] });
    const env = Object.fromEntries((c.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
    expect(env).toEqual(t.tier.plan.cells[0].serverEnvironment);
  });

  test('the Auto Scaling group: the cell instance type, ECS-optimized AL2023 arm64 AMI, sized in instances, scale-in protected', () => {
    const asg = one(t.template, 'AWS::AutoScaling::AutoScalingGroup', 'k');
    // 4 tasks / 3 per instance → 2; 12 tasks × 200 % / 3 → 8.
    expect(asg).toMatchObject({ MinSize: '2', MaxSize: '8', NewInstancesProtectedFromScaleIn: true });
    const lt = one(t.template, 'AWS::EC2::LaunchTemplate', 'k').LaunchTemplateData as Record<string, unknown>;
    expect(lt).toMatchObject({ InstanceType: 'c7g.xlarge', MetadataOptions: { HttpTokens: 'required' } });
    const param = (lt.ImageId as { Ref: string }).Ref;
    const parameters = (t.template.toJSON() as { Parameters: Record<string, { Default: string }> }).Parameters;
    expect(parameters[param].Default).toBe(
      t.tier.plan.cells[0].backend?.type === 'ecs-ec2' && t.tier.plan.cells[0].backend.capacity.machineImageParameter,
    );
    expect(parameters[param].Default).toBe('/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id');
    expect(JSON.stringify(lt.BlockDeviceMappings)).toContain('"Encrypted":true');
    const userData = JSON.stringify(lt.UserData);
    expect(userData).toContain('ECS_CLUSTER=');
    expect(userData).toContain('echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config');
    expect(userData).toContain('echo ECS_CONTAINER_STOP_TIMEOUT=300s >> /etc/ecs/ecs.config');
  });

  test('capacity provider: managed scaling, managed termination protection, managed draining; the cluster lists it', () => {
    t.template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: {
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 90, MinimumScalingStepSize: 1, MaximumScalingStepSize: 10 },
        ManagedTerminationProtection: 'ENABLED',
        ManagedDraining: 'ENABLED',
      },
    });
    const assoc = Object.values(t.template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
    expect(assoc).toHaveLength(1);
    expect(JSON.stringify(assoc[0].Properties.CapacityProviders)).toContain('CapacityProvider');
  });

  test('service: the capacity provider strategy (no launch type), the Fargate deployment, circuit breaker, rebalancing, awsvpc', () => {
    const svc = one(t.template, SERVICE, 'k');
    expect(svc.LaunchType).toBeUndefined();
    expect(svc).toMatchObject({
      CapacityProviderStrategy: [{ CapacityProvider: { Ref: expect.stringMatching('CellkCapacityProvider') }, Weight: 1 }],
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      AvailabilityZoneRebalancing: 'ENABLED',
      HealthCheckGracePeriodSeconds: expect.any(Number),
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      PlacementStrategies: [
        { Type: 'spread', Field: 'attribute:ecs.availability-zone' },
        { Type: 'spread', Field: 'instanceId' },
      ],
    });
    const fargateSvc = one(t.template, SERVICE, 'f');
    const pick = (p: Record<string, unknown>) => ({
      d: p.DeploymentConfiguration,
      r: p.AvailabilityZoneRebalancing,
      g: p.HealthCheckGracePeriodSeconds,
    });
    expect(pick(svc)).toEqual(pick(fargateSvc));
  });

  test('ip target group and connections-per-task scaling, as on Fargate', () => {
    const tg = one(t.template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'k');
    expect(tg.TargetType).toBe('ip');
    const policy = one(t.template, 'AWS::ApplicationAutoScaling::ScalingPolicy', 'k');
    expect(JSON.stringify(policy)).toContain('lb / 2 / tasks');
    expect(JSON.stringify(policy)).not.toMatch(/CPUUtilization|RequestCount/);
    t.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 4, MaxCapacity: 12 });
  });

  test('construct members: ecs.capacity on the ecs-ec2 cell; EC2-only members still throw', () => {
    const k = t.tier.cell('k');
    expect(k.ecs?.capacity?.capacityProvider).toBeDefined();
    expect(() => k.autoScalingGroup).toThrow(/runs on ECS \(ecs-ec2\)/);
    expect(t.tier.cell('f').ecs?.capacity).toBeUndefined();
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expect(nagFindings(t)).toEqual([]);
  });
});

describe('ECS secrets (server.secrets) on Fargate and ecs-ec2 cells', () => {
  const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:chat/api-AbCdEf';
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(
      config([fargate('f'), ecsEc2('k')], {
        server: {
          secrets: {
            DB_PASSWORD: { ssmParameter: '/chat/db-password', kmsKeyArn: KEY },
            API_TOKEN: { secretsManagerSecret: SECRET_ARN, jsonKey: 'token' },
            SIGNING_KEY: { secretsManagerSecret: 'chat/signing' },
          },
        },
      } as Partial<TierConfig>),
      {},
      ENV,
    );
  });

  test.each(['f', 'k'])('cell %s: every secret is a container Secrets entry (valueFrom reference), none is in Environment', (cell) => {
    const [c] = one(t.template, TD, cell).ContainerDefinitions as Record<string, unknown>[];
    expect(c.Secrets).toEqual([
      { Name: 'API_TOKEN', ValueFrom: `${SECRET_ARN}:token::` },
      { Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/chat/db-password' },
      { Name: 'SIGNING_KEY', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:chat/signing' },
    ]);
    const env = JSON.stringify(c.Environment);
    for (const needle of ['DB_PASSWORD', 'API_TOKEN', 'SIGNING_KEY', 'db-password', 'chat/api', 'chat/signing'])
      expect(env).not.toContain(needle);
  });

  test('the secret references appear in the template only in Secrets and the execution role policy', () => {
    const template = t.template.toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
    for (const [id, r] of Object.entries(template.Resources)) {
      const text = JSON.stringify(r.Properties ?? {});
      if (!text.includes('chat/db-password') && !text.includes('chat/api') && !text.includes('chat/signing')) continue;
      if (r.Type === TD) {
        const defs = JSON.parse(text).ContainerDefinitions as Record<string, unknown>[];
        for (const d of defs) expect(JSON.stringify({ ...d, Secrets: undefined })).not.toMatch(/chat\/(db-password|api|signing)/);
      } else {
        expect([id, r.Type]).toEqual([id, 'AWS::IAM::Policy']);
        expect(id).toMatch(/TaskExecutionRole/);
      }
    }
  });

  test.each(['f', 'k'])('cell %s: the execution role reads exactly those ARNs, and decrypts only with the given key', (cell) => {
    const policies = Object.entries(t.template.findResources('AWS::IAM::Policy')).filter(
      ([id]) => id.includes(`Cell${cell}`) && id.includes('TaskExecutionRole'),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0][1].Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid !== undefined).map((s) => [s.Sid, s]));
    expect(bySid.ServerSecretsParameters).toMatchObject({
      Action: 'ssm:GetParameters',
      Resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/chat/db-password',
    });
    expect(bySid.ServerSecretsSecrets).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: [SECRET_ARN, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:chat/signing-??????'],
    });
    expect(bySid.ServerSecretsDecrypt).toMatchObject({ Action: 'kms:Decrypt', Resource: KEY });
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expect(nagFindings(t)).toEqual([]);
  });
});

describe('cdk-nag with ECS Exec on a Fargate cell', () => {
  test('enableExecuteCommand: true is clean or carries a reason', () => {
    const t = tierStack(config([fargate('x', { enableExecuteCommand: true })]), {}, ENV);
    expect(one(t.template, SERVICE, 'x').EnableExecuteCommand).toBe(true);
    expect(nagFindings(t)).toEqual([]);
  });
});
