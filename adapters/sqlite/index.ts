/**
 * `sessionspec/adapters/sqlite`: the SQLite session store on `better-sqlite3` 12.x or 13.x, in a
 * file that survives a restart and that several processes of one machine share.
 *
 * @packageDocumentation
 * @module sessionspec/adapters/sqlite
 */
export type { SqliteDatabase, SqliteStatement } from './database.js';
export type {
  SqliteConnectionOptions,
  SqliteFileOptions,
  SqliteStore,
  SqliteStoreOptions,
} from './store.js';
export { createSqliteStore, sqliteSchemaSql } from './store.js';
