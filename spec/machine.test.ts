import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  type AccessEvent,
  type AuthenticateEvent,
  type SessionContext,
  type SessionEvent,
  type SessionState,
  sessionMachine,
} from './machine.js';
import { type LifecycleRow, lifecycleTable } from './table.js';

// Fixed instants (ms) the scenarios share: a session last seen at 1000 with a 1000 ms idle timeout
// (idle deadline 2000) and an absolute deadline of 10 000.
const SEEN = 1_000;
const IDLE = 1_000;
const ABSOLUTE = 10_000;

/** A context in `state` with nothing surprising; `over` changes what a scenario needs. */
function context(state: 'anonymous' | 'authenticated', over: Partial<SessionContext> = {}): SessionContext {
  const authenticated = state === 'authenticated';
  return {
    userId: authenticated ? 'u1' : null,
    secretHash: 'h-current',
    previousHash: null,
    previousUntil: null,
    previousReason: null,
    retired: [],
    createdAt: 0,
    lastSeenAt: SEEN,
    authenticatedAt: authenticated ? 500 : null,
    freshUntil: authenticated ? 1_500 : null,
    idleTimeout: IDLE,
    absoluteDeadline: ABSOLUTE,
    persistent: false,
    ...over,
  };
}

/** A snapshot of the machine in `state` with `ctx`, as a manager restores one from a record. */
function at(state: SessionState, ctx: SessionContext) {
  return sessionMachine.resolveState({ value: state, context: ctx });
}

/** The effects `transition()` returned, named as the lifecycle table names them. */
function names(actions: ReadonlyArray<{ type: string; params?: unknown }>): string[] {
  return actions.map((action) => {
    const event = (action.params as { event?: string } | undefined)?.event;
    return event === undefined ? action.type : `${action.type}(${event})`;
  });
}

/** Step the machine once from `state`/`ctx` with `event`. */
function step(state: SessionState, ctx: SessionContext, event: SessionEvent) {
  const [next, actions] = transition(sessionMachine, at(state, ctx), event);
  return { next, value: next.value as SessionState, ctx: next.context, effects: names(actions) };
}

/** Context changes are `assign` actions: `transition()` applies them and returns only the effects. */
const CONTEXT_ACTIONS = new Set(
  Object.entries(sessionMachine.implementations.actions)
    .filter(([, impl]) => (impl as { type?: string }).type === 'xstate.assign')
    .map(([name]) => name),
);
const effectsOf = (row: LifecycleRow) => row.effects.filter((name) => !CONTEXT_ACTIONS.has(name));

const access = (now: number, over: Partial<AccessEvent> = {}): AccessEvent => ({
  type: 'access',
  now,
  presented: 'current',
  touchAfter: 1_000,
  endOnReuse: false,
  ...over,
});
const authenticate = (now: number, over: Partial<AuthenticateEvent> = {}): AuthenticateEvent => ({
  type: 'authenticate',
  now,
  userId: 'u2',
  secretHash: 'h-login',
  absoluteTimeout: 20_000,
  idleTimeout: 3_000,
  persistent: true,
  freshFor: 300,
  ...over,
});

interface Scenario {
  ctx: Partial<SessionContext>;
  event: SessionEvent;
}

/**
 * For each (event, guard) of a live state, a context and event that make exactly that guard the first
 * to pass. Keys are `event|guard` with `—` for the unguarded candidate.
 */
