/**
 * SEC-3: what a store returns is checked before it is trusted; a record of the wrong shape reads as
 * absent and raises a security event.
 *
 * @packageDocumentation
 */
import { parseRetired, RETIRED_SECRETS, type StoredSessionRecord } from '../spec/index.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isStrOrNull = (v: unknown) => v === null || isStr(v);

/** CC-6: the retirement fields of format 3: a reason exactly when there is a previous secret, a ring. */
const isRetirement = (v: Record<string, unknown>) =>
  (v.previousReason === null
    ? v.previousHash === null
    : typeof v.previousReason === 'string' && 'racl'.includes(v.previousReason) && v.previousHash !== null) &&
  Array.isArray(v.retired) &&
  v.retired.length <= RETIRED_SECRETS &&
  v.retired.every((entry) => isStr(entry) && parseRetired(entry) !== null);

/**
 * SEC-3: whether `value` is a well-formed record of the current or a previous format (ST-7) for
 * `sessionId`.
 * @param value - what the store returned.
 * @param sessionId - the id that was asked for.
 * @returns true when every field has its type and the invariants hold.
 */
export function isStoredRecord(value: unknown, sessionId: string): value is StoredSessionRecord {
  if (!isObject(value)) return false;
  const v = value;
  const common =
    v.sessionId === sessionId &&
    isNum(v.version) &&
    (v.state === 'anonymous' || v.state === 'authenticated') &&
    isStr(v.secretHash) &&
    isStrOrNull(v.previousHash) &&
    isNumOrNull(v.previousUntil) &&
    isStrOrNull(v.userId) &&
    (v.state === 'authenticated') === (v.userId !== null) &&
    isObject(v.browser) &&
    isObject(v.user) &&
    isNum(v.createdAt) &&
    isNum(v.lastSeenAt) &&
    isNumOrNull(v.authenticatedAt) &&
    isNum(v.idleTimeout) &&
    isNum(v.absoluteDeadline) &&
    typeof v.persistent === 'boolean' &&
    isNum(v.expiresAt);
  if (!common) return false;
  if (v.format === 1) return true;
  const v2 =
    isNumOrNull(v.freshUntil) &&
    isObject(v.labels) &&
    Object.values(v.labels).every(isStr) &&
    Array.isArray(v.writeIds) &&
    v.writeIds.every(isStr);
  return v2 && (v.format === 2 || (v.format === 3 && isRetirement(v)));
}
