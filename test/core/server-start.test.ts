/**
 * Any server on EC2 cells: `server.command`, `server.artifact`, `server.preStart`,
 * `server.unitProvidedByImage` and the renderers' `serverBundleFile` (lib/core/server-start.ts),
 * the unit and user data each shape renders, and systemd `ExecStart=` quoting checked against a
 * reference parser of systemd.service(5) "Command lines" and against `systemd-analyze verify`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import {
  execStartLine,
  HOST_PATHS,
  type Issue,
  resolveTier,
  type ResolvedTier,
  SERVER_PATHS,
  serverStartInputs,
  systemdQuote,
  systemdUnit,
  type TierConfig,
  userDataLines,
  validateTier,
} from '../../lib/core';
import { isLate, late, tier } from './fixtures';

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-server-start-'));
const file = (name: string, text = 'x\n', mode = 0o644): string => {
  const p = path.join(ROOT, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text, { mode });
  return p;
};
const BUNDLE = file('bundle/server.js', 'console.log(1);\n');
const ESM_BUNDLE = file('bundle/server.mjs', 'console.log(1);\n');
const BINARY = file('bin/server', 'ELF\n', 0o755);
const ODD_NAME = file('bin/my server', 'ELF\n', 0o755);
const ZIP = file('app.zip');
const TGZ = file('app.tgz');
const DIR = path.join(ROOT, 'app');
file('app/server.py', 'print(1)\n');
const MISSING = path.join(ROOT, 'nope');
const S3 = { s3Uri: 's3://bucket/key' };

const server = (s: NonNullable<TierConfig['server']>): TierConfig => tier({ server: s });
const resolved = (s: NonNullable<TierConfig['server']>): ResolvedTier => resolveTier(server(s));
const script = (t: ResolvedTier): string => userDataLines(t, t.cells[0], t.server.start.artifact ? S3 : undefined).join('\n');

/** systemd's reading of one ExecStart= value (systemd.service(5) "Command lines"; extract_first_word with unquoting and C escapes, then $$ and %%). */
function systemdArgv(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let word = '';
    let quoted = false;
    while (i < line.length && line[i] !== ' ') {
      if (line[i] === '"') {
        quoted = true;
        i++;
        while (line[i] !== '"') {
          if (i >= line.length) throw new Error(`unbalanced quoting in ${line}`);
          if (line[i] === '\\') {
            word += line[i + 1];
            i += 2;
          } else word += line[i++];
        }
        i++;
      } else if (line[i] === '\\') {
        word += line[i + 1];
        i += 2;
      } else word += line[i++];
    }
    if (word !== '' || quoted) words.push(word);
  }
  // Specifiers and variables: %% → %, $$ → $; anything else would be expanded (a quoting bug).
  return words.map((w) => {
    if (/%[^%]|%$/.test(w.replace(/%%/g, ''))) throw new Error(`unescaped specifier in ${w}`);
    if (/\$[^$]|\$$/.test(w.replace(/\$\$/g, ''))) throw new Error(`unescaped variable in ${w}`);
    return w.replace(/%%/g, '%').replace(/\$\$/g, '$');
  });
}