const SCENARIOS: Record<string, Scenario> = {
  // LC-7: at the absolute deadline, with the idle deadline still ahead.
  'access|absoluteExpired': { ctx: { lastSeenAt: 9_500 }, event: access(ABSOLUTE) },
  'access|idleExpired': { ctx: {}, event: access(SEEN + IDLE) },
  'access|reuseEnds': {
    ctx: { previousHash: 'h-old', previousUntil: 1_200, previousReason: 'r' },
    event: access(1_500, { presented: 'previous', endOnReuse: true }),
  },
  'access|reuse': {
    ctx: { previousHash: 'h-old', previousUntil: 1_200, previousReason: 'r' },
    event: access(1_500, { presented: 'previous' }),
  },
  'access|inGrace': {
    ctx: { previousHash: 'h-old', previousUntil: 1_800, previousReason: 'r' },
    event: access(1_500, { presented: 'previous', touchAfter: 0 }),
  },
  'access|touchDue': { ctx: {}, event: access(1_500, { touchAfter: 500 }) },
  'access|—': { ctx: {}, event: access(1_499, { touchAfter: 500 }) },
  'touch|absoluteExpired': { ctx: { lastSeenAt: 9_500 }, event: { type: 'touch', now: ABSOLUTE } },
  'touch|idleExpired': { ctx: {}, event: { type: 'touch', now: SEEN + IDLE } },
  'touch|—': { ctx: {}, event: { type: 'touch', now: 1_500 } },
  'setExpiry|—': { ctx: {}, event: { type: 'setExpiry', now: 1_500, idleTimeout: 2_000 } },
  'rotate|—': { ctx: {}, event: { type: 'rotate', now: 1_500, secretHash: 'h-rotated', graceMs: 0 } },
  'destroy|—': { ctx: {}, event: { type: 'destroy', now: 1_500 } },
  'revoke|—': { ctx: {}, event: { type: 'revoke', now: 1_500 } },
  'authenticate|sameUser': { ctx: {}, event: authenticate(1_500, { userId: 'u1' }) },
  'authenticate|—': { ctx: {}, event: authenticate(1_500) },
  'reauthenticate|—': {
    ctx: {},
    event: { type: 'reauthenticate', now: 1_500, secretHash: 'h-reauth', freshFor: 300 },
  },
  'logout|—': { ctx: {}, event: { type: 'logout', now: 1_500, secretHash: 'h-logout' } },
  'changeCredential|—': {
    ctx: {},
    event: { type: 'changeCredential', now: 1_500, secretHash: 'h-cred', freshFor: 300 },
  },
};

const ROWS = lifecycleTable();
const LIVE_ROWS = ROWS.filter((row) => row.state === 'anonymous' || row.state === 'authenticated');
const EVENT_TYPES = [...new Set(LIVE_ROWS.map((row) => row.event))];
const rowName = (row: LifecycleRow) => `${row.state} --${row.event}[${row.guard}]--> ${row.next}`;

describe('the lifecycle table, row by row', () => {
  it('LC-1: create starts anonymous with the input as context, and issues a token', () => {
    const [s0, actions] = initialTransition(sessionMachine, {
      now: 100,
      secretHash: 'h0',
      idleTimeout: IDLE,
      absoluteTimeout: 5_000,
      persistent: true,
    });
    const create = ROWS.find((row) => row.event === 'create')!;
    expect(s0.value).toBe(create.next);
    expect(names(actions)).toEqual(effectsOf(create));
    expect(s0.context).toEqual({
      userId: null,
      secretHash: 'h0',
      previousHash: null,
      previousUntil: null,
      previousReason: null,
      retired: [],
      createdAt: 100,
      lastSeenAt: 100,
      authenticatedAt: null,
      freshUntil: null,
      idleTimeout: IDLE,
      absoluteDeadline: 5_100,
      persistent: true,
    });
  });

  it.each(LIVE_ROWS.map((row) => [rowName(row), row] as const))('LC-1..LC-12: %s', (_, row) => {
    const scenario = SCENARIOS[`${row.event}|${row.guard}`];
    expect(scenario, `a scenario for ${rowName(row)}`).toBeDefined();
    const state = row.state as 'anonymous' | 'authenticated';
    const result = step(state, context(state, scenario!.ctx), scenario!.event);
    expect(result.value).toBe(row.next);
    expect(result.effects).toEqual(effectsOf(row));
    expect(result.next.status).toBe(row.next === 'expired' || row.next === 'destroyed' ? 'done' : 'active');
  });

  it('LC-1: events not listed for a state are ignored (no change, no effect)', () => {
    for (const state of ['anonymous', 'authenticated'] as const) {
      const listed = new Set(LIVE_ROWS.filter((row) => row.state === state).map((row) => row.event));
      for (const type of EVENT_TYPES.filter((t) => !listed.has(t))) {
        const before = context(state);
        const [, scenario] = Object.entries(SCENARIOS).find(([key]) => key.startsWith(`${type}|`))!;
        const result = step(state, before, scenario.event);
        expect(result.value, `${state} ignores ${type}`).toBe(state);
        expect(result.ctx).toEqual(before);
        expect(result.effects).toEqual([]);
      }
    }
  });

  it('LC-1: terminal states take no event: every event leaves them unchanged, done, with no effect', () => {
    for (const state of ['expired', 'destroyed'] as const) {
      const snapshot = at(state, context('authenticated'));
      for (const scenario of Object.values(SCENARIOS)) {
        const [next, actions] = transition(sessionMachine, snapshot, scenario.event);
        expect(next.value).toBe(state);
        expect(next.status).toBe('done');
        expect(next.context).toEqual(snapshot.context);
        expect(actions).toEqual([]);
      }
    }
  });
});

