/**
 * CloudFormation template of a CDK `WebSocketTier` → one `CellView` per cell. Resources are found
 * through the cell's public children (never by guessing logical ids), then read from the
 * synthesized template, so the view is what CloudFormation would receive.
 */
import { CfnElement, type Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { WebSocketCell, WebSocketTier } from '../../lib/cdk';
import { CELL_IDS, VPC_FLOW_LOG_IDS } from '../../lib/core/ids';
import { ALARM_KEYS } from '../../lib/core/operations';
import {
  ASG,
  type BackplaneView,
  type CellView,
  clean,
  dashboardView,
  HC,
  LB,
  LOG_BUCKET,
  type RecordView,
  byName,
  sortRecords,
  TG,
  type TierOperationsView,
  userDataScriptLines,
  splitReleaseSignal,
  type ReleaseTimingView,
} from './cell-view';
import { type NetworkView, networkView } from './network-view';

type Props = Record<string, any>;

/** The CloudFormation resource behind a construct (an L1, or an L2's default child). */
function cfnOf(construct: IConstruct): CfnElement {
  const cfn = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`no CloudFormation resource behind ${construct.node.path}`);
  return cfn;
}

/** `[{Key, Value}]` → `{Key: Value}`. */
function attributes(list: { Key: string; Value: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((a) => [a.Key, a.Value]));
}

const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
const bool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v === 'true');

/** Render Fn::Base64 / Fn::Join / Fn::Sub user data as text (tokens stay as their template text). */
function userDataText(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Base64'] !== undefined) return userDataText(value['Fn::Base64']);
  if (value['Fn::Join'] !== undefined) return (value['Fn::Join'][1] as unknown[]).map(userDataText).join(value['Fn::Join'][0]);
  if (value['Fn::Sub'] !== undefined) return String(value['Fn::Sub']);
  return `<${JSON.stringify(value)}>`;
}

/** A view of every cell of the tier, in config order. */
export function cdkCellViews(stack: Stack, tier: WebSocketTier, template: Template): CellView[] {
  const resources: Record<string, { Type: string; Properties: Props }> = template.toJSON().Resources;
  const idOf = (c: IConstruct) => stack.getLogicalId(cfnOf(c));
  const props = (c: IConstruct): Props => {
    const r = resources[idOf(c)];
    if (!r) throw new Error(`no resource ${idOf(c)} in the template`);
    return r.Properties;
  };
  const extras = {
    logBucketId: tier.logBucket ? idOf(tier.logBucket) : undefined,
    webAclId: tier.webAcl ? idOf(tier.webAcl) : undefined,
    artifactKey: tier.serverBundle?.s3ObjectKey,
  };
  return tier.cells.map((cell) => cellView(cell, props, idOf, extras, (c) => resources[idOf(c)]));
}

