import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { T0, wrapStore } from '../test/stores.js';
import {
  createManualClock,
  createSessionManager,
  type SessionRecord,
  type SessionStore,
  type StoredSessionRecord,
  writeIdOf,
} from './index.js';

/**
 * A memory store standing in for a replicated Redis: `replicate()` marks what the replica holds,
 * `failOver()` puts the replica's records back, losing every acknowledged change made since.
 */
function replicatedStore() {
  const clock = createManualClock(T0);
  const memory = createMemoryStore({ sweepEvery: false });
  const replica = new Map<string, StoredSessionRecord | null>();
  const remember = async (sessionId: string) => {
    if (replica.has(sessionId)) return;
    const held = await memory.read(sessionId, Number.MIN_SAFE_INTEGER);
    replica.set(sessionId, typeof held === 'object' ? held : null);
  };
  const store = wrapStore(memory, {
    around: async (op, args, run) => {
      if (op === 'create' || op === 'write') await remember((args[0] as SessionRecord).sessionId);
      if (op === 'destroy') await remember(args[0] as string);
      return run();
    },
  });
  return {
    clock,
    store,
    memory,
    replicate: () => replica.clear(),
    async failOver() {
      for (const [sessionId, held] of replica) {
        await memory.destroy(sessionId);
        if (held !== null) await memory.create(held as SessionRecord, clock.now());
      }
      replica.clear();
    },
  };
}

/** Log `userId` in on `manager` with a user bucket. */
async function loginWithPlan(manager: ReturnType<typeof createSessionManager>, userId: string) {
  const session = await manager.load(undefined);
  session.authenticate(userId);
  session.user.set('plan', 1);
  const { cookie } = await session.commit();
  if (cookie.action !== 'set') throw new Error('login issued no cookie');
  return { token: cookie.token, sessionId: session.id };
}

describe('CC-1: a fail-over that loses an acknowledged write', () => {
  it('CC-1, CC-4, LC-5: a logout made after the fail-over is not undone by a request based on the lost write', async () => {
    const { clock, store, memory, replicate, failOver } = replicatedStore();
    const a = createSessionManager({ store, clock, backoffMs: 0 });
    const b = createSessionManager({ store, clock, backoffMs: 0 });
    const { token, sessionId } = await loginWithPlan(a, 'alice');
    replicate();
    const first = await a.load(token);
    const second = await a.load(token);
    second.user.set('plan', 2);
    await second.commit(); // acknowledged; A keeps the record it wrote
    await failOver(); // ...and the store loses it
    const other = await b.load(token);
    other.logout();
    await other.commit();
    first.set('cart', 1);
    // Its base is A's lost write, whose version B's logout reused: the write id tells them apart.
    await expect(first.commit()).rejects.toMatchObject({ code: 'SESSION_GONE' });
    const held = await memory.read(sessionId, clock.now());
    expect(held).toMatchObject({ userId: null, user: {} });
    expect((await a.load(token)).isNew).toBe(true);
    expect((await b.load(token)).isNew).toBe(true);
  });

  it('CC-1: a read that shows the store behind the record a process wrote drops it, so the next commit starts from the store', async () => {
    const { clock, store, memory, replicate, failOver } = replicatedStore();
    const a = createSessionManager({ store, clock, backoffMs: 0 });
    const { token } = await loginWithPlan(a, 'alice');
    replicate();
    const first = await a.load(token);
    const second = await a.load(token);
    second.set('step', 2);
    await second.commit();
    await failOver();
    // This read finds the store behind the record A wrote last.
    const third = await a.load(token);
    expect(third.get('step')).toBeUndefined();
    const held = (await memory.read(third.id, clock.now())) as SessionRecord;
    const before = store.log.length;
    first.set('cart', 1);
    await first.commit();
    // One write on the record the store holds, not a conflict on the lost one first.
    expect(store.log.slice(before).map((l) => l.op)).toEqual(['write']);
    expect(store.log.at(-1)!.args[1]).toBe(writeIdOf(held));
  });

  it('ST-1: the manager refuses a store-contract-1 store, saying what to do', () => {
    const memory = createMemoryStore({ sweepEvery: false });
    const { contract: _contract, ...rest } = memory.supports;
    const old = { ...memory, supports: rest } as unknown as SessionStore;
    expect(() => createSessionManager({ store: old })).toThrow(/store contract 1.*upgrade the adapter/);
  });
});
