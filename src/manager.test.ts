import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { memoryStoreInternals } from '../adapters/memory/store.js';
import { AUDIT_EVENT_TYPES } from '../spec/index.js';
import { loggedIn, type Setup, setup, stored, T0, tokenOf, turns, wrapStore } from '../test/stores.js';
import {
  createManualClock,
  createSessionManager,
  isSessionError,
  parseToken,
  type SessionRecord,
  type SessionStore,
} from './index.js';

const MIN = 60_000;

/** The SessionError thrown by `fn`, or a failed expectation. */
async function errorOf(fn: () => unknown): Promise<{ code: string; message: string; cause?: unknown }> {
  try {
    await fn();
  } catch (error) {
    expect(isSessionError(error), `expected a SessionError, got ${String(error)}`).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error('expected a SessionError, nothing was thrown');
}

const empty = { records: [], userIndex: {}, locks: 0, keys: [] };

afterEach(() => {
  vi.useRealTimers();
});

describe('createSessionManager', () => {
  it('rejects misuse with a TypeError that says what to do', () => {
    const store = createMemoryStore({ sweepEvery: false });
    expect(() => createSessionManager({ store: {} as SessionStore })).toThrow(TypeError);
    expect(() => createSessionManager({ store, idleTimeout: 0 })).toThrow(/idleTimeout/);
    expect(() => createSessionManager({ store, absoluteTimeout: Number.NaN })).toThrow(/absoluteTimeout/);
    expect(() => createSessionManager({ store, rotationGrace: -1 })).toThrow(/rotationGrace/);
    expect(() => createSessionManager({ store, touchEvery: 2 })).toThrow(/touchEvery/);
    expect(() => createSessionManager({ store, maxSessionsPerUser: 0 })).toThrow(/maxSessionsPerUser/);
  });

  it("refuses an option it does not know: express-session's with the sessionspec way, a typo by name", () => {
    const store = createMemoryStore({ sweepEvery: false });
    expect(() => createSessionManager({ store, secret: 'keyboard cat' } as never)).toThrow(
      /createSessionManager: unknown option `secret`: tokens are random/,
    );
    expect(() => createSessionManager({ store, cookie: { maxAge: 1 } } as never)).toThrow(
      /unknown option `cookie`: the cookie is configured on the HTTP integration/,
    );
    expect(() => createSessionManager({ store, idleTimout: 1 } as never)).toThrow(
      /unknown option `idleTimout` \(its options are store, idleTimeout, absoluteTimeout,/,
    );
  });
});

describe('LC-9: per-user control', () => {
  it('LC-9: lists the live sessions of a user with createdAt, lastSeenAt and labels, and no one else', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN });
    const a = await loggedIn(manager, 'alice');
    clock.advance(MIN);
    const b = await loggedIn(manager, 'alice');
    const s = await manager.load(b.token);
    s.setLabel('device', 'phone');
    await s.commit();
    await loggedIn(manager, 'bob');
    const list = await manager.listSessions('alice');
    expect(list.map((x) => x.sessionId).sort()).toEqual([a.id, b.id].sort());
    const entry = list.find((x) => x.sessionId === b.id)!;
    expect(entry).toMatchObject({ createdAt: T0 + MIN, lastSeenAt: T0 + MIN, labels: { device: 'phone' } });
    // An expired session is not listed.
    clock.set(T0 + 10 * MIN);
    expect((await manager.listSessions('alice')).map((x) => x.sessionId)).toEqual([b.id]);
    expect(await manager.listSessions('nobody')).toEqual([]);
    await expect(manager.listSessions('')).rejects.toThrow(TypeError);
  });

  it('LC-9: revokeSession ends one session of the user, only of that user', async () => {
    const { manager, memory, events } = setup();
    const a1 = await loggedIn(manager, 'alice');
    const a2 = await loggedIn(manager, 'alice');
    expect(await manager.revokeSession('bob', a1.id)).toBe(false);
    expect((await manager.load(a1.token)).userId).toBe('alice');
    expect(await manager.revokeSession('alice', a1.id)).toBe(true);
    expect(await manager.revokeSession('alice', a1.id)).toBe(false);
    expect((await manager.load(a1.token)).isNew).toBe(true);
    expect((await manager.load(a2.token)).userId).toBe('alice');
    expect((await memory.inspection.contents()).records).toEqual([a2.id]);
    expect(events.filter((e) => e.type === 'revoked').map((e) => e.sessionId)).toEqual([a1.id]);
  });

  it('LC-9: revokeSession never ends the session of a user who switched in while it ran', async () => {
    // Between revokeSession's read and its ending, the browser logs out alice and logs in bob.
    let armed = false;
    let switchUser = async () => {};
    const env = setup(
      {},
      {
        around: async (op, _args, run) => {
          if (armed && (op === 'write' || op === 'destroy')) {
            armed = false;
            await switchUser();
          }
          return run();
        },
      },
    );
    const alice = await loggedIn(env.manager, 'alice');
    let bobToken = '';
    switchUser = async () => {
      const s = await env.another().load(alice.token);
      s.authenticate('bob');
      bobToken = tokenOf(await s.commit());
    };
    armed = true;
    await env.manager.revokeSession('alice', alice.id);
    expect(bobToken).not.toBe('');
    expect((await env.manager.load(bobToken)).userId).toBe('bob');
  });

  it('LC-9, ST-5: revoke ends every session of the user ("log out everywhere"), leaving nothing behind', async () => {
    const { manager, memory } = setup();
    const sessions = [await loggedIn(manager, 'alice'), await loggedIn(manager, 'alice')];
    const bob = await loggedIn(manager, 'bob');
    const ended = await manager.revoke('alice');
    expect(ended.sort()).toEqual(sessions.map((s) => s.id).sort());
    for (const s of sessions) expect((await manager.load(s.token)).isNew).toBe(true);
    expect(await memory.inspection.contents()).toMatchObject({
      records: [bob.id],
      userIndex: { bob: [bob.id] },
    });
  });

  it('LC-9: revoke with except keeps the current session and ends all the others', async () => {
    const { manager } = setup();
    const current = await loggedIn(manager, 'alice');
    const others = [await loggedIn(manager, 'alice'), await loggedIn(manager, 'alice')];
    expect((await manager.revoke('alice', { except: current.id })).sort()).toEqual(
      others.map((o) => o.id).sort(),
    );
    expect((await manager.load(current.token)).userId).toBe('alice');
    for (const o of others) expect((await manager.load(o.token)).isNew).toBe(true);
    expect((await manager.listSessions('alice')).map((x) => x.sessionId)).toEqual([current.id]);
  });
});