describe('systemd ExecStart= quoting', () => {
  test.each([
    ['plain', ['-m', 'app', '--port=8080', 'a,b:c/d@e+f'], '-m app --port=8080 a,b:c/d@e+f'],
    ['space', ['cell a'], '"cell a"'],
    ['dollar (no expansion)', ['$HOME', '${PATH}'], '"$$HOME" "$${PATH}"'],
    ['percent (no specifier)', ['100%', '%i'], '"100%%" "%%i"'],
    ['quotes and backslash', ['say "hi"', "it's", 'back\\slash'], '"say \\"hi\\"" "it\'s" "back\\\\slash"'],
    ['empty', [''], '""'],
    ['lone semicolon (not a command separator)', [';'], '";"'],
    ['unicode', ['héllo'], '"héllo"'],
  ])('%s', (_what, args, rendered) => {
    expect(args.map(systemdQuote).join(' ')).toBe(rendered);
    expect(systemdArgv(execStartLine(['/usr/bin/x', ...args]))).toEqual(['/usr/bin/x', ...args]);
  });

  test('property: every argument without control characters reaches the process exactly as written', () => {
    // eslint-disable-next-line no-control-regex
    const arg = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (args) => {
        expect(systemdArgv(execStartLine(['/opt/websocket-tier/app/server', ...args]))).toEqual([
          '/opt/websocket-tier/app/server',
          ...args,
        ]);
      }),
      { numRuns: 300 },
    );
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  (analyze ? test : test.skip)('systemd-analyze verify accepts the unit the tier writes (and refuses an unescaped one)', () => {
    const t = resolved({ command: { executable: '/usr/bin/printf', args: ['cell a', '$HOME', '100%', 'say "hi"', 'back\\slash', ''] } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-unit-'));
    // verify checks units standalone: drop the user (not on this machine) and the env file (written at boot).
    const unit = systemdUnit(t, t.cells[0])
      .split('\n')
      .filter((l) => !/^(User|EnvironmentFile)=/.test(l))
      .join('\n');
    fs.writeFileSync(path.join(dir, 'wst-good.service'), unit);
    expect(spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'wst-good.service')], { encoding: 'utf8' }).stderr).toBe('');
    fs.writeFileSync(path.join(dir, 'wst-bad.service'), unit.replace(/^ExecStart=.*$/m, 'ExecStart=/usr/bin/printf "unbalanced'));
    const bad = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'wst-bad.service')], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/Unbalanced quoting/);
  });
});

describe('resolved start', () => {
  test.each([
    [
      'a single .js file without a command is the Node bundle (today)',
      { artifact: BUNDLE },
      'node-bundle',
      `${HOST_PATHS.nodeLink} ${HOST_PATHS.serverFile}`,
      'file',
      HOST_PATHS.serverFile,
    ],
    [
      'an .mjs bundle keeps its extension (Node reads ESM by extension)',
      { artifact: ESM_BUNDLE },
      'node-bundle',
      `${HOST_PATHS.nodeLink} ${SERVER_PATHS.nodeBundle}.mjs`,
      'file',
      `${SERVER_PATHS.nodeBundle}.mjs`,
    ],
    [
      'a binary with a command lands in the app directory under its name',
      { artifact: BINARY, command: { executable: `${SERVER_PATHS.app}/server` } },
      'command',
      `${SERVER_PATHS.app}/server`,
      'file',
      `${SERVER_PATHS.app}/server`,
    ],
    [
      'a directory is zipped and unpacked into the app directory',
      { artifact: DIR, command: { executable: 'python3', args: ['server.py'] } },
      'command',
      'python3 server.py',
      'zip',
      SERVER_PATHS.app,
    ],
    [
      'a .zip is unpacked',
      { artifact: ZIP, command: { executable: 'java', args: ['-jar', 'app.jar'] } },
      'command',
      'java -jar app.jar',
      'zip',
      SERVER_PATHS.app,
    ],
    [
      'a .tgz is a tar.gz',
      { artifact: TGZ, command: { executable: '/opt/websocket-tier/app/bin/server' } },
      'command',
      '/opt/websocket-tier/app/bin/server',
      'tar.gz',
      SERVER_PATHS.app,
    ],
  ] as const)('%s', (_what, s, kind, execStart, packaging, installPath) => {
    const start = resolved(s).server.start;
    expect(start.kind).toBe(kind);
    expect(execStartLine(start.argv!)).toBe(execStart);
    expect([start.artifact?.packaging, start.artifact?.installPath]).toEqual([packaging, installPath]);
    expect(start.workingDirectory).toBe(kind === 'command' ? SERVER_PATHS.app : undefined);
  });

  test('a command without an artifact has no working directory; nothing declared is the image unit', () => {
    expect(resolved({ command: { executable: 'websocket-echo' } }).server.start).toEqual({
      kind: 'command',
      argv: ['websocket-echo'],
      artifact: undefined,
      workingDirectory: undefined,
    });
    expect(resolveTier(tier()).server).toMatchObject({ start: { kind: 'image-unit' }, preStart: [] });
  });
});

