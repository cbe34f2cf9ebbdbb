/**
 * The declared peer floor of aws-cdk-lib is true: lib/cdk typechecks against exactly the floor
 * version (`peerDependencies['aws-cdk-lib']`, `^X.Y.Z` → X.Y.Z), installed from the npm registry
 * into a temporary directory (reused across runs), with `paths` pointing aws-cdk-lib and
 * constructs there instead of the pinned versions in node_modules.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function floorOf(range: string): string {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) throw new Error(`peerDependencies['aws-cdk-lib'] is ${range}; this test expects ^X.Y.Z`);
  return m[1];
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('lib/cdk typechecks against the aws-cdk-lib peer floor', () => {
  const floor = floorOf(pkg.peerDependencies['aws-cdk-lib']);
  const constructsFloor = floorOf(pkg.peerDependencies.constructs);
  const dir = path.join(os.tmpdir(), `websocket-tier-cdk-floor-${floor}`);
  const lib = path.join(dir, 'node_modules', 'aws-cdk-lib');
  if (!fs.existsSync(path.join(lib, 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cdk-floor', private: true }));
    execFileSync(
      NPM,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-package-lock',
        `aws-cdk-lib@${floor}`,
        `constructs@${constructsFloor}`,
      ],
      {
        cwd: dir,
        stdio: 'pipe',
        timeout: 150_000,
      },
    );
  }
  expect(JSON.parse(fs.readFileSync(path.join(lib, 'package.json'), 'utf8')).version).toBe(floor);
  const tsconfig = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        noEmit: true,
        rootDir: ROOT,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        paths: {
          'aws-cdk-lib': [lib],
          'aws-cdk-lib/*': [`${lib}/*`],
          constructs: [path.join(dir, 'node_modules', 'constructs')],
        },
      },
      include: [path.join(ROOT, 'lib', 'cdk', '**', '*.ts')],
    }),
  );
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let output: string;
  try {
    output = execFileSync(process.execPath, [tsc, '-p', tsconfig, '--listFiles'], { encoding: 'utf8', timeout: 150_000 });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? '';
    throw new Error(
      `lib/cdk does not typecheck against aws-cdk-lib ${floor} (the declared peer floor):\n${out
        .split('\n')
        .filter((l) => /error TS/.test(l))
        .join('\n')}`,
      { cause: e },
    );
  }
  // The floor, not the pinned copy in node_modules, is what the compiler saw.
  expect(output).toContain(path.join(lib, 'index.d.ts'));
  expect(output).not.toContain(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'index.d.ts'));
}, 300_000);
