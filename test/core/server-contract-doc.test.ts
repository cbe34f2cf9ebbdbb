/**
 * docs/server-contract.md drift guard: every environment variable the tier writes (the env file and
 * the lines user data appends at boot), over tiers that switch on every optional variable, has a
 * row in §2's "set by the tier" table, and that table names nothing the tier no longer writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACT_VERSION, environmentFile, resolveTier, RUNTIME_ENV, type TierConfig, userDataLines } from '../../lib/core';
import { alb, nlbTcp, nlbTls, tier } from './fixtures';

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'server-contract.md'), 'utf8');

/** The text of one `## §N …` section. */
function section(n: number): string {
  const start = DOC.search(new RegExp(`^## §${n} `, 'm'));
  if (start < 0) throw new Error(`docs/server-contract.md has no "## §${n} " heading`);
  const rest = DOC.slice(start + 1);
  const end = rest.search(/^## §/m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Variable names in the first column of the first table of a section. */
function firstTableNames(text: string): string[] {
  const table = text.slice(text.indexOf('\n| Variable'));
  const rows = table.split('\n\n')[0].split('\n').slice(3);
  return rows.map((r) => /^\| `(WST_[A-Z0-9_]+)`/.exec(r)?.[1]).filter((x): x is string => x !== undefined);
}

const TIERS: TierConfig[] = [
  tier(),
  tier({
    cells: [nlbTls('n'), nlbTcp('t')],
    backplane: {},
    server: {
      proxyProtocol: true,
      maxConnections: 1000,
      allowedOrigins: ['https://app.example.com'],
      maxMessageBytes: 4096,
      rebalance: {},
    },
    healthCheck: { port: 8081 },
  }),
  tier({ cells: [alb('a')], server: { environment: { LOG_LEVEL: 'info' } } }),
];

/** Every WST_ variable the tier writes for the servers of these tiers. */
function writtenNames(): Set<string> {
  const names = new Set<string>();
  const backplane = { endpointAddress: 'bp.example', authTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' };
  for (const config of TIERS) {
    const t = resolveTier(config);
    for (const cell of t.cells) {
      for (const line of environmentFile(cell).split('\n')) names.add(line.slice(0, line.indexOf('=')));
      const script = userDataLines(t, cell, undefined, t.backplane ? backplane : undefined).join('\n');
      for (const m of script.matchAll(/echo "(WST_[A-Z0-9_]+)=/g)) names.add(m[1]);
    }
  }
  return new Set([...names].filter((n) => n.startsWith('WST_')));
}

describe('docs/server-contract.md', () => {
  const written = writtenNames();
  const documented = firstTableNames(section(2));

  it('finds what it compares (guards the parsers)', () => {
    expect(written.size).toBeGreaterThanOrEqual(20);
    expect(written).toContain(RUNTIME_ENV.proxyProtocol);
    expect(written).toContain('WST_REDIS_URL');
    expect(documented).toContain('WST_PORT');
  });

  it('§2 documents every variable the tier writes', () => {
    expect([...written].filter((n) => !documented.includes(n)).sort()).toEqual([]);
  });

  it('§2 lists nothing the tier does not write', () => {
    expect(documented.filter((n) => !written.has(n)).sort()).toEqual([]);
  });

  it('states the contract version the code writes', () => {
    expect(DOC).toContain(`**Contract version ${CONTRACT_VERSION}.**`);
  });

  it('has the numbered sections the conformance kit names, in order', () => {
    const headings = [...DOC.matchAll(/^## §(\d+) /gm)].map((m) => Number(m[1]));
    expect(headings).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
  });
});
