/**
 * The node-postgres (`pg`) driver: a `Pool`, a `Client` or a pooled client, through `query`.
 *
 * @packageDocumentation
 */
import type { PgClient, SqlDriver } from '../driver.js';

/**
 * Whether `client` looks like a node-postgres pool or client.
 * @internal
 */
export function isPg(client: unknown): client is PgClient {
  return typeof (client as Partial<PgClient> | null | undefined)?.query === 'function';
}

/**
 * The driver over a node-postgres pool or client. With parameters `query` uses the extended protocol
 * (one statement, a named one is prepared once per connection); without, the simple protocol, which
 * takes a script.
 * @internal
 */
export function pgDriver(client: PgClient): SqlDriver {
  return {
    name: 'pg',
    async query(text, values, name) {
      const result = await client.query(
        name === undefined ? text : { name, text, values: values as unknown[] },
        name === undefined ? (values as unknown[]) : undefined,
      );
      return { rows: result.rows as Record<string, unknown>[], count: result.rowCount ?? 0 };
    },
    async script(text) {
      await client.query(text);
    },
  };
}
