/**
 * The SQLite store on real database files in a temporary folder: what the conformance kit does not see
 * (options, the file surviving a restart, WAL, table names, the schema for migrations, bounded purge),
 * and the faults a file meets (a database locked by another connection, a read-only file, a full disk),
 * each of which fails closed with a typed 503 through the manager and loses nothing (SEC-2).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, HTTP_STATUS, isSessionError, type SessionManager } from '../../src/index.js';
import { makeRecord, T } from '../../test/records.js';
import { createSqliteStore, type SqliteStore, sqliteSchemaSql } from './index.js';

let dir: string;
let count = 0;
/** A fresh database file in the test folder. */
const freshFile = (): string => {
  count += 1;
  return join(dir, `sessions-${count}.db`);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sessionspec-sqlite-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opened: Array<{ close(): unknown }> = [];
/** Close what a test opened, even when it failed. */
afterEach(async () => {
  for (const handle of opened.splice(0)) await handle.close();
});
const track = <T extends { close(): unknown }>(handle: T): T => {
  opened.push(handle);
  return handle;
};

/** What a rejected call rejected with, or `null` when it resolved. */
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

/** SEC-2: a store fault reaches the application as STORE_UNAVAILABLE, which integrations answer with 503. */
function expectUnavailable(error: unknown, cause: RegExp): void {
  expect(isSessionError(error, 'STORE_UNAVAILABLE')).toBe(true);
  if (!isSessionError(error)) return;
  expect(HTTP_STATUS[error.code]).toBe(503);
  const messages: string[] = [];
  for (let at: unknown = error; at instanceof Error; at = at.cause) messages.push(at.message);
  expect(messages.join(' <- ')).toMatch(cause);
}

describe('SQLite store', () => {
  it('ST-4: declares locks, inspection and an exact user index', () => {
    const store = track(createSqliteStore({ file: ':memory:' }));
    expect(store.supports).toEqual({ contract: 2, locks: true, inspection: true, userIndex: 'exact' });
  });

  it('rejects misuse with a TypeError that says what to pass', async () => {
    const bad = (options: unknown) => () => createSqliteStore(options as never);
    expect(bad({})).toThrow(/either `file`.*or `database`/);
    expect(bad(undefined)).toThrow(/either `file`/);
    expect(bad({ file: ':memory:', database: new Database(':memory:') })).toThrow(/either `file`/);
    expect(bad({ file: '' })).toThrow(/`file` must be a path/);
    expect(bad({ database: {} })).toThrow(/open better-sqlite3 Database/);
    expect(bad({ file: ':memory:', table: 'no spaces' })).toThrow(/`table` must be/);
    expect(bad({ file: ':memory:', table: 'x'.repeat(49) })).toThrow(/at most 48/);
    expect(bad({ file: ':memory:', purgeBatch: 0 })).toThrow(/`purgeBatch`/);
    expect(bad({ file: ':memory:', busyTimeoutMs: -1 })).toThrow(/`busyTimeoutMs`/);
    expect(bad({ file: ':memory:', synchronous: 'off' })).toThrow(/`synchronous`/);
    expect(bad({ file: ':memory:', createTables: 'yes' })).toThrow(/`createTables`/);
    // connect-sqlite3's options are refused with their equivalent, never ignored.
    expect(bad({ file: ':memory:', db: 'sessions.db' })).toThrow(
      /unknown option `db`: the database file is `file`/,
    );
    expect(bad({ file: ':memory:', dir: './var' })).toThrow(/unknown option `dir`/);
    // A file in a missing folder: the error names the file.
    expect(bad({ file: '/no-such-folder-ss/sessions.db' })).toThrow(
      /cannot open '\/no-such-folder-ss\/sessions\.db': .*directory does not exist/,
    );
    expect(() => sqliteSchemaSql('a;b')).toThrow(/`table` must be/);
    const store = track(createSqliteStore({ file: ':memory:' }));
    await expect(store.listByUser('u', T, { limit: 0 })).rejects.toThrow(TypeError);
    await expect(store.listByUser('u', T, { limit: 2, cursor: 'x' })).rejects.toThrow(/not a cursor/);
    await expect(store.destroyByUser('u', [], { limit: 2, cursor: '-1' })).rejects.toThrow(/not a cursor/);
  });

  it('a file that is not a SQLite database fails at creation with the driver error', () => {
    const file = freshFile();
    writeFileSync(file, 'x'.repeat(4096));
    expect(() => createSqliteStore({ file })).toThrow(/not a database/);
  });

  it('opens its file in WAL mode with the busy timeout and durability asked for', () => {
    const file = freshFile();
    track(createSqliteStore({ file, busyTimeoutMs: 1234, synchronous: 'normal' }));
    // WAL is a property of the file: another connection sees it.
    const other = track(new Database(file));
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    const store = track(createSqliteStore({ database: other, createTables: false }));
    expect(store.supports.contract).toBe(2);
  });

  it('sessions survive a restart: a new store on the same file reads what the closed one wrote', async () => {
    const file = freshFile();
    const first = createSqliteStore({ file });
    const kept = makeRecord({ userId: 'u1', browser: { cart: ['a', 'b'] } });
    const ended = makeRecord({ userId: 'u1' });
    expect(await first.create(kept, T)).toBe('ok');
    expect(await first.create(ended, T)).toBe('ok');
    const written = { ...kept, version: 2, writeIds: ['w-2'], user: { theme: 'dark' } };
    expect(await first.write(written, 'v1', T)).toBe('ok');
    expect(await first.destroy(ended.sessionId)).toBe(true);
    await first.close();
    await first.close();
    await expect(first.read(kept.sessionId, T)).rejects.toThrow(/not open/);

    const second = track(createSqliteStore({ file }));
    expect(await second.read(kept.sessionId, T)).toEqual(written);
    expect(await second.read(ended.sessionId, T)).toBeNull();
    expect((await second.listByUser('u1', T)).records).toEqual([written]);
    expect(await second.write({ ...written, version: 3, writeIds: ['w-2', 'w-3'] }, 'w-2', T)).toBe('ok');
  });

  it("':memory:' keeps sessions for the store's life only", async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const record = makeRecord();
    expect(await store.create(record, T)).toBe('ok');
    expect(await store.read(record.sessionId, T)).toEqual(record);
    await store.close();
    const next = track(createSqliteStore({ file: ':memory:' }));
    expect(await next.read(record.sessionId, T)).toBeNull();
  });

  it('ST-5: stores on two tables of one file share nothing', async () => {
    const file = freshFile();
    const a = track(createSqliteStore({ file, table: 'app_a' }));
    const b = track(createSqliteStore({ file, table: 'app_b' }));
    const record = makeRecord({ userId: 'u' });
    expect(await a.create(record, T)).toBe('ok');
    expect(await b.read(record.sessionId, T)).toBeNull();
    expect(await b.create(record, T)).toBe('ok');
    expect(await b.destroy(record.sessionId)).toBe(true);
    expect(await a.read(record.sessionId, T)).toEqual(record);
    expect((await b.inspection.contents()).keys).toEqual([]);
    expect((await a.inspection.contents()).keys).toEqual([`app_a:${record.sessionId}`]);
  });

  it('the schema SQL creates what the store needs when migrations own it (createTables: false)', async () => {
    const file = freshFile();
    const db = track(new Database(file));
    // Before the migration the store still starts; its calls fail as faults until the tables exist.
    const store = track(createSqliteStore({ database: db, table: 'migrated', createTables: false }));
    await expect(store.read('s', T)).rejects.toThrow(/no such table/);
    db.exec(sqliteSchemaSql('migrated'));
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND name LIKE 'migrated%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(tables).toEqual(['migrated', 'migrated_expiry', 'migrated_locks', 'migrated_user']);
    const record = makeRecord({ userId: 'u' });
    expect(await store.create(record, T)).toBe('ok');
    expect(await store.read(record.sessionId, T)).toEqual(record);
    // Running it again (every deploy) changes nothing.
    db.exec(sqliteSchemaSql('migrated'));
    expect(await store.read(record.sessionId, T)).toEqual(record);
  });

  it('ST-2: purgeExpired removes exactly the expired records, in batches, and abandoned locks', async () => {
    const store = track(createSqliteStore({ file: freshFile(), purgeBatch: 2 }));
    const expired = Array.from({ length: 5 }, (_, i) =>
      makeRecord({ userId: `u${i % 2}`, expiresAt: T + i }),
    );
    const live = Array.from({ length: 3 }, () => makeRecord({ userId: 'u0', expiresAt: T + 100 }));
    for (const record of [...expired, ...live]) expect(await store.create(record, T)).toBe('ok');
    expect(await store.locks.acquire('gone', 'o', 5, T)).toBe(true);
    expect(await store.locks.acquire('held', 'o', 1000, T)).toBe(true);
    expect(await store.purgeExpired(T + 5)).toBe(5);
    const contents = await store.inspection.contents();
    expect(contents.records.sort()).toEqual(live.map((r) => r.sessionId).sort());
    expect(Object.keys(contents.userIndex)).toEqual(['u0']);
    expect(contents.locks).toBe(1);
    expect(await store.purgeExpired(T + 5)).toBe(0);
  });

  it('LC-9, ST-2: pages follow filing numbers in numeric order past 9 and 10, listing and revoking each session once', async () => {
    const store = track(createSqliteStore({ file: freshFile() }));
    const mine = Array.from({ length: 25 }, () => makeRecord({ userId: 'many' }));
    for (const record of mine) expect(await store.create(record, T)).toBe('ok');
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listByUser('many', T, { limit: 3, cursor });
      listed.push(...page.records.map((r) => r.sessionId));
      cursor = page.cursor;
    } while (cursor !== null);
    expect(listed).toEqual(mine.map((r) => r.sessionId));
    const deleted: string[] = [];
    do {
      const step = await store.destroyByUser('many', [], { limit: 4, cursor });
      deleted.push(...step.deleted);
      cursor = step.cursor;
    } while (cursor !== null);
    expect(deleted).toEqual(mine.map((r) => r.sessionId));
  });

  it('LC-9, CK-6: a user bound again gets a new filing number, so a listing started before misses nothing', async () => {
    const store = track(createSqliteStore({ file: freshFile() }));
    const mine = Array.from({ length: 4 }, () => makeRecord({ userId: 'me' }));
    for (const record of mine) expect(await store.create(record, T)).toBe('ok');
    const first = await store.listByUser('me', T, { limit: 2 });
    expect(first.records.map((r) => r.sessionId)).toEqual(mine.slice(0, 2).map((r) => r.sessionId));
    // A session switched to this user mid-listing is filed after every entry present, not in between.
    const switched = makeRecord({ userId: 'other' });
    expect(await store.create(switched, T)).toBe('ok');
    expect(await store.write({ ...switched, userId: 'me', version: 2, writeIds: ['w'] }, 'v1', T)).toBe('ok');
    const seen = [...first.records];
    let cursor = first.cursor;
    while (cursor !== null) {
      const page = await store.listByUser('me', T, { limit: 2, cursor });
      seen.push(...page.records);
      cursor = page.cursor;
    }
    expect(seen.map((r) => r.sessionId)).toEqual([...mine, switched].map((r) => r.sessionId));
  });
});