describe('unit text', () => {
  test('the Node bundle unit is byte-for-byte what it was (ExecStart with the Node link, no WorkingDirectory)', () => {
    const t = resolved({ artifact: BUNDLE });
    const unit = systemdUnit(t, t.cells[0]);
    expect(unit).toContain(`User=websocket\nExecStart=${HOST_PATHS.nodeLink} ${HOST_PATHS.serverFile}\nEnvironmentFile=`);
    expect(unit).not.toContain('WorkingDirectory');
  });

  test('a command gets the same limits, environment, stop timing and restart policy, in the artifact directory', () => {
    const t = resolveTier(
      tier({
        host: { fileDescriptorLimit: 500000 },
        connection: { drainWindowSeconds: 600, drainGraceSeconds: 45 },
        server: { artifact: DIR, command: { executable: 'python3', args: ['-m', 'app', '--greeting', 'hello world'] } },
      }),
    );
    const lines = systemdUnit(t, t.cells[0]).split('\n');
    const service = lines.slice(lines.indexOf('[Service]'), lines.indexOf('[Install]') - 1);
    expect(service).toEqual([
      '[Service]',
      'Type=simple',
      'User=websocket',
      `WorkingDirectory=${SERVER_PATHS.app}`,
      'ExecStart=python3 -m app --greeting "hello world"',
      `EnvironmentFile=${HOST_PATHS.envFile}`,
      'LimitNOFILE=500000',
      'KillSignal=SIGTERM',
      'TimeoutStopSec=645',
      'Restart=on-failure',
      'RestartSec=2',
    ]);
  });

  test('the image-unit start has no unit of the tier (only the drop-in)', () => {
    const t = resolved({ unitProvidedByImage: true });
    expect(() => systemdUnit(t, t.cells[0])).toThrow(/systemdDropIn/);
  });
});

