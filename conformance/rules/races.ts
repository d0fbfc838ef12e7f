/**
 * CK-6: the race rules. Two or three reference managers (as separate processes) share the store under
 * test; `fc.scheduler` orders every store call and reply. A failure shows the store calls as a
 * timeline, one lane per manager, and the scheduler order that replays it.
 *
 * @packageDocumentation
 */

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { isSessionError, parseToken, type SessionStore } from '../../src/index.js';
import { T0 } from '../arbitraries.js';
import { logicalClock, Recorder } from '../concurrency/history.js';
import { authenticates, login, type Processes, processes } from '../concurrency/managers.js';
import { describeSchedule, formatTimeline } from '../concurrency/timeline.js';
import { show } from '../json.js';
import { type Counterexample, checkProperty, namedProperty, parameterNames } from '../property.js';
import { expect, type Rule, type RuleContext, Violation } from '../rule.js';

/** ID-2: the stored form of a secret. */
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** The racing managers. */
const MANAGERS = 2;

/**
 * Run a race as a property: a fresh store, managers over it, the race body; a failure carries the
 * timeline of store calls and the scheduler order.
 */
function race<T>(
  ctx: RuleContext,
  params: fc.Arbitrary<T>,
  body: (
    store: SessionStore,
    procs: Processes,
    s: fc.Scheduler,
    params: T,
    recorder: Recorder,
  ) => Promise<void>,
) {
  let lastFailure: Counterexample | undefined;
  // The race's parameter, named as the rule's body names it (CK-9).
  const parameter = parameterNames(body)[3] ?? 'input';
  return checkProperty(
    ctx,
    namedProperty(params, fc.scheduler(), async (value, s) => {
      const opened = await ctx.open();
      const recorder = new Recorder(logicalClock());
      try {
        await body(opened.store, processes(opened.store, s, MANAGERS, recorder), s, value, recorder);
        await s.waitIdle();
      } catch (error) {
        lastFailure = { steps: [`${parameter}: ${fc.stringify(value)}`, describeSchedule(s)] };
        if (error instanceof Violation) {
          error.message = [
            error.message,
            '  store calls of the racing managers (one lane each):',
            ...formatTimeline(recorder.operations).map((line) => `    ${line}`),
          ].join('\n');
        }
        throw error;
      } finally {
        await opened.dispose();
      }
    }),
    () => lastFailure,
  );
}

/** A rejection must be a typed SessionError, never a raw store error (SEC-2). */
function expectTyped(rule: string, outcomes: readonly PromiseSettledResult<unknown>[]): void {
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') {
      const reason = outcome.reason as unknown;
      expect(
        isSessionError(reason),
        `${rule}: a racing request failed with ${reason instanceof Error ? `${reason.name}: ${reason.message}` : show(reason)}, expected a SessionError`,
      );
    }
  }
}

