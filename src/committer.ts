/**
 * The committer: the entry point of `session.commit()`. A new session is created with an
 * insert-if-absent (ID-4, SEC-6); a stored one joins its session's in-process queue, where the commits
 * waiting together are coalesced into one compare-and-set (CC-2, CC-3; see `batch-write.ts`).
 *
 * @packageDocumentation
 */
import { hasEnded, type StoredSessionRecord } from '../spec/index.js';
import { afterWrite } from './after-write.js';
import { newWriteId, writeBatch } from './batch-write.js';
import type { CommitDeps, Queue } from './commit-job.js';
import { endOtherSessionsFirst } from './credential-change.js';
import { planOf } from './effects.js';
import { encodeWithinLimit } from './encode.js';
import { SessionError } from './errors.js';
import { makeIdentity } from './identity.js';
import type { CommitResult, Handle } from './session.js';
import { hashSecret, newSecret, newSessionId } from './token.js';
import { refuseOverCap } from './user-cap.js';
import { WrittenRecords } from './written-records.js';

/** @internal Writes sessions for one manager. */
export class Committer {
  private readonly queues = new Map<string, Queue>();
  private readonly written = new WrittenRecords();
  /** The queues being written, for `drain`. */
  private readonly running = new Set<Promise<void>>();
  private readonly deps: CommitDeps;

  constructor(deps: CommitDeps) {
    this.deps = deps;
  }

  /**
   * CC-1: what a read found for `sessionId`; a kept record the store no longer holds is dropped.
   * @param found - the live record read, or `null` for anything else.
   */
  observe(sessionId: string, found: StoredSessionRecord | null): void {
    this.written.observe(sessionId, found);
  }

  /** Resolves when every queued commit has settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /**
   * Commit a session handle.
   * @returns the cookie instruction.
   */
  commit(session: Handle): Promise<CommitResult> {
    if (session.base === null && (hasEnded(session.state) || session.ops.length === 0)) {
      // SEC-6: a new session is kept only when there is something to keep.
      return Promise.resolve({
        cookie: session.deadToken ? { action: 'clear' } : { action: 'none' },
        wrote: false,
      });
    }
    if (session.ops.length === 0) return Promise.resolve({ cookie: { action: 'none' }, wrote: false });
    // A new session is about to be written: it needs its id and secret now (SEC-6, ID-1).
    if (session.base === null) makeIdentity(session);
    const plan = planOf(session.effects);
    // Only a step that asks for them waits for the steps before the write (LC-10, LC-12).
    return plan.endOtherSessions || plan.enforceUserCap ? this.commitGuarded(session) : this.write(session);
  }

  /** @internal LC-10 before anything of the change is written; LC-12 `refuse` around the write. */
  private async commitGuarded(session: Handle): Promise<CommitResult> {
    await endOtherSessionsFirst(this.deps, session);
    const release = await refuseOverCap(this.deps, session);
    try {
      return await this.write(session);
    } finally {
      await release?.();
    }
  }

  /** @internal A new session is created, a stored one queued (CC-2). */
  private write(session: Handle): Promise<CommitResult> {
    return session.base === null ? this.create(session) : this.enqueue(session, session.base.sessionId);
  }

  /** @internal CC-2: join the session's queue; the first to join runs it. */
  private enqueue(session: Handle, id: string): Promise<CommitResult> {
    let queue = this.queues.get(id);
    return new Promise<CommitResult>((resolve, reject) => {
      if (queue === undefined) {
        queue = { latest: null, waiting: [] };
        this.queues.set(id, queue);
        queue.waiting.push({ session, resolve, reject });
        const running = this.run(id, queue).finally(() => this.running.delete(running));
        this.running.add(running);
      } else {
        queue.waiting.push({ session, resolve, reject });
      }
    });
  }

  /** @internal ID-4: insert-if-absent, with a fresh id on a collision. */
  private async create(session: Handle): Promise<CommitResult> {
    const { store, now, call, maxSize } = this.deps;
    const record = { ...session.local, writeIds: [newWriteId()] };
    for (let attempt = 0; ; attempt++) {
      const encoded = encodeWithinLimit(record, maxSize);
      const result = await call('create', () => store.create(record, now(), encoded));
      if (result === 'ok') break;
      // ID-4: a collision never overwrites; retry with a fresh id and a fresh secret (the one sent with
      // the colliding id was shown to a store that holds another session), a bounded number of times.
      if (attempt >= 3)
        throw new SessionError('CONFLICT', 'could not allocate a session id after 4 attempts');
      record.sessionId = newSessionId();
      if (session.secret !== null) {
        session.secret = newSecret();
        record.secretHash = hashSecret(session.secret);
      }
    }
    return afterWrite(this.deps, session, record, session.effects);
  }

  /** @internal Process the queue until it is empty, coalescing what waits into one write. */
  private async run(id: string, queue: Queue): Promise<void> {
    try {
      while (queue.waiting.length > 0) {
        const batch = queue.waiting.splice(0);
        await writeBatch(this.deps, this.written, id, queue, batch).catch((error: unknown) => {
          for (const job of batch) job.reject(error);
        });
      }
    } finally {
      this.queues.delete(id);
    }
  }
}
