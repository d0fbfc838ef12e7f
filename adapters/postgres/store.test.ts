/**
 * What the conformance kit does not see of the PostgreSQL adapter: its options, its schema functions,
 * the documented SQL, the bytes it keeps, bounded purges and concurrent compare-and-sets, on a private
 * server this file starts. The contract itself is checked by `conformance.test.ts`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIdOf } from '../../src/index.js';
import { type PostgresServer, startPostgresServer } from '../../test/postgres-server.js';
import { makeRecord, T } from '../../test/records.js';
import { createPostgresSchema, createPostgresStore, dropPostgresSchema, postgresSchemaSql } from './index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: PostgresServer;
let pool: pg.Pool;
beforeAll(async () => {
  server = await startPostgresServer();
  pool = new pg.Pool({ connectionString: server.url, max: 20, connectionTimeoutMillis: 2000 });
  // An idle connection the server closes at shutdown reports here; the calls themselves reject.
  pool.on('error', () => {});
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

/** A fresh table name, its schema created. */
async function freshTable(): Promise<string> {
  const table = `t_${randomBytes(6).toString('hex')}`;
  await createPostgresSchema({ client: pool, table });
  return table;
}

describe('options', () => {
  it.each([
    ['a table name with a quote', { table: 'a"b' }],
    ['a table name with a space', { table: 'a b' }],
    ['a table name starting with a digit', { table: '1abc' }],
    ['a table name too long for the derived names', { table: 'x'.repeat(49) }],
    ['a schema name with a dot', { schema: 'a.b' }],
    ['a statement timeout of 0', { statementTimeoutMs: 0 }],
    ['a purge batch of 1.5', { purgeBatch: 1.5 }],
    ['prepare given as a string', { prepare: 'yes' as unknown as boolean }],
  ])('refuses %s with a TypeError', (_label, options) => {
    expect(() => createPostgresStore({ client: pool, ...options })).toThrow(TypeError);
  });

  it("refuses an option it does not know, naming connect-pg-simple's equivalent", async () => {
    const habit = { client: pool, tableName: 'user_sessions' } as never;
    expect(() => createPostgresStore(habit)).toThrow(
      /createPostgresStore: unknown option `tableName`: the table is `table`/,
    );
    await expect(createPostgresSchema({ client: pool, createTableIfMissing: true } as never)).rejects.toThrow(
      /createPostgresSchema: unknown option `createTableIfMissing`/,
    );
  });

  it('a table never created: each call names createPostgresSchema with the options given, code kept', async () => {
    const store = createPostgresStore({ client: pool, table: 'sesions' });
    const error = await store.create(makeRecord(), T).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '42P01' });
    expect((error as Error).message).toMatch(
      /the session tables of "sesions" do not exist \(42P01: relation "sesions" does not exist\): create them once with createPostgresSchema\(\{ client, table: 'sesions' \}\)/,
    );
    const inSchema = createPostgresStore({ client: pool, schema: 'no_such_schema' });
    await expect(inSchema.read('x', T)).rejects.toThrow(
      /createPostgresSchema\(\{ client, schema: 'no_such_schema' \}\)/,
    );
  });

  it("another library's table under the name given: createPostgresSchema says so instead of a column error", async () => {
    const table = `session_${randomBytes(4).toString('hex')}`;
    // connect-pg-simple's layout.
    await pool.query(
      `CREATE TABLE "${table}" (sid varchar PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`,
    );
    await expect(createPostgresSchema({ client: pool, table })).rejects.toThrow(
      new RegExp(`"${table}" is not a sessionspec table \\(42703: .*\\): it may belong to another library`),
    );
  });

  it('refuses a client of another kind, naming the supported ones', () => {
    expect(() => createPostgresStore({ client: {} as pg.Pool })).toThrow(/pg Pool or Client.*postgres\.js/);
  });

  it('refuses a malformed page cursor (store contract 2) with a TypeError, not a query', async () => {
    const store = createPostgresStore({ client: pool, table: await freshTable() });
    await expect(store.listByUser('u', T, { limit: 2, cursor: "1'; DROP TABLE x" })).rejects.toThrow(
      TypeError,
    );
    await expect(store.destroyByUser('u', [], { limit: 0 })).rejects.toThrow(TypeError);
  });
});

