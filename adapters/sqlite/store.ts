/**
 * The SQLite session store on `better-sqlite3`: one row per session in a table whose `user_id` column
 * is the user index, one statement per operation (or one short `BEGIN IMMEDIATE` transaction), in a
 * file that survives a restart and that several processes of one machine share. The record is kept as
 * text, exactly as encoded (ST-6). The schema and the statements follow the PostgreSQL store's.
 *
 * @packageDocumentation
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
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
import { refuseUnknownOptions } from '../shared/options.js';
import { CORRUPT_RECORD, columnsOf, contentsOf, liveRecords, pageOf } from '../shared/rows.js';
import { openDatabase, type SqliteDatabase, type SqliteStatement } from './database.js';
import { DEFAULT_TABLE, namesOf, schemaSql } from './schema.js';
import { type Statements, statementsFor } from './statements.js';

/** Options of {@link createSqliteStore}: a file to open, or the application's open connection. */
export type SqliteStoreOptions = SqliteFileOptions | SqliteConnectionOptions;

/** What both ways of making a store share. */
interface SqliteCommonOptions {
  /**
   * The sessions table; the locks table is `<table>_locks`. A letter or `_`, then letters, digits,
   * `_` or `-`, at most 48 characters, kept as written (always double-quoted). Defaults to
   * `'sessionspec_sessions'`.
   */
  table?: string;
  /**
   * Create both tables and their indexes, where absent, when the store is made. Set `false` when
   * migrations own the schema (run what {@link sqliteSchemaSql} answers) or the connection is
   * read-only. Defaults to `true`.
   */
  createTables?: boolean;
  /**
   * How many expired records one purge statement removes at most (ST-2); the write lock is released
   * between two batches, so writers of other processes wait at most one batch. Defaults to 500.
   */
  purgeBatch?: number;
}

/** Options of a store that opens (and closes) its own connection. */
export interface SqliteFileOptions extends SqliteCommonOptions {
  /**
   * The database file, created when absent, or `':memory:'` for a database that lives and dies with
   * the store (one process only). Opened in WAL mode, so readers never wait for the writer and several
   * processes can share the file. Keep it on a local disk (`docs/sqlite.md`).
   */
  file: string;
  database?: never;
  /**
   * How long a write waits for another connection's write to finish before it fails, in milliseconds.
   * `better-sqlite3` is synchronous: the wait blocks this process's event loop, so keep it short; a
   * write that fails becomes a typed `STORE_UNAVAILABLE` error (SEC-2). Defaults to 2 000, the session
   * manager's default store timeout.
   */
  busyTimeoutMs?: number;
  /**
   * `'full'` syncs every commit to disk, so an acknowledged write survives a power failure; `'normal'`
   * is faster and may lose the last commits on a power failure (never on a crash of the process).
   * Defaults to `'full'`.
   */
  synchronous?: 'full' | 'normal';
}

/** Options of a store on a connection the application opened (and closes). */
export interface SqliteConnectionOptions extends SqliteCommonOptions {
  /**
   * An open `better-sqlite3` `Database`. Its settings stay the application's: set WAL
   * (`db.pragma('journal_mode = WAL')`) and a busy timeout (`new Database(file, { timeout })`) as
   * `docs/sqlite.md` shows. The store never closes it, and it must not be inside a transaction of
   * the application's when the store is called.
   */
  database: SqliteDatabase;
  file?: never;
}

/** A SQLite store: a {@link SessionStore} with locks and inspection. */
export interface SqliteStore extends SessionStore {
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

const DEFAULTS = { busyTimeoutMs: 2_000, synchronous: 'full', purgeBatch: 500 } as const;

/**
 * Check a count or millisecond option.
 * @throws TypeError when it is not an integer of at least `min`.
 * @internal
 */
function checkWhole(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`createSqliteStore: \`${name}\` must be a whole number of at least ${min}`);
  }
}

/**
 * Open the file, or check the application's connection.
 * @returns the connection and whether the store owns it.
 * @throws TypeError when neither or both are given, or an option is out of range.
 * @internal
 */
