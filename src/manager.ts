/**
 * The session manager: loads sessions by token, commits them, and controls a user's sessions.
 *
 * @packageDocumentation
 */
import {
  type AuditEventType,
  hasEnded,
  presentedSecret,
  type SessionEffect,
  type SessionRecord,
  type SessionState,
  type SessionStore,
  STORE_CONTRACT,
  upgradeRecord,
} from '../spec/index.js';
import { type Clock, systemClock } from './clock.js';
import { Committer } from './commit.js';
import { planOf } from './effects.js';
import { SessionError } from './errors.js';
import type { AuditListener } from './events.js';
import { access, createRecord, declaredEffects } from './lifecycle.js';
import { randomId } from './random.js';
import { Session, type SessionHost, type SessionInit } from './session.js';
import { callStore, pause } from './store-call.js';
import { hashesEqual, hashSecret, newSecret, newSessionId, parseToken } from './token.js';
import { destroyAllByUser, listAllByUser, USER_PAGE } from './user-pages.js';
import { isStoredRecord } from './validate.js';

const MINUTE = 60_000;

/** Options of {@link createSessionManager}. Durations are milliseconds. */
export interface SessionManagerOptions {
  /** Where sessions live. */
  store: SessionStore;
  /** Idle timeout (LC-7). Default 30 minutes. */
  idleTimeout?: number;
  /** Absolute timeout from creation or (re-)authentication (LC-7). Default 12 hours. */
  absoluteTimeout?: number;
  /** How long an authentication counts as fresh (LC-8). Default 5 minutes. */
  freshFor?: number;
  /** Grace window for the previous secret after `rotate()` (CC-6). Default 0 (off). */
  rotationGrace?: number;
  /** End the session when a previous secret is presented after its window (CC-6). Default false. */
  endOnReuse?: boolean;
  /** A touch is written once this fraction of the idle timeout has passed (PERF-1). Default 0.1. */
  touchEvery?: number;
  /** Cap on live sessions per user (LC-12): a number (end the oldest) or `{ max, onExceed }`. */
  maxSessionsPerUser?: number | { max: number; onExceed?: 'end-oldest' | 'refuse' };
  /** Time source (injected in tests). Default the wall clock. */
  clock?: Clock;
  /** Receives audit events (SEC-4). */
  onEvent?: AuditListener;
  /** Largest serialised record in bytes (ST-6). Default 64 KiB. */
  maxSize?: number;
  /** Timeout of each store call (SEC-2). Default 2,000 ms. */
  storeTimeout?: number;
  /**
   * How many of a user's sessions one store call lists or deletes: `listSessions`, `revoke`, a
   * credential change and the per-user cap work in steps of this size, so no store call grows with the
   * number of sessions a user has. Default 500.
   */
  userPageSize?: number;
  /** Compare-and-set attempts before `CONFLICT` (CC-2). Default 10. */
  attempts?: number;
  /** Base of the exponential retry backoff (CC-2). Default 2 ms. */
  backoffMs?: number;
}

/** A user's session as listed (LC-9). */
export interface SessionSummary {
  sessionId: string;
  createdAt: number;
  lastSeenAt: number;
  authenticatedAt: number | null;
  expiresAt: number;
  persistent: boolean;
  labels: Record<string, string>;
}

/** One page of a user's sessions (LC-9): pass `cursor` back for the next one; `null` when done. */
export interface SessionPage {
  sessions: SessionSummary[];
  cursor: string | null;
}

/** Options of {@link SessionManager.withLock} (CC-5). */
export interface LockOptions {
  /** How long the lock lives if its owner dies. Default 10 s. */
  ttl?: number;
  /** How long to wait for the lock. Default 5 s. */
  wait?: number;
}

