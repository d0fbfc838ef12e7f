import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REUSE_RACE_MARGIN } from '../spec/index.js';
import { expectCode, loggedIn, setup, stored, T0, tokenOf } from '../test/stores.js';
import type { SessionRecord } from './index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('lifecycle through the session handle', () => {
  it('LC-1: an ended session is terminal: every later change or lifecycle call fails with SESSION_GONE', async () => {
    const { manager } = setup();
    const { token } = await loggedIn(manager, 'u1');
    const session = await manager.load(token);
    session.destroy();
    expect(session.status).toBe('destroyed');
    await expectCode(() => session.set('k', 1), 'SESSION_GONE');
    await expectCode(() => session.authenticate('u1'), 'SESSION_GONE');
    await expectCode(() => session.rotate(), 'SESSION_GONE');
    await expectCode(() => session.setExpiry({ idleTimeout: 1 }), 'SESSION_GONE');
    expect((await session.commit()).cookie).toEqual({ action: 'clear' });
    expect(session.status).toBe('destroyed');
    // Destroying again is a no-op, and the token never comes back to life.
    session.destroy();
    expect((await manager.load(token)).isNew).toBe(true);
  });

  it('LC-2: authenticate from anonymous rotates the secret, keeps the browser bucket, starts an empty user bucket', async () => {
    const { manager, clock } = setup();
    const { token, id } = await stored(manager, { cart: ['sku-1'] });
    clock.advance(5_000);
    const session = await manager.load(token);
    await expectCode(() => session.user.set('x', 1), 'NOT_AUTHENTICATED');
    session.authenticate('alice');
    expect(session.userId).toBe('alice');
    expect(session.user.keys()).toEqual([]);
    session.user.set('theme', 'dark');
    const next = tokenOf(await session.commit());
    expect(next).not.toBe(token);
    expect(next.split('.')[0]).toBe(id);
    expect((await manager.load(token)).isNew).toBe(true); // fixation defence: the pre-login secret is dead
    const after = await manager.load(next);
    expect(after.userId).toBe('alice');
    expect(after.isAuthenticated).toBe(true);
    expect(after.authenticatedAt).toBe(clock.now());
    expect(after.get('cart')).toEqual(['sku-1']);
    expect(after.user.get('theme')).toBe('dark');
  });

  it('LC-3: the same user again is a re-authentication (user bucket kept); another user wipes it and rotates', async () => {
    const { manager, clock } = setup();
    const { token } = await loggedIn(manager, 'alice');
    let s = await manager.load(token);
    s.user.set('secret-note', 'alice only');
    s.set('cart', [1]);
    // Data changes alone send no new cookie.
    expect((await s.commit()).cookie).toEqual({ action: 'none' });
    let t = token;
    clock.advance(1000);

    s = await manager.load(t);
    s.authenticate('alice');
    expect(s.user.get('secret-note')).toBe('alice only');
    t = tokenOf(await s.commit());
    s = await manager.load(t);
    expect(s.user.get('secret-note')).toBe('alice only');
    expect(s.authenticatedAt).toBe(clock.now());

    s.authenticate('bob');
    expect(s.user.get('secret-note')).toBeUndefined();
    const bobToken = tokenOf(await s.commit());
    expect(bobToken).not.toBe(t);
    const bob = await manager.load(bobToken);
    expect(bob.userId).toBe('bob');
    expect(bob.user.keys()).toEqual([]);
    expect(bob.get('cart')).toEqual([1]);
    expect((await manager.load(t)).userId).toBeNull();
  });

  it("LC-3: a user-bucket write made for alice never lands in bob's bucket, even when it races the switch", async () => {
    const { manager } = setup();
    const { token } = await loggedIn(manager, 'alice');
    const aliceRequest = await manager.load(token);
    const switching = await manager.load(token);
    aliceRequest.user.set('card', '4111');
    switching.authenticate('bob');
    const bobToken = tokenOf(await switching.commit());
    // CC-4: the switch wins; alice's in-flight save fails closed instead of landing under bob.
    await expectCode(() => aliceRequest.commit(), 'SESSION_GONE');
    const bob = await manager.load(bobToken);
    expect(bob.userId).toBe('bob');
    expect(bob.user.keys()).toEqual([]);
  });

  it('LC-4: rotate keeps data, user, sessionId and deadlines; the old secret stops at once', async () => {
    const { manager, clock } = setup();
    const { token, id } = await loggedIn(manager, 'u1');
    let s = await manager.load(token);
    s.set('b', 1);
    s.user.set('u', 2);
    await s.commit();
    const t1 = token;
    s = await manager.load(t1);
    const before = { expiresAt: s.expiresAt, createdAt: s.createdAt, auth: s.authenticatedAt };
    s.rotate();
    const t2 = tokenOf(await s.commit());
    expect(t2.split('.')[0]).toBe(id);
    const after = await manager.load(t2);
    expect(after.get('b')).toBe(1);
    expect(after.user.get('u')).toBe(2);
    expect(after.userId).toBe('u1');
    expect({ expiresAt: after.expiresAt, createdAt: after.createdAt, auth: after.authenticatedAt }).toEqual(
      before,
    );
    expect((await manager.load(t1)).isNew).toBe(true);
    clock.advance(1);
    expect((await manager.load(t2)).userId).toBe('u1');
  });

  it('LC-5: logout wipes the user bucket and binding, rotates, keeps the browser bucket', async () => {
    const { manager, store } = setup();
    const { token, id } = await loggedIn(manager, 'u1');
    let s = await manager.load(token);
    s.set('cart', ['sku']);
    s.user.set('orders', [1, 2]);
    await s.commit();
    const t = token;
    s = await manager.load(t);
    s.logout();
    const out = tokenOf(await s.commit());
    expect(out).not.toBe(t);
    const after = await manager.load(out);
    expect(after.id).toBe(id);
    expect(after.userId).toBeNull();
    expect(after.isAuthenticated).toBe(false);
    expect(after.get('cart')).toEqual(['sku']);
    await expectCode(() => after.user.get('orders') ?? after.user.set('x', 1), 'NOT_AUTHENTICATED');
    expect((await manager.load(t)).isNew).toBe(true);
    expect(await manager.listSessions('u1')).toEqual([]);
    // Logging out an anonymous session does nothing and writes nothing (SEC-6).
    const writes = store.count('write');
    after.logout();
    expect(await after.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
    expect(store.count('write')).toBe(writes);
  });

  it('LC-6: destroy deletes the record and index entry, clears the cookie, and nothing remains', async () => {
    const { manager, memory } = setup();
    const { token, id } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.destroy();
    const result = await s.commit();
    expect(result).toEqual({ cookie: { action: 'clear' }, wrote: true });
    expect(await memory.inspection.contents()).toEqual({ records: [], userIndex: {}, locks: 0, keys: [] });
    expect((await manager.load(token)).id).not.toBe(id);
  });

  it('LC-6: logout({ destroy: true }) ends the session like destroy()', async () => {
    const { manager, memory, events } = setup();
    const { token } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.logout({ destroy: true });
    expect((await s.commit()).cookie).toEqual({ action: 'clear' });
    expect((await memory.inspection.contents()).records).toEqual([]);
    expect(events.map((e) => e.type)).toContain('destroyed');
  });
});

