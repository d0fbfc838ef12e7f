/**
 * The PostgreSQL session store, on the application's client (node-postgres or postgres.js): one row
 * per session in a table whose `user_id` column is the user index, and one statement per operation,
 * atomic on the server (ST-1). The record is kept as `text`, exactly as encoded (ST-6).
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type {
  CreateResult,
  PageRequest,
  ReadResult,
  SessionLocks,
  SessionRecord,
  SessionStore,
  StoreContents,
  StoreInspection,
  UserPage,
  UserStep,
  WriteResult,
} from '../../spec/contract.js';
import { encodeRecord, readResultOf, STORE_CONTRACT } from '../../spec/contract.js';
import { bounded } from '../shared/bounded.js';
import { refuseUnknownOptions } from '../shared/options.js';
import { CORRUPT_RECORD, columnsOf, contentsOf, liveRecords, pageOf } from '../shared/rows.js';
import { driverFor, type PostgresClient, type Rows, type SqlDriver } from './driver.js';
import { CONNECT_PG_SIMPLE, checkPositive, timeoutOf } from './options.js';
import { DEFAULT_TABLE, namesOf } from './schema.js';
import { explainSchemaError } from './schema-errors.js';
import { statementsFor } from './statements.js';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The application's client: a node-postgres (`pg`) `Pool` (or `Client`), or a postgres.js client
   * (`postgres(url)`). Connection, TLS, pool size and timeouts stay the application's; the store never
   * closes it. Give it a connection timeout and a `statement_timeout` so that an outage fails fast
   * (SEC-2; `docs/postgres.md` shows each client's settings).
   */
  client: PostgresClient;
  /**
   * The sessions table; the locks table is `<table>_locks`. A letter or `_`, then letters, digits,
   * `_` or `-`, at most 48 characters, kept as written (always double-quoted). Defaults to
   * `'sessionspec_sessions'`.
   */
  table?: string;
  /** The schema of both tables; the connection's search path when absent. */
  schema?: string;
  /**
   * Upper bound for each statement, in milliseconds, on top of the client's own timeouts: a statement
   * without an answer by then rejects (SEC-2). `false` leaves it to the client. Defaults to 5 000.
   */
  statementTimeoutMs?: number | false;
  /** How many expired records one purge statement removes at most (ST-2). Defaults to 500. */
  purgeBatch?: number;
  /**
   * Prepare each statement once per connection (node-postgres: named statements; postgres.js:
   * `prepare: true`), so the server parses and plans it once rather than at every call. Turn it off
   * behind a pooler that does not keep prepared statements (PgBouncer before 1.21 in transaction
   * mode). Defaults to `true`.
   */
  prepare?: boolean;
}

/** A PostgreSQL store: a {@link SessionStore} with locks and inspection always present. */
export interface PostgresStore extends SessionStore {
  /** Locks, inspection and an exact user index (ST-4). */
  readonly supports: {
    readonly contract: 2;
    readonly locks: true;
    readonly inspection: true;
    readonly userIndex: 'exact';
  };
  /** Pessimistic locks with an owner token and a TTL, in the locks table (CC-5). */
  readonly locks: SessionLocks;
  /** Every row of both tables (ST-5); planting corrupt bytes (SEC-3). */
  readonly inspection: Required<StoreInspection>;
}

/** The options {@link createPostgresStore} takes. @internal */
const STORE_OPTIONS = ['client', 'table', 'schema', 'statementTimeoutMs', 'purgeBatch', 'prepare'] as const;

/** How many expired records one purge statement removes by default. @internal */
const DEFAULT_PURGE_BATCH = 500;

