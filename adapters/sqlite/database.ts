/**
 * The SQLite connection the store talks to: the part of a `better-sqlite3` `Database` it uses, declared
 * here so the store's types never require `@types/better-sqlite3`, and the opening of a file with the
 * settings a session store needs (WAL, a busy timeout, the durability level).
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';

/** A prepared statement of a `better-sqlite3` database: the part the store uses. */
export interface SqliteStatement {
  /** Run it; how many rows it changed. */
  run(...params: unknown[]): { changes: number };
  /** Its first row, or `undefined`. */
  get(...params: unknown[]): unknown;
  /** All its rows. */
  all(...params: unknown[]): unknown[];
}

/** A `better-sqlite3` `Database` (12.x or 13.x): the part the store uses. */
export interface SqliteDatabase {
  /** Whether the connection is open. */
  readonly open: boolean;
  /** Compile one statement. */
  prepare(source: string): SqliteStatement;
  /** Run statements without parameters. */
  exec(source: string): unknown;
  /** Run a `PRAGMA`. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Close the connection. */
  close(): unknown;
}

/** How {@link openDatabase} opens a file. @internal */
export interface OpenSettings {
  readonly busyTimeoutMs: number;
  readonly synchronous: 'full' | 'normal';
}

/** The constructor `better-sqlite3` exports. @internal */
type DatabaseConstructor = new (file: string, options: { timeout: number }) => SqliteDatabase;

/**
 * Load `better-sqlite3`, an optional peer dependency, only when a store opens a file itself.
 * @throws Error naming the package to install when it is missing.
 * @internal
 */
function loadDriver(): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') {
      throw new Error(
        'createSqliteStore: better-sqlite3 is needed to open a file and is not installed: npm install better-sqlite3',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Open `file` (`:memory:` for a database of this connection only) with WAL, so readers never wait for
 * the writer and several processes share the file; a busy timeout, so a writer waits that long for
 * another process's write before failing (SEC-2: then the manager fails closed); and the durability
 * level: `full` syncs every commit, `normal` may lose the last commits on a power failure (never on a
 * crash of the process).
 * @returns the connection.
 * @throws Error when better-sqlite3 is missing or the file cannot be opened.
 * @internal
 */
export function openDatabase(file: string, settings: OpenSettings): SqliteDatabase {
  const Database = loadDriver();
  let db: SqliteDatabase;
  try {
    db = new Database(file, { timeout: settings.busyTimeoutMs });
  } catch (error) {
    // better-sqlite3 names the reason, not the file.
    throw new Error(`sessionspec sqlite: cannot open '${file}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${settings.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
