/**
 * `websocket-tier local`: run the tier's local twin (Redis, HAProxy configured from the tier,
 * N backend processes on loopback) until Ctrl-C.
 *
 * ```
 * npx websocket-tier local                         # 2 plain-WebSocket echo backends, default tier
 * npx websocket-tier local --config tier.json --cell a --nodes 3 --server dist/server.js
 * ```
 *
 * Every failure exits non-zero with a message naming the flag, program or package. The backends,
 * Redis and HAProxy each run in their own process group: SIGINT/SIGTERM/SIGHUP stop them in order,
 * and so does the exit of a launcher (the parent, or npm / npx past the `sh -c` they run commands
 * in; see `launchers.ts`). If this process itself dies, the twin's watchdog kills them and removes
 * the temp folders.
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { TierConfig } from '../core/config';
import { formatIssueLines } from '../core/issues';
import { unknownKeyIssues } from '../core/known-keys';
import { planTier } from '../core/plan';
import { buildServer, removeBuiltServer, startTwin, type Twin } from '../twin';
import { CliError } from './io';
import { watchLaunchers } from './launchers';

/** The tier the twin models when no `--config` is given: one ALB cell with long-polling fallback (cookie stickiness). */
export const LOCAL_DEFAULT_TIER: TierConfig = {
  domainName: 'ws.example.com',
  cells: [{ name: 'local' }],
  connection: { longPollingFallback: true },
};

/** Options of the `local` command (as parsed by commander). */
export interface LocalCommandOptions {
  /** `--config`: tier config file (.json, or .js exporting it). @default - one ALB cell with cookie stickiness */
  readonly config?: string;
  /** `--cell`: which cell the twin models. @default - the first cell */
  readonly cell?: string;
  /** `--nodes`: backends to start, an integer ≥ 1 (as typed). @default '2' */
  readonly nodes: string;
  /** `--max-nodes`: backend slots declared in HAProxy. @default - nodes + 2 */
  readonly maxNodes?: string;
  /** `--port`: HAProxy frontend port, 1–65535. @default - a free port */
  readonly port?: string;
  /** `--server`: backend entry (.js, or .ts built with esbuild). @default - the built-in plain-WebSocket echo server */
  readonly server?: string;
  /** `--verbose`: show backend and HAProxy output. @default false */
  readonly verbose?: boolean;
}

/**
 * Read a tier config: `.json` (unknown keys refused, with the closest valid name), or a `.js`
 * module exporting the config (default or `tier`).
 * @throws CliError naming `--config` and the file when it cannot be read, parsed, or has unknown keys
 */
export function readTierConfig(file: string): TierConfig {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new CliError(`--config ${file}: no such file. Fix: pass a .json or .js tier config.`);
  let config: unknown;
  if (abs.endsWith('.json')) {
    try {
      config = JSON.parse(fs.readFileSync(abs, 'utf8'));
    } catch (e) {
      throw new CliError(`--config ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}. Fix: correct the file.`);
    }
  } else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(abs) as { default?: unknown; tier?: unknown };
      config = mod.default ?? mod.tier ?? mod;
    } catch (e) {
      throw new CliError(
        `--config ${file} could not be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}. Fix: a .json file, or a .js module exporting the tier config.`,
      );
    }
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new CliError(
      `--config ${file} holds ${Array.isArray(config) ? 'an array' : JSON.stringify(config)}; allowed: a tier config object ({ "domainName": …, "cells": [...] }).`,
    );
  }
  // The core check validateTier also runs, here strict at the top level too: a JSON file holds only the tier.
  const unknown = unknownKeyIssues(config, { topLevel: 'all' });
  if (unknown.length > 0) throw new CliError(`--config ${file} has unknown keys:\n${formatIssueLines(unknown)}`);
  return config as TierConfig;
}

/** A flag value as a decimal integer in [min, max]. */
function intFlag(flag: string, value: string | undefined, min: number, max: number, example: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(
      `${flag} is ${JSON.stringify(value)}; allowed: a decimal integer ${min}–${max === Number.MAX_SAFE_INTEGER ? '' : max}`.replace(
        /–$/,
        ' or more',
      ) + `. Fix: e.g. ${flag} ${example}.`,
    );
  }
  return n;
}

/** What `--server` names: the built-in echo server, or a file. */
function serverEntry(server: string | undefined): string | undefined {
  if (server === undefined || server === 'ws') return undefined;
  if (server === 'socket.io') {
    throw new CliError(
      '--server socket.io: the socket.io chat server is an example in the repository, not part of the package. ' +
        'Fix: pass its file, e.g. --server examples/chat-server/server.ts (it needs: npm i socket.io @socket.io/redis-streams-adapter redis), or omit --server for the built-in WebSocket echo server.',
    );
  }
  return path.resolve(server);
}

/** The bare packages a server file imports that do not resolve from the current directory. */
export function missingImports(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  const specs = new Set<string>();
  for (const m of src.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)) {
    const spec = m[1];
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (builtinModules.includes(pkg)) continue;
    specs.add(pkg);
  }
  return [...specs].filter((pkg) => {
    try {
      require.resolve(`${pkg}/package.json`, { paths: [path.dirname(file), process.cwd(), __dirname] });
      return false;
    } catch {
      try {
        require.resolve(pkg, { paths: [path.dirname(file), process.cwd(), __dirname] });
        return false;
      } catch {
        return true;
      }
    }
  });
}

