/**
 * The postgres.js (`postgres`) driver, through `sql.unsafe`: the store's statements are fixed text
 * with `$1`-style parameters, never built from input.
 *
 * @packageDocumentation
 */
import type { PostgresJsClient, SqlDriver } from '../driver.js';

/**
 * Whether `client` is a postgres.js client: a tagged-template function with `unsafe`.
 * @internal
 */
export function isPostgresJs(client: unknown): client is PostgresJsClient {
  return typeof client === 'function' && typeof (client as Partial<PostgresJsClient>).unsafe === 'function';
}

/**
 * The driver over a postgres.js client; a script is sent with `.simple()`, the simple protocol.
 * @internal
 */
export function postgresJsDriver(client: PostgresJsClient): SqlDriver {
  return {
    name: 'postgres',
    async query(text, values, name) {
      const result = await client.unsafe(text, values as never[], { prepare: name !== undefined });
      return { rows: Array.from(result) as Record<string, unknown>[], count: result.count ?? 0 };
    },
    async script(text) {
      await client.unsafe(text).simple();
    },
  };
}