describe('LC-7: lifetime', () => {
  it('LC-7: idle timeout: readable at deadline - 1, not at the deadline', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN, touchEvery: 1 });
    const { token } = await stored(manager);
    const created = clock.now();
    clock.set(created + 10 * MIN - 1);
    expect((await manager.load(token)).get('seed')).toBe(1);
    clock.set(created + 10 * MIN);
    const s = await manager.load(token);
    expect(s.isNew).toBe(true);
    expect(s.get('seed')).toBeUndefined();
  });

  it('LC-7: a touch moves the idle deadline; touches are throttled (PERF-1)', async () => {
    const { manager, clock, store } = setup({ idleTimeout: 10 * MIN, touchEvery: 0.5 });
    const { token } = await stored(manager);
    const t0 = clock.now();
    clock.set(t0 + 5 * MIN - 1);
    let s = await manager.load(token);
    expect(await s.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
    const writes = store.count('write');
    clock.set(t0 + 5 * MIN);
    s = await manager.load(token);
    expect((await s.commit()).wrote).toBe(true);
    expect(store.count('write')).toBe(writes + 1);
    clock.set(t0 + 15 * MIN - 1);
    expect((await manager.load(token)).get('seed')).toBe(1);
    clock.set(t0 + 15 * MIN);
    expect((await manager.load(token)).isNew).toBe(true);
  });

  it('LC-7: absolute timeout: readable at deadline - 1, not at the deadline, however active', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN, absoluteTimeout: HOUR, touchEvery: 0 });
    const { token } = await stored(manager);
    const created = clock.now();
    for (let t = created + 9 * MIN; t < created + HOUR; t += 9 * MIN) {
      clock.set(t);
      const s = await manager.load(token);
      expect(s.get('seed')).toBe(1);
      s.touch();
      await s.commit();
    }
    clock.set(created + HOUR - 1);
    expect((await manager.load(token)).get('seed')).toBe(1);
    clock.set(created + HOUR);
    expect((await manager.load(token)).isNew).toBe(true);
  });

  it('LC-7: the absolute deadline is not extended by touch, rotation or setExpiry', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN, absoluteTimeout: HOUR });
    let { token } = await loggedIn(manager, 'u1');
    const deadline = clock.now() + HOUR;
    for (const act of ['touch', 'rotate', 'setExpiry-longer', 'setExpiry-idle'] as const) {
      clock.advance(5 * MIN);
      const s = await manager.load(token);
      if (act === 'touch') s.touch();
      if (act === 'rotate') s.rotate();
      if (act === 'setExpiry-longer') s.setExpiry({ absoluteTimeout: 10 * HOUR });
      if (act === 'setExpiry-idle') s.setExpiry({ idleTimeout: 10 * HOUR });
      const result = await s.commit();
      if (result.cookie.action === 'set') token = result.cookie.token;
      expect(s.expiresAt).toBeLessThanOrEqual(deadline);
    }
    clock.set(deadline - 1);
    expect((await manager.load(token)).userId).toBe('u1');
    clock.set(deadline);
    expect((await manager.load(token)).userId).toBeNull();
  });

  it('LC-7: setExpiry can bring the absolute deadline earlier, and a new login may start a new policy', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * HOUR, absoluteTimeout: 10 * HOUR });
    const { token } = await stored(manager);
    const s = await manager.load(token);
    s.setExpiry({ absoluteTimeout: HOUR });
    await s.commit();
    const at = clock.now();
    clock.set(at + HOUR - 1);
    const live = await manager.load(token);
    expect(live.get('seed')).toBe(1);
    live.authenticate('u1', { absoluteTimeout: 2 * HOUR });
    const t = tokenOf(await live.commit());
    clock.set(at + HOUR + 1);
    expect((await manager.load(t)).userId).toBe('u1');
    clock.set(at + 3 * HOUR - 1 - 1);
    expect((await manager.load(t)).userId).toBe('u1');
    clock.set(at + HOUR - 1 + 2 * HOUR);
    expect((await manager.load(t)).userId).toBeNull();
  });

  it('LC-7: per-session overrides survive rotation and re-authentication', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN, touchEvery: 1 });
    let { token } = await loggedIn(manager, 'u1');
    let s = await manager.load(token);
    s.setExpiry({ idleTimeout: 2 * MIN, persistent: true });
    token = tokenOf(await s.commit());
    s = await manager.load(token);
    s.rotate();
    token = tokenOf(await s.commit());
    s = await manager.load(token);
    s.reauthenticate();
    token = tokenOf(await s.commit());
    const at = clock.now();
    expect((await manager.load(token)).persistent).toBe(true);
    clock.set(at + 2 * MIN - 1);
    expect((await manager.load(token)).userId).toBe('u1');
    clock.set(at + 2 * MIN);
    expect((await manager.load(token)).userId).toBeNull();
  });

  it('LC-7: cookies: Max-Age for a persistent session, browser-session otherwise, clear on ending', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN, absoluteTimeout: HOUR });
    const anon = await manager.load(undefined);
    anon.set('x', 1);
    const first = await anon.commit();
    expect(first.cookie).toMatchObject({ action: 'set', maxAge: null });

    const s = await manager.load(tokenOf(first));
    s.authenticate('u1', { persistent: true });
    const login = await s.commit();
    expect(login.cookie).toMatchObject({ action: 'set', maxAge: 10 * 60 });

    clock.advance(MIN / 2);
    const read = await manager.load(tokenOf(login));
    expect(await read.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });

    const ending = await manager.load(tokenOf(login));
    ending.destroy();
    expect((await ending.commit()).cookie).toEqual({ action: 'clear' });
    // A dead token presented again is cleared, even though nothing is written.
    const dead = await manager.load(tokenOf(login));
    expect(await dead.commit()).toEqual({ cookie: { action: 'clear' }, wrote: false });
  });
});

