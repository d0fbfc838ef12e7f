import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  type AccessEvent,
  RECORD_FORMAT,
  type SessionContext,
  type SessionEvent,
  type SessionRecord,
  sessionMachine,
} from '../spec/index.js';
import { loggedIn, setup, stored, tokenOf } from '../test/stores.js';
import { access, createRecord, machineSteps, step } from './lifecycle.js';

/** Fixed for CI, fresh on every run too; both printed, replay with FC_SEED=<seed>. */
const freshSeed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEEDS = [424_242, freshSeed];
console.log(`PERF-4 property seeds: ${SEEDS.join(', ')} (replay with FC_SEED=<seed>)`);

const T = 1_700_000_000_000;
const CONTEXT_KEYS: (keyof SessionContext)[] = [
  'userId',
  'secretHash',
  'previousHash',
  'previousUntil',
  'previousReason',
  'retired',
  'createdAt',
  'lastSeenAt',
  'authenticatedAt',
  'freshUntil',
  'idleTimeout',
  'absoluteDeadline',
  'persistent',
];

/** What xstate's own `transition()` does with the record: the reference the fast path must equal. */
function reference(record: SessionRecord, event: SessionEvent) {
  const context = Object.fromEntries(CONTEXT_KEYS.map((k) => [k, record[k]])) as unknown as SessionContext;
  const snapshot = sessionMachine.resolveState({ value: record.state, context });
  const [next, actions] = transition(sessionMachine, snapshot, event);
  return {
    state: next.value as string,
    context: next.context,
    effects: actions.map((a) =>
      a.params === undefined ? { type: a.type } : { type: a.type, params: a.params },
    ),
  };
}

/** A live record with lifecycle fields anywhere near each other, so every guard is exercised. */
const recordArb: fc.Arbitrary<SessionRecord> = fc
  .record({
    user: fc.option(fc.constantFrom('alice', 'bob'), { nil: null }),
    createdAgo: fc.integer({ min: 0, max: 10_000 }),
    seenAgo: fc.integer({ min: 0, max: 10_000 }),
    idleTimeout: fc.integer({ min: 1, max: 10_000 }),
    absoluteIn: fc.integer({ min: -10_000, max: 10_000 }),
    previous: fc.option(
      fc.record({
        hash: fc.constantFrom('p1', 'p2'),
        until: fc.option(fc.integer({ min: -5_000, max: 5_000 })),
        reason: fc.constantFrom('r' as const, 'a' as const, 'c' as const, 'l' as const),
        retired: fc.array(
          fc.constantFrom(`r${T.toString(36)}${'R'.repeat(22)}`, `l${T.toString(36)}${'L'.repeat(22)}`),
          {
            maxLength: 3,
          },
        ),
      }),
      { nil: null },
    ),
    freshIn: fc.integer({ min: -5_000, max: 5_000 }),
    persistent: fc.boolean(),
  })
  .map((r) => {
    const lastSeenAt = T - r.seenAgo;
    const absoluteDeadline = T + r.absoluteIn;
    return {
      format: RECORD_FORMAT,
      sessionId: 'S'.repeat(22),
      version: 7,
      state: r.user === null ? 'anonymous' : 'authenticated',
      secretHash: 'current-hash',
      previousHash: r.previous?.hash ?? null,
      previousUntil: r.previous?.until === null || r.previous === null ? null : T + r.previous.until,
      previousReason: r.previous?.reason ?? null,
      retired: r.previous?.retired ?? [],
      userId: r.user,
      browser: { cart: [1] },
      user: r.user === null ? {} : { note: 'x' },
      labels: {},
      createdAt: Math.min(T - r.createdAgo, lastSeenAt),
      lastSeenAt,
      authenticatedAt: r.user === null ? null : lastSeenAt,
      freshUntil: r.user === null ? null : T + r.freshIn,
      idleTimeout: r.idleTimeout,
      absoluteDeadline,
      persistent: r.persistent,
      expiresAt: Math.min(lastSeenAt + r.idleTimeout, absoluteDeadline),
      writeIds: ['w1'],
    } satisfies SessionRecord;
  });

