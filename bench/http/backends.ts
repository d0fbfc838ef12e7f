/**
 * The stores behind the server variants, each connected to the benchmark's Redis or PostgreSQL, or in a
 * SQLite file of the process's own.
 *
 * @packageDocumentation
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import connectPgSimple from 'connect-pg-simple';
import { RedisStore } from 'connect-redis';
import connectSqlite3 from 'connect-sqlite3';
import session from 'express-session';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { createClient, createCluster } from 'redis';
import { createSessionManager, type SessionManager } from 'sessionspec';
import { createMemoryStore } from 'sessionspec/adapters/memory';
import { createPostgresSchema, createPostgresStore, type PostgresStore } from 'sessionspec/adapters/postgres';
import { createRedisStore } from 'sessionspec/adapters/redis';
import { createSqliteStore } from 'sessionspec/adapters/sqlite';
import { CONNECT_PG_OPTIONS, CONNECT_REDIS_OPTIONS, IOREDIS_OPTIONS, PG_POOL_OPTIONS } from './peers.js';

/** Where Redis is: the port of one server on 127.0.0.1, or the ports of a Cluster's masters. */
export type RedisAddress = number | readonly number[];

/**
 * Parse a {@link RedisAddress} from its text form.
 * @param text - `"6379"`, or `"7000,7001,7002"` for a Cluster.
 * @returns the address.
 */
export function parseRedisAddress(text: string): RedisAddress {
  const ports = text.split(',').map(Number);
  return ports.length === 1 ? ports[0]! : ports;
}

/** The secret the peer libraries sign their cookies with. */
export const PEER_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

/**
 * An ioredis client on the benchmark's Redis, connected, with the settings `docs/redis.md` recommends.
 * @param port - the Redis port.
 * @returns the client.
 */
export async function ioredis(port: number): Promise<Redis> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    ...IOREDIS_OPTIONS,
  });
  await client.connect();
  return client;
}

/**
 * A node-postgres pool on the benchmark's PostgreSQL, with the settings `docs/postgres.md` recommends.
 * @param url - the server's URL.
 * @returns the pool; the benchmark's 50 connections share its 10 connections.
 */
export function pgPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, ...PG_POOL_OPTIONS });
  pool.on('error', () => {});
  return pool;
}

/**
 * The sessionspec PostgreSQL store in table `table`, created if absent.
 * @param client - a pool from {@link pgPool}.
 * @param table - the table.
 * @returns the store.
 */
export async function postgresStore(client: pg.Pool, table: string): Promise<PostgresStore> {
  await createPostgresSchema({ client, table });
  return createPostgresStore({ client, table });
}

/**
 * An ioredis client on one server or on a Cluster, connected, with the same settings.
 * @param at - where Redis is.
 * @returns the client.
 */
async function ioredisAt(at: RedisAddress): Promise<Redis | Cluster> {
  if (typeof at === 'number') return ioredis(at);
  const cluster = new Cluster(
    at.map((port) => ({ host: '127.0.0.1', port })),
    { lazyConnect: true, redisOptions: IOREDIS_OPTIONS },
  );
  await cluster.connect();
  return cluster;
}

/**
 * A sessionspec manager with default policy on the memory adapter or on Redis.
 * @param kind - which store.
 * @param at - where Redis is.
 * @param prefix - the Redis key prefix.
 * @returns the manager.
 */
export async function sessionspecManager(
  kind: 'memory' | 'redis',
  at: RedisAddress,
  prefix: string,
): Promise<SessionManager> {
  const store =
    kind === 'memory' ? createMemoryStore() : createRedisStore({ client: await ioredisAt(at), prefix });
  return createSessionManager({ store });
}

/**
 * A sessionspec manager with default policy on PostgreSQL.
 * @param url - the server's URL.
 * @param table - the sessions table, created if absent.
 * @returns the manager.
 */
export async function postgresManager(url: string, table: string): Promise<SessionManager> {
  return createSessionManager({ store: await postgresStore(pgPool(url), table) });
}

/** Where the benchmark's servers are. */
export interface Backend {
  readonly redisPort: RedisAddress;
  readonly postgresUrl: string;
}

/**
 * connect-pg-simple, the PostgreSQL store express-session's documentation lists, on a node-postgres
 * pool like sessionspec's, its table created by itself. One table for every figure: it names its
 * primary key `session_pkey` whatever the table, so a second table of its own cannot be created.
 * @param pool - a pool from {@link pgPool}.
 * @returns the store.
 */
export function connectPgStore(pool: pg.Pool): session.Store {
  const PgStore = connectPgSimple(session);
  return new PgStore({ pool, ...CONNECT_PG_OPTIONS });
}

/** This process's folder of SQLite files, made on first use and removed when the process exits. */
let sqliteFolder: string | undefined;

/**
 * A SQLite file of this process, on the machine's temporary disk.
 * @param name - the file's name, without extension.
 * @returns its path.
 */
export function sqliteFile(name: string): string {
  if (sqliteFolder === undefined) {
    const folder = mkdtempSync(join(tmpdir(), 'sessionspec-bench-sqlite-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    sqliteFolder = folder;
  }
  return join(sqliteFolder, `${name}.db`);
}

/**
 * A sessionspec manager with default policy on a SQLite file of this process, in WAL mode.
 * @param name - the file's name.
 * @param synchronous - the store's durability: `'full'` (its default) syncs every commit.
 * @returns the manager.
 */
export function sqliteManager(name: string, synchronous: 'full' | 'normal' = 'full'): SessionManager {
  return createSessionManager({ store: createSqliteStore({ file: sqliteFile(name), synchronous }) });
}

/**
 * connect-sqlite3, the SQLite store express-session's documentation lists, in a SQLite file of this
 * process, in WAL mode as sessionspec's (every commit synced in both: `synchronous = FULL`, sqlite3's
 * default in WAL and the store's), once its table exists.
 * @param name - the file's name.
 * @returns the store.
 */
export async function connectSqliteStore(name: string): Promise<session.Store> {
  const SQLiteStore = connectSqlite3(session);
  const file = sqliteFile(name);
  // `concurrentDb` (WAL) is the option's name in the code; the published types spell it otherwise.
  const options = { dir: join(file, '..'), db: `${name}.db`, concurrentDb: true };
  const store = new SQLiteStore(options as ConstructorParameters<typeof SQLiteStore>[0]) as session.Store & {
    client: NodeJS.EventEmitter;
  };
  await once(store.client, 'connect');
  return store;
}

/**
 * connect-redis on the `redis` client (`createCluster` on a Cluster), the store express-session's
 * documentation points to; it also fits @fastify/session's store interface (`get`, `set`, `destroy`
 * with callbacks).
 * @param at - where Redis is.
 * @param prefix - the key prefix.
 * @returns the store.
 */
export async function connectRedisStore(at: RedisAddress, prefix: string): Promise<RedisStore> {
  const client =
    typeof at === 'number'
      ? createClient({ url: `redis://127.0.0.1:${at}` })
      : createCluster({ rootNodes: at.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
  await client.connect();
  return new RedisStore({ client, prefix, ...CONNECT_REDIS_OPTIONS });
}
