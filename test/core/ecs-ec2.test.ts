/**
 * `ecs-ec2` cells in core (lib/core/ecs/ec2-capacity.ts): one validation row per rule (and a check
 * that every code ec2-capacity.ts can emit has a row), the valid combinations Fargate would refuse
 * (stop timeout above 120 s), the resolved capacity (instances from tasks, the ENI limit, managed
 * scaling and termination protection), ECS container secrets, and the Pulumi refusal.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  type CellConfig,
  ecsContainerSecrets,
  ecsRendererIssues,
  type EcsEc2CellBackendConfig,
  type Issue,
  resolveTier,
  type TierConfig,
  validateTier,
} from '../../lib/core';
import { awsvpcTaskLimit } from '../../lib/core/ecs/facts';
import { ecsCellIssues } from '../../lib/pulumi/private/ecs-guard';

const URI = 'public.ecr.aws/example/chat:1.0.0';
const ecsEc2 = (extra: Partial<EcsEc2CellBackendConfig> = {}): EcsEc2CellBackendConfig => ({
  type: 'ecs-ec2',
  image: { uri: URI },
  ...extra,
});
const cell = (name: string, backend: Partial<EcsEc2CellBackendConfig> = {}, extra: Partial<CellConfig> = {}): CellConfig => ({
  name,
  backend: ecsEc2(backend),
  ...extra,
});
const tier = (cells: CellConfig[], rest: Partial<TierConfig> = {}): TierConfig => ({ domainName: 'ws.example.com', cells, ...rest });

interface Row {
  readonly code: string;
  readonly what: string;
  readonly config?: TierConfig;
  readonly run?: () => Issue[];
  readonly path: string;
  readonly severity: 'error' | 'warning';
  readonly message: RegExp;
}

const ROWS: Row[] = [
  {
    code: 'ecs-ec2-eni-density-exceeded',
    what: 'three awsvpc tasks on an m7g.large (3 ENIs, one primary) without trunking',
    config: tier([cell('a', { tasksPerInstance: 3 }, { instanceType: 'm7g.large' })]),
    path: 'cells[0].backend.tasksPerInstance',
    severity: 'error',
    message: /is 3.*m7g\.large.*at most 2 awsvpc tasks.*primary network interface.*awsvpcTrunking/,
  },
  {
    code: 'ecs-ec2-eni-density-unknown',
    what: 'several tasks on an instance type whose ENI count is not in the table',
    config: tier([cell('a', { tasksPerInstance: 2, cpuUnits: 512, memoryMiB: 512 }, { instanceType: 't3.large' })]),
    path: 'cells[0].backend.tasksPerInstance',
    severity: 'warning',
    message: /t3\.large.*not checked.*describe-instance-types/,
  },
  {
    code: 'ecs-ec2-task-does-not-fit',
    what: 'two 2-vCPU tasks on a 2-vCPU instance',
    config: tier([cell('a', { tasksPerInstance: 2, cpuUnits: 2048, memoryMiB: 1024 }, { instanceType: 'm7g.large' })]),
    path: 'cells[0].backend.cpuUnits',
    severity: 'error',
    message: /2048 × 2 = 4096 CPU units.*2 vCPU = 2048 units.*lower cpuUnits to 1024/,
  },
  {
    code: 'ecs-ec2-task-does-not-fit',
    what: 'two 4 GiB tasks on an 8 GiB instance (the OS and agent keep 512 MiB)',
    config: tier([cell('a', { tasksPerInstance: 2, cpuUnits: 512, memoryMiB: 4096 }, { instanceType: 'm7g.large' })]),
    path: 'cells[0].backend.memoryMiB',
    severity: 'error',
    message: /4096 × 2 = 8192 MiB.*7680 MiB.*lower memoryMiB to 3840/,
  },
  {
    code: 'ecs-stop-timeout-below-grace',
    what: 'the default 120 s stop timeout below a 200 s grace',
    config: tier([cell('a')], { connection: { drainGraceSeconds: 200 } }),
    path: 'cells[0].backend.stopTimeoutSeconds',
    severity: 'error',
    message: /120 s \(the default\), below connection\.drainGraceSeconds \(200 s\).*no 120 s cap.*raise stopTimeoutSeconds to at least 200/,
  },
  {
    code: 'out-of-range',
    what: 'a stop timeout below 2 s',
    config: tier([cell('a', { stopTimeoutSeconds: 1 })]),
    path: 'cells[0].backend.stopTimeoutSeconds',
    severity: 'error',
    message: /allowed 2–3600/,
  },
  {
    code: 'out-of-range',
    what: 'a managed scaling target capacity of 0 %',
    config: tier([cell('a', { targetCapacityPercent: 0 })]),
    path: 'cells[0].backend.targetCapacityPercent',
    severity: 'error',
    message: /allowed 1–100/,
  },
  {
    code: 'out-of-range',
    what: 'task CPU below 128 units',
    config: tier([cell('a', { cpuUnits: 64 })]),
    path: 'cells[0].backend.cpuUnits',
    severity: 'error',
    message: /allowed 128–196608/,
  },
  {
    code: 'not-an-integer',
    what: 'a fractional tasksPerInstance',
    config: tier([cell('a', { tasksPerInstance: 1.5 })]),
    path: 'cells[0].backend.tasksPerInstance',
    severity: 'error',
    message: /must be an integer/,
  },
  {
    code: 'not-a-boolean',
    what: 'awsvpcTrunking as text',
    config: tier([cell('a', { awsvpcTrunking: 'yes' as never })]),
    path: 'cells[0].backend.awsvpcTrunking',
    severity: 'error',
    message: /"yes"/,
  },
  {
    code: 'ecs-backend-unknown-field',
    what: "Fargate's cpu field on an ecs-ec2 backend",
    config: tier([cell('a', { cpu: 1024 } as never)]),
    path: 'cells[0].backend.cpu',
    severity: 'error',
    message: /allowed: type, image, cpuUnits/,
  },
  {
    code: 'ecs-image-invalid',
    what: 'an ecs-ec2 backend without an image',
    config: tier([{ name: 'a', backend: { type: 'ecs-ec2' } as never }]),
    path: 'cells[0].backend.image',
    severity: 'error',
    message: /required/,
  },
  {
    code: 'ecs-drain-exceeds-deregistration-delay',
    what: 'an NLB ecs-ec2 cell whose deregistration delay is shorter than drain + grace',
    config: tier([cell('n', {}, { loadBalancerType: 'network' })], { connection: { nlbDeregistrationDelaySeconds: 60 } }),
    path: 'connection.nlbDeregistrationDelaySeconds',
    severity: 'error',
    message: /cells\[0\] runs on ECS.*300 \+ 30 = 330 s/,
  },
  {
    code: 'ecs-pulumi-unsupported',
    what: 'an ecs-ec2 cell for a renderer that does not draw it (Pulumi)',
    run: () => ecsRendererIssues(tier([{ name: 'e' }, cell('k')]), { buildsImages: false }),
    path: 'cells[1].backend.type',
    severity: 'error',
    message: /'ecs-ec2' \(cell "k"\).*Pulumi components do not render.*Fix: use the CDK construct/,
  },
];

describe('ecs-ec2 validation rows', () => {
  it.each(ROWS.map((r) => [r.code, r.what, r] as const))('%s: %s', (_code, _what, row) => {
    const issues = row.run ? row.run() : validateTier(row.config!);
    const hit = issues.find((i) => i.code === row.code && i.path === row.path);
    expect(hit).toBeDefined();
    expect(hit!.severity).toBe(row.severity);
    expect(hit!.message).toMatch(row.message);
    expect(hit!.message).toContain('Fix:');
  });

  it('every code lib/core/ecs/ec2-capacity.ts can emit has a row', () => {
    const src = readFileSync(join(__dirname, '../../lib/core/ecs/ec2-capacity.ts'), 'utf8');
    const emitted = new Set([...src.matchAll(/\.(?:error|warn)\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]));
    expect(emitted.size).toBeGreaterThanOrEqual(5);
    const tested = new Set(ROWS.map((r) => r.code));
    expect([...emitted].filter((c) => !tested.has(c)).sort()).toEqual([]);
  });

  it('valid: a stop timeout above Fargate’s 120 s, trunked density, an instance type, a mixed tier', () => {
    expect(
      validateTier(
        tier(
          [
            cell('a', { stopTimeoutSeconds: 300, tasksPerInstance: 2 }, { instanceType: 'c7g.xlarge' }),
            cell('b', { tasksPerInstance: 6, awsvpcTrunking: true, cpuUnits: 256, memoryMiB: 1024 }, { instanceType: 'm7g.xlarge' }),
            { name: 'f', backend: { type: 'fargate', image: { uri: URI } } },
            { name: 'e' },
          ],
          { connection: { drainGraceSeconds: 100 } },
        ),
      ),
    ).toEqual([]);
  });

  it('awsvpc task limits: network interfaces minus the primary one (c5.large: 2, the ECS guide example)', () => {
    expect(awsvpcTaskLimit('c5.large')).toBe(2);
    expect(awsvpcTaskLimit('m7g.4xlarge')).toBe(7);
    expect(awsvpcTaskLimit('t3.large')).toBeUndefined();
  });
});

describe('resolveTier: ecs-ec2 cells', () => {
  const t = resolveTier(
    tier([
      cell(
        'k',
        { tasksPerInstance: 2, targetCapacityPercent: 80, stopTimeoutSeconds: 200, cpuUnits: 512, memoryMiB: 1024 },
        { instanceType: 'c7i.large', scaling: { minCapacity: 3, maxCapacity: 10, targetConnectionsPerInstance: 2000 } },
      ),
      { name: 'e' },
    ]),
  );
  const b = t.cells[0].backend;

  it('task, container and service as on Fargate; launch type EC2, awsvpc; the architecture of the instance type', () => {
    expect(b).toMatchObject({
      type: 'ecs-ec2',
      launchType: 'EC2',
      networkMode: 'awsvpc',
      cpu: 512,
      memoryMiB: 1024,
      runtimePlatform: { cpuArchitecture: 'X86_64' },
      container: { stopTimeoutSeconds: 200 },
      service: { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } },
      scaling: { minCapacity: 3, maxCapacity: 10, targetValue: 2000 },
    });
    expect(t.cells[0].targetGroup.targetType).toBe('ip');
    expect(t.cells[1].backend).toBeUndefined();
  });

  it('capacity: instances from tasks (room for a 200 % deployment), ENI limit, managed scaling and termination protection', () => {
    expect(b?.type === 'ecs-ec2' && b.capacity).toMatchObject({
      instanceType: 'c7i.large',
      architecture: 'x86_64',
      machineImageParameter: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      tasksPerInstance: 2,
      minInstances: 2, // ceil(3 / 2)
      maxInstances: 10, // ceil(10 × 200 % / 2)
      awsvpcTrunking: false,
      taskEniLimit: 2,
      managedScaling: { status: 'ENABLED', targetCapacityPercent: 80, minimumScalingStepSize: 1, maximumScalingStepSize: 10 },
      managedTerminationProtection: 'ENABLED',
      managedDraining: 'ENABLED',
      newInstancesProtectedFromScaleIn: true,
      agentConfig: [
        ['ECS_AWSVPC_BLOCK_IMDS', 'true'],
        ['ECS_CONTAINER_STOP_TIMEOUT', '200s'],
      ],
    });
  });

  it('the Pulumi guard refuses the ecs-ec2 cell with ecs-pulumi-unsupported', () => {
    expect(ecsCellIssues(t).map((i) => [i.code, i.path])).toEqual([['ecs-pulumi-unsupported', 'cells[0].backend']]);
  });
});

describe('ECS container secrets (lib/core/ecs/secrets.ts)', () => {
  const at = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
  it('a parameter as its ARN, a secret ARN as given, a secret name as its partial ARN, a JSON key as :key::', () => {
    expect(
      ecsContainerSecrets(
        [
          { name: 'A', source: 'ssm-parameter', reference: '/app/a' },
          {
            name: 'B',
            source: 'secrets-manager',
            reference: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf',
            jsonKey: 'k',
          },
          { name: 'C', source: 'secrets-manager', reference: 'app/c' },
        ],
        at,
      ),
    ).toEqual([
      { name: 'A', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/a' },
      { name: 'B', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf:k::' },
      { name: 'C', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/c' },
    ]);
  });
});