describe('user data per shape', () => {
  const shapes: [string, ResolvedTier][] = [
    ['Node bundle', resolved({ artifact: BUNDLE })],
    [
      'command + directory + preStart',
      resolved({ artifact: DIR, command: { executable: 'python3', args: ['server.py'] }, preStart: ['dnf install -y python3'] }),
    ],
    ['command + .tar.gz', resolved({ artifact: TGZ, command: { executable: `${SERVER_PATHS.app}/bin/server` } })],
    ['command + binary', resolved({ artifact: BINARY, command: { executable: `${SERVER_PATHS.app}/server`, args: ['$x', "it's"] } })],
    ['command only', resolved({ command: { executable: 'websocket-echo' }, preStart: ['dnf install -y websocket-echo'] })],
    ['image unit + preStart', resolved({ unitProvidedByImage: true, preStart: ["echo 'ready' > /tmp/x"] })],
  ];

  test.each(shapes)('%s: bash accepts it, strict, every heredoc closed', (_what, t) => {
    const text = script(t);
    expect(text.split('\n')[0]).toBe('set -euo pipefail');
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wst-ud-')), 'user-data.sh');
    fs.writeFileSync(f, `#!/bin/bash\n${text}\n`);
    expect(() => execFileSync('bash', ['-n', f], { stdio: 'pipe' })).not.toThrow();
    expect(text.split('\n').filter((l) => l.endsWith("<<'WST_EOF'")).length).toBe(text.split('\n').filter((l) => l === 'WST_EOF').length);
  });

  test('Node bundle: installs Node, links it, copies the bundle (unchanged)', () => {
    const text = script(resolved({ artifact: BUNDLE }));
    expect(text).toContain('dnf install -y nodejs22 amazon-cloudwatch-agent');
    expect(text).toContain(`ln -sf "$(command -v node-22 || command -v node)" ${HOST_PATHS.nodeLink}`);
    expect(text).toContain(
      `mkdir -p /opt/websocket-tier\naws s3 cp '${S3.s3Uri}' ${HOST_PATHS.serverFile}\ncat > /etc/systemd/system/websocket-server.service`,
    );
  });

  test('directory: unzip installed, the zip unpacked into the app directory and removed; no Node', () => {
    const text = script(shapes[1][1]);
    expect(text).toContain('dnf install -y unzip amazon-cloudwatch-agent');
    expect(text).toContain(
      [
        `mkdir -p ${SERVER_PATHS.app}`,
        `aws s3 cp '${S3.s3Uri}' /opt/websocket-tier/artifact.zip`,
        `unzip -q -o /opt/websocket-tier/artifact.zip -d ${SERVER_PATHS.app}`,
        'rm -f /opt/websocket-tier/artifact.zip',
      ].join('\n'),
    );
    expect(text).not.toContain('nodejs22');
    expect(text).not.toContain(HOST_PATHS.nodeLink);
  });

  test('.tar.gz: tar installed, unpacked without the archive owners', () => {
    const text = script(shapes[2][1]);
    expect(text).toContain('dnf install -y tar amazon-cloudwatch-agent');
    expect(text).toContain(`tar -xzf /opt/websocket-tier/artifact.tar.gz -C ${SERVER_PATHS.app} --no-same-owner`);
  });

  test('binary: copied under its name and made executable', () => {
    const text = script(shapes[3][1]);
    expect(text).toContain(`aws s3 cp '${S3.s3Uri}' '${SERVER_PATHS.app}/server'\nchmod 0755 '${SERVER_PATHS.app}/server'`);
    expect(text).toContain(`ExecStart=${SERVER_PATHS.app}/server "$$x" "it's"`);
  });

  test('preStart runs once, verbatim, after the artifact is unpacked and before the unit starts (or the image unit restarts)', () => {
    const lines = script(shapes[1][1]).split('\n');
    const at = (l: string) => lines.indexOf(l);
    expect(at('dnf install -y python3')).toBeGreaterThan(at(`unzip -q -o /opt/websocket-tier/artifact.zip -d ${SERVER_PATHS.app}`));
    expect(at('dnf install -y python3')).toBeLessThan(at("cat > /etc/systemd/system/websocket-server.service <<'WST_EOF'"));
    expect(lines.filter((l) => l === 'dnf install -y python3')).toHaveLength(1);
    const image = script(shapes[5][1]).split('\n');
    expect(image.indexOf("echo 'ready' > /tmp/x")).toBeGreaterThan(
      image.indexOf('WST_EOF', image.indexOf('# Server: websocket-server.service ships')),
    );
    expect(image.indexOf("echo 'ready' > /tmp/x")).toBeLessThan(image.indexOf('systemctl restart websocket-server.service'));
  });

  test('a renderer that passes the artifact location without an artifact (or the reverse) is told so', () => {
    const t = resolved({ artifact: DIR, command: { executable: 'python3' } });
    expect(() => userDataLines(t, t.cells[0])).toThrow(
      /artifact .* was given, but its user data was rendered without the artifact's S3 location/,
    );
    const none = resolved({ command: { executable: 'python3' } });
    expect(() => userDataLines(none, none.cells[0], S3)).toThrow(/has no server.artifact/);
  });
});

/** One validation rule (`late(x)` only casts a wrongly typed value): the config, the path and a message that names the value and carries the fix. */
interface Row {
  readonly code: string;
  readonly what: string;
  readonly config: TierConfig;
  readonly bundleFile?: string;
  readonly path: string;
  readonly message: RegExp;
}

