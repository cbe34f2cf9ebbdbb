import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  EMF_ENDPOINT_ENV,
  environmentFile,
  HOST_PATHS,
  resolveTier,
  type ResolvedTier,
  sysctlConf,
  systemdDropIn,
  systemdUnit,
  type TierConfig,
  userDataLines,
} from '../../lib/core';
import { tier } from './fixtures';

const BUNDLE = { s3Uri: 's3://bucket/key/server.js' };
const BUNDLE_FILE = join(mkdtempSync(join(tmpdir(), 'wst-bundle-')), 'server.js');
writeFileSync(BUNDLE_FILE, 'console.log(1);\n');
/** The tier with a single-file Node bundle (serverBundleFile / server.artifact), as the renderers resolve it. */
const resolved = (config: TierConfig = tier()): ResolvedTier =>
  resolveTier({ ...config, server: { ...config.server, artifact: BUNDLE_FILE } });
/** The tier whose image ships the unit. */
const imageUnit = (config: TierConfig = tier()): ResolvedTier =>
  resolveTier({ ...config, server: { ...config.server, unitProvidedByImage: true } });
const script = (t: ResolvedTier): string => userDataLines(t, t.cells[0], t.server.start.artifact ? BUNDLE : undefined).join('\n');

describe('sysctl.d', () => {
  it('raises somaxconn and the SYN backlog to the resolved values', () => {
    const text = sysctlConf(resolved(tier({ host: { somaxconn: 32768, tcpMaxSynBacklog: 131072 } })));
    expect(text).toMatch(/^net\.core\.somaxconn = 32768$/m);
    expect(text).toMatch(/^net\.ipv4\.tcp_max_syn_backlog = 131072$/m);
  });

  it('writes the port range only with a local proxy', () => {
    expect(sysctlConf(resolved())).not.toContain('ip_local_port_range');
    expect(sysctlConf(resolved(tier({ host: { localProxy: true } })))).toMatch(/^net\.ipv4\.ip_local_port_range = 1024 65535$/m);
    expect(sysctlConf(resolved(tier({ host: { localProxy: true, localPortRange: '2000 60000' } })))).toMatch(
      /^net\.ipv4\.ip_local_port_range = 2000 60000$/m,
    );
  });

  it('every non-comment line is `key = value`', () => {
    for (const line of sysctlConf(resolved(tier({ host: { localProxy: true } }))).split('\n')) {
      if (!line.startsWith('#')) expect(line).toMatch(/^[a-z0-9_.]+ = \S.*$/);
    }
  });
});

describe('systemd', () => {
  it.each([
    [tier(), 1048576, 330],
    [tier({ host: { fileDescriptorLimit: 200000 }, connection: { drainWindowSeconds: 900, drainGraceSeconds: 60 } }), 200000, 960],
  ])('unit and drop-in carry LimitNOFILE and TimeoutStopSec = drain + grace (%#)', (config, nofile, stop) => {
    const t = resolved(config);
    for (const text of [systemdUnit(t, t.cells[0]), systemdDropIn(imageUnit(config), t.cells[0])]) {
      expect(text).toMatch(new RegExp(`^LimitNOFILE=${nofile}$`, 'm'));
      expect(text).toMatch(new RegExp(`^TimeoutStopSec=${stop}$`, 'm'));
      expect(text).toMatch(/^KillSignal=SIGTERM$/m);
      expect(text).toContain(`EnvironmentFile=${HOST_PATHS.envFile}`);
    }
  });

  it('the unit runs the bundle and restarts; the drop-in only adds [Service] settings', () => {
    const t = resolved();
    const unit = systemdUnit(t, t.cells[0]);
    expect(unit).toContain(`ExecStart=${HOST_PATHS.nodeLink} ${HOST_PATHS.serverFile}`);
    expect(unit).toMatch(/^\[Unit\]$[\s\S]*^\[Service\]$[\s\S]*^\[Install\]$/m);
    // exit 0 after a drain is final (no restart inside a terminating instance); crashes restart
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).not.toMatch(/^Restart=always$/m);
    const dropIn = systemdDropIn(t, t.cells[0]);
    expect(dropIn.split('\n')[0]).toBe('[Service]');
    expect(dropIn).not.toContain('ExecStart');
    expect(dropIn).not.toContain('[Install]');
    expect(dropIn).toMatch(/^Restart=on-failure$/m);
  });
});

