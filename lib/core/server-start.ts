/**
 * How the server starts on a cell's instances: `server.command`, `server.artifact`,
 * `server.preStart`, `server.unitProvidedByImage` and the renderers' `serverBundleFile`.
 * - {@link validateServerStartFields}: the field rules `validateTier()` runs;
 * - {@link serverStartInputs}: what both renderers call before `planTier()` — it folds
 *   `serverBundleFile` into `server.artifact` and adds the rules that need it (`server-no-start`,
 *   conflicts), which a plain config (CLI, local twin) is not held to;
 * - {@link resolveServerStart}: the resolved start `userDataLines()` and the unit read;
 * - {@link execStartLine}: argv quoted for systemd's `ExecStart=`.
 * Reads the file system only to tell a directory from a file and to report a missing artifact.
 * Sources: systemd.service(5) "Command lines" (https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines),
 * EC2 user data (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html).
 */
import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { ServerConfig, TierConfig } from './config';
import { type Issue, IssueCollector, type IsUnresolved, neverUnresolved } from './issues';
import { SERVER_START_LIMITS } from './limits';
import { isEcsCell } from './ecs/validate';
import type { ResolvedServerArtifact, ResolvedServerStart } from './resolved';

/** Where the server's files live on the instance (documented in the README, "Bring your own server"). */
export const SERVER_PATHS = {
  /** Everything the tier installs for the server. */
  root: '/opt/websocket-tier',
  /** A single-file Node bundle (`serverBundleFile`, or `artifact` without `command`). */
  nodeBundle: '/opt/websocket-tier/server',
  /** Where a directory or archive artifact is unpacked, and a single-file artifact lands: the unit's `WorkingDirectory`. */
  app: '/opt/websocket-tier/app',
  /** The Node binary of `nodePackage`, linked at boot. */
  nodeLink: '/usr/local/bin/websocket-tier-node',
} as const;

/** An absolute executable path: no whitespace, quotes, `$`, `%` or escapes, not a directory. */
const ABSOLUTE_EXECUTABLE = /^\/[A-Za-z0-9._+/-]*[A-Za-z0-9._+-]$/;
/** A bare name systemd resolves on its fixed search path; no prefix character first. */
const BARE_EXECUTABLE = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;
/** Arguments systemd takes literally without quotes. */
const PLAIN_ARGUMENT = /^[A-Za-z0-9_@+=:,./-]+$/;
/** A single-file artifact's name, written into user data. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * One argument as systemd reads it from `ExecStart=`: plain when it holds only safe characters,
 * else in double quotes with `\` and `"` escaped; `$` and `%` are doubled everywhere, because
 * systemd expands variables and specifiers inside quotes too. Control characters are refused by
 * validation before this runs.
 */