/** `PT1H2M3S` → seconds. */
function isoSeconds(d: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(d);
  if (!m) throw new Error(`not an ISO 8601 duration of seconds: ${d}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Each EC2 cell's CloudFormation-only release timings (signal timeout, probe deadline, min success). */
export function cdkReleaseTiming(stack: Stack, tier: WebSocketTier, template: Template): ReleaseTimingView[] {
  const resources: Record<string, any> = template.toJSON().Resources;
  return tier.cells.map((cell) => {
    const group = resources[stack.getLogicalId(cfnOf(cell.autoScalingGroup))];
    const lt = resources[stack.getLogicalId(cfnOf(cell.launchTemplate))].Properties.LaunchTemplateData;
    const ru = group.UpdatePolicy.AutoScalingRollingUpdate;
    return {
      signalTimeoutSeconds: isoSeconds(ru.PauseTime),
      probeDeadlineSeconds: splitReleaseSignal(userDataScriptLines(userDataText(lt.UserData))).probe?.deadlineSeconds,
      minSuccessfulInstancesPercent: ru.MinSuccessfulInstancesPercent,
    };
  });
}

/** Dashboard body (an `Fn::Join` of text and tokens) → parsed JSON, every token replaced by a marker string. */
function dashboardBodyJson(body: any): any {
  const text =
    typeof body === 'string'
      ? body
      : (body['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text);
}

/** The tier-level operations view (dashboard, log bucket, web ACL, VPC flow log). */
export function cdkTierOperationsView(stack: Stack, tier: WebSocketTier, template: Template): TierOperationsView {
  const resources: Record<string, { Type: string; Properties: Props }> = template.toJSON().Resources;
  const props = (c: IConstruct): Props => resources[stack.getLogicalId(cfnOf(c))].Properties;
  const acl = tier.webAcl ? props(tier.webAcl) : undefined;
  const flowLog = tier.vpcFlowLog ? props(tier.vpcFlowLog) : undefined;
  const flowLogGroup = tier.vpc.node.tryFindChild(VPC_FLOW_LOG_IDS.logGroup);
  return clean<TierOperationsView>({
    dashboard: tier.dashboard ? dashboardView(dashboardBodyJson(props(tier.dashboard).DashboardBody)) : undefined,
    logBucketRetentionDays: tier.logBucket ? props(tier.logBucket).LifecycleConfiguration.Rules[0].ExpirationInDays : undefined,
    webAcl: acl && {
      rules: acl.Rules.map((r: any) => r.Name),
      rateLimit: acl.Rules[1].Statement.RateBasedStatement.Limit,
      countRules: acl.Rules[0].Statement.ManagedRuleGroupStatement.RuleActionOverrides.map((o: any) => o.Name),
    },
    vpcFlowLog: flowLog && {
      trafficType: flowLog.TrafficType,
      retentionDays: flowLogGroup ? props(flowLogGroup).RetentionInDays : -1,
      destination: flowLog.LogDestinationType,
    },
  });
}

function cellView(
  cell: WebSocketCell,
  props: (c: IConstruct) => Props,
  idOf: (c: IConstruct) => string,
  extras: { logBucketId?: string; webAclId?: string; artifactKey?: string },
  resourceOf: (c: IConstruct) => any,
): CellView {
  const group = resourceOf(cell.autoScalingGroup);
  const rolling = group.UpdatePolicy?.AutoScalingRollingUpdate;
  if (rolling?.WaitOnResourceSignals !== true) throw new Error('the group has no signal-gated AutoScalingRollingUpdate');
  const rolePolicy = cell.role.node.tryFindChild('DefaultPolicy') as IConstruct | undefined;
  const artifactRead =
    extras.artifactKey !== undefined &&
    rolePolicy !== undefined &&
    (props(rolePolicy).PolicyDocument.Statement as Props[]).some(
      (st) =>
        ([] as string[]).concat(st.Action).includes('s3:GetObject') && JSON.stringify(st.Resource).includes(`/${extras.artifactKey}"`),
    );
  const lbId = idOf(cell.loadBalancer);
  const asgId = idOf(cell.autoScalingGroup);
  const lb = props(cell.loadBalancer);
  const lbAttrs = attributes(lb.LoadBalancerAttributes);
  const listener = props(cell.listener);
  const listenerAttrs = attributes(listener.ListenerAttributes);
  const tg = props(cell.targetGroup);
  const tgAttrs = attributes(tg.TargetGroupAttributes);
  const stickinessOn = tgAttrs['stickiness.enabled'] === 'true';
  const stickType = stickinessOn ? tgAttrs['stickiness.type'] : undefined;
  const asg = props(cell.autoScalingGroup);
  const hook = props(cell.terminationHook);
  const policy = props(cell.scalingPolicy).TargetTrackingConfiguration;
  const lt = props(cell.launchTemplate).LaunchTemplateData;
  const root = lt.BlockDeviceMappings[0];
  const signal = splitReleaseSignal(userDataScriptLines(userDataText(lt.UserData)));
  if (!signal.probe) throw new Error('the CDK user data has no readiness signal');
  const redirect = cell.httpRedirectListener ? props(cell.httpRedirectListener) : undefined;
  const hcId = cell.route53HealthCheck ? idOf(cell.route53HealthCheck) : undefined;
  const hc = cell.route53HealthCheck ? props(cell.route53HealthCheck).HealthCheckConfig : undefined;

  const tgId = idOf(cell.targetGroup);
  const dimensionValue = (v: unknown): string => {
    const s = JSON.stringify(v);
    if (s === JSON.stringify({ Ref: asgId })) return ASG;
    if (s === JSON.stringify({ 'Fn::GetAtt': [lbId, 'LoadBalancerFullName'] })) return LB;
    if (s === JSON.stringify({ 'Fn::GetAtt': [tgId, 'TargetGroupFullName'] })) return TG;
    if (hcId !== undefined && s === JSON.stringify({ Ref: hcId })) return HC;
    return s;
  };
  const bucketOf = (v: unknown): string =>
    extras.logBucketId !== undefined && JSON.stringify(v) === JSON.stringify({ Ref: extras.logBucketId }) ? LOG_BUCKET : JSON.stringify(v);
  const logs = (kind: 'access_logs' | 'connection_logs') =>
    lbAttrs[`${kind}.s3.enabled`] === 'true'
      ? { bucket: bucketOf(lbAttrs[`${kind}.s3.bucket`]), prefix: lbAttrs[`${kind}.s3.prefix`] }
      : undefined;
  const association = cell.webAclAssociation ? props(cell.webAclAssociation) : undefined;
  const alarms = ALARM_KEYS.flatMap((key) => {
    const alarm = cell.alarms[key];
    if (!alarm) return [];
    const a = props(alarm);
    return [
      {
        key,
        namespace: a.Namespace,
        metricName: a.MetricName,
        statistic: a.Statistic,
        periodSeconds: a.Period,
        dimensions: (a.Dimensions ?? []).map((d: any) => ({ name: d.Name, value: dimensionValue(d.Value) })).sort(byName),
        threshold: a.Threshold,
        comparisonOperator: a.ComparisonOperator,
        evaluationPeriods: a.EvaluationPeriods,
        datapointsToAlarm: a.DatapointsToAlarm,
        treatMissingData: a.TreatMissingData,
        alarmActions: (a.AlarmActions ?? []).length,
        okActions: (a.OKActions ?? []).length,
      },
    ];
  });

  const records: RecordView[] = [];
  for (const id of [CELL_IDS.weightedRecord, CELL_IDS.weightedRecordIpv6, CELL_IDS.cellRecord, CELL_IDS.cellRecordIpv6]) {
    const construct = cell.node.tryFindChild(id);
    if (!construct) continue;
    const r = props(construct);
    records.push({
      name: String(r.Name).replace(/\.$/, ''),
      type: r.Type,
      setIdentifier: r.SetIdentifier,
      weight: r.Weight,
      evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth === true,
      aliasToThisCell: JSON.stringify(r.AliasTarget.DNSName).includes(`"${lbId}"`),
      healthCheck: hcId !== undefined && JSON.stringify(r.HealthCheckId) === JSON.stringify({ Ref: hcId }),
    });
  }

  return clean<CellView>({
    loadBalancer: {
      type: lb.Type,
      scheme: lb.Scheme,
      ipAddressType: lb.IpAddressType,
      idleTimeoutSeconds: num(lbAttrs['idle_timeout.timeout_seconds']),
      dropInvalidHeaderFields: bool(lbAttrs['routing.http.drop_invalid_header_fields.enabled']),
      crossZone: bool(lbAttrs['load_balancing.cross_zone.enabled']),
    },
    listener: {
      port: listener.Port,
      protocol: listener.Protocol,
      sslPolicy: listener.SslPolicy,
      alpnPolicy: listener.AlpnPolicy?.[0],
      tcpIdleTimeoutSeconds: num(listenerAttrs['tcp.idle_timeout.seconds']),
      hasCertificate: (listener.Certificates ?? []).length > 0,
    },
    httpRedirect: redirect && {
      port: redirect.Port,
      protocol: redirect.Protocol,
      toProtocol: redirect.DefaultActions[0].RedirectConfig.Protocol,
      toPort: redirect.DefaultActions[0].RedirectConfig.Port,
      statusCode: redirect.DefaultActions[0].RedirectConfig.StatusCode,
    },
    targetGroup: {
      protocol: tg.Protocol,
      port: tg.Port,
      protocolVersion: tg.ProtocolVersion,
      targetType: tg.TargetType,
      deregistrationDelaySeconds: Number(tgAttrs['deregistration_delay.timeout_seconds']),
      stickiness: {
        enabled: stickinessOn,
        type: stickType,
        cookieDurationSeconds:
          stickType && stickType !== 'source_ip' ? num(tgAttrs[`stickiness.${stickType}.duration_seconds`]) : undefined,
        cookieName: stickType === 'app_cookie' ? tgAttrs['stickiness.app_cookie.cookie_name'] : undefined,
      },
      connectionTermination: bool(tgAttrs['deregistration_delay.connection_termination.enabled']),
      preserveClientIp: bool(tgAttrs['preserve_client_ip.enabled']),
      proxyProtocolV2: bool(tgAttrs['proxy_protocol_v2.enabled']),
      unhealthyConnectionTermination: bool(tgAttrs['target_health_state.unhealthy.connection_termination.enabled']),
      unhealthyDrainingIntervalSeconds: num(tgAttrs['target_health_state.unhealthy.draining_interval_seconds']),
      healthCheck: {
        enabled: tg.HealthCheckEnabled,
        protocol: tg.HealthCheckProtocol,
        path: tg.HealthCheckPath,
        port: tg.HealthCheckPort,
        intervalSeconds: tg.HealthCheckIntervalSeconds,
        timeoutSeconds: tg.HealthCheckTimeoutSeconds,
        healthyThresholdCount: tg.HealthyThresholdCount,
        unhealthyThresholdCount: tg.UnhealthyThresholdCount,
        matcher: tg.Matcher?.HttpCode,
      },
    },
    autoScaling: {
      minSize: Number(asg.MinSize),
      maxSize: Number(asg.MaxSize),
      desiredCapacity: num(asg.DesiredCapacity),
      healthCheckType: asg.HealthCheckType,
      healthCheckGracePeriodSeconds: asg.HealthCheckGracePeriod,
      defaultInstanceWarmupSeconds: asg.DefaultInstanceWarmup,
      minHealthyPercentage: asg.InstanceMaintenancePolicy.MinHealthyPercentage,
      maxHealthyPercentage: asg.InstanceMaintenancePolicy.MaxHealthyPercentage,
      metrics: [...asg.MetricsCollection[0].Metrics].sort(),
      metricsGranularity: asg.MetricsCollection[0].Granularity,
    },
    lifecycleHook: {
      transition: hook.LifecycleTransition,
      heartbeatTimeoutSeconds: hook.HeartbeatTimeout,
      defaultResult: hook.DefaultResult,
    },
    scalingPolicy: {
      policyType: props(cell.scalingPolicy).PolicyType,
      targetValue: policy.TargetValue,
      metrics: policy.CustomizedMetricSpecification.Metrics.map((m: any) => ({
        id: m.Id,
        expression: m.Expression,
        label: m.Label,
        returnData: m.ReturnData,
        stat: m.MetricStat?.Stat,
        namespace: m.MetricStat?.Metric.Namespace,
        metricName: m.MetricStat?.Metric.MetricName,
        dimensions: m.MetricStat?.Metric.Dimensions.map((d: any) => ({ name: d.Name, value: dimensionValue(d.Value) })),
      })),
    },
    launchTemplate: {
      instanceType: lt.InstanceType,
      httpTokens: lt.MetadataOptions.HttpTokens,
      instanceMetadataTags: lt.MetadataOptions.InstanceMetadataTags,
      rootVolume: {
        deviceName: root.DeviceName,
        sizeGiB: root.Ebs.VolumeSize,
        type: root.Ebs.VolumeType,
        encrypted: root.Ebs.Encrypted === true,
      },
    },
    release: {
      batchSize: rolling.MaxBatchSize,
      minInstancesInService: rolling.MinInstancesInService,
      readiness: { port: signal.probe.port, path: signal.probe.path },
    },
    userData: signal.hostLines,
    artifactRead: artifactRead ? 'object' : 'none',
    records: sortRecords(records),
    route53HealthCheck: hc && {
      type: hc.Type,
      fqdn: hc.FullyQualifiedDomainName,
      port: hc.Port,
      resourcePath: hc.ResourcePath,
      requestIntervalSeconds: hc.RequestInterval,
      failureThreshold: hc.FailureThreshold,
      enableSni: hc.EnableSNI,
    },
    operations: {
      deletionProtection: lbAttrs['deletion_protection.enabled'] === 'true',
      minimumCapacityUnits: lb.MinimumLoadBalancerCapacity?.CapacityUnits,
      accessLogs: logs('access_logs'),
      connectionLogs: logs('connection_logs'),
      webAclAssociation:
        association !== undefined &&
        JSON.stringify(association.ResourceArn) === JSON.stringify({ Ref: lbId }) &&
        JSON.stringify(association.WebACLArn) === JSON.stringify({ 'Fn::GetAtt': [extras.webAclId, 'Arn'] }),
      alarms,
    },
  });
}

