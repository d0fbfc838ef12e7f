/**
 * The PostgreSQL store on postgres.js, in a schema of its own. Shown in docs/postgres.md (a test keeps
 * the two identical, and `postgres.test.ts` runs it against a real server).
 *
 * @packageDocumentation
 */
import postgres from 'postgres';
import { createPostgresSchema, createPostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';

const sql = postgres(process.env.DATABASE_URL ?? 'postgres://localhost/app', {
  connect_timeout: 2, // seconds
  connection: { statement_timeout: 2_000 },
});
await createPostgresSchema({ client: sql, schema: 'sessions' });
const manager = createSessionManager({ store: createPostgresStore({ client: sql, schema: 'sessions' }) });

export { manager, sql };
