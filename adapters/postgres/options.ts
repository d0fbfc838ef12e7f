/**
 * The statement bound's option (SEC-2) and the checks of whole-number options; the bound itself is
 * `adapters/shared/bounded.ts`.
 *
 * @packageDocumentation
 */

/** The default bound, in milliseconds. @internal */
const STATEMENT_TIMEOUT_MS = 5_000;

/**
 * Check a whole-number option.
 * @throws TypeError when it is not an integer of at least 1.
 * @internal
 */
export function checkPositive(caller: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${caller}: \`${name}\` must be a whole number of at least 1`);
  }
}

/**
 * The `statementTimeoutMs` option with its default, checked.
 * @throws TypeError when it is neither `false` nor a whole number of at least 1.
 * @internal
 */
export function timeoutOf(caller: string, option: number | false | undefined): number | false {
  const timeout = option ?? STATEMENT_TIMEOUT_MS;
  if (timeout !== false) checkPositive(caller, 'statementTimeoutMs', timeout);
  return timeout;
}
