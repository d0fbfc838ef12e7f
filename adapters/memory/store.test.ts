import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JsonValue, SessionRecord } from '../../src/index.js';
import { makeRecord, T } from '../../test/records.js';
import {
  createMemoryStore,
  type MemoryStore,
  type MemoryStoreOptions,
  memoryStoreInternals,
} from './store.js';

/** Fresh by default, printed, replayable with FC_SEED=<seed>. */
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`memory store property tests: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

const open: MemoryStore[] = [];
function newStore(options: MemoryStoreOptions = {}): MemoryStore {
  const store = createMemoryStore({ sweepEvery: false, ...options });
  open.push(store);
  return store;
}
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  vi.useRealTimers();
});

async function expectEmpty(store: MemoryStore): Promise<void> {
  expect(await store.inspection.contents()).toEqual({ records: [], userIndex: {}, locks: 0, keys: [] });
}

describe('createMemoryStore', () => {
  it('ST-4: declares locks, inspection and an exact user index, and provides them', () => {
    const store = newStore();
    expect(store.supports).toEqual({ contract: 2, locks: true, inspection: true, userIndex: 'exact' });
    expect(typeof store.locks.acquire).toBe('function');
    expect(typeof store.inspection.contents).toBe('function');
  });

  it('rejects misused options with a TypeError', () => {
    expect(() => createMemoryStore({ sweepEvery: 0 })).toThrow(TypeError);
    expect(() => createMemoryStore({ sweepEvery: 1.5 })).toThrow(TypeError);
    expect(() => createMemoryStore({ sweepEvery: 2 ** 31 })).toThrow(TypeError);
    expect(() => createMemoryStore({ clock: 5 as unknown as () => number })).toThrow(TypeError);
    expect(() => createMemoryStore({ namespace: 5 as unknown as string })).toThrow(TypeError);
    // memorystore's options are refused, not ignored.
    expect(() => createMemoryStore({ checkPeriod: 60_000 } as never)).toThrow(/unknown option `checkPeriod`/);
  });
});

describe('create', () => {
  it('ID-4: inserts if absent and never overwrites', async () => {
    const store = newStore();
    const record = makeRecord({ browser: { cart: 1 } });
    expect(await store.create(record, T)).toBe('ok');
    const impostor = { ...record, browser: { cart: 2 } };
    expect(await store.create(impostor, T)).toBe('exists');
    expect(await store.read(record.sessionId, T)).toEqual(record);
  });

  it('ID-4: an expired record still blocks its id', async () => {
    const store = newStore();
    const record = makeRecord({ expiresAt: T });
    await store.create(record, T - 1);
    expect(await store.read(record.sessionId, T)).toBe('expired');
    expect(await store.create(makeRecord({ sessionId: record.sessionId, expiresAt: T + 9000 }), T)).toBe(
      'exists',
    );
    expect(await store.read(record.sessionId, T)).toBe('expired');
  });
});

describe('read', () => {
  it('ST-2, ST-3: live before expiresAt, expired from expiresAt on, null when absent', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    expect(await store.read(record.sessionId, record.expiresAt - 1)).toEqual(record);
    expect(await store.read(record.sessionId, record.expiresAt)).toBe('expired');
    expect(await store.read(record.sessionId, record.expiresAt + 1)).toBe('expired');
    expect(await store.read('never-created', T)).toBeNull();
  });

  it("ST-3: decides against the given now, never the store's clock", async () => {
    const store = newStore({ clock: () => Number.MAX_SAFE_INTEGER });
    const record = makeRecord();
    await store.create(record, T);
    expect(await store.read(record.sessionId, T)).toEqual(record);
  });

  it.each([
    ['not JSON', '{"expiresAt": 1'],
    ['an array', '[1, 2]'],
    ['null', 'null'],
    ['a string', '"record"'],
    ['an object without expiresAt', '{"sessionId":"x"}'],
    ['an object with a string expiresAt', '{"expiresAt":"2000000"}'],
  ])('SEC-3: stored bytes that are %s read as corrupt', async (_label, bytes) => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    memoryStoreInternals(store).putRaw(record.sessionId, bytes);
    expect(await store.read(record.sessionId, T)).toBe('corrupt');
    // SEC-3: it reads as absent everywhere else too, and crashes nothing.
    expect(await store.write({ ...record, version: 2 }, 'v1', T)).toBe('gone');
    expect(await store.read(record.sessionId, T)).toBe('corrupt');
    expect((await store.listByUser('u1', T)).records).toEqual([]);
  });

  it('SEC-3: a corrupt record is still removed with its index entry, by destroy or by purge', async () => {
    const store = newStore();
    const a = makeRecord({ userId: 'u1' });
    const b = makeRecord({ userId: 'u1' });
    await store.create(a, T);
    await store.create(b, T);
    memoryStoreInternals(store).putRaw(a.sessionId, 'garbage');
    memoryStoreInternals(store).putRaw(b.sessionId, 'garbage');
    expect(await store.destroy(a.sessionId)).toBe(true);
    expect(await store.purgeExpired(T)).toBe(1);
    await expectEmpty(store);
  });

  it('SEC-3: decodable bytes with a numeric expiresAt are not corrupt', async () => {
    const store = newStore();
    memoryStoreInternals(store).putRaw('hand-made', '{"expiresAt": 2000000, "note": "é"}');
    expect(await store.read('hand-made', T)).toEqual({ expiresAt: 2_000_000, note: 'é' });
  });
});

describe('write', () => {
  it('CC-1: replaces on the expected version, then a stale version conflicts', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    const v2 = { ...record, version: 2, browser: { step: 2 } };
    expect(await store.write(v2, 'v1', T)).toBe('ok');
    expect(await store.read(record.sessionId, T)).toEqual(v2);
    const stale = { ...record, version: 2, browser: { step: 'lost' } };
    expect(await store.write(stale, 'v1', T)).toBe('conflict');
    expect(await store.read(record.sessionId, T)).toEqual(v2);
  });

  it('CC-1: a write naming another write id conflicts even when its version is the next one (fail-over)', async () => {
    const store = newStore();
    const record = makeRecord({ writeIds: ['w1'] });
    await store.create(record, T);
    const other = { ...record, version: 2, writeIds: ['w1', 'w2'], browser: { kept: true } };
    expect(await store.write(other, 'w1', T)).toBe('ok');
    const onLost = { ...record, version: 3, writeIds: ['w1', 'w2-lost', 'w3'], browser: { lost: true } };
    expect(await store.write(onLost, 'w2-lost', T)).toBe('conflict');
    expect(await store.read(record.sessionId, T)).toEqual(other);
  });

  it('CC-1: only the exact write id matches, whatever else the record spells like it', async () => {
    const store = newStore();
    // The id also appears as a bucket key and inside a longer value; a prefix, an extension and a
    // neighbouring id must not match it.
    const id = 'Wk3x_9-abcdefghi';
    const record = makeRecord({
      writeIds: ['Wk3x_9-a', id],
      browser: { [id]: `${id}","x`, other: `${id}-more` },
    });
    await store.create(record, T);
    const next = (n: number) => ({ ...record, version: n, writeIds: [id, `w${n}`] });
    for (const wrong of ['Wk3x_9-a', id.slice(0, -1), `${id}-more`, `${id}","x`, `${id}"`, '', 'v1']) {
      expect(await store.write(next(2), wrong, T), wrong).toBe('conflict');
    }
    expect(await store.write(next(2), id, T)).toBe('ok');
    // Ids JSON escapes, and the format-1 `v<version>` condition, are compared as they are.
    const quoted = 'a"b\\c';
    expect(await store.write({ ...next(3), writeIds: [quoted] }, 'w2', T)).toBe('ok');
    expect(await store.write(next(4), 'a"b', T)).toBe('conflict');
    expect(await store.write(next(4), quoted, T)).toBe('ok');
  });

  it('SEC-3: inspection.corrupt plants undecodable bytes, keeping the index entry for destroy to remove', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    await store.inspection.corrupt(record.sessionId);
    expect(await store.read(record.sessionId, T)).toBe('corrupt');
    expect((await store.inspection.contents()).userIndex).toEqual({ u1: [record.sessionId] });
    expect(await store.destroy(record.sessionId)).toBe(true);
    await expectEmpty(store);
  });

  it('ST-2, ST-3: writes while live, reports expired from expiresAt on and leaves the record alone', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    const v2 = { ...record, version: 2 };
    expect(await store.write(v2, 'v1', record.expiresAt - 1)).toBe('ok');
    const v3 = { ...v2, version: 3, expiresAt: T + 9000 };
    expect(await store.write(v3, 'v2', record.expiresAt)).toBe('expired');
    expect(await store.read(record.sessionId, record.expiresAt - 1)).toEqual(v2);
    expect(await store.read(record.sessionId, record.expiresAt)).toBe('expired');
  });

  it('CC-4: a write to an absent record is gone and creates nothing', async () => {
    const store = newStore();
    expect(await store.write(makeRecord({ userId: 'u1' }), 'v1', T)).toBe('gone');
    await expectEmpty(store);
  });

  it('CC-4: a write after destroy is gone and does not resurrect the session', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    await store.destroy(record.sessionId);
    expect(await store.write({ ...record, version: 2 }, 'v1', T)).toBe('gone');
    expect(await store.read(record.sessionId, T)).toBeNull();
    expect((await store.listByUser('u1', T)).records).toEqual([]);
    await expectEmpty(store);
  });

  it('ST-5: the user index follows bind, switch and unbind', async () => {
    const store = newStore();
    const anon = makeRecord();
    await store.create(anon, T);
    expect((await store.inspection.contents()).userIndex).toEqual({});

    const bound = { ...anon, version: 2, userId: 'alice', state: 'authenticated' as const };
    expect(await store.write(bound, 'v1', T)).toBe('ok');
    expect((await store.listByUser('alice', T)).records).toEqual([bound]);
    expect((await store.inspection.contents()).userIndex).toEqual({ alice: [anon.sessionId] });

    const switched = { ...bound, version: 3, userId: 'bob' };
    expect(await store.write(switched, 'v2', T)).toBe('ok');
    expect((await store.listByUser('alice', T)).records).toEqual([]);
    expect((await store.listByUser('bob', T)).records).toEqual([switched]);
    expect((await store.inspection.contents()).userIndex).toEqual({ bob: [anon.sessionId] });

    const unbound = { ...switched, version: 4, userId: null, state: 'anonymous' as const };
    expect(await store.write(unbound, 'v3', T)).toBe('ok');
    expect((await store.listByUser('bob', T)).records).toEqual([]);
    expect((await store.inspection.contents()).userIndex).toEqual({});
  });
});

