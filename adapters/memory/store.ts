/**
 * The embedded default store: sessions kept in process memory, serialised as a networked store would
 * keep them.
 *
 * @packageDocumentation
 */
import type {
  CreateResult,
  PageRequest,
  ReadResult,
  SessionLocks,
  SessionRecord,
  SessionStore,
  StoreContents,
  StoredSessionRecord,
  StoreInspection,
  UserPage,
  UserStep,
  WriteResult,
} from '../../spec/contract.js';
import { decodeRecord, encodeRecord, readResultOf, STORE_CONTRACT, writeIdOf } from '../../spec/contract.js';
import { refuseUnknownOptions, TTL_ADVICE } from '../shared/options.js';
import { type IdPage, UserIndex } from './user-index.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Prefix of the raw keys shown by `inspection.contents()`. Each memory store instance is its own
   * namespace already; the option exists so that a caller can treat every adapter alike (CK-8).
   */
  namespace?: string;
  /**
   * The clock the background sweep reads; pass the manager's (`() => clock.now()`) when it has one.
   * Operations never read it: they decide expiry against the `now` they are given (ST-3). Defaults to
   * `Date.now`.
   */
  clock?: () => number;
  /**
   * ST-3: the background sweep removes only records expired for at least this long by its clock
   * (`purgeExpired(clock() - sweepFloorMs)`), so a manager whose clock runs behind the sweep's by less
   * never loses a record it still considers live. Explicit `purgeExpired(now)` calls are exact.
   * Defaults to 3 600 000 (one hour).
   */
  sweepFloorMs?: number;
  /**
   * Milliseconds between two background sweeps (`purgeExpired(clock())`), or `false` for none.
   * The sweep timer never keeps the process alive. Defaults to 60 000.
   */
  sweepEvery?: number | false;
}

/**
 * A memory store: a {@link SessionStore} whose optional locks and inspection are always present.
 */
export interface MemoryStore extends SessionStore {
  /** Locks, inspection and an exact user index are all supported (ST-4). */
  readonly supports: {
    readonly contract: 2;
    readonly locks: true;
    readonly inspection: true;
    readonly userIndex: 'exact';
  };
  /** Pessimistic locks with an owner token and a TTL (CC-5). */
  readonly locks: SessionLocks;
  /** What the store holds (ST-5), and planting corrupt bytes (SEC-3). */
  readonly inspection: Required<StoreInspection>;
}

/**
 * One stored session: the serialised record plus what the store must know without decoding it.
 * `userId` is the user-index entry the record is filed under, so destroying a record whose bytes no
 * longer decode still removes its index entry (ST-5). `expiresAt` and `writeId` mirror the serialised
 * record (`writeIdOf`, the write condition of CC-1); they are `NaN` and `''` when the bytes do not
 * decode (SEC-3). `writeId` is where the write id is spelled in `json` when it is (see
 * {@link writeIdPlace}): the entry then keeps no copy of it.
 * @internal
 */
interface Entry {
  readonly json: string;
  readonly userId: string | null;
  readonly expiresAt: number;
  readonly writeId: string | number;
}

/** A stored record as decoded, of any format a reader accepts (ST-7). @internal */
type StoredRecord = StoredSessionRecord;

/** What `inspection.corrupt` stores: not JSON (SEC-3). @internal */
const CORRUPT_BYTES = '{"format":3,"sessionId":';

/** A lock as held: its owner token and the instant its TTL runs out. @internal */
interface Lock {
  readonly owner: string;
  readonly until: number;
}

/**
 * Test hooks of a memory store, reachable only through {@link memoryStoreInternals}.
 * @internal
 */
export interface MemoryStoreInternals {
  /** The sweep timer, or `undefined` when sweeping is off or the store is closed. */
  readonly timer: NodeJS.Timeout | undefined;
  /**
   * Replace the stored bytes of `sessionId` as a tampering or a disk fault would (SEC-3), keeping its
   * user-index entry.
   */
  putRaw(sessionId: string, bytes: string): void;
}

/** Default interval of the background sweep, in milliseconds. @internal */
const DEFAULT_SWEEP_EVERY = 60_000;

