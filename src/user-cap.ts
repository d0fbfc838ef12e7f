/**
 * LC-12: the cap on live sessions per user, checked when a login is committed: `refuse` before
 * anything is written, `end-oldest` after the login was written.
 *
 * @packageDocumentation
 */

import type { CommitDeps } from './commit-job.js';
import { planOf } from './effects.js';
import { SessionError } from './errors.js';
import type { Handle } from './session.js';
import { listAllByUser } from './user-pages.js';

/** @internal LC-12 `refuse`: a login over the cap is refused before anything is written. */
export async function refuseOverCap(deps: CommitDeps, session: Handle): Promise<void> {
  const cap = deps.userCap;
  if (cap === null || cap.onExceed !== 'refuse' || !planOf(session.effects).enforceUserCap) return;
  const userId = session.local.userId!;
  const { call, store, now, pageSize } = deps;
  const others = (await listAllByUser(call, store, userId, now(), pageSize)).filter(
    (r) => r.sessionId !== session.local.sessionId,
  );
  if (others.length >= cap.max) {
    throw new SessionError(
      'USER_CAP_REACHED',
      `user already has ${others.length} live sessions (cap ${cap.max})`,
    );
  }
}

/** @internal LC-12 `end-oldest`: end the least recently seen sessions beyond the cap. */
export async function endOverCap(deps: CommitDeps, userId: string, keep: string): Promise<void> {
  const cap = deps.userCap;
  if (cap === null || cap.onExceed !== 'end-oldest') return;
  const { call, store, now, pageSize } = deps;
  const others = (await listAllByUser(call, store, userId, now(), pageSize))
    .filter((r) => r.sessionId !== keep)
    .sort((a, b) => a.lastSeenAt - b.lastSeenAt);
  for (const victim of others.slice(0, Math.max(0, others.length + 1 - cap.max))) {
    if (await deps.call('destroy', () => store.destroy(victim.sessionId))) {
      deps.emit('revoked', victim.sessionId, userId, 'user-cap');
    }
  }
}
