/**
 * The SQLite store in an application. Shown in docs/sqlite.md (a test keeps the two identical, and
 * `sqlite.test.ts` runs it on a file in a temporary folder).
 *
 * @packageDocumentation
 */
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager } from '../../src/index.js';

const file = process.env.SESSIONS_DB ?? '/var/lib/myapp/sessions.db';
const manager = createSessionManager({
  // WAL and a busy timeout are set by the store; a write that waits longer fails closed (HTTP 503).
  store: createSqliteStore({ file, busyTimeoutMs: 1_000 }),
});

// Expired rows stay in the file until purged: purge every ten minutes, in bounded batches.
setInterval(() => void manager.purgeExpired().catch(() => {}), 10 * 60_000).unref();

/** A consistent copy of the file while the application runs, through SQLite's online backup API. */
async function backUp(to: string): Promise<void> {
  const db = new Database(file, { readonly: true });
  try {
    await db.backup(to);
  } finally {
    db.close();
  }
}

export { backUp, manager };