/** An access event whose `now` is often exactly at, just before or just after a deadline. */
function accessArb(record: SessionRecord): fc.Arbitrary<AccessEvent> {
  const points = [
    record.lastSeenAt + record.idleTimeout,
    record.absoluteDeadline,
    record.previousUntil ?? T,
    record.lastSeenAt,
    T,
  ];
  return fc
    .record({
      now: fc.oneof(
        fc.tuple(fc.constantFrom(...points), fc.constantFrom(-1, 0, 1)).map(([p, d]) => p + d),
        fc.integer({ min: T - 20_000, max: T + 20_000 }),
      ),
      presented: fc.constantFrom('current' as const, 'previous' as const, 'retired' as const),
      touchAfter: fc.integer({ min: 0, max: 10_000 }),
      endOnReuse: fc.boolean(),
    })
    .map((e) => ({ type: 'access' as const, ...e }));
}

/** Check the fast path against `transition()` on one record and access event. */
function agrees(record: SessionRecord, event: AccessEvent): void {
  const frozen = structuredClone(record);
  const before = machineSteps.count;
  const fast = access(record, event);
  const steps = machineSteps.count - before;
  const ref = reference(record, event);
  expect(fast.state).toBe(ref.state);
  expect(fast.effects).toEqual(ref.effects);
  for (const key of CONTEXT_KEYS) expect(fast.record[key], key).toEqual(ref.context[key]);
  if (ref.state === 'anonymous' || ref.state === 'authenticated') {
    expect(fast.record.state).toBe(ref.state);
    expect(fast.record.expiresAt).toBe(
      Math.min(ref.context.lastSeenAt + ref.context.idleTimeout, ref.context.absoluteDeadline),
    );
  }
  // Application data and bookkeeping are the manager's, never the machine's.
  expect(fast.record.browser).toEqual(record.browser);
  expect(fast.record.user).toEqual(record.user);
  expect(fast.record.version).toBe(record.version);
  expect(record).toEqual(frozen);
  // PERF-4: one step for an ending (a change of state), none otherwise: a plain read, a rejected or
  // grace credential, and a touch (PERF-1, the machine's own `assign` applied without a step).
  expect(steps).toBe(ref.state !== record.state ? 1 : 0);
}

/** Lifecycle events (no endings) that move a record through the machine between accesses. */
const lifecycleArb: fc.Arbitrary<(now: number) => SessionEvent> = fc.oneof(
  fc.constant((now: number) => ({ type: 'touch' as const, now })),
  fc
    .record({
      idle: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
      abs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
    })
    .map(({ idle, abs }) => (now: number) => {
      const e: SessionEvent = { type: 'setExpiry', now };
      if (idle !== undefined) e.idleTimeout = idle;
      if (abs !== undefined) e.absoluteTimeout = abs;
      return e;
    }),
  fc
    .record({ user: fc.constantFrom('alice', 'bob'), persistent: fc.boolean() })
    .map(({ user, persistent }) => (now: number) => ({
      type: 'authenticate' as const,
      now,
      userId: user,
      secretHash: `h${now}`,
      absoluteTimeout: 20_000,
      idleTimeout: 3_000,
      persistent,
      freshFor: 1_000,
    })),
  fc
    .integer({ min: 0, max: 3_000 })
    .map((graceMs) => (now: number) => ({ type: 'rotate' as const, now, secretHash: `r${now}`, graceMs })),
  fc.constant((now: number) => ({
    type: 'reauthenticate' as const,
    now,
    secretHash: `a${now}`,
    freshFor: 1_000,
  })),
  fc.constant((now: number) => ({ type: 'logout' as const, now, secretHash: `l${now}` })),
  fc.constant((now: number) => ({
    type: 'changeCredential' as const,
    now,
    secretHash: `c${now}`,
    freshFor: 1_000,
  })),
);

