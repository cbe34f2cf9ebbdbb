/**
 * NLB cells (TLS and TCP listeners): every WebSocket-critical setting (aws-facts §2, §3, §9).
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { oneCell, tierStack, type TierStack } from '../helpers/cdk-app';

const LB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';

function attributes(template: Template, type: string): Record<string, string> {
  const resource = Object.values(template.findResources(type))[0];
  const list = (resource.Properties.TargetGroupAttributes ??
    resource.Properties.ListenerAttributes ??
    resource.Properties.LoadBalancerAttributes ??
    []) as {
    Key: string;
    Value: string;
  }[];
  return Object.fromEntries(list.map((a) => [a.Key, a.Value]));
}

describe('NLB cell with a TLS listener (default)', () => {
  let t: TierStack;
  let template: Template;
  beforeAll(() => {
    t = tierStack(oneCell({ name: 'n', loadBalancerType: 'network' }));
    template = t.template;
  });

  test('load balancer is an internet-facing NLB created with a security group', () => {
    template.hasResourceProperties(LB, {
      Type: 'network',
      Scheme: 'internet-facing',
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CellnLoadBalancerSecurityGroup'), 'GroupId'] }],
    });
  });

  test('cross-zone load balancing is on', () => {
    expect(attributes(template, LB)['load_balancing.cross_zone.enabled']).toBe('true');
  });

  test('TLS :443 listener has the certificate, the explicit TLS policy and ALPN HTTP1Only', () => {
    template.hasResourceProperties(LISTENER, {
      Port: 443,
      Protocol: 'TLS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      AlpnPolicy: ['HTTP1Only'],
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('TierCertificate') } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('CellnTargetGroup') } }],
    });
  });

  test('TLS listener carries no tcp.idle_timeout.seconds (fixed at 350 s by AWS)', () => {
    template.hasResourceProperties(LISTENER, { Protocol: 'TLS', ListenerAttributes: Match.absent() });
  });

  test('there is no HTTP redirect listener and no port 80 ingress', () => {
    template.resourceCountIs(LISTENER, 1);
    const group = Object.values(
      template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'websocket-tier cell n: load balancer' } }),
    )[0];
    expect(group.Properties.SecurityGroupIngress.map((r: { FromPort: number }) => r.FromPort)).toEqual([443]);
  });

  test('target group is TCP on the server port with instance targets', () => {
    template.hasResourceProperties(TG, { Protocol: 'TCP', Port: 8080, TargetType: 'instance', ProtocolVersion: Match.absent() });
  });

  test('sockets outlive deregistration: delay 120 s, connection termination off, client IP preserved', () => {
    expect(attributes(template, TG)).toMatchObject({
      'deregistration_delay.timeout_seconds': '120',
      'deregistration_delay.connection_termination.enabled': 'false',
      'preserve_client_ip.enabled': 'true',
    });
  });

  test('unhealthy targets keep their sockets for the draining interval', () => {
    expect(attributes(template, TG)).toMatchObject({
      'target_health_state.unhealthy.connection_termination.enabled': 'false',
      'target_health_state.unhealthy.draining_interval_seconds': '300',
    });
  });

  test('each target-group attribute is written once', () => {
    const resource = Object.values(template.findResources(TG))[0];
    const keys = resource.Properties.TargetGroupAttributes.map((a: { Key: string }) => a.Key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('stickiness is explicitly off without a long-polling fallback', () => {
    expect(attributes(template, TG)['stickiness.enabled']).toBe('false');
    expect(attributes(template, TG)['stickiness.type']).toBeUndefined();
  });

  test('health check is HTTP with every field explicit', () => {
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

  test('instances accept the server port only from the NLB security group', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ FromPort: 8080, ToPort: 8080 });
    expect(ingress[0].SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/CellnLoadBalancerSecurityGroup/);
  });

  test('the Auto Scaling group registers into the NLB target group with ELB health checks', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('CellnTargetGroup') }],
      HealthCheckType: 'ELB',
    });
  });

  test('metricActiveConnections is NLB ActiveFlowCount, Average over 60 s', () => {
    const m = t.tier.cell('n').metricActiveConnections();
    expect(m).toMatchObject({ namespace: 'AWS/NetworkELB', metricName: 'ActiveFlowCount', statistic: 'Average' });
    expect(m.period.toSeconds()).toBe(60);
    expect(Stack.of(t.stack).resolve(m.dimensions?.LoadBalancer)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/CellnLoadBalancer/), 'LoadBalancerFullName'],
    });
  });

  test('metricNewConnections is NLB NewFlowCount, Sum', () => {
    expect(t.tier.cell('n').metricNewConnections()).toMatchObject({
      namespace: 'AWS/NetworkELB',
      metricName: 'NewFlowCount',
      statistic: 'Sum',
    });
  });

  test('the cell exposes the NLB and no ALB', () => {
    const cell = t.tier.cell('n');
    expect(cell.networkLoadBalancer).toBe(cell.loadBalancer);
    expect(cell.applicationLoadBalancer).toBeUndefined();
    expect(cell.httpRedirectListener).toBeUndefined();
  });
});

describe('NLB cell with a TCP listener', () => {
  let template: Template;
  beforeAll(() => {
    template = tierStack(
      oneCell({ name: 'n', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' }, { connection: { nlbTcpIdleTimeoutSeconds: 900 } }),
    ).template;
  });

  test('TCP :443 listener sets tcp.idle_timeout.seconds', () => {
    template.hasResourceProperties(LISTENER, {
      Port: 443,
      Protocol: 'TCP',
      ListenerAttributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '900' }],
    });
  });

  test('TCP listener has no certificate, TLS policy or ALPN (TLS passes through)', () => {
    template.hasResourceProperties(LISTENER, {
      Protocol: 'TCP',
      Certificates: Match.absent(),
      SslPolicy: Match.absent(),
      AlpnPolicy: Match.absent(),
    });
  });

  test('target group is TCP', () => {
    template.hasResourceProperties(TG, { Protocol: 'TCP', Port: 8080 });
  });
});

describe('NLB cell variants', () => {
  test('a TLS target protocol re-encrypts to the instances', () => {
    const { template } = tierStack(oneCell({ name: 'n', loadBalancerType: 'network', nlbTargetProtocol: 'TLS' }));
    template.hasResourceProperties(TG, { Protocol: 'TLS', HealthCheckProtocol: 'HTTP' });
  });

  test('long-polling fallback turns on source_ip stickiness', () => {
    const { template } = tierStack(oneCell({ name: 'n', loadBalancerType: 'network' }, { connection: { longPollingFallback: true } }));
    expect(attributes(template, TG)).toMatchObject({ 'stickiness.enabled': 'true', 'stickiness.type': 'source_ip' });
  });

  test('configured NLB timers reach the target group', () => {
    const { template } = tierStack(
      oneCell(
        { name: 'n', loadBalancerType: 'network' },
        { connection: { nlbDeregistrationDelaySeconds: 600, nlbUnhealthyDrainingIntervalSeconds: 900 } },
      ),
    );
    expect(attributes(template, TG)).toMatchObject({
      'deregistration_delay.timeout_seconds': '600',
      'target_health_state.unhealthy.draining_interval_seconds': '900',
    });
  });

  test('load-balancer-connections signal divides NLB ActiveFlowCount by in-service instances', () => {
    const { template } = tierStack(
      oneCell({ name: 'n', loadBalancerType: 'network' }, { scaling: { signal: 'load-balancer-connections' } }),
    );
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        CustomizedMetricSpecification: {
          Metrics: Match.arrayWith([
            Match.objectLike({
              Id: 'lb',
              MetricStat: Match.objectLike({
                Stat: 'Average',
                Metric: Match.objectLike({ Namespace: 'AWS/NetworkELB', MetricName: 'ActiveFlowCount' }),
              }),
            }),
            Match.objectLike({ Id: 'perInstance', Expression: 'lb / instances', ReturnData: true }),
          ]),
        },
      }),
    });
  });

  describe('dual-stack', () => {
    let template: Template;
    beforeAll(() => {
      template = tierStack(oneCell({ name: 'n', loadBalancerType: 'network' }, { dns: { ipAddressType: 'dualstack' } })).template;
    });

    test('the load balancer is dual-stack', () => {
      template.hasResourceProperties(LB, { IpAddressType: 'dualstack' });
    });

    test('IPv6 clients are admitted on 443', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'websocket-tier cell n: load balancer',
        SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIpv6: '::/0', FromPort: 443 })]),
      });
    });

    test('weighted and cell names get AAAA aliases too', () => {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'ws.example.com.',
        Type: 'AAAA',
        SetIdentifier: 'n',
        Weight: 100,
        AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }),
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'n.ws.example.com.', Type: 'AAAA' });
    });

    test('the default VPC gets an IPv6 block', () => {
      template.resourceCountIs('AWS::EC2::VPCCidrBlock', 1);
    });
  });
});
