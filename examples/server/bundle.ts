/**
 * Bundles an example server and everything it imports (lib/core, lib/runtime, `ws`, socket.io, the
 * Redis client and adapter, the AWS SDK Auto Scaling client the runtime's lifecycle path loads)
 * into one JavaScript file with esbuild, so it ships as a single CDK/Pulumi asset and runs with a
 * plain `node server.js` on instances that have no node_modules. The one bundler for deployment:
 * `bundleServer()` builds the plain-`ws` server (examples/server/server.ts, used by tests and the
 * calibration bench), `bundleChatServer()` the chat server the example tiers deploy
 * (examples/chat-server/server.ts). (lib/twin/bundle.ts is different: it leaves packages external
 * for local runs.) Deterministic: the same sources give the same bytes whatever the working
 * directory (esbuild writes source paths relative to `absWorkingDir` into the output), so the asset
 * hash only changes when the server does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** The repository root; source paths in the bundle's comments are relative to it. */
const REPO_ROOT = path.join(__dirname, '..', '..');

/** Absolute path of the plain-`ws` server entry point. */
export const SERVER_ENTRY = path.join(__dirname, 'server.ts');

/** Absolute path of the chat server entry point (socket.io + Redis Streams adapter on the runtime). */
export const CHAT_SERVER_ENTRY = path.join(REPO_ROOT, 'examples', 'chat-server', 'server.ts');

/**
 * Build the bundle and return its absolute path.
 * @param outDir - directory to write `server.js` into
 * @param entry - the server's entry point
 * @default outDir - `<repo>/.bench-tmp/server-bundle` (git-ignored)
 * @default entry - `SERVER_ENTRY` (the plain-`ws` server)
 */
export function bundleServer(outDir: string = path.join(REPO_ROOT, '.bench-tmp', 'server-bundle'), entry: string = SERVER_ENTRY): string {
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'server.js');
  buildSync({
    entryPoints: [entry],
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

/**
 * Build the chat server the example tiers deploy and return the bundle's absolute path.
 * @default outDir - `<repo>/.bench-tmp/chat-server-bundle` (git-ignored)
 */
export function bundleChatServer(outDir: string = path.join(REPO_ROOT, '.bench-tmp', 'chat-server-bundle')): string {
  return bundleServer(outDir, CHAT_SERVER_ENTRY);
}
