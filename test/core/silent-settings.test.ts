/**
 * Settings valid on their own that together fail on the instance (issue 14 item 3): each has a row
 * (test/core/silent-settings-rows.ts), the shipped examples and the defaults raise none of them,
 * near misses stay quiet, and `server.secrets` is read at boot (never written into user data) by
 * lines that survive any value, checked by running them under bash against stub `aws`/`curl`.
 */
import { execFileSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  resolveTier,
  secretLooking,
  serverSecretGrants,
  serverSecretsUserDataLines,
  type TierConfig,
  userDataLines,
  validateTier,
} from '../../lib/core';
import { chatTierConfig } from '../../examples/chat-tier-config';
import { pythonTierConfig } from '../../examples/python-tier-config';
import { alb, BASE, isLate, LATE, late, tier } from './fixtures';
import { SILENT_ROWS } from './silent-settings-rows';

const NEW_CODES = new Set(SILENT_ROWS.map((r) => r.code));
const newIssues = (config: TierConfig) => validateTier(config).filter((i) => NEW_CODES.has(i.code));

describe('no silent bad settings: one row per rule', () => {
  it.each(SILENT_ROWS.map((r) => [r.code, r.what, r] as const))('%s (%s)', (_code, _what, row) => {
    const issues = validateTier(row.config);
    const hit = issues.find((i) => i.code === row.code && i.path === row.path);
    if (!hit) throw new Error(`expected ${row.code} at ${row.path}; got ${JSON.stringify(issues, null, 2)}`);
    expect(hit.severity).toBe(row.severity);
    expect(hit.message).toMatch(row.message);
    expect(hit.message).toMatch(/Fix: \S/);
  });

  it('codes are one severity each', () => {
    const by = new Map<string, Set<string>>();
    for (const r of SILENT_ROWS) by.set(r.code, (by.get(r.code) ?? new Set()).add(r.severity));
    for (const [code, s] of by) expect([code, s.size]).toEqual([code, 1]);
  });
});

describe('the examples and the defaults raise none of them', () => {
  it.each([
    ['the chat example', chatTierConfig('ws.example.com')],
    ['the Python example', pythonTierConfig('ws.example.com')],
    ['the smallest tier', BASE],
    ['two cells, every default', tier({ cells: [alb('a'), alb('b')] })],
  ])('%s', (_name, config) => {
    expect(validateTier(config)).toEqual([]);
  });
});

