/**
 * The mutant catalogue (CK-11): deliberately broken stores, each breaking exactly one rule of the
 * store contract, and the rule id the kit must reject it under. Test-only.
 *
 * @packageDocumentation
 */

import type { StoreFactory } from '../../conformance/types.js';
import type {
  CreateResult,
  PageRequest,
  ReadResult,
  SessionRecord,
  StoreSupports,
  UserPage,
  UserStep,
  WriteResult,
} from '../../src/index.js';
import { BaseStore } from './base-store.js';

/** One broken store and the rule it breaks. @internal */
export interface Mutant {
  name: string;
  /** The rule id the kit must report as failed. */
  breaks: string;
  factory: StoreFactory;
}

/** A factory that makes a fresh store of `Store` per namespace. */
function factoryOf(Store: new () => BaseStore): StoreFactory {
  return () => {
    const store = new Store();
    return { store, close: () => store.close() };
  };
}

/** Drop `key` from every object in a JSON value. */
function withoutKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutKey(v, key));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== key)
      .map(([k, v]) => [k, withoutKey(v, key)]),
  );
}

/** Drop every null in a JSON value, from objects (the key goes) and arrays. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** Drop every empty array in a JSON value, from objects (the key goes) and arrays. */
function withoutEmptyArrays(value: unknown): unknown {
  const empty = (v: unknown) => Array.isArray(v) && v.length === 0;
  if (Array.isArray(value)) return value.filter((v) => !empty(v)).map(withoutEmptyArrays);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !empty(v))
      .map(([k, v]) => [k, withoutEmptyArrays(v)]),
  );
}

/** The same store for every namespace. */
const shared = new BaseStore();

