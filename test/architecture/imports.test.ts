/**
 * The layering rules of ARCHITECTURE.md, checked on the source: no import cycle anywhere in lib/
 * (type-only imports count), lib/core imports no provider and no outer layer, the renderers never
 * import each other, and nothing in lib/ imports examples/ or test/. A fixture proves the cycle
 * finder finds a cycle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const LIB = path.join(ROOT, 'lib');

/** Module specifiers of every import/export/require in a file (type-only included). */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|require\('([^']+)'\)|import\('([^']+)'\)/g;
  for (const m of source.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
}

/** Strongly connected components with more than one file (or a self-import): the import cycles. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

const files = tsFiles(LIB);
const rel = (f: string): string => path.relative(ROOT, f);
const imports = new Map(files.map((f) => [f, specifiers(fs.readFileSync(f, 'utf8'))]));
const graph = new Map(
  files.map((f) => [
    f,
    imports
      .get(f)!
      .map((s) => resolveLocal(f, s))
      .filter((x): x is string => x !== undefined),
  ]),
);

describe('lib/ import structure', () => {
  it('finds a cycle in a fixture (the check can fail)', () => {
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(findCycles(graph).map((c) => c.map(rel))).toEqual([]);
  });

  const offenders = (dir: string, forbidden: (spec: string, target: string | undefined) => boolean): string[] =>
    files
      .filter((f) => f.startsWith(path.join(LIB, dir) + path.sep))
      .flatMap((f) =>
        imports
          .get(f)!
          .filter((s) => forbidden(s, resolveLocal(f, s)))
          .map((s) => `${rel(f)} → ${s}`),
      );
  const under = (target: string | undefined, ...dirs: string[]): boolean =>
    target !== undefined && dirs.some((d) => target.startsWith(path.join(ROOT, d) + path.sep));
  const provider = (s: string): boolean =>
    s === 'aws-cdk-lib' || s.startsWith('aws-cdk-lib/') || s === 'constructs' || s.startsWith('@pulumi/');

  it('lib/core imports no provider and no outer layer', () => {
    expect(
      offenders(
        'core',
        (s, t) => provider(s) || under(t, 'lib/cdk', 'lib/pulumi', 'lib/runtime', 'lib/client', 'lib/cli', 'lib/twin', 'lib/bundle'),
      ),
    ).toEqual([]);
  });

  it('lib/runtime and lib/client import no provider', () => {
    expect([...offenders('runtime', (s) => provider(s)), ...offenders('client', (s) => provider(s))]).toEqual([]);
  });

  it('the renderers never import each other', () => {
    expect([
      ...offenders('cdk', (s, t) => s.startsWith('@pulumi/') || under(t, 'lib/pulumi')),
      ...offenders('pulumi', (s, t) => (provider(s) && !s.startsWith('@pulumi/')) || under(t, 'lib/cdk')),
    ]).toEqual([]);
  });

  it('nothing in lib/ imports examples/ or test/', () => {
    const bad = files.flatMap((f) =>
      imports
        .get(f)!
        .filter((s) => under(resolveLocal(f, s) ?? path.resolve(path.dirname(f), s), 'examples', 'test'))
        .map((s) => `${rel(f)} → ${s}`),
    );
    expect(bad).toEqual([]);
  });
});

const ROOT_FOR_SIZE = path.join(__dirname, '..', '..');
function walkTs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walkTs(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('renderers stay thin', () => {
  // lib/pulumi/testing.ts is the shipped mock helper for users' own tests, not a renderer.
  const NOT_RENDERERS = new Set(['lib/pulumi/testing.ts']);
  const files = ['lib/cdk', 'lib/pulumi']
    .flatMap((d) => walkTs(path.join(ROOT_FOR_SIZE, d)))
    .map((f) => path.relative(ROOT_FOR_SIZE, f))
    .filter((f) => !NOT_RENDERERS.has(f));
  test.each(files)('%s has at most 200 lines', (f) => {
    const lines = fs.readFileSync(path.join(ROOT_FOR_SIZE, f), 'utf8').split('\n').length - 1;
    expect({ file: f, lines: Math.min(lines, 200) }).toEqual({ file: f, lines });
  });
});