describe('authentication', () => {
  it('LC-2: authenticate from anonymous rotates without grace, resets the user bucket, binds the user', () => {
    const before = context('anonymous', {
      previousHash: 'h-older',
      previousUntil: 5_000,
      previousReason: 'r',
    });
    const r = step('anonymous', before, authenticate(1_500));
    expect(r.value).toBe('authenticated');
    expect(r.ctx.userId).toBe('u2');
    expect(r.ctx.authenticatedAt).toBe(1_500);
    expect(r.ctx.freshUntil).toBe(1_800);
    // Fixation defence: the pre-login secret is replaced and its window is closed at once (CC-6).
    expect(r.ctx.secretHash).toBe('h-login');
    expect(r.ctx.previousHash).toBe('h-current');
    expect(r.ctx.previousUntil).toBe(1_500);
    expect(r.effects).toContain('resetUserBucket');
    expect(r.effects).toContain('issueToken');
    expect(r.effects).toContain('audit(authenticated)');
    expect(r.ctx.createdAt).toBe(before.createdAt);
  });

  it('LC-3, LC-8: authenticating as the bound user again refreshes, rotates, keeps the bucket and applies its policy', () => {
    const before = context('authenticated');
    const r = step('authenticated', before, authenticate(1_500, { userId: 'u1' }));
    expect(r.value).toBe('authenticated');
    expect(r.effects).not.toContain('resetUserBucket');
    expect(r.ctx).toEqual({
      ...before,
      secretHash: 'h-login',
      previousHash: 'h-current',
      previousUntil: 1_500,
      previousReason: 'a',
      authenticatedAt: 1_500,
      freshUntil: 1_800,
      lastSeenAt: 1_500,
      // The options it was given (`persistent`, the timeouts) apply, from now (NIST SP 800-63B-4 §5.2).
      idleTimeout: 3_000,
      persistent: true,
      absoluteDeadline: 21_500,
    });
  });

  it('LC-3: authenticating as a different user wipes the user bucket, rebinds and rotates', () => {
    const r = step('authenticated', context('authenticated'), authenticate(1_500, { userId: 'u2' }));
    expect(r.value).toBe('authenticated');
    expect(r.ctx.userId).toBe('u2');
    expect(r.effects).toContain('resetUserBucket');
    expect(r.effects).toContain('enforceUserCap');
    expect(r.ctx.secretHash).toBe('h-login');
    expect(r.ctx.previousUntil).toBe(1_500);
    expect(r.ctx.authenticatedAt).toBe(1_500);
  });
});

