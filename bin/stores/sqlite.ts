/**
 * `--store sqlite [--file path]`: the built-in SQLite adapter on a database file, the one given or a
 * new one in a temporary folder (removed at the end), so SQLite and the adapter are qualified on the
 * machine's own disk. CK-8: each run has its own tables, named after its namespace, created by its
 * first store and dropped when its last store closes.
 *
 * @packageDocumentation
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../adapters/sqlite/database.js';
import { createSqliteStore } from '../../adapters/sqlite/index.js';
import { dropSql, namesOf } from '../../adapters/sqlite/schema.js';
import type { StoreFactory } from '../../conformance/types.js';
import { UsageError } from '../args.js';
import type { BuiltInStore } from './types.js';

/**
 * A factory whose namespaces are tables on `database`: a namespace's tables are created by its first
 * store and dropped when its last one closes (CK-5 opens several stores on one namespace).
 * @param database - the connection every store shares.
 * @returns the factory.
 */
function tablesPerNamespace(database: SqliteDatabase): StoreFactory {
  const open = new Map<string, number>();
  return ({ namespace }) => {
    const store = createSqliteStore({ database, table: namespace });
    open.set(namespace, (open.get(namespace) ?? 0) + 1);
    return {
      store,
      close() {
        const left = (open.get(namespace) ?? 1) - 1;
        if (left > 0) open.set(namespace, left);
        else {
          open.delete(namespace);
          database.exec(dropSql(namesOf(namespace)));
        }
      },
    };
  };
}

/** The SQLite store of the command. */
export const sqlite: BuiltInStore = {
  help: [
    'SQLite on better-sqlite3, in the database file --file path',
    '(created when absent) or in a new temporary file; each',
    'run creates its own tables and drops them',
  ],
  options: [],
  optional: ['file'],
  async open({ file }) {
    const temporary = file === undefined ? mkdtempSync(join(tmpdir(), 'sessionspec-sqlite-')) : undefined;
    const path = file === undefined ? join(temporary!, 'conformance.db') : resolve(file);
    const removeTemporary = () => {
      if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
    };
    if (!statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`--file ${file}: the folder ${dirname(path)} does not exist`);
    let database: SqliteDatabase;
    try {
      database = openDatabase(path, { busyTimeoutMs: 2_000, synchronous: 'normal' });
    } catch (error) {
      removeTemporary();
      throw new UsageError(`cannot open ${path}: ${(error as Error).message}`);
    }
    return {
      name: `sqlite (${file === undefined ? 'a temporary file' : path})`,
      factory: tablesPerNamespace(database),
      teardown() {
        database.close();
        removeTemporary();
      },
    };
  },
};
