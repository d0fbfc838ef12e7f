/**
 * `sessionspec/adapters/postgres`: the PostgreSQL session store on the application's client,
 * node-postgres (`pg`) 8.x or postgres.js (`postgres`) 3.x, and what creates its tables.
 *
 * @packageDocumentation
 * @module sessionspec/adapters/postgres
 */
export type { PgClient, PostgresClient, PostgresJsClient } from './driver.js';
export {
  createPostgresSchema,
  DEFAULT_TABLE,
  dropPostgresSchema,
  type PostgresSchemaOptions,
  postgresSchemaSql,
} from './schema.js';
export type { PostgresStore, PostgresStoreOptions } from './store.js';
export { createPostgresStore } from './store.js';
