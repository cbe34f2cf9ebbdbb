import * as fc from 'fast-check';
import { parseRetryHint, ReconnectPolicy, reconnectDelayMs } from '../../lib/client';

const fixed = (v: number) => () => v;

describe('reconnectDelayMs (full jitter, injected random)', () => {
  test('abnormal close: random × min(cap, base × 2^attempt)', () => {
    const o = { baseMs: 1000, capMs: 30_000 };
    expect(reconnectDelayMs(0, { code: 1006 }, o, fixed(0.5))).toBe(500);
    expect(reconnectDelayMs(3, { code: 1006 }, o, fixed(0.5))).toBe(4000);
    expect(reconnectDelayMs(10, { code: 1006 }, o, fixed(0.5))).toBe(15_000); // capped at 30 s
    expect(reconnectDelayMs(10, {}, o, fixed(0))).toBe(0);
  });

  test('property: 0 ≤ delay ≤ cap for abnormal closes, whatever the attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (attempt, r) => {
        const d = reconnectDelayMs(attempt, { code: 1006 }, { baseMs: 100, capMs: 5000 }, fixed(r));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(5000);
      }),
    );
  });

  test('1001 and 1012 wait U(0, hint), independent of the attempt', () => {
    const reason = JSON.stringify({ retryAfterMs: 2000, why: 'drain' });
    expect(reconnectDelayMs(7, { code: 1001, reason }, {}, fixed(0.25))).toBe(500);
    expect(reconnectDelayMs(0, { code: 1012, reason }, {}, fixed(0.75))).toBe(1500);
    // no hint → U(0, base)
    expect(reconnectDelayMs(9, { code: 1001 }, { baseMs: 400 }, fixed(0.5))).toBe(200);
  });

  test('1013 waits at least the hint, plus the next attempt’s jitter', () => {
    const reason = JSON.stringify({ retryAfterMs: 3000 });
    expect(reconnectDelayMs(0, { code: 1013, reason }, { baseMs: 1000 }, fixed(0))).toBe(3000);
    expect(reconnectDelayMs(0, { code: 1013, reason }, { baseMs: 1000 }, fixed(0.5))).toBe(4000);
  });

  test('a hint above maxRetryAfterMs is clamped; a malformed reason is ignored', () => {
    const reason = JSON.stringify({ retryAfterMs: 10_000_000 });
    expect(reconnectDelayMs(0, { code: 1001, reason }, { maxRetryAfterMs: 5000 }, fixed(0.5))).toBe(2500);
    expect(parseRetryHint('not json')).toBeUndefined();
    expect(parseRetryHint('{"retryAfterMs":-1}')).toBeUndefined();
    expect(parseRetryHint('{"retryAfterMs":250}')).toBe(250);
  });

  test('bad options name the field', () => {
    expect(() => reconnectDelayMs(0, {}, { baseMs: 0 })).toThrow(/baseMs is 0/);
    expect(() => reconnectDelayMs(0, {}, { baseMs: 100, capMs: 10 })).toThrow(/capMs is 10/);
  });
});

describe('ReconnectPolicy', () => {
  test('backoff grows on repeated failures and resets only after the minimum uptime', () => {
    let now = 0;
    const p = new ReconnectPolicy({ baseMs: 100, capMs: 10_000, minUptimeMs: 5000 }, fixed(0.5), () => now);
    expect(p.next({ code: 1006 })).toBe(50);
    expect(p.next({ code: 1006 })).toBe(100);
    expect(p.next({ code: 1006 })).toBe(200);
    // open briefly then drop: no reset
    p.opened();
    now += 1000;
    expect(p.next({ code: 1006 })).toBe(400);
    // open long enough: reset
    p.opened();
    now += 5000;
    expect(p.next({ code: 1006 })).toBe(50);
  });

  test('terminal codes and maxAttempts stop reconnecting', () => {
    const p = new ReconnectPolicy({ maxAttempts: 2 }, fixed(0.5));
    expect(p.next({ code: 1008 })).toBeUndefined();
    expect(p.next({ code: 4001 })).toBeUndefined();
    expect(p.next({})).toBeDefined();
    expect(p.next({})).toBeDefined();
    expect(p.next({})).toBeUndefined();
  });

  test('planned closes (1001) do not grow the attempt counter', () => {
    const p = new ReconnectPolicy({}, fixed(0.5));
    p.next({ code: 1001 });
    p.next({ code: 1001 });
    expect(p.attempt).toBe(0);
    p.next({ code: 1013 });
    expect(p.attempt).toBe(1);
  });
});
