/**
 * LC-10: a credential change ends the user's other sessions before its rotation is stored. A fault
 * between the two steps then leaves either nothing done (the change fails, the user's cookie still
 * works, the change can be made again) or the others ended with the user's session as it was; never the
 * user's cookie replaced while another session lives on.
 *
 * @packageDocumentation
 */
import type { CommitDeps } from './commit-job.js';
import { planOf } from './effects.js';
import type { Handle } from './session.js';
import { destroyAllByUser } from './user-pages.js';

/**
 * @internal End every other session of the user when the handle's step asks for it (`revokeOtherSessions`).
 * @throws SessionError `STORE_UNAVAILABLE` when the store fails: nothing of the change is written then.
 */
export async function endOtherSessionsFirst(deps: CommitDeps, session: Handle): Promise<void> {
  const userId = session.local.userId;
  if (userId === null || !planOf(session.effects).endOtherSessions) return;
  const report = (ended: readonly string[]) => {
    for (const other of ended) deps.emit('revoked', other, userId, 'credential-change');
  };
  await destroyAllByUser(deps.call, deps.store, userId, [session.local.sessionId], report, deps.pageSize);
}