describe('SQLite store faults (SEC-2: fail closed, nothing lost)', () => {
  /** A manager on `store` whose committed session holds `{ cart: [1] }`; the token to load it again. */
  async function committed(store: SqliteStore): Promise<{ manager: SessionManager; token: string }> {
    const manager = createSessionManager({ store });
    const session = await manager.load(undefined);
    session.set('cart', [1]);
    const { cookie } = await session.commit();
    if (cookie.action !== 'set') throw new Error('the first commit sets the cookie');
    return { manager, token: cookie.token };
  }

  it('a database locked by another connection: the write waits the busy timeout, then fails closed; reads go on', async () => {
    const file = freshFile();
    const store = track(createSqliteStore({ file, busyTimeoutMs: 50 }));
    const { manager, token } = await committed(store);
    const holder = track(new Database(file));
    holder.exec('BEGIN IMMEDIATE');
    try {
      const session = await manager.load(token);
      // WAL: a reader never waits for the writer.
      expect(session.get('cart')).toEqual([1]);
      session.set('cart', [1, 2]);
      expectUnavailable(await failureOf(session.commit()), /locked|busy/i);
      // A new session is refused too, rather than handed out unsaved.
      const fresh = await manager.load(undefined);
      fresh.set('x', 1);
      expectUnavailable(await failureOf(fresh.commit()), /locked|busy/i);
    } finally {
      holder.exec('ROLLBACK');
    }
    const again = await manager.load(token);
    expect(again.get('cart')).toEqual([1]);
    again.set('cart', [1, 2]);
    await again.commit();
    expect((await manager.load(token)).get('cart')).toEqual([1, 2]);
  });

  it('a read-only database: sessions still load, every write fails closed, the file is unchanged', async () => {
    const file = freshFile();
    const writer = createSqliteStore({ file });
    const { token } = await committed(writer);
    await writer.close();
    // How the file is read-only for this process: better-sqlite3's `readonly` (SQLITE_OPEN_READONLY),
    // which is what a read-only mount or file permission also gives; a chmod alone does not stop root.
    const readonly = track(new Database(file, { readonly: true }));
    const store = track(createSqliteStore({ database: readonly, createTables: false }));
    const manager = createSessionManager({ store });
    const session = await manager.load(token);
    expect(session.get('cart')).toEqual([1]);
    session.set('cart', [1, 2]);
    expectUnavailable(await failureOf(session.commit()), /readonly/i);
    const fresh = await manager.load(undefined);
    fresh.set('x', 1);
    expectUnavailable(await failureOf(fresh.commit()), /readonly/i);
    expect((await manager.load(token)).get('cart')).toEqual([1]);
  });

  it.skipIf(process.getuid?.() === 0)(
    'a read-only file (chmod 0444): creating the store fails, with the driver error (skipped as root, whom permissions do not stop)',
    async () => {
      const file = freshFile();
      await createSqliteStore({ file }).close();
      chmodSync(file, 0o444);
      chmodSync(`${file}-wal`, 0o444);
      expect(() => createSqliteStore({ file })).toThrow(/readonly|read-only|unable to open/i);
    },
  );

  it('a full disk (PRAGMA max_page_count): new sessions fail closed, stored ones stay readable, and work resumes with room', async () => {
    const file = freshFile();
    const db = track(new Database(file));
    db.pragma('journal_mode = WAL');
    const store = track(createSqliteStore({ database: db }));
    const { manager, token } = await committed(store);
    const pages = Number(db.pragma('page_count', { simple: true }));
    db.pragma(`max_page_count = ${pages + 2}`);
    // Fill the two pages left with sessions until the disk is full.
    let full: unknown = null;
    for (let i = 0; i < 1000 && full === null; i += 1) {
      const session = await manager.load(undefined);
      session.set('filler', 'x'.repeat(500));
      full = await failureOf(session.commit());
    }
    expectUnavailable(full, /full/i);
    const kept = await manager.load(token);
    expect(kept.get('cart')).toEqual([1]);
    db.pragma(`max_page_count = ${pages + 1000}`);
    kept.set('cart', [1, 2]);
    await kept.commit();
    expect((await manager.load(token)).get('cart')).toEqual([1, 2]);
  });
});