describe('LC-8: freshness', () => {
  it('LC-8: isFresh until authenticatedAt + freshFor; reauthenticate() refreshes it and rotates', async () => {
    const { manager, clock } = setup({ freshFor: 5 * MIN, touchEvery: 1 });
    const { token } = await loggedIn(manager, 'u1');
    const at = clock.now();
    clock.set(at + 5 * MIN - 1);
    expect((await manager.load(token)).isFresh).toBe(true);
    clock.set(at + 5 * MIN);
    const s = await manager.load(token);
    expect(s.isFresh).toBe(false);
    s.reauthenticate();
    expect(s.isFresh).toBe(true);
    const next = tokenOf(await s.commit());
    expect(next).not.toBe(token);
    expect((await manager.load(token)).userId).toBeNull();
    clock.advance(5 * MIN - 1);
    expect((await manager.load(next)).isFresh).toBe(true);
    clock.advance(1);
    expect((await manager.load(next)).isFresh).toBe(false);
  });

  it('LC-8: reauthenticate() needs a user', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    await expectCode(() => s.reauthenticate(), 'NOT_AUTHENTICATED');
    expect(s.isFresh).toBe(false);
  });
});

describe('LC-11: binding and buckets are separate fields', () => {
  it('LC-11: browser keys named like the binding never change it, and the buckets never mix', async () => {
    const { manager, memory, clock } = setup();
    const { token, id } = await loggedIn(manager, 'alice');
    const s = await manager.load(token);
    for (const key of ['userId', 'user', 'state', 'secretHash', 'version', '__proto__', 'constructor']) {
      s.set(key, 'mallory');
    }
    s.user.set('userId', 'mallory');
    expect((await s.commit()).wrote).toBe(true);
    const after = await manager.load(token);
    expect(after.userId).toBe('alice');
    expect(after.get('userId')).toBe('mallory');
    expect(after.user.get('userId')).toBe('mallory');
    expect(after.user.keys()).toEqual(['userId']);
    const record = (await memory.read(id, clock.now())) as SessionRecord;
    expect(record.userId).toBe('alice');
    expect(record.state).toBe('authenticated');
    expect(record.version).toBeGreaterThan(1);
    expect(await manager.listSessions('mallory')).toEqual([]);
  });
});

