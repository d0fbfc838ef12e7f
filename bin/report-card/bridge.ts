/**
 * An express-session `Store` presented as a sessionspec store (store contract 2), doing only what the
 * Store API allows: every operation is a sequence of the store's own `get`, `set`, `destroy` and `all`
 * calls, with no lock, side table or cache of the bridge's own, so the kit measures the store.
 *
 * The mapping (docs/report-card.md):
 * - a record is kept as the session `{ cookie, namespace, record }` under the id `<namespace>:<sessionId>`
 *   (CK-8: the namespace is a key prefix, and a field for stores whose `all()` returns no ids);
 * - `create` is `get` then `set` (`'exists'` when `get` finds one): the Store API has no insert-if-absent;
 * - `write` is `get`, compare the write id (CC-1), then `set`: sequentially a conditional write, but not
 *   atomic, since the Store API has no compare-and-set;
 * - `read` answers `'expired'` for a record the store still returns at or after its `expiresAt`: the
 *   store expires records by its own clock, which the kit's clock cannot drive (ST-3), so the bridge tells
 *   the store a lifetime one hour longer than the record's and decides expiry from the record;
 * - `listByUser`, `destroyByUser`, `purgeExpired` and `inspection.contents` filter `all()`, paged by
 *   session id; a store without `all()` answers them with {@link NotExpressible}.
 *
 * @packageDocumentation
 */
import {
  type PageRequest,
  type ReadResult,
  type SessionRecord,
  type SessionStore,
  STORE_CONTRACT,
  type StoreContents,
  writeIdOf,
} from '../../src/index.js';

/** A Node-style callback of the express-session Store API. */
type Callback<T> = (error?: unknown, value?: T) => void;

/** The session object an express-session store keeps: a `cookie` and any JSON. */
export interface ExpressSession {
  cookie: { originalMaxAge: number | null; expires: string | Date | null; [key: string]: unknown };
  [key: string]: unknown;
}

/** The express-session `Store` API: get, set, destroy, optional touch, all, clear, length. */
export interface ExpressStore {
  get(sid: string, callback: Callback<ExpressSession | null | undefined>): void;
  set(sid: string, session: ExpressSession, callback?: Callback<void>): void;
  destroy(sid: string, callback?: Callback<void>): void;
  touch?(sid: string, session: ExpressSession, callback?: Callback<void>): void;
  all?(callback: Callback<ExpressSession[] | { [sid: string]: ExpressSession } | null>): void;
  clear?(callback?: Callback<void>): void;
  length?(callback: Callback<number>): void;
}

/** What the Store API cannot express, thrown by the bridge instead of an answer it would make up. */
export class NotExpressible extends Error {
  override name = 'NotExpressible';
}

/** How much longer than the record the store is told to keep it (its clock is not the kit's). */
const MARGIN_MS = 60 * 60 * 1000;

/**
 * Call one Store API method and wait for its callback.
 * @internal
 */
function call<T>(invoke: (callback: Callback<T>) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    invoke((error, value) => (error ? reject(error) : resolve(value)));
  });
}

/**
 * Present `store` as a sessionspec store over `namespace`.
 * @param store - an express-session store (MemoryStore, connect-redis, ...).
 * @param namespace - the key prefix of this view (CK-8).
 * @returns a contract-2 store without locks; with inspection when the store has `all()`.
 */
