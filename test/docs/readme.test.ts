/**
 * README drift guard: every public field of the core config interfaces is documented in the
 * README's configuration reference, and the README's two commands are the ones CI runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function interfaceFields(file: string): Map<string, string[]> {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string[]>();
  src.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      out.set(
        node.name.text,
        node.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text),
      );
    }
  });
  return out;
}

describe('README', () => {
  const fields = interfaceFields(path.join(ROOT, 'lib', 'core', 'config.ts'));

  it('finds the config interfaces (guards the parser itself)', () => {
    expect(fields.get('TierConfig')).toEqual(expect.arrayContaining(['domainName', 'cells', 'connection']));
  });

  for (const [iface, names] of fields) {
    for (const name of names) {
      it(`documents ${iface}.${name}`, () => {
        expect(readme).toMatch(new RegExp('`' + `(?:[a-z]+\\.)?${name}` + '`'));
      });
    }
  }

  it('names the two commands, and .ci/run runs them', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(readme).toContain('npx cdk synth');
    expect(readme).toContain('npm test');
    expect(ci).toMatch(/^npx cdk synth/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