describe('rotation and logout', () => {
  it.each([
    ['anonymous', 0, 1_500],
    ['authenticated', 0, 1_500],
    ['authenticated', 400, 1_900],
  ] as const)(
    'LC-4, CC-6: rotate in %s with graceMs %i keeps everything but the secrets',
    (state, graceMs, until) => {
      const before = context(state, { persistent: true });
      const r = step(state, before, { type: 'rotate', now: 1_500, secretHash: 'h-new', graceMs });
      expect(r.value).toBe(state);
      expect(r.ctx).toEqual({
        ...before,
        secretHash: 'h-new',
        previousHash: 'h-current',
        previousUntil: until,
        previousReason: 'r',
      });
      expect(r.effects).toEqual(['issueToken', 'audit(rotated)']);
    },
  );

  it('LC-4, ID-5: without grace the old secret is reuse from the very instant of the rotation', () => {
    const rotated = step('authenticated', context('authenticated'), {
      type: 'rotate',
      now: 1_500,
      secretHash: 'h-new',
      graceMs: 0,
    });
    const r = step('authenticated', rotated.ctx, access(1_500, { presented: 'previous' }));
    expect(r.effects).toEqual(['rejectCredential', 'audit(reuse-detected)']);
    expect(r.ctx).toEqual(rotated.ctx);
  });

  it('LC-5: logout unbinds the user, wipes the user bucket, rotates without grace, stays live', () => {
    const before = context('authenticated', {
      previousHash: 'h-old',
      previousUntil: 9_000,
      previousReason: 'r',
    });
    const r = step('authenticated', before, { type: 'logout', now: 1_500, secretHash: 'h-out' });
    expect(r.value).toBe('anonymous');
    expect(r.ctx).toEqual({
      ...before,
      userId: null,
      authenticatedAt: null,
      freshUntil: null,
      secretHash: 'h-out',
      previousHash: 'h-current',
      previousUntil: 1_500,
      previousReason: 'l',
      // The secret before it joins the ring: reason, until (9000 in base 36), hash.
      retired: ['r6y0h-old'],
    });
    expect(r.effects).toEqual(['resetUserBucket', 'issueToken', 'audit(logged-out)']);
  });

  it('LC-5, SEC-6: logout of an anonymous session changes nothing and has no effect', () => {
    const before = context('anonymous');
    const r = step('anonymous', before, { type: 'logout', now: 1_500, secretHash: 'h-out' });
    expect(r.value).toBe('anonymous');
    expect(r.ctx).toEqual(before);
    expect(r.effects).toEqual([]);
  });

  it('LC-10: changeCredential revokes the other sessions and rotates the current one without grace', () => {
    const r = step('authenticated', context('authenticated'), {
      type: 'changeCredential',
      now: 1_500,
      secretHash: 'h-cred',
      freshFor: 300,
    });
    expect(r.value).toBe('authenticated');
    expect(r.effects).toContain('revokeOtherSessions');
    expect(r.ctx.secretHash).toBe('h-cred');
    expect(r.ctx.previousUntil).toBe(1_500);
    expect(r.ctx.freshUntil).toBe(1_800);
  });
});

describe('the ring of retired secrets (CC-6, ID-3)', () => {
  const h = (n: number) => `h${n}`.padEnd(43, String(n));
  /** The context after each event in turn, from an anonymous session whose secret is h0. */
  const run = (events: SessionEvent[]) => {
    let r: { value: SessionState; ctx: SessionContext } = {
      value: 'anonymous',
      ctx: context('anonymous', { secretHash: h(0) }),
    };
    for (const event of events) r = step(r.value, r.ctx, event);
    return r;
  };

  it('CC-6: every rotation records why the secret was retired, and the one before joins the ring, newest first, at most RETIRED_SECRETS', () => {
    const { value, ctx } = run([
      { type: 'rotate', now: 1_100, secretHash: h(1), graceMs: 400 },
      authenticate(1_200, { secretHash: h(2) }),
      { type: 'changeCredential', now: 1_300, secretHash: h(3), freshFor: 300 },
      { type: 'logout', now: 1_400, secretHash: h(4) },
      { type: 'rotate', now: 1_500, secretHash: h(5), graceMs: 0 },
    ]);
    expect(value).toBe('anonymous');
    expect(ctx).toMatchObject({
      secretHash: h(5),
      previousHash: h(4),
      previousUntil: 1_500,
      previousReason: 'r',
    });
    // h3 retired by the logout, h2 by the credential change, h1 by the login; h0 (rotated away with
    // grace until 1500) is the fourth secret back and is forgotten.
    expect(ctx.retired).toEqual([
      `l${(1_400).toString(36)}${h(3).slice(0, 22)}`,
      `c${(1_300).toString(36)}${h(2).slice(0, 22)}`,
      `a${(1_200).toString(36)}${h(1).slice(0, 22)}`,
    ]);
  });

  it('CC-6, ID-3: a ring secret is reuse even while the previous secret is in its grace window', () => {
    const { ctx } = run([
      { type: 'rotate', now: 1_100, secretHash: h(1), graceMs: 0 },
      { type: 'rotate', now: 1_200, secretHash: h(2), graceMs: 500 },
    ]);
    const retired = step('anonymous', ctx, access(1_300, { presented: 'retired' }));
    expect(retired.effects).toEqual(['rejectCredential', 'audit(reuse-detected)']);
    expect(retired.ctx).toEqual(ctx);
    expect(step('anonymous', ctx, access(1_300, { presented: 'retired', endOnReuse: true })).value).toBe(
      'destroyed',
    );
    expect(
      step('anonymous', ctx, access(1_300, { presented: 'previous', touchAfter: 5_000 })).effects,
    ).toEqual(['acceptPrevious']);
  });
});

