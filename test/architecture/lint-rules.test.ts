/**
 * The lint step (`npm run lint`, part of `npm test`) enforces the layer boundaries: these probes feed
 * ESLint a file that breaks each rule and expect the rule to fire, so a config that silently stops
 * resolving imports (and so stops checking them) fails here.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

function lint(filePath: string, code: string): { ruleId: string | null; message: string }[] {
  const r = spawnSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', filePath], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`eslint exited ${r.status}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[])[0].messages;
}

const cases: [string, string, string, RegExp][] = [
  [
    'core imports a renderer',
    'lib/core/probe.ts',
    "import { WebSocketTier } from '../cdk';\nexport const x = WebSocketTier;\n",
    /lib\/core is the model/,
  ],
  ['core imports the runtime', 'lib/core/probe.ts', "import * as r from '../runtime';\nexport const x = r;\n", /lib\/core is the model/],
  ['CDK imports Pulumi', 'lib/cdk/probe.ts', "import * as p from '../pulumi';\nexport const x = p;\n", /Renderers never import each other/],
  ['Pulumi imports CDK', 'lib/pulumi/probe.ts', "import * as c from '../cdk';\nexport const x = c;\n", /Renderers never import each other/],
  [
    'runtime imports a provider renderer',
    'lib/runtime/probe.ts',
    "import * as c from '../cdk';\nexport const x = c;\n",
    /runtime runs on servers/,
  ],
  [
    'lib imports examples',
    'lib/twin/probe.ts',
    "import * as e from '../../examples/chat-tier-config';\nexport const x = e;\n",
    /never imports examples/,
  ],
];

describe('lint boundaries fire', () => {
  test.each(cases)('%s', (_name, file, code, message) => {
    const found = lint(file, code).filter((m) => m.ruleId === 'import-x/no-restricted-paths');
    expect(found.map((m) => m.message)).toEqual([expect.stringMatching(message)]);
  });

  test('an allowed import (a renderer importing core) passes', () => {
    expect(lint('lib/cdk/probe.ts', "import { resolveTier } from '../core';\nexport const x = resolveTier;\n")).toEqual([]);
  });
});
