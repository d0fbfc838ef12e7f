/**
 * The store contract (ST-1..ST-7): what a store adapter implements. Adapters only store; the manager
 * enforces arguments, time and lifecycle. Expected outcomes are values; a thrown error or rejected
 * promise always means a fault (the manager then fails closed, SEC-2).
 *
 * @packageDocumentation
 */
import type { SessionRecord, StoredSessionRecord } from './record.js';

/**
 * What `read` finds (ST-2). `null` is "absent": never created, destroyed, or purged. `'corrupt'`: stored
 * bytes that do not decode as a record (`decodeRecord`, SEC-3); the manager treats it as
 * absent and raises a security event.
 */
export type ReadResult = StoredSessionRecord | 'expired' | 'corrupt' | null;

/** Outcome of a compare-and-set write (CC-1, CC-4). */
export type WriteResult = 'ok' | 'conflict' | 'gone' | 'expired';

/** Outcome of an insert-if-absent (ID-4). */
export type CreateResult = 'ok' | 'exists';

/**
 * The version of the store contract this package implements and checks (ST-1, ST-4). Contract 2
 * conditions every write on the write id of the record it replaces instead of its version (CC-1), so a
 * version number reused after a store fail-over never matches.
 */
export const STORE_CONTRACT = 2 as const;

/** A bounded step of a per-user operation (store contract 2). */
export interface PageRequest {
  /** About how many index entries one call covers; a positive integer. */
  limit?: number;
  /** The cursor a previous step returned; absent or `null` to start. Opaque to the caller. */
  cursor?: string | null;
}

/** One page of a user's live sessions (LC-9). */
export interface UserPage {
  records: SessionRecord[];
  /** Pass back for the next page; `null` when the listing is complete. */
  cursor: string | null;
}

/** One step of deleting a user's sessions (LC-9, LC-10). */
export interface UserStep {
  /** The session ids this step deleted. */
  deleted: string[];
  /** Pass back for the next step; `null` when every session is deleted. */
  cursor: string | null;
}

/**
 * The capability manifest (ST-4). The conformance kit branches on it and reports what an adapter does
 * not support as UNSUPPORTED, never as passed.
 */
export interface StoreSupports {
  /**
   * The store contract the adapter implements: `2` ({@link STORE_CONTRACT}). A store without it is a
   * contract-1 store, which conditions writes on the version; the manager refuses it and the kit reports
   * it as such.
   */
  contract: typeof STORE_CONTRACT;
  /** The optional {@link SessionLocks} interface is implemented (CC-5). */
  locks: boolean;
  /** The optional {@link StoreInspection} interface is implemented (ST-5). */
  inspection: boolean;
  /**
   * `exact`: `listByUser` sees exactly the user's stored sessions. `superset`: the index may hold
   * entries left by a crash between two steps (Redis Cluster); reads filter them out and clean them (ST-5).
   */
  userIndex: 'exact' | 'superset';
}

/**
 * The core of a session store: seven operations over session records (ST-1). All of them take the
 * current time where expiry matters: a store decides expiry against the `now` it is given, never its own
 * clock (ST-3). A record is expired when `now >= record.expiresAt`.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 * const store = createMemoryStore();
 * await store.create(record, Date.now()); // 'ok'
 * ```
 */
