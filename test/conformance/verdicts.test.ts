/**
 * The kit's verdicts on observations, table-driven: each one passes a conforming observation and
 * fails a non-conforming one with a detail that says what the server did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHECKS,
  closeCodesVerdict,
  gaugeVerdict,
  healthFlipVerdict,
  keepAliveVerdict,
  pacingVerdict,
  parseGaugeDatagram,
  pingVerdict,
} from '../../lib/conformance';
import { drainOffsets, emfRecord } from '../../lib/runtime';

test('every check names a contract section that docs/server-contract.md has, by its heading', () => {
  expect(CHECKS.map((c) => c.id)).toHaveLength(new Set(CHECKS.map((c) => c.id)).size);
  const headings = new Set(
    [...readFileSync(join(__dirname, '../../docs/server-contract.md'), 'utf8').matchAll(/^## (§\d+ .+)$/gm)].map((m) => m[1].trim()),
  );
  for (const c of CHECKS) {
    for (const section of c.section.split(', '))
      expect([c.id, headings.has(section) ? section : `missing: ${section}`]).toEqual([c.id, section]);
  }
});

describe('pacing: peak per bin of 2 × window / n at most 4', () => {
  test.each([
    ['the runtime schedule (stratified jitter)', drainOffsets(10, 4000), true],
    ['uniform', Array.from({ length: 10 }, (_, i) => i * 400), true],
    ['all at once', Array(10).fill(20), false],
    ['all in the first second of a 4 s window', Array.from({ length: 10 }, (_, i) => i * 100), false],
    ['all at the end of the window', Array(10).fill(3990), false],
  ])('%s', (_name, closes, pass) => {
    expect(pacingVerdict(closes, 4000, 10).pass).toBe(pass);
  });
  test('fewer than 4 sockets cannot be judged', () => {
    expect(pacingVerdict([0, 1000], 4000, 2)).toEqual({ pass: false, detail: expect.stringMatching(/at least 4/) });
  });
  test('no close at all', () => {
    expect(pacingVerdict([], 4000, 10).detail).toMatch(/none of the 10 sockets was closed/);
  });
});

describe('health flip', () => {
  test('503 before the first close passes; a racing 200 before it is tolerated', () => {
    expect(
      healthFlipVerdict(
        [
          { sentAtMs: 0, status: 200 },
          { sentAtMs: 5, status: 503 },
          { sentAtMs: 400, status: 503 },
        ],
        300,
        3000,
      ).pass,
    ).toBe(true);
  });
  test('200 after the first close fails, naming when', () => {
    const v = healthFlipVerdict(
      [
        { sentAtMs: 0, status: 200 },
        { sentAtMs: 350, status: 200 },
      ],
      300,
      3000,
    );
    expect(v).toEqual({ pass: false, detail: expect.stringMatching(/sent at 0\.35 s answered 200, after the first close at 0\.30 s/) });
  });
  test('refusing health mid-drain fails; refusing it after the last close is the exit', () => {
    expect(
      healthFlipVerdict(
        [
          { sentAtMs: 0, status: 503 },
          { sentAtMs: 1000, error: 'ECONNREFUSED' },
        ],
        300,
        3000,
      ).pass,
    ).toBe(false);
    expect(
      healthFlipVerdict(
        [
          { sentAtMs: 0, status: 503 },
          { sentAtMs: 3000, error: 'ECONNREFUSED' },
        ],
        300,
        3000,
      ).pass,
    ).toBe(true);
  });
  test('never 503 fails', () => {
    expect(healthFlipVerdict([{ sentAtMs: 0, status: 200 }], 20, 20).detail).toMatch(/no probe answered 503/);
  });
});

describe('pings', () => {
  test.each([
    [[900, 1900, 2900], true],
    [[], false],
    [[900], false],
    [[900, 4000], false],
  ])('%j', (pings, pass) => {
    expect(pingVerdict(pings, 1000, 2000, 6000).pass).toBe(pass);
  });
});

describe('keep-alive', () => {
  test.each([
    ['open past the idle timeout', { headers: {}, firstStatus: 200, secondStatus: 200 }, true],
    ['Connection: close on every response', { headers: { connection: 'close' }, firstStatus: 200, closedAfterMs: 1 }, true],
    [
      'closed silently inside the idle timeout (Node default 5 s)',
      { headers: { 'keep-alive': 'timeout=5' }, firstStatus: 200, closedAfterMs: 5000 },
      false,
    ],
    [
      'advertises a keep-alive timeout at or below the idle timeout',
      { headers: { 'keep-alive': 'timeout=10' }, firstStatus: 200, secondStatus: 200 },
      false,
    ],
    ['no answer', { headers: {}, error: 'ECONNREFUSED' }, false],
  ])('%s', (_name, o, pass) => {
    expect(keepAliveVerdict(o, 10_000).pass).toBe(pass);
  });
});

describe('close codes', () => {
  test('1001 and 1012 with a hint pass; 1006, 1000 or no hint fail', () => {
    expect(
      closeCodesVerdict([
        { code: 1001, reason: '{"retryAfterMs":1000,"why":"drain"}' },
        { code: 1012, reason: '{"retryAfterMs":0}' },
      ]).pass,
    ).toBe(true);
    expect(closeCodesVerdict([{ code: 1001, reason: 'bye' }]).detail).toMatch(/1 of 1 closes .* 1001 "bye"/);
    expect(closeCodesVerdict([{ code: 1006, reason: '' }]).pass).toBe(false);
    expect(closeCodesVerdict([{ code: 1000, reason: '{"retryAfterMs":1}' }]).pass).toBe(false);
    expect(closeCodesVerdict([]).pass).toBe(false);
  });
});

describe('gauge', () => {
  test("the runtime's EMF record parses; other datagrams are errors", () => {
    const record = emfRecord({ connections: 7, autoScalingGroupName: 'g', timestampMs: 0 });
    expect(parseGaugeDatagram(record, 'WebSocketTier', 'ActiveConnections')).toEqual({ value: 7 });
    expect(parseGaugeDatagram(record, 'Other', 'ActiveConnections')).toHaveProperty('error');
    expect(parseGaugeDatagram('hello', 'WebSocketTier', 'ActiveConnections')).toHaveProperty('error');
  });
  test('late or missing counts fail, naming what the datagrams said', () => {
    expect(gaugeVerdict([{ expected: 3, latencyMs: 100, seen: [3] }], [], 1000).pass).toBe(true);
    expect(gaugeVerdict([{ expected: 3, latencyMs: 1500, seen: [2, 3] }], [], 1000).pass).toBe(false);
    expect(gaugeVerdict([{ expected: 3, seen: [2, 2] }], [], 1000).detail).toMatch(
      /count 3 not reported within 1\.00 s \(datagrams said 2\)/,
    );
    expect(gaugeVerdict([], ['not JSON'], 1000).pass).toBe(false);
  });
});
