import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type JsonValue,
  type SessionRecord,
  type UserPage,
  type UserStep,
  writeIdOf,
} from '../../src/index.js';
import { makeRecord, T } from '../../test/records.js';
import { startRedisCluster } from '../../test/redis-cluster.js';
import { type RedisServer, startRedisServer } from '../../test/redis-server.js';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from './index.js';

/** Fresh by default, printed, replayable with FC_SEED=<seed>. */
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`redis store property tests: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

/** ST-3: the default garbage-collection TTL floor, one hour (clock skew between servers). */
const FLOOR = 3_600_000;

/** Fail fast: a bounded command timeout, no offline queue, one retry (SEC-2). */
const CLIENT_OPTIONS: RedisOptions = {
  commandTimeout: 2000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  lazyConnect: true,
};

/** A target: how to start a server and connect a client to it. */
interface Target {
  name: string;
  cluster: boolean;
  start(): Promise<{ client: Redis | Cluster; stop(): Promise<void>; pids?: ReadonlyMap<number, number> }>;
}

const targets: Target[] = [
  {
    name: 'single node',
    cluster: false,
    async start() {
      const server = await startRedisServer();
      const client = new Redis(server.port, '127.0.0.1', CLIENT_OPTIONS);
      await client.connect();
      const stop = async () => {
        client.disconnect();
        await server.stop();
      };
      return { client, stop };
    },
  },
  {
    name: '3-master cluster',
    cluster: true,
    async start() {
      const cluster = await startRedisCluster();
      const { enableOfflineQueue: _, ...redisOptions } = CLIENT_OPTIONS;
      const client = new Cluster(cluster.nodes, {
        redisOptions,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      await client.connect();
      const stop = async () => {
        client.disconnect();
        await cluster.stop();
      };
      return { client, stop, pids: cluster.pids };
    },
  },
];

describe.each(targets)('Redis store on a $name', (target) => {
  let client: Redis | Cluster;
  let stopServer: () => Promise<void>;
  let pids: ReadonlyMap<number, number> | undefined;
  const open: RedisStore[] = [];

  beforeAll(async () => {
    ({ client, stop: stopServer, pids } = await target.start());
  });
  afterAll(async () => {
    await stopServer?.();
  });
  afterEach(async () => {
    // Each test has its own prefix; whatever it left is removed (key by key: Cluster slots).
    for (const store of open.splice(0)) {
      for (const key of (await store.inspection.contents()).keys) await client.del(key);
      await store.close();
    }
  });

  const prefixes = new Map<RedisStore, string>();
  function newStore(options: Partial<RedisStoreOptions> = {}): RedisStore {
    const prefix = options.prefix ?? `t${randomBytes(6).toString('hex')}`;
    const store = createRedisStore({ client, ...options, prefix });
    prefixes.set(store, prefix);
    open.push(store);
    return store;
  }
  /** The prefix a store of {@link newStore} writes under. */
  function prefixOf(store: RedisStore): string {
    return prefixes.get(store)!;
  }
  async function expectEmpty(store: RedisStore): Promise<void> {
    expect(await store.inspection.contents()).toEqual({ records: [], userIndex: {}, locks: 0, keys: [] });
  }
  /** The masters: the client itself on a single node. */
  function masters(): Redis[] {
    return target.cluster ? (client as Cluster).nodes('master') : [client as Redis];
  }

  it('ST-4: declares locks, inspection, and an exact index on one node or a superset on Cluster', () => {
    expect(newStore().supports).toEqual({
      contract: 2,
      locks: true,
      inspection: true,
      userIndex: target.cluster ? 'superset' : 'exact',
    });
  });

  it('rejects misuse with a TypeError', () => {
    expect(() => createRedisStore({ client: {} as Redis })).toThrow(TypeError);
    expect(() => createRedisStore({ client, prefix: 'a{b}' })).toThrow(TypeError);
    expect(() => createRedisStore({ client, prefix: '' })).toThrow(TypeError);
    expect(() => createRedisStore({ client, ttlFloorMs: 0 })).toThrow(TypeError);
    expect(() => createRedisStore({ client, commandTimeoutMs: 1.5 })).toThrow(TypeError);
  });

  it("refuses an option it does not know, naming connect-redis' equivalent", () => {
    const habit = { client, ttl: 1800 } as unknown as Parameters<typeof createRedisStore>[0];
    expect(() => createRedisStore(habit)).toThrow(
      /createRedisStore: unknown option `ttl`: lifetimes are `idleTimeout` and `absoluteTimeout`/,
    );
    const typo = { client, prefx: 'app' } as unknown as Parameters<typeof createRedisStore>[0];
    expect(() => createRedisStore(typo)).toThrow(/unknown option `prefx` \(its options are client, prefix,/);
  });

  it('ID-4: create inserts if absent and never overwrites, even an expired record', async () => {
    const store = newStore();
    const record = makeRecord({ browser: { cart: 1 } });
    expect(await store.create(record, T)).toBe('ok');
    expect(await store.create({ ...record, browser: { cart: 2 } }, T)).toBe('exists');
    expect(await store.read(record.sessionId, T)).toEqual(record);
    expect(await store.create({ ...record, expiresAt: T + 9000 }, record.expiresAt + 5)).toBe('exists');
    expect(await store.read(record.sessionId, record.expiresAt)).toBe('expired');
  });

  it('ID-4, ST-5: a colliding create leaves no user-index entry behind', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    expect(await store.create({ ...record, userId: 'u2' }, T)).toBe('exists');
    expect((await store.inspection.contents()).userIndex).toEqual({ u1: [record.sessionId] });
  });

  it('ST-2, ST-3: live before expiresAt, expired from expiresAt on, null when absent', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    expect(await store.read(record.sessionId, record.expiresAt - 1)).toEqual(record);
    expect(await store.read(record.sessionId, record.expiresAt)).toBe('expired');
    expect(await store.read(record.sessionId, record.expiresAt + 1)).toBe('expired');
    expect(await store.read('never-created', T)).toBeNull();
  });

  it('CC-1: write is a compare-and-set on the version', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    const next = { ...record, version: 2, browser: { a: 1 } };
    expect(await store.write(next, 'v1', T)).toBe('ok');
    expect(await store.write({ ...record, version: 2, browser: { a: 2 } }, 'v1', T)).toBe('conflict');
    expect(await store.read(record.sessionId, T)).toEqual(next);
  });

  it('ST-2: a write at or after expiresAt is expired and changes nothing', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    const later = { ...record, version: 2, expiresAt: T + 9000 };
    expect(await store.write(later, 'v1', record.expiresAt)).toBe('expired');
    expect(await store.read(record.sessionId, record.expiresAt)).toBe('expired');
    expect(await store.write(later, 'v1', record.expiresAt - 1)).toBe('ok');
  });

  it('CC-4: a write to a destroyed session is gone and never re-creates it', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    expect(await store.destroy(record.sessionId)).toBe(true);
    expect(await store.write({ ...record, version: 2 }, 'v1', T)).toBe('gone');
    expect(await store.read(record.sessionId, T)).toBeNull();
    await expectEmpty(store);
  });

  it('LC-6, ST-5: destroy is idempotent and leaves nothing behind', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    expect(await store.destroy(record.sessionId)).toBe(true);
    expect(await store.destroy(record.sessionId)).toBe(false);
    await expectEmpty(store);
  });

  it('LC-2, LC-9, ST-5: the user index follows bind, switch and unbind', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    const index = async () => (await store.inspection.contents()).userIndex;
    expect(await index()).toEqual({});
    const bound = { ...record, version: 2, userId: 'u1' };
    expect(await store.write(bound, 'v1', T)).toBe('ok');
    expect((await store.listByUser('u1', T)).records).toEqual([bound]);
    expect(await index()).toEqual({ u1: [record.sessionId] });
    // A write that keeps the user keeps the entry.
    const touched = { ...bound, version: 3, lastSeenAt: T };
    expect(await store.write(touched, 'v2', T)).toBe('ok');
    expect(await index()).toEqual({ u1: [record.sessionId] });
    const switched = { ...touched, version: 4, userId: 'u2' };
    expect(await store.write(switched, 'v3', T)).toBe('ok');
    // ST-5: exact when the write returns, before any read could clean up.
    expect(await index()).toEqual({ u2: [record.sessionId] });
    expect((await store.listByUser('u1', T)).records).toEqual([]);
    expect((await store.listByUser('u2', T)).records).toEqual([switched]);
    expect(await store.write({ ...switched, version: 5, userId: null }, 'v4', T)).toBe('ok');
    expect(await index()).toEqual({});
    expect((await store.listByUser('u2', T)).records).toEqual([]);
  });

  it('ST-5: a failed binding write leaves no index entry', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    await store.write({ ...record, version: 2 }, 'v1', T);
    expect(await store.write({ ...record, version: 2, userId: 'u1' }, 'v1', T)).toBe('conflict');
    expect((await store.inspection.contents()).userIndex).toEqual({});
  });

  it('LC-9: listByUser leaves out expired sessions and other users', async () => {
    const store = newStore();
    const a = makeRecord({ userId: 'u1', expiresAt: T + 10 });
    const b = makeRecord({ userId: 'u1', expiresAt: T + 20 });
    const c = makeRecord({ userId: 'u2' });
    for (const r of [a, b, c]) await store.create(r, T);
    const ids = async (now: number) =>
      (await store.listByUser('u1', now)).records.map((r) => r.sessionId).sort();
    expect(await ids(T)).toEqual([a.sessionId, b.sessionId].sort());
    expect(await ids(T + 10)).toEqual([b.sessionId]);
    expect(await ids(T + 20)).toEqual([]);
    expect((await store.listByUser('nobody', T)).records).toEqual([]);
  });

  it('LC-9, LC-10, ST-5: destroyByUser deletes live and expired sessions except those named', async () => {
    const store = newStore();
    const a = makeRecord({ userId: 'u1' });
    const b = makeRecord({ userId: 'u1', expiresAt: T });
    const keep = makeRecord({ userId: 'u1' });
    const other = makeRecord({ userId: 'u2' });
    for (const r of [a, b, keep, other]) await store.create(r, T - 10);
    const deleted = (await store.destroyByUser('u1', [keep.sessionId])).deleted;
    expect(deleted.sort()).toEqual([a.sessionId, b.sessionId].sort());
    const contents = await store.inspection.contents();
    expect(contents.records.sort()).toEqual([keep.sessionId, other.sessionId].sort());
    expect(contents.userIndex).toEqual({ u1: [keep.sessionId], u2: [other.sessionId] });
    expect((await store.destroyByUser('u1', [])).deleted).toEqual([keep.sessionId]);
    expect((await store.destroyByUser('u1', [])).deleted).toEqual([]);
  });

  it('LC-9, CK-6: listByUser and destroyByUser in bounded pages cover every session bound before the first', async () => {
    const store = newStore();
    // More entries than Redis keeps in a listpack, so HSCAN really pages.
    const records = Array.from({ length: 600 }, () => makeRecord({ userId: 'many' }));
    for (const r of records) expect(await store.create(r, T)).toBe('ok');
    const listed = new Set<string>();
    let pages = 0;
    let cursor: string | null = null;
    do {
      const page: UserPage = await store.listByUser('many', T, { limit: 50, cursor });
      for (const r of page.records) listed.add(r.sessionId);
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBeGreaterThan(1);
    expect([...listed].sort()).toEqual(records.map((r) => r.sessionId).sort());
    const deleted = new Set<string>();
    const during = makeRecord({ userId: 'many' });
    do {
      const step: UserStep = await store.destroyByUser('many', [], { limit: 50, cursor });
      for (const id of step.deleted) deleted.add(id);
      // A login between two steps may or may not be ended; every earlier one is.
      if (cursor === null) expect(await store.create(during, T)).toBe('ok');
      cursor = step.cursor;
    } while (cursor !== null);
    for (const r of records) expect(deleted.has(r.sessionId)).toBe(true);
    await store.destroy(during.sessionId);
    await expectEmpty(store);
    await expect(store.listByUser('many', T, { limit: 0 })).rejects.toThrow(TypeError);
    await expect(store.destroyByUser('many', [], { limit: 5, cursor: 'nope' })).rejects.toThrow(TypeError);
  });

  it('ST-2, ST-5: purgeExpired removes exactly the records expired at now, with their entries', async () => {
    const store = newStore({ purgeBatch: 2 });
    const records = [10, 20, 20, 20, 30].map((d, i) =>
      makeRecord({ expiresAt: T + d, userId: i % 2 === 0 ? 'u1' : null }),
    );
    for (const r of records) await store.create(r, T);
    expect(await store.purgeExpired(T + 19)).toBe(1);
    expect(await store.purgeExpired(T + 20)).toBe(3);
    expect(await store.purgeExpired(T + 20)).toBe(0);
    const last = records[4]!;
    expect(await store.inspection.contents()).toMatchObject({
      records: [last.sessionId],
      userIndex: { u1: [last.sessionId] },
    });
    expect(await store.purgeExpired(T + 30)).toBe(1);
    await expectEmpty(store);
  });

  it('ST-2: an anonymous session is its record alone, and purgeExpired still finds it when it expires', async () => {
    const store = newStore({ purgeBatch: 3 });
    const records = Array.from({ length: 7 }, (_, i) => makeRecord({ expiresAt: T + 10 * (i + 1) }));
    for (const r of records) await store.create(r, T);
    const next = { ...records[0]!, version: 2, writeIds: ['w2'], expiresAt: T + 5 };
    expect(await store.write(next, 'v1', T)).toBe('ok');
    const keys = (await store.inspection.contents()).keys.sort();
    expect(keys).toEqual(records.map((r) => `${prefixOf(store)}:s:{${r.sessionId}}`).sort());
    expect(await store.purgeExpired(T + 5)).toBe(1);
    expect(await store.purgeExpired(T + 40)).toBe(3);
    expect((await store.inspection.contents()).records.sort()).toEqual(
      records
        .slice(4)
        .map((r) => r.sessionId)
        .sort(),
    );
  });

  it('ST-6: payloads round-trip exactly as JSON does, whatever Lua would make of them', async () => {
    const store = newStore();
    const tricky: JsonValue = {
      ['__proto__']: { polluted: true },
      constructor: 'x',
      emptyArray: [],
      emptyObject: {},
      nested: [[], {}, [{}]],
      big: 2 ** 70,
      precise: 2 ** 53 + 2,
      tiny: Number.MIN_VALUE,
      huge: Number.MAX_VALUE,
      negative: -(2 ** 60) - 0.5,
      slash: 'a/b</script>',
      unicode: 'é☃𝄞\u0000\u2028',
      falsy: [0, '', false, null],
    };
    const record = makeRecord({ browser: JSON.parse(JSON.stringify({ tricky })) });
    await store.create(record, T);
    const read = await store.read(record.sessionId, T);
    expect(read).toEqual(JSON.parse(JSON.stringify(record)));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(read)).toBe(JSON.stringify(record));

    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const r = makeRecord({ user: { value } as never });
        await store.create(r, T);
        const next = { ...r, version: 2, browser: { value } as never };
        expect(await store.write(next, 'v1', T)).toBe('ok');
        const back = await store.read(r.sessionId, T);
        expect(JSON.stringify(back)).toBe(JSON.stringify(next));
        await store.destroy(r.sessionId);
      }),
      { seed, numRuns: 50 },
    );
  });

  it('SEC-3: a record whose stored JSON does not decode reads as corrupt, and destroy still cleans up', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    const key = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
    const value = (await client.get(key))!;
    await client.set(key, `{"expiresAt": 1${value.slice(value.indexOf('\n'))}`, 'KEEPTTL');
    expect(await store.read(record.sessionId, T)).toBe('corrupt');
    expect((await store.listByUser('u1', T)).records).toEqual([]);
    expect(await store.destroy(record.sessionId)).toBe(true);
    await expectEmpty(store);
  });

  it('ST-7: records are stored without field names; one stored as a JSON object still reads and is rewritten compact', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1', writeIds: ['w1'] });
    await store.create(record, T);
    const key = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
    const value = (await client.get(key))!;
    expect(value.startsWith('[3,')).toBe(true);
    for (const name of ['sessionId', 'expiresAt', 'writeIds', 'absoluteDeadline']) {
      expect(value).not.toContain(`"${name}"`);
    }
    // As an earlier release stored it: the JSON object, then the same trailer.
    await client.set(key, `${JSON.stringify(record)}${value.slice(value.indexOf('\n'))}`, 'KEEPTTL');
    expect(await store.read(record.sessionId, T)).toEqual(record);
    const next = { ...record, version: 2, writeIds: ['w1', 'w2'] };
    expect(await store.write(next, 'w1', T)).toBe('ok');
    expect((await client.get(key))!.startsWith('[3,')).toBe(true);
    expect(await store.read(record.sessionId, T)).toEqual(next);
  });

  it('ST-6: user ids and write ids of any length and characters survive beside the JSON', async () => {
    const store = newStore();
    const userId = `ü ser\n{"x": 1} ${'long '.repeat(60)}`;
    const record = makeRecord({ userId, writeIds: ['w 1\n☃ 2'] });
    expect(await store.create(record, T)).toBe('ok');
    expect(await store.read(record.sessionId, T)).toEqual(record);
    const next = { ...record, version: 2, writeIds: [`${'id '.repeat(50)}é`], browser: { n: 1 } };
    expect(await store.write({ ...next }, 'w 1\n☃', T)).toBe('conflict');
    expect(await store.write(next, 'w 1\n☃ 2', T)).toBe('ok');
    expect(await store.write({ ...next, version: 3 }, 'w 1\n☃ 2', T)).toBe('conflict');
    expect((await store.listByUser(userId, T)).records).toEqual([next]);
    expect((await store.listByUser(userId, T, { limit: 5 })).records).toEqual([next]);
    const last = { ...next, version: 3, userId: 'other', writeIds: ['w3'] };
    expect(await store.write(last, writeIdOf(next), T)).toBe('ok');
    expect((await store.listByUser(userId, T)).records).toEqual([]);
    expect((await store.destroyByUser('other', [])).deleted).toEqual([record.sessionId]);
    await expectEmpty(store);
  });

  it('SEC-3: inspection.corrupt plants undecodable bytes and keeps the index entry, which destroy removes', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    await store.inspection.corrupt(record.sessionId);
    expect(await store.read(record.sessionId, T)).toBe('corrupt');
    expect((await store.inspection.contents()).userIndex).toEqual({ u1: [record.sessionId] });
    expect((await store.listByUser('u1', T)).records).toEqual([]);
    expect(await store.destroy(record.sessionId)).toBe(true);
    await expectEmpty(store);
  });

  it('CC-1: a write naming another write id conflicts even when its version is the next one (fail-over)', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1', writeIds: ['w1'] });
    await store.create(record, T);
    const lost = { ...record, version: 2, writeIds: ['w1', 'w2-lost'], browser: { lost: true } };
    const other = { ...record, version: 2, writeIds: ['w1', 'w2'], browser: { kept: true } };
    expect(await store.write(other, 'w1', T)).toBe('ok');
    // A request based on the lost version 2: its condition names the lost write, not version 2.
    expect(await store.write({ ...lost, version: 3, writeIds: ['w1', 'w2-lost', 'w3'] }, 'w2-lost', T)).toBe(
      'conflict',
    );
    expect(await store.write({ ...other, version: 3, writeIds: ['w1', 'w2', 'w3'] }, 'w1', T)).toBe(
      'conflict',
    );
    expect(await store.read(record.sessionId, T)).toEqual(other);
  });

  /**
   * Store `record` as the first version did: a hash `{ r, v, e, w, u, t }` (no `w` under store
   * contract 1), its index entry, and on a single node its expiry-set entry (`P:x`).
   */
  async function plantHash(
    store: RedisStore,
    record: SessionRecord,
    fields: { w?: string; t?: string } = {},
  ) {
    const key = `${prefixOf(store)}:s:{${record.sessionId}}`;
    const t = record.userId === null ? '' : (fields.t ?? 'tok1');
    const hash: Record<string, string> = { r: JSON.stringify(record), v: String(record.version) };
    hash.e = String(record.expiresAt);
    if (fields.w !== undefined) hash.w = fields.w;
    if (record.userId !== null) Object.assign(hash, { u: record.userId, t });
    await client.hset(key, hash);
    await client.pexpire(key, FLOOR);
    if (record.userId !== null) {
      const index = `${prefixOf(store)}:u:{${record.userId}}`;
      await client.hset(index, `${t}:${record.sessionId}`, String(T));
      await client.pexpire(index, FLOOR);
    }
    if (!target.cluster) await client.zadd(`${prefixOf(store)}:x`, record.expiresAt, record.sessionId);
    return key;
  }

  it('ST-7: a record stored by store contract 1 (a hash without a write id) takes one write on its version', async () => {
    const store = newStore();
    const record = makeRecord({ writeIds: ['w1'] });
    const key = await plantHash(store, record);
    const next = { ...record, version: 2, writeIds: ['w1', 'w2'] };
    expect(await store.write({ ...next, version: 3 }, 'w1', T)).toBe('conflict');
    expect(await store.write(next, 'w1', T)).toBe('ok');
    expect(await client.type(key)).toBe('string');
    expect(await store.read(record.sessionId, T)).toEqual(next);
    expect(await store.write({ ...next, version: 3, writeIds: ['w1', 'w2', 'w3'] }, 'w1', T)).toBe(
      'conflict',
    );
  });

  it('ST-7: sessions stored as hashes by the previous version stay live across the upgrade', async () => {
    const store = newStore();
    const anonymous = makeRecord({ writeIds: ['a1'] });
    const bound = makeRecord({ userId: 'u1', writeIds: ['b1'] });
    const ending = makeRecord({ userId: 'u1', writeIds: ['c1'], expiresAt: T + 10 });
    const revoked = makeRecord({ userId: 'u2', writeIds: ['d1'] });
    await plantHash(store, anonymous, { w: 'a1' });
    const boundKey = await plantHash(store, bound, { w: 'b1', t: 'tokB' });
    await plantHash(store, ending, { w: 'c1', t: 'tokC' });
    await plantHash(store, revoked, { w: 'd1', t: 'tokD' });
    expect(await store.read(anonymous.sessionId, T)).toEqual(anonymous);
    expect(await store.read(bound.sessionId, T)).toEqual(bound);
    expect((await store.listByUser('u1', T)).records.map((r) => r.sessionId).sort()).toEqual(
      [bound.sessionId, ending.sessionId].sort(),
    );
    expect((await store.listByUser('u1', T, { limit: 10 })).records).toHaveLength(2);
    // A write takes the hash's write id and turns it into the current layout, the binding kept.
    const next = { ...bound, version: 2, writeIds: ['b1', 'b2'], browser: { n: 1 } };
    expect(await store.write({ ...next, writeIds: ['x', 'b2'] }, 'x', T)).toBe('conflict');
    expect(await store.write(next, 'b1', T)).toBe('ok');
    expect(await client.type(boundKey)).toBe('string');
    expect(await store.read(bound.sessionId, T)).toEqual(next);
    expect((await store.inspection.contents()).userIndex.u1!.sort()).toEqual(
      [bound.sessionId, ending.sessionId].sort(),
    );
    if (!target.cluster) expect(await client.exists(`${prefixOf(store)}:x`)).toBe(1);
    expect(await store.purgeExpired(T + 10)).toBe(1);
    // The expiry set the previous version kept goes with the first purge: records are found by SCAN.
    expect(await client.exists(`${prefixOf(store)}:x`)).toBe(0);
    expect((await store.destroyByUser('u2', [])).deleted).toEqual([revoked.sessionId]);
    expect(await store.destroy(anonymous.sessionId)).toBe(true);
    expect(await store.destroy(bound.sessionId)).toBe(true);
    await expectEmpty(store);
  });

  it('SEC-3: a key of another type where a record should be reads as corrupt and crashes nothing', async () => {
    const store = newStore();
    const record = makeRecord();
    await store.create(record, T);
    const key = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
    await client.del(key);
    await client.set(key, 'not a record');
    expect(await store.read(record.sessionId, T)).toBe('corrupt');
    expect(await store.write({ ...record, version: 2 }, 'v1', T)).toBe('gone');
    expect(await store.create(record, T)).toBe('exists');
    expect(await store.destroy(record.sessionId)).toBe(true);
  });

  it('CC-5: a lock is taken when free, abandoned or already ours, and released only by its owner', async () => {
    const store = newStore();
    expect(await store.locks.acquire('L', 'a', 100, T)).toBe(true);
    expect(await store.locks.acquire('L', 'b', 100, T + 99)).toBe(false);
    expect(await store.locks.acquire('L', 'a', 100, T + 50)).toBe(true);
    expect(await store.locks.release('L', 'b')).toBe(false);
    expect((await store.inspection.contents()).locks).toBe(1);
    expect(await store.locks.acquire('L', 'b', 100, T + 150)).toBe(true);
    expect(await store.locks.release('L', 'a')).toBe(false);
    expect(await store.locks.release('L', 'b')).toBe(true);
    await expectEmpty(store);
  });

  it('CC-5, ST-5: purgeExpired drops locks whose TTL passed', async () => {
    const store = newStore();
    await store.locks.acquire('L1', 'a', 100, T);
    await store.locks.acquire('L2', 'a', 300, T);
    expect(await store.purgeExpired(T + 100)).toBe(0);
    expect((await store.inspection.contents()).locks).toBe(1);
    await store.purgeExpired(T + 300);
    await expectEmpty(store);
  });

  it('ST-3: the garbage-collection TTL never falls below the floor, whatever now says', async () => {
    const store = newStore({ ttlSlackMs: 0 });
    const record = makeRecord({ expiresAt: T + 1000 });
    await store.create(record, T);
    const key = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
    // One second of session left at the simulated now, yet Redis keeps it for the whole floor.
    expect(await client.pttl(key)).toBeGreaterThan(FLOOR - 5000);
    expect(await client.pttl(key)).toBeLessThanOrEqual(FLOOR);
  });

  it('ST-3: the floor is configurable', async () => {
    const store = newStore({ ttlSlackMs: 0, ttlFloorMs: 60_000 });
    const record = makeRecord({ expiresAt: T + 1000 });
    await store.create(record, T);
    const key = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
    expect(await client.pttl(key)).toBeGreaterThan(55_000);
    expect(await client.pttl(key)).toBeLessThanOrEqual(60_000);
  });

  it('ST-3: a write from a clock running far ahead never shortens the TTL a slower clock relies on', async () => {
    const store = newStore({ ttlSlackMs: 0 });
    const day = 86_400_000;
    const record = makeRecord({ expiresAt: T + day });
    await store.create(record, T);
    const key = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
    // A skewed instance writes one millisecond before the deadline by its clock.
    expect(await store.write({ ...record, version: 2 }, 'v1', T + day - 1)).toBe('ok');
    expect(await client.pttl(key)).toBeGreaterThan(day - 60_000);
    expect(await store.read(record.sessionId, T)).toMatchObject({ version: 2 });
  });

  it('ST-3: writes extend the TTL in steps: never below what the record needs, at most a step beyond', async () => {
    const floor = 60_000;
    const step = floor / 6;
    const store = newStore({ ttlSlackMs: 0, ttlFloorMs: floor });
    const record = makeRecord({ userId: 'u1', expiresAt: T + 50_000, writeIds: ['w0'] });
    await store.create(record, T);
    const { keys } = await store.inspection.contents();
    const key = keys.find((k) => k.includes(':s:'))!;
    const index = keys.find((k) => k.includes(':u:'))!;
    let current = record;
    for (const at of [T + 1, T + 2, T + step / 2, T + step + 1, T + 3 * step, T + 3 * step + 5]) {
      const next = { ...current, version: current.version + 1, writeIds: [`w${at}`], expiresAt: at + 50_000 };
      expect(await store.write(next, writeIdOf(current), at)).toBe('ok');
      current = next;
      // By the simulated clock the record needs `floor - (at - T)` more; no write sets more than a step
      // beyond the floor. The index outlives its records (on Cluster it has no TTL).
      for (const k of target.cluster ? [key] : [key, index]) {
        expect(await client.pttl(k)).toBeGreaterThan(floor - (at - T) - 5000);
        expect(await client.pttl(k)).toBeLessThanOrEqual(floor + step);
      }
    }
  });

  it('transparently reloads its scripts after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const store = newStore();
    const record = makeRecord({ userId: 'u1' });
    await store.create(record, T);
    for (const node of masters()) await node.script('FLUSH');
    expect(await store.read(record.sessionId, T)).toEqual(record);
    expect(await store.write({ ...record, version: 2 }, 'v1', T)).toBe('ok');
    expect((await store.listByUser('u1', T)).records).toHaveLength(1);
    expect((await store.destroyByUser('u1', [])).deleted).toEqual([record.sessionId]);
  });

  it('close() leaves the application client open', async () => {
    const store = newStore();
    await store.close();
    expect(await client.ping()).toBe('PONG');
  });

  if (!target.cluster) {
    it('PERF-2: one round trip per core operation: MONITOR sees exactly one command from the client', async () => {
      const store = newStore();
      const watcher = client as Redis;
      const monitor = await watcher.monitor();
      const seen: { args: string[]; source: string }[] = [];
      const marks: string[] = [];
      let waiting: { mark: string; resolve: () => void } | undefined;
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args[0]?.toLowerCase() === 'echo') {
          marks.push(args[1]!);
          if (waiting !== undefined && waiting.mark === args[1]) waiting.resolve();
          return;
        }
        seen.push({ args, source });
      });
      const mark = async (label: string) => {
        const arrived = new Promise<void>((resolve) => {
          waiting = { mark: label, resolve };
        });
        await watcher.echo(label);
        await arrived;
      };
      /** Client commands, and those its scripts issue, between two marks. */
      const commandsOf = async (label: string, op: () => Promise<unknown>) => {
        await mark(`${label}:start`);
        seen.length = 0;
        await op();
        await mark(`${label}:end`);
        const names = (lua: boolean) =>
          seen.filter((c) => (c.source === 'lua') === lua).map((c) => c.args[0]!.toLowerCase());
        return Object.assign(names(false), { inScript: names(true) });
      };
      try {
        const record = makeRecord({ userId: 'u1' });
        const next = { ...record, version: 2, userId: 'u2' };
        const ops: [string, () => Promise<unknown>][] = [
          ['create', () => store.create(record, T)],
          ['read', () => store.read(record.sessionId, T)],
          ['write (switching user)', () => store.write(next, 'v1', T)],
          ['listByUser', () => store.listByUser('u2', T)],
          ['destroyByUser', () => store.destroyByUser('u2', [record.sessionId])],
          ['destroy', () => store.destroy(record.sessionId)],
          ['purgeExpired', () => store.purgeExpired(T)],
          ['locks.acquire', () => store.locks.acquire('L', 'a', 10, T)],
          ['locks.release', () => store.locks.release('L', 'a')],
        ];
        for (const [label, op] of ops) {
          const commands = await commandsOf(label, op);
          expect(commands, label).toHaveLength(1);
          // A read is a plain GET: no script runs for it.
          expect(label === 'read' ? ['get'] : ['eval', 'evalsha'], label).toContain(commands[0]);
        }
        // The common write (same user, expiry not earlier, TTL far enough) reads the record's trailer,
        // not its JSON, and stores the value: no expiry-set update, no TTL read or change, no index
        // rewrite. The first write after create extends the TTL (and the index's) to its step (ST-3).
        await store.create(record, T);
        const same = { ...record, version: 2, writeIds: ['w2'], expiresAt: record.expiresAt + 1 };
        const first = await commandsOf('write (same user)', () => store.write(same, 'v1', T));
        expect(first.inScript).toEqual(['getrange', 'set', 'setrange', 'pexpire', 'pexpire']);
        const again = { ...same, version: 3, writeIds: ['w3'], expiresAt: same.expiresAt + 1 };
        const second = await commandsOf('write (same user, again)', () => store.write(again, 'w2', T + 1));
        expect(second.inScript).toEqual(['getrange', 'set', 'setrange']);
        const anonymous = makeRecord();
        await store.create(anonymous, T);
        const next2 = { ...anonymous, version: 2, writeIds: ['w2'] };
        await store.write(next2, 'v1', T);
        const next3 = { ...next2, version: 3, writeIds: ['w3'] };
        expect(
          (await commandsOf('write (anonymous)', () => store.write(next3, 'w2', T + 1))).inScript,
        ).toEqual(['getrange', 'set']);
      } finally {
        monitor.disconnect();
      }
    });
  }

  if (target.cluster) {
    it('Cluster: the keys of one session and the lock named after it share one slot', async () => {
      const store = newStore();
      const record = makeRecord({ userId: 'u1' });
      await store.create(record, T);
      await store.locks.acquire(record.sessionId, 'a', 100, T);
      const contents = await store.inspection.contents();
      const node = masters()[0]!;
      const slot = (key: string) => node.cluster('KEYSLOT', key) as Promise<number>;
      const sessionKeys = contents.keys.filter((k) => k.includes(`{${record.sessionId}}`));
      expect(sessionKeys).toHaveLength(2);
      const expected = await slot(record.sessionId);
      for (const key of sessionKeys) expect(await slot(key)).toBe(expected);
      const userKey = contents.keys.find((k) => k.includes(':u:'))!;
      expect(await slot(userKey)).toBe(await slot('u1'));
    });

    it('Cluster, ST-5: an index entry left by a crash is filtered out, then cleaned by listByUser', async () => {
      const grace = 30_000;
      const store = newStore({ claimGraceMs: grace });
      const live = makeRecord({ userId: 'u1' });
      const crashed = makeRecord({ userId: 'u1' });
      await store.create(live, T);
      await store.create(crashed, T);
      // The crash: the record went, its index entry did not.
      const recordKey = (await store.inspection.contents()).keys.find((k) =>
        k.endsWith(`{${crashed.sessionId}}`),
      )!;
      await client.del(recordKey);
      expect((await store.listByUser('u1', T)).records).toEqual([live]);
      // Within the grace the entry may belong to a binding in flight: it stays.
      expect((await store.inspection.contents()).userIndex.u1!.sort()).toEqual(
        [live.sessionId, crashed.sessionId].sort(),
      );
      expect((await store.listByUser('u1', T + grace)).records).toEqual([]);
      expect((await store.inspection.contents()).userIndex).toEqual({ u1: [live.sessionId] });
    });

    it('Cluster, SEC-2: a paused master makes operations on its slots reject at the command timeout', async () => {
      const store = newStore();
      const record = makeRecord();
      await store.create(record, T);
      const key = (await store.inspection.contents()).keys[0]!;
      const slot = (await masters()[0]!.cluster('KEYSLOT', key)) as number;
      const owner = (client as Cluster).slots[slot]![0]!;
      const pid = pids!.get(Number(owner.split(':').at(-1)))!;
      process.kill(pid, 'SIGSTOP');
      try {
        await expect(store.read(record.sessionId, T)).rejects.toThrow(/timed out|no reply/i);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect(await store.read(record.sessionId, T)).toEqual(record);
    });

    it('Cluster, ST-5: purgeExpired cleans leftover index entries too', async () => {
      const store = newStore({ claimGraceMs: 0 });
      const crashed = makeRecord({ userId: 'u1' });
      await store.create(crashed, T);
      const recordKey = (await store.inspection.contents()).keys.find((k) => k.includes(':s:'))!;
      await client.del(recordKey);
      expect((await store.destroyByUser('u1', [])).deleted).toEqual([]);
      expect(await store.purgeExpired(T)).toBe(0);
      await expectEmpty(store);
    });
  }
});

/** The next `name` event of the client (not `events.once`, which rejects on an `error` event). */
function event(client: Redis, name: 'close' | 'ready'): Promise<void> {
  return new Promise((resolve) => client.once(name, () => resolve()));
}

describe('Redis store faults (SEC-2)', () => {
  let server: RedisServer;
  let client: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.port, '127.0.0.1', { ...CLIENT_OPTIONS, commandTimeout: 500 });
    // The application's client reports connection errors as events; this one only watches them.
    client.on('error', () => {});
    await client.connect();
    store = createRedisStore({ client, prefix: 'faults' });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('SEC-2: a paused server makes operations reject at the command timeout, and they work after', async () => {
    const record = makeRecord();
    expect(await store.create(record, T)).toBe('ok');
    process.kill(server.pid, 'SIGSTOP');
    try {
      await expect(store.read(record.sessionId, T)).rejects.toThrow(/timed out|no reply/i);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(await store.read(record.sessionId, T)).toEqual(record);
  });

  it('SEC-2: a lost connection rejects at once, and operations work again once Redis is back', async () => {
    const record = makeRecord();
    expect(await store.create(record, T)).toBe('ok');
    const port = server.port;
    const closed = event(client, 'close');
    await server.stop();
    await closed;
    // Rejected at once by the client (no offline queue), not after a timeout.
    await expect(store.read(record.sessionId, T)).rejects.toThrow(/enableOfflineQueue/);
    await expect(store.write({ ...record, version: 2 }, 'v1', T)).rejects.toThrow(/enableOfflineQueue/);
    const ready = event(client, 'ready');
    server = await startRedisServer({ port });
    await ready;
    // Nothing was persisted (`--save ''`): the restarted server is empty, and the store works on it.
    expect(await store.read(record.sessionId, T)).toBeNull();
    expect(await store.create(record, T)).toBe('ok');
  });

  it('SEC-2: a server with appendfsync always, killed mid-run and restarted, keeps every acknowledged write and resurrects nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessionspec-aof-'));
    const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
    let durable = await startRedisServer({ dir, args });
    const port = durable.port;
    const aofClient = new Redis(port, '127.0.0.1', CLIENT_OPTIONS);
    aofClient.on('error', () => {});
    try {
      await aofClient.connect();
      const aofStore = createRedisStore({ client: aofClient, prefix: 'aof' });
      const records = Array.from({ length: 20 }, (_, i) => makeRecord({ userId: `u${i % 3}` }));
      for (const r of records) expect(await aofStore.create(r, T)).toBe('ok');
      const ended = records.slice(0, 5);
      for (const r of ended) expect(await aofStore.destroy(r.sessionId)).toBe(true);
      const written = { ...records[5]!, version: 2, browser: { kept: true } };
      expect(await aofStore.write(written, 'v1', T)).toBe('ok');
      const closed = event(aofClient, 'close');
      process.kill(durable.pid, 'SIGKILL');
      await closed;
      await expect(aofStore.read(written.sessionId, T)).rejects.toThrow();
      const ready = event(aofClient, 'ready');
      durable = await startRedisServer({ dir, port, args });
      await ready;
      for (const r of ended) expect(await aofStore.read(r.sessionId, T)).toBeNull();
      expect(await aofStore.read(written.sessionId, T)).toEqual(written);
      for (const r of records.slice(6)) expect(await aofStore.read(r.sessionId, T)).toEqual(r);
      const listed = (await aofStore.listByUser('u0', T)).records;
      expect(listed.map((r) => r.sessionId).sort()).toEqual(
        records
          .slice(5)
          .filter((r) => r.userId === 'u0')
          .map((r) => r.sessionId)
          .sort(),
      );
    } finally {
      aofClient.disconnect();
      await durable.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
