/**
 * A correct, deliberately plain store for the mutant self-test (CK-11): each mutant overrides one
 * method to break exactly one rule. Stores records as JSON text, like a networked store would.
 * Test-only: excluded from the published package.
 *
 * @packageDocumentation
 */
import type {
  CreateResult,
  PageRequest,
  ReadResult,
  SessionLocks,
  SessionRecord,
  SessionStore,
  StoreContents,
  StoreInspection,
  StoreSupports,
  UserPage,
  UserStep,
  WriteResult,
} from '../../src/index.js';
import { decodeRecord, writeIdOf } from '../../src/index.js';

/** A correct in-process store with locks and inspection. @internal */
export class BaseStore implements SessionStore {
  supports: StoreSupports = { contract: 2, locks: true, inspection: true, userIndex: 'exact' };
  /** sessionId -> JSON text of the record. */
  protected readonly records = new Map<string, string>();
  /** userId -> session ids. */
  protected readonly byUser = new Map<string, Set<string>>();
  /** lock name -> holder. */
  protected readonly held = new Map<string, { owner: string; until: number }>();

  protected decode(sessionId: string): SessionRecord | undefined {
    const text = this.records.get(sessionId);
    return text === undefined ? undefined : (JSON.parse(text) as SessionRecord);
  }

  protected encode(record: SessionRecord): string {
    return JSON.stringify(record);
  }

  protected isLive(record: { expiresAt: number }, now: number): boolean {
    return now < record.expiresAt;
  }

  protected index(userId: string | null, sessionId: string): void {
    if (userId === null) return;
    const ids = this.byUser.get(userId) ?? new Set<string>();
    ids.add(sessionId);
    this.byUser.set(userId, ids);
  }

  protected unindex(userId: string | null, sessionId: string): void {
    if (userId === null) return;
    const ids = this.byUser.get(userId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.byUser.delete(userId);
  }

  async create(record: SessionRecord, _now: number): Promise<CreateResult> {
    if (this.records.has(record.sessionId)) return 'exists';
    this.records.set(record.sessionId, this.encode(record));
    this.index(record.userId, record.sessionId);
    return 'ok';
  }

  async read(sessionId: string, now: number): Promise<ReadResult> {
    const text = this.records.get(sessionId);
    if (text === undefined) return null;
    const record = decodeRecord(text);
    if (record === undefined) return 'corrupt';
    return this.isLive(record, now) ? record : 'expired';
  }

  /** CC-1: whether a write conditioned on `expected` may replace `stored`. */
  protected matches(stored: SessionRecord, expected: string, _record: SessionRecord): boolean {
    return writeIdOf(stored) === expected;
  }

  async write(record: SessionRecord, expected: string, now: number): Promise<WriteResult> {
    const stored = this.decode(record.sessionId);
    if (stored === undefined) return 'gone';
    if (!this.isLive(stored, now)) return 'expired';
    if (!this.matches(stored, expected, record)) return 'conflict';
    this.unindex(stored.userId, stored.sessionId);
    this.records.set(record.sessionId, this.encode(record));
    this.index(record.userId, record.sessionId);
    return 'ok';
  }

  async destroy(sessionId: string): Promise<boolean> {
    const stored = this.decode(sessionId);
    if (stored === undefined) return false;
    this.records.delete(sessionId);
    this.unindex(stored.userId, sessionId);
    return true;
  }

  /**
   * The user's ids, all of them or one page: ids in sorted order after the cursor, which is the last id
   * of the previous page (store contract 2).
   */
  protected pageOf(userId: string, page: PageRequest | undefined): { ids: string[]; cursor: string | null } {
    const all = [...(this.byUser.get(userId) ?? [])].sort();
    if (page?.limit === undefined) return { ids: all, cursor: null };
    const after = page.cursor ?? null;
    const rest = after === null ? all : all.filter((id) => id > after);
    const ids = rest.slice(0, page.limit);
    return { ids, cursor: rest.length > page.limit ? ids[ids.length - 1]! : null };
  }

  async listByUser(userId: string, now: number, page?: PageRequest): Promise<UserPage> {
    const { ids, cursor } = this.pageOf(userId, page);
    const records = ids
      .map((id) => this.decode(id))
      .filter((r): r is SessionRecord => r !== undefined && this.isLive(r, now));
    return { records, cursor };
  }

  async destroyByUser(userId: string, except: readonly string[], page?: PageRequest): Promise<UserStep> {
    const { ids, cursor } = this.pageOf(userId, page);
    const deleted = ids.filter((id) => !except.includes(id));
    for (const id of deleted) await this.destroy(id);
    return { deleted, cursor };
  }

  async purgeExpired(now: number): Promise<number> {
    let count = 0;
    for (const id of [...this.records.keys()]) {
      const record = this.decode(id);
      if (record !== undefined && !this.isLive(record, now)) {
        await this.destroy(id);
        count += 1;
      }
    }
    return count;
  }

  locks?: SessionLocks = {
    acquire: async (name, owner, ttlMs, now) => {
      const lock = this.held.get(name);
      if (lock !== undefined && now < lock.until) return false;
      this.held.set(name, { owner, until: now + ttlMs });
      return true;
    },
    release: async (name, owner) => {
      if (this.held.get(name)?.owner !== owner) return false;
      this.held.delete(name);
      return true;
    },
  };

  inspection?: StoreInspection = {
    contents: async (): Promise<StoreContents> => ({
      records: [...this.records.keys()],
      userIndex: Object.fromEntries([...this.byUser].map(([user, ids]) => [user, [...ids]])),
      locks: this.held.size,
      keys: [
        ...[...this.records.keys()].map((id) => `record:${id}`),
        ...[...this.byUser.keys()].map((id) => `user:${id}`),
        ...[...this.held.keys()].map((id) => `lock:${id}`),
      ],
    }),
    // SEC-3: JSON without a numeric expiresAt; the binding stays, so destroy still finds the index entry.
    corrupt: async (sessionId) => {
      const userId = this.decode(sessionId)?.userId ?? null;
      this.records.set(sessionId, JSON.stringify({ expiresAt: 'not a time', userId }));
      this.index(userId, sessionId);
    },
  };

  async close(): Promise<void> {}
}
