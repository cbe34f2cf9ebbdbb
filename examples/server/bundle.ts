/**
 * Bundles the example WebSocket server (examples/server/server.ts and its dependencies: `ws` and
 * the lib/core constants it reads) into one JavaScript file with esbuild, so it can ship as a
 * single CDK/Pulumi asset and run with a plain `node server.js` on the instances. Deterministic: the
 * same sources give the same bytes whatever the working directory (esbuild writes source paths
 * relative to `absWorkingDir` into the output), so the asset hash only changes when the server does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** The repository root; source paths in the bundle's comments are relative to it. */
const REPO_ROOT = path.join(__dirname, '..', '..');

/** Absolute path of the server entry point. */
export const SERVER_ENTRY = path.join(__dirname, 'server.ts');

/**
 * Build the bundle and return its absolute path.
 * @param outDir - directory to write `server.js` into
 * @default outDir - `<repo>/.bench-tmp/server-bundle` (git-ignored)
 */
export function bundleServer(outDir: string = path.join(REPO_ROOT, '.bench-tmp', 'server-bundle')): string {
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'server.js');
  buildSync({
    entryPoints: [SERVER_ENTRY],
    absWorkingDir: REPO_ROOT,
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    legalComments: 'none',
    // ws optionally requires these native speed-ups; the bundle runs without them.
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
  });
  return outfile;
}