/** The backplane view of a CDK tier, or undefined when it has none. */
export function cdkBackplaneView(stack: Stack, tier: WebSocketTier, template: Template): BackplaneView | undefined {
  const b = tier.backplane;
  if (b === undefined) return undefined;
  const resources: Record<string, { Type: string; Properties: Props }> = template.toJSON().Resources;
  const idOf = (c: IConstruct) => stack.getLogicalId(cfnOf(c));
  const props = (c: IConstruct): Props => resources[idOf(c)].Properties;
  const rg = props(b.replicationGroup);
  const secretId = idOf(b.secret);
  const sgId = idOf(b.securityGroup);
  const sg = props(b.securityGroup);
  const cellOfSg = new Map(tier.cells.map((cell, i) => [idOf(cell.connections.securityGroups[0]), tier.plan.cells[i].name]));
  const ingress = Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::EC2::SecurityGroupIngress' &&
        JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] }),
    )
    .map((r) => ({
      port: r.Properties.FromPort === r.Properties.ToPort ? r.Properties.FromPort : -1,
      fromCell:
        cellOfSg.get(r.Properties.SourceSecurityGroupId?.['Fn::GetAtt']?.[0]) ??
        `<not a cell: ${JSON.stringify(r.Properties.SourceSecurityGroupId ?? r.Properties.CidrIp)}>`,
      description: r.Properties.Description,
    }));
  for (const inline of sg.SecurityGroupIngress ?? [])
    ingress.push({
      port: inline.FromPort,
      fromCell: `<inline ${inline.CidrIp ?? inline.SourceSecurityGroupId}>`,
      description: inline.Description,
    });
  const egressNone = (sg.SecurityGroupEgress ?? []).every((e: Props) => e.CidrIp === '255.255.255.255/32');
  const asgSubnets = props(tier.cells[0].autoScalingGroup).VPCZoneIdentifier;
  const secretReadBy = tier.cells
    .filter((cell) => {
      const policy = cell.node.tryFindChild('BackplaneAuthTokenRead');
      if (!policy) return false;
      const statements: Props[] = props(policy).PolicyDocument.Statement;
      return (
        statements.length === 1 &&
        JSON.stringify(statements[0].Resource) === JSON.stringify({ Ref: secretId }) &&
        statements[0].Action.includes('secretsmanager:GetSecretValue')
      );
    })
    .map((cell) => tier.plan.cells[tier.cells.indexOf(cell)].name);
  return {
    engine: rg.Engine,
    engineVersion: rg.EngineVersion,
    nodeType: rg.CacheNodeType,
    numCacheClusters: rg.NumCacheClusters,
    port: rg.Port,
    clusterMode: rg.ClusterMode,
    transitEncryptionEnabled: rg.TransitEncryptionEnabled,
    transitEncryptionMode: rg.TransitEncryptionMode,
    atRestEncryptionEnabled: rg.AtRestEncryptionEnabled,
    automaticFailoverEnabled: rg.AutomaticFailoverEnabled,
    multiAzEnabled: rg.MultiAZEnabled,
    autoMinorVersionUpgrade: rg.AutoMinorVersionUpgrade,
    description: rg.ReplicationGroupDescription,
    authTokenFromSecret:
      JSON.stringify(rg.AuthToken) ===
      JSON.stringify({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] }),
    subnetGroupOnInstanceSubnets: JSON.stringify(props(b.subnetGroup).SubnetIds) === JSON.stringify(asgSubnets),
    egress: egressNone ? 'none' : 'some',
    ingress: ingress.sort((x, y) => x.fromCell.localeCompare(y.fromCell)),
    secretReadBy,
  };
}

