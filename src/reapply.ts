/**
 * Re-application of patches (CC-2, CC-4): each waiting commit's patch is applied in order to the record
 * being written, after checking that the record still accepts the request that made it.
 *
 * @packageDocumentation
 */
import { credentialAccepted, hasEnded, type SessionRecord } from '../spec/index.js';
import type { Job } from './commit-job.js';
import { SessionError } from './errors.js';
import { applyPatch } from './patch.js';
import type { Handle } from './session.js';
import { hashesEqual } from './token.js';

/**
 * @internal Apply every job's patch in order on `base`, recording on each job what it applied, or why
 * not.
 * @returns the index of the job whose patch ended the session, or `null`.
 */
export function applyBatch(base: SessionRecord, batch: Job[], now: () => number): number | null {
  let current = base;
  for (let i = 0; i < batch.length; i++) {
    const job = batch[i]!;
    job.applied = undefined;
    job.error = undefined;
    job.skipped = false;
    try {
      const { session } = job;
      if (session.base === current && current === base && i === 0) {
        // The handle already applied its patch to exactly this record: reuse it (no second machine step).
        job.applied = { record: session.local, state: session.state, effects: session.effects };
      } else {
        const refusal = revalidate(session, current, now);
        if (refusal === 'skip') {
          job.skipped = true;
          continue;
        }
        if (refusal !== null) {
          job.error = refusal;
          continue;
        }
        job.applied = applyPatch(current, session.ops);
      }
      if (hasEnded(job.applied.state)) return i;
      current = job.applied.record;
    } catch (error) {
      job.error = error;
    }
  }
  return null;
}

/**
 * @internal CC-2, CC-4: a patch is re-applied to a record other than the one the request loaded only
 * if that record still has the binding it loaded and still accepts its credential; a lifecycle change
 * only if the secret and binding are unchanged (one winner among concurrent rotations, CK-6). An
 * ending is unconditional. A touch that can no longer apply is dropped.
 * @returns `null` to apply, `'skip'` to drop quietly, or the error to fail the commit with.
 */
function revalidate(
  session: Handle,
  current: SessionRecord,
  now: () => number,
): SessionError | 'skip' | null {
  const loaded = session.base!;
  const events = session.ops.flatMap((op) => (op.kind === 'event' ? [op.event.type] : []));
  if (events.includes('destroy')) return null;
  if (events.some((type) => type !== 'touch')) {
    if (current.secretHash === loaded.secretHash && current.userId === loaded.userId) return null;
    return new SessionError(
      'CONFLICT',
      `session ${current.sessionId}: its secret or user changed while this request held it; the lifecycle change was not applied`,
    );
  }
  const hash = session.credential;
  // ID-5, CC-6: the credential check, with the grace window, at the time of this write.
  const accepted = hash !== null && credentialAccepted(hash, current, now(), hashesEqual);
  if (accepted && current.userId === loaded.userId) return null;
  if (events.length === session.ops.length) return 'skip';
  return new SessionError(
    'SESSION_GONE',
    `session ${current.sessionId} was rotated, logged out or switched while this request held it; nothing was written`,
  );
}