/** The reference session manager. */
export interface SessionManager {
  /**
   * Load the session a token names (SEC-5, ID-3): an absent, malformed, unknown, expired or ended token
   * gives a new anonymous session that is stored only once something is kept (SEC-6).
   * @param token - the cookie value, or undefined.
   * @throws SessionError `STORE_UNAVAILABLE` when the store fails (SEC-2): never an anonymous stand-in.
   */
  load(token: string | null | undefined): Promise<Session>;
  /**
   * The live sessions of a user (LC-9), read from the store in bounded pages.
   * @returns every live session of the user.
   */
  listSessions(userId: string): Promise<SessionSummary[]>;
  /**
   * One page of the user's live sessions (LC-9): about `limit` of them (a page may hold fewer, even
   * none, before the last), and the cursor of the next page, `null` after the last. A session may
   * appear on two pages when the store resized its index meanwhile.
   * @param page - `limit`: a whole number from 1 to 10 000; `cursor`: from the previous page.
   * @throws TypeError when `limit` is out of range or `cursor` is not a string.
   * @example
   * ```ts
   * let cursor: string | null = null;
   * do {
   *   const page = await manager.listSessions('user-42', { limit: 50, cursor });
   *   render(page.sessions);
   *   cursor = page.cursor;
   * } while (cursor !== null);
   * ```
   */
  listSessions(userId: string, page: { limit: number; cursor?: string | null }): Promise<SessionPage>;
  /**
   * End every session of the user except `except` ("log out everywhere", LC-9).
   * @returns the ended session ids.
   */
  revoke(userId: string, options?: { except?: string | readonly string[] }): Promise<string[]>;
  /**
   * End one session of the user (LC-9).
   * @returns whether it existed and belonged to the user.
   */
  revokeSession(userId: string, sessionId: string): Promise<boolean>;
  /**
   * Run `fn` holding the session's lock (CC-5): only one holder at a time across processes; a lock whose
   * owner died expires after `ttl`.
   * @throws SessionError `LOCK_UNAVAILABLE` when the store has no locks or the wait ran out.
   */
  withLock<T>(session: Session, fn: () => Promise<T>, options?: LockOptions): Promise<T>;
  /** Delete the records expired now (ST-2). */
  purgeExpired(): Promise<number>;
  /** Wait for queued commits, then close the store. */
  close(): Promise<void>;
}

