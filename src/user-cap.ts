/**
 * LC-12: the cap on live sessions per user, checked when a login is committed. `refuse` counts the
 * user's other sessions before anything is written, holding a per-user lock across the count and the
 * write so that concurrent logins are counted one at a time; `end-oldest` runs after the login was
 * written and ends the sessions bound earliest, in one order every process agrees on, so concurrent
 * logins leave exactly the cap.
 *
 * @packageDocumentation
 */

import type { SessionRecord } from '../spec/index.js';
import type { CommitDeps } from './commit-job.js';
import { planOf } from './effects.js';
import { SessionError } from './errors.js';
import { holdLock } from './locks.js';
import type { Handle } from './session.js';
import { listAllByUser } from './user-pages.js';

/** @internal The default of `maxSessionsPerUser`: at most this many live sessions per user. */
export const DEFAULT_SESSIONS_PER_USER = 100;

/**
 * @internal LC-12: the order in which a user's sessions were bound: authentication time, ties by
 * session id. It depends only on what the records hold, so every process sorts a user's sessions the
 * same way, and a session (re-)authenticated later is never ended to keep one bound before it.
 */
export function boundBefore(a: SessionRecord, b: SessionRecord): number {
  const at = (a.authenticatedAt ?? 0) - (b.authenticatedAt ?? 0);
  if (at !== 0) return at;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/**
 * @internal LC-12 `refuse`: a login over the cap is refused before anything is written. The count and
 * the write happen under the user's lock (CC-5), so two concurrent logins cannot both see room for one.
 * @returns a release to call once the login's write has settled, or `null` when no cap applies.
 * @throws SessionError `USER_CAP_REACHED` when the user already has `max` other live sessions;
 *   `CONFLICT` when another login of the user held the lock for the whole wait.
 */
export async function refuseOverCap(
  deps: CommitDeps,
  session: Handle,
): Promise<(() => Promise<void>) | null> {
  const cap = deps.userCap;
  if (cap === null || cap.onExceed !== 'refuse' || !planOf(session.effects).enforceUserCap) return null;
  const userId = session.local.userId!;
  const { call, store, now, pageSize } = deps;
  // A store without locks counts without one: two concurrent logins may then both pass (documented).
  const release = await holdLock(deps, `user-cap:${userId}`, deps.capLock);
  try {
    const others = (await listAllByUser(call, store, userId, now(), pageSize)).filter(
      (r) => r.sessionId !== session.local.sessionId,
    );
    if (others.length >= cap.max) {
      throw new SessionError(
        'USER_CAP_REACHED',
        `user already has ${others.length} live sessions (cap ${cap.max})`,
      );
    }
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

/**
 * @internal LC-12 `end-oldest`: once a login is written, end the user's sessions bound earliest
 * ({@link boundBefore}) until `max` are left. A login whose own session is among them (a concurrent
 * login was bound after it) ends too: whichever process lists last, the newest `max` remain.
 * @param self - the session the login wrote.
 * @returns whether `self` was among the sessions ended.
 */
export async function endOverCap(deps: CommitDeps, userId: string, self: string): Promise<boolean> {
  const cap = deps.userCap;
  if (cap === null || cap.onExceed !== 'end-oldest') return false;
  const { call, store, now, pageSize } = deps;
  const sessions = (await listAllByUser(call, store, userId, now(), pageSize)).sort(boundBefore);
  let ended = false;
  for (const victim of sessions.slice(0, Math.max(0, sessions.length - cap.max))) {
    const gone = await call('destroy', () => store.destroy(victim.sessionId));
    if (victim.sessionId === self) ended = true;
    else if (gone) deps.emit('revoked', victim.sessionId, userId, 'user-cap');
  }
  return ended;
}
