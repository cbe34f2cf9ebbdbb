/**
 * Small helpers shared by the CDK renderer. Not exported from the package.
 */
import { Duration } from 'aws-cdk-lib';

/** A resolved field the planner always fills for this cell kind; a missing one is a library bug. */
export function required<T>(value: T | undefined, field: string, cellName: string): T {
  if (value === undefined) {
    throw new Error(`websocket-tier internal error: cell "${cellName}" has no resolved ${field}; please report this with your tier config.`);
  }
  return value;
}

/** Seconds (plain number from the plan) to a CDK Duration. */
export function seconds(value: number): Duration {
  return Duration.seconds(value);
}

/** 'true' / 'false' as ELB attribute values. */
export function attr(value: boolean): string {
  return value ? 'true' : 'false';
}
