/**
 * `--store postgres --url postgres://...`: the built-in PostgreSQL adapter over one pool to the
 * database, so a PostgreSQL-compatible database (PostgreSQL, a managed PostgreSQL, CockroachDB, Neon)
 * is qualified without writing a module. CK-8: each run has its own tables, named after its namespace,
 * created on its first store and dropped when its last store closes.
 *
 * @packageDocumentation
 */
import type { PostgresClient } from '../../adapters/postgres/index.js';
import {
  createPostgresSchema,
  createPostgresStore,
  dropPostgresSchema,
} from '../../adapters/postgres/index.js';
import type { StoreFactory } from '../../conformance/types.js';
import { UsageError } from '../args.js';
import { MissingPeerError } from '../peer.js';
import { type BuiltInStore, StoreUnreachableError } from './types.js';

/** How long connecting, or waiting for a pooled connection, may take, in milliseconds (SEC-2). */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * A factory whose namespaces are tables on `client`: a namespace's tables are created by its first
 * store and dropped when its last one closes (CK-5 opens several stores on one namespace).
 * @param client - the pool every store shares.
 * @returns the factory.
 */
export function tablesPerNamespace(client: PostgresClient): StoreFactory {
  const open = new Map<string, number>();
  return async ({ namespace }) => {
    const names = { client, table: namespace };
    // Every run has tables of its own: statements prepared per table would pile up on each connection.
    const store = createPostgresStore({ ...names, prepare: false });
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

/** The PostgreSQL store of the command. */
export const postgres: BuiltInStore = {
  help: [
    'a PostgreSQL-compatible database (a managed PostgreSQL,',
    'CockroachDB, Neon) at --url postgres://user@host:port/db,',
    'on pg or postgres (postgres.js), whichever is installed;',
    'each run creates its own tables and drops them',
  ],
  options: ['url'],
  async open({ url = '' }) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new UsageError(`the PostgreSQL url is postgres://user@host:port/database, not '${url}'`);
    let connected: { client: PostgresClient; close: () => Promise<unknown> };
    try {
      connected = await connectPostgres(url);
    } catch (error) {
      if (error instanceof MissingPeerError) throw error;
      throw new StoreUnreachableError(`cannot connect to ${new URL(url).host}: ${(error as Error).message}`);
    }
    return {
      name: `postgres (${new URL(url).host})`,
      factory: tablesPerNamespace(connected.client),
      teardown: connected.close,
    };
  },
};

/**
 * A pool to `url`, checked with `SELECT 1`: node-postgres when installed, else postgres.js; each
 * failing fast on an outage (SEC-2) and leaving no idle timer that keeps the process alive.
 * @throws MissingPeerError when neither is installed; the connection's error when it fails.
 */
async function connectPostgres(
  url: string,
): Promise<{ client: PostgresClient; close: () => Promise<unknown> }> {
  const pg = await import('pg').catch(() => undefined);
  if (pg !== undefined) {
    const pool = new pg.default.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      allowExitOnIdle: true,
    });
    pool.on('error', () => {});
    await pool.query('SELECT 1').catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    return { client: pool, close: () => pool.end() };
  }
  const postgresJs = await import('postgres').catch(() => undefined);
  if (postgresJs === undefined) {
    throw new MissingPeerError('--store postgres needs a PostgreSQL client: npm install pg (or postgres)');
  }
  const sql = postgresJs.default(url, {
    max: 10,
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    onnotice: () => {},
  });
  await sql.unsafe('SELECT 1').catch(async (error: unknown) => {
    await sql.end();
    throw error;
  });
  return { client: sql, close: () => sql.end() };
}
