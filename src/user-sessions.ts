/**
 * Per-user control (LC-9): list a user's live sessions, end all of them but some ("log out everywhere"),
 * or end one. An ending from outside means what the machine's `revoke` means (LC-6).
 *
 * @packageDocumentation
 */

import { type SessionRecord, upgradeRecord, WRITE_ID_HISTORY, writeIdOf } from '../spec/index.js';
import { newWriteId } from './batch-write.js';
import type { StoreAccess } from './commit-job.js';
import { planOf } from './effects.js';
import { SessionError } from './errors.js';
import { declaredEffects } from './lifecycle.js';
import { requireUserId } from './options.js';
import { destroyAllByUser, listAllByUser } from './user-pages.js';

/** A user's session as listed (LC-9). */
export interface SessionSummary {
  sessionId: string;
  createdAt: number;
  lastSeenAt: number;
  authenticatedAt: number | null;
  expiresAt: number;
  persistent: boolean;
  labels: Record<string, string>;
}

/** One page of a user's sessions (LC-9): pass `cursor` back for the next one; `null` when done. */
export interface SessionPage {
  sessions: SessionSummary[];
  cursor: string | null;
}

/** @internal The manager's per-user operations. */
export interface UserSessions {
  listSessions(userId: string): Promise<SessionSummary[]>;
  listSessions(userId: string, page: { limit: number; cursor?: string | null }): Promise<SessionPage>;
  revoke(userId: string, options?: { except?: string | readonly string[] }): Promise<string[]>;
  revokeSession(userId: string, sessionId: string): Promise<boolean>;
}

/**
 * @internal The per-user operations over a store.
 * @param pageSize - sessions per store call: no call grows with the number of sessions a user has.
 */
export function createUserSessions(deps: StoreAccess, pageSize: number): UserSessions {
  const { store, now, call, emit } = deps;
  // LC-6: the machine's effects for a session ended from outside (the store deleted it).
  const revokedPlan = planOf(declaredEffects('authenticated', 'revoke', null));
  const revoked = (sessionId: string, userId: string, reason: string) => {
    for (const event of revokedPlan.audits) emit(event, sessionId, userId, reason);
  };

  const summaries = (userId: string, records: SessionRecord[]): SessionSummary[] =>
    records
      .filter((r) => r.userId === userId)
      .map((r) => ({
        sessionId: r.sessionId,
        createdAt: r.createdAt,
        lastSeenAt: r.lastSeenAt,
        authenticatedAt: r.authenticatedAt,
        expiresAt: r.expiresAt,
        persistent: r.persistent,
        labels: { ...(r.labels ?? {}) },
      }));

  function listSessions(userId: string): Promise<SessionSummary[]>;
  function listSessions(
    userId: string,
    page: { limit: number; cursor?: string | null },
  ): Promise<SessionPage>;
  async function listSessions(
    userId: string,
    page?: { limit: number; cursor?: string | null },
  ): Promise<SessionSummary[] | SessionPage> {
    requireUserId(userId);
    if (page === undefined) {
      return summaries(userId, await listAllByUser(call, store, userId, now(), pageSize));
    }
    const { limit, cursor = null } = page;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 10_000))
      throw new TypeError('listSessions: `limit` must be a whole number from 1 to 10 000');
    if (cursor !== null && typeof cursor !== 'string')
      throw new TypeError('listSessions: `cursor` must be the string a previous page returned, or null');
    const found = await call('listByUser', () => store.listByUser(userId, now(), { limit, cursor }));
    return { sessions: summaries(userId, found.records), cursor: found.cursor };
  }

  return {
    listSessions,

    async revoke(userId, opts = {}) {
      requireUserId(userId);
      const except = typeof opts.except === 'string' ? [opts.except] : [...(opts.except ?? [])];
      // Bounded steps; each ended session is reported as soon as its step returns.
      const report = (ended: readonly string[]) => {
        for (const sessionId of ended) revoked(sessionId, userId, 'user');
      };
      return destroyAllByUser(call, store, userId, except, report, pageSize);
    },

    async revokeSession(userId, sessionId) {
      requireUserId(userId);
      for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
        const at = now();
        const found = await call('read', () => store.read(sessionId, at));
        if (found === null || found === 'corrupt' || (found !== 'expired' && found.userId !== userId))
          return false;
        if (found === 'expired') {
          // Not readable any more; it belongs to the user only if the index says so.
          const listed = await listAllByUser(call, store, userId, now(), pageSize);
          if (!listed.some((r) => r.sessionId === sessionId)) return false;
        } else {
          // LC-9: ended on the condition of the record read, so a user switch in between (whose write
          // moves the write id) is never ended in the old user's name: it expires the record first.
          const ending = endedNow(upgradeRecord(found), at);
          const result = await call('write', () =>
            store.write(ending, writeIdOf(found), at, JSON.stringify(ending)),
          );
          if (result === 'conflict') continue;
          if (result === 'gone') return false;
        }
        const deleted = await call('destroy', () => store.destroy(sessionId));
        if (deleted) revoked(sessionId, userId, 'user');
        return deleted;
      }
      throw new SessionError(
        'CONFLICT',
        `session ${sessionId} kept changing while it was being revoked (${REVOKE_ATTEMPTS} attempts)`,
      );
    },
  };
}

/** How many times `revokeSession` reads again when the session changed under it. */
const REVOKE_ATTEMPTS = 10;

/** @internal The record expired at `at`, written under a new write id (CC-1). */
function endedNow(record: SessionRecord, at: number): SessionRecord {
  const writeIds = [...record.writeIds, newWriteId()].slice(-WRITE_ID_HISTORY);
  return { ...record, version: record.version + 1, writeIds, absoluteDeadline: at, expiresAt: at };
}