describe.each(SEEDS)('PERF-4: the access fast path agrees with transition() (seed %i)', (seed) => {
  it('PERF-4: on random records and access events: same next state, same effects, same record fields', () => {
    fc.assert(
      fc.property(
        recordArb.chain((record) => fc.tuple(fc.constant(record), accessArb(record))),
        ([record, event]) => agrees(record, event),
      ),
      { seed, numRuns: 2_000 },
    );
  });

  it('PERF-4: on records reached by random event sequences through the machine', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 4_000 }),
            event: lifecycleArb,
            probe: fc.record({
              ahead: fc.integer({ min: 0, max: 4_000 }),
              presented: fc.constantFrom('current' as const, 'previous' as const, 'retired' as const),
              touchAfter: fc.integer({ min: 0, max: 3_000 }),
              endOnReuse: fc.boolean(),
            }),
          }),
          { maxLength: 12 },
        ),
        (script) => {
          let now = T;
          let { record } = createRecord('S'.repeat(22), {
            now,
            secretHash: 'h0',
            idleTimeout: 3_000,
            absoluteTimeout: 20_000,
            persistent: false,
          });
          for (const { gap, event, probe } of script) {
            agrees(record, { type: 'access', now: now + probe.ahead, ...probe });
            now += gap;
            const next = step(record, event(now));
            if (next.state !== 'anonymous' && next.state !== 'authenticated') break;
            record = next.record;
          }
        },
      ),
      { seed, numRuns: 500 },
    );
  });
});

describe.each(SEEDS)('PERF-4: create agrees with initialTransition() (seed %i)', (seed) => {
  it('PERF-4: on random inputs: same state, same effects, same record fields', () => {
    fc.assert(
      fc.property(
        fc.record({
          now: fc.integer({ min: 0, max: 2 * T }),
          secretHash: fc.string({ minLength: 1, maxLength: 43 }),
          idleTimeout: fc.integer({ min: 1, max: 10 ** 9 }),
          absoluteTimeout: fc.integer({ min: 1, max: 10 ** 10 }),
          persistent: fc.boolean(),
        }),
        (input) => {
          const before = machineSteps.count;
          const fast = createRecord('s-1', input);
          expect(machineSteps.count - before).toBe(0);
          const [snapshot, actions] = initialTransition(sessionMachine, input);
          expect(fast.state).toBe(snapshot.value);
          expect(fast.effects).toEqual(
            actions.map((a) =>
              a.params === undefined ? { type: a.type } : { type: a.type, params: a.params },
            ),
          );
          for (const key of CONTEXT_KEYS) expect(fast.record[key], key).toEqual(snapshot.context[key]);
          expect(fast.record.state).toBe(snapshot.value);
          expect(fast.record.expiresAt).toBe(
            Math.min(
              snapshot.context.lastSeenAt + snapshot.context.idleTimeout,
              snapshot.context.absoluteDeadline,
            ),
          );
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

describe('PERF-4: machine steps per request', () => {
  it('PERF-4: a request without a cookie takes no machine step, nor does keeping its new session', async () => {
    const { manager } = setup();
    let before = machineSteps.count;
    const anonymous = await manager.load(undefined);
    anonymous.get('n');
    expect((await anonymous.commit()).wrote).toBe(false);
    expect(machineSteps.count - before).toBe(0);

    before = machineSteps.count;
    const kept = await manager.load(undefined);
    kept.set('n', 1);
    expect((await kept.commit()).cookie.action).toBe('set');
    expect(machineSteps.count - before).toBe(0);
  });

  it('PERF-4: a read-only load with no touch due takes 0 machine steps; a touch 0; a lifecycle request 1', async () => {
    const { manager, clock } = setup({ idleTimeout: 10_000, touchEvery: 0.5 });
    const { token } = await loggedIn(manager, 'u1');
    const plain = await stored(manager, { n: 1 });

    let before = machineSteps.count;
    const read = await manager.load(token);
    read.get('x');
    read.user.get('y');
    void read.isFresh;
    await read.commit();
    const anon = await manager.load(plain.token);
    anon.get('n');
    await anon.commit();
    expect(machineSteps.count - before).toBe(0);

    // A data-only write (no touch due) takes no step either.
    before = machineSteps.count;
    const writing = await manager.load(plain.token);
    writing.set('n', 2);
    await writing.commit();
    expect(machineSteps.count - before).toBe(0);

    clock.advance(5_000);
    before = machineSteps.count;
    const touched = await manager.load(token);
    expect(touched.lastSeenAt).toBe(clock.now());
    expect((await touched.commit()).wrote).toBe(true);
    expect(machineSteps.count - before).toBe(0);

    before = machineSteps.count;
    const rotating = await manager.load(token);
    rotating.rotate();
    tokenOf(await rotating.commit());
    expect(machineSteps.count - before).toBe(1);
  });
});