/** Default margin of the background sweep (ST-3: at least an hour of clock skew). @internal */
const DEFAULT_SWEEP_FLOOR = 3_600_000;

/** The longest delay `setInterval` honours; longer ones fire after 1 ms. @internal */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

const internals = new WeakMap<MemoryStore, MemoryStoreInternals>();

/**
 * The test hooks of a store made by {@link createMemoryStore}.
 * @param store - a memory store.
 * @returns its internals.
 * @throws TypeError when `store` was not made by {@link createMemoryStore}.
 * @internal
 */
export function memoryStoreInternals(store: MemoryStore): MemoryStoreInternals {
  const found = internals.get(store);
  if (found === undefined)
    throw new TypeError('memoryStoreInternals: pass a store made by createMemoryStore()');
  return found;
}

/**
 * The entry for a record about to be stored. The mirrored fields are read the way the serialised form
 * will decode: JSON has no `NaN` or `Infinity`, so a non-finite `expiresAt` is stored as corrupt.
 * @param json - the serialised record.
 * @param record - the decoded form of `json`, or `undefined` when it does not decode.
 * @param userId - the user-index entry to file it under.
 * @returns the entry.
 * @internal
 */
function entryOf(json: string, record: StoredRecord | undefined, userId: string | null): Entry {
  const expiresAt =
    typeof record?.expiresAt === 'number' && Number.isFinite(record.expiresAt)
      ? record.expiresAt
      : Number.NaN;
  const writeId = record === undefined || Number.isNaN(expiresAt) ? '' : writeIdOf(record);
  return { json, userId, expiresAt, writeId: writeIdPlace(json, writeId) };
}

/** A write id JSON spells as it is, between two quotes. @internal */
const PLAIN_ID = /^[A-Za-z0-9_-]+$/;

/**
 * Memory per session: where `json` spells the write id, as the index of its first character, so that
 * the entry holds a small integer instead of a second copy of the id. An id JSON would escape, or one
 * the record does not spell (`v<version>` of a format-1 record), is kept as it is.
 * @param json - the serialised record.
 * @param writeId - its write id.
 * @returns the index of `writeId` in `json`, or `writeId` itself.
 * @internal
 */
function writeIdPlace(json: string, writeId: string): string | number {
  if (!PLAIN_ID.test(writeId)) return writeId;
  // From the end: the write ids follow the buckets in the records the manager writes.
  const at = json.lastIndexOf(`"${writeId}"`);
  return at < 0 ? writeId : at + 1;
}

/**
 * CC-1: whether the stored record's write id is `expected`. At a place, the id runs up to the next
 * quote (a plain id holds none), so `expected` matches when it starts there and ends at that quote.
 * @internal
 */
function hasWriteId(entry: Entry, expected: string): boolean {
  const at = entry.writeId;
  if (typeof at === 'string') return at === expected;
  return entry.json.startsWith(expected, at) && entry.json.indexOf('"', at) === at + expected.length;
}

/**
 * The user-index key of a record: its `userId` when it is a string.
 * @internal
 */
function userOf(record: { userId?: unknown }): string | null {
  return typeof record.userId === 'string' ? record.userId : null;
}

/** The options {@link createMemoryStore} takes. @internal */
const MEMORY_OPTIONS = ['namespace', 'clock', 'sweepFloorMs', 'sweepEvery'] as const;

