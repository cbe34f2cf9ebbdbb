/**
 * Inputs recorded by the Pulumi mocks → one `CellView` per cell. Resources are found by the names
 * the core id table gives them (`${cellName}-${kebab(id)}`), so a renamed child fails here too.
 */
import {
  alarmId,
  BACKPLANE_CELL_IDS,
  BACKPLANE_IDS,
  PULUMI_BACKPLANE_IDS,
  CELL_IDS,
  cellId,
  childName,
  OPERATIONS_CELL_IDS,
  OPERATIONS_TIER_IDS,
  PULUMI_OPERATIONS_TIER_IDS,
  PULUMI_TIER_IDS,
  TIER_IDS,
  VPC_FLOW_LOG_IDS,
} from '../../lib/core/ids';
import { ALARM_KEYS } from '../../lib/core/operations';
import type { PulumiRecorder } from '../helpers/pulumi-mocks';
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
  type ReleaseView,
} from './cell-view';
import { type NetworkView, networkView } from './network-view';

/** User data lines; Pulumi renders no CloudFormation signal (its readiness is the ELB health check), so none may be there. */
function pulumiHostLines(userData: string): string[] {
  const split = splitReleaseSignal(userDataScriptLines(Buffer.from(userData, 'base64').toString('utf8')));
  if (split.probe) throw new Error('Pulumi user data carries a cfn-signal readiness signal: nothing would receive it');
  return split.hostLines;
}

/** The group's instance refresh → the semantic release (see ReleaseView for the arithmetic). */
function releaseView(asg: any, tg: any): ReleaseView {
  const p = asg.instanceRefresh?.preferences;
  if (asg.instanceRefresh?.strategy !== 'Rolling' || !p) throw new Error('the group has no Rolling instance refresh');
  if (asg.healthCheckType !== 'ELB') throw new Error('the instance refresh is not gated on the ELB health check');
  const capacity = Math.max(1, asg.desiredCapacity ?? asg.minSize);
  const base = asg.desiredCapacity ?? asg.minSize;
  return {
    batchSize: Math.max(1, Math.min(capacity, Math.floor(((p.maxHealthyPercentage - 100) * capacity) / 100))),
    minInstancesInService: Math.floor((p.minHealthyPercentage * base) / 100),
    readiness: { port: Number(tg.healthCheck.port), path: tg.healthCheck.path },
  };
}

/** Each cell's Pulumi-only release timings (warm-up, checkpoints, skip matching). */
export function pulumiReleaseTiming(recorder: PulumiRecorder, tierName: string, cellNames: readonly string[]): ReleaseTimingView[] {
  return cellNames.map((cellName) => {
    const name = childName(childName(tierName, cellId(cellName)), CELL_IDS.autoScalingGroup);
    const p = recorder.resources.find((r) => r.name === name)?.inputs.instanceRefresh.preferences;
    return {
      instanceWarmupSeconds: Number(p.instanceWarmup),
      checkpointPercentages: p.checkpointPercentages,
      checkpointDelaySeconds: p.checkpointDelay !== undefined ? Number(p.checkpointDelay) : undefined,
      skipMatching: p.skipMatching,
      autoRollback: p.autoRollback,
    };
  });
}

/** Views of the named cells of the Pulumi tier `tierName`, in the order given. */
export function pulumiCellViews(recorder: PulumiRecorder, tierName: string, cellNames: readonly string[]): CellView[] {
  const artifactKey = recorder.resources.find((r) => r.name === childName(tierName, PULUMI_TIER_IDS.serverBundleObject))?.inputs.key;
  return cellNames.map((cellName) => cellView(recorder, tierName, childName(tierName, cellId(cellName)), artifactKey));
}

