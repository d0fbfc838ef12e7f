/**
 * CC-2: the last record this process wrote, per session, for a while after its queue empties: a request
 * that loaded before that write then starts from it instead of conflicting with its own process.
 * Bounded, oldest first out.
 *
 * @packageDocumentation
 */
import { type SessionRecord, type StoredSessionRecord, writeIdOf } from '../spec/index.js';

/** How many sessions' last written records a process keeps (CC-2). */
const WRITTEN_KEPT = 1024;

/** @internal The bounded cache of the records this process wrote last. */
export class WrittenRecords {
  private readonly records = new Map<string, SessionRecord>();

  /** @returns the record this process wrote last for the session, if still kept. */
  get(sessionId: string): SessionRecord | undefined {
    return this.records.get(sessionId);
  }

  /** Keep `record` as the session's last written one, evicting the oldest beyond the bound. */
  remember(record: SessionRecord): void {
    this.records.delete(record.sessionId);
    this.records.set(record.sessionId, record);
    if (this.records.size > WRITTEN_KEPT) this.records.delete(this.records.keys().next().value!);
  }

  /**
   * CC-1: what a read found for `sessionId`. A kept record is dropped unless the store holds exactly
   * it: a store that is behind it lost it (a fail-over), and a write based on it would only conflict.
   * @param found - the live record read, or `null` for anything else.
   */
  observe(sessionId: string, found: StoredSessionRecord | null): void {
    const kept = this.records.get(sessionId);
    if (kept !== undefined && (found === null || writeIdOf(found) !== writeIdOf(kept)))
      this.records.delete(sessionId);
  }

  /** Forget a session that ended (LC-6). */
  forget(sessionId: string): void {
    this.records.delete(sessionId);
  }
}
