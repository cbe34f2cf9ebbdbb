/**
 * Every WebSocket-critical input of the Pulumi renderer, asserted on the inputs recorded by the
 * mocks (the same list the CDK tests check on the template).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { formatIssues, resolveTier, userDataLines, validateTier, errorsOf, type TierConfig } from '../../lib/core';
import { WebSocketTier, type WebSocketTierArgs } from '../../lib/pulumi';
import { recordProgram, type PulumiRecorder } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

const ZONE = 'Z00000000000000000000';
const CONFIG: TierConfig = {
  domainName: 'ws.example.com',
  cells: [
    { name: 'a', loadBalancerType: 'application', weight: 100 },
    { name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TLS', weight: 40 },
    { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP', weight: 7, scaling: { minCapacity: 1, maxCapacity: 4 } },
  ],
  connection: {
    pingIntervalSeconds: 20,
    albIdleTimeoutSeconds: 90,
    nlbTcpIdleTimeoutSeconds: 900,
    drainWindowSeconds: 200,
    drainGraceSeconds: 20,
    longPollingFallback: true,
    stickiness: { albType: 'app_cookie', cookieName: 'io', cookieDurationSeconds: 3600 },
  },
  healthCheck: {
    path: '/ready',
    port: 8081,
    intervalSeconds: 15,
    timeoutSeconds: 4,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 4,
    healthyHttpCodes: '200-204',
  },
  scaling: {
    targetConnectionsPerInstance: 5000,
    defaultInstanceWarmupSeconds: 120,
    healthCheckGracePeriodSeconds: 240,
    minHealthyPercentage: 100,
    maxHealthyPercentage: 200,
  },
  dns: { ipAddressType: 'dualstack', healthChecks: true, healthCheckRequestIntervalSeconds: 10, healthCheckFailureThreshold: 2 },
};
const plan = resolveTier(CONFIG);
const cellPlan = (name: string) => plan.cells.find((c) => c.name === name)!;
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

async function build(args: Partial<WebSocketTierArgs> = {}, config: TierConfig = CONFIG): Promise<PulumiRecorder> {
  const { recorder } = await recordProgram(
    () => new WebSocketTier('t1', { ...withServerStart(config, args.serverBundleFile), hostedZoneId: ZONE, ...args }),
  );
  return recorder;
}

describe('WebSocketTier (Pulumi): WebSocket-critical inputs', () => {
  let r: PulumiRecorder;
  beforeAll(async () => {
    r = await build();
  });
  const inputs = (name: string) => r.named(name).inputs;

  test('ALB: idle timeout, invalid headers dropped, dual-stack, internet-facing, own security group', () => {
    expect(inputs('t1-cell-a-load-balancer')).toMatchObject({
      loadBalancerType: 'application',
      internal: false,
      idleTimeout: 90,
      dropInvalidHeaderFields: true,
      ipAddressType: 'dualstack',
      securityGroups: ['t1-cell-a-load-balancer-security-group-id'],
    });
  });

  test('NLB: cross-zone on and a security group attached at creation', () => {
    expect(inputs('t1-cell-n-load-balancer')).toMatchObject({
      loadBalancerType: 'network',
      enableCrossZoneLoadBalancing: true,
      securityGroups: ['t1-cell-n-load-balancer-security-group-id'],
    });
    expect(inputs('t1-cell-n-load-balancer').idleTimeout).toBeUndefined();
  });

  test('ALB listeners: HTTPS 443 with the explicit TLS policy and the validated certificate; :80 redirects with 301', () => {
    const l = inputs('t1-cell-a-listener');
    expect(l).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: plan.tlsPolicy,
      certificateArn: expect.stringContaining('t1-certificate'),
    });
    expect(l.defaultActions).toEqual([
      expect.objectContaining({ type: 'forward', targetGroupArn: expect.stringContaining('t1-cell-a-target-group') }),
    ]);
    expect(inputs('t1-cell-a-http-redirect-listener')).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      defaultActions: [
        expect.objectContaining({
          type: 'redirect',
          redirect: expect.objectContaining({ protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' }),
        }),
      ],
    });
  });

  test('NLB TLS listener: TLS policy, certificate, ALPN HTTP1Only, no TCP idle timeout', () => {
    const l = inputs('t1-cell-n-listener');
    expect(l).toMatchObject({ port: 443, protocol: 'TLS', sslPolicy: plan.tlsPolicy, alpnPolicy: 'HTTP1Only' });
    expect(l.certificateArn).toContain('t1-certificate');
    expect(l.tcpIdleTimeoutSeconds).toBeUndefined();
  });

  test('NLB TCP listener: TCP idle timeout, no certificate or TLS policy; no :80 listener on NLB cells', () => {
    const l = inputs('t1-cell-t-listener');
    expect(l).toMatchObject({ port: 443, protocol: 'TCP', tcpIdleTimeoutSeconds: 900 });
    expect(l.certificateArn).toBeUndefined();
    expect(l.sslPolicy).toBeUndefined();
    expect(r.find('aws:lb/listener:Listener', 't1-cell-n-http-redirect-listener')).toBeUndefined();
  });

  test('target groups: every health-check field explicit (Pulumi defaults differ from AWS)', () => {
    for (const cell of ['a', 'n', 't']) {
      expect(inputs(`t1-cell-${cell}-target-group`).healthCheck).toEqual({
        enabled: true,
        protocol: 'HTTP',
        path: '/ready',
        port: '8081',
        interval: 15,
        timeout: 4,
        healthyThreshold: 2,
        unhealthyThreshold: 4,
        matcher: '200-204',
      });
    }
  });

  test('ALB target group: HTTP/1, drain window + grace as deregistration delay, app_cookie stickiness', () => {
    expect(inputs('t1-cell-a-target-group')).toMatchObject({
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
      port: 8080,
      targetType: 'instance',
      deregistrationDelay: 220,
      stickiness: { enabled: true, type: 'app_cookie', cookieName: 'io', cookieDuration: 3600 },
    });
  });

  test('NLB target groups: sockets outlive deregistration and unhealthy blips; source_ip stickiness', () => {
    for (const cell of ['n', 't']) {
      expect(inputs(`t1-cell-${cell}-target-group`)).toMatchObject({
        protocol: 'TCP',
        deregistrationDelay: cellPlan(cell).targetGroup.deregistrationDelaySeconds,
        connectionTermination: false,
        preserveClientIp: 'true',
        targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 300 }],
        stickiness: { enabled: true, type: 'source_ip' },
      });
    }
  });

  test('Auto Scaling group: sizes, ELB health checks with grace, warmup, launch-before-terminate, 1-minute group metrics', () => {
    expect(inputs('t1-cell-t-auto-scaling-group')).toMatchObject({
      minSize: 1,
      maxSize: 4,
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 240,
      defaultInstanceWarmup: 120,
      instanceMaintenancePolicy: { minHealthyPercentage: 100, maxHealthyPercentage: 200 },
      enabledMetrics: [...cellPlan('t').autoScaling.groupMetrics],
      metricsGranularity: '1Minute',
      targetGroupArns: [expect.stringContaining('t1-cell-t-target-group')],
      vpcZoneIdentifiers: ['t1-vpc-private-subnet1-id', 't1-vpc-private-subnet2-id'],
      launchTemplate: { id: 't1-cell-t-launch-template-id', version: '1' },
    });
    expect(inputs('t1-cell-t-auto-scaling-group').desiredCapacity).toBeUndefined();
  });

  test('termination lifecycle hook: heartbeat covers drain + grace, CONTINUE explicit', () => {
    expect(inputs('t1-cell-a-termination-hook')).toEqual({
      autoscalingGroupName: 't1-cell-a-auto-scaling-group',
      name: 'websocket-tier-drain',
      lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      heartbeatTimeout: 220,
      defaultResult: 'CONTINUE',
    });
  });

  test('target tracking on connections per instance, the gauge bound to this group', () => {
    const p = inputs('t1-cell-a-connection-tracking');
    expect(p).toMatchObject({ policyType: 'TargetTrackingScaling', autoscalingGroupName: 't1-cell-a-auto-scaling-group' });
    expect(p.targetTrackingConfiguration.targetValue).toBe(5000);
    expect(p.targetTrackingConfiguration.customizedMetricSpecification.metrics).toEqual([
      {
        id: 'connections',
        label: 'Connections per instance (server gauge)',
        returnData: true,
        metricStat: {
          stat: 'Average',
          metric: {
            namespace: 'WebSocketTier',
            metricName: 'ActiveConnections',
            dimensions: [{ name: 'AutoScalingGroupName', value: 't1-cell-a-auto-scaling-group' }],
          },
        },
      },
    ]);
  });

  test('launch template: IMDSv2 required, metadata tags on, encrypted gp3 root, core user data', () => {
    const lt = inputs('t1-cell-n-launch-template');
    expect(lt.metadataOptions).toMatchObject({ httpTokens: 'required', instanceMetadataTags: 'enabled' });
    expect(lt.blockDeviceMappings).toEqual([
      {
        deviceName: '/dev/xvda',
        ebs: { volumeSize: cellPlan('n').autoScaling.rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      },
    ]);
    expect(lt.instanceType).toBe(cellPlan('n').autoScaling.instanceType);
    expect(lt.imageId).toBe('ami-mock-arm64');
    expect(decode(lt.userData)).toBe(['#!/bin/bash', ...userDataLines(plan, cellPlan('n'))].join('\n'));
  });

  test('weighted A and AAAA aliases: stable set identifier, weight, evaluate target health, Route 53 health check', () => {
    for (const [id, type] of [
      ['weighted-record', 'A'],
      ['weighted-record-aaaa', 'AAAA'],
    ]) {
      expect(inputs(`t1-cell-t-${id}`)).toEqual({
        zoneId: ZONE,
        name: 'ws.example.com',
        type,
        setIdentifier: 't',
        weightedRoutingPolicies: [{ weight: 7 }],
        aliases: [{ name: 't1-cell-t-load-balancer.elb.amazonaws.com', zoneId: 'ZLBMOCK', evaluateTargetHealth: true }],
        healthCheckId: 't1-cell-t-route53-health-check-id',
      });
    }
    expect(inputs('t1-cell-t-cell-record-aaaa')).toMatchObject({ name: 't.ws.example.com', type: 'AAAA' });
    expect(inputs('t1-cell-t-cell-record').setIdentifier).toBeUndefined();
  });

  test('Route 53 health check: HTTPS on the cell name and health path, SNI on, interval and threshold from config', () => {
    expect(inputs('t1-cell-a-route53-health-check')).toEqual({
      type: 'HTTPS',
      fqdn: 'a.ws.example.com',
      port: 443,
      resourcePath: '/ready',
      requestInterval: 10,
      failureThreshold: 2,
      enableSni: true,
    });
  });

  test('security groups: clients reach only the LB; instances only from the LB group; LB egress only to instances', () => {
    const lb = inputs('t1-cell-a-load-balancer-security-group');
    expect(lb.ingress.map((i: any) => [i.fromPort, i.cidrBlocks ?? i.ipv6CidrBlocks]).sort()).toEqual(
      [
        [443, ['0.0.0.0/0']],
        [443, ['::/0']],
        [80, ['0.0.0.0/0']],
        [80, ['::/0']],
      ].sort(),
    );
    expect(lb.egress).toBeUndefined();
    const inst = inputs('t1-cell-a-instance-security-group');
    expect(inst.ingress).toEqual([
      expect.objectContaining({
        protocol: 'tcp',
        fromPort: 8080,
        toPort: 8080,
        securityGroups: ['t1-cell-a-load-balancer-security-group-id'],
      }),
      expect.objectContaining({
        protocol: 'tcp',
        fromPort: 8081,
        toPort: 8081,
        securityGroups: ['t1-cell-a-load-balancer-security-group-id'],
      }),
    ]);
    expect(inputs('t1-cell-a-load-balancer-egress-8081')).toMatchObject({ fromPort: 8081, toPort: 8081 });
    expect(inputs('t1-cell-a-load-balancer-egress-8080')).toMatchObject({
      securityGroupId: 't1-cell-a-load-balancer-security-group-id',
      referencedSecurityGroupId: 't1-cell-a-instance-security-group-id',
      ipProtocol: 'tcp',
      fromPort: 8080,
      toPort: 8080,
    });
    expect(inputs('t1-cell-n-load-balancer-security-group').ingress.map((i: any) => i.fromPort)).toEqual([443, 443]);
  });

  test('IAM: lifecycle actions scoped to the group ARN; logs only on the EMF log group', () => {
    const policy = JSON.parse(inputs('t1-cell-a-lifecycle-action-policy').policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Action: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
        Resource: ['arn:aws:mock:us-east-1:123456789012:Group/t1-cell-a-auto-scaling-group'],
      }),
    ]);
    const role = inputs('t1-cell-a-instance-role');
    const gauge = JSON.parse(role.inlinePolicies.find((p: any) => p.name === 'ConnectionGauge').policy);
    expect(gauge.Statement[0].Resource).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:emf/logs/default',
      'arn:aws:logs:us-east-1:123456789012:log-group:emf/logs/default:log-stream:*',
    ]);
    expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
  });

  test('certificate: tier name + wildcard, DNS-validated in the zone', () => {
    expect(inputs('t1-certificate')).toMatchObject({
      domainName: 'ws.example.com',
      subjectAlternativeNames: ['*.ws.example.com'],
      validationMethod: 'DNS',
    });
    expect(inputs('t1-certificate-validation-record')).toMatchObject({ zoneId: ZONE, type: 'CNAME', allowOverwrite: true });
    expect(inputs('t1-certificate-validation').validationRecordFqdns).toEqual([inputs('t1-certificate-validation-record').name]);
  });

  test('created VPC is dual-stack for a dual-stack tier: IPv6 /64 per public subnet and ::/0 to the internet gateway', () => {
    expect(inputs('t1-vpc')).toMatchObject({ cidrBlock: '10.0.0.0/16', assignGeneratedIpv6CidrBlock: true });
    expect(inputs('t1-vpc-public-subnet2').ipv6CidrBlock).toBe('2600:1f18:abc:de01::/64');
    expect(inputs('t1-vpc-public-default-route-ipv6')).toMatchObject({ destinationIpv6CidrBlock: '::/0' });
    expect(inputs('t1-vpc-private-subnet1').ipv6CidrBlock).toBeUndefined();
  });
});

describe('WebSocketTier (Pulumi): optional inputs change which resources exist', () => {
  const ALB_ONLY: TierConfig = { domainName: 'ws.example.com', cells: [{ name: 'a' }] };

  test('existing VPC and certificate: no VPC or certificate resources; given ids are used', async () => {
    const r = await build(
      {
        vpcId: 'vpc-1',
        publicSubnetIds: ['pub-1', 'pub-2'],
        privateSubnetIds: ['priv-1', 'priv-2'],
        certificateArn: 'arn:cert',
        amiId: 'ami-given',
      },
      ALB_ONLY,
    );
    expect(r.ofType('aws:ec2/vpc:Vpc')).toHaveLength(0);
    expect(r.ofType('aws:ec2/subnet:Subnet')).toHaveLength(0);
    expect(r.ofType('aws:acm/certificate:Certificate')).toHaveLength(0);
    expect(r.named('t1-cell-a-load-balancer').inputs.subnets).toEqual(['pub-1', 'pub-2']);
    expect(r.named('t1-cell-a-auto-scaling-group').inputs.vpcZoneIdentifiers).toEqual(['priv-1', 'priv-2']);
    expect(r.named('t1-cell-a-listener').inputs.certificateArn).toBe('arn:cert');
    expect(r.named('t1-cell-a-launch-template').inputs.imageId).toBe('ami-given');
  });

  test('only NLB TCP cells: no certificate (TLS terminates on the instances)', async () => {
    const r = await build(
      {},
      {
        domainName: 'ws.example.com',
        cells: [{ name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }],
        healthCheck: { port: 8081 },
      },
    );
    expect(r.ofType('aws:acm/certificate:Certificate')).toHaveLength(0);
  });

  test('stickiness off: written explicitly as disabled; IPv4 only: no AAAA records; cellRecords off: no cell record', async () => {
    const r = await build({}, { ...ALB_ONLY, dns: { cellRecords: false } });
    expect(r.named('t1-cell-a-target-group').inputs.stickiness).toEqual({ enabled: false, type: 'lb_cookie' });
    expect(r.find('aws:route53/record:Record', 't1-cell-a-weighted-record-aaaa')).toBeUndefined();
    expect(r.find('aws:route53/record:Record', 't1-cell-a-cell-record')).toBeUndefined();
    expect(r.ofType('aws:route53/healthCheck:HealthCheck')).toHaveLength(0);
  });

  test('server bundle: private encrypted bucket, one content-addressed object, role reads only that object, user data fetches it', async () => {
    const file = path.join(__dirname, 'cell.test.ts');
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const r = await build({ serverBundleFile: file }, ALB_ONLY);
    expect(r.named('t1-server-bundle-encryption').inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
    ]);
    const deny = JSON.parse(r.named('t1-server-bundle-policy').inputs.policy).Statement[0];
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    const key = `server-${sha}.ts`;
    expect(r.named('t1-server-bundle-object').inputs).toMatchObject({ key, bucket: 't1-server-bundle-id' });
    const role = r.named('t1-cell-a-instance-role').inputs;
    const read = JSON.parse(role.inlinePolicies.find((p: any) => p.name === 'ServerBundleRead').policy).Statement[0];
    expect(read).toMatchObject({
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:mock:us-east-1:123456789012:Bucket/t1-server-bundle/${key}`],
    });
    const resolved = resolveTier({ ...ALB_ONLY, server: { artifact: file } });
    expect(decode(r.named('t1-cell-a-launch-template').inputs.userData)).toBe(
      ['#!/bin/bash', ...userDataLines(resolved, resolved.cells[0], { s3Uri: `s3://t1-server-bundle-id/${key}` })].join('\n'),
    );
  });
});

describe('WebSocketTier (Pulumi): validation', () => {
  const BAD: TierConfig = {
    domainName: 'ws.example.com',
    cells: [{ name: 'a', weight: 300 }],
    connection: { pingIntervalSeconds: 200, albIdleTimeoutSeconds: 60 },
    server: { unitProvidedByImage: true },
  };

  test("errors surface as one pulumi.ResourceError carrying core's message for every problem", async () => {
    await recordProgram(() => {
      let thrown: unknown;
      try {
        new WebSocketTier('bad', { ...BAD, hostedZoneId: ZONE });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(pulumi.ResourceError);
      const expected = formatIssues('bad', errorsOf(validateTier(BAD)));
      expect((thrown as Error).message).toBe(expected);
      expect(expected).toMatch(/cells\[0\]\.weight/);
    });
  });

  test('hostedZoneName outside which domainName lies is an error (domain-outside-zone); without it nothing is checked', async () => {
    await recordProgram(() => {
      expect(
        () =>
          new WebSocketTier('zone', {
            domainName: 'ws.other.com',
            cells: [{ name: 'a' }],
            server: { unitProvidedByImage: true },
            hostedZoneId: ZONE,
            hostedZoneName: 'example.com',
          }),
      ).toThrow(/domainName is "ws\.other\.com" but the hosted zone is "example\.com".*\[domain-outside-zone\]/s);
      expect(
        () =>
          new WebSocketTier('nozone', {
            domainName: 'ws.other.com',
            cells: [{ name: 'a' }],
            server: { unitProvidedByImage: true },
            hostedZoneId: ZONE,
          }),
      ).not.toThrow();
    });
  });

  test('a partial existing VPC is an error naming the missing arguments', async () => {
    await recordProgram(() => {
      expect(
        () => new WebSocketTier('half', { domainName: 'ws.example.com', cells: [{ name: 'a' }], hostedZoneId: ZONE, vpcId: 'vpc-1' }),
      ).toThrow(/publicSubnetIds, privateSubnetIds: vpcId given without publicSubnetIds and privateSubnetIds/);
    });
  });

  test("warnings go through pulumi.log.warn with core's message, and the tier is still built", async () => {
    // TLS passes through an NLB TCP listener to the application port, where plain-HTTP health checks fail.
    const warning: TierConfig = {
      domainName: 'ws.example.com',
      cells: [{ name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }],
    };
    const issues = validateTier(warning).filter((i) => i.severity === 'warning');
    expect(issues.length).toBeGreaterThan(0);
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const { recorder } = await recordProgram(() => new WebSocketTier('warned', { ...withServerStart(warning), hostedZoneId: ZONE }));
      for (const issue of issues) {
        expect(warn).toHaveBeenCalledWith(expect.stringContaining(issue.message), expect.any(WebSocketTier));
        expect(warn).toHaveBeenCalledWith(expect.stringContaining(`@websocket-tier/${issue.code}`), expect.anything());
      }
      expect(recorder.ofType('aws:lb/loadBalancer:LoadBalancer')).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});