/** CK-6, LC-4, ID-5: exactly one of the concurrent rotations of a session wins. @internal */
export const rotationRule: Rule = {
  id: 'CK-6.rotation',
  title: "one winner among concurrent rotations; the losers' secrets never authenticate",
  run: (ctx) =>
    race(ctx, fc.integer({ min: 2, max: 3 }), async (store, { managers, observer, clock }, s, rotators) => {
      const { token, sessionId } = await login(observer, 'alice', { n: 0 });
      const attempts = Array.from({ length: rotators }, async (_, i) => {
        const session = await managers[i % managers.length]!.load(token);
        // Loaded after a winner committed: the old token is already dead, nothing to rotate.
        if (session.isNew) return null;
        session.rotate();
        try {
          const { cookie } = await session.commit();
          return { won: true, token: cookie.action === 'set' ? cookie.token : null, session, error: null };
        } catch (error) {
          return { won: false, token: null, session, error: error as unknown };
        }
      });
      const outcomes = (await s.waitFor(Promise.all(attempts))).filter((o) => o !== null);
      const winners = outcomes.filter((o) => o.won);
      expect(
        winners.length === 1,
        `CK-6: ${winners.length} of ${outcomes.length} concurrent rotations of one session won, expected exactly one`,
      );
      expectTyped(
        'CK-6',
        outcomes.map((o) =>
          o.won ? { status: 'fulfilled', value: null } : { status: 'rejected', reason: o.error },
        ),
      );
      const winner = winners[0]!;
      expect(
        winner.token !== null && (await authenticates(observer, winner.token)),
        "CK-6: the winning rotation's new token does not authenticate",
      );
      expect(!(await authenticates(observer, token)), 'ID-5: the rotated-away token still authenticates');
      // The losing requests' secrets are never shown (ID-2), so the check is on what the store keeps:
      // the winner's secret as current and the rotated-away one as previous. Only those two can ever
      // authenticate, so no losing secret does.
      const stored = await store.read(sessionId, clock.now());
      const current = parseToken(winner.token ?? '');
      const original = parseToken(token);
      expect(
        typeof stored === 'object' &&
          stored !== null &&
          current !== null &&
          original !== null &&
          stored.secretHash === hashOf(current.secret) &&
          (stored.previousHash === null || stored.previousHash === hashOf(original.secret)),
        "CK-6: the stored secrets are not exactly the winner's and the rotated-away one: a losing rotation's secret was kept",
      );
    }),
};

/** CK-6, CC-3: N concurrent increments across managers end at exactly the number that succeeded. @internal */
export const incrementRule: Rule = {
  id: 'CK-6.increment',
  title: 'no lost and no doubled increment: concurrent update(n => n + 1) ends at the number that succeeded',
  run: (ctx) =>
    race(ctx, fc.integer({ min: 2, max: 5 }), async (_store, { managers, observer }, s, requests) => {
      const { token } = await login(observer, 'alice', { n: 0 });
      const attempts = Array.from({ length: requests }, async (_, i) => {
        const session = await managers[i % managers.length]!.load(token);
        expect(!session.isNew, 'CK-6: a live session did not load during concurrent increments');
        session.update('n', (n) => ((n as number | undefined) ?? 0) + 1);
        await session.commit();
      });
      const settled = await s.waitFor(Promise.allSettled(attempts));
      for (const outcome of settled) {
        if (outcome.status === 'rejected' && outcome.reason instanceof Violation) throw outcome.reason;
      }
      expectTyped('CK-6', settled);
      const succeeded = settled.filter((o) => o.status === 'fulfilled').length;
      const n = (await observer.load(token)).get('n');
      expect(
        n === succeeded,
        `CK-6: after ${requests} concurrent increments of n from 0, ${succeeded} reported success but n = ${show(n)}` +
          `${typeof n === 'number' && n < succeeded ? ' (a lost update)' : typeof n === 'number' && n > succeeded ? ' (a doubled update)' : ''}`,
      );
    }),
};

/** How a session ends (LC-6). */
type Ending = 'destroy' | 'logout-destroy' | 'revoke' | 'revokeSession';

