/**
 * Faults of the PostgreSQL store on both clients, against a private server this file starts: a paused
 * server, a statement the server times out, an exhausted pool, and a server that crashes mid-run under
 * a session manager (SEC-2: every fault is a typed 503, nothing acknowledged is lost, and the same
 * client works again once the server is back, without restarting the application).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createManualClock,
  createSessionManager,
  isSessionError,
  type SessionError,
  writeIdOf,
} from '../../src/index.js';
import { type PostgresServer, startPostgresServer } from '../../test/postgres-server.js';
import { makeRecord, T } from '../../test/records.js';
import { createPostgresSchema, createPostgresStore, type PostgresClient } from './index.js';

/** A client of `kind` on `url`, with the settings docs/postgres.md recommends, and how to end it. */
interface TestClient {
  readonly client: PostgresClient;
  /** Take one pooled connection and hold it until the returned function is called. */
  hold(): Promise<() => void>;
  end(): Promise<void>;
}

/** SEC-2: the client's own bounds in these tests, in milliseconds. */
const CONNECT_TIMEOUT_MS = 1000;
const STATEMENT_TIMEOUT_MS = 300;

function connect(kind: 'pg' | 'postgres', url: string, max = 4): TestClient {
  if (kind === 'pg') {
    const pool = new pg.Pool({
      connectionString: url,
      max,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      allowExitOnIdle: true,
    });
    pool.on('error', () => {});
    return {
      client: pool,
      async hold() {
        const held = await pool.connect();
        return () => held.release();
      },
      end: () => pool.end(),
    };
  }
  const sql = postgres(url, {
    max,
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    connection: { statement_timeout: STATEMENT_TIMEOUT_MS },
    onnotice: () => {},
  });
  return {
    client: sql,
    async hold() {
      const held = await sql.reserve();
      return () => held.release();
    },
    end: () => sql.end({ timeout: 1 }),
  };
}

/** A fresh table on `client`. */
async function freshTable(client: PostgresClient): Promise<string> {
  const table = `f_${randomBytes(6).toString('hex')}`;
  await createPostgresSchema({ client, table });
  return table;
}

