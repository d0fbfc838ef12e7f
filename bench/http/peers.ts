/**
 * How every peer is set up: the options objects the server variants pass, and the same objects in the
 * report, so what it prints is what ran. Each follows the peer's documentation; where a choice was
 * needed, the note says which and why.
 *
 * @packageDocumentation
 */

/** sessionspec's idle timeout by default (LC-7), in seconds: the peers' stores keep a session as long. */
export const IDLE_SECONDS = 30 * 60;

/**
 * express-session (every store): the options its README recommends for a store-backed session. No
 * `cookie.maxAge`: a browser-session cookie, like sessionspec's default; idle expiry is the store's
 * TTL, renewed by express-session's `touch` on every request that does not change the session (it
 * touches with or without `maxAge`, which only changes the TTL connect-redis sets).
 */
export const EXPRESS_SESSION_OPTIONS = {
  resave: false,
  saveUninitialized: false,
  // Plain HTTP: a secure cookie would never be set.
  cookie: { secure: false },
} as const;

/**
 * connect-redis (behind express-session and @fastify/session): a key prefix, and a TTL equal to
 * sessionspec's idle timeout (its default is one day). Touch stays on (its default), so a read renews
 * the TTL with one `EXPIRE`, as sessionspec renews its idle deadline (throttled, PERF-1).
 */
export const CONNECT_REDIS_OPTIONS = { ttl: IDLE_SECONDS } as const;

/**
 * @fastify/session: `saveUninitialized: false` as express-session; `rolling: false`, its best case: its
 * default (`true`) saves the whole session on every response, the only way it renews an idle deadline.
 */
export const FASTIFY_SESSION_OPTIONS = {
  saveUninitialized: false,
  rolling: false,
  cookie: { secure: false },
} as const;

/** connect-pg-simple: its own table, created by itself; the node-postgres pool below. */
export const CONNECT_PG_OPTIONS = {
  tableName: 'bench_pgsimple_sessions',
  createTableIfMissing: true,
  ttl: IDLE_SECONDS,
} as const;

/** node-postgres pool of every PostgreSQL variant, sessionspec's and the peer's alike. */
export const PG_POOL_OPTIONS = { max: 10, connectionTimeoutMillis: 2_000, statement_timeout: 2_000 } as const;

/** ioredis client of every sessionspec Redis variant and of the unsafe session. */
export const IOREDIS_OPTIONS = { commandTimeout: 2_000, maxRetriesPerRequest: 1 } as const;

/** Each peer with the options it runs with, for the report. */
export const PEER_SETUP: ReadonlyArray<{ peer: string; options: string; note: string }> = [
  {
    peer: 'express-session',
    options: JSON.stringify({ secret: '<48 characters>', ...EXPRESS_SESSION_OPTIONS }),
    note: 'recommended options; no cookie maxAge (a browser-session cookie, as sessionspec); touches the store on every unchanged request',
  },
  {
    peer: 'connect-redis (on the redis client)',
    options: JSON.stringify({ prefix: 'bench:es: / bench:fs:', ...CONNECT_REDIS_OPTIONS }),
    note: "TTL = sessionspec's 30-minute idle timeout; touch on (default): one EXPIRE per read through express-session",
  },
  {
    peer: '@fastify/session (with @fastify/cookie)',
    options: JSON.stringify({ secret: '<48 characters>', ...FASTIFY_SESSION_OPTIONS }),
    note: 'rolling off: its best case (the default saves the session on every response)',
  },
  {
    peer: 'connect-pg-simple (on node-postgres)',
    options: JSON.stringify({ ...CONNECT_PG_OPTIONS, pool: PG_POOL_OPTIONS }),
    note: 'the same pool settings as the sessionspec PostgreSQL adapter',
  },
  {
    peer: 'unsafe GET + SET (hand-rolled, ioredis)',
    options: JSON.stringify({
      cookie: 'sid=<32 hex>; Path=/; HttpOnly; SameSite=Lax',
      ttlMs: IDLE_SECONDS * 1000,
    }),
    note: 'GET on every request; SET ... PX when the session changed; no CAS, no token hashing, no expiry renewal on reads. On Express loaded by a middleware and on Fastify by a `preHandler` hook, stored by the route before it answers: the least a session costs on each',
  },
  {
    peer: 'sessionspec (every variant)',
    options: JSON.stringify({ createSessionManager: '{ store } (defaults)', ioredis: IOREDIS_OPTIONS }),
    note: 'defaults: 30-minute idle, 12-hour absolute timeout, touch written after a tenth of the idle timeout',
  },
];