describe('near misses stay quiet', () => {
  it.each<[string, TierConfig]>([
    ['fd limit exactly the derived cap plus reserved', tier({ host: { fileDescriptorLimit: 15_310 } })],
    [
      'a capacity plan sizes the target below the fd limit itself',
      tier({ capacity: { peakConnections: 100_000 }, host: { fileDescriptorLimit: 65_536 } }),
    ],
    [
      'an explicit maxConnections is checked by its own rule',
      tier({ server: { maxConnections: 1000 }, scaling: { targetConnectionsPerInstance: 1000 }, host: { fileDescriptorLimit: 2048 } }),
    ],
    ['somaxconn just holds the storm', tier({ host: { somaxconn: 167 } })],
    ['slow health checks never turn a booting instance unhealthy', tier({ healthCheck: { intervalSeconds: 300, timeoutSeconds: 5 } })],
    [
      'grace 0 when checks need longer than the warm-up to fail',
      tier({ scaling: { healthCheckGracePeriodSeconds: 0, defaultInstanceWarmupSeconds: 20 } }),
    ],
    [
      'unhealthy after exactly one ping interval',
      tier({ healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, unhealthyThresholdCount: 5 } }),
    ],
    ['one parked cell at zero with weight 0', tier({ cells: [alb('a'), alb('b', { weight: 0, scaling: { minCapacity: 0 } })] })],
    ['a drain window of 1 s', tier({ connection: { drainWindowSeconds: 1 } })],
    [
      'socket.io with long-polling said off',
      tier({ capacity: { peakConnections: 100_000, framework: 'socket.io' }, connection: { longPollingFallback: false } }),
    ],
    [
      'socket.io with stickiness on',
      tier({ capacity: { peakConnections: 100_000, framework: 'socket.io' }, connection: { stickiness: { enabled: true } } }),
    ],
    [
      'ordinary environment values',
      tier({
        server: {
          environment: {
            LOG_LEVEL: 'info',
            TOKEN_TTL_SECONDS: '3600',
            TOKEN_ISSUER: 'https://id.example.com',
            BUILD_SHA: 'a3f1c9e2b7d4a3f1c9e2b7d4a3f1c9e2b7d4a3f1',
          },
        },
      }),
    ],
    [
      'valid secrets of both kinds',
      tier({
        server: {
          secrets: {
            DB: { ssmParameter: '/app/db', kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
            API: { secretsManagerSecret: 'prod/api', jsonKey: 'key' },
            ARN: { secretsManagerSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/x-AbCdEf' },
          },
        },
      }),
    ],
  ])('%s', (_name, config) => {
    expect(newIssues(config)).toEqual([]);
  });

  it('late-bound values are skipped, never reported', () => {
    const L = late<number>();
    const config = tier({
      host: { fileDescriptorLimit: L, somaxconn: L },
      scaling: { healthCheckGracePeriodSeconds: L, minCapacity: L },
      connection: { drainWindowSeconds: L },
      server: { secrets: { DB: { ssmParameter: late<string>() } }, environment: { DB_PASSWORD: late<string>() } },
    });
    expect(validateTier(config, isLate).filter((i) => NEW_CODES.has(i.code))).toEqual([]);
    expect(LATE).toBeDefined();
  });
});

describe('secret-looking values', () => {
  it.each([
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
    ['X', 'postgres://app:s3cr3t@db.internal:5432/app'],
    ['GITHUB', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['X', 'Zx9Qm2Lp7Rt4Vw8Yb1Nc6Hd3Jf5Kg0Sa'],
    ['API_KEY', 'abc'],
  ])('%s=%s is flagged', (key, value) => {
    expect(secretLooking(key, value)).toBeDefined();
  });
  it.each([
    ['PORT', '8080'],
    ['FEATURE_TOKEN_ENABLED', 'true'],
    ['REGION', 'us-east-1'],
    ['REQUEST_ID_PREFIX', '3f2b8c1e-5d4a-4e6f-9b7c-2a1d0e9f8c7b'],
    ['CDN', 'https://cdn.example.com/assets/v1'],
  ])('%s=%s is not', (key, value) => {
    expect(secretLooking(key, value)).toBeUndefined();
  });
});

describe('server.secrets are read at boot, never written into user data', () => {
  const config = tier({
    server: {
      environment: { LOG_LEVEL: 'info' },
      secrets: {
        DB_PASSWORD: { ssmParameter: '/app/db-password' },
        API_KEY: { secretsManagerSecret: 'prod/api', jsonKey: 'key' },
        OTHER: {
          secretsManagerSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf',
          kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k1',
        },
      },
    },
  });
  const t = resolveTier(config);

  it('resolves to a sorted list with its sources', () => {
    expect(t.server.secrets).toEqual([
      { name: 'API_KEY', source: 'secrets-manager', reference: 'prod/api', jsonKey: 'key' },
      { name: 'DB_PASSWORD', source: 'ssm-parameter', reference: '/app/db-password' },
      {
        name: 'OTHER',
        source: 'secrets-manager',
        reference: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k1',
      },
    ]);
    expect(resolveTier(BASE).server.secrets).toBeUndefined();
    expect(t.cells[0].serverEnvironment).not.toHaveProperty('DB_PASSWORD');
  });

  it('user data reads each one by reference, in its ARN region, after the environment file is written', () => {
    const lines = userDataLines(t, t.cells[0]);
    const text = lines.join('\n');
    expect(text).toContain(
      `aws ssm get-parameter --region "$WST_REGION" --name '/app/db-password' --with-decryption --query Parameter.Value --output text`,
    );
    expect(text).toContain(
      `aws secretsmanager get-secret-value --region "$WST_REGION" --secret-id 'prod/api' --query SecretString --output text | python3`,
    );
    expect(text).toContain(`--region 'eu-west-1' --secret-id 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf'`);
    const envWritten = lines.findIndex((l) => l.startsWith('cat > /etc/websocket-tier/server.env'));
    const firstRead = lines.findIndex((l) => l.startsWith('WST_SECRET='));
    const start = lines.findIndex((l) => l.startsWith('systemctl daemon-reload'));
    expect(envWritten).toBeGreaterThan(-1);
    expect(firstRead).toBeGreaterThan(envWritten);
    expect(start).toBeGreaterThan(firstRead);
    expect(lines).toContain('chmod 600 /etc/websocket-tier/server.env');
  });

  it('the role may read exactly these ARNs: a name becomes …:parameter/<name> or …:secret:<name>-??????, never *', () => {
    const g = serverSecretGrants(t.server.secrets!, { partition: 'aws', region: 'us-east-1', account: '123456789012' });
    expect(g).toEqual({
      ssmParameterArns: ['arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password'],
      secretArns: [
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf',
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-??????',
      ],
      kmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/k1'],
    });
    expect(JSON.stringify(g)).not.toContain('*');
  });

  it('under bash with stub aws/curl, every value reaches the environment file quoted so systemd reads it back exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wst-secrets-'));
    const nasty = "p\"a\\s$HOME`id` 'q' ;|&\nline two";
    writeFileSync(join(dir, 'value-ssm'), nasty);
    writeFileSync(join(dir, 'value-sm'), JSON.stringify({ key: 'k$1"2', other: 'x' }));
    writeFileSync(join(dir, 'value-other'), 'plain');
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    stub('curl', 'echo us-east-1');
    stub(
      'aws',
      [
        'case "$*" in',
        `  *get-parameter*/app/db-password*) cat '${dir}/value-ssm' ;;`,
        `  *get-secret-value*prod/api*) cat '${dir}/value-sm' ;;`,
        `  *get-secret-value*other-AbCdEf*) cat '${dir}/value-other' ;;`,
        '  *) exit 3 ;;',
        'esac',
      ].join('\n'),
    );
    const envFile = join(dir, 'server.env');
    writeFileSync(envFile, 'LOG_LEVEL=info\n');
    const script = ['set -euo pipefail', 'TOKEN=t', ...serverSecretsUserDataLines(t.server.secrets!, envFile)].join('\n');
    execFileSync('bash', ['-c', script], { env: { PATH: `${dir}:${process.env.PATH}` } });
    const text = readFileSync(envFile, 'utf8');
    expect(text).toBe(
      ['LOG_LEVEL=info', 'API_KEY="k\\$1\\"2"', `DB_PASSWORD="p\\"a\\\\s\\$HOME\\\`id\\\` 'q' ;|&\nline two"`, 'OTHER="plain"', ''].join(
        '\n',
      ),
    );
    // systemd.exec(5) EnvironmentFile=: inside double quotes, a backslash before " \ ` $ keeps that character.
    const unquote = (v: string) => v.slice(1, -1).replace(/\\(["\\`$])/g, '$1');
    const db = /DB_PASSWORD=("[\s\S]*?[^\\]")\n/.exec(text)![1];
    expect(unquote(db)).toBe(nasty);
    expect(unquote('"k\\$1\\"2"')).toBe('k$1"2');
    expect((statSync(envFile).mode & 0o777).toString(8)).toBe('600');
  });

  it('a value that cannot be read stops the boot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wst-secrets-'));
    writeFileSync(join(dir, 'aws'), '#!/bin/bash\necho denied >&2\nexit 254\n');
    writeFileSync(join(dir, 'curl'), '#!/bin/bash\necho us-east-1\n');
    chmodSync(join(dir, 'aws'), 0o755);
    chmodSync(join(dir, 'curl'), 0o755);
    const envFile = join(dir, 'server.env');
    writeFileSync(envFile, '');
    const script = ['set -euo pipefail', 'TOKEN=t', ...serverSecretsUserDataLines(t.server.secrets!, envFile), 'echo STARTED'].join('\n');
    expect(() => execFileSync('bash', ['-c', script], { env: { PATH: `${dir}:${process.env.PATH}` }, stdio: 'pipe' })).toThrow();
    expect(readFileSync(envFile, 'utf8')).toBe('');
  });
});
