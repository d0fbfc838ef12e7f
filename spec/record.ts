/**
 * The stored session record: what a store keeps for one session (SPEC.md, "Record layout").
 *
 * @packageDocumentation
 */
import type { RetireReason } from './retired.js';
import type { LiveState } from './states.js';

/** A JSON value, as `JSON.parse` returns it (ST-6). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A bucket of application data: plain JSON keyed by string (LC-11, ST-6). */
export type Bucket = { [key: string]: JsonValue };

/** The record format this version of sessionspec writes (ST-7). */
export const RECORD_FORMAT = 3 as const;

/**
 * One session as stored. A store treats it as an opaque JSON document except for the fields named in
 * the store contract: `sessionId`, `version`, `userId`, `expiresAt` (and `lastSeenAt` for listing).
 */
export interface SessionRecord {
  /** Record format version (ST-7). A reader accepts the previous formats and upgrades them on write. */
  format: typeof RECORD_FORMAT;
  /** 128 random bits, base64url; stable for the session's whole life (ID-1). */
  sessionId: string;
  /** Incremented by every write (CC-1); orders records, but is not the write condition (store contract 2). */
  version: number;
  /** The live machine state (LC-1); terminal states are never stored (LC-6). */
  state: LiveState;
  /** base64url SHA-256 of the current secret; the raw secret is never stored (ID-2). */
  secretHash: string;
  /** base64url SHA-256 of the previous secret (CC-6), or `null`. */
  previousHash: string | null;
  /** The previous secret is accepted while `now < previousUntil` (CC-6), or `null`. */
  previousUntil: number | null;
  /** Why the previous secret was retired (CC-6); `null` exactly when `previousHash` is. */
  previousReason: RetireReason | null;
  /**
   * The secrets retired before the previous one, newest first, at most `RETIRED_SECRETS` (CC-6, ID-3):
   * each the reason letter, its `until` in base 36 and the first 22 characters of its hash
   * (`retiredEntry`). They never authenticate; they tell an old secret from one never issued.
   */
  retired: string[];
  /** The bound user (LC-2), `null` while anonymous; a field, never a bucket key (LC-11). */
  userId: string | null;
  /** Data that belongs to the browser: kept across login and logout (LC-5). */
  browser: Bucket;
  /** Data that belongs to the user: empty while anonymous, wiped at logout and user switch (LC-3, LC-5). */
  user: Bucket;
  /**
   * Application-supplied labels shown when listing a user's sessions, e.g. a device name (LC-9). User
   * data: wiped with the user bucket at login, user switch and logout (LC-5).
   */
  labels: { [key: string]: string };
  createdAt: number;
  lastSeenAt: number;
  authenticatedAt: number | null;
  freshUntil: number | null;
  idleTimeout: number;
  absoluteDeadline: number;
  persistent: boolean;
  /**
   * The instant the session stops being readable: `min(lastSeenAt + idleTimeout, absoluteDeadline)`.
   * Denormalised so that a store decides expiry without knowing the policy (ST-2, ST-3).
   */
  expiresAt: number;
  /**
   * Ids of the most recent commits, newest last, at most {@link WRITE_ID_HISTORY} (CC-7). The newest one
   * is the record's write id, the condition of the next compare-and-set ({@link writeIdOf}, CC-1).
   */
  writeIds: string[];
}

/**
 * How many recent write ids a record keeps (CC-7). Four: the write condition is unique per write
 * (CC-1), so a commit whose reply was lost is decided by the one write that followed its base; the
 * history only has to reach back to that base across the writes other processes made meanwhile.
 */
export const WRITE_ID_HISTORY = 4;

/**
 * The previous record format (ST-7): format 2 had no `previousReason` and no `retired` ring. Readers
 * accept it and upgrade it on the next write.
 */
export type SessionRecordV2 = Omit<SessionRecord, 'format' | 'previousReason' | 'retired'> & { format: 2 };

/**
 * The format before that (ST-7): format 1 also had no `freshUntil`, no `labels` and no `writeIds`.
 * Readers accept it and upgrade it on the next write.
 */
export type SessionRecordV1 = Omit<SessionRecordV2, 'format' | 'freshUntil' | 'labels' | 'writeIds'> & {
  format: 1;
};

/** A record as a store may hold it: the current format or a previous one (ST-7). */
export type StoredSessionRecord = SessionRecord | SessionRecordV2 | SessionRecordV1;

/**
 * The write id of a stored record: what a compare-and-set that replaces it is conditioned on (CC-1,
 * store contract 2). It is the newest entry of `writeIds`, made by the commit that wrote the record, so
 * two different writes never share it, even when a store fail-over made them reuse a version number. A
 * record without write ids (format 1, ST-7) is named by its version, `v<version>`, which no generated
 * write id can equal.
 * @param record - a stored record, current or previous format.
 * @returns the id a write replacing it must name.
 * @example
 * ```ts
 * await store.write(next, writeIdOf(loaded), Date.now());
 * ```
 */
export function writeIdOf(record: StoredSessionRecord): string {
  const ids = (record as { writeIds?: unknown }).writeIds;
  const newest = Array.isArray(ids) ? ids[ids.length - 1] : undefined;
  return typeof newest === 'string' ? newest : `v${record.version}`;
}

/**
 * ST-7: upgrade a record of a previous format; records of the current format pass unchanged. Format 2
 * did not say why its previous secret was retired (CC-6): an authenticated record's previous secret was
 * retired by its authentication when `previousUntil === authenticatedAt`, by a plain rotation otherwise;
 * an anonymous record's is taken as retired by a logout, the reason that never ends the session.
 * @param record - a record as read, of any format a reader accepts.
 * @returns the record in the current format.
 */
export function upgradeRecord(record: StoredSessionRecord): SessionRecord {
  if (record.format === RECORD_FORMAT) return record;
  const v2: SessionRecordV2 =
    record.format === 2 ? record : { ...record, format: 2, freshUntil: null, labels: {}, writeIds: [] };
  const { format: _format, ...rest } = v2;
  return { ...rest, format: RECORD_FORMAT, previousReason: previousReasonOf(v2), retired: [] };
}

/** @internal ST-7, CC-6: the reason format 2 implies for its previous secret (see {@link upgradeRecord}). */
function previousReasonOf(record: SessionRecordV2): RetireReason | null {
  if (record.previousHash === null) return null;
  if (record.state === 'anonymous') return 'l';
  return record.previousUntil === record.authenticatedAt ? 'a' : 'r';
}
