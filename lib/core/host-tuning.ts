/**
 * Host tuning and server start-up as shell text, shared by every renderer's user data.
 *
 * What it sets and why (kernel https://docs.kernel.org/networking/ip-sysctl.html, systemd.exec(5) `LimitNOFILE=`):
 * - systemd `LimitNOFILE` on the server unit: one descriptor per socket; systemd's soft default
 *   1024 fails at about 1,000 connections, and /etc/security/limits.conf does not apply to units.
 * - `net.core.somaxconn` and `net.ipv4.tcp_max_syn_backlog`: a reconnect storm arrives as a burst of
 *   SYNs; a short queue drops them (clients then back off and retry, stretching the storm).
 * - `net.ipv4.ip_local_port_range`, only with a local proxy: each proxied socket takes an ephemeral
 *   port towards the app, and the default range holds 28,232.
 * - `TimeoutStopSec` = drain window + grace, so `systemctl stop` (instance shutdown) lets the server
 *   finish a paced drain after SIGTERM.
 * Sources: https://docs.kernel.org/networking/ip-sysctl.html,
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#LimitCPU=
 */
import { type BackplaneLocation, backplaneUserDataLines } from './backplane';
import type { ResolvedCell, ResolvedServerArtifact, ResolvedTier } from './resolved';
import { ASG_NAME_ENV, EMF_ENDPOINT_ENV } from './server-contract';
import { serverSecretsUserDataLines } from './server-secrets';
import { execStartLine, SERVER_PATHS } from './server-start';

/** Where things live on the instance. */
export const HOST_PATHS = {
  sysctl: '/etc/sysctl.d/90-websocket-tier.conf',
  envFile: '/etc/websocket-tier/server.env',
  serverDir: SERVER_PATHS.root,
  /** The Node bundle's path when it is a `.js` file (`.mjs` / `.cjs` keep their extension). */
  serverFile: `${SERVER_PATHS.nodeBundle}.js`,
  /** Where a directory or archive artifact is unpacked; the unit's `WorkingDirectory` with a `command`. */
  appDir: SERVER_PATHS.app,
  nodeLink: SERVER_PATHS.nodeLink,
  cloudWatchAgentConfig: '/opt/aws/amazon-cloudwatch-agent/etc/websocket-tier.json',
} as const;

/** UDP/TCP port on which the CloudWatch agent accepts embedded-metric-format records (its default). */
export const EMF_AGENT_PORT = 25888;

/**
 * CloudWatch Logs group the agent writes embedded-metric-format records to when a record names
 * none (the agent's default). Renderers scope the instance role's `logs:*` permissions to this
 * group, so the server must not set `LogGroupName` in its EMF metadata.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Generation_CloudWatch_Agent.html
 * (agent set-up); the default name itself is `defaultLogGroupName = "emf/logs/default"` in the
 * amazon-cloudwatch-agent translator (translator/translate/otel/exporter/awscloudwatchlogs), which
 * the AWS page does not state.
 */
export const EMF_LOG_GROUP = 'emf/logs/default';

/** `sysctl.d` file contents. */
export function sysctlConf(tier: ResolvedTier): string {
  const lines = [
    '# websocket-tier: room for reconnect storms (listen backlog cap, SYN queue)',
    `net.core.somaxconn = ${tier.host.somaxconn}`,
    `net.ipv4.tcp_max_syn_backlog = ${tier.host.tcpMaxSynBacklog}`,
  ];
  if (tier.host.localPortRange) {
    lines.push('# websocket-tier: a local proxy uses one ephemeral port per proxied socket');
    lines.push(`net.ipv4.ip_local_port_range = ${tier.host.localPortRange}`);
  }
  return lines.join('\n');
}

