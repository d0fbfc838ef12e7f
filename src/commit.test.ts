import { describe, expect, it } from 'vitest';
import { createMemoryStore, type MemoryStore } from '../adapters/memory/index.js';
import {
  type Around,
  interleave,
  loggedIn,
  prng,
  stored,
  T0,
  tokenOf,
  turns,
  type WrappedStore,
  wrapStore,
} from '../test/stores.js';
import {
  createManualClock,
  createSessionManager,
  isSessionError,
  type Session,
  type SessionManager,
  type SessionManagerOptions,
  type SessionRecord,
  WRITE_ID_HISTORY,
  writeIdOf,
} from './index.js';

/** Interleavings are replayable: a fixed seed that must keep passing, and a fresh one (printed). */
const fresh = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEEDS = [20_241_127, fresh];
console.log(`commit interleaving seeds: ${SEEDS.join(', ')} (replay a fresh one with SEED=<seed>)`);

/** Several managers (as several processes) over one memory store, each with its own wrapper. */
function cluster(
  count: number,
  around: (index: number) => Around | undefined,
  options: Partial<SessionManagerOptions> = {},
) {
  const clock = createManualClock(T0);
  const memory = createMemoryStore({ clock: clock.now, sweepEvery: false });
  const results: string[] = [];
  const stores: WrappedStore[] = [];
  const managers: SessionManager[] = [];
  for (let i = 0; i < count; i++) {
    const inner = around(i);
    const store = wrapStore(memory, {
      around: async (op, args, run) => {
        const result = inner === undefined ? await run() : await inner(op, args, run);
        if (op === 'write') results.push(String(result));
        return result;
      },
    });
    stores.push(store);
    managers.push(createSessionManager({ store, clock, ...options }));
  }
  return { clock, memory, stores, managers, writeResults: results };
}

/** One request: load the session, change it, commit. */
async function request(
  manager: SessionManager,
  token: string,
  change: (s: Awaited<ReturnType<SessionManager['load']>>) => void,
) {
  const session = await manager.load(token);
  expect(session.isNew).toBe(false);
  change(session);
  return session.commit();
}

const increment = (v: unknown) => ((v as number | undefined) ?? 0) + 1;

async function readRecord(memory: MemoryStore, id: string): Promise<SessionRecord | null> {
  const found = await memory.read(id, T0);
  return typeof found === 'object' ? (found as SessionRecord | null) : null;
}

