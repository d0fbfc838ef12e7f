/**
 * What the SQL stores (PostgreSQL, SQLite) share above their dialects: one row per session whose
 * columns mirror the record (user-index entry, expiry, write id) beside its text, pages in filing
 * order, and inspection built from the rows. Each store keeps its own statements.
 *
 * @packageDocumentation
 */
import type { PageRequest, SessionRecord, StoreContents } from '../../spec/contract.js';
import { decodeRecord, writeIdOf } from '../../spec/contract.js';

/** What `inspection.corrupt` stores: not JSON (SEC-3). @internal */
export const CORRUPT_RECORD = '{"format":3,"sessionId":';

/**
 * Check a page request (store contract 2): the filing number to start after and the page size, or
 * `undefined` when it asks for everything at once (no `limit`).
 * @param store - the store's name for messages, e.g. `'sessionspec postgres'`.
 * @throws TypeError when the limit is not a positive integer or the cursor is not one of this store's.
 * @internal
 */
export function pageOf(
  store: string,
  page: PageRequest | undefined,
): { after: string; limit: number } | undefined {
  if (page?.limit === undefined) return undefined;
  const { limit, cursor = null } = page;
  if (!(Number.isSafeInteger(limit) && limit > 0)) {
    throw new TypeError(`${store}: a page limit must be a positive integer, not ${String(limit)}`);
  }
  if (cursor !== null && !(typeof cursor === 'string' && /^[1-9][0-9]{0,18}$/.test(cursor))) {
    throw new TypeError(`${store}: ${JSON.stringify(cursor)} is not a cursor of this store`);
  }
  return { after: cursor ?? '0', limit: Math.min(limit, 2 ** 31 - 1) };
}

/**
 * What the row of `record` keeps beside its text: the user-index entry, the expiry and the write id.
 * A record whose `expiresAt` JSON cannot carry (`NaN`, `Infinity`) is kept as the corrupt record its
 * text decodes to (SEC-3).
 * @internal
 */
export function columnsOf(record: SessionRecord): [string | null, number, string | null] {
  const userId = typeof record.userId === 'string' ? record.userId : null;
  if (typeof record.expiresAt !== 'number' || !Number.isFinite(record.expiresAt)) {
    return [userId, Number.NEGATIVE_INFINITY, null];
  }
  return [userId, record.expiresAt, writeIdOf(record)];
}

/**
 * The records among `rows` (a `record` column each) live at `now`; undecodable ones are left out.
 * @internal
 */
export function liveRecords(rows: ReadonlyArray<{ record?: unknown }>, now: number): SessionRecord[] {
  const records: SessionRecord[] = [];
  for (const row of rows) {
    const record = decodeRecord(String(row.record));
    // The manager upgrades a previous-format record when it loads it (ST-7); the store only decodes.
    if (record !== undefined && now < record.expiresAt) records.push(record as SessionRecord);
  }
  return records;
}

/**
 * Inspection (ST-5) from every row of the sessions table and every lock name.
 * @param label - the table's name, the prefix of the keys reported.
 * @internal
 */
export function contentsOf(
  label: string,
  sessions: ReadonlyArray<{ session_id?: unknown; user_id?: unknown }>,
  locks: ReadonlyArray<{ name?: unknown }>,
): StoreContents {
  const records: string[] = [];
  const userIndex: { [userId: string]: string[] } = {};
  const keys: string[] = [];
  for (const row of sessions) {
    const sessionId = String(row.session_id);
    records.push(sessionId);
    keys.push(`${label}:${sessionId}`);
    if (typeof row.user_id !== 'string') continue;
    const ids = Object.hasOwn(userIndex, row.user_id) ? userIndex[row.user_id] : undefined;
    if (ids !== undefined) ids.push(sessionId);
    // defineProperty: a user named `__proto__` is listed as data, not turned into a prototype.
    else
      Object.defineProperty(userIndex, row.user_id, {
        value: [sessionId],
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  for (const row of locks) keys.push(`${label}_locks:${String(row.name)}`);
  return { records, userIndex, locks: locks.length, keys };
}
