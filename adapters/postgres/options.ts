/**
 * The statement bound's option (SEC-2) and the checks of whole-number options; the bound itself is
 * `adapters/shared/bounded.ts`.
 *
 * @packageDocumentation
 */
import { TTL_ADVICE } from '../shared/options.js';

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

/** connect-pg-simple's options, and what to write instead. @internal */
export const CONNECT_PG_SIMPLE: Readonly<Record<string, string>> = {
  pool: 'the pg Pool is `client`',
  conString: 'create a pg Pool from the connection string and pass it as `client`',
  conObject: 'create a pg Pool from these settings and pass it as `client`',
  tableName: "the table is `table` (give sessionspec a table of its own, not connect-pg-simple's)",
  schemaName: 'the schema is `schema`',
  ttl: TTL_ADVICE,
  createTableIfMissing: 'create the tables once with createPostgresSchema({ client })',
  pruneSessionInterval: 'call manager.purgeExpired() on a timer (docs/postgres.md)',
  errorLog: 'store errors reach the manager, which fails the request closed (STORE_UNAVAILABLE)',
  disableTouch: 'touches are throttled already (`touchEvery` on createSessionManager)',
  pgPromise: 'pass the pg Pool or postgres.js client itself as `client`',
};
