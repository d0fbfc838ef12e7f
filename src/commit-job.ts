/**
 * What a commit carries through the committer: the waiting job of one session handle, the in-process
 * queue of one session, and what the committer needs from its manager.
 *
 * @packageDocumentation
 */
import type { AuditEventType, SessionRecord, SessionStore } from '../spec/index.js';
import type { Applied } from './patch.js';
import type { CommitResult, Handle } from './session.js';

/** @internal What every part of the manager uses to reach the store and the audit listener. */
export interface StoreAccess {
  store: SessionStore;
  now(): number;
  /** A store call with the timeout and the typed `STORE_UNAVAILABLE` error (SEC-2). */
  call<T>(what: string, run: () => Promise<T>): Promise<T>;
  /** Raise an audit event (SEC-4); never throws. */
  emit(type: AuditEventType, sessionId: string, userId: string | null, reason?: string): void;
}

/** @internal What the committer needs from the manager. */
export interface CommitDeps extends StoreAccess {
  maxSize: number;
  attempts: number;
  backoffMs: number;
  /** Sessions per per-user store call (bounded per-user operations). */
  pageSize: number;
  /** LC-12: runs after a login was written (`enforceUserCap`) and before (`refuse`). */
  userCap: { max: number; onExceed: 'end-oldest' | 'refuse' } | null;
  /** LC-12 `refuse`: how long the per-user lock lives and how long a login waits for it. */
  capLock: { ttl: number; wait: number };
}

/** @internal One waiting commit. */
export interface Job {
  session: Handle;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
  applied?: Applied | undefined;
  error?: unknown;
  /** A touch that no longer applies: settled as "nothing written". */
  skipped?: boolean;
}

/** @internal The in-process queue of one session (CC-2). */
export interface Queue {
  /** The record this queue wrote last, the base of its next batch. */
  latest: SessionRecord | null;
  waiting: Job[];
}