describe('endings', () => {
  const endings = LIVE_ROWS.filter((row) => row.next === 'expired' || row.next === 'destroyed');

  it('LC-6: the table has an ending for destroy, revoke, both expiries and reuse, in both live states', () => {
    const kinds = new Set(endings.map((row) => `${row.state}|${row.event}|${row.guard}`));
    for (const state of ['anonymous', 'authenticated']) {
      for (const kind of [
        'destroy|—',
        'revoke|—',
        'access|absoluteExpired',
        'access|idleExpired',
        'touch|absoluteExpired',
        'touch|idleExpired',
        'access|reuseEnds',
      ]) {
        expect(kinds).toContain(`${state}|${kind}`);
      }
    }
  });

  it.each(endings.map((row) => [rowName(row), row] as const))(
    'LC-6: %s deletes the record, clears the cookie and audits',
    (_, row) => {
      const scenario = SCENARIOS[`${row.event}|${row.guard}`]!;
      const state = row.state as 'anonymous' | 'authenticated';
      const r = step(state, context(state, scenario.ctx), scenario.event);
      expect(r.next.status).toBe('done');
      expect(r.effects.slice(0, 2)).toEqual(['deleteRecord', 'clearCookie']);
      expect(r.effects[2]).toMatch(/^audit\((expired|destroyed|revoked|reuse-detected)\)$/);
      expect(r.effects).not.toContain('issueToken');
    },
  );
});

