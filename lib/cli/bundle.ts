/**
 * `websocket-tier bundle ENTRY [-o FILE]`: build the single-file server bundle that
 * `serverBundleFile` expects (see `bundleNodeServer()` in `websocket-tier/bundle`).
 */
import type { Command } from 'commander';
import { BundleError, bundleNodeServer } from '../bundle';
import { CliError, type CliIo } from './io';

/** Register the `bundle` command on `program`. */
export function addBundleCommand(program: Command, io: CliIo): void {
  program
    .command('bundle')
    .description('bundle a Node.js server and its imports into one file for serverBundleFile (needs esbuild)')
    .argument('<entry>', "the server's entry point (.ts or .js)")
    .option('-o, --out <file>', 'where to write the bundle', 'dist/server.js')
    .option('--minify', 'minify the bundle', false)
    .action((entry: string, o: { out: string; minify: boolean }) => {
      try {
        const file = bundleNodeServer({ entry, outFile: o.out, minify: o.minify });
        io.stdout(`Bundle written to ${file}\n`);
      } catch (e) {
        if (e instanceof BundleError) throw new CliError(e.message.replace(/^bundleNodeServer: entry/, 'ENTRY'));
        throw e;
      }
    });
}
