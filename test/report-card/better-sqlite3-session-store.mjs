// better-sqlite3-session-store on a SQLite file in a new temporary folder, for `sessionspec report-card`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import createSqliteStore from 'better-sqlite3-session-store';
import session from 'express-session';

export const name = 'better-sqlite3-session-store';

export function createStore() {
  const SqliteStore = createSqliteStore(session);
  // The store starts a purge timer it never stops and `expired: { clear: false }` cannot turn off
  // (docs/report-card.md); this keeps its handle so that close() can stop it, and changes nothing else.
  class ClosableStore extends SqliteStore {
    startInterval() {
      this.timer = setInterval(this.clearExpiredSessions.bind(this), this.expired.intervalMs);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'report-card-'));
  const store = new ClosableStore({ client: new Database(join(dir, 'sessions.db')) });
  store.dir = dir;
  return store;
}

export function close(store) {
  clearInterval(store.timer);
  store.client.close();
  rmSync(store.dir, { recursive: true, force: true });
}