export function systemdQuote(arg: string): string {
  const literal = arg.replace(/\$/g, '$$$$').replace(/%/g, '%%');
  if (PLAIN_ARGUMENT.test(arg)) return literal;
  return `"${literal.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The value of `ExecStart=` for an argv (executable first, never quoted: it is validated plain). */
export function execStartLine(argv: readonly string[]): string {
  return [argv[0], ...argv.slice(1).map(systemdQuote)].join(' ');
}

/** The format of an artifact path: by extension for archives, by the file system otherwise. */
export function artifactFormat(path: string): ResolvedServerArtifact['format'] {
  const lower = path.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'file'; // reported as server-artifact-missing
  }
}

function artifactOf(path: string, command: boolean): ResolvedServerArtifact {
  const format = artifactFormat(path);
  const packaging = format === 'directory' ? 'zip' : format;
  if (format !== 'file') return { path, format, packaging, installPath: SERVER_PATHS.app };
  // Node decides ESM vs CommonJS by extension, so a bundle keeps .mjs / .cjs.
  const ext = extname(path).toLowerCase();
  const installPath = command
    ? `${SERVER_PATHS.app}/${basename(path)}`
    : `${SERVER_PATHS.nodeBundle}${ext === '.mjs' || ext === '.cjs' ? ext : '.js'}`;
  return { path, format, packaging, installPath };
}

/**
 * The resolved start of a config whose rules passed (renderers fold `serverBundleFile` in first,
 * through {@link serverStartInputs}). Total: with nothing declared it is `image-unit`.
 */
export function resolveServerStart(server: ServerConfig): ResolvedServerStart {
  const artifact = typeof server.artifact === 'string' ? server.artifact : undefined;
  const command = server.command;
  if (command !== undefined) {
    const a = artifact !== undefined ? artifactOf(artifact, true) : undefined;
    return {
      kind: 'command',
      argv: [command.executable, ...(command.args ?? [])],
      artifact: a,
      workingDirectory: a !== undefined ? SERVER_PATHS.app : undefined,
    };
  }
  if (artifact !== undefined) {
    const a = artifactOf(artifact, false);
    return { kind: 'node-bundle', argv: [SERVER_PATHS.nodeLink, a.installPath], artifact: a };
  }
  return { kind: 'image-unit' };
}

/** The field rules of the server start, run by `validateTier()` (paths under `server.`). */
export function validateServerStartFields(v: IssueCollector, server: ServerConfig): void {
  const P = 'server';
  validateCommand(v, server.command);
  const a = server.artifact;
  if (a !== undefined && v.known(a)) {
    if (typeof a !== 'string' || a.trim() === '') {
      v.error(
        'server-artifact-invalid',
        `${P}.artifact`,
        `${P}.artifact is ${show(a)}; it must be the path of a directory, a .zip, a .tar.gz/.tgz or a single file. Fix: e.g. "dist/server" or "build/app.tar.gz".`,
      );
    } else {
      let exists = true;
      try {
        statSync(a);
      } catch {
        exists = false;
        v.error(
          'server-artifact-missing',
          `${P}.artifact`,
          `${P}.artifact is ${show(a)}, which does not exist (relative paths start at the working directory, ${show(process.cwd())}). Fix: build the artifact first, or give its absolute path.`,
        );
      }
      const format = artifactFormat(a);
      if (exists && format !== 'file' && server.command === undefined) {
        v.error(
          'server-artifact-no-command',
          `${P}.command`,
          `${P}.artifact ${show(a)} is a ${format === 'directory' ? 'directory' : `${format} archive`}, but server.command is not set, so nothing says what to run from it. Fix: set server.command, e.g. { executable: "${SERVER_PATHS.app}/bin/server" } or { executable: "python3", args: ["${SERVER_PATHS.app}/server.py"] }.`,
        );
      }
      if (format === 'file' && server.command !== undefined && !FILE_NAME.test(basename(a))) {
        v.error(
          'server-artifact-name',
          `${P}.artifact`,
          `${P}.artifact ${show(a)} is a single file installed as ${SERVER_PATHS.app}/<its name>, and ${show(basename(a))} has characters outside [A-Za-z0-9._+-] (or starts with one of ".+-"). Fix: rename the file.`,
        );
      }
    }
  }
  validatePreStart(v, server.preStart);
  v.bool(`${P}.unitProvidedByImage`, server.unitProvidedByImage);
  if (server.unitProvidedByImage === true && (server.command !== undefined || server.artifact !== undefined)) {
    const given = [server.command !== undefined ? 'server.command' : '', server.artifact !== undefined ? 'server.artifact' : '']
      .filter(Boolean)
      .join(' and ');
    v.error(
      'server-start-conflict',
      `${P}.unitProvidedByImage`,
      `${P}.unitProvidedByImage is true (the image's own ${show(server.serviceName ?? 'websocket-server')} unit runs the server), but ${given} ${given.includes(' and ') ? 'are' : 'is'} set too (the tier's unit would run it). Fix: drop unitProvidedByImage to let the tier write the unit, or drop ${given}.`,
    );
  }
}

function validateCommand(v: IssueCollector, command: unknown): void {
  const P = 'server.command';
  if (command === undefined || !v.known(command)) return;
  if (typeof command !== 'object' || command === null || Array.isArray(command)) {
    v.error(
      'server-command-invalid',
      P,
      `${P} is ${show(command)}; it must be { executable, args? }. Fix: e.g. { executable: "/usr/bin/python3", args: ["-m", "app"] }.`,
    );
    return;
  }
  const { executable, args } = command as { executable?: unknown; args?: unknown };
  if (v.known(executable)) {
    if (typeof executable !== 'string' || executable === '') {
      v.error(
        'server-command-invalid',
        `${P}.executable`,
        `${P}.executable is ${show(executable)}; it must be a non-empty string. Fix: an absolute path such as "${SERVER_PATHS.app}/bin/server", or a name such as "python3".`,
      );
    } else if (CONTROL.test(executable)) {
      v.error(
        'server-command-control-char',
        `${P}.executable`,
        `${P}.executable is ${show(executable)}, which holds a control character (line break, tab, NUL); a unit file line cannot carry it. Fix: remove it.`,
      );
    } else if (executable.length > SERVER_START_LIMITS.executableChars) {
      v.error(
        'server-command-too-long',
        `${P}.executable`,
        `${P}.executable is ${executable.length} characters; allowed at most ${SERVER_START_LIMITS.executableChars} (Linux PATH_MAX). Fix: use a shorter path.`,
      );
    } else if (!ABSOLUTE_EXECUTABLE.test(executable) && !BARE_EXECUTABLE.test(executable)) {
      const relative = executable.includes('/') && !executable.startsWith('/');
      v.error(
        'server-executable-invalid',
        `${P}.executable`,
        `${P}.executable is ${show(executable)}; allowed an absolute path or a bare name systemd resolves on its search path, of [A-Za-z0-9._+/-], not starting with "-", "+" or "." (systemd reads a leading @ - : + ! as a prefix and expands neither variables nor specifiers in the executable: https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines). Fix: ${relative ? `use the absolute path, e.g. "${SERVER_PATHS.app}/${executable.replace(/^\.\//, '')}"` : 'use an absolute path without spaces, quotes, $ or %, or a bare name such as "python3"'}.`,
      );
    }
  }
  if (args === undefined || !v.known(args)) return;
  if (!Array.isArray(args)) {
    v.error('server-command-invalid', `${P}.args`, `${P}.args is ${show(args)}; it must be a list of strings. Fix: e.g. ["-m", "app"].`);
    return;
  }
  args.forEach((arg: unknown, i) => {
    if (!v.known(arg)) return;
    if (typeof arg !== 'string') {
      v.error(
        'server-command-invalid',
        `${P}.args[${i}]`,
        `${P}.args[${i}] is ${show(arg)}; every argument must be a string. Fix: quote it, e.g. "${String(arg)}".`,
      );
    } else if (CONTROL.test(arg)) {
      v.error(
        'server-command-control-char',
        `${P}.args[${i}]`,
        `${P}.args[${i}] is ${show(arg)}, which holds a control character (line break, tab, NUL); a unit file line cannot carry it. Fix: remove it, or pass the value in server.environment or a file.`,
      );
    }
  });
  if (typeof executable === 'string' && args.every((a) => typeof a === 'string')) {
    const line = execStartLine([executable, ...(args as string[])]);
    if (line.length > SERVER_START_LIMITS.commandLineChars) {
      v.error(
        'server-command-too-long',
        P,
        `${P} is ${line.length} characters once quoted for systemd; allowed at most ${SERVER_START_LIMITS.commandLineChars}, because the whole user data must fit EC2's 16 KB (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html). Fix: move long values into a config file in the artifact, or into server.environment.`,
      );
    }
  }
}