describe('lifetime', () => {
  it.each(['anonymous', 'authenticated'] as const)(
    'LC-7: in %s the idle deadline is exclusive: live at deadline - 1, expired at the deadline',
    (state) => {
      const ctx = context(state, { lastSeenAt: 4_000, idleTimeout: 1_000 });
      for (const type of ['access', 'touch'] as const) {
        const event = (now: number): SessionEvent => (type === 'access' ? access(now) : { type, now });
        expect(step(state, ctx, event(4_999)).value).toBe(state);
        expect(step(state, ctx, event(5_000)).value).toBe('expired');
        expect(step(state, ctx, event(5_001)).value).toBe('expired');
      }
    },
  );

  it.each(['anonymous', 'authenticated'] as const)(
    'LC-7: in %s the absolute deadline is exclusive and wins over recent activity',
    (state) => {
      const ctx = context(state, { lastSeenAt: 9_900, idleTimeout: 1_000, absoluteDeadline: 10_000 });
      for (const type of ['access', 'touch'] as const) {
        const event = (now: number): SessionEvent => (type === 'access' ? access(now) : { type, now });
        expect(step(state, ctx, event(9_999)).value).toBe(state);
        expect(step(state, ctx, event(10_000)).value).toBe('expired');
      }
    },
  );

  it('LC-7, PERF-1: a touch pushes the idle deadline; an access touches only when due', () => {
    const touched = step('anonymous', context('anonymous'), access(1_600, { touchAfter: 500 }));
    expect(touched.ctx.lastSeenAt).toBe(1_600);
    expect(step('anonymous', touched.ctx, access(2_500)).value).toBe('anonymous');
    const untouched = step('anonymous', context('anonymous'), access(1_499, { touchAfter: 500 }));
    expect(untouched.ctx.lastSeenAt).toBe(SEEN);
    expect(untouched.effects).toEqual([]);
  });

  it('LC-7: setExpiry replaces the idle timeout and persistence, and only brings the absolute deadline earlier', () => {
    const ctx = context('authenticated');
    const later = step('authenticated', ctx, { type: 'setExpiry', now: 1_500, absoluteTimeout: 50_000 });
    expect(later.ctx.absoluteDeadline).toBe(ABSOLUTE);
    const earlier = step('authenticated', ctx, { type: 'setExpiry', now: 1_500, absoluteTimeout: 2_000 });
    expect(earlier.ctx.absoluteDeadline).toBe(3_500);
    const other = step('authenticated', ctx, {
      type: 'setExpiry',
      now: 1_500,
      idleTimeout: 60_000,
      persistent: true,
    });
    expect(other.ctx).toEqual({ ...ctx, idleTimeout: 60_000, persistent: true });
    expect(other.effects).toEqual(['issueToken']);
  });

  it('LC-7, LC-8: authentication starts a new policy from its instant; re-authentication restarts the one in force', () => {
    const login = step('anonymous', context('anonymous'), authenticate(5_000));
    expect(login.ctx.absoluteDeadline).toBe(25_000);
    expect(login.ctx.idleTimeout).toBe(3_000);
    expect(login.ctx.lastSeenAt).toBe(5_000);
    expect(login.ctx.persistent).toBe(true);
    const sw = step('authenticated', context('authenticated'), authenticate(5_000, { userId: 'u3' }));
    expect(sw.ctx.absoluteDeadline).toBe(25_000);
    const same = step('authenticated', context('authenticated'), authenticate(5_000, { userId: 'u1' }));
    expect(same.ctx.absoluteDeadline).toBe(25_000);
    // NIST SP 800-63B-4 §5.2: reauthentication resets the idle and the overall timeout. The policy in
    // force ran from the last authentication (500) to the deadline (ABSOLUTE): it runs again from now.
    for (const type of ['reauthenticate', 'changeCredential'] as const) {
      const again = step('authenticated', context('authenticated'), {
        type,
        now: 5_000,
        secretHash: 'h-r',
        freshFor: 300,
      });
      expect(again.ctx.absoluteDeadline, type).toBe(5_000 + ABSOLUTE - 500);
      expect(again.ctx.lastSeenAt, type).toBe(5_000);
    }
  });
});

describe('freshness', () => {
  type Guard = (args: { context: SessionContext; event: SessionEvent }, params: undefined) => boolean;
  const isFresh = sessionMachine.implementations.guards.isFresh as unknown as Guard;
  const fresh = (ctx: SessionContext, now: number) =>
    isFresh({ context: ctx, event: { type: 'touch', now } }, undefined);

  it('LC-8: isFresh holds strictly before freshUntil and never while anonymous', () => {
    const ctx = context('authenticated', { freshUntil: 1_500 });
    expect(fresh(ctx, 1_499)).toBe(true);
    expect(fresh(ctx, 1_500)).toBe(false);
    expect(fresh(context('anonymous'), 0)).toBe(false);
  });

  it('LC-8: reauthenticate makes a stale session fresh again and rotates the secret', () => {
    const stale = context('authenticated', { freshUntil: 1_500 });
    expect(fresh(stale, 4_000)).toBe(false);
    const r = step('authenticated', stale, {
      type: 'reauthenticate',
      now: 4_000,
      secretHash: 'h-r',
      freshFor: 300,
    });
    expect(r.ctx.authenticatedAt).toBe(4_000);
    expect(fresh(r.ctx, 4_299)).toBe(true);
    expect(fresh(r.ctx, 4_300)).toBe(false);
    expect(r.ctx.secretHash).toBe('h-r');
    expect(r.ctx.previousUntil).toBe(4_000);
  });

  it('LC-5, LC-8: logout ends freshness', () => {
    const r = step('authenticated', context('authenticated'), {
      type: 'logout',
      now: 1_000,
      secretHash: 'h',
    });
    expect(fresh(r.ctx, 1_000)).toBe(false);
  });
});