/** Every mutant, with the rule it breaks. @internal */
export const MUTANTS: readonly Mutant[] = [
  {
    name: 'create overwrites an existing record',
    breaks: 'ID-4',
    factory: factoryOf(
      class extends BaseStore {
        override async create(record: SessionRecord): Promise<CreateResult> {
          const previous = this.decode(record.sessionId);
          if (previous !== undefined) this.unindex(previous.userId, record.sessionId);
          this.records.set(record.sessionId, this.encode(record));
          this.index(record.userId, record.sessionId);
          return 'ok';
        }
      },
    ),
  },
  {
    name: 'expiry off by one: a record is still live at now === expiresAt',
    breaks: 'ST-3',
    factory: factoryOf(
      class extends BaseStore {
        override isLive(record: { expiresAt: number }, now: number): boolean {
          return now <= record.expiresAt;
        }
      },
    ),
  },
  {
    name: 'read ignores the given now and uses its own clock',
    breaks: 'ST-3',
    factory: factoryOf(
      class extends BaseStore {
        override async read(sessionId: string): Promise<ReadResult> {
          return super.read(sessionId, Date.now());
        }
      },
    ),
  },
  {
    name: 'version-blind write (no compare-and-set)',
    breaks: 'CC-1',
    factory: factoryOf(
      class extends BaseStore {
        override matches(): boolean {
          return true;
        }
      },
    ),
  },
  {
    // Store contract 1: the version a fail-over can reuse stands in for the write id.
    name: 'write conditioned on the version alone (contract 1)',
    breaks: 'CC-1.failover',
    factory: factoryOf(
      class extends BaseStore {
        override matches(stored: SessionRecord, _expected: string, record: SessionRecord): boolean {
          return stored.version === record.version - 1;
        }
      },
    ),
  },
  {
    name: 'write on an absent session re-creates it',
    breaks: 'CC-4',
    factory: factoryOf(
      class extends BaseStore {
        override async write(record: SessionRecord, expected: string, now: number): Promise<WriteResult> {
          if (!this.records.has(record.sessionId)) {
            await this.create(record, now);
            return 'ok';
          }
          return super.write(record, expected, now);
        }
      },
    ),
  },
  {
    name: 'destroy leaves the user-index entry',
    breaks: 'ST-5',
    factory: factoryOf(
      class extends BaseStore {
        override async destroy(sessionId: string): Promise<boolean> {
          return this.records.delete(sessionId);
        }
      },
    ),
  },
  {
    name: 'a user switch by write leaves the old user-index entry',
    breaks: 'ST-5',
    factory: factoryOf(
      class extends BaseStore {
        override unindex(userId: string | null, sessionId: string): void {
          if (this.records.has(sessionId)) return; // forgets to move the entry of a live record
          super.unindex(userId, sessionId);
        }
      },
    ),
  },
  {
    name: 'purge removes a record that expires at the next instant',
    breaks: 'ST-2.purge',
    factory: factoryOf(
      class extends BaseStore {
        override async purgeExpired(now: number): Promise<number> {
          return super.purgeExpired(now + 1);
        }
      },
    ),
  },
  {
    name: 'purge misses one expired record',
    breaks: 'ST-2.purge',
    factory: factoryOf(
      class extends BaseStore {
        override async purgeExpired(now: number): Promise<number> {
          const expired = [...this.records.keys()].filter((id) => !this.isLive(this.decode(id)!, now));
          for (const id of expired.slice(1)) await this.destroy(id);
          return expired.length;
        }
      },
    ),
  },
  {
    name: 'listByUser returns expired sessions too',
    breaks: 'ST-2.list',
    factory: factoryOf(
      class extends BaseStore {
        override async listByUser(userId: string, _now: number, page?: PageRequest): Promise<UserPage> {
          return super.listByUser(userId, Number.MIN_SAFE_INTEGER, page);
        }
      },
    ),
  },
  {
    name: 'destroyByUser misses one session',
    breaks: 'ST-2.destroy-by-user',
    factory: factoryOf(
      class extends BaseStore {
        override async destroyByUser(
          userId: string,
          except: readonly string[],
          page?: PageRequest,
        ): Promise<UserStep> {
          const { ids, cursor } = this.pageOf(userId, page);
          const deleted = ids.filter((id) => !except.includes(id));
          for (const id of deleted.slice(1)) await this.destroy(id);
          return { deleted, cursor };
        }
      },
    ),
  },
  {
    name: 'a page cursor skips the entry after the page',
    breaks: 'ST-2.pages',
    factory: factoryOf(
      class extends BaseStore {
        override pageOf(userId: string, page: PageRequest | undefined) {
          const found = super.pageOf(userId, page);
          if (found.cursor === null) return found;
          const all = [...(this.byUser.get(userId) ?? [])].sort();
          const skipped = all[all.indexOf(found.cursor) + 1];
          return { ids: found.ids, cursor: skipped ?? found.cursor };
        }
      },
    ),
  },
  {
    name: 'destroyByUser in steps stops after the first step',
    breaks: 'ST-2.pages',
    factory: factoryOf(
      class extends BaseStore {
        override async destroyByUser(
          userId: string,
          except: readonly string[],
          page?: PageRequest,
        ): Promise<UserStep> {
          const step = await super.destroyByUser(userId, except, page);
          return { deleted: step.deleted, cursor: null };
        }
      },
    ),
  },
  {
    name: 'payload loses __proto__ keys',
    breaks: 'ST-6',
    factory: factoryOf(
      class extends BaseStore {
        override encode(record: SessionRecord): string {
          return JSON.stringify(withoutKey(record, '__proto__'));
        }
      },
    ),
  },
  {
    name: 'payload loses empty arrays',
    breaks: 'ST-6',
    factory: factoryOf(
      class extends BaseStore {
        override encode(record: SessionRecord): string {
          const { writeIds, ...rest } = record;
          return JSON.stringify({ ...(withoutEmptyArrays(rest) as object), writeIds });
        }
      },
    ),
  },
  {
    name: 'previous-format records read as corrupt',
    breaks: 'ST-7',
    factory: factoryOf(
      class extends BaseStore {
        override async read(sessionId: string, now: number): Promise<ReadResult> {
          const result = await super.read(sessionId, now);
          return typeof result === 'object' && result !== null && result.format !== 2 ? 'corrupt' : result;
        }
      },
    ),
  },
  {
    name: 'lock released by a non-owner',
    breaks: 'CC-5',
    factory: factoryOf(
      class extends BaseStore {
        constructor() {
          super();
          const locks = this.locks!;
          this.locks = { acquire: locks.acquire, release: async (name) => this.held.delete(name) };
        }
      },
    ),
  },
  {
    name: 'manifest claims inspection without the interface',
    breaks: 'ST-4',
    factory: factoryOf(
      class extends BaseStore {
        constructor() {
          super();
          delete this.inspection;
        }
      },
    ),
  },
  {
    name: 'a store-contract-1 manifest (no supports.contract)',
    breaks: 'ST-4',
    factory: factoryOf(
      class extends BaseStore {
        constructor() {
          super();
          withoutContract(this);
        }
      },
    ),
  },
  {
    name: 'undecodable bytes read as absent instead of corrupt',
    breaks: 'SEC-3',
    factory: factoryOf(
      class extends BaseStore {
        override async read(sessionId: string, now: number): Promise<ReadResult> {
          const result = await super.read(sessionId, now);
          return result === 'corrupt' ? null : result;
        }
      },
    ),
  },
  {
    name: 'read of an absent session throws instead of answering null',
    breaks: 'ST-1',
    factory: factoryOf(
      class extends BaseStore {
        override async read(sessionId: string, now: number): Promise<ReadResult> {
          if (!this.records.has(sessionId)) throw new Error('not found');
          return super.read(sessionId, now);
        }
      },
    ),
  },
  {
    name: 'namespaces share one store',
    breaks: 'CK-8.isolation',
    factory: () => ({ store: shared, close: () => {} }),
  },
  {
    name: "write checks the version before expiry ('conflict' for an expired record)",
    breaks: 'ST-2.write',
    factory: factoryOf(
      class extends BaseStore {
        override async write(record: SessionRecord, expected: string, now: number): Promise<WriteResult> {
          const stored = this.decode(record.sessionId);
          if (stored !== undefined && !this.matches(stored, expected, record)) return 'conflict';
          return super.write(record, expected, now);
        }
      },
    ),
  },
  {
    name: "create lets the unique-key violation escape instead of answering 'exists'",
    breaks: 'ID-4',
    factory: factoryOf(
      class extends BaseStore {
        override async create(record: SessionRecord, now: number): Promise<CreateResult> {
          if (this.records.has(record.sessionId))
            throw new Error('duplicate key value violates unique constraint "sessions_pkey"');
          return super.create(record, now);
        }
      },
    ),
  },
  {
    name: "read filters expired rows in its query ('expired' reads as null)",
    breaks: 'ST-2.read',
    factory: factoryOf(
      class extends BaseStore {
        override async read(sessionId: string, now: number): Promise<ReadResult> {
          const result = await super.read(sessionId, now);
          return result === 'expired' ? null : result;
        }
      },
    ),
  },
  {
    name: 'expiresAt kept in whole seconds (a timestamp(0) column)',
    breaks: 'ST-3',
    factory: factoryOf(
      class extends BaseStore {
        override isLive(record: { expiresAt: number }, now: number): boolean {
          return now < Math.floor(record.expiresAt / 1000) * 1000;
        }
      },
    ),
  },
  {
    name: 'null values dropped (a document store that omits nulls)',
    breaks: 'ST-6',
    factory: factoryOf(
      class extends BaseStore {
        override encode(record: SessionRecord): string {
          const { browser, user, ...rest } = record;
          return JSON.stringify({ ...rest, browser: withoutNulls(browser), user: withoutNulls(user) });
        }
      },
    ),
  },
  {
    name: 'destroy answers true whether or not a record was deleted',
    breaks: 'ST-2.destroy',
    factory: factoryOf(
      class extends BaseStore {
        override async destroy(sessionId: string): Promise<boolean> {
          await super.destroy(sessionId);
          return true;
        }
      },
    ),
  },
  {
    name: 'a jsonb column: NUL and lone surrogates in a value are refused',
    breaks: 'ST-6',
    factory: factoryOf(
      class extends BaseStore {
        override encode(record: SessionRecord): string {
          const text = JSON.stringify(record);
          // What PostgreSQL answers for such text in a jsonb column.
          if (/\\u0000/.test(text)) throw new Error('unsupported Unicode escape sequence: \\u0000');
          // JSON.stringify escapes exactly the lone surrogates (a pair stays as its characters).
          if (/\\ud[89a-f][0-9a-f]{2}/i.test(text))
            throw new Error(
              'invalid input syntax for type json: Unicode low surrogate must follow a high surrogate',
            );
          return text;
        }
      },
    ),
  },
  {
    name: 'close() leaves a reconnect timer running',
    breaks: 'CK-8.close',
    factory: factoryOf(
      class extends BaseStore {
        override async close(): Promise<void> {
          // Like a client that schedules a reconnect while quitting: the process stays alive 3 s more.
          setTimeout(() => {}, 3000);
        }
      },
    ),
  },
];

/** A correct store without locks or inspection: its manifest says so (ST-4). @internal */
export const partialFactory: StoreFactory = () => {
  const store = new BaseStore();
  delete store.locks;
  delete store.inspection;
  store.supports = {
    contract: 2,
    locks: false,
    inspection: false,
    userIndex: 'exact',
  } satisfies StoreSupports;
  return { store, close: () => store.close() };
};

/** The correct store the mutants are made from. @internal */
export const correctFactory: StoreFactory = factoryOf(BaseStore);

/**
 * A store written for store contract 1: no `supports.contract`, and writes compared with the version
 * the manager used to pass (CC-1 of contract 1). @internal
 */
export const contractOneFactory: StoreFactory = () => {
  const store = new (class extends BaseStore {
    override matches(stored: SessionRecord, expected: string): boolean {
      return (stored.version as unknown) === expected;
    }
  })();
  withoutContract(store);
  return { store, close: () => store.close() };
};

/** Drop `supports.contract`, as a store written for contract 1 has none. */
function withoutContract(store: BaseStore): void {
  const { contract: _contract, ...rest } = store.supports;
  store.supports = rest as StoreSupports;
}
