/**
 * The `websocket-tier` command line: commander for arguments, one module per command.
 * Commands: `plan` (capacity and cost planner), `release-plan` (a rolling release's batches, duration
 * and reconnect rate), `local` (the local twin: Redis, HAProxy and
 * server processes on loopback, configured from the same tier model), `bundle` and `conformance`
 * (the server-contract conformance kit). Each command registers
 * itself in `buildProgram()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { TierConfigError } from '../core/issues';
import { addBundleCommand } from './bundle';
import { addConformanceCommand } from './conformance';
import { CliError, type CliIo, processIo } from './io';
import { registerLocalCommand } from './local';
import { addPlanCommand } from './plan';
import { addReleasePlanCommand } from './release-plan';

/** The `version` of this package's package.json (two levels up from lib/cli, in the source tree and in dist). */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    const file = path.join(__dirname, rel);
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'websocket-tier' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** The program with every command, writing through `io` and throwing instead of exiting. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('websocket-tier')
    .description('WebSocket tiers on AWS: Route 53 weighted DNS over ALB/NLB cells with autoscaled backends.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .version(packageVersion(), '-V, --version', 'print the websocket-tier version')
    .showHelpAfterError('(run with --help for usage)');
  addPlanCommand(program, io);
  addReleasePlanCommand(program, io);
  registerLocalCommand(program);
  addBundleCommand(program, io);
  addConformanceCommand(program, io);
  return program;
}

/**
 * Run the CLI.
 * @param argv - arguments after the program name, e.g. `['plan', '--connections', '2000000']`
 * @returns the exit code: 0 on success (and for --help), non-zero with a message on stderr for bad
 *   input; never throws and never prints a stack trace for input errors
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed the message
    if (e instanceof CliError || e instanceof TierConfigError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