describe('rotation grace window', () => {
  // A rotation with a 500 ms grace at t = 1500: the window is [1500, 2000); the idle deadline (2500) is
  // later, so only the window decides.
  const rotated = step('authenticated', context('authenticated', { lastSeenAt: 1_500 }), {
    type: 'rotate',
    now: 1_500,
    secretHash: 'h-new',
    graceMs: 500,
  }).ctx;
  const previous = (now: number, endOnReuse = false) =>
    step('authenticated', rotated, access(now, { presented: 'previous', endOnReuse, touchAfter: 0 }));

  it('CC-6: inside the window the previous secret is accepted, without a touch or a new cookie', () => {
    const r = previous(1_999);
    expect(r.value).toBe('authenticated');
    expect(r.effects).toEqual(['acceptPrevious']);
    expect(r.ctx).toEqual(rotated);
  });

  it('CC-6, ID-5: at and after the end of the window the previous secret is reuse, rejected and audited', () => {
    for (const now of [2_000, 2_001]) {
      const r = previous(now);
      expect(r.value).toBe('authenticated');
      expect(r.effects).toEqual(['rejectCredential', 'audit(reuse-detected)']);
      expect(r.ctx).toEqual(rotated);
    }
  });

  it('CC-6: with endOnReuse, reuse after the window ends the session; inside it does not', () => {
    expect(previous(1_999, true).value).toBe('authenticated');
    const r = previous(2_000, true);
    expect(r.value).toBe('destroyed');
    expect(r.effects).toEqual(['deleteRecord', 'clearCookie', 'audit(reuse-detected)']);
  });

  it('CC-6: the current secret still works during the window', () => {
    const r = step('authenticated', rotated, access(1_700, { touchAfter: 0 }));
    // `touch` is a context change: transition() applies it and reports no effect.
    expect(r.effects).toEqual([]);
    expect(r.ctx.lastSeenAt).toBe(1_700);
  });

  const privilegeChanges: ReadonlyArray<readonly [string, SessionEvent]> = [
    ['authenticate (same user)', authenticate(1_600, { userId: 'u1' })],
    ['authenticate (user switch)', authenticate(1_600, { userId: 'u2' })],
    ['reauthenticate', { type: 'reauthenticate', now: 1_600, secretHash: 'h-x', freshFor: 300 }],
    ['logout', { type: 'logout', now: 1_600, secretHash: 'h-x' }],
    ['changeCredential', { type: 'changeCredential', now: 1_600, secretHash: 'h-x', freshFor: 300 }],
  ];
  it.each(privilegeChanges)(
    'CC-6: %s closes the grace window at once (previousUntil === now)',
    (_, event) => {
      const r = step('authenticated', rotated, event);
      expect(r.ctx.previousUntil).toBe(event.now);
      // The secret the privilege change replaced is the one now kept as previous; the grace secret is gone.
      expect(r.ctx.previousHash).toBe('h-new');
      const again = step(r.value, r.ctx, access(event.now, { presented: 'previous' }));
      expect(again.effects).toEqual(['rejectCredential', 'audit(reuse-detected)']);
    },
  );

  it('CC-6: authenticating an anonymous session closes its grace window at once', () => {
    const anon = step('anonymous', context('anonymous'), {
      type: 'rotate',
      now: 1_500,
      secretHash: 'h-new',
      graceMs: 500,
    }).ctx;
    const r = step('anonymous', anon, authenticate(1_600));
    expect(r.ctx.previousUntil).toBe(1_600);
  });

  it('CC-6: revocation during the window ends the session', () => {
    const r = step('authenticated', rotated, { type: 'revoke', now: 1_600 });
    expect(r.value).toBe('destroyed');
  });

  it('CC-6: access checks expiry before grace: an expired session is expired even for the grace secret', () => {
    const r = step(
      'authenticated',
      { ...rotated, lastSeenAt: 0, idleTimeout: 1_000 },
      access(1_600, {
        presented: 'previous',
      }),
    );
    expect(r.value).toBe('expired');
  });
});
