/**
 * Validation of the manager's options: programmer misuse throws a `TypeError` that says what to do.
 *
 * @packageDocumentation
 */

/** @internal A positive, finite number, or a TypeError naming the option. */
export function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive, finite number`);
  }
  return value;
}

/** @internal A non-negative, finite number, or a TypeError naming the option. */
export function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative, finite number`);
  }
  return value;
}

/** @internal A non-empty user id, or a TypeError. */
export function requireUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0)
    throw new TypeError('userId must be a non-empty string');
}

/** @internal LC-12: the cap as the committer uses it, or `null` when turned off (`false`). */
export function userCap(
  option: number | { max: number; onExceed?: 'end-oldest' | 'refuse' } | false | undefined,
  byDefault: number,
): { max: number; onExceed: 'end-oldest' | 'refuse' } | null {
  if (option === false) return null;
  const { max, onExceed = 'end-oldest' } =
    option === undefined ? { max: byDefault } : typeof option === 'number' ? { max: option } : option;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError('maxSessionsPerUser must be a positive integer, or false for no cap');
  if (onExceed !== 'end-oldest' && onExceed !== 'refuse') {
    throw new TypeError("maxSessionsPerUser.onExceed must be 'end-oldest' or 'refuse'");
  }
  return { max, onExceed };
}
