/**
 * A rolling release on the local twin (issue 13's end-to-end release): K = 210 clients over 3
 * nodes running "old code", every node replaced one at a time by a node running "new code" (a
 * different APP_BUILD_ID, which the chat server echoes in `whoami`). Asserts: every client ends on
 * the new build, no message is lost or repeated (sequence check), and the measured peak reconnect
 * rate stays within 2× what planRelease() predicts for the twin's tier. The scenario is
 * bench/release.ts (which also writes bench/results/release-twin.json); every wait in it is on an
 * event or a bounded condition.
 */
import { runTwinRelease, type TwinReleaseResult } from '../../bench/release';

jest.setTimeout(300_000);

const K = 210;
let result: TwinReleaseResult;
beforeAll(async () => {
  result = await runTwinRelease({
    clients: K,
    nodes: 3,
    onProgress: process.env.WST_E2E_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
  });
}, 300_000);

test('every old node is replaced, one at a time, by a node on the new build', () => {
  const batches = result.measured.batches;
  expect(batches.map((b) => b.oldNode)).toEqual(['n1', 'n2', 'n3']);
  // The twin reuses a drained node's slot for the next new node: n4, then n1's slot, then n2's.
  expect(batches.map((b) => b.newNode)).toEqual(['n4', 'n1', 'n2']);
  // Each drained node held clients (leastconn spread them over the three).
  for (const b of batches) expect(b.clients).toBeGreaterThan(0);
});

test('every client ends on new code', () => {
  expect(result.measured.builds).toEqual({ v2: K });
  expect(result.measured.clientsOnNewCode).toBe(K);
});

test('no message is lost or delivered twice', () => {
  expect(result.measured.messagesSent).toBeGreaterThan(0);
  expect(result.measured.lostDeliveries).toBe(0);
  expect(result.measured.duplicatedDeliveries).toBe(0);
});

test('the measured peak reconnect rate is within 2× the release plan’s prediction', () => {
  // Plan: 210 clients over 3 instances = 70 per instance, batch 1, 6 s window → 70 ÷ 6 = 11.67 clients/s.
  expect(result.predicted.clientsPerInstance).toBe(70);
  expect(result.predicted.peakReconnectsPerSecond).toBeCloseTo(70 / 6, 9);
  expect(result.measured.peakReconnectsPerSecond).toBeGreaterThan(0);
  expect(result.measured.peakReconnectsPerSecond).toBeLessThanOrEqual(2 * result.predicted.peakReconnectsPerSecond);
});
