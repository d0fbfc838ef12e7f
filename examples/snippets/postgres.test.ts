/**
 * The PostgreSQL snippets of docs/postgres.md run as written, on node-postgres and on postgres.js,
 * against a private server: a session one commits loads again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SessionManager } from '../../src/index.js';
import { type PostgresServer, startPostgresServer } from '../../test/postgres-server.js';

let server: PostgresServer;
let end: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  server = await startPostgresServer();
  process.env.DATABASE_URL = server.url;
});
afterAll(async () => {
  for (const close of end) await close();
  end = [];
  await server?.stop();
});

/** A session committed through `manager` loads again with its data. */
async function roundTrip(manager: SessionManager): Promise<void> {
  const session = await manager.load(undefined);
  session.set('cart', ['book']);
  const { cookie } = await session.commit();
  if (cookie.action !== 'set') throw new Error('the first commit sets the cookie');
  expect((await manager.load(cookie.token)).get('cart')).toEqual(['book']);
}

it('docs/postgres.md: the node-postgres snippet creates its tables and keeps sessions', async () => {
  const { manager, pool } = await import('./postgres.js');
  end.push(() => pool.end());
  await roundTrip(manager);
});

it('docs/postgres.md: the postgres.js snippet keeps sessions in its own schema', async () => {
  const { manager, sql } = await import('./postgres-js.js');
  end.push(() => sql.end());
  await roundTrip(manager);
  const [row] = await sql`SELECT count(*)::int AS n FROM sessions.sessionspec_sessions`;
  expect(row?.n).toBe(1);
});
