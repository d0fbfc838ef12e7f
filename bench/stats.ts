/**
 * Summaries of repeated measurements.
 *
 * @packageDocumentation
 */

/** The median and the range of a series of measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** How many measurements. */
  n: number;
}

/**
 * Summarise measurements.
 * @param values - at least one number.
 * @returns median, min and max.
 * @throws TypeError on an empty series.
 */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new TypeError('summarise: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/**
 * A whole number with thousands separators.
 * @param n - the number.
 * @returns e.g. `12,345`.
 */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * `median (min-max)`, or just the median for a single measurement.
 * @param s - the summary.
 * @returns the text.
 */
export function formatSummary(s: Summary): string {
  if (s.n === 1) return formatCount(s.median);
  return `${formatCount(s.median)} (${formatCount(s.min)}-${formatCount(s.max)})`;
}

/**
 * A ratio of medians, as `1.23x`.
 * @param a - numerator.
 * @param b - denominator.
 * @returns the text, or `-` when the denominator is missing or zero.
 */
export function formatRatio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || b === 0) return '-';
  return `${(a / b).toFixed(2)}x`;
}