export function bridgeExpressStore(store: ExpressStore, namespace: string): SessionStore {
  const key = (sessionId: string) => `${namespace}:${sessionId}`;
  const get = async (sessionId: string): Promise<unknown> => {
    const session = await call<ExpressSession | null | undefined>((cb) => store.get(key(sessionId), cb));
    return session?.record ?? session ?? null;
  };
  const set = (record: SessionRecord, now: number) => {
    const maxAge = Math.max(record.expiresAt - now, 0) + MARGIN_MS;
    const session: ExpressSession = {
      cookie: { originalMaxAge: maxAge, expires: new Date(Date.now() + maxAge).toISOString() },
      namespace,
      record,
    };
    return call<void>((cb) => store.set(key(record.sessionId), session, cb));
  };
  const isRecord = (value: unknown): value is SessionRecord =>
    typeof value === 'object' && value !== null && typeof (value as SessionRecord).sessionId === 'string';
  // Every record of this namespace, from all(): an array of sessions or an object keyed by id.
  const records = async (): Promise<SessionRecord[]> => {
    const all = store.all;
    if (typeof all !== 'function') throw new NotExpressible('the store has no all()');
    const sessions = (await call((cb) => all.call(store, cb))) ?? [];
    const list = Array.isArray(sessions) ? sessions : Object.values(sessions);
    return list
      .map((session) => (typeof session === 'string' ? JSON.parse(session) : session) as ExpressSession)
      .filter((session) => session?.namespace === namespace && isRecord(session.record))
      .map((session) => session.record as SessionRecord)
      .sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  };
  // A page of ids after the cursor, in id order: bounded answers from an unbounded all().
  const page = <T extends { sessionId: string }>(items: T[], request: PageRequest | undefined) => {
    const after = request?.cursor ?? null;
    const rest = after === null ? items : items.filter((item) => item.sessionId > after);
    const limit = request?.limit;
    if (limit === undefined || rest.length <= limit) return { items: rest, cursor: null };
    const taken = rest.slice(0, limit);
    return { items: taken, cursor: taken[taken.length - 1]!.sessionId };
  };
  const destroyOne = (sessionId: string) => call<void>((cb) => store.destroy(key(sessionId), cb));

  return {
    supports: {
      contract: STORE_CONTRACT,
      locks: false,
      inspection: typeof store.all === 'function',
      userIndex: 'exact',
    },
    async create(record, now) {
      if ((await get(record.sessionId)) !== null) return 'exists';
      await set(record, now);
      return 'ok';
    },
    async read(sessionId, now): Promise<ReadResult> {
      const stored = await get(sessionId);
      if (stored === null) return null;
      if (!isRecord(stored)) return 'corrupt';
      return now >= stored.expiresAt ? 'expired' : stored;
    },
    async write(record, expected, now) {
      const stored = await get(record.sessionId);
      if (stored === null) return 'gone';
      if (!isRecord(stored)) return 'conflict';
      if (now >= stored.expiresAt) return 'expired';
      // CC-1, sequentially only: the Store API has no compare-and-set.
      if (writeIdOf(stored) !== expected) return 'conflict';
      await set(record, now);
      return 'ok';
    },
    async destroy(sessionId) {
      const existed = (await get(sessionId)) !== null;
      await destroyOne(sessionId);
      return existed;
    },
    async listByUser(userId, now, request) {
      const live = (await records()).filter((r) => r.userId === userId && now < r.expiresAt);
      const { items, cursor } = page(live, request);
      return { records: items, cursor };
    },
    async destroyByUser(userId, except, request) {
      const bound = (await records()).filter((r) => r.userId === userId && !except.includes(r.sessionId));
      const { items, cursor } = page(bound, request);
      for (const record of items) await destroyOne(record.sessionId);
      return { deleted: items.map((r) => r.sessionId), cursor };
    },
    async purgeExpired(now) {
      if (typeof store.all !== 'function') return 0;
      const expired = (await records()).filter((r) => now >= r.expiresAt);
      for (const record of expired) await destroyOne(record.sessionId);
      return expired.length;
    },
    ...(typeof store.all === 'function'
      ? {
          inspection: {
            async contents(): Promise<StoreContents> {
              const all = await records();
              const userIndex: { [userId: string]: string[] } = {};
              for (const r of all) {
                if (r.userId === null) continue;
                userIndex[r.userId] = [...(userIndex[r.userId] ?? []), r.sessionId];
              }
              return {
                records: all.map((r) => r.sessionId),
                userIndex,
                locks: 0,
                keys: all.map((r) => key(r.sessionId)),
              };
            },
          },
        }
      : {}),
    async close() {},
  };
}