/** CK-6, CC-4, LC-6: a save or touch in flight during an ending never brings the session back. @internal */
export const resurrectionRule: Rule = {
  id: 'CK-6.resurrection',
  title: 'no session resurrected by a save or touch in flight during an ending (destroy, logout, revoke)',
  run: (ctx) =>
    race(
      ctx,
      fc.record({
        ending: fc.constantFrom<Ending>('destroy', 'logout-destroy', 'revoke', 'revokeSession'),
        saves: fc.array(fc.constantFrom('save', 'touch'), { minLength: 1, maxLength: 3 }),
      }),
      async (store, { managers, observer }, s, { ending, saves }, recorder) => {
        const { token, sessionId } = await login(observer, 'alice', { n: 0 });
        const end = async () => {
          const m = managers[0]!;
          if (ending === 'revoke') return void (await m.revoke('alice'));
          if (ending === 'revokeSession') return void (await m.revokeSession('alice', sessionId));
          const session = await m.load(token);
          if (session.isNew) return;
          if (ending === 'destroy') session.destroy();
          else session.logout({ destroy: true });
          await session.commit();
        };
        const inFlight = saves.map(async (kind, i) => {
          const session = await managers[(i + 1) % managers.length]!.load(token);
          if (session.isNew) return; // loaded after the ending: nothing to save
          if (kind === 'save') session.set(`k${i}`, i);
          else session.touch();
          await session.commit();
        });
        const [ended, ...settled] = await s.waitFor(Promise.allSettled([end(), ...inFlight]));
        expect(
          ended!.status === 'fulfilled',
          `LC-6: the ${ending} failed: ${ended!.status === 'rejected' ? String(ended!.reason) : ''}`,
        );
        expectTyped('CK-6', settled);
        // A headline that says what happened: brought back after a delete, or never deleted at all.
        const deleted = recorder.operations.some(
          (op) =>
            (op.op === 'destroy' && op.input[0] === sessionId && op.output === true) ||
            (op.op === 'destroyByUser' && Array.isArray(op.output) && op.output.includes(sessionId)),
        );
        const found = await store.read(sessionId, T0);
        expect(
          found === null,
          deleted
            ? `CK-6: the session ended by ${ending} was resurrected by a ${saves.join(' / ')} in flight: the store deleted it, then read answers ${show(found, 120)}`
            : `CK-6: the ${ending} never deleted the session (no destroy answered true for it) while a ${saves.join(' / ')} was in flight: read still answers ${show(found, 120)}`,
        );
        expect(
          !(await authenticates(observer, token)),
          `LC-6: the token of the session ended by ${ending} still authenticates`,
        );
        const listed = (await store.listByUser('alice', T0)).records.map((r) => r.sessionId);
        expect(
          !listed.includes(sessionId),
          `CK-6: the session ended by ${ending} is still listed for its user`,
        );
      },
    ),
};

/** CK-6, LC-9: revoke-all ends every session whose login completed before it started. @internal */
export const revokeAllRule: Rule = {
  id: 'CK-6.revoke-all',
  title: 'revoke-all never misses a session created before it started',
  run: (ctx) =>
    race(
      ctx,
      fc.record({
        before: fc.integer({ min: 0, max: 2 }),
        logins: fc.integer({ min: 1, max: 3 }),
        revokes: fc.integer({ min: 1, max: 2 }),
      }),
      async (store, { managers, observer }, s, { before, logins, revokes }) => {
        const existing: string[] = [];
        for (let i = 0; i < before; i++) existing.push((await login(observer, 'alice')).sessionId);
        const completed: string[] = [];
        const racingLogins = Array.from({ length: logins }, async (_, i) => {
          const { sessionId } = await login(managers[i % managers.length]!, 'alice');
          completed.push(sessionId);
        });
        const racingRevokes = Array.from({ length: revokes }, async (_, i) => {
          // The scheduler decides when each revoke starts, between the logins.
          await s.schedule(Promise.resolve(), `revoke ${i} starts`);
          const mustEnd = [...existing, ...completed];
          await managers[i % managers.length]!.revoke('alice');
          return mustEnd;
        });
        const [, ended] = await s.waitFor(
          Promise.all([Promise.all(racingLogins), Promise.all(racingRevokes)]),
        );
        for (const mustEnd of ended) {
          for (const id of mustEnd) {
            const found = await store.read(id, T0);
            expect(
              found === null,
              `CK-6: revoke-all missed session ${id}, whose login completed before it started`,
            );
          }
        }
        // A revoke-all that starts after every login must end every one of them.
        await observer.revoke('alice');
        for (const id of [...existing, ...completed]) {
          const found = await store.read(id, T0);
          expect(
            found === null,
            `CK-6: a revoke-all started after every login missed session ${id} (read answers ${show(found, 80)})`,
          );
        }
        const listed = (await store.listByUser('alice', T0)).records;
        expect(listed.length === 0, `CK-6: after revoke-all, ${listed.length} sessions are still listed`);
      },
    ),
};

/** The CK-6 rules. @internal */
export const raceRules: readonly Rule[] = [rotationRule, resurrectionRule, incrementRule, revokeAllRule];
