/**
 * `bundleNodeServer()`: build the single-file server bundle that `serverBundleFile` (CDK and
 * Pulumi) expects, with esbuild. The bundle holds the server and everything it imports, so it
 * runs with a plain `node server.js` on instances that have no node_modules. Usable inside a CDK
 * app or Pulumi program (it runs synchronously) and from the command line
 * (`websocket-tier bundle ENTRY -o FILE`).
 *
 * esbuild is an optional peer dependency (`npm install --save-dev esbuild`); it is loaded only
 * when a bundle is built.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Options of {@link bundleNodeServer}. */
export interface BundleNodeServerOptions {
  /** The server's entry point (`.ts` or `.js`), absolute or relative to `workingDirectory`. */
  readonly entry: string;
  /**
   * Where to write the bundle, absolute or relative to `workingDirectory`.
   * @default `<workingDirectory>/dist/server.js`
   */
  readonly outFile?: string;
  /**
   * Directory relative paths resolve against; esbuild also writes source paths relative to it, so
   * the bundle's bytes (and the asset hash) do not depend on where the project is checked out.
   * @default process.cwd()
   */
  readonly workingDirectory?: string;
  /**
   * Node.js version the bundle targets (esbuild `target`).
   * @default 'node20'
   */
  readonly target?: string;
  /**
   * Packages left out of the bundle (they must then be installed on the instance).
   * @default ['bufferutil', 'utf-8-validate'] (the optional native speed-ups of `ws`)
   */
  readonly external?: readonly string[];
  /**
   * Minify the bundle.
   * @default false
   */
  readonly minify?: boolean;
}

/** The subset of esbuild's API this module uses. */
interface Esbuild {
  buildSync(options: Record<string, unknown>): { errors: unknown[]; warnings: unknown[] };
}

/** Error thrown when a bundle cannot be built (bad entry, esbuild missing, compile errors). */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

function loadEsbuild(): Esbuild {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('esbuild') as Esbuild;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw new BundleError(
        'bundleNodeServer needs the optional peer dependency esbuild, which is not installed. Fix: npm install --save-dev esbuild@">=0.25.0"',
      );
    }
    throw e;
  }
}

/**
 * Bundle a Node.js server into one CommonJS file and return the file's absolute path.
 * Deterministic: the same sources give the same bytes, so the asset hash only changes when the
 * server does.
 * @throws BundleError when `entry` does not exist, esbuild is not installed, or the build fails
 *   (the message carries esbuild's first errors)
 */
export function bundleNodeServer(options: BundleNodeServerOptions): string {
  const cwd = path.resolve(options.workingDirectory ?? process.cwd());
  if (typeof options.entry !== 'string' || options.entry === '') {
    throw new BundleError(
      `bundleNodeServer: entry is ${JSON.stringify(options.entry)}; allowed: the path of the server's entry file. Fix: pass { entry: 'src/server.ts' }.`,
    );
  }
  const entry = path.resolve(cwd, options.entry);
  if (!fs.existsSync(entry)) {
    throw new BundleError(
      `bundleNodeServer: entry ${options.entry} does not exist (resolved to ${entry}). Fix: pass the path of the server's entry file, relative to ${cwd} or absolute.`,
    );
  }
  const outFile = path.resolve(cwd, options.outFile ?? path.join('dist', 'server.js'));
  const esbuild = loadEsbuild();
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  try {
    esbuild.buildSync({
      entryPoints: [entry],
      absWorkingDir: cwd,
      outfile: outFile,
      bundle: true,
      platform: 'node',
      target: options.target ?? 'node20',
      format: 'cjs',
      minify: options.minify ?? false,
      legalComments: 'none',
      external: [...(options.external ?? ['bufferutil', 'utf-8-validate'])],
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    const detail = errors?.length
      ? errors
          .slice(0, 5)
          .map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text))
          .join('; ')
      : (e as Error).message;
    throw new BundleError(`bundleNodeServer: esbuild could not bundle ${options.entry}: ${detail}`);
  }
  return outFile;
}