/**
 * Create a session store on the application's PostgreSQL client. Every operation is one statement:
 * create is `INSERT ... ON CONFLICT DO NOTHING`, write a compare-and-set that locks the row and reports
 * its outcome in the same statement, purge deletes in bounded batches. The tables must exist: call
 * {@link createPostgresSchema} once, or run the SQL `docs/postgres.md` prints in your own migrations.
 *
 * @param options - the client and the table names; see {@link PostgresStoreOptions}.
 * @returns a store with locks, inspection and an exact user index.
 * @throws TypeError when the client is none of the supported ones or an option is out of range.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresSchema, createPostgresStore } from 'sessionspec/adapters/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000, statement_timeout: 2000 });
 * await createPostgresSchema({ client: pool }); // or run the SQL of docs/postgres.md in a migration
 * const store = createPostgresStore({ client: pool });
 * await store.create(record, Date.now()); // 'ok'
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const driver: SqlDriver = driverFor(options?.client);
  refuseUnknownOptions('createPostgresStore', options, STORE_OPTIONS, CONNECT_PG_SIMPLE);
  const names = namesOf(options.table ?? DEFAULT_TABLE, options.schema);
  const timeout = timeoutOf('createPostgresStore', options.statementTimeoutMs);
  const purgeBatch = options.purgeBatch ?? DEFAULT_PURGE_BATCH;
  checkPositive('createPostgresStore', 'purgeBatch', purgeBatch);
  const prepare = options.prepare ?? true;
  if (typeof prepare !== 'boolean') throw new TypeError('createPostgresStore: `prepare` must be a boolean');
  const sql = statementsFor(names);
  // A prepared statement's name: the same text gets the same name on every connection and in every
  // store instance; another table's statements differ in text, so in name.
  const statementNames = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    if (!prepare) return undefined;
    let name = statementNames.get(text);
    if (name === undefined) {
      name = `sessionspec_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      statementNames.set(text, name);
    }
    return name;
  };
  const query = (what: string, text: string, values: readonly unknown[]): Promise<Rows> =>
    bounded(`sessionspec postgres: ${what}`, timeout, driver.query(text, values, nameOf(text))).catch(
      (error: unknown) => {
        throw explainSchemaError(error, names, options);
      },
    );

  return {
    supports: { contract: STORE_CONTRACT, locks: true, inspection: true, userIndex: 'exact' },

    async create(record: SessionRecord, _now: number, encoded?: string): Promise<CreateResult> {
      const [userId, expiresAt, writeId] = columnsOf(record);
      const { count } = await query('create', sql.create, [
        record.sessionId,
        userId,
        expiresAt,
        writeId,
        encoded ?? encodeRecord(record),
      ]);
      return count === 1 ? 'ok' : 'exists';
    },

    async read(sessionId: string, now: number): Promise<ReadResult> {
      const { rows } = await query('read', sql.read, [sessionId]);
      const row = rows[0];
      return row === undefined ? null : readResultOf(String(row.record), now);
    },

    async write(
      record: SessionRecord,
      expected: string,
      now: number,
      encoded?: string,
    ): Promise<WriteResult> {
      const [userId, expiresAt, writeId] = columnsOf(record);
      const { rows } = await query('write', sql.write, [
        record.sessionId,
        encoded ?? encodeRecord(record),
        writeId,
        expiresAt,
        userId,
        expected,
        now,
      ]);
      return rows[0]?.outcome as WriteResult;
    },

    async destroy(sessionId: string): Promise<boolean> {
      return (await query('destroy', sql.destroy, [sessionId])).count > 0;
    },

    async listByUser(userId: string, now: number, page?: PageRequest): Promise<UserPage> {
      const step = pageOf('sessionspec postgres', page);
      if (step === undefined) {
        const { rows } = await query('listByUser', sql.listAll, [userId, now]);
        return { records: liveRecords(rows, now), cursor: null };
      }
      const { rows } = await query('listByUser', sql.listPage, [userId, step.after, step.limit]);
      const last = rows[rows.length - 1];
      return {
        records: liveRecords(rows, now),
        cursor: rows.length < step.limit || last === undefined ? null : String(last.position),
      };
    },

    async destroyByUser(userId: string, except: readonly string[], page?: PageRequest): Promise<UserStep> {
      const step = pageOf('sessionspec postgres', page);
      if (step === undefined) {
        const { rows } = await query('destroyByUser', sql.destroyAll, [userId, [...except]]);
        return { deleted: rows.map((row) => String(row.session_id)), cursor: null };
      }
      const { rows } = await query('destroyByUser', sql.destroyPage, [
        userId,
        step.after,
        step.limit,
        [...except],
      ]);
      const { seen, last, deleted } = rows[0] as { seen: number; last: string | null; deleted: string[] };
      return { deleted, cursor: seen < step.limit || last === null ? null : last };
    },

    async purgeExpired(now: number): Promise<number> {
      let total = 0;
      for (;;) {
        const { rows } = await query('purgeExpired', sql.purge, [now, purgeBatch]);
        const { seen, deleted } = rows[0] as { seen: number; deleted: number };
        total += deleted;
        if (seen < purgeBatch) break;
      }
      await query('purgeExpired', sql.purgeLocks, [now]);
      return total;
    },

    locks: {
      async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
        return (await query('acquire', sql.acquire, [name, owner, now + ttlMs, now])).count === 1;
      },
      async release(name: string, owner: string): Promise<boolean> {
        return (await query('release', sql.release, [name, owner])).count === 1;
      },
    },

    inspection: {
      async contents(): Promise<StoreContents> {
        const [sessions, locks] = await Promise.all([
          query('contents', sql.records, []),
          query('contents', sql.lockNames, []),
        ]);
        return contentsOf(names.label, sessions.rows, locks.rows);
      },
      async corrupt(sessionId: string): Promise<void> {
        await query('corrupt', sql.corrupt, [sessionId, CORRUPT_RECORD]);
      },
    },

    async close(): Promise<void> {
      // The client is the application's: it stays open. The store holds no timers of its own.
    },
  };
}
