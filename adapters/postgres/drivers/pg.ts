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
 * (one statement); without, the simple protocol, which takes a script.
 * @internal
 */
export function pgDriver(client: PgClient): SqlDriver {
  return {
    name: 'pg',
    async query(text, values) {
      const result = await client.query(text, values as unknown[]);
      return { rows: result.rows as Record<string, unknown>[], count: result.rowCount ?? 0 };
    },
    async script(text) {
      await client.query(text);
    },
  };
}
