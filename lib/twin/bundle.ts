/**
 * Build a TypeScript server entry into one JavaScript file the twin can run with `node`, using
 * esbuild (a dev dependency of this repository; installed projects pass a built `.js` instead).
 * Packages stay external and resolve from `nodePath` (set as NODE_PATH for the backends).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the example chat server lives: the TypeScript source in this repository (ts-node, jest),
 * or the compiled `.js` next to `dist/lib` after `npm run build`.
 */
export const CHAT_SERVER_ENTRY = ['server.ts', 'server.js']
  .map((f) => path.resolve(__dirname, '../../examples/chat-server', f))
  .find((f) => fs.existsSync(f)) ?? path.resolve(__dirname, '../../examples/chat-server/server.ts');

/** A runnable server: `node <file>` with `NODE_PATH`. */
export interface BuiltServer {
  readonly file: string;
  readonly nodePath: string;
}

/**
 * Bundle `entry` (TypeScript or JavaScript) to a temporary `.js`.
 * @throws Error when esbuild is not installed or the build fails
 */
export function buildServer(entry: string = CHAT_SERVER_ENTRY): BuiltServer {
  if (!fs.existsSync(entry)) throw new Error(`server entry ${entry} does not exist. Fix: pass --server <file.js>.`);
  const nodePath = path.dirname(path.dirname(require.resolve('socket.io/package.json')));
  if (entry.endsWith('.js') || entry.endsWith('.cjs')) return { file: entry, nodePath };
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    throw new Error(`esbuild is not installed, so ${entry} cannot be built. Fix: npm install -D esbuild, or pass a built .js server.`);
  }
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wst-server-')), 'server.js');
  esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
  return { file: outfile, nodePath };
}