/** The tier-level operations view (dashboard, log bucket, web ACL, VPC flow log). */
export function pulumiTierOperationsView(recorder: PulumiRecorder, tierName: string): TierOperationsView {
  const get = (id: string, parent = tierName) => recorder.resources.find((r) => r.name === childName(parent, id))?.inputs;
  const dashboard = get(OPERATIONS_TIER_IDS.dashboard);
  const lifecycle = get(PULUMI_OPERATIONS_TIER_IDS.logBucketLifecycle);
  const acl = get(OPERATIONS_TIER_IDS.webAcl);
  const vpcName = childName(tierName, TIER_IDS.vpc);
  const flowLog = get(VPC_FLOW_LOG_IDS.flowLog, vpcName);
  const flowLogGroup = get(VPC_FLOW_LOG_IDS.logGroup, vpcName);
  return clean<TierOperationsView>({
    dashboard: dashboard ? dashboardView(JSON.parse(dashboard.dashboardBody)) : undefined,
    logBucketRetentionDays: lifecycle?.rules[0].expiration.days,
    webAcl: acl && {
      rules: acl.rules.map((r: any) => r.name),
      rateLimit: acl.rules[1].statement.rateBasedStatement.limit,
      countRules: acl.rules[0].statement.managedRuleGroupStatement.ruleActionOverrides.map((o: any) => o.name),
    },
    vpcFlowLog: flowLog && {
      trafficType: flowLog.trafficType,
      retentionDays: flowLogGroup?.retentionInDays ?? -1,
      destination: flowLog.logDestinationType,
    },
  });
}

