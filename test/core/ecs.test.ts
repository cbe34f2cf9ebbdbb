/**
 * ECS cell backends in core: one row per rule of lib/core/ecs/validate.ts (and a check that every
 * code it can emit has a row), the resolved shape, and that EC2 cells resolve exactly as before.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  type CellConfig,
  ecrRepository,
  ecsRendererIssues,
  fargateMemoryChoices,
  type FargateCellBackendConfig,
  type Issue,
  resolveTier,
  serverStartInputs,
  type TierConfig,
  validateTier,
} from '../../lib/core';

const IMAGE_DIR = join(__dirname, '../fixtures/ecs-image');
const URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/chat:1.0.0';

const fargate = (extra: Partial<FargateCellBackendConfig> = {}): FargateCellBackendConfig => ({
  type: 'fargate',
  image: { uri: URI },
  ...extra,
});
const cell = (name: string, extra: Partial<CellConfig> = {}): CellConfig => ({ name, backend: fargate(), ...extra });
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
    code: 'ecs-backend-invalid',
    what: 'an unknown backend type',
    config: tier([{ name: 'a', backend: { type: 'lambda' } as never }]),
    path: 'cells[0].backend.type',
    severity: 'error',
    message: /"lambda".*'ec2'.*'fargate'/,
  },
  {
    code: 'ecs-backend-invalid',
    what: 'a backend that is not an object',
    config: tier([{ name: 'a', backend: 'fargate' as never }]),
    path: 'cells[0].backend',
    severity: 'error',
    message: /"fargate"/,
  },
  {
    code: 'ecs-backend-unknown-field',
    what: 'a misspelled Fargate field',
    config: tier([cell('a', { backend: { ...fargate(), memory: 2048 } as never })]),
    path: 'cells[0].backend.memory',
    severity: 'error',
    message: /memory.*memoryMiB/,
  },
  {
    code: 'ecs-backend-unknown-field',
    what: 'a field on the EC2 backend',
    config: tier([{ name: 'a', backend: { type: 'ec2', cpu: 1024 } as never }]),
    path: 'cells[0].backend.cpu',
    severity: 'error',
    message: /allowed: type/,
  },
  {
    code: 'ecs-image-invalid',
    what: 'no image',
    config: tier([{ name: 'a', backend: { type: 'fargate' } as never }]),
    path: 'cells[0].backend.image',
    severity: 'error',
    message: /required.*directory.*uri/,
  },
  {
    code: 'ecs-image-invalid',
    what: 'both directory and uri',
    config: tier([cell('a', { backend: fargate({ image: { directory: IMAGE_DIR, uri: URI } as never }) })]),
    path: 'cells[0].backend.image',
    severity: 'error',
    message: /both directory and uri/,
  },
  {
    code: 'ecs-image-invalid',
    what: 'a URI with a space',
    config: tier([cell('a', { backend: fargate({ image: { uri: 'my image' } }) })]),
    path: 'cells[0].backend.image.uri',
    severity: 'error',
    message: /"my image"/,
  },
  {
    code: 'ecs-image-dockerfile-missing',
    what: 'a directory without a Dockerfile',
    config: tier([cell('a', { backend: fargate({ image: { directory: __dirname } }) })]),
    path: 'cells[0].backend.image.directory',
    severity: 'error',
    message: /has no Dockerfile/,
  },
  {
    code: 'fargate-cpu-invalid',
    what: 'a CPU value Fargate does not offer',
    config: tier([cell('a', { backend: fargate({ cpu: 3072 }) })]),
    path: 'cells[0].backend.cpu',
    severity: 'error',
    message: /3072.*256, 512, 1024, 2048, 4096, 8192, 16384.*task-cpu-memory-error/,
  },
  {
    code: 'fargate-memory-invalid',
    what: 'memory outside the range of the CPU',
    config: tier([cell('a', { backend: fargate({ cpu: 256, memoryMiB: 4096 }) })]),
    path: 'cells[0].backend.memoryMiB',
    severity: 'error',
    message: /4096 with cpu 256.*512, 1024, 2048 MiB/,
  },
  {
    code: 'fargate-memory-invalid',
    what: 'the default memory with a large CPU',
    config: tier([cell('a', { backend: fargate({ cpu: 4096 }) })]),
    path: 'cells[0].backend.memoryMiB',
    severity: 'error',
    message: /2048 \(the default\) with cpu 4096.*8192–30720 MiB in steps of 1024/,
  },
  {
    code: 'ecs-architecture-invalid',
    what: 'an unknown architecture',
    config: tier([cell('a', { backend: fargate({ architecture: 'arm' as never }) })]),
    path: 'cells[0].backend.architecture',
    severity: 'error',
    message: /"arm".*'x86_64' or 'arm64'/,
  },
  {
    code: 'out-of-range',
    what: 'a stop timeout above the Fargate maximum',
    config: tier([cell('a', { backend: fargate({ stopTimeoutSeconds: 121 }) })]),
    path: 'cells[0].backend.stopTimeoutSeconds',
    severity: 'error',
    message: /121 s; allowed 2–120 s.*API_ContainerDefinition/,
  },
  {
    code: 'ecs-stop-timeout-below-grace',
    what: 'a stop timeout shorter than the grace',
    config: tier([cell('a', { backend: fargate({ stopTimeoutSeconds: 20 }) })]),
    path: 'cells[0].backend.stopTimeoutSeconds',
    severity: 'error',
    message: /20 s, below connection.drainGraceSeconds \(30 s\).*at least 30/,
  },
  {
    code: 'ecs-stop-timeout-below-grace',
    what: 'a grace Fargate cannot cover',
    config: tier([cell('a')], { connection: { drainGraceSeconds: 200, albDeregistrationDelaySeconds: 600 } }),
    path: 'cells[0].backend.stopTimeoutSeconds',
    severity: 'error',
    message: /120 s \(the default\).*lower connection.drainGraceSeconds to 120/,
  },
  {
    code: 'ecs-drain-exceeds-deregistration-delay',
    what: 'an NLB delay shorter than the drain',
    config: tier([cell('n', { loadBalancerType: 'network' })], { connection: { nlbDeregistrationDelaySeconds: 120 } }),
    path: 'connection.nlbDeregistrationDelaySeconds',
    severity: 'error',
    message: /120 s but cells\[0\] runs on ECS.*300 \+ 30 = 330 s.*at least 330/,
  },
  {
    code: 'ecs-drain-exceeds-deregistration-delay',
    what: 'an NLB drain longer than any deregistration delay',
    config: tier([cell('n', { loadBalancerType: 'network' })], { connection: { drainWindowSeconds: 3600 } }),
    path: 'connection.drainWindowSeconds',
    severity: 'error',
    message: /3600 \+ 30 = 3630 s.*at most 3600 s.*at most 3570/,
  },
  {
    code: 'ecs-log-retention-invalid',
    what: 'a retention CloudWatch Logs does not offer',
    config: tier([cell('a', { backend: fargate({ logRetentionDays: 10 }) })]),
    path: 'cells[0].backend.logRetentionDays',
    severity: 'error',
    message: /10; CloudWatch Logs accepts 1, 3, 5, 7, 14/,
  },
  {
    code: 'not-a-boolean',
    what: 'ECS Exec as a string',
    config: tier([cell('a', { backend: fargate({ enableExecuteCommand: 'yes' as never }) })]),
    path: 'cells[0].backend.enableExecuteCommand',
    severity: 'error',
    message: /"yes"/,
  },
  {
    code: 'ecs-health-command-invalid',
    what: 'a health command without CMD',
    config: tier([cell('a', { backend: fargate({ containerHealthCheck: { command: ['curl', 'localhost'] } }) })]),
    path: 'cells[0].backend.containerHealthCheck.command',
    severity: 'error',
    message: /'CMD' or 'CMD-SHELL'.*never the tier's health path/,
  },
  {
    code: 'ecs-health-command-invalid',
    what: 'a health check that is not an object',
    config: tier([cell('a', { backend: fargate({ containerHealthCheck: 'wget' as never }) })]),
    path: 'cells[0].backend.containerHealthCheck',
    severity: 'error',
    message: /"wget"/,
  },
  {
    code: 'ecs-instance-type-unused',
    what: 'an instance type on a Fargate cell',
    config: tier([cell('a', { instanceType: 'm7g.large' })]),
    path: 'cells[0].instanceType',
    severity: 'error',
    message: /"m7g.large".*no instance type/,
  },
  {
    code: 'ecs-backplane-unsupported',
    what: 'a backplane with an ECS cell',
    config: tier([cell('a')], { backplane: {} }),
    path: 'backplane',
    severity: 'error',
    message: /cells\[0\] runs on ECS.*AUTH token/,
  },
  {
    code: 'ecs-capacity-unsupported',
    what: 'a capacity plan with an ECS cell',
    config: tier([cell('a')], { capacity: { peakConnections: 100000 } }),
    path: 'capacity',
    severity: 'error',
    message: /does not size yet/,
  },
  {
    code: 'ecs-scaling-signal-load-balancer',
    what: 'the gauge signal asked for explicitly',
    config: tier([cell('a'), { name: 'b' }], { scaling: { signal: 'connection-gauge' } }),
    path: 'scaling.signal',
    severity: 'warning',
    message: /RunningTaskCount.*EC2 cells keep the gauge/,
  },
  {
    code: 'ecs-image-directory-unsupported',
    what: 'an image directory for a renderer that cannot build images',
    run: () => ecsRendererIssues(tier([cell('a', { backend: fargate({ image: { directory: IMAGE_DIR } }) })]), { buildsImages: false }),
    path: 'cells[0].backend.image.directory',
    severity: 'error',
    message: /cannot build container images.*uri/,
  },
];

describe('ECS validation rows', () => {
  it.each(ROWS.map((r) => [r.code, r.what, r] as const))('%s: %s', (_code, _what, row) => {
    const issues = row.run ? row.run() : validateTier(row.config!);
    const hit = issues.find((i) => i.code === row.code && i.path === row.path);
    expect(hit).toBeDefined();
    expect(hit!.severity).toBe(row.severity);
    expect(hit!.message).toMatch(row.message);
    expect(hit!.message).toContain('Fix:');
  });

  it('every code lib/core/ecs/validate.ts can emit has a row', () => {
    const src = readFileSync(join(__dirname, '../../lib/core/ecs/validate.ts'), 'utf8');
    const emitted = new Set([...src.matchAll(/\.(?:error|warn)\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]));
    expect(emitted.size).toBeGreaterThan(10);
    const tested = new Set(ROWS.map((r) => r.code));
    expect([...emitted].filter((c) => !tested.has(c)).sort()).toEqual([]);
  });

  it('valid Fargate cells (ALB, NLB, image directory, every size) and mixed tiers have no issues', () => {
    const config = tier([
      cell('a', { backend: fargate({ image: { directory: IMAGE_DIR }, cpu: 512, memoryMiB: 4096, architecture: 'arm64' }) }),
      cell('n', { loadBalancerType: 'network', nlbListenerProtocol: 'TLS' }),
      { name: 'e' },
    ]);
    expect(validateTier(config)).toEqual([]);
    expect(serverStartInputs(config, undefined).issues.map((i) => i.code)).toEqual(['server-no-start']); // the EC2 cell still needs a start
    expect(serverStartInputs(tier([cell('a')]), undefined).issues).toEqual([]); // ECS-only: the image starts the server
  });

  it('every Fargate size: the documented pairs', () => {
    expect(fargateMemoryChoices(256)).toEqual([512, 1024, 2048]);
    expect(fargateMemoryChoices(512)).toEqual([1024, 2048, 3072, 4096]);
    expect(fargateMemoryChoices(1024)).toEqual([2048, 3072, 4096, 5120, 6144, 7168, 8192]);
    expect(fargateMemoryChoices(2048)).toHaveLength(13);
    expect(fargateMemoryChoices(4096)).toHaveLength(23);
    expect(fargateMemoryChoices(8192)).toEqual([16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440]);
    expect(fargateMemoryChoices(16384)[0]).toBe(32768);
    expect(fargateMemoryChoices(16384).at(-1)).toBe(122880);
    expect(fargateMemoryChoices(3072)).toEqual([]);
  });
});

describe('resolveTier: ECS cells', () => {
  const t = resolveTier(
    tier(
      [
        cell('a', { scaling: { minCapacity: 3, maxCapacity: 30, targetConnectionsPerInstance: 5000 } }),
        cell('n', {
          loadBalancerType: 'network',
          backend: fargate({ stopTimeoutSeconds: 60, containerHealthCheck: { command: ['CMD', '/bin/true'] } }),
        }),
        { name: 'e' },
      ],
      { healthCheck: { port: 8081 }, host: { localProxy: true } },
    ),
  );
  const [a, n, e] = t.cells;

  it('an ALB Fargate cell: ip target group, drain-sized delay, task definition and service', () => {
    expect(a.targetGroup.targetType).toBe('ip');
    expect(a.targetGroup.deregistrationDelaySeconds).toBe(330);
    expect(a.backend).toEqual({
      type: 'fargate',
      launchType: 'FARGATE',
      networkMode: 'awsvpc',
      platformVersion: 'LATEST',
      cpu: 1024,
      memoryMiB: 2048,
      runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
      container: {
        name: 'server',
        image: { kind: 'uri', uri: URI, ecrRepositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/chat' },
        essential: true,
        portMappings: [
          { containerPort: 8080, protocol: 'tcp' },
          { containerPort: 8081, protocol: 'tcp' },
        ],
        stopTimeoutSeconds: 120,
        ulimits: [{ name: 'nofile', softLimit: 1048576, hardLimit: 1048576 }],
        systemControls: [
          { namespace: 'net.core.somaxconn', value: '65535' },
          { namespace: 'net.ipv4.tcp_max_syn_backlog', value: '65535' },
          { namespace: 'net.ipv4.ip_local_port_range', value: '1024 65535' },
        ],
        healthCheck: undefined,
        logs: { driver: 'awslogs', retentionDays: 30, streamPrefix: 'a' },
      },
      service: {
        desiredCount: undefined,
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        availabilityZoneRebalancing: 'ENABLED',
        healthCheckGracePeriodSeconds: 300,
        enableExecuteCommand: false,
        assignPublicIp: false,
        propagateTags: 'SERVICE',
        enableEcsManagedTags: true,
      },
      scaling: {
        policyName: 'websocket-connections-per-task',
        minCapacity: 3,
        maxCapacity: 30,
        targetValue: 5000,
        scaleInCooldownSeconds: 330,
        scaleOutCooldownSeconds: 60,
        metrics: [
          {
            id: 'lb',
            metricStat: {
              namespace: 'AWS/ApplicationELB',
              metricName: 'ActiveConnectionCount',
              dimensions: [{ name: 'LoadBalancer', valueOf: 'loadBalancerFullName' }],
              stat: 'Sum',
            },
            returnData: false,
          },
          {
            id: 'tasks',
            metricStat: {
              namespace: 'ECS/ContainerInsights',
              metricName: 'RunningTaskCount',
              dimensions: [
                { name: 'ClusterName', valueOf: 'clusterName' },
                { name: 'ServiceName', valueOf: 'serviceName' },
              ],
              stat: 'Average',
            },
            returnData: false,
          },
          { id: 'perTask', expression: 'lb / 2 / tasks', label: 'Connections per task (load balancer)', returnData: true },
        ],
      },
    });
  });

  it('the container gets the same server contract environment as an EC2 cell', () => {
    const ec2 = resolveTier(
      tier([{ name: 'a', scaling: { minCapacity: 3, maxCapacity: 30, targetConnectionsPerInstance: 5000 } }], {
        healthCheck: { port: 8081 },
        host: { localProxy: true },
      }),
    ).cells[0];
    expect(a.serverEnvironment).toEqual(ec2.serverEnvironment);
  });

  it('an NLB Fargate cell: the deregistration delay covers the drain (no lifecycle hook holds a task)', () => {
    expect(n.targetGroup.targetType).toBe('ip');
    expect(n.targetGroup.deregistrationDelaySeconds).toBe(330);
    expect(n.backend?.container.stopTimeoutSeconds).toBe(60);
    expect(n.backend?.container.healthCheck).toEqual({
      command: ['CMD', '/bin/true'],
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 0,
    });
    expect(n.backend?.scaling.metrics[0].metricStat?.metricName).toBe('ActiveFlowCount');
    expect(n.backend?.scaling.metrics[2].expression).toBe('lb / tasks');
  });

  it('an EC2 cell in the same tier has no backend and resolves exactly as in an EC2-only tier', () => {
    expect(e.backend).toBeUndefined();
    expect('backend' in e).toBe(false);
    const alone = resolveTier(tier([{ name: 'e' }], { healthCheck: { port: 8081 }, host: { localProxy: true } })).cells[0];
    // Only its place in the release chain differs (it is the second cell here).
    expect({ ...e, release: { ...e.release, order: alone.release.order, after: alone.release.after } }).toEqual(alone);
    expect(e.targetGroup.targetType).toBe('instance');
  });

  it('only private ECR URIs name a repository to pull from', () => {
    expect(ecrRepository('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/chat@sha256:' + 'a'.repeat(64))).toEqual({
      ecrRepositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team/chat',
    });
    expect(ecrRepository('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/chat')).toEqual({
      ecrRepositoryArn: 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/chat',
    });
    expect(ecrRepository('public.ecr.aws/nginx/nginx:1.27')).toEqual({});
    expect(ecrRepository('nginx:1.27')).toEqual({});
  });

  it('an image directory resolves to a directory image; desiredCapacity becomes the service desired count', () => {
    const r = resolveTier(tier([cell('a', { backend: fargate({ image: { directory: IMAGE_DIR } }), scaling: { desiredCapacity: 4 } })]));
    expect(r.cells[0].backend?.container.image).toEqual({ kind: 'directory', directory: IMAGE_DIR });
    expect(r.cells[0].backend?.service.desiredCount).toBe(4);
  });
});