/** What `promise` rejected with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got an answer');
}

describe.each(['pg', 'postgres'] as const)('PostgreSQL store faults with %s (SEC-2)', (kind) => {
  let server: PostgresServer;
  let connected: TestClient;
  beforeAll(async () => {
    server = await startPostgresServer();
    connected = connect(kind, server.url);
  });
  afterAll(async () => {
    await connected?.end();
    await server?.stop();
  });

  it('a paused server: every operation rejects at the store bound, and works after', async () => {
    const store = createPostgresStore({
      client: connected.client,
      table: await freshTable(connected.client),
      statementTimeoutMs: 200,
    });
    const record = makeRecord();
    expect(await store.create(record, T)).toBe('ok');
    server.pause();
    try {
      const started = performance.now();
      expect((await rejection(store.read(record.sessionId, T))).message).toMatch(/no reply within 200 ms/);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      server.resume();
    }
    expect(await store.read(record.sessionId, T)).toEqual(record);
  });

  it('a statement the server times out (a row locked elsewhere): the write rejects, the row is unchanged, and it succeeds once free', async () => {
    const table = await freshTable(connected.client);
    const store = createPostgresStore({ client: connected.client, table });
    const record = makeRecord({ writeIds: ['w1'] });
    expect(await store.create(record, T)).toBe('ok');
    const locker = new pg.Client({ connectionString: server.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM "${table}" WHERE session_id = $1 FOR UPDATE`, [record.sessionId]);
      const next = { ...record, version: 2, writeIds: ['w1', 'w2'], browser: { late: true } };
      const error = await rejection(store.write(next, writeIdOf(record), T));
      expect(error.message).toMatch(/statement timeout/);
      await locker.query('ROLLBACK');
      expect(await store.read(record.sessionId, T)).toEqual(record);
      expect(await store.write(next, writeIdOf(record), T)).toBe('ok');
    } finally {
      await locker.end();
    }
  });

  it('an exhausted pool: operations reject within the bounds instead of waiting, and work once a connection is free', async () => {
    const small = connect(kind, server.url, 1);
    try {
      const store = createPostgresStore({
        client: small.client,
        table: await freshTable(small.client),
        statementTimeoutMs: 1500,
      });
      const record = makeRecord();
      expect(await store.create(record, T)).toBe('ok');
      const release = await small.hold();
      let error: Error;
      const started = performance.now();
      try {
        error = await rejection(store.read(record.sessionId, T));
      } finally {
        release();
      }
      // node-postgres gives up at its connection timeout; postgres.js queues, and the store's bound ends it.
      expect(error.message).toMatch(/timeout exceeded when trying to connect|no reply within 1500 ms/);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(await store.read(record.sessionId, T)).toEqual(record);
    } finally {
      await small.end();
    }
  });
});

describe.each(['pg', 'postgres'] as const)(
  'PostgreSQL crashing under a session manager, with %s (SEC-2)',
  (kind) => {
    it('requests fail closed with a 503 (STORE_UNAVAILABLE; INDETERMINATE for a commit in flight); after the restart every acknowledged commit is there, on the same client', async () => {
      // Durable, as a production server is: an acknowledged commit is on disk.
      const settings = { fsync: 'on', synchronous_commit: 'on' };
      let server = await startPostgresServer({ settings });
      const { port, dir } = server;
      const connected = connect(kind, server.url);
      try {
        const table = await freshTable(connected.client);
        const store = createPostgresStore({ client: connected.client, table, statementTimeoutMs: 2000 });
        const manager = createSessionManager({ store, clock: createManualClock(T), storeTimeout: 3000 });
        const acknowledged = new Map<string, number>();
        const failures: unknown[] = [];
        let stop = false;
        /** One browser: a session whose counter it commits again and again until stopped. */
        const browse = async () => {
          let session = await manager.load(undefined);
          session.set('n', 0);
          const { cookie } = await session.commit();
          const token = cookie.action === 'set' ? cookie.token : '';
          acknowledged.set(token, 0);
          for (let n = 1; !stop; n++) {
            try {
              session = await manager.load(token);
              session.set('n', n);
              await session.commit();
              acknowledged.set(token, n);
            } catch (error) {
              failures.push(error);
              return;
            }
          }
        };
        const browsers = Array.from({ length: 4 }, () => browse());
        while (acknowledged.size < 4 || [...acknowledged.values()].some((n) => n < 3)) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await server.halt('SIGQUIT');
        await Promise.all(browsers);
        stop = true;
        expect(failures).toHaveLength(4);
        // A commit in flight at the crash has an unknown outcome (CC-7: INDETERMINATE); any other
        // call finds no server (STORE_UNAVAILABLE). Both are 503s, never a lost or invented answer.
        for (const failure of failures) {
          expect(
            isSessionError(failure, 'STORE_UNAVAILABLE') || isSessionError(failure, 'INDETERMINATE'),
            String(failure),
          ).toBe(true);
          expect((failure as SessionError).status).toBe(503);
        }
        const down = await rejection(manager.load([...acknowledged.keys()][0]!));
        expect(isSessionError(down, 'STORE_UNAVAILABLE'), String(down)).toBe(true);

        server = await startPostgresServer({ port, dir, settings });
        // The same client and manager, no restart: each session holds at least what was acknowledged
        // (a commit whose reply was lost in the crash may have been applied too).
        for (const [token, n] of acknowledged) {
          const session = await manager.load(token);
          expect(session.isNew).toBe(false);
          expect(session.get('n')).toBeGreaterThanOrEqual(n);
          expect(session.get('n')).toBeLessThanOrEqual(n + 1);
          session.set('n', 'after');
          await session.commit();
          expect((await manager.load(token)).get('n')).toBe('after');
        }
      } finally {
        await connected.end();
        await server.stop();
        // The restarted server runs on the first one's folder, which its own stop() keeps.
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
