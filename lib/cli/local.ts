/**
 * `websocket-tier local`: run the tier's local twin (Redis, HAProxy configured from the tier,
 * N backend processes on loopback) until Ctrl-C.
 *
 * ```
 * npx websocket-tier local                         # 2 chat-server backends, default tier
 * npx websocket-tier local --config tier.json --cell a --nodes 3 --server dist/server.js
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { TierConfig } from '../core/config';
import { planTier } from '../core/plan';
import { buildServer, CHAT_SERVER_ENTRY, startTwin, type Twin } from '../twin';

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
  /** `--server`: backend entry (.js, or .ts built with esbuild). @default - the example chat server */
  readonly server?: string;
  /** `--verbose`: show backend and HAProxy output. @default false */
  readonly verbose?: boolean;
}

/**
 * Read a tier config: `.json`, or a `.js` module exporting the config (default or `tier`).
 * @throws Error naming the file when it cannot be read or parsed
 */
export function readTierConfig(file: string): TierConfig {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`--config ${file}: no such file. Fix: pass a .json or .js tier config.`);
  if (abs.endsWith('.json')) return JSON.parse(fs.readFileSync(abs, 'utf8')) as TierConfig;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(abs) as { default?: TierConfig; tier?: TierConfig } & TierConfig;
  return mod.default ?? mod.tier ?? mod;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} is ${JSON.stringify(value)}; allowed: an integer ≥ 1. Fix: e.g. ${name} 2.`);
  return n;
}

/**
 * Start the twin for the `local` command; with `handleSignals` (the CLI), stop it and exit on
 * SIGINT/SIGTERM.
 * @throws Error for a bad option, an invalid tier config (every issue listed), or a start-up failure
 */
export async function runLocal(opts: LocalCommandOptions, out: (line: string) => void = (l) => console.log(l), handleSignals = true): Promise<Twin> {
  const config = opts.config ? readTierConfig(opts.config) : LOCAL_DEFAULT_TIER;
  const { tier, warnings } = planTier('websocket-tier local', config);
  for (const w of warnings) out(`warning: ${w.message}`);
  const built = buildServer(opts.server ? path.resolve(opts.server) : CHAT_SERVER_ENTRY);
  const twin = await startTwin({
    tier,
    cellName: opts.cell,
    nodes: positiveInt('--nodes', opts.nodes) ?? 2,
    maxNodes: positiveInt('--max-nodes', opts.maxNodes),
    port: positiveInt('--port', opts.port),
    server: { args: [built.file], env: { NODE_PATH: built.nodePath } },
    onProgress: (line) => out(`[twin] ${line}`),
    onServerOutput: opts.verbose ? (node, line) => out(`[${node}] ${line}`) : undefined,
  });
  out(`[twin] connect clients to ${twin.url} (socket.io path /socket.io/); Ctrl-C stops everything`);
  if (!handleSignals) return twin;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void twin.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return twin;
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
    .option('-s, --server <file>', 'backend entry (.js, or .ts built with esbuild); default: the example chat server')
    .option('-v, --verbose', 'show backend and HAProxy output')
    .action(async (opts: LocalCommandOptions) => {
      try {
        await runLocal(opts);
      } catch (e) {
        console.error(e instanceof Error ? e.message : String(e));
        process.exitCode = 1;
      }
    });
}
