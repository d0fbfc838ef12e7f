/**
 * The conformance kit against the PostgreSQL adapter on both supported clients (node-postgres and
 * postgres.js), on a private server this file starts from Debian's `postgresql` package. Every kit run
 * gets its own tables (CK-8), created by `createSchema()` and dropped when its last store closes.
 */
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import type { StoreFactory } from '../../conformance/types.js';
import { describeConformance } from '../../conformance/vitest.js';
import { type PostgresServer, startPostgresServer } from '../../test/postgres-server.js';
import {
  createPostgresSchema,
  createPostgresStore,
  dropPostgresSchema,
  type PostgresClient,
} from './index.js';

/** The clients, by the name the suites print. */
const CLIENTS = ['pg', 'postgres'] as const;

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
});

/**
 * A factory over `client()`: the kit's namespace is the table name; the tables are created on the first
 * open of a namespace and dropped when its last store closes (CK-5 opens several on one namespace).
 */
function tablesPerNamespace(client: () => PostgresClient): StoreFactory {
  const open = new Map<string, number>();
  return async ({ namespace }) => {
    const names = { client: client(), table: namespace };
    const store = createPostgresStore(names);
    if (!open.has(namespace)) await createPostgresSchema(names);
    open.set(namespace, (open.get(namespace) ?? 0) + 1);
    return {
      store,
      async close() {
        const left = (open.get(namespace) ?? 1) - 1;
        if (left > 0) open.set(namespace, left);
        else {
          open.delete(namespace);
          await dropPostgresSchema(names);
        }
      },
    };
  };
}

describe.each(CLIENTS)('PostgreSQL adapter with %s', (kind) => {
  let client: PostgresClient;
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
      client = pool;
      end = () => pool.end();
    } else {
      const sql = postgres(server.url, { max: 10, connect_timeout: 2, onnotice: () => {} });
      client = sql;
      end = () => sql.end();
    }
  });
  afterAll(async () => {
    await end?.();
  });
  describeConformance({
    name: `postgres (${kind})`,
    profile: 'quick',
    factory: tablesPerNamespace(() => client),
  });
});
