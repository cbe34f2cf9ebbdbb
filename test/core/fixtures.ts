/**
 * Shared builders for the pure core tests (not a test file: jest only runs `*.test.ts`).
 */
import type { CellConfig, TierConfig } from '../../lib/core';

/** The smallest valid tier: one ALB cell named `a`. */
export const BASE: TierConfig = { domainName: 'ws.example.com', cells: [{ name: 'a' }] };

export const alb = (name = 'a', extra: Partial<CellConfig> = {}): CellConfig => ({ name, loadBalancerType: 'application', ...extra });
export const nlbTls = (name = 'n', extra: Partial<CellConfig> = {}): CellConfig => ({
  name,
  loadBalancerType: 'network',
  nlbListenerProtocol: 'TLS',
  ...extra,
});
export const nlbTcp = (name = 't', extra: Partial<CellConfig> = {}): CellConfig => ({
  name,
  loadBalancerType: 'network',
  nlbListenerProtocol: 'TCP',
  ...extra,
});

/** BASE with top-level fields replaced. */
export function tier(overrides: Partial<TierConfig> = {}): TierConfig {
  return { ...BASE, ...overrides };
}

/** A late-bound marker (stands in for a CDK token or a Pulumi output). */
export const LATE: unknown = Object.freeze({ lateBound: true });
/** A late-bound number, shaped like a CDK number token. */
export const LATE_NUMBER = -1.8881545897087626e289;
/** The predicate that recognises both markers. */
export const isLate = (v: unknown): boolean => v === LATE || v === LATE_NUMBER;

/** Cast a late-bound marker to the type a field expects. */
export function late<T>(marker: unknown = LATE): T {
  return marker as T;
}
