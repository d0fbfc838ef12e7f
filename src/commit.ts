/**
 * Commits: compare-and-set writes with patch re-application (CC-1, CC-2), in-process queueing and
 * coalescing per session (CC-2, CC-3), endings that win over in-flight saves (CC-4) and idempotent
 * retries with write ids (CC-7).
 *
 * @packageDocumentation
 */
import {
  type AuditEventType,
  cookieMaxAge,
  cookieResent,
  credentialAccepted,
  hasEnded,
  type SessionEffect,
  type SessionRecord,
  type SessionRecordV1,
  type SessionState,
  type SessionStore,
  upgradeRecord,
  WRITE_ID_HISTORY,
  writeIdOf,
} from '../spec/index.js';
import { planOf } from './effects.js';
import { SessionError } from './errors.js';
import { type Applied, applyPatch } from './patch.js';
import { randomId } from './random.js';
import type { CommitResult, CookieInstruction, Handle } from './session.js';
import { pause } from './store-call.js';
import { formatToken, hashesEqual, newSessionId } from './token.js';
import { destroyAllByUser, listAllByUser } from './user-pages.js';
import { isStoredRecord } from './validate.js';

/** @internal What the committer needs from the manager. */
export interface CommitDeps {
  store: SessionStore;
  now(): number;
  call<T>(what: string, run: () => Promise<T>): Promise<T>;
  emit(type: AuditEventType, sessionId: string, userId: string | null, reason?: string): void;
  maxSize: number;
  attempts: number;
  backoffMs: number;
  /** Sessions per per-user store call (bounded per-user operations). */
  pageSize: number;
  /** LC-12: runs after a login was written (`enforceUserCap`) and before (`refuse`). */
  userCap: { max: number; onExceed: 'end-oldest' | 'refuse' } | null;
}

/** @internal One waiting commit. */
interface Job {
  session: Handle;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
  applied?: Applied | undefined;
  error?: unknown;
  /** A touch that no longer applies: settled as "nothing written". */
  skipped?: boolean;
}

/** @internal The in-process queue of one session (CC-2). */
interface Queue {
  latest: SessionRecord | null;
  waiting: Job[];
}

/** How many sessions' last written records a process keeps (CC-2). */
const WRITTEN_KEPT = 1024;

const newWriteId = () => randomId(12);

/** @internal Writes sessions for one manager. */
export class Committer {
  private readonly queues = new Map<string, Queue>();
  /**
   * CC-2: the last record this process wrote, per session, for a while after its queue empties: a
   * request that loaded before that write then starts from it instead of conflicting with its own
   * process. Bounded, oldest first out.
   */
  private readonly written = new Map<string, SessionRecord>();
  /** The queues being written, for `drain`. */
  private readonly running = new Set<Promise<void>>();
  private readonly deps: CommitDeps;

  constructor(deps: CommitDeps) {
    this.deps = deps;
  }

  /**
   * CC-1: what a read found for `sessionId`. A record this process wrote and keeps (`written`) is
   * dropped unless the store holds exactly it: a store that is behind it lost it (a fail-over), and a
   * write based on it would only conflict.
   * @param sessionId - the session read.
   * @param found - the live record read, or `null` for anything else.
   */
  observe(sessionId: string, found: SessionRecord | SessionRecordV1 | null): void {
    const kept = this.written.get(sessionId);
    if (kept !== undefined && (found === null || writeIdOf(found) !== writeIdOf(kept)))
      this.written.delete(sessionId);
  }

