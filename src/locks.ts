/**
 * Optional pessimistic locking (CC-5): run a handler holding the session's lock, with an owner token
 * and a TTL; only the owner releases, and a lock whose owner died expires.
 *
 * @packageDocumentation
 */
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
 * @internal Run `fn` holding the session's lock.
 * @throws SessionError `LOCK_UNAVAILABLE` when the store has no locks or the wait ran out.
 */
export async function withLock<T>(
  deps: StoreAccess,
  session: Session,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const { store, now, call } = deps;
  const locks = store.locks;
  if (!store.supports.locks || locks === undefined) {
    throw new SessionError('LOCK_UNAVAILABLE', 'this store does not support locks (supports.locks is false)');
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
}
