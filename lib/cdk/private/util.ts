/**
 * Small helpers shared by the CDK renderer. Not exported from the package.
 */
import { Duration } from 'aws-cdk-lib';

/** Seconds (plain number from the plan) to a CDK Duration. */
export function seconds(value: number): Duration {
  return Duration.seconds(value);
}

/** 'true' / 'false' as ELB attribute values. */
export function attr(value: boolean): string {
  return value ? 'true' : 'false';
}
