/**
 * The stored value of a record: one string holding the record's JSON exactly as the client serialised
 * it (ST-6), then a trailer with what the scripts must know without decoding the JSON, then the
 * trailer's length:
 *
 * `<json>\n<expiresAt> <collectAt> <token> <writeId byte length> <writeId><userId> <trailer byte length>`
 *
 * The trailer runs from the newline to the last space. `JSON.stringify` never writes a raw newline, so
 * the first one ends the JSON for a reader; the scripts find the trailer from the end (its length is
 * the last word), so they read a few dozen bytes with `GETRANGE` and never copy the JSON. The user id
 * comes last in the trailer and may hold any character. `collectAt` is the instant (by the writer's
 * clock) the key's garbage-collection TTL already reaches, so a write extends the TTL only when it needs
 * a later one (ST-3). A read is one plain `GET`.
 *
 * @packageDocumentation
 */

/** Length of every token this version makes, so a script can patch one in place (`SETRANGE`). @internal */
export const TOKEN_LENGTH = 20;

/**
 * The stored value of a record.
 * @param json - the record's JSON (no raw newline: `JSON.stringify` output).
 * @param expiresAt - the record's `expiresAt`.
 * @param collectAt - the instant the key's TTL reaches.
 * @param writeId - its write id, the next write's condition (CC-1).
 * @param token - the user-index token ('' when anonymous).
 * @param userId - the bound user ('' when anonymous).
 * @returns the string to store.
 * @internal
 */
export function recordValue(
  json: string,
  expiresAt: number,
  collectAt: number,
  writeId: string,
  token: string,
  userId: string,
): string {
  const trailer = `\n${expiresAt} ${collectAt} ${token} ${Buffer.byteLength(writeId)} ${writeId}${userId}`;
  return `${json}${trailer} ${Buffer.byteLength(trailer)}`;
}

/**
 * The JSON part of a stored value.
 * @param value - what `GET` answered.
 * @returns the JSON, or `undefined` when the value has no trailer (it is no record, SEC-3).
 * @internal
 */
export function jsonOf(value: string): string | undefined {
  const end = value.indexOf('\n');
  return end < 0 ? undefined : value.slice(0, end);
}