export interface SessionStore {
  /** The capability manifest (ST-4). */
  readonly supports: StoreSupports;
  /**
   * Insert the record if no record with its `sessionId` exists, expired or not (ID-4); add it to the
   * user index when `userId` is set. Never overwrites.
   * @param record - a record with `version: 1`.
   * @param now - the current time (ST-3), used to set garbage-collection TTLs only.
   * @param encoded - when given, exactly `encodeRecord(record)`: a store that keeps JSON may store it
   *   instead of encoding the record again (the manager encodes it anyway to enforce the size limit).
   * @returns `'ok'`, or `'exists'` on a collision.
   */
  create(record: SessionRecord, now: number, encoded?: string): Promise<CreateResult>;
  /**
   * Read one session (ST-2, ST-3, LC-7).
   * @returns the record when live (`now < expiresAt`); `'expired'` when stored but `now >= expiresAt`;
   *   `null` when absent; `'corrupt'` when the stored bytes cannot be decoded (SEC-3). The manager
   *   validates the shape of what it gets; the store only decodes JSON.
   */
  read(sessionId: string, now: number): Promise<ReadResult>;
  /**
   * Compare-and-set (CC-1, contract 2): replace the stored record with `record` if and only if the
   * stored record's write id (`writeIdOf(stored)`: the newest of its `writeIds`, or `v<version>` for a
   * record without any) equals `expected` and the stored record is live at `now`. The version is not
   * compared: after a fail-over that lost a write, another write may reuse its version, never its write
   * id. Keeps the user index in step with `record.userId` in the same atomic step (binding, switching,
   * unbinding). Rotation is a write: the `sessionId` is stable (LC-4).
   * @param record - the new record; `writeIdOf(record)` is its own write id, the next write's condition.
   * @param expected - the write id of the record the write replaces.
   * @param encoded - as for `create`: when given, exactly `encodeRecord(record)`.
   * @returns `'ok'`; `'conflict'` when the stored write id differs; `'gone'` when no record exists (it
   *   is never re-created, CC-4); `'expired'` when the stored record is expired at `now`.
   */
  write(record: SessionRecord, expected: string, now: number, encoded?: string): Promise<WriteResult>;
  /**
   * Delete the record and its user-index entry (LC-6, ST-5). Idempotent.
   * @returns whether a record (live or expired) was deleted.
   */
  destroy(sessionId: string): Promise<boolean>;
  /**
   * The user's live sessions (LC-9), in any order; expired ones are left out. Without `page.limit`, one
   * call answers every session (atomic, section 5.1). With it, one call is one bounded step: a page of
   * about `limit` sessions (fewer, even none, is allowed while `cursor` is not `null`) and the cursor of
   * the next page. Following the cursors until `null` answers every session that stayed bound to the
   * user from the first page to the last, each at least once (a store that resizes its index while the
   * pages are read MAY answer one twice).
   * @param page - `limit`: a positive integer; `cursor`: from the previous page, absent or `null` to start.
   * @returns the page's records and the next cursor, `null` when the listing is complete.
   */
  listByUser(userId: string, now: number, page?: PageRequest): Promise<UserPage>;
  /**
   * Delete every session of the user (live or expired) except those named in `except` (LC-9, LC-10),
   * with their index entries (ST-5). Without `page.limit`, one atomic call deletes them all. With it,
   * one call is one bounded, atomic step over about `limit` index entries; calling again with the
   * returned cursor until it is `null` deletes every session bound to the user before the first step
   * started (CK-6: never misses one), whatever is created meanwhile.
   * @returns the ids deleted by this call, and the cursor of the next step (`null`: done).
   */
  destroyByUser(userId: string, except: readonly string[], page?: PageRequest): Promise<UserStep>;
  /**
   * Delete exactly the records expired at `now` (`now >= expiresAt`) and their index entries (ST-2, ST-5).
   * @returns how many were deleted.
   */
  purgeExpired(now: number): Promise<number>;
  /** Optional pessimistic locks (CC-5); present when `supports.locks`. */
  readonly locks?: SessionLocks;
  /** Optional inspection for the conformance kit (ST-5); present when `supports.inspection`. */
  readonly inspection?: StoreInspection;
  /** Release what the store holds (timers, not the user's client). */
  close(): Promise<void>;
}

/** Optional pessimistic locks with an owner token and a TTL (CC-5). */
export interface SessionLocks {
  /**
   * Take the lock `name` for `owner` until `now + ttlMs`, if it is free or its previous owner's TTL has
   * passed at `now`.
   * @returns whether `owner` now holds the lock.
   */
  acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  /**
   * Release the lock if and only if `owner` holds it.
   * @returns whether it was released.
   */
  release(name: string, owner: string): Promise<boolean>;
}

/** What a store holds, for checking that nothing dangles (ST-5, CK-8). */
export interface StoreContents {
  /** Session ids with a record (live or expired). */
  records: string[];
  /** userId -> session ids in the user index. */
  userIndex: { [userId: string]: string[] };
  /** Number of locks held. */
  locks: number;
  /** Every raw key (or row id) the adapter holds in its namespace. */
  keys: string[];
}

/** Optional inspection interface (ST-5), for the conformance kit; production code never calls it. */
export interface StoreInspection {
  /** Everything the store holds in its namespace. */
  contents(): Promise<StoreContents>;
  /**
   * Optional: replace what is stored for `sessionId` with bytes that do not decode as a record, as a
   * disk fault or a tampering would, keeping its user-index entry (SEC-3). The kit checks SEC-3 on
   * every store that offers it and reports SEC-3 UNSUPPORTED otherwise.
   */
  corrupt?(sessionId: string): Promise<void>;
}