/** The systemd service directives this library owns (shared by the full unit and the drop-in). */
function serviceDirectives(tier: ResolvedTier, cell: ResolvedCell): string[] {
  return [
    `EnvironmentFile=${HOST_PATHS.envFile}`,
    `LimitNOFILE=${tier.host.fileDescriptorLimit}`,
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${cell.drainWindowSeconds + cell.drainGraceSeconds}`,
  ];
}

/**
 * A complete unit that runs the server: the Node bundle with the Node link, or `server.command`
 * (quoted for systemd by `execStartLine`, in the artifact directory when there is one). Both get
 * the same limits, environment file, stop signal and timeout, and restart policy.
 *
 * `Restart=on-failure`, not `always`: a server that drained because the instance is leaving (the
 * lifecycle state turned `Terminated`, a Spot notice) exits 0 once its sockets are closed and its
 * lifecycle action is completed, while the instance keeps running until Auto Scaling terminates it.
 * `Restart=always` would start a fresh server inside that terminating instance; `on-failure`
 * restarts only on an unclean exit code, an unclean signal, a timeout or a watchdog (systemd.service(5),
 * `Restart=`, table "Exit causes and the effect of the Restart= settings on them",
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Restart=), so crashes
 * are still restarted and a clean exit 0 after a drain is final. The contract: exit 0 only after a
 * drain (or on purpose), any other status for a failure.
 */
export function systemdUnit(tier: ResolvedTier, cell: ResolvedCell): string {
  const start = tier.server.start;
  if (start.kind === 'image-unit') {
    throw new Error(
      `websocket-tier: cell "${cell.name}": the image ships the server's unit (server.unitProvidedByImage), so the tier writes a drop-in (systemdDropIn), not a unit. Fix: call systemdDropIn, or set server.command or an artifact.`,
    );
  }
  return [
    '[Unit]',
    `Description=WebSocket server (websocket-tier cell ${cell.name})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    'User=websocket',
    ...(start.workingDirectory !== undefined ? [`WorkingDirectory=${start.workingDirectory}`] : []),
    `ExecStart=${execStartLine(start.argv)}`,
    ...serviceDirectives(tier, cell),
    'Restart=on-failure',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
}

/**
 * A drop-in for a unit your image already ships (no server bundle given). It also sets
 * `Restart=on-failure` (overriding an image's `Restart=always`) for the reason given on
 * `systemdUnit`: a server that exits 0 after a drain must not be started again inside a
 * terminating instance.
 */
export function systemdDropIn(tier: ResolvedTier, cell: ResolvedCell): string {
  return ['[Service]', ...serviceDirectives(tier, cell), 'Restart=on-failure'].join('\n');
}

/** CloudWatch agent configuration: accept embedded-metric-format records on 127.0.0.1:25888. */
export function cloudWatchAgentConfig(): string {
  return JSON.stringify({ agent: { metrics_collection_interval: 60 }, logs: { metrics_collected: { emf: {} } } }, null, 2);
}

/**
 * The server's environment file: the cell's `serverEnvironment` (the contract's `WST_*` values,
 * including `WST_CONTRACT_VERSION` and the runtime features set from `server`, plus the user's
 * `server.environment`) and the EMF endpoint, one `KEY=value` per line, sorted. Every variable is
 * documented in docs/server-contract.md §2 (a test fails when one is missing there).
 */
export function environmentFile(cell: ResolvedCell): string {
  const env: Record<string, string> = { ...cell.serverEnvironment, [EMF_ENDPOINT_ENV]: `udp://127.0.0.1:${EMF_AGENT_PORT}` };
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}`)
    .join('\n');
}

/** Where the server artifact (or single-file bundle) comes from, when the library installs it. */
export interface ServerBundleLocation {
  /** `s3://bucket/key` of the artifact object (packed as `tier.server.start.artifact.packaging`). May contain late-bound text. */
  readonly s3Uri: string;
}

/** The same location, named for what it now holds. */
export type ServerArtifactLocation = ServerBundleLocation;

/** Lines that download the artifact and put it where the unit expects it. */
function artifactLines(artifact: ResolvedServerArtifact, s3Uri: string): string[] {
  const cp = (to: string) => `aws s3 cp '${s3Uri}' ${to}`;
  if (artifact.packaging === 'file') {
    if (artifact.installPath.startsWith(`${SERVER_PATHS.app}/`)) {
      return [`mkdir -p ${SERVER_PATHS.app}`, cp(`'${artifact.installPath}'`), `chmod 0755 '${artifact.installPath}'`];
    }
    return [`mkdir -p ${HOST_PATHS.serverDir}`, cp(artifact.installPath)];
  }
  const archive = `${SERVER_PATHS.root}/artifact.${artifact.packaging}`;
  const unpack =
    artifact.packaging === 'zip'
      ? `unzip -q -o ${archive} -d ${SERVER_PATHS.app}`
      : `tar -xzf ${archive} -C ${SERVER_PATHS.app} --no-same-owner`;
  return [`mkdir -p ${SERVER_PATHS.app}`, cp(archive), unpack, `rm -f ${archive}`];
}

/** The dnf packages the server start needs besides the CloudWatch agent. */
function startPackages(tier: ResolvedTier): string[] {
  const start = tier.server.start;
  const packages = start.kind === 'node-bundle' ? [tier.server.nodePackage] : [];
  if (start.artifact?.packaging === 'zip') packages.push('unzip');
  if (start.artifact?.packaging === 'tar.gz') packages.push('tar');
  return packages;
}

/** `server.preStart`, run once before the server starts. */
function preStartLines(tier: ResolvedTier): string[] {
  const cmds = tier.server.preStart;
  return cmds.length > 0 ? ['# Server set-up (server.preStart), once, before the server starts', ...cmds] : [];
}

