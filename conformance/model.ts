/**
 * The reference model of the store contract (CK-3): a plain, obviously correct implementation of
 * `spec/store.ts` over a `Map`, written from its TSDoc and sharing no code with any adapter. Time is
 * passed in: the model holds a simulated clock that only the kit advances.
 *
 * @packageDocumentation
 */
import type {
  CreateResult,
  ReadResult,
  SessionRecord,
  StoredSessionRecord,
  WriteResult,
} from '../src/index.js';
import { writeIdOf } from '../src/index.js';
import { jsonRoundTrip } from './json.js';

/** A record as stored: the current or the previous format (ST-7). @internal */
export type StoredRecord = StoredSessionRecord;

/** A held lock in the model (CC-5). @internal */
export interface ModelLock {
  owner: string;
  /** The lock is held while `now < until`. */
  until: number;
}

/**
 * The reference store. Every method returns what the contract says the store must answer and applies
 * the change; where the contract allows several answers the method returns all of them.
 * @internal
 */
export class StoreModel {
  /** The simulated clock (ST-3). */
  now: number;
  /** Stored records by session id, as JSON round-tripped copies (ST-6). */
  readonly records = new Map<string, StoredRecord>();
  /** Locks by name (CC-5). */
  readonly locks = new Map<string, ModelLock>();

  /** @param now - the clock's start. */
  constructor(now: number) {
    this.now = now;
  }

  /** ST-3: a record is expired when `now >= expiresAt`. */
  isLive(record: StoredRecord, now: number): boolean {
    return now < record.expiresAt;
  }

  /** ID-4: insert if absent, expired or not; never overwrite. */
  create(record: StoredRecord): CreateResult {
    if (this.records.has(record.sessionId)) return 'exists';
    this.records.set(record.sessionId, jsonRoundTrip(record));
    return 'ok';
  }

  /** ST-2: live record, `'expired'`, or `null` when absent. */
  read(sessionId: string, now: number): ReadResult {
    const record = this.records.get(sessionId);
    if (record === undefined) return null;
    return this.isLive(record, now) ? record : 'expired';
  }

  /**
   * CC-1, CC-4: compare-and-set on the stored record's write id (store contract 2). When the stored
   * record is both expired and of another write id, the answer is `'expired'`: SPEC §5.3 gives it
   * precedence over `'conflict'`.
   * @returns the allowed answers; the record is replaced only when `'ok'` is the answer.
   */
  write(record: SessionRecord, expected: string, now: number): WriteResult[] {
    const stored = this.records.get(record.sessionId);
    if (stored === undefined) return ['gone'];
    const expired = !this.isLive(stored, now);
    const conflict = writeIdOf(stored) !== expected;
    if (expired) return ['expired'];
    if (conflict) return ['conflict'];
    this.records.set(record.sessionId, jsonRoundTrip(record));
    return ['ok'];
  }

  /** LC-6: delete, idempotently; whether a record (live or expired) was there. */
  destroy(sessionId: string): boolean {
    return this.records.delete(sessionId);
  }

  /** LC-9: the user's live records. */
  listByUser(userId: string, now: number): StoredRecord[] {
    return [...this.records.values()].filter((r) => r.userId === userId && this.isLive(r, now));
  }

  /** LC-9, LC-10: delete every record of the user, live or expired, except those named. */
  destroyByUser(userId: string, except: readonly string[]): string[] {
    const ids = [...this.records.values()]
      .filter((r) => r.userId === userId && !except.includes(r.sessionId))
      .map((r) => r.sessionId);
    for (const id of ids) this.records.delete(id);
    return ids;
  }

  /** ST-2: delete exactly the records expired at `now`. */
  purgeExpired(now: number): number {
    const ids = [...this.records.values()].filter((r) => !this.isLive(r, now)).map((r) => r.sessionId);
    for (const id of ids) this.records.delete(id);
    return ids.length;
  }

  /** The user index the store must hold (ST-5): user id -> sorted session ids. */
  userIndex(): Map<string, string[]> {
    const index = new Map<string, string[]>();
    for (const record of this.records.values()) {
      if (record.userId === null) continue;
      index.set(record.userId, [...(index.get(record.userId) ?? []), record.sessionId].sort());
    }
    return index;
  }

  /** Whether `owner` may not acquire `name` again: it holds it and its TTL has not passed. */
  holdsLive(name: string, owner: string, now: number): boolean {
    const lock = this.locks.get(name);
    return lock !== undefined && lock.owner === owner && now < lock.until;
  }

  /** CC-5: take the lock if free or if its holder's TTL has passed at `now`. */
  acquire(name: string, owner: string, ttlMs: number, now: number): boolean {
    const lock = this.locks.get(name);
    if (lock !== undefined && now < lock.until) return false;
    this.locks.set(name, { owner, until: now + ttlMs });
    return true;
  }

  /**
   * CC-5: only the holder releases. Once its TTL has passed at the model's time the lock is free, and
   * the contract leaves open whether its last holder's release still answers `true`; either way the
   * lock is free afterwards.
   * @returns the allowed answers.
   */
  release(name: string, owner: string): boolean[] {
    const lock = this.locks.get(name);
    if (lock?.owner !== owner) return [false];
    this.locks.delete(name);
    return this.now < lock.until ? [true] : [true, false];
  }
}