describe('LC-10: credential change', () => {
  it('LC-10: ends every other session of the user and rotates the current one', async () => {
    const { manager, memory, events } = setup();
    const current = await loggedIn(manager, 'alice');
    const others = [await loggedIn(manager, 'alice'), await loggedIn(manager, 'alice')];
    const bob = await loggedIn(manager, 'bob');
    const s = await manager.load(current.token);
    s.changeCredential();
    const next = tokenOf(await s.commit());
    expect(next.split('.')[0]).toBe(current.id);
    expect((await manager.load(current.token)).isNew).toBe(true);
    const after = await manager.load(next);
    expect(after.userId).toBe('alice');
    expect(after.isFresh).toBe(true);
    for (const o of others) expect((await manager.load(o.token)).isNew).toBe(true);
    expect((await manager.load(bob.token)).userId).toBe('bob');
    expect((await memory.inspection.contents()).userIndex).toEqual({ alice: [current.id], bob: [bob.id] });
    const revoked = events.filter((e) => e.type === 'revoked');
    expect(revoked.map((e) => e.sessionId).sort()).toEqual(others.map((o) => o.id).sort());
    expect(revoked.every((e) => e.reason === 'credential-change')).toBe(true);
  });

  it("LC-10: the other sessions end before the rotation is stored: a fault in between never kills the user's own cookie while the others live", async () => {
    // The store fails every per-user deletion: the change fails as a whole and nothing was rotated.
    let failDeletes = true;
    const { manager } = setup(
      {},
      {
        around: (op, _args, run) =>
          op === 'destroyByUser' && failDeletes ? Promise.reject(new Error('connection reset')) : run(),
      },
    );
    const current = await loggedIn(manager, 'alice');
    const attacker = await loggedIn(manager, 'alice');
    const s = await manager.load(current.token);
    s.changeCredential();
    expect((await errorOf(() => s.commit())).code).toBe('STORE_UNAVAILABLE');
    // The user's cookie still works (and may try again); nothing was half done.
    expect((await manager.load(current.token)).userId).toBe('alice');
    failDeletes = false;
    const again = await manager.load(current.token);
    again.changeCredential();
    const next = tokenOf(await again.commit());
    expect((await manager.load(next)).userId).toBe('alice');
    expect((await manager.load(attacker.token)).isNew).toBe(true);
  });

  it("LC-10: when the rotation fails after the others ended, the user's session stays as it was", async () => {
    const { manager } = setup(
      {},
      {
        around: (op, _args, run) => (op === 'write' ? Promise.reject(new Error('connection reset')) : run()),
      },
    );
    const current = await loggedIn(manager, 'alice');
    const attacker = await loggedIn(manager, 'alice');
    const s = await manager.load(current.token);
    s.changeCredential();
    await errorOf(() => s.commit());
    expect((await manager.load(attacker.token)).isNew).toBe(true);
    expect((await manager.load(current.token)).userId).toBe('alice');
  });

  it('LC-10: needs an authenticated session', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    expect((await errorOf(() => s.changeCredential())).code).toBe('NOT_AUTHENTICATED');
  });
});