/**
 * The full user-data script (bash) for a cell's instances, as lines. What starts the server is
 * `tier.server.start`: the Node bundle or `server.command` run by the tier's unit (the artifact
 * downloaded and unpacked first), or the image's own `serviceName.service` given a drop-in with the
 * limits and environment. `server.preStart` runs just before the server starts.
 * @param bundle - where the artifact is: required exactly when `tier.server.start.artifact` is set
 * @param backplane - where the tier's backplane is (required exactly when `tier.backplane` is set):
 *   the AUTH token is read from its secret at boot and `WST_REDIS_URL` appended to the env file.
 * @throws Error when the tier has a backplane and no location was given, or an artifact and no
 *   artifact location, or an artifact location without an artifact (renderer defects)
 */
export function userDataLines(
  tier: ResolvedTier,
  cell: ResolvedCell,
  bundle?: ServerBundleLocation,
  backplane?: BackplaneLocation,
): string[] {
  if (tier.backplane !== undefined && backplane === undefined) {
    throw new Error(
      `websocket-tier: cell "${cell.name}" belongs to a tier with a backplane, but its user data was rendered without the backplane's endpoint and secret. Fix: pass the BackplaneLocation (renderers do this; please report it if you did not call userDataLines yourself).`,
    );
  }
  const start = tier.server.start;
  if ((start.artifact !== undefined) !== (bundle !== undefined)) {
    throw new Error(
      `websocket-tier: cell "${cell.name}": ${start.artifact !== undefined ? `the server artifact ${JSON.stringify(start.artifact.path)} was given, but its user data was rendered without the artifact's S3 location` : 'user data was given a server artifact location, but the tier has no server.artifact (or serverBundleFile)'}. Fix: pass the location exactly when tier.server.start.artifact is set (renderers do this; please report it if you did not call userDataLines yourself).`,
    );
  }
  const svc = tier.server.serviceName;
  const nodeMajor = tier.server.nodePackage.replace(/^nodejs/, '');
  const imds = 'http://169.254.169.254/latest';
  const lines: string[] = [
    'set -euo pipefail',
    `# websocket-tier cell ${cell.name}: host tuning`,
    `cat > ${HOST_PATHS.sysctl} <<'WST_EOF'`,
    sysctlConf(tier),
    'WST_EOF',
    'sysctl --system >/dev/null',
    '# Connection gauge: the CloudWatch agent turns embedded-metric-format records into the metric the scaling policy tracks',
    `dnf install -y ${[...startPackages(tier), 'amazon-cloudwatch-agent'].join(' ')}`,
    `cat > ${HOST_PATHS.cloudWatchAgentConfig} <<'WST_EOF'`,
    cloudWatchAgentConfig(),
    'WST_EOF',
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${HOST_PATHS.cloudWatchAgentConfig}`,
    '# Server environment: the same numbers the load balancer and the lifecycle hook use',
    `TOKEN=$(curl -sS -X PUT ${imds}/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')`,
    `ASG_NAME=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" ${imds}/meta-data/tags/instance/aws:autoscaling:groupName)`,
    `mkdir -p $(dirname ${HOST_PATHS.envFile})`,
    `cat > ${HOST_PATHS.envFile} <<'WST_EOF'`,
    environmentFile(cell),
    'WST_EOF',
    `echo "${ASG_NAME_ENV}=$ASG_NAME" >> ${HOST_PATHS.envFile}`,
  ];
  if (tier.backplane !== undefined && backplane !== undefined) {
    lines.push(...backplaneUserDataLines(tier.backplane, backplane, HOST_PATHS.envFile));
  }
  lines.push(...serverSecretsUserDataLines(tier.server.secrets ?? [], HOST_PATHS.envFile));
  if (start.kind === 'image-unit') {
    lines.push(
      `# Server: ${svc}.service ships with the image; add the limits and environment`,
      `mkdir -p /etc/systemd/system/${svc}.service.d`,
      `cat > /etc/systemd/system/${svc}.service.d/50-websocket-tier.conf <<'WST_EOF'`,
      systemdDropIn(tier, cell),
      'WST_EOF',
      ...preStartLines(tier),
      'systemctl daemon-reload',
      `systemctl restart ${svc}.service`,
    );
    return lines;
  }
  lines.push(
    start.kind === 'node-bundle'
      ? '# Server: bundled JavaScript run by Node under systemd'
      : `# Server: server.command run under systemd${start.artifact !== undefined ? `, from the artifact in ${SERVER_PATHS.app}` : ''}`,
    'id -u websocket >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin websocket',
    ...(start.kind === 'node-bundle' ? [`ln -sf "$(command -v node-${nodeMajor} || command -v node)" ${HOST_PATHS.nodeLink}`] : []),
    ...(start.artifact !== undefined && bundle !== undefined ? artifactLines(start.artifact, bundle.s3Uri) : []),
    ...preStartLines(tier),
    `cat > /etc/systemd/system/${svc}.service <<'WST_EOF'`,
    systemdUnit(tier, cell),
    'WST_EOF',
    'systemctl daemon-reload',
    `systemctl enable --now ${svc}.service`,
  );
  return lines;
}