function cellView(recorder: PulumiRecorder, tierName: string, cell: string, artifactKey: string | undefined): CellView {
  const get = (id: string) => recorder.resources.find((r) => r.name === childName(cell, id))?.inputs;
  const must = (id: string) => {
    const inputs = get(id);
    if (!inputs) throw new Error(`no Pulumi resource named ${childName(cell, id)}`);
    return inputs;
  };
  const asgName = childName(cell, CELL_IDS.autoScalingGroup);
  const lbName = childName(cell, CELL_IDS.loadBalancer);
  const hcName = childName(cell, CELL_IDS.route53HealthCheck);
  const lb = must(CELL_IDS.loadBalancer);
  const isAlb = lb.loadBalancerType === 'application';
  const listener = must(CELL_IDS.listener);
  const tg = must(CELL_IDS.targetGroup);
  const health = (tg.targetHealthStates ?? [])[0];
  const asg = must(CELL_IDS.autoScalingGroup);
  const hook = must(CELL_IDS.terminationHook);
  const policy = must(CELL_IDS.scalingPolicy);
  const lt = must(CELL_IDS.launchTemplate);
  const root = lt.blockDeviceMappings[0];
  const redirect = get(CELL_IDS.httpRedirectListener);
  const hc = get(CELL_IDS.route53HealthCheck);

  // Mock outputs: a group's name is its Pulumi name; a load balancer's arnSuffix is `app|net/<name>/…`,
  // a target group's `targetgroup/<name>/…`; a resource's id is `<name>-id`; a bucket's name `<name>-bucket`.
  const tgName = childName(cell, CELL_IDS.targetGroup);
  const dimensionValue = (v: string): string =>
    v === asgName
      ? ASG
      : v === `${hcName}-id`
        ? HC
        : v.startsWith('targetgroup/') && v.split('/')[1] === tgName
          ? TG
          : v.split('/')[1] === lbName
            ? LB
            : v;
  const logBucketName = `${childName(tierName, OPERATIONS_TIER_IDS.logBucket)}-bucket`;
  const logs = (block: any) =>
    block?.enabled === true
      ? { bucket: block.bucket === logBucketName ? LOG_BUCKET : String(block.bucket), prefix: block.prefix }
      : undefined;
  const association = get(OPERATIONS_CELL_IDS.webAclAssociation);
  const lbArn = `arn:aws:mock:us-east-1:123456789012:LoadBalancer/${lbName}`;
  const aclArn = `arn:aws:mock:us-east-1:123456789012:WebAcl/${childName(tierName, OPERATIONS_TIER_IDS.webAcl)}`;
  const alarms = ALARM_KEYS.flatMap((key) => {
    const a = get(alarmId(key));
    if (!a) return [];
    return [
      {
        key,
        namespace: a.namespace,
        metricName: a.metricName,
        statistic: a.statistic,
        periodSeconds: a.period,
        dimensions: Object.entries((a.dimensions ?? {}) as Record<string, string>)
          .map(([name, value]) => ({ name, value: dimensionValue(value) }))
          .sort(byName),
        threshold: a.threshold,
        comparisonOperator: a.comparisonOperator,
        evaluationPeriods: a.evaluationPeriods,
        datapointsToAlarm: a.datapointsToAlarm,
        treatMissingData: a.treatMissingData,
        alarmActions: (a.alarmActions ?? []).length,
        okActions: (a.okActions ?? []).length,
      },
    ];
  });

  const records: RecordView[] = [];
  for (const id of [CELL_IDS.weightedRecord, CELL_IDS.weightedRecordIpv6, CELL_IDS.cellRecord, CELL_IDS.cellRecordIpv6]) {
    const r = get(id);
    if (!r) continue;
    records.push({
      name: r.name,
      type: r.type,
      setIdentifier: r.setIdentifier,
      weight: r.weightedRoutingPolicies?.[0]?.weight,
      evaluateTargetHealth: r.aliases[0].evaluateTargetHealth === true,
      aliasToThisCell: String(r.aliases[0].name).startsWith(`${lbName}.`),
      healthCheck: r.healthCheckId === `${hcName}-id`,
    });
  }
  const stickiness = tg.stickiness?.enabled
    ? { enabled: true, type: tg.stickiness.type, cookieDurationSeconds: tg.stickiness.cookieDuration, cookieName: tg.stickiness.cookieName }
    : { enabled: false };

  return clean<CellView>({
    loadBalancer: {
      type: lb.loadBalancerType,
      scheme: lb.internal ? 'internal' : 'internet-facing',
      ipAddressType: lb.ipAddressType,
      idleTimeoutSeconds: lb.idleTimeout,
      dropInvalidHeaderFields: lb.dropInvalidHeaderFields,
      // ALB: cross-zone is always on and not an attribute; the CDK template leaves it out too.
      crossZone: isAlb ? undefined : lb.enableCrossZoneLoadBalancing,
    },
    listener: {
      port: listener.port,
      protocol: listener.protocol,
      sslPolicy: listener.sslPolicy,
      alpnPolicy: listener.alpnPolicy,
      tcpIdleTimeoutSeconds: listener.tcpIdleTimeoutSeconds,
      hasCertificate: listener.certificateArn !== undefined,
    },
    httpRedirect: redirect && {
      port: redirect.port,
      protocol: redirect.protocol,
      toProtocol: redirect.defaultActions[0].redirect.protocol,
      toPort: redirect.defaultActions[0].redirect.port,
      statusCode: redirect.defaultActions[0].redirect.statusCode,
    },
    targetGroup: {
      protocol: tg.protocol,
      port: tg.port,
      protocolVersion: tg.protocolVersion,
      targetType: tg.targetType,
      deregistrationDelaySeconds: tg.deregistrationDelay,
      stickiness,
      connectionTermination: tg.connectionTermination,
      preserveClientIp: tg.preserveClientIp === undefined ? undefined : tg.preserveClientIp === 'true',
      proxyProtocolV2: tg.proxyProtocolV2,
      unhealthyConnectionTermination: health?.enableUnhealthyConnectionTermination,
      unhealthyDrainingIntervalSeconds: health?.unhealthyDrainingInterval,
      healthCheck: {
        enabled: tg.healthCheck.enabled,
        protocol: tg.healthCheck.protocol,
        path: tg.healthCheck.path,
        port: tg.healthCheck.port,
        intervalSeconds: tg.healthCheck.interval,
        timeoutSeconds: tg.healthCheck.timeout,
        healthyThresholdCount: tg.healthCheck.healthyThreshold,
        unhealthyThresholdCount: tg.healthCheck.unhealthyThreshold,
        matcher: tg.healthCheck.matcher,
      },
    },
    autoScaling: {
      minSize: asg.minSize,
      maxSize: asg.maxSize,
      desiredCapacity: asg.desiredCapacity,
      healthCheckType: asg.healthCheckType,
      healthCheckGracePeriodSeconds: asg.healthCheckGracePeriod,
      defaultInstanceWarmupSeconds: asg.defaultInstanceWarmup,
      minHealthyPercentage: asg.instanceMaintenancePolicy.minHealthyPercentage,
      maxHealthyPercentage: asg.instanceMaintenancePolicy.maxHealthyPercentage,
      metrics: [...asg.enabledMetrics].sort(),
      metricsGranularity: asg.metricsGranularity,
    },
    lifecycleHook: {
      transition: hook.lifecycleTransition,
      heartbeatTimeoutSeconds: hook.heartbeatTimeout,
      defaultResult: hook.defaultResult,
    },
    scalingPolicy: {
      policyType: policy.policyType,
      targetValue: policy.targetTrackingConfiguration.targetValue,
      metrics: policy.targetTrackingConfiguration.customizedMetricSpecification.metrics.map((m: any) => ({
        id: m.id,
        expression: m.expression,
        label: m.label,
        returnData: m.returnData,
        stat: m.metricStat?.stat,
        namespace: m.metricStat?.metric.namespace,
        metricName: m.metricStat?.metric.metricName,
        dimensions: m.metricStat?.metric.dimensions.map((d: any) => ({ name: d.name, value: dimensionValue(d.value) })),
      })),
    },
    launchTemplate: {
      instanceType: lt.instanceType,
      httpTokens: lt.metadataOptions.httpTokens,
      instanceMetadataTags: lt.metadataOptions.instanceMetadataTags,
      rootVolume: {
        deviceName: root.deviceName,
        sizeGiB: root.ebs.volumeSize,
        type: root.ebs.volumeType,
        encrypted: root.ebs.encrypted === 'true',
      },
    },
    release: releaseView(asg, tg),
    userData: pulumiHostLines(lt.userData),
    artifactRead: (must(CELL_IDS.instanceRole).inlinePolicies as { name: string; policy: string }[]).some(
      (p) =>
        artifactKey !== undefined &&
        p.name === 'ServerBundleRead' &&
        JSON.parse(p.policy).Statement.some(
          (st: { Action: string[]; Resource: string[] }) =>
            st.Action.includes('s3:GetObject') && st.Resource.every((r) => r.endsWith(`/${artifactKey}`)),
        ),
    )
      ? 'object'
      : 'none',
    records: sortRecords(records),
    route53HealthCheck: hc && {
      type: hc.type,
      fqdn: hc.fqdn,
      port: hc.port,
      resourcePath: hc.resourcePath,
      requestIntervalSeconds: hc.requestInterval,
      failureThreshold: hc.failureThreshold,
      enableSni: hc.enableSni,
    },
    operations: {
      deletionProtection: lb.enableDeletionProtection === true,
      minimumCapacityUnits: lb.minimumLoadBalancerCapacity?.capacityUnits,
      accessLogs: logs(lb.accessLogs),
      connectionLogs: logs(lb.connectionLogs),
      webAclAssociation: association !== undefined && association.resourceArn === lbArn && association.webAclArn === aclArn,
      alarms,
    },
  });
}

