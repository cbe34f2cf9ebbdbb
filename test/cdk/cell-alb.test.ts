/**
 * ALB cells: every WebSocket-critical setting the renderer writes (aws-facts §1, §3, §5, §9).
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { oneCell, testBundleFile, tierStack, type TierStack } from '../helpers/cdk-app';

const LB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const ASG = 'AWS::AutoScaling::AutoScalingGroup';

describe('ALB cell with defaults', () => {
  let t: TierStack;
  let template: Template;
  beforeAll(() => {
    t = tierStack(oneCell({ name: 'a' }));
    template = t.template;
  });

  test('load balancer is an internet-facing ALB with its own security group', () => {
    template.hasResourceProperties(LB, {
      Type: 'application',
      Scheme: 'internet-facing',
      IpAddressType: 'ipv4',
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CellaLoadBalancerSecurityGroup'), 'GroupId'] }],
    });
  });

  test('idle timeout is the resolved 120 s and invalid header fields are dropped', () => {
    template.hasResourceProperties(LB, {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '120' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
  });

  test('HTTPS :443 listener has the certificate and the recommended TLS policy written explicitly', () => {
    template.hasResourceProperties(LISTENER, {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('TierCertificate') } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('CellaTargetGroup') } }],
    });
  });

  test('no listener uses the legacy API default ELBSecurityPolicy-2016-08', () => {
    const policies = Object.values(template.findResources(LISTENER)).map((r) => r.Properties.SslPolicy);
    expect(policies).not.toContain('ELBSecurityPolicy-2016-08');
    expect(policies.filter((p) => p !== undefined)).toHaveLength(1);
  });

  test('HTTP :80 redirects to HTTPS :443 with 301', () => {
    template.hasResourceProperties(LISTENER, {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('target group is HTTP/1 on the server port with instance targets and deregistration = drain + grace', () => {
    template.hasResourceProperties(TG, {
      Protocol: 'HTTP',
      Port: 8080,
      ProtocolVersion: 'HTTP1',
      TargetType: 'instance',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '330' }]),
    });
  });

  test('every health-check field is explicit', () => {
    template.hasResourceProperties(TG, {
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/healthz',
      HealthCheckPort: '8080',
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200' },
    });
  });

  test('stickiness is explicitly off without a long-polling fallback', () => {
    template.hasResourceProperties(TG, {
      TargetGroupAttributes: Match.arrayWith([{ Key: 'stickiness.enabled', Value: 'false' }]),
    });
  });

  test('launch template requires IMDSv2, exposes instance tags and encrypts a gp3 root volume', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'm7g.large',
        MetadataOptions: { HttpTokens: 'required', InstanceMetadataTags: 'enabled' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 16 } }],
      }),
    });
  });

  test('no launch configuration is created', () => {
    template.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
  });

  test('Graviton instance type gets the arm64 Amazon Linux 2023 image from the SSM public parameter', () => {
    template.hasParameter('*', {
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    });
  });

  test('Auto Scaling group uses ELB health checks with the grace period and the launch template', () => {
    template.hasResourceProperties(ASG, {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      LaunchTemplate: { LaunchTemplateId: { Ref: Match.stringLikeRegexp('CellaLaunchTemplate') }, Version: Match.anyValue() },
      MinSize: '2',
      MaxSize: '10',
      DesiredCapacity: Match.absent(),
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('CellaTargetGroup') }],
    });
  });

  test('Auto Scaling group sets warm-up, launch-before-terminate maintenance and 1-minute group metrics', () => {
    template.hasResourceProperties(ASG, {
      DefaultInstanceWarmup: 180,
      InstanceMaintenancePolicy: { MinHealthyPercentage: 100, MaxHealthyPercentage: 150 },
      MetricsCollection: [{ Granularity: '1Minute', Metrics: Match.arrayWith(['GroupDesiredCapacity', 'GroupInServiceInstances']) }],
    });
  });

  test('instances live in the private subnets', () => {
    const asg = Object.values(template.findResources(ASG))[0];
    const subnets = asg.Properties.VPCZoneIdentifier.map((s: { Ref: string }) => s.Ref);
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    for (const s of subnets) expect(s).toMatch(/PrivateSubnet/);
  });

  test('termination lifecycle hook writes DefaultResult CONTINUE and the drain heartbeat', () => {
    template.hasResourceProperties('AWS::AutoScaling::LifecycleHook', {
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      DefaultResult: 'CONTINUE',
      HeartbeatTimeout: 330,
      AutoScalingGroupName: { Ref: Match.stringLikeRegexp('CellaAutoScalingGroup') },
    });
  });

  test("lifecycle actions are allowed only on this group (its full ARN, no '*' for the group's UUID)", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('CellaLifecycleActionPolicy'),
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('CellaAutoScalingGroup'), 'AutoScalingGroupARN'] },
          },
        ],
      },
    });
  });

  test('CloudWatch Logs permissions are scoped to the EMF log group', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyName: 'ConnectionGauge',
          PolicyDocument: {
            Statement: [
              Match.objectLike({
                Action: Match.arrayWith(['logs:PutLogEvents']),
                Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([':log-group:emf/logs/default'])] }]),
              }),
            ],
          },
        },
      ],
    });
  });

  test('scaling policy tracks the server connection gauge of this group', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        TargetValue: 10000,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'connections',
              ReturnData: true,
              Label: Match.anyValue(),
              MetricStat: {
                Stat: 'Average',
                Metric: {
                  Namespace: 'WebSocketTier',
                  MetricName: 'ActiveConnections',
                  Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('CellaAutoScalingGroup') } }],
                },
              },
            },
          ],
        },
      },
    });
  });

  test('no scaling policy follows CPU or request count', () => {
    const json = JSON.stringify(template.findResources('AWS::AutoScaling::ScalingPolicy'));
    expect(json).not.toMatch(/CPUUtilization|ASGAverageCPUUtilization|ALBRequestCountPerTarget|PredefinedMetricSpecification/);
  });

  test('user data raises LimitNOFILE and somaxconn and writes a drop-in when no bundle is given', () => {
    const userData = JSON.stringify(
      Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData,
    );
    expect(userData).toContain('LimitNOFILE=1048576');
    expect(userData).toContain('net.core.somaxconn = 65535');
    expect(userData).toContain('50-websocket-tier.conf');
    expect(userData).not.toContain('aws s3 cp');
  });

  test('load-balancer security group admits exactly the resolved ingress (443 and 80 from 0.0.0.0/0)', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'websocket-tier cell a: load balancer',
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp' }),
      ],
    });
  });

  test('load-balancer egress goes only to the instance group on the server port', () => {
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' });
    expect(egress[0].DestinationSecurityGroupId['Fn::GetAtt'][0]).toMatch(/CellaInstanceSecurityGroup/);
    const lbGroup = Object.values(
      template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'websocket-tier cell a: load balancer' } }),
    )[0];
    expect(lbGroup.Properties.SecurityGroupEgress).toBeUndefined();
  });

  test('instances accept traffic only from the load-balancer group', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' });
    expect(ingress[0].SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/CellaLoadBalancerSecurityGroup/);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'websocket-tier cell a: instances',
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('weighted alias record under the tier name has an explicit set identifier, weight and target health', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'ws.example.com.',
      Type: 'A',
      SetIdentifier: 'a',
      Weight: 100,
      AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }),
      HealthCheckId: Match.absent(),
    });
  });

  test('direct cell record points at the same load balancer', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'a.ws.example.com.',
      Type: 'A',
      SetIdentifier: Match.absent(),
      AliasTarget: Match.objectLike({
        HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('CellaLoadBalancer'), 'CanonicalHostedZoneID'] },
      }),
    });
  });

  test('no AAAA records and no Route 53 health check on an IPv4 tier by default', () => {
    template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'AAAA' }, 0);
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
  });

  test('metricActiveConnections is ALB ActiveConnectionCount, Sum over 60 s, for this load balancer', () => {
    const m = t.tier.cell('a').metricActiveConnections();
    expect(m).toMatchObject({ namespace: 'AWS/ApplicationELB', metricName: 'ActiveConnectionCount', statistic: 'Sum' });
    expect(m.period.toSeconds()).toBe(60);
    expect(Stack.of(t.stack).resolve(m.dimensions?.LoadBalancer)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/CellaLoadBalancer/), 'LoadBalancerFullName'],
    });
  });

  test('metric helpers accept overrides and bind the group for the connection gauge', () => {
    const cell = t.tier.cell('a');
    expect(cell.metricNewConnections({ statistic: 'Maximum' })).toMatchObject({ metricName: 'NewConnectionCount', statistic: 'Maximum' });
    const gauge = cell.metricConnectionsPerInstance();
    expect(gauge).toMatchObject({ namespace: 'WebSocketTier', metricName: 'ActiveConnections', statistic: 'Average' });
    expect(Stack.of(t.stack).resolve(gauge.dimensions?.AutoScalingGroupName)).toEqual({
      Ref: expect.stringMatching(/CellaAutoScalingGroup/),
    });
  });
});

describe('ALB cell variants', () => {
  test('a configured idle timeout reaches the load balancer attribute', () => {
    const { template } = tierStack(oneCell({ name: 'a' }, { connection: { albIdleTimeoutSeconds: 300 } }));
    template.hasResourceProperties(LB, {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '300' }]),
    });
  });

  test('a configured TLS policy is written to the listener', () => {
    const { template } = tierStack(oneCell({ name: 'a' }, { tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }));
    template.hasResourceProperties(LISTENER, { Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
  });

  test('long-polling fallback turns on lb_cookie stickiness with the cookie duration', () => {
    const { template } = tierStack(oneCell({ name: 'a' }, { connection: { longPollingFallback: true } }));
    template.hasResourceProperties(TG, {
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '86400' },
      ]),
    });
  });

  test('app_cookie stickiness carries the application cookie name', () => {
    const { template } = tierStack(
      oneCell(
        { name: 'a' },
        { connection: { longPollingFallback: true, stickiness: { albType: 'app_cookie', cookieName: 'io', cookieDurationSeconds: 3600 } } },
      ),
    );
    template.hasResourceProperties(TG, {
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'app_cookie' },
        { Key: 'stickiness.app_cookie.cookie_name', Value: 'io' },
        { Key: 'stickiness.app_cookie.duration_seconds', Value: '3600' },
      ]),
    });
  });

  test('a separate health-check port opens a second instance rule from the load balancer only', () => {
    const { template } = tierStack(oneCell({ name: 'a' }, { healthCheck: { port: 8081 } }));
    template.hasResourceProperties(TG, { HealthCheckPort: '8081', Port: 8080 });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties.FromPort);
    expect(ingress.sort()).toEqual([8080, 8081]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties.FromPort);
    expect(egress.sort()).toEqual([8080, 8081]);
  });

  test('ingressCidrs replace the open default', () => {
    const { template } = tierStack(oneCell({ name: 'a' }, { ingressCidrs: ['203.0.113.0/24'] }));
    const lbGroup = Object.values(
      template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'websocket-tier cell a: load balancer' } }),
    )[0];
    const cidrs = lbGroup.Properties.SecurityGroupIngress.map((r: { CidrIp: string }) => r.CidrIp);
    expect(cidrs).toEqual(['203.0.113.0/24', '203.0.113.0/24']);
  });

  test('an x86 instance type gets the x86_64 image', () => {
    const { template } = tierStack(oneCell({ name: 'a', instanceType: 'm7i.large' }));
    template.hasParameter('*', { Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'm7i.large' }) });
  });

  test('a desired capacity is written when configured', () => {
    const { template } = tierStack(oneCell({ name: 'a', scaling: { minCapacity: 3, maxCapacity: 6, desiredCapacity: 4 } }));
    template.hasResourceProperties(ASG, { MinSize: '3', MaxSize: '6', DesiredCapacity: '4' });
  });

  test('load-balancer-connections signal halves ALB ActiveConnectionCount per in-service instance', () => {
    const { template } = tierStack(
      oneCell({ name: 'a' }, { scaling: { signal: 'load-balancer-connections', targetConnectionsPerInstance: 5000 } }),
    );
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: {
        TargetValue: 5000,
        CustomizedMetricSpecification: {
          Metrics: [
            Match.objectLike({
              Id: 'lb',
              ReturnData: false,
              MetricStat: {
                Stat: 'Sum',
                Metric: {
                  Namespace: 'AWS/ApplicationELB',
                  MetricName: 'ActiveConnectionCount',
                  Dimensions: [
                    {
                      Name: 'LoadBalancer',
                      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('CellaLoadBalancer'), 'LoadBalancerFullName'] },
                    },
                  ],
                },
              },
            }),
            Match.objectLike({
              Id: 'instances',
              MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }) }),
            }),
            Match.objectLike({ Id: 'perInstance', Expression: 'lb / 2 / instances', ReturnData: true }),
          ],
        },
      },
    });
  });

  test('a server bundle is installed from its S3 asset and the role may read only that object', () => {
    const { template } = tierStack(oneCell({ name: 'a' }), { serverBundleFile: testBundleFile() });
    const userData = JSON.stringify(
      Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData,
    );
    expect(userData).toMatch(/aws s3 cp '.*s3:\/\/cdk-[^"]*\/[0-9a-f]{64}\.js.*' \/opt\/websocket-tier\/server\.js/);
    expect(userData).toContain('LimitNOFILE=1048576');
    expect(userData).toContain('systemctl enable --now websocket-server.service');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadServerBundle',
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/[0-9a-f]{64}\\.js$')])] },
          },
        ],
      },
    });
  });

  test('Route 53 health checks probe the cell name over HTTPS and attach to the weighted record', () => {
    const { template } = tierStack(
      oneCell({ name: 'a' }, { dns: { healthChecks: true, healthCheckRequestIntervalSeconds: 10, healthCheckFailureThreshold: 2 } }),
    );
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTPS',
        FullyQualifiedDomainName: 'a.ws.example.com',
        Port: 443,
        ResourcePath: '/healthz',
        RequestInterval: 10,
        FailureThreshold: 2,
        EnableSNI: true,
      }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'ws.example.com.',
      SetIdentifier: 'a',
      HealthCheckId: { Ref: Match.stringLikeRegexp('CellaRoute53HealthCheck') },
    });
  });
});