/**
 * Create a session manager over a store.
 * @param options - the store and the policy.
 * @returns the manager.
 * @throws TypeError on an invalid option.
 * @example
 * ```ts
 * import { createSessionManager } from 'sessionspec';
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 *
 * const manager = createSessionManager({ store: createMemoryStore(), idleTimeout: 30 * 60_000 });
 * const session = await manager.load(request.cookies.sid);
 * session.set('visits', ((session.get('visits') as number) ?? 0) + 1);
 * const { cookie } = await session.commit();
 * ```
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const store = options.store;
  if (typeof store !== 'object' || store === null || typeof store.read !== 'function') {
    throw new TypeError('createSessionManager: `store` must be a SessionStore');
  }
  if (store.supports?.contract !== STORE_CONTRACT) {
    // ST-1, CC-1: a contract-1 store compares versions, which a fail-over can reuse.
    throw new TypeError(
      `createSessionManager: the store implements store contract ${String(store.supports?.contract ?? 1)}; this manager needs contract ${STORE_CONTRACT} (supports.contract: ${STORE_CONTRACT}, writes conditioned on write ids): upgrade the adapter`,
    );
  }
  const clock = options.clock ?? systemClock;
  const config = {
    idleTimeout: positive(options.idleTimeout ?? 30 * MINUTE, 'idleTimeout'),
    absoluteTimeout: positive(options.absoluteTimeout ?? 12 * 60 * MINUTE, 'absoluteTimeout'),
    freshFor: positive(options.freshFor ?? 5 * MINUTE, 'freshFor'),
    rotationGrace: nonNegative(options.rotationGrace ?? 0, 'rotationGrace'),
    maxSize: positive(options.maxSize ?? 64 * 1024, 'maxSize'),
  };
  const touchEvery = options.touchEvery ?? 0.1;
  if (!(touchEvery >= 0 && touchEvery <= 1))
    throw new TypeError('touchEvery must be a fraction between 0 and 1');
  const endOnReuse = options.endOnReuse ?? false;
  const storeTimeout = positive(options.storeTimeout ?? 2_000, 'storeTimeout');
  const cap = userCap(options.maxSessionsPerUser);
  const pageSize = positive(options.userPageSize ?? USER_PAGE, 'userPageSize');
  if (!Number.isInteger(pageSize)) throw new TypeError('userPageSize must be a whole number');
  const onEvent = options.onEvent;

  const now = () => clock.now();
  const call = <T>(what: string, run: () => Promise<T>) => callStore(what, run, storeTimeout);
  const emit = (type: AuditEventType, sessionId: string, userId: string | null, reason?: string) => {
    if (onEvent === undefined) return;
    try {
      onEvent({ type, sessionId, userId, at: now(), ...(reason === undefined ? {} : { reason }) });
    } catch {
      // SEC-4: auditing never breaks a request.
    }
  };
  const committer = new Committer({
    store,
    now,
    call,
    emit,
    maxSize: config.maxSize,
    attempts: positive(options.attempts ?? 10, 'attempts'),
    backoffMs: nonNegative(options.backoffMs ?? 2, 'backoffMs'),
    userCap: cap,
    pageSize,
  });
  const host: SessionHost = { now, config, commit: (handle) => committer.commit(handle) };
  // LC-6: a session ended from outside (`revoke`) and one the store reports expired (`access` past a
  // deadline) get the machine's own effects for those transitions.
  const revokedPlan = planOf(declaredEffects('authenticated', 'revoke', null));
  const expiredPlan = planOf(declaredEffects('anonymous', 'access', 'idleExpired'));

  /** A new anonymous session, not stored until something is kept (SEC-6). */
  const fresh = (deadToken: boolean): Session => {
    const secret = newSecret();
    const created = createRecord(newSessionId(), {
      now: now(),
      secretHash: hashSecret(secret),
      idleTimeout: config.idleTimeout,
      absoluteTimeout: config.absoluteTimeout,
      persistent: false,
    });
    const init: SessionInit = {
      base: null,
      local: created.record,
      effects: created.effects,
      ops: [],
      secret,
      grace: false,
      credential: null,
      deadToken,
    };
    return new Session(host, init);
  };

  /** LC-6: the machine's ending effects for a session ended from outside (the store deleted it). */
  const revoked = (sessionId: string, userId: string, reason: string) => {
    for (const event of revokedPlan.audits) emit(event, sessionId, userId, reason);
  };

  const load = async (token: string | null | undefined): Promise<Session> => {
    const presentedAny = token !== undefined && token !== null && token !== '';
    const parsed = parseToken(token);
    // ID-3, SEC-5: a malformed token never reaches the store.
    if (parsed === null) return fresh(presentedAny);
    const at = now();
    const found = await call('read', () => store.read(parsed.sessionId, at));
    committer.observe(
      parsed.sessionId,
      typeof found === 'object' && found !== null && isStoredRecord(found, parsed.sessionId) ? found : null,
    );
    if (found === null) return fresh(true);
    if (found === 'expired') {
      // SEC-4, LC-7: the store already decided the deadline passed (it does not hand out expired
      // records): the machine's expiry effects without the record. Purge removes the bytes (LC-6).
      for (const event of expiredPlan.audits) emit(event, parsed.sessionId, null);
      return fresh(true);
    }
    if (found === 'corrupt' || !isStoredRecord(found, parsed.sessionId)) {
      // SEC-3: a corrupt or tampered record reads as absent and raises a security event.
      emit('tampered', parsed.sessionId, null, 'record does not decode');
      return fresh(true);
    }
    const record = upgradeRecord(found);
    const hash = hashSecret(parsed.secret);
    const presented = presentedSecret(hash, record, hashesEqual);
    // ID-3, ID-5: an unknown secret for a known id is never adopted.
    if (presented === null) return fresh(true);
    const outcome = access(record, {
      type: 'access',
      now: at,
      presented,
      touchAfter: Math.floor(record.idleTimeout * touchEvery),
      endOnReuse,
    });
    return adopt(record, outcome.record, outcome.state, outcome.effects, parsed.secret, hash, at);
  };

  /** Carry out the access step's plan (LC-6, CC-6, ID-5, SEC-4). */
  const adopt = async (
    record: SessionRecord,
    accessed: SessionRecord,
    state: SessionState,
    effects: SessionEffect[],
    secret: string,
    hash: string,
    at: number,
  ): Promise<Session> => {
    const plan = planOf(effects);
    for (const event of plan.audits) emit(event, record.sessionId, record.userId);
    if (plan.deleteRecord) await call('destroy', () => store.destroy(record.sessionId));
    // LC-6: an ended session is never adopted and its cookie is cleared (`clearCookie`); ID-5: nor is a
    // rejected credential.
    if (hasEnded(state) || plan.cookie === 'clear' || plan.credential === 'rejected') return fresh(true);
    const grace = plan.credential === 'grace';
    return new Session(host, {
      base: record,
      local: accessed,
      effects: [],
      ops: accessed !== record ? [{ kind: 'event', event: { type: 'touch', now: at } }] : [],
      secret: grace ? null : secret,
      grace,
      credential: hash,
      deadToken: false,
    });
  };

  const summaries = (userId: string, records: SessionRecord[]): SessionSummary[] =>
    records
      .filter((r) => r.userId === userId)
      .map((r) => ({
        sessionId: r.sessionId,
        createdAt: r.createdAt,
        lastSeenAt: r.lastSeenAt,
        authenticatedAt: r.authenticatedAt,
        expiresAt: r.expiresAt,
        persistent: r.persistent,
        labels: { ...(r.labels ?? {}) },
      }));

  function listSessions(userId: string): Promise<SessionSummary[]>;
  function listSessions(
    userId: string,
    page: { limit: number; cursor?: string | null },
  ): Promise<SessionPage>;
  async function listSessions(
    userId: string,
    page?: { limit: number; cursor?: string | null },
  ): Promise<SessionSummary[] | SessionPage> {
    requireUserId(userId);
    if (page === undefined) {
      return summaries(userId, await listAllByUser(call, store, userId, now(), pageSize));
    }
    const { limit, cursor = null } = page;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 10_000))
      throw new TypeError('listSessions: `limit` must be a whole number from 1 to 10 000');
    if (cursor !== null && typeof cursor !== 'string')
      throw new TypeError('listSessions: `cursor` must be the string a previous page returned, or null');
    const found = await call('listByUser', () => store.listByUser(userId, now(), { limit, cursor }));
    return { sessions: summaries(userId, found.records), cursor: found.cursor };
  }

  const revoke = async (
    userId: string,
    opts: { except?: string | readonly string[] } = {},
  ): Promise<string[]> => {
    requireUserId(userId);
    const except = typeof opts.except === 'string' ? [opts.except] : [...(opts.except ?? [])];
    // Bounded steps; each ended session is reported as soon as its step returns.
    const report = (ended: readonly string[]) => {
      for (const sessionId of ended) revoked(sessionId, userId, 'user');
    };
    return destroyAllByUser(call, store, userId, except, report, pageSize);
  };

  const revokeSession = async (userId: string, sessionId: string): Promise<boolean> => {
    requireUserId(userId);
    const found = await call('read', () => store.read(sessionId, now()));
    if (found === null || found === 'corrupt' || (found !== 'expired' && found.userId !== userId))
      return false;
    if (found === 'expired') {
      // Not readable any more; it belongs to the user only if the index says so.
      const listed = await listAllByUser(call, store, userId, now(), pageSize);
      if (!listed.some((r) => r.sessionId === sessionId)) return false;
    }
    const deleted = await call('destroy', () => store.destroy(sessionId));
    if (deleted) revoked(sessionId, userId, 'user');
    return deleted;
  };

  const withLock = async <T>(session: Session, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> => {
    const locks = store.locks;
    if (!store.supports.locks || locks === undefined) {
      throw new SessionError(
        'LOCK_UNAVAILABLE',
        'this store does not support locks (supports.locks is false)',
      );
    }
    const ttl = positive(opts.ttl ?? 10_000, 'ttl');
    const wait = nonNegative(opts.wait ?? 5_000, 'wait');
    const name = `session:${session.id}`;
    const owner = randomId(12);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      if (await call('acquire', () => locks.acquire(name, owner, ttl, now()))) break;
      if (Date.now() - started >= wait) {
        throw new SessionError(
          'LOCK_UNAVAILABLE',
          `could not take the lock of session ${session.id} within ${wait} ms`,
        );
      }
      await pause(Math.min(50, 2 ** Math.min(attempt, 6)));
    }
    try {
      return await fn();
    } finally {
      await call('release', () => locks.release(name, owner));
    }
  };

  return {
    load,
    listSessions,
    revoke,
    revokeSession,
    withLock,
    purgeExpired: () => call('purgeExpired', () => store.purgeExpired(now())),
    close: async () => {
      await committer.drain();
      await store.close();
    },
  };
}

/** @internal */
function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive, finite number`);
  }
  return value;
}

/** @internal */
function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative, finite number`);
  }
  return value;
}

/** @internal */
function requireUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0)
    throw new TypeError('userId must be a non-empty string');
}

/** @internal */
function userCap(option: SessionManagerOptions['maxSessionsPerUser']) {
  if (option === undefined) return null;
  const { max, onExceed = 'end-oldest' } = typeof option === 'number' ? { max: option } : option;
  if (!Number.isInteger(max) || max < 1) throw new TypeError('maxSessionsPerUser must be a positive integer');
  if (onExceed !== 'end-oldest' && onExceed !== 'refuse') {
    throw new TypeError("maxSessionsPerUser.onExceed must be 'end-oldest' or 'refuse'");
  }
  return { max, onExceed };
}