describe('CC-6: rotation grace window', () => {
  const GRACE = 10_000;

  async function rotated(options: { endOnReuse?: boolean } = {}) {
    const env = setup({ rotationGrace: GRACE, ...options });
    const { token, id } = await loggedIn(env.manager, 'u1');
    env.clock.advance(1_000); // a plain rotation after the login, not at its instant (CC-6)
    const s = await env.manager.load(token);
    s.rotate();
    const next = tokenOf(await s.commit());
    return { ...env, old: token, next, id, rotatedAt: env.clock.now() };
  }

  it('CC-6: off by default: the previous secret stops at once', async () => {
    const { manager } = setup();
    const { token } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.rotate();
    await s.commit();
    expect((await manager.load(token)).isNew).toBe(true);
  });

  it('CC-6: the old secret reads and writes inside the window, sends no cookie, and may not make lifecycle calls', async () => {
    const { manager, clock, old, next, id, rotatedAt } = await rotated();
    clock.set(rotatedAt + GRACE - 1);
    const s = await manager.load(old);
    expect(s.id).toBe(id);
    expect(s.userId).toBe('u1');
    expect(s.usedGraceSecret).toBe(true);
    s.set('from-grace', true);
    expect(await s.commit()).toEqual({ cookie: { action: 'none' }, wrote: true });
    for (const call of [
      () => s.rotate(),
      () => s.authenticate('u2'),
      () => s.reauthenticate(),
      () => s.logout(),
      () => s.destroy(),
      () => s.changeCredential(),
    ]) {
      await expectCode(call, 'GRACE_CREDENTIAL');
    }
    expect((await manager.load(next)).get('from-grace')).toBe(true);
    expect((await manager.load(next)).userId).toBe('u1');
  });

  it('CC-6: after the window the old secret is refused with reuse-detected; the session lives on by default', async () => {
    const { manager, clock, old, next, id, rotatedAt, events } = await rotated();
    clock.set(rotatedAt + GRACE);
    const s = await manager.load(old);
    expect(s.isNew).toBe(true);
    expect(s.id).not.toBe(id);
    expect(events.filter((e) => e.type === 'reuse-detected').map((e) => e.sessionId)).toEqual([id]);
    expect((await manager.load(next)).userId).toBe('u1');
  });

  it('CC-6: with endOnReuse the late reuse ends the session, once the race margin has passed', async () => {
    const { manager, clock, memory, old, next, rotatedAt, events } = await rotated({ endOnReuse: true });
    clock.set(rotatedAt + GRACE + REUSE_RACE_MARGIN - 1);
    expect((await manager.load(old)).isNew).toBe(true);
    expect((await manager.load(next)).userId).toBe('u1');
    clock.set(rotatedAt + GRACE + REUSE_RACE_MARGIN);
    expect((await manager.load(old)).isNew).toBe(true);
    expect(events.map((e) => e.type)).toContain('reuse-detected');
    expect((await manager.load(next)).isNew).toBe(true);
    expect(await memory.inspection.contents()).toEqual({ records: [], userIndex: {}, locks: 0, keys: [] });
  });

  for (const change of [
    'authenticate',
    'reauthenticate',
    'logout',
    'changeCredential',
    'user switch',
  ] as const) {
    it(`CC-6: the grace secret is never accepted after a ${change} that followed the rotation`, async () => {
      const { manager, clock, old, next, rotatedAt } = await rotated();
      clock.set(rotatedAt + 1);
      const s = await manager.load(next);
      if (change === 'authenticate') s.authenticate('u1');
      if (change === 'reauthenticate') s.reauthenticate();
      if (change === 'logout') s.logout();
      if (change === 'changeCredential') s.changeCredential();
      if (change === 'user switch') s.authenticate('u2');
      const latest = tokenOf(await s.commit());
      clock.set(rotatedAt + 2);
      const stale = await manager.load(old);
      expect(stale.isNew).toBe(true);
      expect(stale.userId).toBeNull();
      // The secret current before the change is refused too: a privilege change grants no grace.
      expect((await manager.load(next)).isNew).toBe(true);
      expect((await manager.load(latest)).isNew).toBe(false);
    });
  }
});