/** Plain value of a recorded input, unwrapping Pulumi's secret envelope. */
function plain(v: any): any {
  return v !== null && typeof v === 'object' && '4dabf18193072939515e22adb298388d' in v ? v.value : v;
}

/** The backplane view of a Pulumi tier, or undefined when it has none. */
export function pulumiBackplaneView(recorder: PulumiRecorder, tierName: string): BackplaneView | undefined {
  const bp = childName(tierName, BACKPLANE_IDS.backplane);
  const get = (id: string) => recorder.resources.find((r) => r.name === childName(bp, id))?.inputs;
  const rg = get(BACKPLANE_IDS.replicationGroup);
  if (!rg) return undefined;
  const secretName = childName(bp, BACKPLANE_IDS.authToken);
  const secretArn = `arn:aws:mock:us-east-1:123456789012:Secret/${secretName}`;
  const version = get(PULUMI_BACKPLANE_IDS.authTokenVersion)!;
  const sg = get(BACKPLANE_IDS.securityGroup)!;
  const sgId = `${childName(bp, BACKPLANE_IDS.securityGroup)}-id`;
  const cellRe = new RegExp(`^${tierName}-cell-(.+)-instance-security-group-id$`);
  const ingress = recorder
    .ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
    .filter((r) => r.inputs.securityGroupId === sgId)
    .map((r) => ({
      port: r.inputs.fromPort === r.inputs.toPort ? r.inputs.fromPort : -1,
      fromCell:
        cellRe.exec(r.inputs.referencedSecurityGroupId ?? '')?.[1] ??
        `<not a cell: ${r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4}>`,
      description: r.inputs.description,
    }));
  for (const inline of sg.ingress ?? [])
    ingress.push({
      port: inline.fromPort,
      fromCell: `<inline ${inline.cidrBlocks ?? inline.securityGroups}>`,
      description: inline.description,
    });
  const cellNames = recorder.ofType('websocket-tier:index:WebSocketCell').map((r) => r.name.slice(`${tierName}-cell-`.length));
  const asgSubnets = recorder.resources.find((r) => r.name === `${tierName}-cell-${cellNames[0]}-${'auto-scaling-group'}`)?.inputs
    .vpcZoneIdentifiers;
  const secretReadBy = cellNames.filter((name) => {
    const policy = recorder.resources.find(
      (r) => r.name === childName(`${tierName}-cell-${name}`, BACKPLANE_CELL_IDS.authTokenReadPolicy),
    )?.inputs;
    if (!policy) return false;
    const statements = JSON.parse(policy.policy).Statement as any[];
    return (
      statements.length === 1 &&
      JSON.stringify(statements[0].Resource) === JSON.stringify([secretArn]) &&
      statements[0].Action.includes('secretsmanager:GetSecretValue')
    );
  });
  return {
    engine: rg.engine,
    engineVersion: rg.engineVersion,
    nodeType: rg.nodeType,
    numCacheClusters: rg.numCacheClusters,
    port: rg.port,
    clusterMode: rg.clusterMode,
    transitEncryptionEnabled: rg.transitEncryptionEnabled,
    transitEncryptionMode: rg.transitEncryptionMode,
    atRestEncryptionEnabled: rg.atRestEncryptionEnabled,
    automaticFailoverEnabled: rg.automaticFailoverEnabled,
    multiAzEnabled: rg.multiAzEnabled,
    autoMinorVersionUpgrade: rg.autoMinorVersionUpgrade,
    description: rg.description,
    authTokenFromSecret:
      version.secretId === `${secretName}-id` &&
      typeof plain(version.secretString) === 'string' &&
      plain(rg.authToken) === plain(version.secretString),
    subnetGroupOnInstanceSubnets: JSON.stringify(get(BACKPLANE_IDS.subnetGroup)?.subnetIds) === JSON.stringify(asgSubnets),
    egress: Array.isArray(sg.egress) && sg.egress.length === 0 ? 'none' : 'some',
    ingress: ingress.sort((x, y) => x.fromCell.localeCompare(y.fromCell)),
    secretReadBy,
  };
}

