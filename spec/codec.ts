/**
 * A record's stored encoding, written and read back as every store that keeps text must (ST-2, ST-3,
 * ST-6, ST-7, SEC-3).
 *
 * A record of the current format is stored as a JSON array of its fields in a fixed order, the format
 * first (`[3,"<sessionId>",...]`): no field name is spelled, so the record's own fields take about half
 * the bytes of the object form, and `JSON.parse` / `JSON.stringify` have less to do. Records of formats
 * 1 to 3 stored as JSON objects (every earlier release) are still read (ST-7).
 *
 * @packageDocumentation
 */
import { RECORD_FORMAT, type SessionRecord, type StoredSessionRecord } from './record.js';
import type { ReadResult } from './store.js';

/** How many fields the array form holds: every field of {@link SessionRecord}. @internal */
const FIELDS = 22;

/**
 * @internal Whether `record` is exactly a current-format record: the format and nothing but its
 * {@link FIELDS} fields, none `undefined`. Anything else keeps the object form, so that every record a
 * store is handed reads back as it was given (ST-6, ST-7).
 */
function isCurrent(record: StoredSessionRecord): record is SessionRecord {
  if (record.format !== RECORD_FORMAT) return false;
  let count = 0;
  for (const key in record) {
    if (record[key as keyof SessionRecord] === undefined) return false;
    count += 1;
  }
  return count === FIELDS;
}

/**
 * Encode a record for a store: the array form for a current-format record, the JSON object otherwise
 * (a record of a previous format, as the conformance kit stores to check ST-7). What the manager hands
 * a store as `encoded` (store contract 2).
 * @param record - the record.
 * @returns its stored text; {@link decodeRecord} reads back a record equal to `record`.
 * @example
 * ```ts
 * await db.put(record.sessionId, encoded ?? encodeRecord(record));
 * ```
 */
export function encodeRecord(record: StoredSessionRecord): string {
  if (!isCurrent(record)) return JSON.stringify(record);
  const r = record;
  // The order is the stored layout: fromArray reads it back. The write ids come last, so a store that
  // looks for the newest one (the memory adapter) finds it near the end.
  return JSON.stringify([
    r.format,
    r.sessionId,
    r.version,
    r.state,
    r.secretHash,
    r.previousHash,
    r.previousUntil,
    r.previousReason,
    r.retired,
    r.userId,
    r.browser,
    r.user,
    r.labels,
    r.createdAt,
    r.lastSeenAt,
    r.authenticatedAt,
    r.freshUntil,
    r.idleTimeout,
    r.absoluteDeadline,
    r.persistent,
    r.expiresAt,
    r.writeIds,
  ]);
}

/**
 * @internal The record an array of the current layout holds (see {@link encodeRecord}); `undefined`
 * for an array of another length or format, or without a numeric `expiresAt` (SEC-3). The fields are
 * not checked further: the manager validates the shape of what a store returns.
 */
function fromArray(a: unknown[]): SessionRecord | undefined {
  if (a.length !== FIELDS || a[0] !== RECORD_FORMAT || typeof a[20] !== 'number') return undefined;
  return {
    format: RECORD_FORMAT,
    sessionId: a[1],
    version: a[2],
    state: a[3],
    secretHash: a[4],
    previousHash: a[5],
    previousUntil: a[6],
    previousReason: a[7],
    retired: a[8],
    userId: a[9],
    browser: a[10],
    user: a[11],
    labels: a[12],
    createdAt: a[13],
    lastSeenAt: a[14],
    authenticatedAt: a[15],
    freshUntil: a[16],
    idleTimeout: a[17],
    absoluteDeadline: a[18],
    persistent: a[19],
    expiresAt: a[20],
    writeIds: a[21],
  } as SessionRecord;
}

/**
 * Decode stored bytes: the array form {@link encodeRecord} writes, or a JSON object of format 1, 2 or
 * 3 (ST-7). `JSON.parse` makes `__proto__` an own data property, never a prototype (ST-6).
 * @param json - what the store holds.
 * @returns the record, or `undefined` when the bytes are neither a record array of the current format
 *   nor a JSON object, or have no numeric `expiresAt` (SEC-3: reported as `'corrupt'`, never thrown).
 */
export function decodeRecord(json: string): StoredSessionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) return fromArray(value);
  if (typeof (value as { expiresAt?: unknown }).expiresAt !== 'number') return undefined;
  return value as StoredSessionRecord;
}

/**
 * What `read` answers for stored bytes at `now` (ST-2): the record while `now < expiresAt`,
 * `'expired'` from then on (ST-3: against the given time, never a clock of the store's own), and
 * `'corrupt'` for bytes that do not decode (SEC-3).
 * @param json - what the store holds for the session.
 * @param now - the time the manager passed in.
 * @returns the read result.
 */
export function readResultOf(json: string, now: number): ReadResult {
  const record = decodeRecord(json);
  if (record === undefined) return 'corrupt';
  return now < record.expiresAt ? record : 'expired';
}