describe('destroy', () => {
  it('LC-6, ST-5: deletes the record and its index entry, and is idempotent', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    expect(await store.destroy(record.sessionId)).toBe(true);
    expect(await store.destroy(record.sessionId)).toBe(false);
    expect(await store.destroy('never-created')).toBe(false);
    expect(await store.read(record.sessionId, T)).toBeNull();
    await expectEmpty(store);
  });

  it('ST-2: deletes an expired record too', async () => {
    const store = newStore();
    const record = makeRecord({ expiresAt: T });
    await store.create(record, T - 1);
    expect(await store.destroy(record.sessionId)).toBe(true);
    await expectEmpty(store);
  });
});

describe('listByUser and destroyByUser', () => {
  it('LC-9: lists only live sessions of the user, at the expiry boundary', async () => {
    const store = newStore();
    const early = makeRecord({ userId: 'u1', expiresAt: T });
    const late = makeRecord({ userId: 'u1', expiresAt: T + 1 });
    const other = makeRecord({ userId: 'u2' });
    for (const r of [early, late, other]) await store.create(r, T - 10);
    const ids = async (now: number) =>
      (await store.listByUser('u1', now)).records.map((r) => r.sessionId).sort();
    expect(await ids(T - 1)).toEqual([early.sessionId, late.sessionId].sort());
    expect(await ids(T)).toEqual([late.sessionId]);
    expect(await ids(T + 1)).toEqual([]);
    expect((await store.listByUser('nobody', T)).records).toEqual([]);
  });

  it('LC-9, LC-10, ST-5: deletes every session of the user, live or expired, except the listed ones', async () => {
    const store = newStore();
    const current = makeRecord({ userId: 'u1' });
    const live = makeRecord({ userId: 'u1' });
    const expired = makeRecord({ userId: 'u1', expiresAt: T - 1 });
    const other = makeRecord({ userId: 'u2' });
    for (const r of [current, live, expired, other]) await store.create(r, T - 10);

    const deleted = (await store.destroyByUser('u1', [current.sessionId, other.sessionId])).deleted;
    expect(deleted.sort()).toEqual([live.sessionId, expired.sessionId].sort());
    expect(await store.read(live.sessionId, T)).toBeNull();
    expect(await store.read(expired.sessionId, T)).toBeNull();
    expect(await store.read(current.sessionId, T)).toEqual(current);
    expect(await store.read(other.sessionId, T)).toEqual(other);
    const contents = await store.inspection.contents();
    expect(contents.records.sort()).toEqual([current.sessionId, other.sessionId].sort());
    expect(contents.userIndex).toEqual({ u1: [current.sessionId], u2: [other.sessionId] });

    expect((await store.destroyByUser('u1', [])).deleted).toEqual([current.sessionId]);
    expect((await store.destroyByUser('u1', [])).deleted).toEqual([]);
    expect((await store.destroyByUser('u2', [])).deleted).toEqual([other.sessionId]);
    await expectEmpty(store);
  });
});

