import {
  CONNECTION_GAUGE,
  DEFAULTS,
  GROUP_METRICS,
  IN_SERVICE_INSTANCES,
  NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS,
  RECOMMENDED_TLS_POLICY,
  resolveTier,
  SERVER_ENV,
  SERVER_KEEP_ALIVE_MARGIN_SECONDS,
  type ResolvedCell,
  type ResolvedTier,
  type TierConfig,
} from '../../lib/core';
import { alb, BASE, nlbTcp, nlbTls, tier } from './fixtures';

const first = (t: ResolvedTier): ResolvedCell => t.cells[0];

/** (what, config, read from the resolved tier, expected) */
type Row = [string, TierConfig, (t: ResolvedTier) => unknown, unknown];

describe('resolveTier: every default in DEFAULTS', () => {
  const rows: Row[] = [
    // tier
    ['instance type', BASE, (t) => first(t).autoScaling.instanceType, 'm7g.large'],
    ['TLS policy is the AWS recommendation, never the API default', BASE, (t) => t.tlsPolicy, 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09'],
    ['IPv4 ingress', BASE, (t) => t.ingressCidrs, ['0.0.0.0/0']],
    ['no IPv6 ingress on ipv4 tiers', BASE, (t) => t.ingressIpv6Cidrs, []],
    ['wildcard domain', BASE, (t) => t.wildcardDomainName, '*.ws.example.com'],
    // cell
    ['load balancer type', BASE, (t) => first(t).loadBalancerType, 'application'],
    ['NLB listener protocol', tier({ cells: [{ name: 'n', loadBalancerType: 'network' }] }), (t) => first(t).listener.protocol, 'TLS'],
    ['NLB target protocol behind TLS', tier({ cells: [nlbTls()] }), (t) => first(t).targetGroup.protocol, 'TCP'],
    ['weight', BASE, (t) => first(t).dns.weight, 100],
    // connection
    ['ping interval', BASE, (t) => first(t).pingIntervalSeconds, 25],
    ['ALB idle timeout', BASE, (t) => first(t).albIdleTimeoutSeconds, 120],
    ['NLB TCP idle timeout', tier({ cells: [nlbTcp()] }), (t) => first(t).listener.tcpIdleTimeoutSeconds, 600],
    ['drain window', BASE, (t) => first(t).drainWindowSeconds, 300],
    ['drain grace', BASE, (t) => first(t).drainGraceSeconds, 30],
    ['NLB deregistration delay', tier({ cells: [nlbTls()] }), (t) => first(t).targetGroup.deregistrationDelaySeconds, 120],
    ['NLB unhealthy draining interval', tier({ cells: [nlbTls()] }), (t) => first(t).targetGroup.unhealthyDrainingIntervalSeconds, 300],
    ['no stickiness without long polling', BASE, (t) => first(t).targetGroup.stickiness, undefined],
    // health check
    ['health path', BASE, (t) => first(t).targetGroup.healthCheck.path, '/healthz'],
    ['health port = application port', BASE, (t) => first(t).targetGroup.healthCheck.port, 8080],
    ['health protocol', BASE, (t) => first(t).targetGroup.healthCheck.protocol, 'HTTP'],
    ['health interval', BASE, (t) => first(t).targetGroup.healthCheck.intervalSeconds, 10],
    ['health timeout', BASE, (t) => first(t).targetGroup.healthCheck.timeoutSeconds, 5],
    ['healthy threshold', BASE, (t) => first(t).targetGroup.healthCheck.healthyThresholdCount, 3],
    ['unhealthy threshold', BASE, (t) => first(t).targetGroup.healthCheck.unhealthyThresholdCount, 3],
    ['healthy codes', BASE, (t) => first(t).targetGroup.healthCheck.healthyHttpCodes, '200'],
    // scaling
    ['scaling signal', BASE, (t) => first(t).autoScaling.scalingPolicy.signal, 'connection-gauge'],
    ['min capacity', BASE, (t) => first(t).autoScaling.minCapacity, 2],
    ['max capacity', BASE, (t) => first(t).autoScaling.maxCapacity, 10],
    ['desired capacity left unset', BASE, (t) => first(t).autoScaling.desiredCapacity, undefined],
    ['target connections per instance', BASE, (t) => first(t).autoScaling.scalingPolicy.targetValue, 10000],
    ['default instance warmup', BASE, (t) => first(t).autoScaling.defaultInstanceWarmupSeconds, 180],
    ['health check grace period', BASE, (t) => first(t).autoScaling.healthCheckGracePeriodSeconds, 300],
    ['min healthy percentage', BASE, (t) => first(t).autoScaling.minHealthyPercentage, 100],
    ['max healthy percentage', BASE, (t) => first(t).autoScaling.maxHealthyPercentage, 150],
    ['root volume', BASE, (t) => first(t).autoScaling.rootVolumeGiB, 16],
    ['group metrics', BASE, (t) => first(t).autoScaling.groupMetrics, GROUP_METRICS],
    ['IMDSv2', BASE, (t) => first(t).autoScaling.requireImdsv2, true],
    ['instance metadata tags', BASE, (t) => first(t).autoScaling.instanceMetadataTags, true],
    ['lifecycle hook default result (API default is ABANDON)', BASE, (t) => first(t).autoScaling.lifecycleHook.defaultResult, 'CONTINUE'],
    [
      'lifecycle hook transition',
      BASE,
      (t) => first(t).autoScaling.lifecycleHook.lifecycleTransition,
      'autoscaling:EC2_INSTANCE_TERMINATING',
    ],
    // host
    ['file descriptor limit', BASE, (t) => t.host.fileDescriptorLimit, 1048576],
    ['somaxconn', BASE, (t) => t.host.somaxconn, 65535],
    ['tcp_max_syn_backlog', BASE, (t) => t.host.tcpMaxSynBacklog, 65535],
    ['listen backlog', BASE, (t) => t.host.listenBacklog, 65535],
    ['listen backlog follows a lowered somaxconn', tier({ host: { somaxconn: 4096 } }), (t) => t.host.listenBacklog, 4096],
    ['explicit listen backlog wins', tier({ host: { somaxconn: 8192, listenBacklog: 1024 } }), (t) => t.host.listenBacklog, 1024],
    ['no port range without a local proxy', BASE, (t) => t.host.localPortRange, undefined],
    ['port range with a local proxy', tier({ host: { localProxy: true } }), (t) => t.host.localPortRange, '1024 65535'],
    // dns
    ['address type', BASE, (t) => t.ipAddressType, 'ipv4'],
    ['cell records', BASE, (t) => t.cellRecords, true],
    ['cell domain name', BASE, (t) => first(t).dns.cellDomainName, 'a.ws.example.com'],
    ['Route 53 health checks off', BASE, (t) => t.route53HealthChecks, false],
    ['no Route 53 health check object', BASE, (t) => first(t).dns.healthCheck, undefined],
    ['R53 request interval', tier({ dns: { healthChecks: true } }), (t) => first(t).dns.healthCheck?.requestIntervalSeconds, 30],
    ['R53 failure threshold', tier({ dns: { healthChecks: true } }), (t) => first(t).dns.healthCheck?.failureThreshold, 3],
    ['set identifier is the cell name', BASE, (t) => first(t).dns.setIdentifier, 'a'],
    ['evaluate target health', BASE, (t) => first(t).dns.evaluateTargetHealth, true],
    // server
    ['server port', BASE, (t) => t.server.port, 8080],
    ['service name', BASE, (t) => t.server.serviceName, 'websocket-server'],
    ['node package', BASE, (t) => t.server.nodePackage, 'nodejs22'],
    ['no user environment', BASE, (t) => t.server.environment, {}],
    ['max message 1 MiB', BASE, (t) => t.server.maxMessageBytes, 1048576],
    ['no Origin check', BASE, (t) => t.server.allowedOrigins, undefined],
    ['rebalancing off', BASE, (t) => t.server.rebalance, undefined],
    ['rebalance {} interval', tier({ server: { rebalance: {} }, backplane: {} }), (t) => t.server.rebalance?.intervalMs, 10000],
    ['rebalance {} tolerance', tier({ server: { rebalance: {} }, backplane: {} }), (t) => t.server.rebalance?.tolerance, 0.1],
    ['rebalance {} shed fraction', tier({ server: { rebalance: {} }, backplane: {} }), (t) => t.server.rebalance?.maxShedFraction, 0.01],
    ['PROXY protocol off', BASE, (t) => t.server.proxyProtocol, false],
    ['NLB target group without PROXY protocol', tier({ cells: [nlbTls()] }), (t) => first(t).targetGroup.proxyProtocolV2, false],
  ];

  it.each(rows)('%s', (_what, config, read, expected) => {
    expect(read(resolveTier(config))).toEqual(expected);
  });

  it('DEFAULTS holds exactly the values the rows above check (a new or changed default needs a row)', () => {
    expect(DEFAULTS).toEqual({
      instanceType: 'm7g.large',
      tlsPolicy: RECOMMENDED_TLS_POLICY,
      ingressCidrs: ['0.0.0.0/0'],
      ingressIpv6Cidrs: ['::/0'],
      cell: { loadBalancerType: 'application', nlbListenerProtocol: 'TLS', nlbTargetProtocol: 'TCP', weight: 100 },
      connection: {
        pingIntervalSeconds: 25,
        albIdleTimeoutSeconds: 120,
        nlbTcpIdleTimeoutSeconds: 600,
        drainWindowSeconds: 300,
        drainGraceSeconds: 30,
        nlbDeregistrationDelaySeconds: 120,
        nlbUnhealthyDrainingIntervalSeconds: 300,
        longPollingFallback: false,
        albStickinessType: 'lb_cookie',
        cookieDurationSeconds: 86400,
      },
      healthCheck: {
        path: '/healthz',
        intervalSeconds: 10,
        timeoutSeconds: 5,
        healthyThresholdCount: 3,
        unhealthyThresholdCount: 3,
        healthyHttpCodes: '200',
      },
      scaling: {
        signal: 'connection-gauge',
        minCapacity: 2,
        maxCapacity: 10,
        targetConnectionsPerInstance: 10000,
        defaultInstanceWarmupSeconds: 180,
        healthCheckGracePeriodSeconds: 300,
        minHealthyPercentage: 100,
        maxHealthyPercentage: 150,
        rootVolumeGiB: 16,
      },
      host: {
        fileDescriptorLimit: 1048576,
        somaxconn: 65535,
        tcpMaxSynBacklog: 65535,
        listenBacklog: 65535,
        localProxy: false,
        localPortRange: '1024 65535',
      },
      dns: {
        ipAddressType: 'ipv4',
        cellRecords: true,
        healthChecks: false,
        healthCheckRequestIntervalSeconds: 30,
        healthCheckFailureThreshold: 3,
      },
      server: {
        port: 8080,
        serviceName: 'websocket-server',
        nodePackage: 'nodejs22',
        maxMessageBytes: 1048576,
        rebalance: { intervalMs: 10000, tolerance: 0.1, maxShedFraction: 0.01 },
        proxyProtocol: false,
      },
    });
  });
});

describe('resolveTier: derived values', () => {
  const rows: Row[] = [
    // deregistration delay and lifecycle hook
    ['ALB deregistration = drain + grace (defaults)', BASE, (t) => first(t).targetGroup.deregistrationDelaySeconds, 330],
    [
      'ALB deregistration = drain + grace (given)',
      tier({ connection: { drainWindowSeconds: 600, drainGraceSeconds: 45 } }),
      (t) => first(t).targetGroup.deregistrationDelaySeconds,
      645,
    ],
    [
      'ALB deregistration explicit beats derived',
      tier({ connection: { albDeregistrationDelaySeconds: 900 } }),
      (t) => first(t).targetGroup.deregistrationDelaySeconds,
      900,
    ],
    [
      'NLB deregistration ignores the drain window',
      tier({ cells: [nlbTls()], connection: { drainWindowSeconds: 3000 } }),
      (t) => first(t).targetGroup.deregistrationDelaySeconds,
      120,
    ],
    [
      'NLB deregistration explicit',
      tier({ cells: [nlbTls()], connection: { nlbDeregistrationDelaySeconds: 300 } }),
      (t) => first(t).targetGroup.deregistrationDelaySeconds,
      300,
    ],
    ['heartbeat = drain + grace', BASE, (t) => first(t).autoScaling.lifecycleHook.heartbeatTimeoutSeconds, 330],
    [
      'heartbeat floor is 30',
      tier({ connection: { drainWindowSeconds: 0, drainGraceSeconds: 10 } }),
      (t) => first(t).autoScaling.lifecycleHook.heartbeatTimeoutSeconds,
      30,
    ],
    [
      'heartbeat NLB long drain',
      tier({ cells: [nlbTls()], connection: { drainWindowSeconds: 5400, drainGraceSeconds: 60 } }),
      (t) => first(t).autoScaling.lifecycleHook.heartbeatTimeoutSeconds,
      5460,
    ],
    [
      'heartbeat explicit',
      tier({ connection: { lifecycleHookHeartbeatSeconds: 1800 } }),
      (t) => first(t).autoScaling.lifecycleHook.heartbeatTimeoutSeconds,
      1800,
    ],
    // idle timeouts
    [
      'ALB effective idle = attribute',
      tier({ connection: { albIdleTimeoutSeconds: 300 } }),
      (t) => first(t).listener.effectiveIdleTimeoutSeconds,
      300,
    ],
    ['ALB idle attribute on the cell', tier({ connection: { albIdleTimeoutSeconds: 300 } }), (t) => first(t).albIdleTimeoutSeconds, 300],
    [
      'NLB TCP effective idle = attribute',
      tier({ cells: [nlbTcp()], connection: { nlbTcpIdleTimeoutSeconds: 900 } }),
      (t) => first(t).listener.effectiveIdleTimeoutSeconds,
      900,
    ],
    [
      'NLB TCP listener attribute',
      tier({ cells: [nlbTcp()], connection: { nlbTcpIdleTimeoutSeconds: 900 } }),
      (t) => first(t).listener.tcpIdleTimeoutSeconds,
      900,
    ],
    ['NLB TLS effective idle fixed at 350', tier({ cells: [nlbTls()] }), (t) => first(t).listener.effectiveIdleTimeoutSeconds, 350],
    ['NLB cells carry no ALB idle attribute', tier({ cells: [nlbTls()] }), (t) => first(t).albIdleTimeoutSeconds, undefined],
    // listeners
    ['ALB listener HTTPS', BASE, (t) => first(t).listener.protocol, 'HTTPS'],
    ['ALB listener has the TLS policy', BASE, (t) => first(t).listener.tlsPolicy, RECOMMENDED_TLS_POLICY],
    ['ALB listener uses the certificate', BASE, (t) => first(t).listener.usesCertificate, true],
    ['ALB redirect listener', BASE, (t) => first(t).listener.httpRedirect, true],
    ['ALB has no ALPN', BASE, (t) => first(t).listener.alpnPolicy, undefined],
    ['ALB drops invalid header fields', BASE, (t) => first(t).dropInvalidHeaderFields, true],
    ['NLB TLS ALPN HTTP1Only', tier({ cells: [nlbTls()] }), (t) => first(t).listener.alpnPolicy, 'HTTP1Only'],
    ['NLB TLS has no tcpIdleTimeoutSeconds', tier({ cells: [nlbTls()] }), (t) => first(t).listener.tcpIdleTimeoutSeconds, undefined],
    [
      'NLB TLS has the TLS policy',
      tier({ cells: [nlbTls()], tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }),
      (t) => first(t).listener.tlsPolicy,
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
    ],
    ['NLB TLS uses the certificate', tier({ cells: [nlbTls()] }), (t) => first(t).listener.usesCertificate, true],
    ['NLB no redirect listener', tier({ cells: [nlbTls()] }), (t) => first(t).listener.httpRedirect, false],
    ['NLB TCP has no TLS policy', tier({ cells: [nlbTcp()] }), (t) => first(t).listener.tlsPolicy, undefined],
    ['NLB TCP uses no certificate', tier({ cells: [nlbTcp()] }), (t) => first(t).listener.usesCertificate, false],
    ['NLB TCP has no ALPN', tier({ cells: [nlbTcp()] }), (t) => first(t).listener.alpnPolicy, undefined],
    ['listener port is 443', tier({ cells: [nlbTcp()] }), (t) => first(t).listener.port, 443],
    // target protocol rules
    ['ALB target HTTP', BASE, (t) => first(t).targetGroup.protocol, 'HTTP'],
    ['ALB target protocol version HTTP1', BASE, (t) => first(t).targetGroup.protocolVersion, 'HTTP1'],
    [
      'NLB TLS listener + TLS target (re-encrypt)',
      tier({ cells: [nlbTls('n', { nlbTargetProtocol: 'TLS' })] }),
      (t) => first(t).targetGroup.protocol,
      'TLS',
    ],
    ['NLB TCP listener always TCP target', tier({ cells: [nlbTcp()] }), (t) => first(t).targetGroup.protocol, 'TCP'],
    ['NLB target has no protocol version', tier({ cells: [nlbTcp()] }), (t) => first(t).targetGroup.protocolVersion, undefined],
    ['target port = server port', tier({ server: { port: 9000 } }), (t) => first(t).targetGroup.port, 9000],
    ['NLB connections outlive deregistration', tier({ cells: [nlbTls()] }), (t) => first(t).targetGroup.connectionTermination, false],
    [
      'NLB unhealthy targets keep their sockets',
      tier({ cells: [nlbTls()] }),
      (t) => first(t).targetGroup.unhealthyConnectionTermination,
      false,
    ],
    ['NLB preserves client IP', tier({ cells: [nlbTls()] }), (t) => first(t).targetGroup.preserveClientIp, true],
    [
      'ALB has no NLB-only attributes',
      BASE,
      (t) => [first(t).targetGroup.connectionTermination, first(t).targetGroup.unhealthyDrainingIntervalSeconds],
      [undefined, undefined],
    ],
    // stickiness
    [
      'long polling → ALB lb_cookie 86400',
      tier({ connection: { longPollingFallback: true } }),
      (t) => first(t).targetGroup.stickiness,
      { type: 'lb_cookie', cookieDurationSeconds: 86400, cookieName: undefined },
    ],
    [
      'long polling → NLB source_ip',
      tier({ cells: [nlbTls()], connection: { longPollingFallback: true } }),
      (t) => first(t).targetGroup.stickiness,
      { type: 'source_ip' },
    ],
    [
      'explicit stickiness without long polling',
      tier({ connection: { stickiness: { enabled: true } } }),
      (t) => first(t).targetGroup.stickiness?.type,
      'lb_cookie',
    ],
    [
      'explicit off wins (no long polling)',
      tier({ connection: { stickiness: { enabled: false } } }),
      (t) => first(t).targetGroup.stickiness,
      undefined,
    ],
    [
      'app_cookie with its name',
      tier({ connection: { longPollingFallback: true, stickiness: { albType: 'app_cookie', cookieName: 'io' } } }),
      (t) => first(t).targetGroup.stickiness,
      { type: 'app_cookie', cookieDurationSeconds: 86400, cookieName: 'io' },
    ],
    [
      'cookie duration override',
      tier({ connection: { longPollingFallback: true, stickiness: { cookieDurationSeconds: 3600 } } }),
      (t) => first(t).targetGroup.stickiness?.cookieDurationSeconds,
      3600,
    ],
    [
      'NLB ignores cookie settings',
      tier({ cells: [nlbTcp()], connection: { stickiness: { enabled: true, cookieDurationSeconds: 3600 } } }),
      (t) => first(t).targetGroup.stickiness,
      { type: 'source_ip' },
    ],
    // scaling overrides
    [
      'cell min beats tier min',
      tier({ scaling: { minCapacity: 3 }, cells: [alb('a', { scaling: { minCapacity: 5 } })] }),
      (t) => first(t).autoScaling.minCapacity,
      5,
    ],
    ['tier min when the cell has none', tier({ scaling: { minCapacity: 3 } }), (t) => first(t).autoScaling.minCapacity, 3],
    [
      'cell max beats tier max',
      tier({ scaling: { maxCapacity: 20 }, cells: [alb('a', { scaling: { maxCapacity: 40 } })] }),
      (t) => first(t).autoScaling.maxCapacity,
      40,
    ],
    [
      'cell desired beats tier desired',
      tier({ scaling: { desiredCapacity: 4 }, cells: [alb('a', { scaling: { desiredCapacity: 6 } })] }),
      (t) => first(t).autoScaling.desiredCapacity,
      6,
    ],
    ['tier desired inherited', tier({ scaling: { desiredCapacity: 4 } }), (t) => first(t).autoScaling.desiredCapacity, 4],
    [
      'cell target beats tier target',
      tier({ scaling: { targetConnectionsPerInstance: 5000 }, cells: [alb('a', { scaling: { targetConnectionsPerInstance: 7000 } })] }),
      (t) => first(t).autoScaling.scalingPolicy.targetValue,
      7000,
    ],
    [
      'tier target inherited',
      tier({ scaling: { targetConnectionsPerInstance: 5000 } }),
      (t) => first(t).autoScaling.scalingPolicy.targetValue,
      5000,
    ],
    [
      'cell instance type beats tier',
      tier({ instanceType: 'c7g.xlarge', cells: [alb('a', { instanceType: 'c7i.xlarge' })] }),
      (t) => first(t).autoScaling.instanceType,
      'c7i.xlarge',
    ],
    ['tier instance type inherited', tier({ instanceType: 'c7g.xlarge' }), (t) => first(t).autoScaling.instanceType, 'c7g.xlarge'],
    // architecture
    ['Graviton default → arm64', BASE, (t) => first(t).autoScaling.architecture, 'arm64'],
    ['Intel → x86_64', tier({ instanceType: 'm7i.large' }), (t) => first(t).autoScaling.architecture, 'x86_64'],
    [
      'bad name still resolves (validation reports it)',
      tier({ instanceType: 'large' }),
      (t) => first(t).autoScaling.architecture,
      'x86_64',
    ],
    // dns
    [
      'R53 health check only with cell records',
      tier({ dns: { healthChecks: true, cellRecords: false } }),
      (t) => first(t).dns.healthCheck,
      undefined,
    ],
    ['no cell domain without cell records', tier({ dns: { cellRecords: false } }), (t) => first(t).dns.cellDomainName, undefined],
    [
      'R53 health check fields',
      tier({
        dns: { healthChecks: true, healthCheckRequestIntervalSeconds: 10, healthCheckFailureThreshold: 2 },
        healthCheck: { path: '/ready' },
      }),
      (t) => first(t).dns.healthCheck,
      {
        type: 'HTTPS',
        fqdn: 'a.ws.example.com',
        port: 443,
        resourcePath: '/ready',
        requestIntervalSeconds: 10,
        failureThreshold: 2,
        enableSni: true,
      },
    ],
    ['weight given', tier({ cells: [alb('a', { weight: 0 })] }), (t) => first(t).dns.weight, 0],
    // IPv6
    ['dual-stack default IPv6 ingress', tier({ dns: { ipAddressType: 'dualstack' } }), (t) => t.ingressIpv6Cidrs, ['::/0']],
    [
      'dual-stack given IPv6 ingress',
      tier({ dns: { ipAddressType: 'dualstack' }, ingressIpv6Cidrs: ['2001:db8::/32'] }),
      (t) => t.ingressIpv6Cidrs,
      ['2001:db8::/32'],
    ],
    ['IPv6 CIDRs dropped on ipv4 tiers', tier({ ingressIpv6Cidrs: ['2001:db8::/32'] }), (t) => t.ingressIpv6Cidrs, []],
    ['cell address type follows the tier', tier({ dns: { ipAddressType: 'dualstack' } }), (t) => first(t).ipAddressType, 'dualstack'],
    // ingress
    [
      'ALB LB ingress: 443 and 80 from every CIDR',
      tier({ ingressCidrs: ['10.0.0.0/8'] }),
      (t) => first(t).loadBalancerIngress.map((r) => `${r.port}<${r.from}`),
      ['443<10.0.0.0/8', '80<10.0.0.0/8'],
    ],
    [
      'NLB LB ingress: 443 only',
      tier({ cells: [nlbTls()] }),
      (t) => first(t).loadBalancerIngress.map((r) => `${r.port}<${r.from}`),
      ['443<0.0.0.0/0'],
    ],
    [
      'dual-stack LB ingress covers IPv6',
      tier({ cells: [nlbTcp()], dns: { ipAddressType: 'dualstack' } }),
      (t) => first(t).loadBalancerIngress.map((r) => `${r.port}<${r.from}`),
      ['443<0.0.0.0/0', '443<::/0'],
    ],
    [
      'instance ingress: app port from the LB only',
      BASE,
      (t) => first(t).instanceIngress.map((r) => `${r.port}<${r.from}`),
      ['8080<loadBalancer'],
    ],
    [
      'instance ingress adds a separate health port',
      tier({ healthCheck: { port: 8081 } }),
      (t) => first(t).instanceIngress.map((r) => `${r.port}<${r.from}`),
      ['8080<loadBalancer', '8081<loadBalancer'],
    ],
    ['no duplicate rule when health port = app port', tier({ healthCheck: { port: 8080 } }), (t) => first(t).instanceIngress.length, 1],
    // host and server
    [
      'custom port range with a proxy',
      tier({ host: { localProxy: true, localPortRange: '2000 60000' } }),
      (t) => t.host.localPortRange,
      '2000 60000',
    ],
    [
      'user environment kept',
      tier({ server: { environment: { LOG_LEVEL: 'debug' } } }),
      (t) => first(t).serverEnvironment.LOG_LEVEL,
      'debug',
    ],
  ];

  it.each(rows)('%s', (_what, config, read, expected) => {
    expect(read(resolveTier(config))).toEqual(expected);
  });

  it('resolves mixed tiers per cell, in config order', () => {
    const t = resolveTier(tier({ cells: [alb('a'), nlbTls('b'), nlbTcp('c')] }));
    expect(t.cells.map((c) => [c.name, c.loadBalancerType, c.listener.protocol, c.listener.effectiveIdleTimeoutSeconds])).toEqual([
      ['a', 'application', 'HTTPS', 120],
      ['b', 'network', 'TLS', 350],
      ['c', 'network', 'TCP', 600],
    ]);
  });

  it('does not alias the input arrays', () => {
    const cidrs = ['10.0.0.0/8'];
    const t = resolveTier(tier({ ingressCidrs: cidrs }));
    expect(t.ingressCidrs).not.toBe(cidrs);
  });
});

describe('resolveTier: server environment equals the infrastructure numbers', () => {
  const cases: [string, TierConfig][] = [
    ['ALB defaults', BASE],
    [
      'ALB tuned',
      tier({
        connection: { pingIntervalSeconds: 20, albIdleTimeoutSeconds: 400, drainWindowSeconds: 900 },
        server: { port: 9000 },
        healthCheck: { path: '/ready', port: 9001 },
        host: { listenBacklog: 4096 },
      }),
    ],
    ['NLB TLS', tier({ cells: [nlbTls('n')] })],
    ['NLB TCP tuned', tier({ cells: [nlbTcp('t')], connection: { nlbTcpIdleTimeoutSeconds: 1200 } })],
  ];

  it.each(cases)('%s', (_what, config) => {
    const t = resolveTier(config);
    for (const c of t.cells) {
      const env = c.serverEnvironment;
      expect(env[SERVER_ENV.port]).toBe(String(c.targetGroup.port));
      expect(env[SERVER_ENV.port]).toBe(String(t.server.port));
      expect(env[SERVER_ENV.healthPath]).toBe(c.targetGroup.healthCheck.path);
      expect(env[SERVER_ENV.healthPort]).toBe(String(c.targetGroup.healthCheck.port));
      expect(env[SERVER_ENV.pingIntervalSeconds]).toBe(String(c.pingIntervalSeconds));
      expect(env[SERVER_ENV.drainWindowSeconds]).toBe(String(c.drainWindowSeconds));
      expect(env[SERVER_ENV.keepAliveTimeoutSeconds]).toBe(String(c.listener.effectiveIdleTimeoutSeconds + 5));
      expect(env[SERVER_ENV.listenBacklog]).toBe(String(t.host.listenBacklog));
      expect(env[SERVER_ENV.cellName]).toBe(c.name);
      expect(env[SERVER_ENV.metricNamespace]).toBe(CONNECTION_GAUGE.namespace);
      expect(env[SERVER_ENV.metricName]).toBe(CONNECTION_GAUGE.metricName);
      // Every key the library writes is WST_-prefixed; only user keys are not.
      expect(Object.keys(env).filter((k) => !k.startsWith('WST_'))).toEqual(Object.keys(t.server.environment));
    }
  });

  it('keep-alive margin is 5 s over the effective idle timeout', () => {
    expect(SERVER_KEEP_ALIVE_MARGIN_SECONDS).toBe(5);
    const nlb = resolveTier(tier({ cells: [nlbTls()] })).cells[0];
    expect(nlb.serverEnvironment[SERVER_ENV.keepAliveTimeoutSeconds]).toBe(String(NLB_TLS_FIXED_IDLE_TIMEOUT_SECONDS + 5));
  });

  it('library values win over a user key with the same name', () => {
    const env = resolveTier(tier({ server: { environment: { WST_PORT: '1' } } })).cells[0].serverEnvironment;
    expect(env.WST_PORT).toBe('8080');
  });
});

describe('resolveTier: scaling policy metric queries', () => {
  const policy = (signal: 'connection-gauge' | 'load-balancer-connections', cells: TierConfig['cells']) =>
    resolveTier(tier({ cells, scaling: { signal } })).cells[0].autoScaling.scalingPolicy;

  it.each([
    ['connection-gauge', 'ALB', [alb()]],
    ['connection-gauge', 'NLB', [nlbTls()]],
    ['load-balancer-connections', 'ALB', [alb()]],
    ['load-balancer-connections', 'NLB', [nlbTcp()]],
  ] as const)('%s on %s: exactly one query returns data', (signal, _lb, cells) => {
    const p = policy(signal, cells);
    expect(p.signal).toBe(signal);
    expect(p.metrics.filter((m) => m.returnData)).toHaveLength(1);
    // Each query is either a metric or an expression, and ids are unique.
    for (const m of p.metrics) expect([m.metricStat, m.expression].filter((x) => x !== undefined)).toHaveLength(1);
    expect(new Set(p.metrics.map((m) => m.id)).size).toBe(p.metrics.length);
  });

  it.each([[alb()], [nlbTls()]])('connection gauge tracks the server gauge by Auto Scaling group (%#)', (cell) => {
    const [m] = policy('connection-gauge', [cell]).metrics;
    expect(m.metricStat).toEqual({
      namespace: 'WebSocketTier',
      metricName: 'ActiveConnections',
      dimensions: [{ name: 'AutoScalingGroupName', valueOf: 'autoScalingGroupName' }],
      stat: 'Average',
    });
  });

  it('ALB math halves ActiveConnectionCount (both legs counted) and divides by in-service instances', () => {
    const p = policy('load-balancer-connections', [alb()]);
    const byId = Object.fromEntries(p.metrics.map((m) => [m.id, m]));
    expect(byId.lb.metricStat).toMatchObject({ namespace: 'AWS/ApplicationELB', metricName: 'ActiveConnectionCount', stat: 'Sum' });
    expect(byId.lb.metricStat?.dimensions).toEqual([{ name: 'LoadBalancer', valueOf: 'loadBalancerFullName' }]);
    expect(byId.instances.metricStat).toMatchObject({ namespace: IN_SERVICE_INSTANCES.namespace, metricName: 'GroupInServiceInstances' });
    const result = p.metrics.find((m) => m.returnData)!;
    expect(result.expression).toBe('lb / 2 / instances');
    // Evaluate the expression: 2,000 connections counted twice over 4 instances = 500 each.
    expect(evaluate(result.expression!, { lb: 4000, instances: 4 })).toBe(500);
  });

  it('NLB math uses ActiveFlowCount without halving', () => {
    const p = policy('load-balancer-connections', [nlbTcp()]);
    const byId = Object.fromEntries(p.metrics.map((m) => [m.id, m]));
    expect(byId.lb.metricStat).toMatchObject({ namespace: 'AWS/NetworkELB', metricName: 'ActiveFlowCount' });
    const result = p.metrics.find((m) => m.returnData)!;
    expect(evaluate(result.expression!, { lb: 4000, instances: 4 })).toBe(1000);
  });

  it('every expression references only query ids that exist', () => {
    for (const cells of [[alb()], [nlbTls()]]) {
      const p = policy('load-balancer-connections', cells);
      const ids = new Set(p.metrics.map((m) => m.id));
      for (const m of p.metrics.filter((q) => q.expression)) {
        for (const ref of m.expression!.match(/[a-zA-Z_]\w*/g) ?? []) expect(ids).toContain(ref);
      }
    }
  });
});

/** Evaluate a metric-math expression of ids, numbers, `/` and `*` (left to right). */
function evaluate(expression: string, values: Record<string, number>): number {
  const tokens = expression.split(/\s+/);
  const val = (t: string): number => (t in values ? values[t] : Number(t));
  let acc = val(tokens[0]);
  for (let i = 1; i < tokens.length; i += 2) {
    const rhs = val(tokens[i + 1]);
    acc = tokens[i] === '/' ? acc / rhs : acc * rhs;
  }
  return acc;
}
