/**
 * One compare-and-set and what became of it (CC-1, CC-7): written, conflicting (with the fresh record
 * to re-apply on), gone, or failed. A fault leaves the outcome unknown: the write ids kept in the record
 * decide it, and a patch that may have been applied is never applied again.
 *
 * @packageDocumentation
 */
import { type SessionRecord, type SessionStore, upgradeRecord, writeIdOf } from '../spec/index.js';
import type { StoreAccess } from './commit-job.js';
import { SessionError } from './errors.js';
import { isStoredRecord } from './validate.js';
import type { WrittenRecords } from './written-records.js';

/** @internal What became of one compare-and-set. */
export type WriteOutcome =
  | { kind: 'ok'; record: SessionRecord }
  | { kind: 'conflict'; record: SessionRecord }
  | { kind: 'retry'; record: SessionRecord; fault: unknown }
  | { kind: 'gone' };

/**
 * @internal One compare-and-set of `next` over `base`.
 * @param attempts - the write ids of every attempt of this batch (CC-7).
 * @param backoff - CC-2: on a conflict, the pause before the fresh record is read. It comes before the
 *   read, never between the read and the next write: a record read and then left while pausing is
 *   stale by the time it is written over, so a busy writer elsewhere would win every retry.
 * @throws SessionError `INDETERMINATE` when a fault leaves the outcome unknown for good.
 */
export async function compareAndSet(
  deps: StoreAccess,
  written: WrittenRecords,
  next: SessionRecord,
  encoded: string,
  base: SessionRecord,
  attempts: readonly string[],
  backoff: () => Promise<void>,
): Promise<WriteOutcome> {
  const { store, now } = deps;
  let result: Awaited<ReturnType<SessionStore['write']>>;
  try {
    // CC-1: conditioned on the write id of the record the patch was applied to, unique per write.
    result = await deps.call('write', () => store.write(next, writeIdOf(base), now(), encoded));
  } catch (fault) {
    return settleUnknown(deps, written, next, base, attempts, fault);
  }
  if (result === 'ok') return { kind: 'ok', record: next };
  if (result !== 'conflict') return { kind: 'gone' };
  await backoff();
  const fresh = await readLive(deps, written, next.sessionId);
  if (fresh === null) return { kind: 'gone' };
  // CC-7: the conflict may be an earlier attempt of ours whose reply was lost and that landed late.
  return applied(fresh, attempts) ? { kind: 'ok', record: fresh } : { kind: 'conflict', record: fresh };
}

/** @internal CC-7: was the write whose reply was lost applied? */
async function settleUnknown(
  deps: StoreAccess,
  written: WrittenRecords,
  next: SessionRecord,
  base: SessionRecord,
  attempts: readonly string[],
  fault: unknown,
): Promise<Exclude<WriteOutcome, { kind: 'conflict' }>> {
  let fresh: SessionRecord | null;
  try {
    fresh = await readLive(deps, written, next.sessionId);
  } catch (error) {
    throw new SessionError(
      'INDETERMINATE',
      `session ${next.sessionId}: a write failed and its outcome is unknown`,
      {
        cause: [fault, error],
      },
    );
  }
  if (fresh === null) return { kind: 'gone' };
  if (applied(fresh, attempts)) return { kind: 'ok', record: fresh };
  // CC-1: only one write can follow `base` (the condition is unique per write). `base` is still
  // listed and ours is not after it: ours was not applied, and cannot be any more unless `base` is
  // still the newest, where the retry's attempts include it.
  const condition = writeIdOf(base);
  if (writeIdOf(fresh) === condition || fresh.writeIds.includes(condition))
    return { kind: 'retry', record: fresh, fault };
  throw new SessionError(
    'INDETERMINATE',
    `session ${next.sessionId}: a write failed and its outcome is unknown`,
    {
      cause: fault,
    },
  );
}

/** @internal Read for re-application; anything but a live, well-formed record is gone. */
async function readLive(
  deps: StoreAccess,
  written: WrittenRecords,
  id: string,
): Promise<SessionRecord | null> {
  const result = await deps.call('read', () => deps.store.read(id, deps.now()));
  const fresh =
    result === null || result === 'expired' || result === 'corrupt' || !isStoredRecord(result, id)
      ? null
      : upgradeRecord(result);
  written.observe(id, fresh);
  return fresh;
}

/** @internal CC-7: whether one of this commit's attempts is recorded in the record. */
function applied(record: SessionRecord, attempts: readonly string[]): boolean {
  return attempts.some((id) => record.writeIds.includes(id));
}