describe('environment file', () => {
  it('holds every server environment value plus the EMF endpoint, sorted, one per line', () => {
    const t = resolved(tier({ server: { environment: { ZED: 'last', ALPHA: 'first' } } }));
    const text = environmentFile(t.cells[0]);
    const lines = text.split('\n');
    const keys = lines.map((l) => l.slice(0, l.indexOf('=')));
    expect(keys).toEqual([...keys].sort());
    expect(lines).toContain(`${EMF_ENDPOINT_ENV}=udp://127.0.0.1:25888`);
    for (const [k, v] of Object.entries(t.cells[0].serverEnvironment)) expect(lines).toContain(`${k}=${v}`);
    expect(lines).toHaveLength(Object.keys(t.cells[0].serverEnvironment).length + 1);
    expect(lines).toContain('ALPHA=first');
  });
});

describe('user data', () => {
  const variants: [string, ResolvedTier][] = [
    ['bundle', resolved()],
    ['image unit', imageUnit()],
    ['proxy + custom service', resolved(tier({ host: { localProxy: true }, server: { serviceName: 'chat', nodePackage: 'nodejs20' } }))],
  ];

  it.each(variants)('%s: every heredoc is closed and no body line ends one early', (_what, t) => {
    const lines = script(t).split('\n');
    let open = false;
    let opened = 0;
    for (const line of lines) {
      if (!open && line.includes("<<'WST_EOF'")) {
        open = true;
        opened++;
      } else if (open && line === 'WST_EOF') {
        open = false;
      } else if (!open) {
        expect(line).not.toBe('WST_EOF');
      }
    }
    expect(open).toBe(false);
    expect(opened).toBeGreaterThanOrEqual(4);
  });

  it.each(variants)('%s: bash accepts the script (bash -n)', (_what, t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wst-userdata-'));
    const file = join(dir, 'user-data.sh');
    writeFileSync(file, `#!/bin/bash\n${script(t)}\n`);
    expect(() => execFileSync('bash', ['-n', file], { stdio: 'pipe' })).not.toThrow();
  });

  it('starts strict and tunes the host before starting the server', () => {
    const text = script(resolved());
    expect(text.split('\n')[0]).toBe('set -euo pipefail');
    expect(text.indexOf('sysctl --system')).toBeGreaterThan(0);
    expect(text.indexOf('sysctl --system')).toBeLessThan(text.indexOf('systemctl enable --now'));
  });

  it('with a bundle: installs Node and the bundle and writes a full unit', () => {
    const text = script(resolved());
    expect(text).toContain('dnf install -y nodejs22 amazon-cloudwatch-agent');
    expect(text).toContain(`aws s3 cp '${BUNDLE.s3Uri}' ${HOST_PATHS.serverFile}`);
    expect(text).toContain("cat > /etc/systemd/system/websocket-server.service <<'WST_EOF'");
    expect(text).toContain('systemctl enable --now websocket-server.service');
    expect(text).not.toContain('.service.d/');
  });

  it('without a bundle: adds a drop-in to the image unit and installs no Node', () => {
    const text = script(imageUnit());
    expect(text).toContain("cat > /etc/systemd/system/websocket-server.service.d/50-websocket-tier.conf <<'WST_EOF'");
    expect(text).toContain('systemctl restart websocket-server.service');
    expect(text).toContain('dnf install -y amazon-cloudwatch-agent');
    expect(text).not.toContain('nodejs22');
    expect(text).not.toContain('aws s3 cp');
  });

  it('uses the configured service name and Node package', () => {
    const text = script(resolved(tier({ server: { serviceName: 'chat', nodePackage: 'nodejs20' } })));
    expect(text).toContain('dnf install -y nodejs20 amazon-cloudwatch-agent');
    expect(text).toContain('command -v node-20');
    expect(text).toContain('systemctl enable --now chat.service');
  });

  it('embeds the sysctl file, the env file and the unit verbatim', () => {
    const t = resolved(tier({ host: { localProxy: true } }));
    const text = script(t);
    expect(text).toContain(sysctlConf(t));
    expect(text).toContain(environmentFile(t.cells[0]));
    expect(text).toContain(systemdUnit(t, t.cells[0]));
  });

  it('appends the Auto Scaling group name read from instance metadata (IMDSv2 token)', () => {
    const text = script(resolved());
    expect(text).toMatch(/TOKEN=\$\(curl -sS -X PUT http:\/\/169\.254\.169\.254\/latest\/api\/token/);
    expect(text).toContain(`echo "WST_AUTO_SCALING_GROUP_NAME=$ASG_NAME" >> ${HOST_PATHS.envFile}`);
  });
});
