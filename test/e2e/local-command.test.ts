import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { readTierConfig, registerLocalCommand, runLocal } from '../../lib/cli/local';

jest.setTimeout(60_000);

test('registerLocalCommand adds `local` with its options', () => {
  const program = new Command('websocket-tier');
  registerLocalCommand(program);
  const local = program.commands.find((c) => c.name() === 'local');
  expect(local).toBeDefined();
  expect(local!.options.map((o) => o.long)).toEqual(['--config', '--cell', '--nodes', '--max-nodes', '--port', '--server', '--verbose']);
});

test('runLocal starts the twin from a tier config file, reports progress, and the health path answers through HAProxy', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-local-'));
  const file = path.join(dir, 'tier.json');
  fs.writeFileSync(file, JSON.stringify({ domainName: 'ws.example.com', cells: [{ name: 'x' }], healthCheck: { path: '/ready' } }));
  const lines: string[] = [];
  const twin = await runLocal({ config: file, nodes: '1' }, (l) => lines.push(l), false);
  try {
    expect(lines.some((l) => /local twin ready/.test(l))).toBe(true);
    expect(twin.haproxyConfig).toContain('option httpchk GET /ready');
    expect(twin.haproxyConfig).toContain('backend cell_x');
    const res = await fetch(`${twin.url}/ready`);
    expect(res.status).toBe(200);
  } finally {
    await twin.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input is refused with the field named', async () => {
  expect(() => readTierConfig('/nonexistent/tier.json')).toThrow(/--config \/nonexistent\/tier.json: no such file/);
  await expect(runLocal({ nodes: 'two' }, () => undefined, false)).rejects.toThrow(/--nodes is "two"/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-local-'));
  const file = path.join(dir, 'tier.json');
  fs.writeFileSync(file, JSON.stringify({ domainName: 'Not A Domain', cells: [{ name: 'x' }] }));
  await expect(runLocal({ config: file, nodes: '1' }, () => undefined, false)).rejects.toThrow(/domainName/);
  fs.rmSync(dir, { recursive: true, force: true });
});
