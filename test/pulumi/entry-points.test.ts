/**
 * A Pulumi program that imports `websocket-tier/pulumi` never loads aws-cdk-lib or constructs, and
 * a CDK app that imports the CDK entry point never loads `@pulumi/*` (both are optional peer
 * dependencies). Checked in a fresh Node process through `require.cache`, the loader users get.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Absolute paths of every module a fresh Node process loaded to require `entry` (TypeScript, transpile-only). */
function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
  });
  return JSON.parse(out) as string[];
}

const inPackage = (name: string) => (file: string) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`);

describe('entry points', () => {
  test('lib/pulumi loads @pulumi/aws and core, never aws-cdk-lib or constructs', () => {
    const loaded = modulesLoadedBy('./lib/pulumi');
    expect(loaded.some(inPackage('@pulumi/aws'))).toBe(true); // the probe can see packages at all
    expect(loaded.filter(inPackage('aws-cdk-lib'))).toEqual([]);
    expect(loaded.filter(inPackage('constructs'))).toEqual([]);
    expect(loaded.filter((f) => f.includes(`${path.sep}lib${path.sep}cdk${path.sep}`))).toEqual([]);
  });

  test('lib/cdk loads aws-cdk-lib, never @pulumi/*', () => {
    const loaded = modulesLoadedBy('./lib/cdk');
    expect(loaded.some(inPackage('aws-cdk-lib'))).toBe(true);
    expect(loaded.filter(inPackage('@pulumi'))).toEqual([]);
    expect(loaded.filter((f) => f.includes(`${path.sep}lib${path.sep}pulumi${path.sep}`))).toEqual([]);
  });

  test('lib/core loads neither provider', () => {
    const loaded = modulesLoadedBy('./lib/core');
    expect(loaded.filter(inPackage('@pulumi'))).toEqual([]);
    expect(loaded.filter(inPackage('aws-cdk-lib'))).toEqual([]);
  });
});
