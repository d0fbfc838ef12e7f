/**
 * The tables the PostgreSQL store keeps, by name: the sessions table (one row per session, the user
 * index as an indexed column) and the locks table (CC-5), and what creates and drops them.
 * `docs/postgres.md` prints what {@link postgresSchemaSql} answers for the default names.
 *
 * @packageDocumentation
 */
import { bounded } from '../shared/bounded.js';
import { refuseUnknownOptions } from '../shared/options.js';
import { driverFor, type PostgresClient } from './driver.js';
import { CONNECT_PG_SIMPLE, timeoutOf } from './options.js';
import { explainSchemaError } from './schema-errors.js';

/** The default table name. */
export const DEFAULT_TABLE = 'sessionspec_sessions';

/** Longest table name: the derived names (`<table>_locks`, `<table>_filing`, ...) must fit in 63 bytes. */
const MAX_TABLE = 48;

/** A name PostgreSQL keeps as written once double-quoted, with nothing to escape. @internal */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Every name the store uses, double-quoted and, with a schema, qualified. @internal */
export interface Names {
  /** The sessions table. */
  readonly table: string;
  /** The locks table (CC-5). */
  readonly locks: string;
  /** The sequence of user-index filing numbers, as `nextval` takes it (a string literal). */
  readonly filing: string;
  /** The same sequence as an object name. */
  readonly filingName: string;
  /** The index names, unqualified (an index lives in its table's schema). */
  readonly userIndex: string;
  readonly expiryIndex: string;
  /** The schema, quoted, when one is named. */
  readonly schema: string | undefined;
  /** For messages and the schema lock: `schema.table`. */
  readonly label: string;
}

/**
 * Check and quote the table and schema names.
 * @param table - the sessions table's name: a letter or `_`, then letters, digits, `_` or `-`, at
 *   most 48 characters. Kept as written (case included): it is always double-quoted.
 * @param schema - a schema name of the same form, or `undefined` for the connection's search path.
 * @returns the names.
 * @throws TypeError when a name has another form.
 * @internal
 */
export function namesOf(table: string, schema: string | undefined): Names {
  if (typeof table !== 'string' || !NAME.test(table) || table.length > MAX_TABLE) {
    throw new TypeError(
      `createPostgresStore: \`table\` must be a letter or _ then letters, digits, _ or -, at most ${MAX_TABLE} characters, not ${JSON.stringify(table)}`,
    );
  }
  if (schema !== undefined && (typeof schema !== 'string' || !NAME.test(schema) || schema.length > 63)) {
    throw new TypeError(
      `createPostgresStore: \`schema\` must be a letter or _ then letters, digits, _ or -, at most 63 characters, not ${JSON.stringify(schema)}`,
    );
  }
  const qualify = (name: string) => (schema === undefined ? `"${name}"` : `"${schema}"."${name}"`);
  return {
    table: qualify(table),
    locks: qualify(`${table}_locks`),
    filing: `'${qualify(`${table}_filing`)}'`,
    filingName: qualify(`${table}_filing`),
    userIndex: `"${table}_user"`,
    expiryIndex: `"${table}_expiry"`,
    schema: schema === undefined ? undefined : `"${schema}"`,
    label: schema === undefined ? table : `${schema}.${table}`,
  };
}

/**
 * The statements that create the schema (if named), both tables, the filing sequence and the indexes,
 * where absent: what a migration runs (`docs/postgres.md` prints them for the default names).
 * @internal
 */
export function tablesSql(names: Names): string {
  return `${names.schema === undefined ? '' : `CREATE SCHEMA IF NOT EXISTS ${names.schema};\n`}CREATE SEQUENCE IF NOT EXISTS ${names.filingName};
CREATE TABLE IF NOT EXISTS ${names.table} (
  session_id text PRIMARY KEY,
  user_id    text,
  filing     bigint NOT NULL DEFAULT nextval(${names.filing}),
  expires_at double precision NOT NULL,
  write_id   text,
  record     text NOT NULL
);
ALTER SEQUENCE ${names.filingName} OWNED BY ${names.table}.filing;
CREATE INDEX IF NOT EXISTS ${names.userIndex} ON ${names.table} (user_id, filing) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${names.expiryIndex} ON ${names.table} (expires_at);
CREATE TABLE IF NOT EXISTS ${names.locks} (
  name  text PRIMARY KEY,
  owner text NOT NULL,
  until double precision NOT NULL
);
`;
}

