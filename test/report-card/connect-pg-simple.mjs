// connect-pg-simple on a pg pool, for `sessionspec report-card`: DATABASE_URL names the server.
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';

export const name = 'connect-pg-simple';

export function createStore() {
  const PgStore = connectPgSimple(session);
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  const store = new PgStore({ pool, createTableIfMissing: true, pruneSessionInterval: false });
  store.pool = pool;
  return store;
}

export async function close(store) {
  await store.close();
  await store.pool.end();
}