describe('purgeExpired', () => {
  it('ST-2, ST-5: deletes exactly the records with now >= expiresAt, index entries included', async () => {
    const store = newStore();
    const atNow = makeRecord({ userId: 'u1', expiresAt: T });
    const after = makeRecord({ userId: 'u1', expiresAt: T + 1 });
    await store.create(atNow, T - 10);
    await store.create(after, T - 10);
    expect(await store.purgeExpired(T - 1)).toBe(0);
    expect(await store.purgeExpired(T)).toBe(1);
    expect(await store.read(atNow.sessionId, T)).toBeNull();
    expect(await store.read(after.sessionId, T)).toEqual(after);
    expect(await store.purgeExpired(T + 1)).toBe(1);
    await expectEmpty(store);
  });

  it('ST-2, ST-5: on random records, the count and the survivors match a filter on expiresAt', async () => {
    const spec = fc.uniqueArray(
      fc.record({
        sessionId: fc.string({ minLength: 1, maxLength: 6 }),
        expiresAt: fc.integer({ min: 0, max: 40 }),
        userId: fc.option(fc.constantFrom('u1', 'u2', 'u3'), { nil: null }),
      }),
      { selector: (r) => r.sessionId, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(spec, fc.integer({ min: 0, max: 40 }), async (fields, now) => {
        const store = createMemoryStore({ sweepEvery: false });
        const records = fields.map((f) => makeRecord(f));
        for (const r of records) expect(await store.create(r, 0)).toBe('ok');
        const survivors = records.filter((r) => now < r.expiresAt);

        expect(await store.purgeExpired(now)).toBe(records.length - survivors.length);

        const contents = await store.inspection.contents();
        expect(contents.records.sort()).toEqual(survivors.map((r) => r.sessionId).sort());
        const index: { [userId: string]: string[] } = {};
        for (const r of survivors) {
          if (r.userId !== null) index[r.userId] = [...(index[r.userId] ?? []), r.sessionId];
        }
        for (const ids of Object.values(index)) ids.sort();
        for (const ids of Object.values(contents.userIndex)) ids.sort();
        expect(contents.userIndex).toEqual(index);
        for (const r of survivors) expect(await store.read(r.sessionId, now)).toEqual(r);
        await store.close();
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('payloads', () => {
  const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');
  const key = fc.oneof(dangerousKey, fc.string());
  // Objects are built with Object.fromEntries, which defines `__proto__` as an own key, as JSON.parse does.
  const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
    json: fc.oneof(
      { maxDepth: 3 },
      fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue>,
      fc.array(tie('json'), { maxLength: 3 }),
      fc.array(fc.tuple(key, tie('json')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
    ),
  }));
  const bucket = fc
    .array(fc.tuple(key, json), { maxLength: 5 })
    .map((entries): { [key: string]: JsonValue } => Object.fromEntries(entries));
  const labels = fc.array(fc.tuple(key, fc.string()), { maxLength: 3 }).map((e) => Object.fromEntries(e));

  it('ST-6: payloads round-trip through create, read, write and listByUser as JSON does', async () => {
    await fc.assert(
      fc.asyncProperty(bucket, bucket, labels, bucket, async (browser, user, labelMap, browser2) => {
        const store = createMemoryStore({ sweepEvery: false });
        const record = makeRecord({ userId: 'u1', browser, user, labels: labelMap });
        await store.create(record, T);
        const read = await store.read(record.sessionId, T);
        // toEqual rather than toStrictEqual: the latter compares `.constructor`, which here is data.
        expect(read).toEqual(JSON.parse(JSON.stringify(record)));
        expect(JSON.stringify(read)).toBe(JSON.stringify(record));

        const next = { ...record, version: 2, browser: browser2 };
        expect(await store.write(next, 'v1', T)).toBe('ok');
        const [listed] = (await store.listByUser('u1', T)).records;
        expect(JSON.stringify(listed)).toBe(JSON.stringify(next));
        expect(JSON.stringify(await store.read(record.sessionId, T))).toBe(JSON.stringify(next));
        const stored = (await store.read(record.sessionId, T)) as SessionRecord;
        for (const b of [stored.browser, stored.user, stored.labels]) {
          expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
        }
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
        await store.close();
      }),
      { seed, numRuns: 150 },
    );
  });

  it('ST-6: __proto__ and constructor keys stay plain data and pollute nothing', async () => {
    const store = newStore();
    const browser = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "nested": {"__proto__": {"isAdmin": true}}}',
    );
    const record = makeRecord({ userId: '__proto__', browser });
    await store.create(record, T);
    const read = (await store.read(record.sessionId, T)) as SessionRecord;

    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(read.browser)).toBe(Object.prototype);
    expect(Object.hasOwn(read.browser, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(read.browser, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect((read.browser as { polluted?: unknown }).polluted).toBeUndefined();
    const nested = read.browser.nested as { [key: string]: JsonValue };
    expect(Object.hasOwn(nested, '__proto__')).toBe(true);
    expect((nested as { isAdmin?: unknown }).isAdmin).toBeUndefined();

    // A user named `__proto__` is an ordinary index entry.
    expect((await store.listByUser('__proto__', T)).records).toHaveLength(1);
    const contents = await store.inspection.contents();
    expect(Object.hasOwn(contents.userIndex, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(contents.userIndex, '__proto__')?.value).toEqual([
      record.sessionId,
    ]);
    expect((await store.destroyByUser('__proto__', [])).deleted).toEqual([record.sessionId]);
    await expectEmpty(store);
  });

  it('ST-6: mutating the record given to create or write, or one returned, never changes the stored one', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1', browser: { cart: [1, 2] } });
    await store.create(record, T);
    (record.browser.cart as number[]).push(3);
    record.userId = 'mallory';
    expect(await store.read(record.sessionId, T)).toMatchObject({ userId: 'u1', browser: { cart: [1, 2] } });

    const read = (await store.read(record.sessionId, T)) as SessionRecord;
    read.browser.cart = 'changed';
    read.version = 99;
    const [listed] = (await store.listByUser('u1', T)).records;
    listed!.browser.cart = 'changed too';
    expect(await store.read(record.sessionId, T)).toMatchObject({ version: 1, browser: { cart: [1, 2] } });

    const next = makeRecord({ sessionId: record.sessionId, version: 2, userId: 'u1', browser: { n: 1 } });
    await store.write(next, 'v1', T);
    next.browser.n = 2;
    expect(await store.read(record.sessionId, T)).toMatchObject({ version: 2, browser: { n: 1 } });
  });
});

describe('locks', () => {
  it('CC-5: a held lock refuses others until its TTL passes, exactly at now >= until', async () => {
    const store = newStore();
    expect(await store.locks.acquire('s1', 'owner-a', 100, T)).toBe(true);
    expect(await store.locks.acquire('s1', 'owner-b', 100, T + 99)).toBe(false);
    expect(await store.locks.acquire('s1', 'owner-b', 100, T + 100)).toBe(true);
    // The previous owner lost it and cannot release it.
    expect(await store.locks.release('s1', 'owner-a')).toBe(false);
    expect(await store.locks.acquire('s1', 'owner-a', 100, T + 150)).toBe(false);
  });

  it('CC-5: the owner re-acquires to refresh its TTL', async () => {
    const store = newStore();
    expect(await store.locks.acquire('s1', 'owner-a', 100, T)).toBe(true);
    expect(await store.locks.acquire('s1', 'owner-a', 100, T + 90)).toBe(true);
    expect(await store.locks.acquire('s1', 'owner-b', 100, T + 150)).toBe(false);
    expect(await store.locks.acquire('s1', 'owner-b', 100, T + 190)).toBe(true);
  });

  it('CC-5: only the owner releases, and a released lock is free at once', async () => {
    const store = newStore();
    await store.locks.acquire('s1', 'owner-a', 100, T);
    expect(await store.locks.release('s1', 'owner-b')).toBe(false);
    expect(await store.locks.acquire('s1', 'owner-b', 100, T + 1)).toBe(false);
    expect(await store.locks.release('s1', 'owner-a')).toBe(true);
    expect(await store.locks.release('s1', 'owner-a')).toBe(false);
    expect(await store.locks.acquire('s1', 'owner-b', 100, T + 1)).toBe(true);
  });

  it('CC-5: locks are independent by name', async () => {
    const store = newStore();
    expect(await store.locks.acquire('s1', 'owner-a', 100, T)).toBe(true);
    expect(await store.locks.acquire('s2', 'owner-b', 100, T)).toBe(true);
  });

  it('ST-5: inspection counts locks; release and purge of abandoned ones leave nothing', async () => {
    const store = newStore({ namespace: 'ns1' });
    await store.locks.acquire('s1', 'owner-a', 100, T);
    await store.locks.acquire('s2', 'owner-a', 200, T);
    const contents = await store.inspection.contents();
    expect(contents.locks).toBe(2);
    expect(contents.keys.sort()).toEqual(['ns1:lock:s1', 'ns1:lock:s2']);
    await store.locks.release('s1', 'owner-a');
    expect(await store.purgeExpired(T + 199)).toBe(0);
    expect((await store.inspection.contents()).locks).toBe(1);
    expect(await store.purgeExpired(T + 200)).toBe(0);
    await expectEmpty(store);
  });
});

describe('inspection', () => {
  it('ST-5: lists every raw key under the namespace', async () => {
    const store = newStore({ namespace: 'run-42' });
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    await store.locks.acquire(record.sessionId, 'owner', 100, T);
    expect(await store.inspection.contents()).toEqual({
      records: [record.sessionId],
      userIndex: { u1: [record.sessionId] },
      locks: 1,
      keys: [`run-42:record:${record.sessionId}`, 'run-42:user:u1', `run-42:lock:${record.sessionId}`],
    });
    expect((await newStore().inspection.contents()).keys).toEqual([]);
  });

  it('ST-5: nothing is left after destroy, destroyByUser and purge', async () => {
    const store = newStore();
    const a = makeRecord({ userId: 'u1' });
    const b = makeRecord({ userId: 'u2' });
    const c = makeRecord({ userId: 'u2' });
    const d = makeRecord({ userId: 'u3', expiresAt: T });
    const e = makeRecord({ expiresAt: T });
    for (const r of [a, b, c, d, e]) await store.create(r, T - 10);
    await store.destroy(a.sessionId);
    (await store.destroyByUser('u2', [])).deleted;
    expect(await store.purgeExpired(T)).toBe(2);
    await expectEmpty(store);
  });
});

describe('per-user pages (store contract 2)', () => {
  it('LC-9, CK-6: pages of a limit list every session once, and steps delete every session filed before the first', async () => {
    const store = newStore();
    const records = Array.from({ length: 7 }, () => makeRecord({ userId: 'u1' }));
    for (const r of records) await store.create(r, T);
    const first = await store.listByUser('u1', T, { limit: 3 });
    expect(first.records).toEqual(records.slice(0, 3));
    const second = await store.listByUser('u1', T, { limit: 3, cursor: first.cursor });
    expect(second.records).toEqual(records.slice(3, 6));
    // Ending a listed session does not move the cursor.
    await store.destroy(records[1]!.sessionId);
    const third = await store.listByUser('u1', T, { limit: 3, cursor: second.cursor });
    expect(third).toEqual({ records: records.slice(6), cursor: null });

    const step = await store.destroyByUser('u1', [records[0]!.sessionId], { limit: 2 });
    expect(step.deleted).toEqual([records[2]!.sessionId]);
    const during = makeRecord({ userId: 'u1' });
    await store.create(during, T);
    let cursor = step.cursor;
    const deleted = [...step.deleted];
    while (cursor !== null) {
      const next = await store.destroyByUser('u1', [records[0]!.sessionId], { limit: 2, cursor });
      deleted.push(...next.deleted);
      cursor = next.cursor;
    }
    expect(deleted).toEqual([...records.slice(2), during].map((r) => r.sessionId));
    expect((await store.inspection.contents()).userIndex).toEqual({ u1: [records[0]!.sessionId] });
    await expect(store.listByUser('u1', T, { limit: 0 })).rejects.toThrow(TypeError);
    await expect(store.listByUser('u1', T, { limit: 1, cursor: 'x' })).rejects.toThrow(TypeError);
  });
});

describe('background sweep', () => {
  it('ST-3: keeps a record a manager whose clock runs behind the sweep still reads as live (one-hour floor by default)', async () => {
    vi.useFakeTimers();
    // The sweep's clock is an hour minus a millisecond ahead of the manager's, which passes T.
    const store = newStore({ sweepEvery: 1000, clock: () => T + 3_600_000 - 1 });
    const live = makeRecord({ userId: 'u1', expiresAt: T + 1 });
    await store.create(live, T);
    vi.advanceTimersByTime(5000);
    expect(await store.read(live.sessionId, T)).toEqual(live);
    expect((await store.listByUser('u1', T)).records).toEqual([live]);
    // An explicit purge at the manager's time is exact (ST-2).
    expect(await store.purgeExpired(T + 1)).toBe(1);
  });

  it('ST-3: collects a record once it has been expired for the floor by the sweep clock', async () => {
    vi.useFakeTimers();
    let clock = T;
    const store = newStore({ sweepEvery: 1000, clock: () => clock, sweepFloorMs: 60_000 });
    const record = makeRecord({ expiresAt: T + 10 });
    await store.create(record, T);
    clock = T + 10 + 59_999;
    vi.advanceTimersByTime(1000);
    expect(await store.read(record.sessionId, T)).toEqual(record);
    clock = T + 10 + 60_000;
    vi.advanceTimersByTime(1000);
    expect(await store.read(record.sessionId, T)).toBeNull();
    expect(() => createMemoryStore({ sweepFloorMs: -1 })).toThrow(TypeError);
  });

  it('never keeps the process alive: its timer is unref-ed, and close() clears it', async () => {
    const store = newStore({ sweepEvery: 1000 });
    const { timer } = memoryStoreInternals(store);
    expect(timer).toBeDefined();
    expect(timer!.hasRef()).toBe(false);
    await store.close();
    expect(memoryStoreInternals(store).timer).toBeUndefined();
    await store.close();
  });

  it('is on by default, and off with sweepEvery: false', () => {
    expect(memoryStoreInternals(newStore({ sweepEvery: false })).timer).toBeUndefined();
    const store = createMemoryStore();
    open.push(store);
    expect(memoryStoreInternals(store).timer!.hasRef()).toBe(false);
  });

  it('ST-3: purges what is expired by the injected clock, every sweepEvery ms, until closed', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(0); // Date.now says everything is live: only the injected clock may decide.
    let clock = T;
    const store = newStore({ sweepEvery: 1000, clock: () => clock, sweepFloorMs: 0 });
    expect(memoryStoreInternals(store).timer!.hasRef()).toBe(false);
    const first = makeRecord({ userId: 'u1', expiresAt: T + 10 });
    const second = makeRecord({ userId: 'u1', expiresAt: T + 20 });
    await store.create(first, T);
    await store.create(second, T);

    clock = T + 10;
    vi.advanceTimersByTime(999);
    expect(await store.read(first.sessionId, T)).toEqual(first);
    vi.advanceTimersByTime(1);
    expect(await store.read(first.sessionId, T)).toBeNull();
    expect(await store.read(second.sessionId, T)).toEqual(second);

    await store.close();
    expect(vi.getTimerCount()).toBe(0);
    clock = T + 20;
    vi.advanceTimersByTime(5000);
    expect(await store.read(second.sessionId, T)).toEqual(second);
  });
});
