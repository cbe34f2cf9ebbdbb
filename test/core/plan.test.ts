import { errorsOf, formatIssues, planTier, resolveTier, TierConfigError, type TierConfig, validateTier, warningsOf } from '../../lib/core';
import { isLate, LATE_NUMBER, tier } from './fixtures';

const BAD: TierConfig = tier({
  cells: [{ name: 'a', weight: 256 }, { name: 'a' }],
  connection: { pingIntervalSeconds: 200, albIdleTimeoutSeconds: 4001 },
  scaling: { minHealthyPercentage: 90 }, // a warning: must not appear in the error
});

function thrown(fn: () => unknown): TierConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TierConfigError) return e;
    throw new Error(`expected TierConfigError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected planTier to throw');
}

describe('planTier', () => {
  it('throws TierConfigError whose message starts with `where`', () => {
    const e = thrown(() => planTier('MyStack/Chat', BAD));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TierConfigError');
    expect(e.message.startsWith('MyStack/Chat: invalid WebSocket tier configuration')).toBe(true);
  });

  it('lists every error with its path and code, one per line, and counts them', () => {
    const e = thrown(() => planTier('MyStack/Chat', BAD));
    const errors = errorsOf(validateTier(BAD));
    expect(errors.length).toBe(3);
    expect(e.message).toContain(`(${errors.length} problems)`);
    for (const i of errors) {
      // the path once: messages start with it, so the formatter does not repeat it
      expect(i.message.startsWith(i.path)).toBe(true);
      expect(e.message).toContain(`  - ${i.message} [${i.code}]`);
    }
    expect(e.message.split('\n')).toHaveLength(1 + errors.length);
  });

  it('carries the errors (not the warnings) as issues', () => {
    const e = thrown(() => planTier('X', BAD));
    expect(e.issues).toEqual(errorsOf(validateTier(BAD)));
    expect(e.issues.every((i) => i.severity === 'error')).toBe(true);
    expect(e.message).not.toContain('terminate-before-launch');
  });

  it('says "1 problem" for a single error', () => {
    const e = thrown(() => planTier('X', tier({ server: { port: 22 } })));
    expect(e.message).toMatch(/^X: invalid WebSocket tier configuration \(1 problem\):\n {2}- server\.port is 22.*\[server-port-ssh\]$/);
  });

  it('returns the resolved tier and the warnings separately when there are no errors', () => {
    const config = tier({ scaling: { minHealthyPercentage: 90 }, connection: { albIdleTimeoutSeconds: 40 } });
    const plan = planTier('X', config);
    expect(plan.tier).toEqual(resolveTier(config));
    expect(plan.warnings).toEqual(warningsOf(validateTier(config)));
    expect(plan.warnings.map((w) => w.code).sort()).toEqual(['alb-idle-below-two-pings', 'terminate-before-launch']);
  });

  it('has no warnings for the minimal tier', () => {
    expect(planTier('X', tier()).warnings).toEqual([]);
  });

  it('passes isUnresolved to validation', () => {
    const config = tier({ connection: { albIdleTimeoutSeconds: LATE_NUMBER } });
    expect(() => planTier('X', config)).toThrow(TierConfigError);
    expect(() => planTier('X', config, isLate)).not.toThrow();
  });

  it('formatIssues ignores warnings', () => {
    const issues = validateTier(BAD);
    expect(warningsOf(issues).length).toBeGreaterThan(0);
    expect(formatIssues('W', issues)).toBe(formatIssues('W', errorsOf(issues)));
  });
});
