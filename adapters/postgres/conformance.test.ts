/**
 * The conformance kit against the PostgreSQL adapter on both supported clients (node-postgres and
 * postgres.js), on a private server this file starts from Debian's `postgresql` package. Every kit run
 * gets its own tables (CK-8), created by `createPostgresSchema` and dropped when its last store closes.
 */
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { tablesPerNamespace } from '../../bin/stores/postgres.js';
import type { StoreFactory } from '../../conformance/types.js';
import { describeConformance } from '../../conformance/vitest.js';
import { type PostgresServer, startPostgresServer } from '../../test/postgres-server.js';

/** The clients, by the name the suites print. */
const CLIENTS = ['pg', 'postgres'] as const;

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(CLIENTS)('PostgreSQL adapter with %s', (kind) => {
  let factory: StoreFactory;
  let end: () => Promise<void>;
  beforeAll(() => {
    if (kind === 'pg') {
      const pool = new pg.Pool({
        connectionString: server.url,
        max: 10,
        connectionTimeoutMillis: 2000,
        // CK-8.close: an idle connection's timer must not keep the process alive.
        allowExitOnIdle: true,
      });
      // An idle connection the server closes at shutdown reports here; the calls themselves reject.
      pool.on('error', () => {});
      factory = tablesPerNamespace(pool);
      end = () => pool.end();
    } else {
      const sql = postgres(server.url, { max: 10, connect_timeout: 2, onnotice: () => {} });
      factory = tablesPerNamespace(sql);
      end = () => sql.end();
    }
  });
  afterAll(async () => {
    await end?.();
  });
  describeConformance({
    name: `postgres (${kind})`,
    profile: 'quick',
    // The factory `sessionspec conformance --store postgres` uses: one table set per namespace.
    factory: (options) => factory(options),
  });
});
