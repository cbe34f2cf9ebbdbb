/** Number formatting shared by the planner's messages and tables. */

/** A whole number with thousands separators (`2,000,000`). */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
