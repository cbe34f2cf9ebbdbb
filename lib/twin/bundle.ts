/**
 * What the local twin runs as its backends: the built-in plain-WebSocket echo server
 * (`lib/twin/ws-server`, the default) or the user's own entry. A TypeScript entry is built into one
 * JavaScript file with esbuild (a dev dependency here; installed projects pass a built `.js`).
 * Packages stay external and resolve from `nodePath` (set as NODE_PATH for the backends).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The built-in echo backend: the TypeScript source (ts-node, jest) or the compiled `.js` in dist. */
export const WS_SERVER_ENTRY =
  ['ws-server.js', 'ws-server.ts'].map((f) => path.join(__dirname, f)).find((f) => fs.existsSync(f)) ??
  path.join(__dirname, 'ws-server.js');

/** A runnable server: `node <file>` with `NODE_PATH`; `tempDir` is removed by `removeBuiltServer`. */
export interface BuiltServer {
  readonly file: string;
  readonly nodePath: string;
  /** The temporary folder holding a bundled entry. @default - none (the entry ran as given) */
  readonly tempDir?: string;
}

/** An error about a missing package or program, with the install command in its message. */
export class MissingDependencyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MissingDependencyError';
  }
}

/**
 * The `node_modules` folder `pkg` resolves from (for NODE_PATH).
 * @throws MissingDependencyError naming `install` when `pkg` is not installed
 */
export function packageRoot(pkg: string, install: string, why: string): string {
  try {
    const manifest = require.resolve(`${pkg}/package.json`, { paths: [process.cwd(), __dirname] });
    return path.dirname(path.dirname(pkg.startsWith('@') ? path.dirname(manifest) : manifest));
  } catch {
    throw new MissingDependencyError(`${why} needs the package ${pkg}, which is not installed. Fix: ${install}`);
  }
}

/**
 * Bundle `entry` (TypeScript or JavaScript) to a temporary `.js` when it is TypeScript.
 * @param entry - the server file @default WS_SERVER_ENTRY (needs `ws`)
 * @throws MissingDependencyError when `ws` (for the built-in server) or esbuild (for a .ts entry) is missing; Error when the entry does not exist or the build fails
 */
export function buildServer(entry: string = WS_SERVER_ENTRY): BuiltServer {
  if (!fs.existsSync(entry))
    throw new Error(
      `--server ${entry}: no such file. Fix: pass a .js (or .ts) server entry, or omit --server for the built-in echo server.`,
    );
  const builtin = entry === WS_SERVER_ENTRY;
  const nodePath = builtin
    ? packageRoot('ws', 'npm i ws', 'the built-in WebSocket backend')
    : (optionalRoot('ws') ?? path.dirname(path.dirname(__dirname)));
  if (entry.endsWith('.js') || entry.endsWith('.cjs')) return { file: entry, nodePath };
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch (cause) {
    throw new MissingDependencyError(
      `--server ${entry} is TypeScript and esbuild is not installed. Fix: npm i -D esbuild, or pass a built .js server.`,
      { cause },
    );
  }
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-server-'));
  const outfile = path.join(tempDir, 'server.js');
  try {
    esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'error',
    });
  } catch (e) {
    fs.rmSync(tempDir, { recursive: true, force: true });
    throw new Error(
      `--server ${entry} does not build: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}. Fix: the errors esbuild printed above.`,
      { cause: e },
    );
  }
  return { file: outfile, nodePath, tempDir };
}

/** Remove the temporary folder of a bundled entry (no-op for an entry run as given). */
export function removeBuiltServer(built: BuiltServer): void {
  if (built.tempDir) fs.rmSync(built.tempDir, { recursive: true, force: true });
}

function optionalRoot(pkg: string): string | undefined {
  try {
    return packageRoot(pkg, '', '');
  } catch {
    return undefined;
  }
}