describe('schema', () => {
  it('docs/postgres.md prints exactly the SQL postgresSchemaSql() answers for the default names', () => {
    const doc = readFileSync(join(root, 'docs', 'postgres.md'), 'utf8');
    expect(doc).toContain(`\`\`\`sql\n${postgresSchemaSql()}\`\`\``);
  });

  it('createPostgresSchema is idempotent and safe from several processes at once, in a named schema', async () => {
    const names = { client: pool, table: 'sessions', schema: `s_${randomBytes(4).toString('hex')}` };
    await Promise.all(Array.from({ length: 6 }, () => createPostgresSchema(names)));
    await createPostgresSchema(names);
    const store = createPostgresStore(names);
    const record = makeRecord({ userId: 'u1' });
    expect(await store.create(record, T)).toBe('ok');
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${names.schema}"."sessions" WHERE user_id = 'u1'`,
    );
    expect(rows[0].n).toBe(1);
    await dropPostgresSchema(names);
    await expect(store.read(record.sessionId, T)).rejects.toThrow(/does not exist/);
  });

  it('a store whose tables were never created rejects (a fault), it does not answer "absent"', async () => {
    const store = createPostgresStore({ client: pool, table: 'never_created' });
    await expect(store.read('s-1', T)).rejects.toThrow(/does not exist/);
  });
});

describe('records', () => {
  it('ST-6: keeps exactly the encoded bytes, NUL and lone surrogates included (which jsonb refuses)', async () => {
    const table = await freshTable();
    const store = createPostgresStore({ client: pool, table });
    const record = makeRecord({ browser: { 'a\u0000b': '\ud800', n: 1e21, z: 1, a: 2 } });
    const encoded = JSON.stringify(record);
    expect(await store.create(record, T, encoded)).toBe('ok');
    const { rows } = await pool.query(`SELECT record FROM "${table}"`);
    expect(rows).toEqual([{ record: encoded }]);
    expect(await store.read(record.sessionId, T)).toEqual(JSON.parse(encoded));
    await expect(pool.query('SELECT $1::jsonb', [encoded])).rejects.toThrow(/Unicode|\\u0000/);
  });

  it('ST-2: purges in bounded batches and leaves live records, whatever the batch size', async () => {
    const table = await freshTable();
    const store = createPostgresStore({ client: pool, table, purgeBatch: 3 });
    const expired = Array.from({ length: 10 }, () => makeRecord({ userId: 'u', expiresAt: T - 1 }));
    const live = Array.from({ length: 2 }, () => makeRecord({ userId: 'u' }));
    for (const record of [...expired, ...live]) expect(await store.create(record, T - 10)).toBe('ok');
    expect(await store.purgeExpired(T)).toBe(10);
    const { records } = await store.listByUser('u', T);
    expect(records.map((r) => r.sessionId).sort()).toEqual(live.map((r) => r.sessionId).sort());
    expect(await store.purgeExpired(T)).toBe(0);
  });

  it('ST-2.pages: pages of one follow the filing numbers past 9 and 10 (numeric order, not text)', async () => {
    const store = createPostgresStore({ client: pool, table: await freshTable() });
    const records = Array.from({ length: 12 }, () => makeRecord({ userId: 'u' }));
    for (const record of records) expect(await store.create(record, T)).toBe('ok');
    for (const limit of [1, 5]) {
      const listed: string[] = [];
      const deleted: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.listByUser('u', T, { limit, cursor });
        listed.push(...page.records.map((r) => r.sessionId));
        cursor = page.cursor;
      } while (cursor !== null);
      expect(listed).toEqual(records.map((r) => r.sessionId));
      if (limit === 1) continue;
      do {
        const step = await store.destroyByUser('u', [], { limit, cursor });
        deleted.push(...step.deleted);
        cursor = step.cursor;
      } while (cursor !== null);
      expect(deleted).toEqual(records.map((r) => r.sessionId));
    }
  });

  it('CC-1: of 20 concurrent writes on one write id, exactly one succeeds, the others conflict', async () => {
    const store = createPostgresStore({ client: pool, table: await freshTable() });
    const record = makeRecord({ writeIds: ['w0'] });
    await store.create(record, T);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.write(
          { ...record, version: 2, writeIds: ['w0', `w${i + 1}`], browser: { i } },
          writeIdOf(record),
          T,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(19);
    const stored = await store.read(record.sessionId, T);
    const winner = outcomes.indexOf('ok');
    expect(stored).toMatchObject({ browser: { i: winner }, writeIds: ['w0', `w${winner + 1}`] });
  });
});