function connectionOf(options: SqliteStoreOptions): { db: SqliteDatabase; owned: boolean } {
  const { file, database } = options ?? {};
  if ((file === undefined) === (database === undefined)) {
    throw new TypeError(
      "createSqliteStore: pass either `file` (a path, or ':memory:') or `database` (an open better-sqlite3 Database)",
    );
  }
  if (database !== undefined) {
    if (typeof database?.prepare !== 'function' || typeof database.exec !== 'function') {
      throw new TypeError('createSqliteStore: `database` must be an open better-sqlite3 Database');
    }
    return { db: database, owned: false };
  }
  if (typeof file !== 'string' || file === '') {
    throw new TypeError("createSqliteStore: `file` must be a path, or ':memory:'");
  }
  const { busyTimeoutMs = DEFAULTS.busyTimeoutMs, synchronous = DEFAULTS.synchronous } =
    options as SqliteFileOptions;
  checkWhole('busyTimeoutMs', busyTimeoutMs, 0);
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new TypeError("createSqliteStore: `synchronous` must be 'full' or 'normal'");
  }
  return { db: openDatabase(file, { busyTimeoutMs, synchronous }), owned: true };
}

/**
 * The SQL that creates the store's tables and indexes where absent, for migrations that own the schema
 * (then pass `createTables: false`).
 * @param table - the sessions table's name, as for {@link SqliteStoreOptions.table}.
 * @returns the statements, separated by `;`.
 * @throws TypeError when the name has another form.
 *
 * @example
 * ```ts
 * import { sqliteSchemaSql } from 'sessionspec/adapters/sqlite';
 * db.exec(sqliteSchemaSql()); // in a migration
 * ```
 */
export function sqliteSchemaSql(table: string = DEFAULT_TABLE): string {
  return schemaSql(namesOf(table));
}

/** The options {@link createSqliteStore} takes, with a file or with a connection. @internal */
const SQLITE_OPTIONS = [
  'table',
  'createTables',
  'purgeBatch',
  'file',
  'database',
  'busyTimeoutMs',
  'synchronous',
] as const;