/** The parts of the VPC the tier created, read from the template (references are logical ids). */
export function cdkNetworkView(stack: Stack, tier: WebSocketTier, template: Template): NetworkView {
  const resources: Record<string, { Type: string; Properties: Props }> = template.toJSON().Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const ref = (v: { Ref?: string } | undefined): string => v?.Ref as string;
  const cell = tier.cells[0];
  const vpc = resources[stack.getLogicalId(cfnOf(tier.vpc))].Properties;
  return networkView({
    vpc: { cidr: vpc.CidrBlock, ipv6: ofType('AWS::EC2::VPCCidrBlock').some(([, r]) => r.Properties.AmazonProvidedIpv6CidrBlock === true) },
    subnets: ofType('AWS::EC2::Subnet').map(([key, r]) => ({
      key,
      // env-agnostic: { Fn::Select: [i, Fn::GetAZs] }; known Region: the zone name
      az:
        typeof r.Properties.AvailabilityZone === 'string'
          ? r.Properties.AvailabilityZone
          : String(r.Properties.AvailabilityZone['Fn::Select'][0]),
      cidr: r.Properties.CidrBlock,
      ipv6: r.Properties.Ipv6CidrBlock !== undefined,
      mapPublicIpOnLaunch: r.Properties.MapPublicIpOnLaunch,
    })),
    associations: ofType('AWS::EC2::SubnetRouteTableAssociation').map(([, r]) => ({
      subnet: ref(r.Properties.SubnetId),
      routeTable: ref(r.Properties.RouteTableId),
    })),
    defaultRoutes: ofType('AWS::EC2::Route')
      .filter(([, r]) => r.Properties.DestinationCidrBlock === '0.0.0.0/0')
      .map(([, r]) => ({
        routeTable: ref(r.Properties.RouteTableId),
        internetGateway: resources[ref(r.Properties.GatewayId)]?.Type === 'AWS::EC2::InternetGateway',
        natGateway: ref(r.Properties.NatGatewayId),
      })),
    natGateways: ofType('AWS::EC2::NatGateway').map(([key, r]) => ({ key, subnet: ref(r.Properties.SubnetId) })),
    loadBalancerSubnets: resources[stack.getLogicalId(cfnOf(cell.loadBalancer))].Properties.Subnets.map(ref),
    instanceSubnets: resources[stack.getLogicalId(cfnOf(cell.autoScalingGroup))].Properties.VPCZoneIdentifier.map(ref),
  });
}