/**
 * Start the twin for the `local` command; with `handleSignals` (the CLI), stop it and exit on
 * SIGINT/SIGTERM/SIGHUP, or when the parent process goes away.
 * @throws CliError for a bad flag, an invalid tier config (every issue listed), a missing program or package, or a start-up failure
 */
export async function runLocal(
  opts: LocalCommandOptions,
  out: (line: string) => void = (l) => console.log(l),
  handleSignals = true,
): Promise<Twin> {
  const nodes = intFlag('--nodes', opts.nodes, 1, 64, '2') ?? 2;
  const maxNodes = intFlag('--max-nodes', opts.maxNodes, 1, 64, String(nodes + 2));
  if (maxNodes !== undefined && maxNodes < nodes)
    throw new CliError(`--max-nodes is ${maxNodes}, fewer than --nodes ${nodes}. Fix: --max-nodes ${nodes + 2}, or lower --nodes.`);
  const port = intFlag('--port', opts.port, 1, 65535, '8080');
  const entry = serverEntry(opts.server);
  const config = opts.config ? readTierConfig(opts.config) : LOCAL_DEFAULT_TIER;
  let tier;
  try {
    const planned = planTier('websocket-tier local', config);
    tier = planned.tier;
    for (const w of planned.warnings) out(`warning: ${w.message}`);
  } catch (e) {
    throw new CliError(`${opts.config ? `--config ${opts.config}` : 'the default tier'}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (opts.cell !== undefined && !tier.cells.some((c) => c.name === opts.cell)) {
    throw new CliError(
      `--cell is ${JSON.stringify(opts.cell)}; allowed: ${tier.cells.map((c) => c.name).join(', ')}. Fix: --cell ${tier.cells[0].name}.`,
    );
  }
  if (entry !== undefined && fs.existsSync(entry)) {
    const missing = missingImports(entry);
    if (missing.length > 0)
      throw new CliError(
        `--server ${opts.server} imports packages that are not installed: ${missing.join(', ')}. Fix: npm i ${missing.join(' ')}`,
      );
  }
  let built;
  try {
    built = entry === undefined ? buildServer() : buildServer(entry);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  // From here on, a signal or the death of a launcher (npm, npx, the `sh -c` between) stops the
  // twin. Before the twin is up, exiting is the stop: startTwin's exit hook SIGKILLs what it started
  // and removes its folders, and its watchdog covers a death with no exit hook at all.
  let stop: (why: string) => void = (why) => {
    out(`[twin] ${why} during start-up: stopping`);
    process.exit(1);
  };
  const unwatch = handleSignals ? watchSignalsAndLaunchers((why) => stop(why)) : () => undefined;
  let twin: Twin;
  try {
    twin = await startTwin({
      tier,
      cellName: opts.cell,
      nodes,
      maxNodes,
      port,
      server: { args: [built.file], env: { NODE_PATH: built.nodePath } },
      tempDirs: built.tempDir ? [built.tempDir] : [],
      onProgress: (line) => out(`[twin] ${line}`),
      onServerOutput: opts.verbose ? (node, line) => out(`[${node}] ${line}`) : undefined,
    });
  } catch (e) {
    unwatch();
    removeBuiltServer(built);
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  const wsUrl = twin.url.replace(/^http/, 'ws');
  out(
    entry === undefined
      ? `[twin] backend: the built-in WebSocket echo server (ws). Try: npx wscat -c ${wsUrl}/`
      : `[twin] backend: ${opts.server}`,
  );
  out(`[twin] connect clients to ${wsUrl}/ (HTTP ${twin.url}); Ctrl-C stops everything`);
  if (!handleSignals) return twin;
  let stopping = false;
  stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    unwatch();
    out(`[twin] ${why}: stopping`);
    void twin.stop().then(() => process.exit(0));
  };
  return twin;
}

/**
 * Call `stop` on SIGINT/SIGTERM/SIGHUP, or when a launcher exits: the parent, or npm / npx past the
 * `sh -c` they run commands in (a SIGKILLed npm leaves that shell alive, so the parent alone is not enough).
 * @returns a function that removes the handlers
 */
function watchSignalsAndLaunchers(stop: (why: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  const unwatch = watchLaunchers((l) => stop(`launcher process ${l.pid} (${l.command.slice(0, 60)}) exited`));
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
    unwatch();
  };
}

/** Register `websocket-tier local` on a commander program. */
export function registerLocalCommand(program: Command): Command {
  return program
    .command('local')
    .description('run the local twin: Redis, HAProxy configured from the tier, and N backend processes on loopback')
    .option('-c, --config <file>', 'tier config (.json, or .js exporting it); default: one ALB cell with cookie stickiness')
    .option('--cell <name>', 'which cell to model (default: the first)')
    .option('-n, --nodes <count>', 'backends to start', '2')
    .option('--max-nodes <count>', 'backend slots declared in HAProxy (default: nodes + 2)')
    .option('-p, --port <port>', 'HAProxy frontend port (default: a free port)')
    .option(
      '-s, --server <ws|file>',
      "backend: 'ws' (built-in WebSocket echo server, the default) or a server entry (.js, or .ts built with esbuild)",
    )
    .option('-v, --verbose', 'show backend and HAProxy output')
    .action(async (opts: LocalCommandOptions) => {
      // A CliError propagates to main(), which prints it and returns exit code 1.
      await runLocal(opts);
    });
}
