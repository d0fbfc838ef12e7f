/**
 * The compare-and-set loop of one batch (CC-1, CC-2): the waiting commits of a session are applied to
 * the freshest record and written with one compare-and-set; on a conflict they are re-applied to the
 * record that won and written again, with backoff, a bounded number of times. An ending among them wins
 * over the rest (LC-6, CC-4).
 *
 * @packageDocumentation
 */
import { type SessionRecord, WRITE_ID_HISTORY } from '../spec/index.js';
import { afterWrite } from './after-write.js';
import type { CommitDeps, Job, Queue } from './commit-job.js';
import { planOf } from './effects.js';
import { encodeWithinLimit } from './encode.js';
import { SessionError } from './errors.js';
import { randomId } from './random.js';
import { applyBatch } from './reapply.js';
import { pause } from './store-call.js';
import { compareAndSet } from './write-outcome.js';
import type { WrittenRecords } from './written-records.js';

/** @internal A new write id (CC-7). */
export const newWriteId = (): string => randomId(12);

/**
 * @internal Write one batch of a session's queue: one compare-and-set, re-applied on conflict. Settles
 * every job of the batch.
 * @throws SessionError `SESSION_GONE`, `STORE_UNAVAILABLE`, `CONFLICT`, `INDETERMINATE` for the whole batch.
 */
export async function writeBatch(
  deps: CommitDeps,
  written: WrittenRecords,
  id: string,
  queue: Queue,
  batch: Job[],
): Promise<void> {
  let base = freshest(queue.latest ?? written.get(id) ?? null, batch);
  let faults = 0;
  // CC-7: the ids of every attempt of this batch; a late reply of an earlier one may still land.
  const attempts: string[] = [];
  for (let attempt = 0; attempt < deps.attempts; attempt++) {
    const ending = applyBatch(base, batch, deps.now);
    const live = batch.filter((job) => job.applied !== undefined && job.error === undefined);
    if (ending !== null) return end(deps, written, id, queue, batch, ending);
    if (live.length === 0) return settleErrors(batch);
    const last = live[live.length - 1]!.applied!.record;
    const writeId = newWriteId();
    attempts.push(writeId);
    const next: SessionRecord = {
      ...last,
      version: base.version + 1,
      writeIds: [...base.writeIds, writeId].slice(-WRITE_ID_HISTORY),
    };
    let encoded: string;
    try {
      encoded = encodeWithinLimit(next, deps.maxSize);
    } catch (error) {
      for (const job of live) job.error = error;
      return settleErrors(batch);
    }
    const outcome = await compareAndSet(deps, written, next, encoded, base, attempts, () =>
      pause(backoff(deps.backoffMs, attempt)),
    );
    if (outcome.kind === 'ok') {
      queue.latest = outcome.record;
      written.remember(outcome.record);
      for (const job of live) {
        const settled = afterWrite(deps, job.session, outcome.record, job.applied!.effects);
        job.resolve(settled instanceof Promise ? await settled : settled);
      }
      return settleErrors(batch);
    }
    if (outcome.kind === 'gone') {
      throw new SessionError(
        'SESSION_GONE',
        `session ${id} ended or expired before this write; nothing was written`,
      );
    }
    base = outcome.record;
    if (outcome.kind === 'retry' && ++faults >= 2) {
      // SEC-2: a store whose writes keep failing is unavailable, not conflicting; the write was not applied.
      throw new SessionError('STORE_UNAVAILABLE', `session ${id}: the store failed the write twice`, {
        cause: outcome.fault,
      });
    }
  }
  deps.emit('conflict', id, base.userId, `${deps.attempts} attempts`);
  throw new SessionError(
    'CONFLICT',
    `session ${id}: the write kept conflicting after ${deps.attempts} attempts`,
  );
}

/** @internal LC-6, CC-4: an ending wins; it deletes whatever version is stored. */
async function end(
  deps: CommitDeps,
  written: WrittenRecords,
  id: string,
  queue: Queue,
  batch: Job[],
  at: number,
): Promise<void> {
  if (planOf(batch[at]!.applied!.effects).deleteRecord) {
    await deps.call('destroy', () => deps.store.destroy(id));
  }
  queue.latest = null;
  written.forget(id);
  const gone = new SessionError('SESSION_GONE', `session ${id} was ended by a request before this write`);
  for (let i = 0; i < batch.length; i++) {
    const job = batch[i]!;
    if (i < at && job.error === undefined) job.resolve({ cookie: { action: 'none' }, wrote: false });
    else if (i < at) job.reject(job.error);
    else if (i === at) {
      const { record, effects, state } = job.applied!;
      job.resolve(await afterWrite(deps, job.session, record, effects, state));
    } else job.reject(job.error ?? gone);
  }
}

/** @internal Settle the jobs that failed or were skipped. */
function settleErrors(batch: Job[]): void {
  for (const job of batch) {
    if (job.error !== undefined) job.reject(job.error);
    else if (job.skipped) job.resolve({ cookie: { action: 'none' }, wrote: false });
  }
}

/** @internal The newest record any job of the batch (or the queue) has seen. */
function freshest(latest: SessionRecord | null, batch: Job[]): SessionRecord {
  let best = latest;
  // Backwards with `>=`: on equal versions a handle's own record wins (the first handle's most of all),
  // so the first patch can be reused as the handle applied it.
  for (let i = batch.length - 1; i >= 0; i--) {
    const base = batch[i]!.session.base;
    if (base !== null && (best === null || base.version >= best.version)) best = base;
  }
  return best!;
}

/** @internal Exponential backoff with full jitter. */
function backoff(base: number, attempt: number): number {
  return Math.random() * base * 2 ** Math.min(attempt, 8);
}