/** The parts of the VPC the tier created, from the recorded inputs (references are the mocks' `${name}-id`). */
export function pulumiNetworkView(recorder: PulumiRecorder, tierName: string, firstCellName: string): NetworkView {
  const ofType = (type: string) => recorder.ofType(`aws:ec2/${type}`);
  const cell = childName(tierName, cellId(firstCellName));
  const vpc = recorder.named(childName(tierName, TIER_IDS.vpc)).inputs;
  const gateways = new Set(ofType('internetGateway:InternetGateway').map((r) => `${r.name}-id`));
  return networkView({
    vpc: { cidr: vpc.cidrBlock, ipv6: vpc.assignGeneratedIpv6CidrBlock === true },
    subnets: ofType('subnet:Subnet').map((r) => ({
      key: `${r.name}-id`,
      az: r.inputs.availabilityZone,
      cidr: r.inputs.cidrBlock,
      ipv6: r.inputs.ipv6CidrBlock !== undefined,
      mapPublicIpOnLaunch: r.inputs.mapPublicIpOnLaunch ?? false,
    })),
    associations: ofType('routeTableAssociation:RouteTableAssociation').map((r) => ({
      subnet: r.inputs.subnetId,
      routeTable: r.inputs.routeTableId,
    })),
    defaultRoutes: ofType('route:Route')
      .filter((r) => r.inputs.destinationCidrBlock === '0.0.0.0/0')
      .map((r) => ({
        routeTable: r.inputs.routeTableId,
        internetGateway: gateways.has(r.inputs.gatewayId),
        natGateway: r.inputs.natGatewayId,
      })),
    natGateways: ofType('natGateway:NatGateway').map((r) => ({ key: `${r.name}-id`, subnet: r.inputs.subnetId })),
    loadBalancerSubnets: recorder.named(childName(cell, CELL_IDS.loadBalancer)).inputs.subnets,
    instanceSubnets: recorder.named(childName(cell, CELL_IDS.autoScalingGroup)).inputs.vpcZoneIdentifiers,
  });
}
