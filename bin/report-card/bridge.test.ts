/**
 * The express-session bridge: what the store sees and answers, and that the kit run through it passes a
 * store that keeps what it is given and fails one that does not (CK-2).
 */
import session from 'express-session';
import { describe, expect, it } from 'vitest';
import { buildRecord, T0 } from '../../conformance/arbitraries.js';
import { RULE_GROUPS } from '../../conformance/rules/index.js';
import { runConformance } from '../../conformance/run.js';
import { writeIdOf } from '../../src/index.js';
import { bridgeExpressStore, type ExpressStore, NotExpressible } from './bridge.js';
import { NEEDS_ALL, NEVER, notExpressible } from './expressible.js';

const spec = {
  sessionId: 'sid-A',
  userId: 'user-1',
  expiresIn: 1000,
  browser: { n: 1 },
  user: {},
  labels: {},
};

/** The session express-session's MemoryStore holds under `sid`, as the store decoded it. */
function held(store: session.MemoryStore, sid: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    store.get(sid, (error, value) => (error ? reject(error) : resolve(value))),
  );
}

describe('bridgeExpressStore', () => {
  it('ST-2, CC-1, CC-4: create, read, write and destroy are get / set / destroy calls on the store, under <namespace>:<id>', async () => {
    const memory = new session.MemoryStore();
    const store = bridgeExpressStore(memory as unknown as ExpressStore, 'ns1');
    const record = buildRecord(spec, T0, 1);
    expect(await store.create(record, T0)).toBe('ok');
    expect(await store.create(record, T0)).toBe('exists');
    // The store keeps a session with a cookie whose lifetime covers the record's (its own clock).
    const kept = (await held(memory, 'ns1:sid-A')) as { cookie: { expires: string }; record: unknown };
    expect(kept.record).toEqual(record);
    expect(Date.parse(kept.cookie.expires)).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
    expect(await store.read('sid-A', T0)).toEqual(record);
    expect(await store.read('sid-A', T0 + 1000)).toBe('expired');
    const next = { ...buildRecord(spec, T0, 2), writeIds: ['w2'] };
    expect(await store.write(next, 'w-other', T0)).toBe('conflict');
    expect(await store.write(next, writeIdOf(record), T0)).toBe('ok');
    expect(await bridgeExpressStore(memory as unknown as ExpressStore, 'ns2').read('sid-A', T0)).toBe(null);
    expect((await store.listByUser('user-1', T0)).records).toEqual([next]);
    expect(await store.destroy('sid-A')).toBe(true);
    expect(await store.write(next, 'w2', T0)).toBe('gone');
    expect(await held(memory, 'ns1:sid-A')).toBeUndefined();
  });

  it('ST-4: without all() the store has no inspection, and listing answers NotExpressible instead of a made-up page', async () => {
    const memory = new session.MemoryStore() as unknown as ExpressStore;
    const store = bridgeExpressStore(
      { get: memory.get.bind(memory), set: memory.set.bind(memory), destroy: memory.destroy.bind(memory) },
      'ns',
    );
    expect(store.supports.inspection).toBe(false);
    expect(store.inspection).toBeUndefined();
    await expect(store.listByUser('user-1', T0)).rejects.toBeInstanceOf(NotExpressible);
  });

  it('CK-2: the kit through the bridge passes MemoryStore and fails a store whose set() keeps only the first value', async () => {
    const only = ['ST-2.write', 'ID-4'];
    const factoryOf =
      (store: ExpressStore) =>
      ({ namespace }: { namespace: string }) => ({
        store: bridgeExpressStore(store, namespace),
        close: () => {},
      });
    const memory = new session.MemoryStore() as unknown as ExpressStore;
    const good = await runConformance({ name: 'MemoryStore', seed: 1, only, factory: factoryOf(memory) });
    expect(good.rules.map((r) => r.status)).toEqual(['pass', 'pass']);
    const firstOnly = new session.MemoryStore() as unknown as ExpressStore;
    const keep: ExpressStore = {
      get: firstOnly.get.bind(firstOnly),
      destroy: firstOnly.destroy.bind(firstOnly),
      set: (sid, value, callback) =>
        firstOnly.get(sid, (error, existing) =>
          error || existing ? callback?.(error) : firstOnly.set(sid, value, callback),
        ),
      all: firstOnly.all!.bind(firstOnly),
    };
    const bad = await runConformance({ name: 'first-write-wins', seed: 1, only, factory: factoryOf(keep) });
    expect(bad.rules.find((r) => r.id === 'ST-2.write')?.status).toBe('fail');
  });
});

describe('notExpressible', () => {
  it('names only rules the kit has, and every rule is either measured or has a reason', () => {
    const ids = RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.id));
    for (const id of [...Object.keys(NEVER), ...NEEDS_ALL]) expect(ids).toContain(id);
    expect(notExpressible('CC-1', true)).toMatch(/compare-and-set/);
    expect(notExpressible('ST-2.list', false)).toMatch(/all\(\)/);
    expect(notExpressible('ST-2.list', true)).toBeUndefined();
  });
});