  /** Resolves when every queued commit has settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /**
   * Commit a session handle.
   * @returns the cookie instruction.
   */
  async commit(session: Handle): Promise<CommitResult> {
    if (session.base === null) return this.create(session);
    if (session.ops.length === 0) return { cookie: { action: 'none' }, wrote: false };
    await this.refuseOverCap(session);
    const id = session.base.sessionId;
    let queue = this.queues.get(id);
    const job = new Promise<CommitResult>((resolve, reject) => {
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
    return job;
  }

  /** @internal SEC-6, ID-4: a new session is kept only when there is something to keep. */
  private async create(session: Handle): Promise<CommitResult> {
    if (hasEnded(session.state) || session.ops.length === 0) {
      return { cookie: session.deadToken ? { action: 'clear' } : { action: 'none' }, wrote: false };
    }
    await this.refuseOverCap(session);
    const record = { ...session.local, writeIds: [newWriteId()] };
    for (let attempt = 0; ; attempt++) {
      const encoded = this.encode(record);
      const result = await this.deps.call('create', () =>
        this.deps.store.create(record, this.deps.now(), encoded),
      );
      if (result === 'ok') break;
      // ID-4: a collision never overwrites; retry with a fresh id, a bounded number of times.
      if (attempt >= 3)
        throw new SessionError('CONFLICT', 'could not allocate a session id after 4 attempts');
      record.sessionId = newSessionId();
    }
    return this.finish(session, record, session.effects);
  }

  /** @internal Keep the record this process wrote last (CC-2), evicting the oldest beyond the bound. */
  private remember(record: SessionRecord): void {
    this.written.delete(record.sessionId);
    this.written.set(record.sessionId, record);
    if (this.written.size > WRITTEN_KEPT) this.written.delete(this.written.keys().next().value!);
  }

  /** @internal Process the queue until it is empty, coalescing what waits into one write. */
  private async run(id: string, queue: Queue): Promise<void> {
    try {
      while (queue.waiting.length > 0) {
        const batch = queue.waiting.splice(0);
        await this.writeBatch(id, queue, batch).catch((error: unknown) => {
          for (const job of batch) job.reject(error);
        });
      }
    } finally {
      this.queues.delete(id);
    }
  }

  /** @internal CC-1, CC-2: one compare-and-set for a batch, re-applied on conflict. */
  private async writeBatch(id: string, queue: Queue, batch: Job[]): Promise<void> {
    let base = freshest(queue.latest ?? this.written.get(id) ?? null, batch);
    let faults = 0;
    // CC-7: the ids of every attempt of this batch; a late reply of an earlier one may still land.
    const attempts: string[] = [];
    for (let attempt = 0; attempt < this.deps.attempts; attempt++) {
      const ending = this.apply(base, batch);
      const live = batch.filter((job) => job.applied !== undefined && job.error === undefined);
      if (ending !== null) return this.end(id, queue, batch, ending);
      if (live.length === 0) return this.settleErrors(batch);
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
        encoded = this.encode(next);
      } catch (error) {
        for (const job of live) job.error = error;
        return this.settleErrors(batch);
      }
      const outcome = await this.write(next, encoded, base, attempts);
      if (outcome.kind === 'ok') {
        queue.latest = outcome.record;
        this.remember(outcome.record);
        for (const job of live)
          job.resolve(await this.finish(job.session, outcome.record, job.applied!.effects));
        return this.settleErrors(batch);
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
      if (outcome.kind === 'conflict') await pause(backoff(this.deps.backoffMs, attempt));
    }
    const userId = base.userId;
    this.deps.emit('conflict', id, userId, `${this.deps.attempts} attempts`);
    throw new SessionError(
      'CONFLICT',
      `session ${id}: the write kept conflicting after ${this.deps.attempts} attempts`,
    );
  }

  /**
   * @internal Apply every job's patch in order on `base`. Returns the index of the job whose patch
   * ended the session, or `null`.
   */
  private apply(base: SessionRecord, batch: Job[]): number | null {
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
          const refusal = this.revalidate(session, current);
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
  private revalidate(session: Handle, current: SessionRecord): SessionError | 'skip' | null {
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
    const accepted = hash !== null && credentialAccepted(hash, current, this.deps.now(), hashesEqual);
    if (accepted && current.userId === loaded.userId) return null;
    if (events.length === session.ops.length) return 'skip';
    return new SessionError(
      'SESSION_GONE',
      `session ${current.sessionId} was rotated, logged out or switched while this request held it; nothing was written`,
    );
  }

  /** @internal LC-6, CC-4: an ending wins; it deletes whatever version is stored. */
  private async end(id: string, queue: Queue, batch: Job[], at: number): Promise<void> {
    if (planOf(batch[at]!.applied!.effects).deleteRecord) {
      await this.deps.call('destroy', () => this.deps.store.destroy(id));
    }
    queue.latest = null;
    this.written.delete(id);
    const gone = new SessionError('SESSION_GONE', `session ${id} was ended by a request before this write`);
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i]!;
      if (i < at && job.error === undefined) job.resolve({ cookie: { action: 'none' }, wrote: false });
      else if (i < at) job.reject(job.error);
      else if (i === at)
        job.resolve(
          await this.finish(job.session, job.applied!.record, job.applied!.effects, job.applied!.state),
        );
      else job.reject(job.error ?? gone);
    }
  }

  /** @internal */
  private settleErrors(batch: Job[]): void {
    for (const job of batch) {
      if (job.error !== undefined) job.reject(job.error);
      else if (job.skipped) job.resolve({ cookie: { action: 'none' }, wrote: false });
    }
  }

  /**
   * @internal One compare-and-set. A fault leaves the outcome unknown: CC-7 decides it from the write
   * ids kept in the record, and never re-applies a patch that may have been applied.
   */
  private async write(
    next: SessionRecord,
    encoded: string,
    base: SessionRecord,
    attempts: readonly string[],
  ): Promise<
    | { kind: 'ok'; record: SessionRecord }
    | { kind: 'conflict'; record: SessionRecord }
    | { kind: 'retry'; record: SessionRecord; fault: unknown }
    | { kind: 'gone' }
  > {
    const { store, now } = this.deps;
    let result: Awaited<ReturnType<SessionStore['write']>>;
    try {
      // CC-1: conditioned on the write id of the record the patch was applied to, unique per write.
      result = await this.deps.call('write', () => store.write(next, writeIdOf(base), now(), encoded));
    } catch (fault) {
      return this.settleUnknown(next, base, attempts, fault);
    }
    if (result === 'ok') return { kind: 'ok', record: next };
    if (result !== 'conflict') return { kind: 'gone' };
    const fresh = await this.read(next.sessionId);
    if (fresh === null) return { kind: 'gone' };
    // CC-7: the conflict may be an earlier attempt of ours whose reply was lost and that landed late.
    return applied(fresh, attempts) ? { kind: 'ok', record: fresh } : { kind: 'conflict', record: fresh };
  }

  /** @internal CC-7: was the write whose reply was lost applied? */
  private async settleUnknown(
    next: SessionRecord,
    base: SessionRecord,
    attempts: readonly string[],
    fault: unknown,
  ): Promise<
    | { kind: 'ok'; record: SessionRecord }
    | { kind: 'retry'; record: SessionRecord; fault: unknown }
    | { kind: 'gone' }
  > {
    let fresh: SessionRecord | null;
    try {
      fresh = await this.read(next.sessionId);
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
  private async read(id: string): Promise<SessionRecord | null> {
    const result = await this.deps.call('read', () => this.deps.store.read(id, this.deps.now()));
    const fresh =
      result === null || result === 'expired' || result === 'corrupt' || !isStoredRecord(result, id)
        ? null
        : upgradeRecord(result);
    this.observe(id, fresh);
    return fresh;
  }

  /** @internal After a successful write: side effects, audit events, the cookie instruction. */
  private async finish(
    session: Handle,
    written: SessionRecord,
    effects: SessionEffect[],
    ended: SessionState | null = null,
  ): Promise<CommitResult> {
    const { deps } = this;
    const plan = planOf(effects);
    const userId = written.userId;
    if (userId !== null && plan.endOtherSessions) {
      // LC-10: a credential change ends every other session of the user.
      const report = (ended: readonly string[]) => {
        for (const other of ended) deps.emit('revoked', other, userId, 'credential-change');
      };
      await destroyAllByUser(deps.call, deps.store, userId, [written.sessionId], report, deps.pageSize);
    }
    if (userId !== null && plan.enforceUserCap) await this.endOverCap(userId, written.sessionId);
    for (const event of plan.audits) {
      deps.emit(event, written.sessionId, event === 'logged-out' ? (session.base?.userId ?? null) : userId);
    }
    const cookie = this.cookie(session, written, plan.cookie);
    session.base = ended !== null ? null : written;
    session.local = written;
    // LC-1: the terminal state the machine reached (expired or destroyed), else the live one.
    session.state = ended ?? written.state;
    if (session.secret !== null && plan.cookie === 'issue') session.credential = written.secretHash;
    session.ops = [];
    session.effects = [];
    return { cookie, wrote: true };
  }

  /** @internal What the response does with the cookie (LC-6: `clearCookie`; LC-7: `cookieResent`). */
  private cookie(
    session: Handle,
    written: SessionRecord,
    planned: 'issue' | 'clear' | 'keep',
  ): CookieInstruction {
    if (planned === 'clear') return { action: 'clear' };
    if (session.secret === null || !cookieResent(planned === 'issue', session.base, written)) {
      return { action: 'none' };
    }
    const maxAge = cookieMaxAge(written, this.deps.now());
    return { action: 'set', token: formatToken(written.sessionId, session.secret), maxAge };
  }

  /** @internal LC-12 `refuse`: a login over the cap is refused before anything is written. */
  private async refuseOverCap(session: Handle): Promise<void> {
    const cap = this.deps.userCap;
    if (cap === null || cap.onExceed !== 'refuse' || !planOf(session.effects).enforceUserCap) return;
    const userId = session.local.userId!;
    const { call, store, now } = this.deps;
    const others = (await listAllByUser(call, store, userId, now(), this.deps.pageSize)).filter(
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
  private async endOverCap(userId: string, keep: string): Promise<void> {
    const cap = this.deps.userCap;
    if (cap === null || cap.onExceed !== 'end-oldest') return;
    const { store, now } = this.deps;
    const others = (await listAllByUser(this.deps.call, store, userId, now(), this.deps.pageSize))
      .filter((r) => r.sessionId !== keep)
      .sort((a, b) => a.lastSeenAt - b.lastSeenAt);
    for (const victim of others.slice(0, Math.max(0, others.length + 1 - cap.max))) {
      if (await this.deps.call('destroy', () => store.destroy(victim.sessionId))) {
        this.deps.emit('revoked', victim.sessionId, userId, 'user-cap');
      }
    }
  }

  /**
   * @internal ST-6: the size limit covers the whole record. The encoding is handed to the store, so a
   * commit encodes the record once.
   */
  private encode(record: SessionRecord): string {
    const encoded = JSON.stringify(record);
    // ST-6: the limit is in UTF-8 bytes, as stored.
    const size = Buffer.byteLength(encoded);
    if (size > this.deps.maxSize) {
      throw new SessionError(
        'PAYLOAD_TOO_LARGE',
        `session ${record.sessionId} would be ${size} bytes, over maxSize ${this.deps.maxSize}`,
      );
    }
    return encoded;
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

/** @internal CC-7: whether one of this commit's attempts is recorded in the record. */
function applied(record: SessionRecord, attempts: readonly string[]): boolean {
  return attempts.some((id) => record.writeIds.includes(id));
}

/** @internal Exponential backoff with full jitter. */
function backoff(base: number, attempt: number): number {
  return Math.random() * base * 2 ** Math.min(attempt, 8);
}