function validatePreStart(v: IssueCollector, preStart: unknown): void {
  const P = 'server.preStart';
  if (preStart === undefined || !v.known(preStart)) return;
  if (!Array.isArray(preStart)) {
    v.error(
      'server-prestart-invalid',
      P,
      `${P} is ${show(preStart)}; it must be a list of shell commands. Fix: e.g. ["dnf install -y python3-pip"].`,
    );
    return;
  }
  let total = 0;
  preStart.forEach((cmd: unknown, i) => {
    if (!v.known(cmd)) return;
    if (typeof cmd !== 'string' || cmd.trim() === '' || /[\n\r]/.test(cmd) || cmd.includes('\0')) {
      v.error(
        'server-prestart-invalid',
        `${P}[${i}]`,
        `${P}[${i}] is ${show(cmd)}; each entry must be one non-empty shell command on one line (a line break would end the command early, or end a here-document of the boot script). Fix: split it into several entries, or chain with && on one line.`,
      );
      return;
    }
    total += cmd.length + 1;
  });
  if (total > SERVER_START_LIMITS.preStartChars) {
    v.error(
      'server-prestart-too-long',
      P,
      `${P} is ${total} characters in all; allowed at most ${SERVER_START_LIMITS.preStartChars}, because the whole user data must fit EC2's 16 KB (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html). Fix: put the set-up in a script inside server.artifact and run that one script.`,
    );
  }
}