const ROWS: Row[] = [
  {
    code: 'server-command-invalid',
    what: 'not an object',
    config: server({ command: late(['python3']) as never }),
    path: 'server.command',
    message: /must be \{ executable, args\? \}/,
  },
  {
    code: 'server-command-invalid',
    what: 'empty executable',
    config: server({ command: { executable: '' } }),
    path: 'server.command.executable',
    message: /non-empty string/,
  },
  {
    code: 'server-command-invalid',
    what: 'args not a list',
    config: server({ command: { executable: 'x', args: late('-v') as never } }),
    path: 'server.command.args',
    message: /list of strings/,
  },
  {
    code: 'server-command-invalid',
    what: 'a non-string argument',
    config: server({ command: { executable: 'x', args: late([8080]) as never } }),
    path: 'server.command.args[0]',
    message: /8080.*must be a string/,
  },
  {
    code: 'server-executable-invalid',
    what: 'relative path with a slash',
    config: server({ command: { executable: './bin/server' } }),
    path: 'server.command.executable',
    message: /"\.\/bin\/server".*\/opt\/websocket-tier\/app\/bin\/server/,
  },
  {
    code: 'server-executable-invalid',
    what: 'a systemd prefix character',
    config: server({ command: { executable: '-python3' } }),
    path: 'server.command.executable',
    message: /prefix/,
  },
  {
    code: 'server-executable-invalid',
    what: 'a variable',
    config: server({ command: { executable: '$HOME/server' } }),
    path: 'server.command.executable',
    message: /expands neither variables nor specifiers/,
  },
  {
    code: 'server-executable-invalid',
    what: 'a space in the path',
    config: server({ command: { executable: '/opt/my app/server' } }),
    path: 'server.command.executable',
    message: /without spaces/,
  },
  {
    code: 'server-command-control-char',
    what: 'newline in an argument',
    config: server({ command: { executable: 'x', args: ['a\nExecStartPre=/bin/evil'] } }),
    path: 'server.command.args[0]',
    message: /control character/,
  },
  {
    code: 'server-command-control-char',
    what: 'tab in the executable',
    config: server({ command: { executable: '/bin/a\tb' } }),
    path: 'server.command.executable',
    message: /control character/,
  },
  {
    code: 'server-command-too-long',
    what: 'executable beyond PATH_MAX',
    config: server({ command: { executable: `/${'a'.repeat(4095)}` } }),
    path: 'server.command.executable',
    message: /4096 characters; allowed at most 4095/,
  },
  {
    code: 'server-command-too-long',
    what: 'command line beyond 4,096 once quoted',
    config: server({ command: { executable: 'x', args: ['$'.repeat(2100)] } }),
    path: 'server.command',
    message: /4204 characters once quoted.*16 KB/,
  },
  {
    code: 'server-artifact-invalid',
    what: 'not a string',
    config: server({ artifact: late(42) as never }),
    path: 'server.artifact',
    message: /42.*path of a directory/,
  },
  {
    code: 'server-artifact-missing',
    what: 'path does not exist',
    config: server({ artifact: MISSING, command: { executable: 'x' } }),
    path: 'server.artifact',
    message: /does not exist/,
  },
  {
    code: 'server-artifact-no-command',
    what: 'a directory and no command',
    config: server({ artifact: DIR }),
    path: 'server.command',
    message: /is a directory, but server.command is not set/,
  },
  {
    code: 'server-artifact-no-command',
    what: 'an archive and no command',
    config: server({ artifact: TGZ }),
    path: 'server.command',
    message: /tar\.gz archive/,
  },
  {
    code: 'server-artifact-name',
    what: 'a single file whose name needs quoting',
    config: server({ artifact: ODD_NAME, command: { executable: 'x' } }),
    path: 'server.artifact',
    message: /"my server"/,
  },
  {
    code: 'server-prestart-invalid',
    what: 'not a list',
    config: server({ preStart: late('dnf install -y x') as never }),
    path: 'server.preStart',
    message: /list of shell commands/,
  },
  {
    code: 'server-prestart-invalid',
    what: 'a line break',
    config: server({ preStart: ['echo a\nWST_EOF'] }),
    path: 'server.preStart[0]',
    message: /one line/,
  },
  {
    code: 'server-prestart-invalid',
    what: 'empty',
    config: server({ preStart: ['  '] }),
    path: 'server.preStart[0]',
    message: /non-empty/,
  },
  {
    code: 'server-prestart-too-long',
    what: 'beyond 8,192 characters',
    config: server({ preStart: ['x'.repeat(5000), 'y'.repeat(5000)] }),
    path: 'server.preStart',
    message: /10002 characters in all; allowed at most 8192/,
  },
  {
    code: 'server-start-conflict',
    what: 'image unit and a command',
    config: server({ unitProvidedByImage: true, command: { executable: 'x' } }),
    path: 'server.unitProvidedByImage',
    message: /image's own "websocket-server" unit.*server\.command is set/,
  },
  {
    code: 'server-start-conflict',
    what: 'bundle and an artifact',
    config: server({ artifact: BUNDLE }),
    bundleFile: BUNDLE,
    path: 'serverBundleFile',
    message: /server\.artifact is set too/,
  },
  {
    code: 'server-start-conflict',
    what: 'bundle and a command',
    config: server({ command: { executable: 'node-22' } }),
    bundleFile: BUNDLE,
    path: 'serverBundleFile',
    message: /server\.command is set too/,
  },
  {
    code: 'server-start-conflict',
    what: 'bundle and the image unit',
    config: server({ unitProvidedByImage: true }),
    bundleFile: BUNDLE,
    path: 'serverBundleFile',
    message: /server\.unitProvidedByImage/,
  },
  {
    code: 'server-artifact-missing',
    what: 'bundle file missing',
    config: tier(),
    bundleFile: MISSING,
    path: 'serverBundleFile',
    message: /does not exist.*bundle\.ts/,
  },
  {
    code: 'server-no-start',
    what: 'nothing starts the server',
    config: tier(),
    path: 'server',
    message: /restart "websocket-server\.service", which stock Amazon Linux does not have.*unitProvidedByImage: true/,
  },
];

