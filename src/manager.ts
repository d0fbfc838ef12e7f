/**
 * The session manager: loads sessions by token, commits them, and controls a user's sessions.
 *
 * @packageDocumentation
 */
import { type AuditEventType, REUSE_RACE_MARGIN, type SessionStore, STORE_CONTRACT } from '../spec/index.js';
import { type Clock, systemClock } from './clock.js';
import type { StoreAccess } from './commit-job.js';
import { Committer } from './committer.js';
import type { AuditListener } from './events.js';
import { createLoader } from './load.js';
import { type LockOptions, withLock } from './locks.js';
import { nonNegative, positive, refuseUnknownOptions, userCap } from './options.js';
import type { Session, SessionHost } from './session.js';
import { callStore } from './store-call.js';
import { DEFAULT_SESSIONS_PER_USER } from './user-cap.js';
import { USER_PAGE } from './user-pages.js';
import { createUserSessions, type SessionPage, type SessionSummary } from './user-sessions.js';

export type { LockOptions } from './locks.js';
export type { SessionPage, SessionSummary } from './user-sessions.js';

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
  /**
   * End the session when a replaced secret (the previous one after its window, or an older one the
   * record remembers) is presented (CC-6). Default false. Only for a secret a plain rotation retired with
   * nothing but plain rotations since, never for one from before a login, re-authentication, credential
   * change or logout (the pre-login one above all), and only `reuseMargin` after it stopped working.
   */
  endOnReuse?: boolean;
  /** How long after a plain rotation's window `endOnReuse` waits (CC-6, ms). Default 10 s. */
  reuseMargin?: number;
  /** A touch is written once this fraction of the idle timeout has passed (PERF-1). Default 0.1. */
  touchEvery?: number;
  /**
   * Cap on live sessions per user (LC-12): a number (a login beyond it ends the sessions bound
   * earliest), `{ max, onExceed: 'refuse' }` (a login beyond it is refused with `USER_CAP_REACHED`), or
   * `false` for no cap. Default 100, ending the earliest bound.
   */
  maxSessionsPerUser?: number | { max: number; onExceed?: 'end-oldest' | 'refuse' } | false;
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
   * End every session of the user except `except` ("log out everywhere", LC-9). Administrative: it
   * trusts its caller to have authorised acting on `userId` (an account lock-out, an admin page). A
   * user ending their own other devices uses `session.revokeOthers()`, which refuses a request that
   * presented the previous secret (CC-6).
   * @returns the ended session ids.
   */
  revoke(userId: string, options?: { except?: string | readonly string[] }): Promise<string[]>;
  /**
   * End one session of the user (LC-9). Administrative, like {@link SessionManager.revoke}; a user
   * ending one of their own devices uses `session.revokeSession(sessionId)`.
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
  const store = options?.store;
  refuseUnknownOptions(options);
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
    throw new TypeError(
      'createSessionManager: `touchEvery` is a fraction of the idle timeout between 0 and 1 (default 0.1), not a duration',
    );
  const endOnReuse = options.endOnReuse ?? false;
  const reuseMargin = nonNegative(options.reuseMargin ?? REUSE_RACE_MARGIN, 'reuseMargin');
  const storeTimeout = positive(options.storeTimeout ?? 2_000, 'storeTimeout');
  const cap = userCap(options.maxSessionsPerUser, DEFAULT_SESSIONS_PER_USER);
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
  const deps: StoreAccess = { store, now, call, emit };
  const committer = new Committer({
    ...deps,
    maxSize: config.maxSize,
    attempts: positive(options.attempts ?? 10, 'attempts'),
    backoffMs: nonNegative(options.backoffMs ?? 2, 'backoffMs'),
    userCap: cap,
    // LC-12 `refuse`: the lock covers a count and a write, each bounded by the store timeout.
    capLock: { ttl: 4 * storeTimeout, wait: 4 * storeTimeout },
    pageSize,
  });
  const users = createUserSessions(deps, pageSize);
  const host: SessionHost = { now, config, commit: (handle) => committer.commit(handle), users };

  return {
    load: createLoader(deps, committer, host, { ...config, touchEvery, endOnReuse, reuseMargin }),
    ...users,
    withLock: (session, fn, opts) => withLock(deps, session, fn, opts),
    purgeExpired: () => call('purgeExpired', () => store.purgeExpired(now())),
    close: async () => {
      await committer.drain();
      await store.close();
    },
  };
}