/** What a renderer passes to `planTier()`: the config with its bundle folded in, and the rules that need the bundle. */
export interface ServerStartInputs {
  /** The config, with `serverBundleFile` as `server.artifact` when it was given. */
  readonly config: TierConfig;
  /** `server-no-start`, `server-start-conflict` and `server-artifact-missing` for the bundle; pass them as `planTier`'s extra issues. */
  readonly issues: readonly Issue[];
}

/**
 * Fold the renderer's `serverBundleFile` into `server.artifact` (a single file without a command is
 * a Node bundle, as before) and check that the tier knows how the server starts: a command, an
 * artifact, a bundle, or `unitProvidedByImage: true`. Both renderers call this, so the EC2 cells of
 * either refuse a tier whose user data would restart a `serviceName.service` that does not exist.
 * @param bundleFile - the renderer's `serverBundleFile` prop
 */
export function serverStartInputs(
  config: TierConfig,
  bundleFile: string | undefined,
  isUnresolved: IsUnresolved = neverUnresolved,
): ServerStartInputs {
  const v = new IssueCollector(isUnresolved);
  const server: ServerConfig = typeof config.server === 'object' && config.server !== null && v.known(config.server) ? config.server : {};
  // Only EC2 cells run user data; a tier of ECS cells only starts its servers from their images.
  const hasEc2Cell = !Array.isArray(config.cells) || config.cells.some((c) => !isEcsCell(c));
  if (bundleFile === undefined) {
    if (hasEc2Cell && server.command === undefined && server.artifact === undefined && server.unitProvidedByImage !== true) {
      v.error(
        'server-no-start',
        'server',
        `server has no command, no artifact, no serverBundleFile and no unitProvidedByImage, so nothing runs the server: the instances' user data would restart ${show(`${server.serviceName ?? 'websocket-server'}.service`)}, which stock Amazon Linux does not have, and the boot would fail. Fix: pass serverBundleFile (a single-file Node bundle), or set server.command (and server.artifact) to run any server, or set server.unitProvidedByImage: true if your machine image ships that unit.`,
      );
    }
    return { config, issues: v.issues };
  }
  const others = [
    server.artifact !== undefined ? 'server.artifact' : '',
    server.command !== undefined ? 'server.command' : '',
    server.unitProvidedByImage === true ? 'server.unitProvidedByImage' : '',
  ].filter(Boolean);
  if (others.length > 0) {
    v.error(
      'server-start-conflict',
      'serverBundleFile',
      `serverBundleFile is ${show(bundleFile)} (a single-file Node bundle run by the tier's unit), but ${others.join(' and ')} ${others.length > 1 ? 'are' : 'is'} set too, which say${others.length > 1 ? '' : 's'} differently how the server starts. Fix: keep serverBundleFile alone, or move it to server.artifact and run it with server.command (e.g. { executable: "node-22", args: ["${SERVER_PATHS.app}/${basename(bundleFile)}"] }).`,
    );
    return { config, issues: v.issues };
  }
  try {
    statSync(bundleFile);
  } catch {
    v.error(
      'server-artifact-missing',
      'serverBundleFile',
      `serverBundleFile is ${show(bundleFile)}, which does not exist (relative paths start at ${show(process.cwd())}). Fix: build the bundle first (see examples/server/bundle.ts), or give its absolute path.`,
    );
    return { config, issues: v.issues };
  }
  return { config: { ...config, server: { ...server, artifact: bundleFile } }, issues: v.issues };
}