/** Everything a renderer reports for a config: the field rules on the folded config, plus the renderer-context rules. */
function rendererIssues(config: TierConfig, bundleFile?: string): Issue[] {
  const start = serverStartInputs(config, bundleFile, isLate);
  return [...validateTier(start.config, isLate), ...start.issues].filter(
    (i) => i.path.startsWith('server') || i.path === 'serverBundleFile',
  );
}

describe('validation', () => {
  test.each(ROWS.map((r) => [r.code, r.what, r] as const))('%s: %s', (_code, _what, r) => {
    const issues = rendererIssues(r.config, r.bundleFile).filter((i) => i.code === r.code);
    expect(issues.map((i) => i.path)).toContain(r.path);
    const issue = issues.find((i) => i.path === r.path)!;
    expect(issue.severity).toBe('error');
    expect(issue.message).toMatch(r.message);
    expect(issue.message).toMatch(/Fix: /);
  });

  test('valid shapes have no issue, and late-bound values are not checked', () => {
    const ok: [TierConfig, string?][] = [
      [server({ artifact: BUNDLE })],
      [tier(), BUNDLE],
      [server({ command: { executable: '/usr/bin/python3', args: ['-m', 'app', '', '$HOME', '100%'] } })],
      [server({ command: { executable: 'python3' }, artifact: DIR, preStart: ['dnf install -y python3'] })],
      [server({ command: { executable: 'java', args: ['-jar', 'app.jar'] }, artifact: ZIP })],
      [server({ command: { executable: `${SERVER_PATHS.app}/server` }, artifact: BINARY })],
      [server({ unitProvidedByImage: true, preStart: ['true'] })],
      [server({ command: { executable: late<string>(), args: late<string[]>() }, artifact: late<string>(), preStart: late<string[]>() })],
    ];
    for (const [config, bundleFile] of ok) expect(rendererIssues(config, bundleFile)).toEqual([]);
  });

  test('validateTier alone (CLI, local twin) does not demand a server start', () => {
    expect(validateTier(tier()).filter((i) => i.path.startsWith('server'))).toEqual([]);
  });

  test('serverBundleFile is folded into server.artifact; without it the config is unchanged', () => {
    expect(serverStartInputs(tier(), BUNDLE).config.server).toEqual({ artifact: BUNDLE });
    const config = server({ command: { executable: 'x' } });
    expect(serverStartInputs(config, undefined).config).toBe(config);
  });

  test('every code server-start.ts can emit has a row in this table, and no row names a code it cannot emit', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../lib/core/server-start.ts'), 'utf8');
    const emitted = new Set([...src.matchAll(/\b(?:error|warn)\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]));
    expect(emitted.size).toBeGreaterThanOrEqual(11);
    const tested = new Set(ROWS.map((r) => r.code));
    expect([...emitted].filter((c) => !tested.has(c)).sort()).toEqual([]);
    expect([...tested].filter((c) => !emitted.has(c)).sort()).toEqual([]);
  });
});