/**
 * Create an in-memory session store, the embedded default. Records are kept serialised (JSON), so no
 * caller can change stored state through a reference and payloads round-trip as JSON does (ST-6).
 * Every session operation is O(1) apart from the JSON encode or decode of the record; listing and
 * revoking by user are O(sessions of that user); expired records are removed by `purgeExpired` and a
 * background sweep whose timer never keeps the process alive.
 *
 * @param options - see {@link MemoryStoreOptions}.
 * @returns a store with locks, inspection and an exact user index.
 * @throws TypeError when an option has the wrong type or `sweepEvery` is not a positive integer of at
 *   most 2^31 - 1 ms.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 *
 * const store = createMemoryStore({ sweepEvery: 30_000 });
 * await store.create(record, Date.now()); // 'ok'
 * await store.read(record.sessionId, Date.now()); // the record, while Date.now() < record.expiresAt
 * await store.close(); // stops the sweep
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  refuseUnknownOptions('createMemoryStore', options, MEMORY_OPTIONS, {
    checkPeriod: 'expired records are swept every `sweepEvery` ms (or call purgeExpired)',
    ttl: TTL_ADVICE,
  });
  const {
    namespace,
    clock = Date.now,
    sweepEvery = DEFAULT_SWEEP_EVERY,
    sweepFloorMs = DEFAULT_SWEEP_FLOOR,
  } = options;
  if (namespace !== undefined && typeof namespace !== 'string') {
    throw new TypeError('createMemoryStore: `namespace` must be a string');
  }
  if (typeof clock !== 'function') {
    throw new TypeError(
      'createMemoryStore: `clock` must be a function returning milliseconds, like Date.now',
    );
  }
  if (
    sweepEvery !== false &&
    !(Number.isInteger(sweepEvery) && sweepEvery > 0 && sweepEvery <= MAX_TIMER_DELAY)
  ) {
    throw new TypeError(
      `createMemoryStore: \`sweepEvery\` must be a whole number of milliseconds from 1 to ${MAX_TIMER_DELAY}, or false`,
    );
  }
  if (!(Number.isSafeInteger(sweepFloorMs) && sweepFloorMs >= 0)) {
    throw new TypeError(
      'createMemoryStore: `sweepFloorMs` must be a whole number of milliseconds, at least 0',
    );
  }
  const prefix = namespace === undefined || namespace === '' ? '' : `${namespace}:`;

  const records = new Map<string, Entry>();
  const byUser = new UserIndex();
  const locks = new Map<string, Lock>();

  const indexAdd = (userId: string | null, sessionId: string): void => {
    if (userId !== null) byUser.add(userId, sessionId);
  };
  // ST-5: the index drops a user whose last entry goes; an empty entry is itself a leftover.
  const indexRemove = (userId: string | null, sessionId: string): void => {
    if (userId !== null) byUser.remove(userId, sessionId);
  };
  /** Every id of the user, or one page of them (store contract 2: bounded per-user operations). */
  const pageOf = (userId: string, page: PageRequest | undefined): IdPage =>
    page?.limit === undefined
      ? { ids: byUser.ids(userId), cursor: null }
      : byUser.page(userId, page.cursor ?? null, page.limit);
  const remove = (sessionId: string): boolean => {
    const entry = records.get(sessionId);
    if (entry === undefined) return false;
    records.delete(sessionId);
    indexRemove(entry.userId, sessionId);
    return true;
  };
  const purge = (now: number): number => {
    let count = 0;
    for (const [sessionId, entry] of records) {
      // ST-2: expired means `now >= expiresAt`. Written as `!(now < ...)` so that a record whose bytes
      // do not decode (NaN, SEC-3), which can never be read again, is collected as well.
      if (!(now < entry.expiresAt)) {
        remove(sessionId);
        count += 1;
      }
    }
    // CC-5: a lock whose owner died is dropped once its TTL has passed, so nothing dangles (ST-5).
    for (const [name, lock] of locks) if (now >= lock.until) locks.delete(name);
    return count;
  };

  /** SEC-3: bytes in place of a record, keeping its user-index entry. */
  function putRaw(sessionId: string, bytes: string): void {
    const userId = records.get(sessionId)?.userId ?? null;
    records.set(sessionId, entryOf(bytes, decodeRecord(bytes), userId));
    indexAdd(userId, sessionId);
  }

  let timer: NodeJS.Timeout | undefined;
  if (sweepEvery !== false) {
    // ST-3: the sweep's clock is not the manager's; it collects only what expired a floor ago.
    timer = setInterval(() => purge(clock() - sweepFloorMs), sweepEvery);
    // A store must never keep the process alive: the sweep is housekeeping, not work.
    timer.unref();
  }

  const store: MemoryStore = {
    supports: { contract: STORE_CONTRACT, locks: true, inspection: true, userIndex: 'exact' },

    async create(record: SessionRecord, _now: number, encoded?: string): Promise<CreateResult> {
      // ID-4: insert-if-absent; an existing record, even an expired one, is never overwritten.
      if (records.has(record.sessionId)) return 'exists';
      const userId = userOf(record);
      records.set(record.sessionId, entryOf(encoded ?? encodeRecord(record), record, userId));
      indexAdd(userId, record.sessionId);
      return 'ok';
    },

    async read(sessionId: string, now: number): Promise<ReadResult> {
      const entry = records.get(sessionId);
      if (entry === undefined) return null;
      return readResultOf(entry.json, now);
    },

    async write(
      record: SessionRecord,
      expected: string,
      now: number,
      encoded?: string,
    ): Promise<WriteResult> {
      const entry = records.get(record.sessionId);
      // CC-4: a write never re-creates an ended session. A record whose bytes do not decode reads as
      // absent (SEC-3), so there is nothing to replace either.
      if (entry === undefined || Number.isNaN(entry.expiresAt)) return 'gone';
      if (now >= entry.expiresAt) return 'expired';
      // CC-1: compare-and-set on the write id of the stored record, unique per write.
      if (!hasWriteId(entry, expected)) return 'conflict';
      const userId = userOf(record);
      records.set(record.sessionId, entryOf(encoded ?? encodeRecord(record), record, userId));
      // The index follows the binding in the same step: bind, switch or unbind.
      if (entry.userId !== userId) {
        indexRemove(entry.userId, record.sessionId);
        indexAdd(userId, record.sessionId);
      }
      return 'ok';
    },

    async destroy(sessionId: string): Promise<boolean> {
      return remove(sessionId);
    },

    async listByUser(userId: string, now: number, page?: PageRequest): Promise<UserPage> {
      const { ids, cursor } = pageOf(userId, page);
      const live: SessionRecord[] = [];
      for (const sessionId of ids) {
        const entry = records.get(sessionId);
        if (entry === undefined || !(now < entry.expiresAt)) continue;
        const record = decodeRecord(entry.json);
        // The manager upgrades a previous-format record when it loads it (ST-7); the store only decodes.
        if (record !== undefined) live.push(record as SessionRecord);
      }
      return { records: live, cursor };
    },

    async destroyByUser(userId: string, except: readonly string[], page?: PageRequest): Promise<UserStep> {
      // One step over a page of the index (or all of it): the cursor names an entry's filing number, so
      // removing the entries of this step moves nothing the next step starts from (CK-6).
      const { ids, cursor } = pageOf(userId, page);
      const keep = new Set(except);
      const deleted: string[] = [];
      for (const sessionId of ids) {
        if (!keep.has(sessionId) && remove(sessionId)) deleted.push(sessionId);
      }
      return { deleted, cursor };
    },

    async purgeExpired(now: number): Promise<number> {
      return purge(now);
    },

    locks: {
      async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
        const held = locks.get(name);
        // CC-5: free, abandoned (its TTL passed at `now`) or already ours (the TTL is refreshed).
        if (held !== undefined && held.owner !== owner && now < held.until) return false;
        locks.set(name, { owner, until: now + ttlMs });
        return true;
      },
      async release(name: string, owner: string): Promise<boolean> {
        // CC-5: only the owner releases.
        if (locks.get(name)?.owner !== owner) return false;
        locks.delete(name);
        return true;
      },
    },

    inspection: {
      async contents(): Promise<StoreContents> {
        const keys: string[] = [];
        for (const sessionId of records.keys()) keys.push(`${prefix}record:${sessionId}`);
        const users = byUser.entries();
        for (const [userId] of users) keys.push(`${prefix}user:${userId}`);
        for (const name of locks.keys()) keys.push(`${prefix}lock:${name}`);
        return {
          records: [...records.keys()],
          // Object.fromEntries defines own properties, so a user named `__proto__` is listed, not
          // turned into a prototype.
          userIndex: Object.fromEntries(users),
          locks: locks.size,
          keys,
        };
      },
      async corrupt(sessionId: string): Promise<void> {
        putRaw(sessionId, CORRUPT_BYTES);
      },
    },

    async close(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
    },
  };

  internals.set(store, {
    get timer() {
      return timer;
    },
    putRaw,
  });

  return store;
}
