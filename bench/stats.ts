/**
 * Summaries of repeated measurements.
 *
 * @packageDocumentation
 */

/** The median, the quartiles and the range of a series of measurements. */
export interface Summary {
  median: number;
  /** First and third quartiles (linear interpolation between the sorted values). */
  q1: number;
  q3: number;
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
  const at = (q: number) => {
    const i = q * (sorted.length - 1);
    const lo = Math.floor(i);
    return sorted[lo]! + (sorted[Math.ceil(i)]! - sorted[lo]!) * (i - lo);
  };
  return {
    median: at(0.5),
    q1: at(0.25),
    q3: at(0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    n: sorted.length,
  };
}

/**
 * A summary of ratios, as `1.23x (IQR 1.10-1.31, 0.98-1.40)`: the median, the interquartile range and
 * the range.
 * @param s - the summary of the ratios.
 * @returns the text.
 */
export function formatRatioSummary(s: Summary): string {
  const x = (v: number) => v.toFixed(2);
  if (s.n === 1) return `${x(s.median)}x`;
  return `${x(s.median)}x (IQR ${x(s.q1)}-${x(s.q3)}, ${x(s.min)}-${x(s.max)})`;
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
