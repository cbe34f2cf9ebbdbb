/**
 * `TierConfigError` reads like aws-cdk-lib's errors: the compact list first, one frame (the
 * caller's), no `issues: [...]` dump after the stack, and `issues` still there for code.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as util from 'node:util';
import { planTier, TierConfigError, type TierConfig } from '../../lib/core';

const BAD: TierConfig = {
  domainName: 'ws.example.com',
  cells: [{ name: 'a', weight: 256 }, { name: 'a' }],
};

function thrown(): TierConfigError {
  try {
    planTier('MyStack/Chat', BAD);
  } catch (e) {
    if (e instanceof TierConfigError) return e;
    throw e;
  }
  throw new Error('expected planTier to throw');
}

describe('TierConfigError', () => {
  test('String(err) and err.stack start with the compact list; the stack adds only the caller frame', () => {
    const e = thrown();
    const messageLines = e.message.split('\n').length;
    expect(e.message).toMatch(/^MyStack\/Chat: invalid WebSocket tier configuration \(2 problems\):\n {2}- /);
    expect(String(e)).toBe(`TierConfigError: ${e.message}`);
    expect(e.stack!.startsWith(`TierConfigError: ${e.message}\n`)).toBe(true);
    const stackLines = e.stack!.split('\n');
    expect(stackLines).toHaveLength(messageLines + 1);
    // The one frame is the caller's (this file), not planTier's internals.
    expect(stackLines[stackLines.length - 1]).toMatch(/^\s+at .*issues\.test\.ts:\d+:\d+/);
  });

  test('issues stay available to code but are not printed again by util.inspect', () => {
    const e = thrown();
    expect(e.issues.map((i) => i.code).sort()).toEqual(['cell-name-duplicate', 'out-of-range']);
    expect(e.issues.every((i) => i.severity === 'error')).toBe(true);
    expect(Object.keys(e)).not.toContain('issues');
    const printed = util.inspect(e);
    expect(printed).not.toMatch(/issues:/);
    expect(printed.split('\n').length).toBeLessThanOrEqual(e.message.split('\n').length + 2);
  });

  test('an uncaught TierConfigError prints the list and a few lines more, not a stack and an issues dump', () => {
    const root = path.resolve(__dirname, '../..');
    const script = `require('./lib/core').planTier('MyStack/Chat', ${JSON.stringify(BAD)});`;
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    const stderr = r.stderr.trim();
    expect(stderr).toContain('TierConfigError: MyStack/Chat: invalid WebSocket tier configuration (2 problems):');
    expect(stderr).not.toMatch(/issues:/);
    // Node adds the throw site with a caret (3 lines), the frame, and its version line; nothing else.
    const listLines = 3;
    expect(stderr.split('\n').length).toBeLessThanOrEqual(listLines + 8);
  });
});
