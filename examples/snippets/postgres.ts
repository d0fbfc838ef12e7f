/**
 * The PostgreSQL store in an application, on node-postgres. Shown in docs/postgres.md (a test keeps
 * the two identical, and `postgres.test.ts` runs it against a real server).
 *
 * @packageDocumentation
 */
import pg from 'pg';
import { createPostgresSchema, createPostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  connectionTimeoutMillis: 2_000, // a server down, or every connection busy: HTTP 503 after this
  statement_timeout: 2_000, // the server stops a statement that runs longer
});
pool.on('error', (error) => console.error('postgres', error.message)); // an idle connection that broke
await createPostgresSchema({ client: pool }); // at start-up; or run the SQL below in a migration
const manager = createSessionManager({ store: createPostgresStore({ client: pool }) });

// PostgreSQL has no TTL: purge expired rows every ten minutes, in bounded batches.
setInterval(() => void manager.purgeExpired().catch(() => {}), 10 * 60_000).unref();

export { manager, pool };
