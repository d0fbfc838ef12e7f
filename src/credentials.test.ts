/**
 * The credential layer as a browser and an attacker see it (CC-6, ID-3, ID-5, LC-5, LC-9), on the
 * memory store and on a real Redis: what a request that presented the previous secret may do, and
 * what an old or wrong secret does to the legitimate user.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { RETIRED_SECRETS, REUSE_RACE_MARGIN } from '../spec/index.js';
import { expectCode, onRealRedis, T0, tokenOf } from '../test/stores.js';
import {
  createManualClock,
  createSessionManager,
  type SessionAuditEvent,
  type SessionManagerOptions,
  type SessionStore,
} from './index.js';

const MIN = 60_000;

/** The credential rules, on one kind of store. */
function credentialRules(name: string, storeOf: () => SessionStore) {
  const make = (options: Partial<SessionManagerOptions> = {}) => {
    const clock = createManualClock(T0);
    const events: SessionAuditEvent[] = [];
    const manager = createSessionManager({
      freshFor: 5 * MIN,
      ...options,
      store: storeOf(),
      clock,
      onEvent: (event) => events.push(event),
    });
    const login = async (userId: string) => {
      const session = await manager.load(undefined);
      session.authenticate(userId);
      return { token: tokenOf(await session.commit()), id: session.id };
    };
    /** An anonymous session with a cart, then a login: the tokens of before and after it. */
    const loginAfterCart = async (userId: string) => {
      const first = await manager.load(undefined);
      first.set('cart', ['sku-1']);
      const before = tokenOf(await first.commit());
      const login = await manager.load(before);
      login.authenticate(userId);
      return { before, after: tokenOf(await login.commit()) };
    };
    /** `times` plain rotations of the session of `token`, one a second: every token, oldest first. */
    const rotations = async (token: string, times: number) => {
      const tokens = [token];
      for (let i = 0; i < times; i++) {
        clock.advance(1_000);
        const rotating = await manager.load(tokens.at(-1));
        rotating.rotate();
        tokens.push(tokenOf(await rotating.commit()));
      }
      return tokens;
    };
    /** The audit events of one load, a reuse with its reason (`reuse-detected:rotation`). */
    const auditOf = async (token: string) => {
      const from = events.length;
      const session = await manager.load(token);
      const types = events
        .slice(from)
        .map((e) => (e.type === 'reuse-detected' ? `${e.type}:${e.reason}` : e.type));
      return { session, types };
    };
    return { clock, events, manager, login, loginAfterCart, rotations, auditOf };
  };

  describe(`grace requests hold no privilege (${name})`, () => {
    it('CC-6, LC-8: a request that presented the previous secret is never fresh', async () => {
      const { manager, login, clock } = make({ rotationGrace: 10_000 });
      const { token } = await login('alice');
      const rotating = await manager.load(token);
      rotating.rotate();
      const current = tokenOf(await rotating.commit());
      clock.advance(1_000);
      const grace = await manager.load(token);
      expect(grace.usedGraceSecret).toBe(true);
      expect(grace.isAuthenticated).toBe(true);
      expect(grace.isFresh).toBe(false);
      expect((await manager.load(current)).isFresh).toBe(true);
    });

    it("CC-6, LC-9: a grace request cannot list or end the user's other sessions; the current secret can", async () => {
      const { manager, login } = make({ rotationGrace: 10_000 });
      const other = await login('alice');
      const { token } = await login('alice');
      const rotating = await manager.load(token);
      rotating.rotate();
      const current = tokenOf(await rotating.commit());
      const grace = await manager.load(token);
      await expectCode(() => grace.listSessions(), 'GRACE_CREDENTIAL');
      await expectCode(() => grace.revokeOthers(), 'GRACE_CREDENTIAL');
      await expectCode(() => grace.revokeSession(other.id), 'GRACE_CREDENTIAL');
      expect((await manager.load(other.token)).isNew).toBe(false);

      const owner = await manager.load(current);
      expect((await owner.listSessions()).map((s) => s.sessionId).sort()).toEqual(
        [other.id, owner.id].sort(),
      );
      expect(await owner.revokeOthers()).toEqual([other.id]);
      expect((await manager.load(other.token)).isNew).toBe(true);
      expect((await manager.load(current)).userId).toBe('alice');
    });

    it('LC-9: the session-scoped calls act only on the bound user and need one', async () => {
      const { manager, login } = make();
      const bob = await login('bob');
      const alice = await manager.load((await login('alice')).token);
      expect(await alice.revokeSession(bob.id)).toBe(false);
      expect((await manager.load(bob.token)).userId).toBe('bob');
      await expect(alice.revokeSession(alice.id)).rejects.toThrow(TypeError);
      const anonymous = await manager.load(undefined);
      await expectCode(() => anonymous.listSessions(), 'NOT_AUTHENTICATED');
      await expectCode(() => anonymous.revokeOthers(), 'NOT_AUTHENTICATED');
    });
  });

  describe(`labels are user data (${name})`, () => {
    it('LC-5: logout wipes the labels with the user bucket; the browser bucket stays', async () => {
      const { manager } = make();
      const login = await manager.load(undefined);
      login.set('cart', ['sku-1']);
      login.authenticate('alice');
      login.setLabel('device', "Alice's phone");
      const token = tokenOf(await login.commit());
      const out = await manager.load(token);
      out.logout();
      expect(out.labels).toEqual({});
      const after = await manager.load(tokenOf(await out.commit()));
      expect(after.labels).toEqual({});
      expect(after.get('cart')).toEqual(['sku-1']);
    });

    it("LC-3, LC-5: another user logging in on the browser does not see the previous user's labels", async () => {
      const { manager } = make();
      const login = await manager.load(undefined);
      login.authenticate('alice');
      login.setLabel('device', "Alice's phone");
      const token = tokenOf(await login.commit());
      const switching = await manager.load(token);
      switching.authenticate('bob');
      const bob = await manager.load(tokenOf(await switching.commit()));
      expect(bob.labels).toEqual({});
      expect((await bob.listSessions()).map((s) => s.labels)).toEqual([{}]);
    });

    it('LC-4, LC-8: rotation and re-authentication of the same user keep the labels', async () => {
      const { manager } = make();
      const login = await manager.load(undefined);
      login.authenticate('alice');
      login.setLabel('device', 'laptop');
      const rotating = await manager.load(tokenOf(await login.commit()));
      rotating.rotate();
      rotating.reauthenticate();
      rotating.authenticate('alice');
      const after = await manager.load(tokenOf(await rotating.commit()));
      expect(after.labels).toEqual({ device: 'laptop' });
    });
  });

  describe(`an old secret never hurts the legitimate user (${name})`, () => {
    it('ID-3, CC-6: a parallel request with the pre-login secret is anonymous, sends no cookie, and its write fails typed', async () => {
      const { manager, loginAfterCart } = make();
      const { before, after } = await loginAfterCart('alice');
      // The same page's other request, sent with the cookie of before the login.
      const parallel = await manager.load(before);
      expect(parallel.isAuthenticated).toBe(false);
      expect(parallel.get('cart')).toBeUndefined();
      await expectCode(() => parallel.set('cart', []), 'STALE_CREDENTIAL');
      await expectCode(() => parallel.authenticate('mallory'), 'STALE_CREDENTIAL');
      expect(await parallel.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
      const owner = await manager.load(after);
      expect(owner.userId).toBe('alice');
      expect(owner.get('cart')).toEqual(['sku-1']);
    });

    it('ID-3, CC-6: after a plain rotation the old secret neither clears nor replaces the new cookie', async () => {
      const { manager, login, events } = make();
      const { token } = await login('alice');
      const rotating = await manager.load(token);
      rotating.rotate();
      const current = tokenOf(await rotating.commit());
      const parallel = await manager.load(token);
      expect(parallel.isAuthenticated).toBe(false);
      expect((await parallel.commit()).cookie).toEqual({ action: 'none' });
      expect(events.map((e) => e.type)).toContain('reuse-detected');
      expect((await manager.load(current)).userId).toBe('alice');
    });

    it('SEC-4: a wrong secret for a known session id raises credential-mismatch, at most once a minute per session', async () => {
      const { manager, login, events, clock } = make();
      const { token, id } = await login('alice');
      const forged = `${id}.${'A'.repeat(43)}`;
      for (let i = 0; i < 5; i++) expect((await manager.load(forged)).isNew).toBe(true);
      const mismatches = () => events.filter((e) => e.type === 'credential-mismatch');
      expect(mismatches()).toHaveLength(1);
      expect(mismatches()[0]).toMatchObject({ sessionId: id, userId: 'alice' });
      expect(JSON.stringify(mismatches())).not.toContain('AAAA');
      clock.advance(MIN);
      await manager.load(forged);
      expect(mismatches()).toHaveLength(2);
      expect((await manager.load(token)).userId).toBe('alice');
    });
  });

  describe(`endOnReuse ends only what a thief could hold (${name})`, () => {
    it('CC-6: the pre-login secret never triggers endOnReuse, however late it comes', async () => {
      const { manager, clock, events, loginAfterCart } = make({ endOnReuse: true });
      const { before, after } = await loginAfterCart('alice');
      for (const late of [0, 1_000, 10 * MIN]) {
        clock.advance(late);
        expect((await manager.load(before)).isAuthenticated).toBe(false);
        expect((await manager.load(after)).userId).toBe('alice');
      }
      expect(events.map((e) => e.type)).toContain('reuse-detected');
    });

    it('CC-6: after a plain rotation endOnReuse waits REUSE_RACE_MARGIN, then ends the session', async () => {
      const { manager, clock, login } = make({ endOnReuse: true });
      const { token } = await login('alice');
      clock.advance(1_000);
      const rotating = await manager.load(token);
      rotating.rotate();
      const current = tokenOf(await rotating.commit());
      clock.advance(REUSE_RACE_MARGIN - 1);
      expect((await manager.load(token)).isAuthenticated).toBe(false);
      expect((await manager.load(current)).userId).toBe('alice');
      clock.advance(1);
      expect((await manager.load(token)).isAuthenticated).toBe(false);
      expect((await manager.load(current)).isNew).toBe(true);
    });
  });

  describe(`a ring of retired secrets tells an old secret from garbage (${name})`, () => {
    it('CC-6, ID-3: a secret two rotations old is reuse, answered as anonymous without Set-Cookie; it is not a mismatch', async () => {
      const { login, rotations, auditOf } = make();
      const [oldest, , current] = await rotations((await login('alice')).token, 2);
      const { session, types } = await auditOf(oldest!);
      // SEC-4: plain rotations alone separate it from the current secret: possible theft.
      expect(types).toEqual(['reuse-detected:rotation']);
      expect(session.isAuthenticated).toBe(false);
      await expectCode(() => session.set('cart', []), 'STALE_CREDENTIAL');
      expect(await session.commit()).toEqual({ cookie: { action: 'none' }, wrote: false });
      expect((await auditOf(current!)).session.userId).toBe('alice');
    });

    it('CC-6, SEC-4: the ring holds RETIRED_SECRETS secrets before the previous one; an older one is a mismatch', async () => {
      const { login, rotations, auditOf } = make();
      const tokens = await rotations((await login('alice')).token, RETIRED_SECRETS + 2);
      // tokens: [forgotten, ring x RETIRED_SECRETS, previous, current]
      expect((await auditOf(tokens[1]!)).types).toEqual(['reuse-detected:rotation']);
      expect((await auditOf(tokens[0]!)).types).toEqual(['credential-mismatch']);
    });

    it('CC-6: with endOnReuse, a secret two plain rotations old ends the session once the race margin has passed', async () => {
      const { login, rotations, auditOf, clock } = make({ endOnReuse: true });
      const [oldest, , current] = await rotations((await login('alice')).token, 2);
      // Its rotation was 1 s before the next one: the margin counts from its own retirement.
      clock.advance(REUSE_RACE_MARGIN - 1_001);
      expect((await auditOf(oldest!)).types).toEqual(['reuse-detected:rotation']);
      expect((await auditOf(current!)).session.userId).toBe('alice');
      clock.advance(1);
      const { session, types } = await auditOf(oldest!);
      expect(types).toEqual(['reuse-detected:rotation']);
      expect((await session.commit()).cookie).toEqual({ action: 'clear' });
      expect((await auditOf(current!)).session.isNew).toBe(true);
    });

    it('CC-6: a secret retired by logout never triggers endOnReuse; the anonymous session and its cart stay', async () => {
      const { manager, clock, loginAfterCart, auditOf } = make({ endOnReuse: true });
      const { after } = await loginAfterCart('alice');
      const out = await manager.load(after);
      out.logout();
      const anonymous = tokenOf(await out.commit());
      clock.advance(10 * MIN);
      const { session, types } = await auditOf(after);
      expect(types).toEqual(['reuse-detected:logout']);
      expect((await session.commit()).cookie).toEqual({ action: 'none' });
      const kept = await manager.load(anonymous);
      expect(kept.isNew).toBe(false);
      expect(kept.get('cart')).toEqual(['sku-1']);
    });

    it('CC-6: a secret rotated away before the login is anonymous-era: reuse, never an ending, even after later rotations', async () => {
      const { manager, clock, rotations, auditOf } = make({ endOnReuse: true });
      const first = await manager.load(undefined);
      first.set('cart', ['sku-1']);
      const [preLogin, loginToken] = await rotations(tokenOf(await first.commit()), 1);
      const login = await manager.load(loginToken);
      login.authenticate('alice');
      const [, current] = await rotations(tokenOf(await login.commit()), 1);
      clock.advance(10 * MIN);
      // SEC-4: the login separates both from the current secret, whatever retired the older one.
      expect((await auditOf(preLogin!)).types).toEqual(['reuse-detected:authentication']);
      expect((await auditOf(loginToken!)).types).toEqual(['reuse-detected:authentication']);
      expect((await auditOf(current!)).session.userId).toBe('alice');
    });

    it('SEC-4, CC-6: a wrong secret never ends the session, even with endOnReuse', async () => {
      const { login, clock, auditOf } = make({ endOnReuse: true });
      const { token, id } = await login('alice');
      clock.advance(10 * MIN);
      const { session, types } = await auditOf(`${id}.${'A'.repeat(43)}`);
      expect(types).toEqual(['credential-mismatch']);
      expect((await session.commit()).cookie).toEqual({ action: 'none' });
      expect((await auditOf(token)).session.userId).toBe('alice');
    });
  });
}

credentialRules('memory', () => createMemoryStore({ sweepEvery: false }));

onRealRedis((connect) => credentialRules('Redis', () => connect(`cred${randomBytes(4).toString('hex')}`)));
