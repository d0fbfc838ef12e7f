/**
 * Optional pessimistic locking (CC-5): run a handler holding the session's lock, with an owner token
 * and a TTL; only the owner releases, and a lock whose owner died expires.
 *
 * @packageDocumentation
 */
import type { SessionLocks } from '../spec/index.js';
import type { StoreAccess } from './commit-job.js';
import { SessionError } from './errors.js';
import { nonNegative, positive } from './options.js';
import { randomId } from './random.js';
import type { Session } from './session.js';
import { pause } from './store-call.js';

/** Options of `SessionManager.withLock` (CC-5). */
export interface LockOptions {
  /** How long the lock lives if its owner dies. Default 10 s. */
  ttl?: number;
  /** How long to wait for the lock. Default 5 s. */
  wait?: number;
}

/**
 * @internal Run `fn` holding the session's lock. `fn`'s result (or error) is what the call gives, even
 * when the release fails: the lock then expires after `ttl`. A lock is not a fence: if `fn` outlives
 * `ttl`, another holder may enter; the data stays safe through the commit's compare-and-set (CC-1).
 * @throws SessionError `LOCK_UNAVAILABLE` when the store has no locks or the wait ran out.
 */
export async function withLock<T>(
  deps: StoreAccess,
  session: Session,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const locks = deps.store.locks;
  if (!deps.store.supports.locks || locks === undefined) {
    throw new SessionError('LOCK_UNAVAILABLE', 'this store does not support locks (supports.locks is false)');
  }
  const ttl = positive(opts.ttl ?? 10_000, 'ttl');
  const wait = nonNegative(opts.wait ?? 5_000, 'wait');
  const release = await acquire(deps, locks, `session:${session.id}`, { ttl, wait });
  if (release === null) {
    throw new SessionError(
      'LOCK_UNAVAILABLE',
      `could not take the lock of session ${session.id} within ${wait} ms`,
    );
  }
  try {
    return await fn();
  } finally {
    // CC-5: a lock that could not be released expires after `ttl`; `fn` has run and its result stands.
    await release().catch(() => undefined);
  }
}

/**
 * @internal Hold the lock `name` when the store has locks (LC-12 `refuse`); the release never throws
 * (a lock that could not be released expires after `ttl`).
 * @returns the release; a no-op on a store without locks.
 * @throws SessionError `CONFLICT` when another owner held the lock for the whole wait.
 */
export async function holdLock(
  deps: StoreAccess,
  name: string,
  opts: { ttl: number; wait: number },
): Promise<() => Promise<void>> {
  const locks = deps.store.locks;
  if (!deps.store.supports.locks || locks === undefined) return async () => {};
  const release = await acquire(deps, locks, name, opts);
  if (release === null) {
    throw new SessionError('CONFLICT', `${name} stayed locked for ${opts.wait} ms; try again`);
  }
  return () => release().catch(() => undefined);
}

/** @internal Take `name`, polling with backoff for up to `wait` ms; `null` when the wait ran out. */
async function acquire(
  deps: StoreAccess,
  locks: SessionLocks,
  name: string,
  { ttl, wait }: { ttl: number; wait: number },
): Promise<(() => Promise<void>) | null> {
  const { now, call } = deps;
  const owner = randomId(12);
  const started = now();
  // The wait ends by the injected clock, or once the pauses alone add up to it (a clock that stands still).
  let paused = 0;
  for (let attempt = 0; ; attempt++) {
    if (await call('acquire', () => locks.acquire(name, owner, ttl, now()))) break;
    if (now() - started >= wait || paused >= wait) return null;
    const delay = Math.min(50, 2 ** Math.min(attempt, 6));
    await pause(delay);
    paused += delay;
  }
  return async () => {
    await call('release', () => locks.release(name, owner));
  };
}