describe.each(SEEDS)('concurrency with interleaved store calls (seed %i)', (seed) => {
  it('CC-3: 1,000 concurrent updates in one manager all succeed and none is lost or doubled', async () => {
    const random = prng(seed);
    const { managers, memory, writeResults } = cluster(1, () => interleave(random));
    const [m] = managers as [SessionManager];
    const { token, id } = await stored(m, { n: 0 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1000 }, () => request(m, token, (s) => s.update('n', increment))),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect((await readRecord(memory, id))!.browser.n).toBe(1000);
    // CC-2: queued and coalesced in-process, the writes never conflicted with each other.
    expect(writeResults.filter((r) => r !== 'ok')).toEqual([]);
    expect(writeResults.length).toBeLessThan(1000);
  });

  it('CC-2, CC-3: 1,000 concurrent updates over three managers end at exactly the number that succeeded', async () => {
    const random = prng(seed);
    const { managers, memory, writeResults } = cluster(3, () => interleave(random, 6));
    const { token, id } = await stored(managers[0]!, { n: 0 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        request(managers[i % 3]!, token, (s) => s.update('n', increment)),
      ),
    );
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled').length;
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    for (const failure of failures) expect(isSessionError(failure, 'CONFLICT')).toBe(true);
    expect((await readRecord(memory, id))!.browser.n).toBe(succeeded);
    expect(succeeded).toBeGreaterThan(0);
    // The compare-and-set, reload and re-apply path really ran.
    expect(writeResults).toContain('conflict');
  });

  it('CC-2: 50 concurrent writers of different keys over two managers all survive', async () => {
    const random = prng(seed);
    const { managers, memory, writeResults } = cluster(2, () => interleave(random, 6));
    const { token, id } = await stored(managers[0]!, { base: true });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => request(managers[i % 2]!, token, (s) => s.set(`k${i}`, i))),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const record = (await readRecord(memory, id))!;
    expect(Object.keys(record.browser).sort()).toEqual(
      ['base', ...Array.from({ length: 50 }, (_, i) => `k${i}`)].sort(),
    );
    expect(writeResults).toContain('conflict');
  });

  for (const ending of [
    'destroy',
    'logout-destroy',
    'revoke',
    'revokeSession',
    'changeCredential',
  ] as const) {
    it(`CC-4, LC-6: saves racing ${ending} never resurrect the session`, async () => {
      const random = prng(seed);
      const { managers, memory } = cluster(2, () => interleave(random, 6));
      const [m1, m2] = managers as [SessionManager, SessionManager];
      const victim = await loggedIn(m1, 'alice');
      const survivor = ending === 'changeCredential' ? await loggedIn(m2, 'alice') : null;
      const saves = Array.from({ length: 20 }, async (_, i) => {
        const s = await (i % 2 === 0 ? m1 : m2).load(victim.token);
        // Loaded after the ending: a new anonymous session, which this request leaves alone.
        if (s.isNew) return null;
        s.set(`k${i}`, i);
        s.user.set(`u${i}`, i);
        return s.commit();
      });
      const end = (async () => {
        await turns(Math.floor(random() * 10));
        if (ending === 'destroy' || ending === 'logout-destroy') {
          const s = await m2.load(victim.token);
          if (ending === 'destroy') s.destroy();
          else s.logout({ destroy: true });
          return s.commit();
        }
        if (ending === 'revoke') return m2.revoke('alice');
        if (ending === 'revokeSession') return m2.revokeSession('alice', victim.id);
        const s = await m2.load(survivor!.token);
        s.changeCredential();
        return s.commit();
      })();
      const outcomes = await Promise.allSettled([...saves, end]);
      expect(outcomes.at(-1)!.status).toBe('fulfilled');
      for (const o of outcomes.slice(0, -1)) {
        if (o.status === 'rejected') expect(isSessionError(o.reason, 'SESSION_GONE')).toBe(true);
      }
      // Whatever the order, nothing of the ended session is left, index entries included (ST-5).
      const contents = await memory.inspection.contents();
      expect(contents.records).toEqual(survivor === null ? [] : [survivor.id]);
      expect(contents.userIndex).toEqual(survivor === null ? {} : { alice: [survivor.id] });
      expect((await m1.load(victim.token)).isNew).toBe(true);
    });
  }
});

/** Two managers where the first one's writes wait for `gate` (opened by the test) before going out. */
function heldWrites() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const env = cluster(2, (i) =>
    i === 0
      ? async (op, _args, run) => {
          if (op === 'write') await gate;
          return run();
        }
      : undefined,
  );
  return { ...env, open, m1: env.managers[0]!, m2: env.managers[1]! };
}

describe('CC-4: endings win over an in-flight save (the save is held until the ending is done)', () => {
  for (const ending of ['destroy', 'logout-destroy', 'revoke', 'revokeSession'] as const) {
    it(`CC-4: a save held across ${ending} fails with SESSION_GONE and re-creates nothing`, async () => {
      const { m1, m2, memory, open } = heldWrites();
      const { token, id } = await loggedIn(m1, 'alice');
      const save = request(m1, token, (s) => s.set('late', true));
      await turns(5);
      if (ending === 'revoke') await m2.revoke('alice');
      else if (ending === 'revokeSession') await m2.revokeSession('alice', id);
      else {
        const s = await m2.load(token);
        if (ending === 'destroy') s.destroy();
        else s.logout({ destroy: true });
        expect((await s.commit()).cookie).toEqual({ action: 'clear' });
      }
      open();
      const error = await save.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSessionError(error, 'SESSION_GONE')).toBe(true);
      expect(await memory.inspection.contents()).toEqual({ records: [], userIndex: {}, locks: 0, keys: [] });
    });
  }

  it("CC-4, LC-5: a save held across a logout fails closed and the user's data never comes back", async () => {
    const { m1, m2, memory, open } = heldWrites();
    const { token, id } = await loggedIn(m1, 'alice');
    const save = request(m1, token, (s) => {
      s.user.set('card', '4111');
      s.set('cart', ['sku']);
    });
    await turns(5);
    const s = await m2.load(token);
    s.logout();
    await s.commit();
    open();
    const error = await save.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isSessionError(error, 'SESSION_GONE')).toBe(true);
    const record = (await readRecord(memory, id))!;
    expect(record.userId).toBeNull();
    expect(record.user).toEqual({});
    expect(record.browser).toEqual({});
    expect((await memory.inspection.contents()).userIndex).toEqual({});
  });

  it('CC-4: a rotation wins: a save made with the rotated-away secret is not applied', async () => {
    const { m1, m2, memory, open } = heldWrites();
    const { token, id } = await stored(m1, { n: 0 });
    const save = request(m1, token, (s) => s.set('n', 1));
    await turns(5);
    const s = await m2.load(token);
    s.rotate();
    await s.commit();
    open();
    expect(isSessionError(await save.catch((e: unknown) => e), 'SESSION_GONE')).toBe(true);
    expect((await readRecord(memory, id))!.browser.n).toBe(0);
  });

  it('CC-4: within one process, a destroy queued with saves wins over the saves queued after it', async () => {
    const clock = createManualClock(T0);
    const memory = createMemoryStore({ clock: clock.now, sweepEvery: false });
    const manager = createSessionManager({
      store: wrapStore(memory, { around: interleave(prng(7), 4) }),
      clock,
    });
    const { token } = await stored(manager, { n: 0 });
    const handles = await Promise.all(Array.from({ length: 6 }, () => manager.load(token)));
    handles.forEach((h, i) => {
      if (i === 3) h.destroy();
      else h.set(`k${i}`, i);
    });
    const outcomes = await Promise.allSettled(handles.map((h) => h.commit()));
    expect(outcomes[3]).toMatchObject({ status: 'fulfilled', value: { cookie: { action: 'clear' } } });
    for (const o of outcomes.slice(4)) expect(o.status).toBe('rejected');
    expect(await memory.inspection.contents()).toEqual({ records: [], userIndex: {}, locks: 0, keys: [] });
  });
});