describe('ST-6: payloads', () => {
  it('ST-6: set rejects values that are not JSON with a TypeError naming the path', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: [unknown, RegExp][] = [
      [undefined, /browser\.k/],
      [() => 1, /browser\.k/],
      [new Date(0), /browser\.k.*Date/],
      [new Map(), /browser\.k.*Map/],
      [Number.NaN, /browser\.k.*NaN/],
      [Number.POSITIVE_INFINITY, /browser\.k/],
      [10n, /browser\.k/],
      [Symbol('s'), /browser\.k/],
      [{ a: [1, { b: undefined }] }, /browser\.k\.a\[1\]\.b/],
      [cyclic, /browser\.k\.self.*circular/],
    ];
    for (const [value, message] of bad) {
      expect(() => s.set('k', value as never)).toThrow(TypeError);
      expect(() => s.set('k', value as never)).toThrow(message);
    }
    expect(s.browser.keys()).toEqual([]);
    const result = await s.commit();
    expect(result.wrote).toBe(false);
  });

  it('ST-6: values round-trip as JSON does, with __proto__ and constructor kept as plain data', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    const value = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"u":"é😀\\u0000","z":[0,"",false,null,-0.5,{}]}',
    );
    s.set('v', value);
    s.set('__proto__', { polluted: true });
    const t = tokenOf(await s.commit());
    const after = await manager.load(t);
    expect(after.get('v')).toEqual(JSON.parse(JSON.stringify(value)));
    expect(Object.hasOwn(after.get('v') as object, '__proto__')).toBe(true);
    expect(after.get('__proto__')).toEqual(JSON.parse('{"polluted":true}'));
    expect(after.browser.keys().sort()).toEqual(['__proto__', 'v']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(after.get('v'))).toBe(Object.prototype);
    // An inherited name is not a stored value.
    expect(after.get('toString')).toBeUndefined();
    expect(after.browser.has('hasOwnProperty')).toBe(false);
  });

  it('ST-6: reads are copies: mutating a value read does not change the session', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    const cart = ['a'];
    s.set('cart', cart);
    cart.push('b');
    (s.get('cart') as string[]).push('c');
    expect(s.get('cart')).toEqual(['a']);
  });

  it('ST-6: PAYLOAD_TOO_LARGE over maxSize, and nothing already stored is lost', async () => {
    const { manager } = setup({ maxSize: 2048 });
    const { token } = await stored(manager, { keep: 'me' });
    const s = await manager.load(token);
    await expectCode(() => s.set('big', 'x'.repeat(4096)), 'PAYLOAD_TOO_LARGE');
    expect(s.get('big')).toBeUndefined();
    // Each value fits, the record does not: the commit is refused and the store keeps what it had.
    s.set('a', 'x'.repeat(900));
    s.set('b', 'y'.repeat(900));
    await expectCode(() => s.commit(), 'PAYLOAD_TOO_LARGE');
    const after = await manager.load(token);
    expect(after.get('keep')).toBe('me');
    expect(after.get('a')).toBeUndefined();
    // A fresh session over the limit is refused as well, and nothing is created.
    const fresh = await manager.load(undefined);
    fresh.set('a', 'x'.repeat(1000));
    fresh.set('b', 'x'.repeat(1000));
    await expectCode(() => fresh.commit(), 'PAYLOAD_TOO_LARGE');
  });

  it('ST-6: maxSize counts UTF-8 bytes of the encoding, not UTF-16 units', async () => {
    const { manager } = setup({ maxSize: 2048 });
    const s = await manager.load(undefined);
    // 800 characters of 3 bytes each: 800 UTF-16 units, 2,400 bytes stored.
    await expectCode(() => s.set('name', '\u20ac'.repeat(800)), 'PAYLOAD_TOO_LARGE');
    // Each value fits in bytes, the encoded record does not.
    s.set('a', '\u00e9'.repeat(500));
    s.set('b', '\u00e9'.repeat(500));
    await expectCode(() => s.commit(), 'PAYLOAD_TOO_LARGE');
  });

  it('ST-6: an update whose result is not JSON is rejected and nothing is written', async () => {
    const { manager } = setup();
    const { token } = await stored(manager, { n: 1 });
    const s = await manager.load(token);
    expect(() => s.update('n', () => new Date() as never)).toThrow(TypeError);
    const after = await manager.load(token);
    expect(after.get('n')).toBe(1);
  });
});

