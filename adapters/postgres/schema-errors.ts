/**
 * A store pointed at tables that are not sessionspec's: absent (never created, a misspelt name or
 * schema) or of another layout (another library's table under the same name). PostgreSQL's own error
 * names a relation; this one says what to do. The manager reports either as `STORE_UNAVAILABLE`, and
 * the HTTP integrations log this message as its cause, so a configuration mistake reads differently
 * from a server that is down.
 *
 * @packageDocumentation
 */
import type { Names } from './schema.js';

/** PostgreSQL's codes for an absent table, an absent schema and an absent column. */
const ABSENT = new Set(['42P01', '3F000']);
const OTHER_LAYOUT = '42703';

/**
 * @internal The error to report for `error`, thrown by a statement on the tables `names` name: an
 * explained one (same `code`, the server's error as `cause`) for an absent table or schema or a
 * table of another layout, else `error` itself.
 * @param given - the `table` and `schema` options as the application gave them, for the advice.
 */
export function explainSchemaError(
  error: unknown,
  names: Names,
  given: { table?: string | undefined; schema?: string | undefined },
): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || (!ABSENT.has(code) && code !== OTHER_LAYOUT)) return error;
  const server = String((error as { message?: unknown }).message);
  const options = `{ client${given.table === undefined ? '' : `, table: '${given.table}'`}${given.schema === undefined ? '' : `, schema: '${given.schema}'`} }`;
  const message = ABSENT.has(code)
    ? `sessionspec postgres: the session tables of "${names.label}" do not exist (${code}: ${server}): ` +
      `create them once with createPostgresSchema(${options}), or run postgresSchemaSql() in a migration`
    : `sessionspec postgres: "${names.label}" is not a sessionspec table (${code}: ${server}): it may ` +
      `belong to another library (connect-pg-simple's is "session"); give sessionspec a table of its own ` +
      `(the default is sessionspec_sessions) and create it with createPostgresSchema(${options})`;
  return Object.assign(new Error(message, { cause: error }), { code });
}