describe('LC-12: per-user cap', () => {
  it('LC-12: end-oldest ends the session bound earliest, even when it was seen most recently', async () => {
    const { manager, clock, events } = setup({ maxSessionsPerUser: 2, touchEvery: 0 });
    const first = await loggedIn(manager, 'alice');
    clock.advance(MIN);
    const second = await loggedIn(manager, 'alice');
    clock.advance(MIN);
    // The first session is used again: seeing it does not make it bound any later.
    const touched = await manager.load(first.token);
    await touched.commit();
    clock.advance(MIN);
    const third = await loggedIn(manager, 'alice');
    expect((await manager.listSessions('alice')).map((x) => x.sessionId).sort()).toEqual(
      [second.id, third.id].sort(),
    );
    expect((await manager.load(first.token)).isNew).toBe(true);
    expect(events.filter((e) => e.type === 'revoked').map((e) => [e.sessionId, e.reason])).toEqual([
      [first.id, 'user-cap'],
    ]);
    // Re-authenticating an existing session is not a new one: nothing more is ended.
    const again = await manager.load(third.token);
    again.authenticate('alice');
    await again.commit();
    expect(await manager.listSessions('alice')).toHaveLength(2);
  });

  it('LC-12: by default a user keeps at most 100 live sessions (the earliest bound end); false turns the cap off', async () => {
    const capped = setup();
    const first = await loggedIn(capped.manager, 'alice');
    for (let i = 0; i < 100; i++) {
      capped.clock.advance(1);
      await loggedIn(capped.manager, 'alice');
    }
    const left = await capped.manager.listSessions('alice');
    expect(left).toHaveLength(100);
    expect(left.map((x) => x.sessionId)).not.toContain(first.id);
    const open = setup({ maxSessionsPerUser: false });
    for (let i = 0; i < 101; i++) await loggedIn(open.manager, 'alice');
    expect(await open.manager.listSessions('alice')).toHaveLength(101);
    expect(() => createSessionManager({ store: open.store, maxSessionsPerUser: true as never })).toThrow(
      /maxSessionsPerUser/,
    );
  });

  it('LC-12: refuse throws USER_CAP_REACHED and writes nothing', async () => {
    const { manager, memory, store, clock } = setup({ maxSessionsPerUser: { max: 2, onExceed: 'refuse' } });
    await loggedIn(manager, 'alice');
    await loggedIn(manager, 'alice');
    const anon = await stored(manager, { cart: [1] });
    const before = await memory.inspection.contents();
    const writes = store.count('write') + store.count('create') + store.count('destroy');
    const s = await manager.load(anon.token);
    s.authenticate('alice');
    expect((await errorOf(() => s.commit())).code).toBe('USER_CAP_REACHED');
    const fresh = await manager.load(undefined);
    fresh.authenticate('alice');
    expect((await errorOf(() => fresh.commit())).code).toBe('USER_CAP_REACHED');
    expect(store.count('write') + store.count('create') + store.count('destroy')).toBe(writes);
    expect(await memory.inspection.contents()).toEqual(before);
    const record = (await memory.read(anon.id, clock.now())) as SessionRecord;
    expect(record.userId).toBeNull();
    // Another user is not affected by alice's cap.
    await loggedIn(manager, 'bob');
  });
});

