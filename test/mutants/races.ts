/**
 * Race mutants (CK-5, CK-6, CC-8): stores that pass every sequential rule but are not atomic. Each
 * does one step, waits for a round trip (a turn of the event loop, as a networked store waits for its
 * server), then does the next, and the concurrency rules must reject it under the rule named.
 * Test-only: excluded from the published package.
 *
 * @packageDocumentation
 */

import type { StoreFactory } from '../../conformance/types.js';
import type { CreateResult, PageRequest, SessionRecord, UserStep, WriteResult } from '../../src/index.js';
import { BaseStore } from './base-store.js';
import type { Mutant } from './catalog.js';

/** A network round trip: other calls run meanwhile. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A factory that makes a fresh store of `Store` per namespace. */
function factoryOf(Store: new () => BaseStore): StoreFactory {
  return () => {
    const store = new Store();
    return { store, close: () => store.close() };
  };
}

/** ID-4 done as "exists?" then "set": two concurrent creates of one id both answer 'ok'. */
class GetThenSetCreate extends BaseStore {
  override async create(record: SessionRecord, now: number): Promise<CreateResult> {
    if (this.records.has(record.sessionId)) return 'exists';
    await roundTrip();
    this.records.delete(record.sessionId);
    return super.create(record, now);
  }
}

/** CC-1 done as a read, a round trip, then an unconditional set: lost updates, two winners. */
class ReadThenWrite extends BaseStore {
  override async write(record: SessionRecord, expected: string, now: number): Promise<WriteResult> {
    const stored = this.decode(record.sessionId);
    if (stored === undefined) return 'gone';
    if (!this.isLive(stored, now)) return 'expired';
    if (!this.matches(stored, expected, record)) return 'conflict';
    await roundTrip();
    const current = this.decode(record.sessionId);
    if (current !== undefined) this.unindex(current.userId, current.sessionId);
    this.records.set(record.sessionId, this.encode(record));
    this.index(record.userId, record.sessionId);
    return 'ok';
  }
}

/**
 * Writes are serialised with each other (so compare-and-set holds among writers), but a destroy is
 * not fenced: a write that checked the record before a destroy re-creates it after (CC-4, LC-6).
 */
class UnfencedWrite extends BaseStore {
  private chain: Promise<unknown> = Promise.resolve();

  override write(record: SessionRecord, expected: string, now: number): Promise<WriteResult> {
    const next = this.chain.then(async (): Promise<WriteResult> => {
      const stored = this.decode(record.sessionId);
      if (stored === undefined) return 'gone';
      if (!this.isLive(stored, now)) return 'expired';
      if (!this.matches(stored, expected, record)) return 'conflict';
      await roundTrip();
      this.unindex(stored.userId, stored.sessionId);
      this.records.set(record.sessionId, this.encode(record));
      this.index(record.userId, record.sessionId);
      return 'ok';
    });
    this.chain = next.catch(() => {});
    return next;
  }
}

/**
 * `destroyByUser` in two steps: delete the indexed sessions, then, after a round trip, drop the whole
 * index entry, including entries a concurrent login added meanwhile; a later revoke-all misses those
 * sessions (CK-6, ST-5).
 */
class TwoStepDestroyByUser extends BaseStore {
  override async destroyByUser(
    userId: string,
    except: readonly string[],
    page?: PageRequest,
  ): Promise<UserStep> {
    const { ids: all, cursor } = this.pageOf(userId, page);
    const ids = all.filter((id) => !except.includes(id));
    for (const id of ids) await this.destroy(id);
    // Paged: the earlier steps are correct; the last one drops the index.
    if (cursor !== null) return { deleted: ids, cursor };
    await roundTrip();
    const kept = [...(this.byUser.get(userId) ?? [])].filter((id) => except.includes(id));
    if (kept.length === 0) this.byUser.delete(userId);
    else this.byUser.set(userId, new Set(kept));
    return { deleted: ids, cursor };
  }
}

/** Every race mutant, with the concurrency rule that must reject it. @internal */
export const RACE_MUTANTS: readonly Mutant[] = [
  {
    name: 'create is get-then-set across a round trip',
    breaks: 'CC-8',
    factory: factoryOf(GetThenSetCreate),
  },
  {
    name: 'compare-and-set is a read, a round trip, then a write (lost update)',
    breaks: 'CK-6.increment',
    factory: factoryOf(ReadThenWrite),
  },
  {
    name: 'rotation is a read, a round trip, then a write (two winners)',
    breaks: 'CK-6.rotation',
    factory: factoryOf(ReadThenWrite),
  },
  {
    name: 'a write in flight is not fenced against destroy',
    breaks: 'CK-6.resurrection',
    factory: factoryOf(UnfencedWrite),
  },
  {
    name: 'destroyByUser drops the user index in a second step',
    breaks: 'CK-6.revoke-all',
    factory: factoryOf(TwoStepDestroyByUser),
  },
];