describe('CC-1, CC-2: compare-and-set', () => {
  it('CC-1: every write is a compare-and-set on the write id of the record it replaces; a touch is a write', async () => {
    const { managers, memory, clock, stores } = cluster(1, () => undefined, {
      idleTimeout: 10_000,
      touchEvery: 0.5,
    });
    const m = managers[0]!;
    const { token, id } = await stored(m, { n: 0 });
    expect((await readRecord(memory, id))!.version).toBe(1);
    await request(m, token, (s) => s.set('n', 1));
    expect((await readRecord(memory, id))!.version).toBe(2);
    clock.advance(5_000);
    expect((await (await m.load(token)).commit()).wrote).toBe(true);
    const touched = (await memory.read(id, clock.now())) as SessionRecord;
    expect(touched.version).toBe(3);
    expect(touched.lastSeenAt).toBe(clock.now());
    const writes = stores[0]!.log.filter((l) => l.op === 'write');
    expect(writes.map((w) => (w.args[0] as SessionRecord).version)).toEqual([2, 3]);
    expect(writes[1]!.args[1]).toBe(writeIdOf(writes[0]!.args[0] as SessionRecord));
    expect(writes[0]!.args[1]).not.toBe(writes[1]!.args[1]);
  });

  it('CC-2: a request that loaded before its own process wrote, after that queue emptied, does not conflict with it', async () => {
    const { managers, memory, writeResults } = cluster(1, () => undefined);
    const [m] = managers as [SessionManager];
    const { token, id } = await stored(m, { n: 0 });
    const early = await m.load(token);
    const late = await m.load(token);
    late.update('n', increment);
    await late.commit();
    early.update('n', increment);
    await early.commit();
    expect(writeResults).toEqual(['ok', 'ok']);
    expect((await readRecord(memory, id))!.browser.n).toBe(2);
  });

  it('CC-2: a conflict re-reads and re-applies the patch on the fresh record', async () => {
    const { managers, memory, writeResults } = cluster(2, () => undefined);
    const [m1, m2] = managers as [SessionManager, SessionManager];
    const { token, id } = await stored(m1, { n: 0 });
    const a = await m1.load(token);
    const b = await m2.load(token);
    a.set('a', 1);
    a.update('n', increment);
    b.set('b', 1);
    b.update('n', increment);
    b.delete('n');
    b.update('n', (v) => (v === undefined ? 100 : 'wrong'));
    await a.commit();
    await b.commit();
    expect(writeResults).toEqual(['ok', 'conflict', 'ok']);
    expect((await readRecord(memory, id))!.browser).toEqual({ n: 100, a: 1, b: 1 });
  });

  it('CC-2: CONFLICT after the bounded attempts, with a conflict event; nothing of the failed request is written', async () => {
    const events: string[] = [];
    const { managers, memory } = cluster(2, () => undefined, {
      attempts: 1,
      onEvent: (e) => events.push(e.type),
    });
    const [m1, m2] = managers as [SessionManager, SessionManager];
    const { token, id } = await stored(m1, { n: 0 });
    const a = await m1.load(token);
    const b = await m2.load(token);
    a.set('n', 1);
    b.set('n', 2);
    b.set('only-b', true);
    await a.commit();
    const error = await b.commit().catch((e: unknown) => e);
    expect(isSessionError(error, 'CONFLICT')).toBe(true);
    expect(events).toContain('conflict');
    expect((await readRecord(memory, id))!.browser).toEqual({ n: 1 });
  });
});