describe('CC-5: withLock', () => {
  it('CC-5: two managers on one store never run the locked section at the same time', async () => {
    const env = setup();
    const other = env.another();
    const { token } = await stored(env.manager);
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const section = (name: string) => async () => {
      inside += 1;
      most = Math.max(most, inside);
      order.push(`${name}+`);
      await turns(20);
      order.push(`${name}-`);
      inside -= 1;
      return name;
    };
    const [s1, s2] = [await env.manager.load(token), await other.load(token)];
    const results = await Promise.all([
      env.manager.withLock(s1, section('a')),
      other.withLock(s2, section('b')),
      env.manager.withLock(s1, section('c')),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(order).toHaveLength(6);
    expect((await env.memory.inspection.contents()).locks).toBe(0);
  });

  it('CC-5: a lock whose owner died expires after its TTL; only the owner releases', async () => {
    const env = setup();
    const other = env.another();
    const { token } = await stored(env.manager);
    const s = await env.manager.load(token);
    let finishDead!: () => void;
    // The first holder hangs (as a dead process would) while holding the lock.
    const dead = env.manager.withLock(s, () => new Promise<void>((resolve) => (finishDead = resolve)), {
      ttl: 10_000,
    });
    await turns(2);
    const refused = await errorOf(() => other.withLock(s, async () => 'x', { wait: 0 }));
    expect(refused.code).toBe('LOCK_UNAVAILABLE');
    env.clock.advance(9_999);
    expect((await errorOf(() => other.withLock(s, async () => 'x', { wait: 0 }))).code).toBe(
      'LOCK_UNAVAILABLE',
    );
    env.clock.advance(1);
    let finishSecond!: () => void;
    let secondRunning = false;
    const second = other.withLock(
      s,
      () =>
        new Promise<string>((resolve) => {
          secondRunning = true;
          finishSecond = () => resolve('second');
        }),
      { wait: 0, ttl: 10_000 },
    );
    await turns(2);
    expect(secondRunning).toBe(true);
    // The dead owner wakes up and releases: it is no longer the owner, so the lock stays held.
    finishDead();
    await dead;
    expect((await errorOf(() => env.manager.withLock(s, async () => 'x', { wait: 0 }))).code).toBe(
      'LOCK_UNAVAILABLE',
    );
    finishSecond();
    expect(await second).toBe('second');
    expect(await env.manager.withLock(s, async () => 'third', { wait: 0 })).toBe('third');
  });

  it("CC-5: fn's result stands when the release fails (the lock expires after its TTL)", async () => {
    const { manager, memory } = setup();
    const s = await manager.load((await stored(manager)).token);
    const release = memory.locks.release;
    Object.assign(memory.locks, { release: async () => Promise.reject(new Error('connection reset')) });
    try {
      expect(await manager.withLock(s, async () => 'done')).toBe('done');
    } finally {
      Object.assign(memory.locks, { release });
    }
  });

  it('CC-5: the wait is measured on the injected clock', async () => {
    const env = setup();
    const other = env.another();
    const s = await env.manager.load((await stored(env.manager)).token);
    let finish!: () => void;
    const holder = env.manager.withLock(s, () => new Promise<void>((resolve) => (finish = resolve)), {
      ttl: 600_000,
    });
    await turns(2);
    // A minute of waiting passes on the manager's clock while the lock stays held: the waiter gives up
    // then, not after a minute of real time.
    const waiting = errorOf(() => other.withLock(s, async () => 'x', { wait: 60_000 }));
    await turns(2);
    env.clock.advance(60_000);
    expect((await waiting).code).toBe('LOCK_UNAVAILABLE');
    finish();
    await holder;
  });

  it('CC-5: a thrown error releases the lock', async () => {
    const { manager, memory } = setup();
    const s = await manager.load((await stored(manager)).token);
    await expect(
      manager.withLock(s, async () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect((await memory.inspection.contents()).locks).toBe(0);
  });

  it('CC-5: LOCK_UNAVAILABLE when the store has no locks', async () => {
    const { manager } = setup({}, { locks: false });
    const s = await manager.load(undefined);
    let ran = false;
    const error = await errorOf(() =>
      manager.withLock(s, async () => {
        ran = true;
      }),
    );
    expect(error.code).toBe('LOCK_UNAVAILABLE');
    expect(ran).toBe(false);
  });
});

describe('SEC-2: fail closed', () => {
  const failing = (ops: string[]) => ({
    around: async (op: string, _args: readonly unknown[], run: () => Promise<unknown>) => {
      if (ops.includes(op)) throw new Error('ECONNREFUSED');
      return run();
    },
  });

  it('SEC-2: a failing store gives STORE_UNAVAILABLE on load, never an anonymous stand-in', async () => {
    const env = setup();
    const { token } = await loggedIn(env.manager, 'alice');
    const broken = createSessionManager({
      store: wrapStore(env.memory, failing(['read'])),
      clock: env.clock,
    });
    const error = await errorOf(() => broken.load(token));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(String((error.cause as Error).message)).toBe('ECONNREFUSED');
    // Without a token there is nothing to read: a new session needs no store.
    expect((await broken.load(undefined)).isNew).toBe(true);
  });

  it('SEC-2: a store call that never answers times out with STORE_UNAVAILABLE', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const env = setup();
    const { token } = await loggedIn(env.manager, 'alice');
    const hanging = createSessionManager({
      store: wrapStore(env.memory, { around: () => new Promise(() => {}) }),
      clock: env.clock,
      storeTimeout: 500,
    });
    let settled: unknown = 'pending';
    const pending = hanging.load(token).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    void pending.then((v) => (settled = v));
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(isSessionError(settled, 'STORE_UNAVAILABLE')).toBe(true);
  });

  it('SEC-2: failing creates, lists and revocations surface as STORE_UNAVAILABLE', async () => {
    const env = setup();
    const broken = createSessionManager({
      store: wrapStore(env.memory, failing(['create', 'listByUser', 'destroyByUser', 'purgeExpired'])),
      clock: env.clock,
    });
    const s = await broken.load(undefined);
    s.set('x', 1);
    expect((await errorOf(() => s.commit())).code).toBe('STORE_UNAVAILABLE');
    expect((await errorOf(() => broken.listSessions('u'))).code).toBe('STORE_UNAVAILABLE');
    expect((await errorOf(() => broken.revoke('u'))).code).toBe('STORE_UNAVAILABLE');
    expect((await errorOf(() => broken.purgeExpired())).code).toBe('STORE_UNAVAILABLE');
    expect(await env.memory.inspection.contents()).toEqual(empty);
  });

  it('SEC-2, CC-7: a write that fails while the store stays unreadable is INDETERMINATE, never reported as saved', async () => {
    const env = setup();
    const { token } = await stored(env.manager, { n: 1 });
    const broken = createSessionManager({
      store: wrapStore(env.memory, {
        around: async (op, _args, run) => {
          if (op === 'write') throw new Error('ETIMEDOUT');
          if (op === 'read' && reads++ > 0) throw new Error('ECONNRESET');
          return run();
        },
      }),
      clock: env.clock,
    });
    let reads = 0;
    const s = await broken.load(token);
    s.set('n', 2);
    const error = await errorOf(() => s.commit());
    expect(error.code).toBe('INDETERMINATE');
    expect((await env.manager.load(token)).get('n')).toBe(1);
  });
});

/** A well-formed ring entry (CC-6): a rotation at T0, a 22-character hash. */
const RING_ENTRY = `r${T0.toString(36)}${'A'.repeat(22)}`;

describe('SEC-3: corrupt or tampered records', () => {
  const tamperings: [string, (r: SessionRecord) => string][] = [
    ['bytes that are not JSON', () => '{"sessionId": "'],
    ['JSON that is not an object', () => '[1,2,3]'],
    ['a record for another id', (r) => JSON.stringify({ ...r, sessionId: 'B'.repeat(22) })],
    ['a bound user with an anonymous state', (r) => JSON.stringify({ ...r, userId: 'mallory' })],
    ['a non-string secret hash', (r) => JSON.stringify({ ...r, secretHash: 42 })],
    ['buckets that are not objects', (r) => JSON.stringify({ ...r, browser: 'x', user: [1] })],
    ['an unknown format', (r) => JSON.stringify({ ...r, format: 99 })],
    ['a terminal state', (r) => JSON.stringify({ ...r, state: 'destroyed' })],
    ['format 3 without its ring', (r) => JSON.stringify({ ...r, retired: undefined })],
    ['a ring entry that does not parse', (r) => JSON.stringify({ ...r, retired: ['r1'] })],
    [
      'a ring longer than RETIRED_SECRETS',
      (r) => JSON.stringify({ ...r, retired: Array(4).fill(RING_ENTRY) }),
    ],
    ['a reason without a previous secret', (r) => JSON.stringify({ ...r, previousReason: 'r' })],
    [
      'an unknown reason',
      (r) => JSON.stringify({ ...r, previousHash: 'h', previousUntil: 1, previousReason: 'x' }),
    ],
  ];

  it.each(tamperings)(
    'SEC-3: %s reads as absent with a tampered event, and nothing crashes',
    async (_n, tamper) => {
      const { manager, memory, clock, events } = setup();
      const { token, id } = await stored(manager, { cart: [1] });
      const record = (await memory.read(id, clock.now())) as SessionRecord;
      memoryStoreInternals(memory).putRaw(id, tamper(record));
      const s = await manager.load(token);
      expect(s.isNew).toBe(true);
      expect(s.id).not.toBe(id);
      expect(s.get('cart')).toBeUndefined();
      expect(events.filter((e) => e.type === 'tampered').map((e) => e.sessionId)).toEqual([id]);
      // The request carries on normally with its new session.
      s.set('ok', true);
      expect(tokenOf(await s.commit()).split('.')[0]).toBe(s.id);
    },
  );

  it('SEC-3: a record corrupted under an in-flight request fails its save closed', async () => {
    const { manager, memory } = setup();
    const { token, id } = await stored(manager, { n: 1 });
    const s = await manager.load(token);
    memoryStoreInternals(memory).putRaw(id, 'garbage');
    s.set('n', 2);
    expect((await errorOf(() => s.commit())).code).toBe('SESSION_GONE');
  });
});

describe('SEC-4: audit events', () => {
  it('SEC-4: every lifecycle event is raised with the sessionId, and no event, error or result carries a secret', async () => {
    const env = setup({ rotationGrace: 1000, maxSessionsPerUser: 2, attempts: 1, idleTimeout: 10 * MIN });
    const { manager, clock, memory, events } = env;
    const secrets: string[] = [];
    const texts: string[] = [];
    const keep = (token: string) => {
      secrets.push(token.split('.')[1]!);
      return token;
    };
    const catching = async (fn: () => unknown) => {
      try {
        texts.push(JSON.stringify(await fn()) ?? '');
      } catch (error) {
        texts.push(String(error), (error as Error).stack ?? '', JSON.stringify(error));
      }
    };

    // created, authenticated, rotated, logged-out, destroyed
    const a = await manager.load(undefined);
    a.set('x', 1);
    let t = keep(tokenOf(await a.commit()));
    let s = await manager.load(t);
    s.authenticate('alice');
    t = keep(tokenOf(await s.commit()));
    s = await manager.load(t);
    s.rotate();
    const rotatedAway = t;
    t = keep(tokenOf(await s.commit()));
    // reuse-detected: the rotated-away secret after its window
    clock.advance(1000);
    await catching(() => manager.load(rotatedAway));
    // credential-mismatch: a secret the session never had (ID-3)
    await catching(() => manager.load(`${s.id}.${'B'.repeat(42)}A`));
    s = await manager.load(t);
    s.logout();
    t = keep(tokenOf(await s.commit()));
    s = await manager.load(t);
    s.destroy();
    await catching(() => s.commit());
    // revoked: by the user, by the cap
    const r1 = await loggedIn(manager, 'bob');
    keep(r1.token);
    // LC-12: one millisecond apart, so the cap ends the first (equal times are ordered by session id).
    clock.advance(1);
    keep((await loggedIn(manager, 'bob')).token);
    clock.advance(1);
    keep((await loggedIn(manager, 'bob')).token);
    await catching(() => manager.revoke('bob'));
    // expired
    const e = await stored(manager);
    keep(e.token);
    clock.advance(10 * MIN);
    await catching(() => manager.load(e.token));
    // conflict: two managers, one attempt each
    const c = await stored(manager, { n: 0 });
    keep(c.token);
    const other = env.another();
    const [c1, c2] = [await manager.load(c.token), await other.load(c.token)];
    c1.set('n', 1);
    c2.set('n', 2);
    await catching(() => c1.commit());
    await catching(() => c2.commit());
    // tampered
    const bad = await stored(manager);
    keep(bad.token);
    memoryStoreInternals(memory).putRaw(bad.id, 'not json');
    await catching(() => manager.load(bad.token));
    // errors that mention sessions
    await catching(() => s.set('y', 1));
    await catching(() => manager.listSessions('bob'));

    const types = new Set(events.map((ev) => ev.type));
    for (const type of AUDIT_EVENT_TYPES) expect(types, `no '${type}' event`).toContain(type);
    for (const ev of events) {
      expect(ev.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(ev.at).toBeGreaterThanOrEqual(T0);
    }
    const everything = JSON.stringify(events) + texts.join('\n');
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    // Nor the stored hashes: an event is not a credential store.
    const contents = await memory.inspection.contents();
    for (const id of contents.records) {
      const record = (await memory.read(id, clock.now())) as SessionRecord | 'expired';
      if (record !== 'expired' && typeof record === 'object' && record !== null)
        expect(everything).not.toContain(record.secretHash);
    }
  });

  it('SEC-4: a listener that throws never breaks a request', async () => {
    const store = createMemoryStore({ sweepEvery: false });
    const manager = createSessionManager({
      store,
      onEvent: () => {
        throw new Error('audit sink down');
      },
    });
    const s = await manager.load(undefined);
    s.authenticate('u');
    expect((await s.commit()).cookie.action).toBe('set');
  });
});

describe('SEC-6: no write amplification', () => {
  it('SEC-6: loading with an unknown token writes nothing', async () => {
    const { manager, store } = setup();
    const s = await manager.load(`${'A'.repeat(22)}.${'B'.repeat(42)}A`);
    expect(store.log.map((l) => l.op)).toEqual(['read']);
    expect(await s.commit()).toEqual({ cookie: { action: 'clear' }, wrote: false });
    expect(store.log.map((l) => l.op)).toEqual(['read']);
  });

  it('SEC-6: an untouched new session is not persisted', async () => {
    const { manager, store, memory } = setup();
    for (let i = 0; i < 10; i++) {
      const s = await manager.load(undefined);
      s.get('x');
      expect(await s.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
    }
    expect(store.count()).toBe(0);
    expect(await memory.inspection.contents()).toEqual(empty);
  });

  it('SEC-6: a new session that keeps nothing draws no id or secret and hashes nothing; its id, once read, is the one it is stored under', async () => {
    const { manager } = setup();
    // Spies on node:crypto's one-shot hash and on the base64url encoding every random id goes through.
    const hashes = vi.spyOn(crypto, 'hash');
    syncBuiltinESMExports();
    const encodes = vi.spyOn(Buffer.prototype, 'toString');
    try {
      const s = await manager.load(undefined);
      s.get('x');
      expect(s.verifyCsrfToken('not-a-token')).toBe(false);
      expect(await s.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
      expect(hashes).not.toHaveBeenCalled();
      expect(encodes.mock.calls.filter((call) => call[0] === 'base64url')).toEqual([]);
    } finally {
      hashes.mockRestore();
      encodes.mockRestore();
      syncBuiltinESMExports();
    }
    const s = await manager.load(undefined);
    const id = s.id;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s.id).toBe(id);
    const csrf = s.csrfToken();
    s.set('k', 1);
    const token = tokenOf(await s.commit());
    expect(parseToken(token)?.sessionId).toBe(id);
    const again = await manager.load(token);
    expect(again.id).toBe(id);
    expect(again.get('k')).toBe(1);
    expect(again.verifyCsrfToken(csrf)).toBe(true);
  });

  it('SEC-6: logout or destroy without a live session writes nothing', async () => {
    const { manager, store } = setup();
    const dead = `${'A'.repeat(22)}.${'B'.repeat(42)}A`;
    for (const token of [undefined, dead]) {
      for (const act of ['logout', 'destroy', 'logout-destroy'] as const) {
        const s = await manager.load(token);
        if (act === 'logout') s.logout();
        if (act === 'destroy') s.destroy();
        if (act === 'logout-destroy') s.logout({ destroy: true });
        expect((await s.commit()).wrote).toBe(false);
      }
    }
    expect(store.log.filter((l) => l.op !== 'read')).toEqual([]);
  });

  it('SEC-6, PERF-1: a read-only request with no touch due costs one read and no write', async () => {
    const { manager, store } = setup();
    const { token } = await loggedIn(manager, 'u');
    const before = store.count();
    const s = await manager.load(token);
    s.get('x');
    s.user.get('y');
    expect(await s.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
    expect(store.log.slice(before).map((l) => l.op)).toEqual(['read']);
  });
});

describe('ST: the manager side of the store contract', () => {
  it('ST-1: the manager runs on the seven core methods alone (no locks, no inspection)', async () => {
    const memory = createMemoryStore({ sweepEvery: false });
    const core: SessionStore = {
      supports: { contract: 2, locks: false, inspection: false, userIndex: 'exact' },
      create: (r, n) => memory.create(r, n),
      read: (i, n) => memory.read(i, n),
      write: (r, v, n) => memory.write(r, v, n),
      destroy: (i) => memory.destroy(i),
      listByUser: (u, n, p) => memory.listByUser(u, n, p),
      destroyByUser: (u, e, p) => memory.destroyByUser(u, e, p),
      purgeExpired: (n) => memory.purgeExpired(n),
      close: () => memory.close(),
    };
    const manager = createSessionManager({ store: core });
    const s = await manager.load(undefined);
    s.authenticate('u');
    s.set('k', 1);
    const t = tokenOf(await s.commit());
    const again = await manager.load(t);
    again.update('k', (v) => (v as number) + 1);
    await again.commit();
    expect((await manager.load(t)).get('k')).toBe(2);
    expect(await manager.revoke('u')).toEqual([s.id]);
    await manager.close();
  });

  it('ST-2: live, expired and absent are told apart; purge removes exactly the expired', async () => {
    const { manager, clock, memory, events } = setup({ idleTimeout: 10 * MIN });
    const old = await stored(manager);
    clock.advance(5 * MIN);
    const young = await stored(manager);
    clock.advance(5 * MIN);
    expect((await manager.load(old.token)).isNew).toBe(true);
    expect(events.filter((e) => e.type === 'expired').map((e) => e.sessionId)).toEqual([old.id]);
    expect((await manager.load(young.token)).isNew).toBe(false);
    expect(await manager.purgeExpired()).toBe(1);
    expect((await memory.inspection.contents()).records).toEqual([young.id]);
    expect(await manager.purgeExpired()).toBe(0);
  });

  it("ST-3: the manager passes its clock's time to every store call; the store's own clock does not matter", async () => {
    const clock = createManualClock(T0);
    // A store whose own clock is wildly off: only the `now` it is given may decide anything.
    const memory = createMemoryStore({ clock: () => 0, sweepEvery: false });
    const store = wrapStore(memory);
    const manager = createSessionManager({ store, clock, idleTimeout: 10 * MIN });
    const { token } = await loggedIn(manager, 'u');
    clock.advance(2 * MIN);
    const s = await manager.load(token);
    s.set('k', 1);
    await s.commit();
    await manager.listSessions('u');
    clock.advance(10 * MIN);
    expect((await manager.load(token)).isNew).toBe(true);
    expect(await manager.purgeExpired()).toBe(1);
    const timed = store.log.filter((l) => l.op !== 'destroy' && l.op !== 'destroyByUser');
    expect(timed.length).toBeGreaterThanOrEqual(6);
    for (const { op, args } of timed) {
      const now = args[op === 'write' ? 2 : 1] ?? args[0];
      expect(typeof now === 'number' && now >= T0 && now <= clock.now(), `${op} got ${String(now)}`).toBe(
        true,
      );
    }
  });

  it('ST-5: after ending, revocation, credential change, cap and expiry plus purge, nothing of those sessions remains', async () => {
    const { manager, memory, clock } = setup({ maxSessionsPerUser: 1, idleTimeout: 10 * MIN });
    const d = await loggedIn(manager, 'dave');
    const s = await manager.load(d.token);
    s.destroy();
    await s.commit();
    await loggedIn(manager, 'carol');
    await manager.revoke('carol');
    await loggedIn(manager, 'erin');
    clock.advance(1);
    await loggedIn(manager, 'erin'); // the cap ends the first
    const kept = (await manager.listSessions('erin'))[0]!;
    await manager.revokeSession('erin', kept.sessionId);
    await stored(manager);
    clock.advance(10 * MIN);
    await manager.purgeExpired();
    expect(await memory.inspection.contents()).toEqual(empty);
  });

  it('ST-7: a record of format 1 loads and is upgraded on the next write', async () => {
    const { manager, memory, clock } = setup();
    const { token, id } = await loggedIn(manager, 'alice');
    const current = (await memory.read(id, clock.now())) as SessionRecord;
    const { freshUntil: _f, labels: _l, writeIds: _w, ...rest } = current;
    const v1 = { ...rest, format: 1, browser: { cart: ['old'] } };
    memoryStoreInternals(memory).putRaw(id, JSON.stringify(v1));
    const s = await manager.load(token);
    expect(s.userId).toBe('alice');
    expect(s.get('cart')).toEqual(['old']);
    expect(s.labels).toEqual({});
    expect((await manager.listSessions('alice'))[0]!.labels).toEqual({});
    s.set('cart', ['old', 'new']);
    s.setLabel('device', 'laptop');
    await s.commit();
    const upgraded = (await memory.read(id, clock.now())) as SessionRecord;
    expect(upgraded.format).toBe(3);
    expect(upgraded.labels).toEqual({ device: 'laptop' });
    expect(upgraded.writeIds).toHaveLength(1);
    expect(upgraded.version).toBe(current.version + 1);
    expect((await manager.load(token)).get('cart')).toEqual(['old', 'new']);
  });

  /** The stored record of `id` as format 2 wrote it: no `previousReason`, no ring. */
  const asFormat2 = async (memory: Setup['memory'], id: string, now: number) => {
    const { previousReason: _p, retired: _r, ...rest } = (await memory.read(id, now)) as SessionRecord;
    memoryStoreInternals(memory).putRaw(id, JSON.stringify({ ...rest, format: 2 }));
  };

  it('ST-7, CC-6: a format-2 record keeps what its previous secret meant: a plain rotation ends on reuse, a logout does not', async () => {
    const { manager, memory, clock, events } = setup({ endOnReuse: true });
    const rotatedAway = await loggedIn(manager, 'alice');
    clock.advance(1);
    const rotating = await manager.load(rotatedAway.token);
    rotating.rotate();
    const current = tokenOf(await rotating.commit());
    await asFormat2(memory, rotatedAway.id, clock.now());
    const loggedOut = await loggedIn(manager, 'bob');
    const out = await manager.load(loggedOut.token);
    out.logout();
    const anonymous = tokenOf(await out.commit());
    await asFormat2(memory, loggedOut.id, clock.now());
    clock.advance(10 * MIN);
    expect((await manager.load(loggedOut.token)).isNew).toBe(true);
    expect((await manager.load(anonymous)).isNew).toBe(false);
    expect((await manager.load(rotatedAway.token)).isNew).toBe(true);
    expect((await manager.load(current)).isNew).toBe(true);
    expect(events.filter((e) => e.type === 'reuse-detected')).toHaveLength(2);
  });

  it('ST-7, CC-6: a write upgrades a format-2 record to format 3: its previous secret gets its reason, and later rotations fill the ring', async () => {
    const { manager, memory, clock, events } = setup();
    const { token, id } = await loggedIn(manager, 'alice');
    await asFormat2(memory, id, clock.now());
    const rotating = await manager.load(token);
    rotating.rotate();
    const current = tokenOf(await rotating.commit());
    const upgraded = (await memory.read(id, clock.now())) as SessionRecord;
    expect(upgraded.format).toBe(3);
    expect(upgraded.previousReason).toBe('r');
    // The login's secret, retired by an authentication (previousUntil === authenticatedAt in format 2).
    expect(upgraded.retired).toHaveLength(1);
    expect(upgraded.retired[0]!.startsWith('a')).toBe(true);
    expect((await manager.load(current)).userId).toBe('alice');
    await manager.load(token);
    expect(events.at(-1)?.type).toBe('reuse-detected');
  });
});

describe('close', () => {
  it('waits for queued commits, then closes the store', async () => {
    const { manager, memory } = setup(
      {},
      {
        around: async (_op, _a, run) => {
          await turns(3);
          return run();
        },
      },
    );
    const { token } = await stored(manager, { n: 0 });
    const s = await manager.load(token);
    s.set('n', 1);
    const pending = s.commit();
    await manager.close();
    expect((await pending).wrote).toBe(true);
    expect(memoryStoreInternals(memory).timer).toBeUndefined();
  });
});
