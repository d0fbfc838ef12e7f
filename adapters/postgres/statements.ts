/**
 * The statements of the store's operations, one per operation and each atomic on its own (ST-1): no
 * operation needs a transaction spanning two round trips, so any pool (or a transaction-mode pooler)
 * serves them. Parameters are cast explicitly, so every client sends them alike.
 *
 * @packageDocumentation
 */
import type { Names } from './schema.js';

/** The statements over one set of names. @internal */
export interface Statements {
  readonly read: string;
  readonly create: string;
  readonly write: string;
  readonly destroy: string;
  readonly listAll: string;
  readonly listPage: string;
  readonly destroyAll: string;
  readonly destroyPage: string;
  readonly purge: string;
  readonly purgeLocks: string;
  readonly acquire: string;
  readonly release: string;
  readonly records: string;
  readonly lockNames: string;
  readonly corrupt: string;
}

/**
 * The statements for `names`.
 * @internal
 */
export function statementsFor(names: Names): Statements {
  const { table, locks, filing } = names;
  return {
    read: `SELECT record FROM ${table} WHERE session_id = $1::text`,

    // ID-4: insert-if-absent; a collision, even with an expired record, changes nothing.
    create: `INSERT INTO ${table} (session_id, user_id, expires_at, write_id, record)
VALUES ($1::text, $2::text, $3::float8, $4::text, $5::text)
ON CONFLICT (session_id) DO NOTHING`,

    // CC-1, CC-4: compare-and-set on the write id. `cur` locks and reads the newest row (waiting for a
    // concurrent write to commit), the update applies only when the condition holds on that row, and
    // the outcome is read from the same row: one round trip, no second read that could see another
    // state. A write never inserts, so an ended session is never re-created. The user index is the
    // `user_id` column, changed in the same step; a new binding gets a new filing number, so a paged
    // listing started before it is not disturbed.
    write: `WITH cur AS (
  SELECT write_id, expires_at FROM ${table} WHERE session_id = $1::text FOR UPDATE
), done AS (
  UPDATE ${table} AS t
  SET record = $2::text, write_id = $3::text, expires_at = $4::float8, user_id = $5::text,
      filing = CASE WHEN t.user_id IS NOT DISTINCT FROM $5::text THEN t.filing ELSE nextval(${filing}) END
  FROM cur
  WHERE t.session_id = $1::text AND cur.write_id = $6::text AND $7::float8 < cur.expires_at
  RETURNING 1
)
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM done) THEN 'ok'
  WHEN NOT EXISTS (SELECT 1 FROM cur WHERE write_id IS NOT NULL) THEN 'gone'
  WHEN EXISTS (SELECT 1 FROM cur WHERE NOT ($7::float8 < expires_at)) THEN 'expired'
  ELSE 'conflict'
END AS outcome`,

    destroy: `DELETE FROM ${table} WHERE session_id = $1::text`,

    // LC-9: the user index is the indexed `user_id` column; what `now` finds expired is left out.
    listAll: `SELECT record FROM ${table} WHERE user_id = $1::text AND $2::float8 < expires_at`,

    // Store contract 2: one page in filing order after the cursor. The cursor goes out as text under
    // another name: `ORDER BY filing` would otherwise sort by that text ('10' before '9').
    listPage: `SELECT record, filing::text AS position FROM ${table}
WHERE user_id = $1::text AND filing > $2::bigint ORDER BY filing LIMIT $3::int`,

    destroyAll: `DELETE FROM ${table} WHERE user_id = $1::text AND NOT (session_id = ANY($2::text[]))
RETURNING session_id`,

    // CK-6: one step over the next `limit` entries in filing order. A session bound before the first
    // step keeps its filing number while it stays bound, so the steps reach it; the delete re-checks the
    // binding on the newest row, so a session switched to another user meanwhile is left alone.
    destroyPage: `WITH step AS (
  SELECT session_id, filing FROM ${table}
  WHERE user_id = $1::text AND filing > $2::bigint ORDER BY filing LIMIT $3::int
), gone AS (
  DELETE FROM ${table} AS t USING step
  WHERE t.session_id = step.session_id AND t.user_id = $1::text AND NOT (t.session_id = ANY($4::text[]))
  RETURNING t.session_id
)
SELECT (SELECT count(*) FROM step)::int AS seen, (SELECT max(filing) FROM step)::text AS last,
  ARRAY(SELECT session_id FROM gone) AS deleted`,

    // ST-2: expired means `now >= expires_at`. One bounded batch; the delete re-checks the expiry on
    // the newest row, so a session extended meanwhile stays.
    purge: `WITH batch AS (
  SELECT session_id FROM ${table} WHERE expires_at <= $1::float8 LIMIT $2::int
), gone AS (
  DELETE FROM ${table} AS t USING batch
  WHERE t.session_id = batch.session_id AND t.expires_at <= $1::float8
  RETURNING 1
)
SELECT (SELECT count(*) FROM batch)::int AS seen, (SELECT count(*) FROM gone)::int AS deleted`,

    // CC-5: a lock whose owner died is dropped once its TTL has passed, so nothing dangles (ST-5).
    purgeLocks: `DELETE FROM ${locks} WHERE until <= $1::float8`,

    // CC-5: taken when free, abandoned (TTL passed at `now`) or already ours (the TTL is refreshed).
    acquire: `INSERT INTO ${locks} AS l (name, owner, until) VALUES ($1::text, $2::text, $3::float8)
ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
WHERE l.owner = EXCLUDED.owner OR l.until <= $4::float8`,

    // CC-5: only the owner releases.
    release: `DELETE FROM ${locks} WHERE name = $1::text AND owner = $2::text`,

    records: `SELECT session_id, user_id FROM ${table}`,
    lockNames: `SELECT name FROM ${locks}`,

    // SEC-3: bytes that do not decode, as a disk fault or a tampering would leave; the row keeps its
    // binding (so its index entry), and has no write id and no expiry a write or a purge could trust.
    corrupt: `UPDATE ${table} SET record = $2::text, write_id = NULL, expires_at = '-Infinity'
WHERE session_id = $1::text`,
  };
}
