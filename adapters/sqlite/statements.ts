/**
 * The SQL of the store's operations, one statement each, or two inside one `BEGIN IMMEDIATE`
 * transaction where an outcome must be read and acted on in one step (the write, a paged revoke). The
 * statements mirror the PostgreSQL store's, in SQLite's dialect.
 *
 * @packageDocumentation
 */
import type { Names } from './schema.js';

/** The statements over one set of names. @internal */
export interface Statements {
  readonly read: string;
  readonly create: string;
  readonly current: string;
  readonly write: string;
  readonly destroy: string;
  readonly listAll: string;
  readonly listPage: string;
  readonly destroyAll: string;
  readonly stepOf: string;
  readonly destroyStep: string;
  readonly purge: string;
  readonly purgeLocks: string;
  readonly acquire: string;
  readonly release: string;
  readonly records: string;
  readonly lockNames: string;
  readonly corrupt: string;
}

/**
 * The statements for `names`. Parameters are named (`@sessionId`); a list of ids is one JSON
 * array parameter, read with `json_each`.
 * @internal
 */
export function statementsFor(names: Names): Statements {
  const { table, locks } = names;
  // The next `limit` index entries of a user after a filing number (store contract 2).
  const page = `SELECT filing FROM ${table} WHERE user_id = @userId AND filing > @after ORDER BY filing LIMIT @limit`;
  return {
    read: `SELECT record FROM ${table} WHERE session_id = @sessionId`,

    // ID-4: insert-if-absent; a collision, even with an expired record, changes nothing.
    create: `INSERT INTO ${table} (session_id, user_id, expires_at, write_id, record)
VALUES (@sessionId, @userId, @expiresAt, @writeId, @record) ON CONFLICT (session_id) DO NOTHING`,

    // CC-1, CC-4: what the compare-and-set decides on, read in the write's own transaction.
    current: `SELECT write_id, expires_at FROM ${table} WHERE session_id = @sessionId`,

    // The user index is the `user_id` column, changed in the same step; a new binding gets a new filing
    // number (above every row), so a paged listing started before it is not disturbed.
    write: `UPDATE ${table}
SET record = @record, write_id = @writeId, expires_at = @expiresAt, user_id = @userId,
    filing = CASE WHEN user_id IS @userId THEN filing ELSE (SELECT max(filing) + 1 FROM ${table}) END
WHERE session_id = @sessionId`,

    destroy: `DELETE FROM ${table} WHERE session_id = @sessionId`,

    // LC-9: the user index is the indexed `user_id` column; what `now` finds expired is left out.
    listAll: `SELECT record FROM ${table} WHERE user_id = @userId AND @now < expires_at`,

    // Store contract 2: one page in filing order after the cursor.
    listPage: `SELECT record, filing FROM ${table} WHERE user_id = @userId AND filing > @after ORDER BY filing LIMIT @limit`,

    destroyAll: `DELETE FROM ${table}
WHERE user_id = @userId AND session_id NOT IN (SELECT value FROM json_each(@except))
RETURNING session_id`,

    // CK-6: how many entries the step covers and the last one, then the delete over the same entries,
    // in one transaction. A session bound before the first step keeps its filing number while it stays
    // bound, so the steps reach it.
    stepOf: `SELECT count(*) AS seen, max(filing) AS last FROM (${page})`,
    destroyStep: `DELETE FROM ${table}
WHERE filing IN (${page}) AND session_id NOT IN (SELECT value FROM json_each(@except))
RETURNING session_id`,

    // ST-2: expired means `now >= expires_at`; one bounded batch per statement.
    purge: `DELETE FROM ${table} WHERE filing IN (SELECT filing FROM ${table} WHERE expires_at <= @now LIMIT @limit)`,

    // CC-5: a lock whose owner died is dropped once its TTL has passed, so nothing dangles (ST-5).
    purgeLocks: `DELETE FROM ${locks} WHERE until <= @now`,

    // CC-5: taken when free, abandoned (TTL passed at `now`) or already ours (the TTL is refreshed).
    acquire: `INSERT INTO ${locks} (name, owner, until) VALUES (@name, @owner, @until)
ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
WHERE owner = excluded.owner OR until <= @now`,

    // CC-5: only the owner releases.
    release: `DELETE FROM ${locks} WHERE name = @name AND owner = @owner`,

    records: `SELECT session_id, user_id FROM ${table}`,
    lockNames: `SELECT name FROM ${locks}`,

    // SEC-3: bytes that do not decode, as a disk fault or a tampering would leave; the row keeps its
    // binding (so its index entry), and has no write id and no expiry a write or a purge could trust.
    corrupt: `UPDATE ${table} SET record = @record, write_id = NULL, expires_at = -9e999 WHERE session_id = @sessionId`,
  };
}