describe('labels', () => {
  it('LC-9: labels are kept and shown when listing', async () => {
    const { manager } = setup();
    const { token, id } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.setLabel('device', 'Firefox on Linux');
    s.setLabel('gone', 'x');
    s.setLabel('gone', null);
    await s.commit();
    expect((await manager.load(token)).labels).toEqual({ device: 'Firefox on Linux' });
    expect((await manager.listSessions('u1')).map((x) => [x.sessionId, x.labels])).toEqual([
      [id, { device: 'Firefox on Linux' }],
    ]);
    expect(() => s.setLabel('device', 5 as never)).toThrow(TypeError);
  });
});

describe('each lifecycle rule where the session uses it', () => {
  it('LC-7: expiresAt = min(lastSeenAt + idleTimeout, absoluteDeadline), as the handle, the listing and the store see it', async () => {
    const { manager, clock, memory } = setup({ idleTimeout: 40 * MIN, absoluteTimeout: HOUR });
    const { token, id } = await loggedIn(manager, 'u1');
    const start = clock.now();
    const s = await manager.load(token);
    expect(s.expiresAt).toBe(start + 40 * MIN);
    expect((await manager.listSessions('u1'))[0]!.expiresAt).toBe(start + 40 * MIN);
    // Touched late in its life, the idle deadline passes the absolute one: the absolute one wins.
    clock.set(start + 30 * MIN);
    const late = await manager.load(token);
    late.touch();
    await late.commit();
    expect(late.expiresAt).toBe(start + HOUR);
    expect(((await memory.read(id, clock.now())) as SessionRecord).expiresAt).toBe(start + HOUR);
  });

  it('LC-5: after logout a "remember me" cookie is a browser-session cookie again', async () => {
    const { manager } = setup();
    const { token } = await loggedIn(manager, 'u1', { persistent: true });
    const s = await manager.load(token);
    s.logout();
    const { cookie } = await s.commit();
    expect(cookie).toMatchObject({ action: 'set', maxAge: null });
  });

  it('LC-8 (NIST SP 800-63B-4 §5.2): reauthenticate restarts both timeouts; authenticate as the same user applies its options', async () => {
    const { manager, clock } = setup({ idleTimeout: 40 * MIN, absoluteTimeout: HOUR });
    const { token } = await loggedIn(manager, 'u1');
    const login = clock.now();
    clock.set(login + 35 * MIN);
    const s = await manager.load(token);
    s.reauthenticate();
    const next = tokenOf(await s.commit());
    // The hour runs again from the re-authentication (to 95 min), not from the login (60 min).
    expect(s.expiresAt).toBe(login + 75 * MIN);
    clock.set(login + 70 * MIN);
    const later = await manager.load(next);
    expect(later.userId).toBe('u1');
    // The same user again, as "remember me": it applies, with its own timeouts, from now.
    later.authenticate('u1', { persistent: true, idleTimeout: 20 * MIN, absoluteTimeout: 2 * HOUR });
    const { cookie } = await later.commit();
    expect(cookie).toMatchObject({ action: 'set', maxAge: 20 * 60 });
    expect(later.expiresAt).toBe(login + 70 * MIN + 20 * MIN);
  });

  it('LC-7: a touch re-sends a persistent cookie (same token, Max-Age follows the new expiry), never a browser-session one', async () => {
    const { manager, clock } = setup({ idleTimeout: 10 * MIN, absoluteTimeout: HOUR, touchEvery: 0.1 });
    const persistent = await loggedIn(manager, 'u1', { persistent: true });
    const browser = await loggedIn(manager, 'u2');
    clock.advance(2 * MIN);
    const p = await manager.load(persistent.token);
    expect(await p.commit()).toEqual({
      cookie: { action: 'set', token: persistent.token, maxAge: 10 * 60 },
      wrote: true,
    });
    const b = await manager.load(browser.token);
    expect(await b.commit()).toEqual({ cookie: { action: 'none' }, wrote: true });
  });

  it("LC-7: a persistent cookie's Max-Age counts whole seconds down to expiresAt (600.5 s left: 600)", async () => {
    const { manager } = setup({ idleTimeout: 2 * HOUR, absoluteTimeout: 10 * MIN + 500 });
    const s = await manager.load(undefined);
    s.authenticate('u1', { persistent: true });
    expect((await s.commit()).cookie).toMatchObject({ action: 'set', maxAge: 600 });
  });

  it('SEC-6, LC-5, LC-6: on a stored session, logout without a user and a second destroy write nothing (wrote: false, no store write)', async () => {
    const { manager, store } = setup();
    const { token } = await stored(manager, { cart: ['sku'] });
    const s = await manager.load(token);
    const before = store.log.length;
    s.logout();
    expect(await s.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
    expect(store.log.slice(before)).toEqual([]);

    s.destroy();
    await s.commit();
    const ended = store.log.length;
    s.destroy();
    s.logout();
    expect((await s.commit()).wrote).toBe(false);
    expect(store.log.slice(ended)).toEqual([]);
  });

  it('LC-1, LC-6: after an ending in the request every data call fails with SESSION_GONE and the commit clears the cookie', async () => {
    const { manager } = setup();
    const { token } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.destroy();
    expect(s.status).toBe('destroyed');
    await expectCode(() => s.set('x', 1), 'SESSION_GONE');
    await expectCode(() => s.rotate(), 'SESSION_GONE');
    expect((await s.commit()).cookie).toEqual({ action: 'clear' });
  });
});

describe('ID-2: the session handle shows no secret, token or hash', () => {
  async function loaded() {
    const { manager, memory } = setup({ rotationGrace: 10_000 });
    const { token, id } = await loggedIn(manager, 'u1');
    const s = await manager.load(token);
    s.set('cart', ['sku-1']);
    const record = (await memory.read(id, T0)) as SessionRecord;
    const [, secret] = token.split('.') as [string, string];
    return { s, forbidden: [token, secret, record.secretHash] };
  }

  function expectNone(text: string, forbidden: readonly string[]) {
    for (const value of forbidden) expect(text).not.toContain(value);
  }

  it('ID-2: JSON.stringify(session) shows none of them', async () => {
    const { s, forbidden } = await loaded();
    expectNone(JSON.stringify(s), forbidden);
  });

  it('ID-2: util.inspect(session, { showHidden, getters, depth: null }) shows none of them', async () => {
    const { s, forbidden } = await loaded();
    expectNone(inspect(s, { showHidden: true, getters: true, depth: null }), forbidden);
  });

  it('ID-2: console.log(session) shows none of them', async () => {
    const { s, forbidden } = await loaded();
    const lines: string[] = [];
    const log = new Console({
      stdout: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    log.log(s);
    expect(lines.join('')).toContain('Session');
    expectNone(lines.join(''), forbidden);
  });

  it('ID-2: Object.keys and own property names show no internal field', async () => {
    const { s } = await loaded();
    expect(Object.keys(s)).toEqual([]);
    expect(Object.getOwnPropertyNames(s)).toEqual([]);
    expect(Object.getOwnPropertySymbols(s)).toEqual([]);
  });

  it("ID-2: the token is reachable only through commit()'s result", async () => {
    const { s, forbidden } = await loaded();
    const values = Object.getOwnPropertyNames(Object.getPrototypeOf(s)).flatMap((name) => {
      const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(s), name)!;
      return descriptor.get === undefined ? [] : [JSON.stringify(descriptor.get.call(s)) ?? ''];
    });
    expectNone(values.join('\n'), forbidden);
    s.rotate();
    const result = await s.commit();
    expect(result.cookie.action).toBe('set');
  });
});
