import * as fc from 'fast-check';
import {
  closeReason,
  connectionLifetimeMs,
  drainOffsets,
  emfRecord,
  isLeavingState,
  MAX_CLOSE_REASON_BYTES,
  originAllowed,
  parseUdpEndpoint,
  shedCount,
} from '../../lib/runtime';
import { CONNECTION_GAUGE } from '../../lib/core';

describe('drainOffsets', () => {
  test('every offset lies inside the window and there is one per socket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 100_000 }), (n, w) => {
        const offsets = drainOffsets(n, w);
        expect(offsets).toHaveLength(n);
        for (const o of offsets) expect(o >= 0 && (o < w || w === 0)).toBe(true);
      }),
    );
  });

  test('closes are stratified: each slice of window/count holds exactly one close', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1000, max: 600_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, w, r) => {
          let i = 0;
          const random = () => (r + i++ * 0.6180339887) % 1;
          const slice = w / n;
          const perSlice = new Array(n).fill(0);
          for (const o of drainOffsets(n, w, random)) perSlice[Math.min(n - 1, Math.floor(o / slice))]++;
          // floor() may move an offset across a slice edge by < 1 ms; allow a neighbour to hold 2.
          expect(Math.max(...perSlice)).toBeLessThanOrEqual(2);
          expect(perSlice.reduce((a, b) => a + b, 0)).toBe(n);
        },
      ),
    );
  });

  test('peak closes per second stay within 2x the uniform rate', () => {
    const n = 600;
    const w = 60_000;
    const buckets = new Map<number, number>();
    for (const o of drainOffsets(n, w)) buckets.set(Math.floor(o / 1000), (buckets.get(Math.floor(o / 1000)) ?? 0) + 1);
    expect(Math.max(...buckets.values())).toBeLessThanOrEqual((2 * n) / (w / 1000));
  });

  test('a zero window closes everything at offset 0; bad input is refused', () => {
    expect(drainOffsets(3, 0)).toEqual([0, 0, 0]);
    expect(() => drainOffsets(-1, 10)).toThrow(/count is -1/);
    expect(() => drainOffsets(1, -5)).toThrow(/windowMs is -5/);
  });
});

describe('closeReason', () => {
  test('is JSON with the retry hint and fits in 123 bytes', () => {
    const text = closeReason({ retryAfterMs: 1500, why: 'drain' });
    expect(JSON.parse(text)).toEqual({ retryAfterMs: 1500, why: 'drain' });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
  });
  test('refuses a reason over 123 bytes and a non-integer hint', () => {
    expect(() => closeReason({ retryAfterMs: 1, why: 'x'.repeat(120) })).toThrow(/at most 123/);
    expect(() => closeReason({ retryAfterMs: 1.5 })).toThrow(/retryAfterMs is 1.5/);
  });
});

describe('connectionLifetimeMs', () => {
  test('lies in (max - dither, max]', () => {
    expect(connectionLifetimeMs(60_000, 6_000, () => 0)).toBe(60_000);
    expect(connectionLifetimeMs(60_000, 6_000, () => 0.5)).toBe(57_000);
  });
});

describe('shedCount', () => {
  test('nothing to shed at or under fair share x (1 + tolerance)', () => {
    expect(shedCount(110, [110, 90, 100], { tolerance: 0.1 })).toBe(0);
    expect(shedCount(100, [100], {})).toBe(0);
  });
  test('sheds the excess, at most the rate bound per interval, at least one', () => {
    // fair = 100; excess 100; 1% of 200 = 2
    expect(shedCount(200, [200, 50, 50], { tolerance: 0.1, maxShedFraction: 0.01 })).toBe(2);
    // excess 1 bound 1
    expect(shedCount(12, [12, 9], { tolerance: 0.05, maxShedFraction: 0.01 })).toBe(1);
    // large fraction: bounded by excess (fair 40 → excess 20)
    expect(shedCount(60, [60, 20], { tolerance: 0.1, maxShedFraction: 1 })).toBe(20);
  });
  test('property: never sheds below fair share, never more than the bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 2, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (counts, frac) => {
          const own = counts[0];
          const n = shedCount(own, counts, { tolerance: 0.1, maxShedFraction: frac });
          const fair = counts.reduce((a, b) => a + b, 0) / counts.length;
          if (n > 0) expect(own - n).toBeGreaterThanOrEqual(Math.ceil(fair));
          else expect(own <= fair * 1.1 || own === 0).toBe(true);
          expect(n).toBeLessThanOrEqual(Math.max(1, Math.floor(own * frac)));
        },
      ),
    );
  });
});

describe('emfRecord', () => {
  test('uses the connection gauge namespace, metric and dimension the scaling policy tracks', () => {
    const rec = JSON.parse(emfRecord({ connections: 42, autoScalingGroupName: 'asg-1', timestampMs: 1000 }));
    expect(rec._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: CONNECTION_GAUGE.namespace,
      Dimensions: [[CONNECTION_GAUGE.dimensions[0].name]],
      Metrics: [{ Name: CONNECTION_GAUGE.metricName, Unit: 'Count', StorageResolution: 60 }],
    });
    expect(rec[CONNECTION_GAUGE.dimensions[0].name]).toBe('asg-1');
    expect(rec[CONNECTION_GAUGE.metricName]).toBe(42);
    expect(rec._aws.LogGroupName).toBeUndefined();
  });
  test('endpoint parsing names the bad value', () => {
    expect(parseUdpEndpoint('udp://127.0.0.1:25888')).toEqual({ host: '127.0.0.1', port: 25888 });
    expect(() => parseUdpEndpoint('tcp://x:1')).toThrow(/udp:\/\/host:port/);
  });
});

describe('originAllowed', () => {
  test.each([
    ['https://app.example.com', ['https://app.example.com'], true],
    ['https://evil.com', ['https://app.example.com'], false],
    ['https://a.example.com', ['https://*.example.com'], true],
    ['https://example.com.evil.com', ['https://*.example.com'], false],
    ['http://a.example.com', ['https://*.example.com'], false],
    ['https://anything', ['*'], true],
  ])('%s against %j → %s', (origin, allowed, expected) => {
    expect(originAllowed(origin, allowed)).toBe(expected);
  });
});

test('leaving lifecycle states', () => {
  expect(isLeavingState('Terminated')).toBe(true);
  expect(isLeavingState('Warmed:Stopped')).toBe(true);
  expect(isLeavingState('InService')).toBe(false);
});