/**
 * Create a session store in a SQLite database. Every operation is one statement, or one short
 * `BEGIN IMMEDIATE` transaction: create is `INSERT ... ON CONFLICT DO NOTHING`, write a
 * compare-and-set that reads and replaces the row under the write lock, purge deletes in bounded
 * batches. Calls are synchronous underneath (`better-sqlite3`), so one process never interleaves two;
 * several processes on one file are serialised by SQLite's write lock.
 *
 * @param options - a `file` to open (or `':memory:'`) or an open `database`, and the table name; see
 *   {@link SqliteStoreOptions}.
 * @returns a store with locks, inspection and an exact user index.
 * @throws TypeError when an option is out of range; Error when better-sqlite3 is not installed or the
 *   file cannot be opened or its tables created.
 *
 * @example
 * ```ts
 * import { createSqliteStore } from 'sessionspec/adapters/sqlite';
 *
 * const store = createSqliteStore({ file: '/var/lib/myapp/sessions.db' });
 * await store.create(record, Date.now()); // 'ok'
 * await store.close(); // closes the file
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (typeof options === 'object' && options !== null) {
    refuseUnknownOptions('createSqliteStore', options, SQLITE_OPTIONS, {
      db: 'the database file is `file` (or an open better-sqlite3 connection as `database`)',
      dir: 'give the whole path as `file`',
      client: 'an open better-sqlite3 connection is `database`',
      concurrentDB: 'remove it: the file is opened in WAL mode, shared by every process',
      expired: 'call manager.purgeExpired() on a timer (docs/sqlite.md)',
    });
  }
  const names = namesOf(options?.table ?? DEFAULT_TABLE);
  const purgeBatch = options?.purgeBatch ?? DEFAULTS.purgeBatch;
  checkWhole('purgeBatch', purgeBatch, 1);
  const createTables = options?.createTables ?? true;
  if (typeof createTables !== 'boolean') {
    throw new TypeError('createSqliteStore: `createTables` must be a boolean');
  }
  const { db, owned } = connectionOf(options);
  const sql = statementsFor(names);

  // Compiled on first use, so a store made before a migration creates the tables still starts.
  const compiled = new Map<keyof Statements, SqliteStatement>();
  const statement = (name: keyof Statements): SqliteStatement => {
    let found = compiled.get(name);
    if (found === undefined) {
      found = db.prepare(sql[name]);
      compiled.set(name, found);
    }
    return found;
  };
  /** Run `step` in one transaction that holds the write lock from its first statement. */
  const atomically = <T>(step: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = step();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // No transaction is open any more (SQLite rolled it back itself): the first error is the one.
      }
      throw error;
    }
  };
  if (createTables) {
    try {
      // One transaction, under the write lock: processes starting together create the tables once.
      atomically(() => db.exec(schemaSql(names)));
    } catch (error) {
      if (owned) db.close();
      throw error;
    }
  }

  return {
    supports: { contract: STORE_CONTRACT, locks: true, inspection: true, userIndex: 'exact' },

    async create(record: SessionRecord, _now: number, encoded?: string): Promise<CreateResult> {
      const [userId, expiresAt, writeId] = columnsOf(record);
      const { changes } = statement('create').run({
        sessionId: record.sessionId,
        userId,
        expiresAt,
        writeId,
        record: encoded ?? encodeRecord(record),
      });
      return changes === 1 ? 'ok' : 'exists';
    },

    async read(sessionId: string, now: number): Promise<ReadResult> {
      const row = statement('read').get({ sessionId }) as { record: string } | undefined;
      return row === undefined ? null : readResultOf(String(row.record), now);
    },

    async write(
      record: SessionRecord,
      expected: string,
      now: number,
      encoded?: string,
    ): Promise<WriteResult> {
      const [userId, expiresAt, writeId] = columnsOf(record);
      const json = encoded ?? encodeRecord(record);
      return atomically((): WriteResult => {
        const row = statement('current').get({ sessionId: record.sessionId }) as
          | { write_id: string | null; expires_at: number }
          | undefined;
        // CC-4: a write never inserts, so an ended session is never re-created; a row without a write
        // id holds bytes that do not decode (SEC-3), so there is nothing to replace either.
        if (row === undefined || row.write_id === null) return 'gone';
        if (!(now < row.expires_at)) return 'expired';
        // CC-1: compare-and-set on the write id of the stored record, unique per write.
        if (row.write_id !== expected) return 'conflict';
        statement('write').run({ sessionId: record.sessionId, record: json, writeId, expiresAt, userId });
        return 'ok';
      });
    },

    async destroy(sessionId: string): Promise<boolean> {
      return statement('destroy').run({ sessionId }).changes > 0;
    },

    async listByUser(userId: string, now: number, page?: PageRequest): Promise<UserPage> {
      const step = pageOf('sessionspec sqlite', page);
      if (step === undefined) {
        return {
          records: liveRecords(statement('listAll').all({ userId, now }) as { record: string }[], now),
          cursor: null,
        };
      }
      const rows = statement('listPage').all({ userId, ...step }) as { record: string; filing: number }[];
      const last = rows[rows.length - 1];
      return {
        records: liveRecords(rows, now),
        cursor: rows.length < step.limit || last === undefined ? null : String(last.filing),
      };
    },

    async destroyByUser(userId: string, except: readonly string[], page?: PageRequest): Promise<UserStep> {
      const step = pageOf('sessionspec sqlite', page);
      const keep = JSON.stringify([...except]);
      if (step === undefined) {
        const rows = statement('destroyAll').all({ userId, except: keep }) as { session_id: string }[];
        return { deleted: rows.map((row) => row.session_id), cursor: null };
      }
      return atomically((): UserStep => {
        const { seen, last } = statement('stepOf').get({ userId, ...step }) as {
          seen: number;
          last: number | null;
        };
        const rows = statement('destroyStep').all({ userId, ...step, except: keep }) as {
          session_id: string;
        }[];
        return {
          deleted: rows.map((row) => row.session_id),
          cursor: seen < step.limit || last === null ? null : String(last),
        };
      });
    },

    async purgeExpired(now: number): Promise<number> {
      let total = 0;
      for (;;) {
        const { changes } = statement('purge').run({ now, limit: purgeBatch });
        total += changes;
        if (changes < purgeBatch) break;
        // Let the requests of this process in between two batches, as the write lock lets other
        // processes' writes in.
        await nextTurn();
      }
      statement('purgeLocks').run({ now });
      return total;
    },

    locks: {
      async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
        return statement('acquire').run({ name, owner, until: now + ttlMs, now }).changes === 1;
      },
      async release(name: string, owner: string): Promise<boolean> {
        return statement('release').run({ name, owner }).changes === 1;
      },
    },

    inspection: {
      async contents(): Promise<StoreContents> {
        const sessions = statement('records').all() as { session_id: string; user_id: string | null }[];
        const locks = statement('lockNames').all() as { name: string }[];
        return contentsOf(names.label, sessions, locks);
      },
      async corrupt(sessionId: string): Promise<void> {
        statement('corrupt').run({ sessionId, record: CORRUPT_RECORD });
      },
    },

    async close(): Promise<void> {
      // A connection the application passed in stays open; the store holds no timers of its own.
      if (owned && db.open) db.close();
    },
  };
}