describe('CC-7: idempotent commits', () => {
  /** Drops the reply of the first write of manager 0 after performing it (or before, with `applied: false`). */
  function droppedReply(applied: boolean, meanwhile?: () => Promise<void>) {
    let dropped = false;
    return cluster(2, (i) =>
      i === 0
        ? async (op, _args, run) => {
            if (op !== 'write' || dropped) return run();
            dropped = true;
            if (applied) await run();
            if (meanwhile !== undefined) await meanwhile();
            throw new Error('ETIMEDOUT: reply lost');
          }
        : undefined,
    );
  }

  it('CC-7: a write whose reply was lost is recognised by its write id and applied once', async () => {
    const env = droppedReply(true);
    const [m1] = env.managers as [SessionManager];
    const { token, id } = await stored(m1, { n: 0 });
    const result = await request(m1, token, (s) => s.update('n', increment));
    expect(result.wrote).toBe(true);
    const record = (await readRecord(env.memory, id))!;
    expect(record.browser.n).toBe(1);
    expect(record.version).toBe(2);
    // Recognised, not re-sent.
    expect(env.stores[0]!.count('write')).toBe(1);
  });

  it('CC-7: a write that failed before it was applied is retried and applied once', async () => {
    const env = droppedReply(false);
    const [m1] = env.managers as [SessionManager];
    const { token, id } = await stored(m1, { n: 0 });
    await request(m1, token, (s) => s.update('n', increment));
    const record = (await readRecord(env.memory, id))!;
    expect(record.browser.n).toBe(1);
    expect(record.version).toBe(2);
  });

  it('SEC-2, CC-7: a store whose writes keep failing (reads still work) is STORE_UNAVAILABLE, not CONFLICT; nothing is written', async () => {
    const env = cluster(1, () => async (op, _args, run) => {
      if (op === 'write') throw new Error('ECONNRESET: write refused');
      return run();
    });
    const [m1] = env.managers as [SessionManager];
    const { token, id } = await stored(m1, { n: 0 });
    const error = await request(m1, token, (s) => s.update('n', increment)).catch((e: unknown) => e);
    expect(isSessionError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(env.stores[0]!.count('write')).toBe(2);
    const record = (await readRecord(env.memory, id))!;
    expect(record.browser.n).toBe(0);
    expect(record.version).toBe(1);
  });

  it(`CC-7: INDETERMINATE when the write id has left the list (${WRITE_ID_HISTORY} later writes), never applied twice`, async () => {
    let token = '';
    let env: ReturnType<typeof cluster> | undefined;
    env = droppedReply(true, async () => {
      // Before the lost reply is noticed, another process writes more times than the record remembers.
      for (let i = 0; i < WRITE_ID_HISTORY + 1; i++)
        await request(env!.managers[1]!, token, (s) => s.set('other', i));
    });
    const [m1] = env.managers as [SessionManager];
    const made = await stored(m1, { n: 0 });
    token = made.token;
    const error = await request(m1, token, (s) => s.update('n', increment)).catch((e: unknown) => e);
    expect(isSessionError(error, 'INDETERMINATE')).toBe(true);
    const record = (await readRecord(env.memory, made.id))!;
    expect(record.browser.n).toBe(1);
    expect(record.version).toBe(2 + WRITE_ID_HISTORY + 1);
    expect(record.writeIds).toHaveLength(WRITE_ID_HISTORY);
  });

  it('CC-7: with fewer later writes than the list holds, the lost write is still recognised', async () => {
    let token = '';
    let env: ReturnType<typeof cluster> | undefined;
    env = droppedReply(true, async () => {
      for (let i = 0; i < WRITE_ID_HISTORY - 1; i++)
        await request(env!.managers[1]!, token, (s) => s.set('other', i));
    });
    const made = await stored(env.managers[0]!, { n: 0 });
    token = made.token;
    expect((await request(env.managers[0]!, token, (s) => s.update('n', increment))).wrote).toBe(true);
    expect((await readRecord(env.memory, made.id))!.browser).toMatchObject({
      n: 1,
      other: WRITE_ID_HISTORY - 2,
    });
  });
});

describe('CC-6: a write made with the grace secret that meets a conflict (the credential check where the committer re-applies)', () => {
  const GRACE = 10_000;

  /** A rotated session; m1 holds its writes until `open()`; the old token is the grace secret. */
  async function rotatedWithHeldWrites() {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const env = cluster(
      2,
      (i) =>
        i === 0
          ? async (op, _args, run) => {
              if (op === 'write') await gate;
              return run();
            }
          : undefined,
      { rotationGrace: GRACE },
    );
    const [m1, m2] = env.managers as [SessionManager, SessionManager];
    const { token: old, id } = await loggedIn(m2, 'alice');
    const s = await m2.load(old);
    s.rotate();
    const rotated = await s.commit();
    const next = rotated.cookie.action === 'set' ? rotated.cookie.token : '';
    const rotatedAt = env.clock.now();
    env.clock.set(rotatedAt + GRACE - 1);
    // The grace request: loaded inside the window, its write held back.
    const graceRequest = await m1.load(old);
    expect(graceRequest.usedGraceSecret).toBe(true);
    graceRequest.set('from-grace', true);
    const save = graceRequest.commit();
    await turns(5);
    return { ...env, m2, id, next, rotatedAt, open, save };
  }

  /** The other request (current secret) writes first, so the held write meets a conflict. */
  async function conflictingWrite(m2: SessionManager, next: string, change: (s: Session) => void) {
    const s = await m2.load(next);
    expect(s.isNew).toBe(false);
    change(s);
    return s.commit();
  }

  it('CC-6: inside the window the grace write is re-applied on the fresh record', async () => {
    const { m2, memory, id, next, open, save } = await rotatedWithHeldWrites();
    await conflictingWrite(m2, next, (s) => s.set('from-current', true));
    open();
    expect(await save).toEqual({ cookie: { action: 'none' }, wrote: true });
    const record = (await readRecord(memory, id))!;
    expect(record.browser).toMatchObject({ 'from-grace': true, 'from-current': true });
  });

  it('CC-6: at the end of the window (now = previousUntil) the grace write is refused: SESSION_GONE, nothing of it written', async () => {
    const { m2, memory, clock, id, next, rotatedAt, open, save } = await rotatedWithHeldWrites();
    await conflictingWrite(m2, next, (s) => s.set('from-current', true));
    clock.set(rotatedAt + GRACE);
    open();
    expect(isSessionError(await save.catch((e: unknown) => e), 'SESSION_GONE')).toBe(true);
    const record = (await memory.read(id, rotatedAt + GRACE)) as SessionRecord;
    expect(record.browser['from-grace']).toBeUndefined();
    expect(record.browser['from-current']).toBe(true);
  });

  it('CC-6: after a privilege change (reauthenticate) inside the window the grace write is refused', async () => {
    const { m2, memory, id, next, open, save } = await rotatedWithHeldWrites();
    await conflictingWrite(m2, next, (s) => s.reauthenticate());
    open();
    expect(isSessionError(await save.catch((e: unknown) => e), 'SESSION_GONE')).toBe(true);
    expect((await readRecord(memory, id))!.browser['from-grace']).toBeUndefined();
  });
});

describe('CC-2: progress under contention', () => {
  it('CC-2: a login goes through while another manager keeps writing the session (the backoff comes before the re-read, not between it and the write)', async () => {
    const { managers } = cluster(2, () => undefined, { backoffMs: 1 });
    const [writer, login] = managers as [SessionManager, SessionManager];
    const { token } = await stored(writer, { n: 0 });
    let writing = true;
    let writes = 0;
    // The other process: a data write at every turn of the event loop, as a busy queue writes.
    const other = (async () => {
      while (writing) {
        const session = await writer.load(token);
        if (session.isNew) return; // the login rotated the secret away
        session.update('n', (n) => (n as number) + 1);
        await session.commit().then(
          () => (writes += 1),
          () => undefined,
        );
        await turns(1);
      }
    })();
    const session = await login.load(token);
    session.authenticate('alice');
    await turns(3); // the other process writes after this request loaded
    const result = await session.commit().finally(() => {
      writing = false;
    });
    await other;
    expect(result.cookie.action).toBe('set');
    expect(writes).toBeGreaterThan(0);
    const after = await login.load(tokenOf(result));
    expect(after.userId).toBe('alice');
    expect(after.get('n')).toBe(writes);
  });
});
