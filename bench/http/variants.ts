/**
 * The HTTP variants: each runs in its own server process, answering the same routes.
 *
 * Routes (every variant): `GET /read` answers the session's counter or `none`; `POST /incr` stores the
 * 1 KiB payload on a new session and adds one to the counter. Variants with sessions also answer
 * `POST /slow-incr?ms=N` (read, pause N ms, write: the contention scenario), `POST /gated-incr?gate=G`
 * (read, wait until the logout of gate G has finished, write) and `POST /logout?gate=G` (wait until
 * the in-flight request of gate G has read, then end the session). sessionspec variants also answer
 * `POST /login` (bind the session to a user: the progress scenarios).
 *
 * @packageDocumentation
 */

/** Every variant, in report order. */
export const VARIANTS = [
  'node',
  'unsafe-node-redis',
  'sessionspec-node-redis',
  'sessionspec-web-redis',
  'express',
  'unsafe-express-redis',
  'express-session-memory',
  'express-session-redis',
  'sessionspec-express-memory',
  'sessionspec-express-redis',
  'express-session-postgres',
  'sessionspec-express-postgres',
  'express-session-sqlite',
  'sessionspec-express-sqlite',
  'fastify',
  'unsafe-fastify-redis',
  'fastify-session-memory',
  'fastify-session-redis',
  'sessionspec-fastify-memory',
  'sessionspec-fastify-redis',
] as const;

/** A variant's name. */
export type Variant = (typeof VARIANTS)[number];

/** What each variant is, for the report. */
export const DESCRIPTIONS: Record<Variant, string> = {
  node: 'plain node:http, no session (ceiling)',
  'unsafe-node-redis': 'node:http + hand-rolled session: ioredis GET + SET, no CAS, no hashing (floor)',
  'sessionspec-node-redis': 'node:http + sessionspec core HTTP layer, Redis',
  'sessionspec-web-redis': 'sessionspec/web (Request/Response bridged from node:http), Redis',
  express: 'Express 5, no session',
  'unsafe-express-redis':
    'Express 5 + the same hand-rolled session, loaded by a middleware (floor on Express)',
  'express-session-memory': 'Express 5 + express-session, MemoryStore',
  'express-session-redis': 'Express 5 + express-session + connect-redis',
  'sessionspec-express-memory': 'Express 5 + sessionspec/express, memory adapter',
  'sessionspec-express-redis': 'Express 5 + sessionspec/express, Redis adapter',
  'express-session-postgres': 'Express 5 + express-session + connect-pg-simple (node-postgres)',
  'sessionspec-express-postgres': 'Express 5 + sessionspec/express, PostgreSQL adapter (node-postgres)',
  'express-session-sqlite': 'Express 5 + express-session + connect-sqlite3 (sqlite3), a WAL file',
  'sessionspec-express-sqlite':
    'Express 5 + sessionspec/express, SQLite adapter (better-sqlite3), a WAL file',
  fastify: 'Fastify 5, no session',
  'unsafe-fastify-redis':
    'Fastify 5 + the same hand-rolled session, loaded by a preHandler hook (floor on Fastify)',
  'fastify-session-memory': 'Fastify 5 + @fastify/session, its MemoryStore',
  'fastify-session-redis': 'Fastify 5 + @fastify/session + connect-redis',
  'sessionspec-fastify-memory': 'Fastify 5 + sessionspec/fastify, memory adapter',
  'sessionspec-fastify-redis': 'Fastify 5 + sessionspec/fastify, Redis adapter',
};

/**
 * The groups measured side by side by default: each sessionspec variant with its peer and its bare
 * framework, with the unsafe session on that framework (what any session costs there), and with the
 * unsafe session and bare node:http, which every "server CPU added" target is measured against. `--only` measures other variants (the memory, SQLite and `sessionspec/web` ones),
 * each alone; every variant takes part in the correctness checks.
 */
export const GROUPS: readonly (readonly Variant[])[] = [
  ['node', 'unsafe-node-redis', 'sessionspec-node-redis'],
  [
    'node',
    'unsafe-node-redis',
    'express',
    'unsafe-express-redis',
    'sessionspec-express-redis',
    'express-session-redis',
  ],
  [
    'node',
    'unsafe-node-redis',
    'fastify',
    'unsafe-fastify-redis',
    'sessionspec-fastify-redis',
    'fastify-session-redis',
  ],
  ['express', 'sessionspec-express-postgres', 'express-session-postgres'],
];

/**
 * The groups to measure: the default ones, or with `--only` those of the named variants that the
 * default groups hold, and each other named variant alone.
 * @param only - the named variants, or none for the default.
 * @returns the groups.
 */
export function groupsFor(only: readonly Variant[]): Variant[][] {
  if (only.length === 0) return GROUPS.map((g) => [...g]);
  const groups = GROUPS.map((g) => g.filter((v) => only.includes(v))).filter((g) => g.length > 0);
  const grouped = new Set(groups.flat());
  return [...groups, ...only.filter((v) => !grouped.has(v)).map((v) => [v])];
}

/**
 * The routes a variant answers, for the report.
 * @param variant - the variant.
 * @returns method and path of each.
 */
export function routesOf(variant: Variant): string[] {
  const routes = ['GET /read', 'POST /incr'];
  if (hasSessions(variant))
    routes.push('POST /slow-incr?ms=N', 'POST /gated-incr?gate=G', 'POST /logout?gate=G');
  if (isSessionspec(variant)) routes.push('POST /login');
  return routes;
}

/** Whether a variant keeps sessions (and so takes part in the contention scenario). */
export function hasSessions(variant: Variant): boolean {
  return !['node', 'express', 'fastify'].includes(variant);
}

/** Whether a variant is one of ours. */
export function isSessionspec(variant: Variant): boolean {
  return variant.startsWith('sessionspec-');
}

/** Each sessionspec variant beside the peer a user would otherwise pick, and beside its bare framework. */
export const PAIRS: ReadonlyArray<{ ours: Variant; peer: Variant; target?: { incr: number; read: number } }> =
  [
    { ours: 'sessionspec-express-memory', peer: 'express-session-memory' },
    { ours: 'sessionspec-express-redis', peer: 'express-session-redis', target: { incr: 1.6, read: 1.8 } },
    { ours: 'sessionspec-express-postgres', peer: 'express-session-postgres' },
    { ours: 'sessionspec-express-sqlite', peer: 'express-session-sqlite' },
    { ours: 'sessionspec-fastify-memory', peer: 'fastify-session-memory' },
    { ours: 'sessionspec-fastify-redis', peer: 'fastify-session-redis', target: { incr: 1.6, read: 1.6 } },
    { ours: 'sessionspec-node-redis', peer: 'unsafe-node-redis', target: { incr: 0.75, read: 0.75 } },
    { ours: 'sessionspec-web-redis', peer: 'unsafe-node-redis' },
    { ours: 'sessionspec-express-redis', peer: 'express' },
    { ours: 'sessionspec-fastify-redis', peer: 'fastify' },
    { ours: 'sessionspec-node-redis', peer: 'node' },
  ];

/** The variants of the scale-out figures: sessionspec on Express beside express-session + connect-redis. */
export const SCALE_OUT: readonly Variant[] = ['sessionspec-express-redis', 'express-session-redis'];
