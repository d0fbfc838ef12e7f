/**
 * The tables the SQLite store keeps, by name: the sessions table (one row per session, the user index
 * as an indexed column) and the locks table (CC-5), with the statements that create and drop them. The
 * layout is the PostgreSQL store's: the same columns, the same indexes, the same derived names.
 * `docs/sqlite.md` prints what {@link schemaSql} answers for the default name.
 *
 * @packageDocumentation
 */

/** The default table name. */
export const DEFAULT_TABLE = 'sessionspec_sessions';

/** Longest table name, as for PostgreSQL, so one name suits both stores. */
const MAX_TABLE = 48;

/** A name kept as written once double-quoted, with nothing to escape. @internal */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Every name the store uses, double-quoted. @internal */
export interface Names {
  /** The sessions table. */
  readonly table: string;
  /** The locks table (CC-5). */
  readonly locks: string;
  /** The index names. */
  readonly userIndex: string;
  readonly expiryIndex: string;
  /** The table's name as given, for messages and inspection keys. */
  readonly label: string;
}

/**
 * Check and quote the table name.
 * @param table - a letter or `_`, then letters, digits, `_` or `-`, at most 48 characters. Kept as
 *   written: it is always double-quoted.
 * @returns the names.
 * @throws TypeError when the name has another form.
 * @internal
 */
export function namesOf(table: string): Names {
  if (typeof table !== 'string' || !NAME.test(table) || table.length > MAX_TABLE) {
    throw new TypeError(
      `createSqliteStore: \`table\` must be a letter or _ then letters, digits, _ or -, at most ${MAX_TABLE} characters, not ${JSON.stringify(table)}`,
    );
  }
  return {
    table: `"${table}"`,
    locks: `"${table}_locks"`,
    userIndex: `"${table}_user"`,
    expiryIndex: `"${table}_expiry"`,
    label: table,
  };
}

/**
 * The statements that create both tables and their indexes, if absent. `filing` is the row's
 * `INTEGER PRIMARY KEY` (its rowid, which `VACUUM` keeps): a new row gets a number above every row
 * present, so a paged listing follows filing order (store contract 2, CK-6). The record is kept as
 * text, exactly as encoded (ST-6).
 * @internal
 */
export function schemaSql(names: Names): string {
  return `CREATE TABLE IF NOT EXISTS ${names.table} (
  filing     INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL UNIQUE,
  user_id    TEXT,
  expires_at REAL NOT NULL,
  write_id   TEXT,
  record     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ${names.userIndex} ON ${names.table} (user_id, filing) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${names.expiryIndex} ON ${names.table} (expires_at);
CREATE TABLE IF NOT EXISTS ${names.locks} (
  name  TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until REAL NOT NULL
);`;
}

/** The statements that drop both tables (and with them the indexes). @internal */
export function dropSql(names: Names): string {
  return `DROP TABLE IF EXISTS ${names.locks};
DROP TABLE IF EXISTS ${names.table};`;
}