/**
 * A script run as one transaction that first takes a transaction-scoped advisory lock on the table's
 * name, so that two processes changing the schema at once do not collide.
 * @internal
 */
function locked(names: Names, body: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext('sessionspec:${names.label}'));\n${body}`;
}

/** {@link tablesSql} under the schema lock. @internal */
export function createScript(names: Names): string {
  return locked(names, tablesSql(names));
}

/** Drop both tables (and with them the sequence and the indexes), under the schema lock. @internal */
export function dropScript(names: Names): string {
  return locked(
    names,
    `DROP TABLE IF EXISTS ${names.locks};
DROP TABLE IF EXISTS ${names.table};
DROP SEQUENCE IF EXISTS ${names.filingName};
`,
  );
}

/** Options of {@link createPostgresSchema}, {@link dropPostgresSchema} and {@link postgresSchemaSql}. */
export interface PostgresSchemaOptions {
  /** The application's client, as for `createPostgresStore`. */
  client: PostgresClient;
  /** The sessions table, as for `createPostgresStore`. Defaults to `'sessionspec_sessions'`. */
  table?: string;
  /** The schema, as for `createPostgresStore`; the connection's search path when absent. */
  schema?: string;
  /** Upper bound of the whole script, in milliseconds, or `false`. Defaults to 5 000. */
  statementTimeoutMs?: number | false;
}

/** The options {@link createPostgresSchema} takes. @internal */
const SCHEMA_OPTIONS = ['client', 'table', 'schema', 'statementTimeoutMs'] as const;

/**
 * Create what the store needs, where absent: the schema (if named), the sessions table, its filing
 * sequence, its user and expiry indexes, and the locks table. One transaction, under an advisory lock,
 * so several processes may call it at once at start-up. Those who run their own migrations run
 * {@link postgresSchemaSql} instead.
 * @param options - the client and the names the store will be given.
 * @throws TypeError when a name or the client is not valid; the server's error when it refuses (e.g.
 *   no `CREATE` privilege).
 * @example
 * ```ts
 * await createPostgresSchema({ client: pool });
 * const store = createPostgresStore({ client: pool });
 * ```
 */
export async function createPostgresSchema(options: PostgresSchemaOptions): Promise<void> {
  const driver = driverFor(options?.client);
  refuseUnknownOptions('createPostgresSchema', options, SCHEMA_OPTIONS, CONNECT_PG_SIMPLE);
  const names = namesOf(options.table ?? DEFAULT_TABLE, options.schema);
  const timeout = timeoutOf('createPostgresSchema', options.statementTimeoutMs);
  await bounded(
    'sessionspec postgres: createPostgresSchema',
    timeout,
    driver.script(createScript(names)),
  ).catch((error: unknown) => {
    throw explainSchemaError(error, names, options);
  });
}

/**
 * Drop both tables and the sequence, with every session and lock in them (the schema itself stays).
 * @param options - the client and the names the store was given.
 * @throws TypeError when a name or the client is not valid; the server's error when it refuses.
 */
export async function dropPostgresSchema(options: PostgresSchemaOptions): Promise<void> {
  const driver = driverFor(options?.client);
  refuseUnknownOptions('dropPostgresSchema', options, SCHEMA_OPTIONS, CONNECT_PG_SIMPLE);
  const names = namesOf(options.table ?? DEFAULT_TABLE, options.schema);
  const timeout = timeoutOf('dropPostgresSchema', options.statementTimeoutMs);
  await bounded('sessionspec postgres: dropPostgresSchema', timeout, driver.script(dropScript(names)));
}

/**
 * The SQL {@link createPostgresSchema} runs, for a migration tool: idempotent statements, to run in one
 * transaction.
 * @param options - the names the store will be given.
 * @returns the statements, one per line group, each ending in `;`.
 * @throws TypeError when a name is not valid.
 */
export function postgresSchemaSql(options: { table?: string; schema?: string } = {}): string {
  return tablesSql(namesOf(options.table ?? DEFAULT_TABLE, options.schema));
}
