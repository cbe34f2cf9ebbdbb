/**
 * `websocket-tier conformance [--json] [--config tier.json] [--direct] [--protocol socket.io] -- <server command…>`: run the
 * conformance kit (lib/conformance) against any server and print a pass/fail table, or the report
 * as JSON. Exits 1 when any check fails.
 *
 * ```
 * npx websocket-tier conformance -- node dist/server.js
 * npx websocket-tier conformance --json -- /usr/bin/python3 examples/python-server/server.py
 * npx websocket-tier conformance --protocol socket.io -- node dist/chat-server.js
 * ```
 */
import type { Command } from 'commander';
import { CliError, type CliIo } from './io';
import { readTierConfig } from './local';
import type { ConformanceProtocol } from '../conformance';

/** Options of the `conformance` command (as parsed by commander). */
export interface ConformanceCommandOptions {
  /** `--json`: print the report as JSON. @default false */
  readonly json?: boolean;
  /** `--config`: tier config whose cell the kit models. @default - the kit's short-timer tier */
  readonly config?: string;
  /** `--cell`: which cell. @default - the first */
  readonly cell?: string;
  /** `--direct`: connect straight to the server, no HAProxy. @default false */
  readonly direct?: boolean;
  /** `--protocol`: what the kit's clients speak, `websocket` or `socket.io`. @default 'websocket' */
  readonly protocol?: string;
  /** `--verbose`: show the server's output. @default false */
  readonly verbose?: boolean;
}

/** Register `websocket-tier conformance` on a commander program. */
export function addConformanceCommand(program: Command, io: CliIo): void {
  program
    .command('conformance')
    .description("check that a server (any language) honours the tier's server contract; exits 1 on any failed check")
    .argument('<command...>', 'the server command and its arguments, after --')
    .option('--json', 'print the report as JSON')
    .option('-c, --config <file>', "tier config (.json or .js) whose cell the kit models; default: the kit's short-timer tier")
    .option('--cell <name>', 'which cell to model (default: the first)')
    .option('--direct', "connect straight to the server instead of through the local twin's HAProxy")
    .option('--protocol <name>', 'what the clients speak: websocket (RFC 6455) or socket.io (socket.io-client)', 'websocket')
    .option('-v, --verbose', "show the server's output on stderr")
    .action(async (command: string[], opts: ConformanceCommandOptions) => {
      // Loaded here: the kit needs `ws`, an optional peer the other commands do not.
      const { formatReport, runConformance } = await import('../conformance');
      const report = await runConformance({
        command,
        tier: opts.config ? readTierConfig(opts.config) : undefined,
        cellName: opts.cell,
        loadBalancer: opts.direct ? 'none' : 'haproxy',
        protocol: opts.protocol as ConformanceProtocol | undefined,
        onProgress: opts.json ? undefined : (line) => io.stderr(`${line}\n`),
        onServerOutput: opts.verbose ? (line) => io.stderr(`${line}\n`) : undefined,
      }).catch((e: unknown) => {
        throw new CliError(`conformance: ${e instanceof Error ? e.message : String(e)}`);
      });
      io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.pass)
        throw new CliError(
          `conformance: ${report.checks
            .filter((c) => !c.pass)
            .map((c) => c.id)
            .join(', ')} failed`,
        );
    });
}
