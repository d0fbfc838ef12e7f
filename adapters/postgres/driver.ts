/**
 * The clients the PostgreSQL store accepts, and the one narrow interface it talks to them through: a
 * parameterised statement, and a script of several statements run as one transaction (the schema).
 * Everything else (the schema, the statements, their outcomes) is the same for every client.
 *
 * @packageDocumentation
 */

import { isPg, pgDriver } from './drivers/pg.js';
import { isPostgresJs, postgresJsDriver } from './drivers/postgres-js.js';

/**
 * A node-postgres (`pg`) `Pool`, `Client` or pooled client: the part the store uses. Declared here
 * rather than imported, so the store's types never require a client the application did not install.
 */
export interface PgClient {
  /**
   * Run a statement with `$1`-style parameters (with a `name`: prepared once per connection); given
   * only text, a script of several statements.
   */
  query(
    query: string | { text: string; values?: unknown[]; name?: string },
    values?: unknown[],
  ): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** A postgres.js (`postgres`) client made by `postgres(url, options)`: the part the store uses. */
export interface PostgresJsClient {
  /**
   * Run a statement given as text, with `$1`-style parameters (`prepare`: prepared once per
   * connection; `.simple()`: a script, without parameters).
   */
  unsafe(
    query: string,
    parameters?: never[],
    options?: { prepare?: boolean },
  ): PromiseLike<ArrayLike<unknown> & { count: number | null }> & {
    /** Send the text as a script over the simple protocol (several statements, no parameters). */
    simple(): PromiseLike<unknown>;
  };
}

/** Any client {@link createPostgresStore} accepts. */
export type PostgresClient = PgClient | PostgresJsClient;

/** What a statement answers: its rows (column name to value) and how many rows it changed. @internal */
export interface Rows {
  readonly rows: ReadonlyArray<Record<string, unknown>>;
  readonly count: number;
}

/** What the store sends through. @internal */
export interface SqlDriver {
  /** `'pg'` or `'postgres'`, for messages. */
  readonly name: string;
  /**
   * One statement with `$1`-style parameters, in its own transaction; with a `name`, prepared once per
   * connection (parsed and planned once, not at every call).
   */
  query(text: string, values: readonly unknown[], name?: string): Promise<Rows>;
  /**
   * Several statements without parameters, sent as one simple-protocol query: PostgreSQL runs them
   * as one implicit transaction, rolled back whole when one fails.
   */
  script(text: string): Promise<void>;
}

/**
 * The driver for `client`.
 * @throws TypeError when the client is neither a `pg` pool or client nor a postgres.js client.
 * @internal
 */
export function driverFor(client: unknown): SqlDriver {
  if (isPostgresJs(client)) return postgresJsDriver(client);
  if (isPg(client)) return pgDriver(client);
  throw new TypeError(
    'createPostgresStore: `client` must be a pg Pool or Client (node-postgres) or a postgres.js client (postgres(url))',
  );
}
