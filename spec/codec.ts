/**
 * Reading a stored record back from JSON, as every store that keeps JSON must (ST-2, ST-3, ST-6, SEC-3).
 *
 * @packageDocumentation
 */
import type { StoredSessionRecord } from './record.js';
import type { ReadResult } from './store.js';

/**
 * Decode stored bytes. `JSON.parse` makes `__proto__` an own data property, never a prototype (ST-6).
 * @param json - what the store holds.
 * @returns the record, or `undefined` when the bytes are not a JSON object with a numeric `expiresAt`
 *   (SEC-3: reported as `'corrupt'`, never thrown).
 */
export function decodeRecord(json: string): StoredSessionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
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
