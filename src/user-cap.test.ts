/**
 * LC-12 under concurrency: logins of one user racing on two managers (two processes sharing one store),
 * on the memory store and on a real Redis. The store wrapper holds one operation back until the other
 * manager's matching operation has answered, so the worst interleaving happens every time.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { onRealRedis, type StoreOp, turns, wrapStore } from '../test/stores.js';
import type { SessionStore } from './index.js';
import { type CommitResult, createManualClock, createSessionManager, isSessionError } from './index.js';
import type { SessionManagerOptions } from './manager.js';

const T0 = Date.now();

/**
 * Two managers on one store, each through a wrapper that holds `held` back until `count` answers of
 * `after` have come from either manager (or half a second has passed, so a run that never gets there
 * still ends).
 */
function twoManagers(
  base: () => SessionStore,
  held: StoreOp,
  after: StoreOp,
  count: number,
  options: Partial<SessionManagerOptions>,
) {
  const clock = createManualClock(T0);
  let answered = 0;
  const around = async (op: StoreOp, _args: readonly unknown[], run: () => Promise<unknown>) => {
    if (op === held) {
      const started = Date.now();
      while (answered < count && Date.now() - started < 500) await turns(1);
    }
    const result = await run();
    if (op === after) answered += 1;
    return result;
  };
  const make = () =>
    createSessionManager({ ...options, store: wrapStore(base(), { around }), clock, touchEvery: 0 });
  return { clock, managers: [make(), make()] as const };
}

/** A commit's outcome: its cookie action, or the error code it failed with. */
async function outcome(commit: Promise<CommitResult>): Promise<string> {
  try {
    return (await commit).cookie.action;
  } catch (error) {
    if (isSessionError(error)) return error.code;
    throw error;
  }
}

/** The cap races, on one kind of store. */
function capRaces(name: string, storeOf: () => () => SessionStore) {
  describe(`LC-12: concurrent logins on two managers (${name})`, () => {
    it('LC-12 end-oldest: two concurrent logins with a cap of 1 leave exactly the one bound later', async () => {
      const { clock, managers } = twoManagers(storeOf(), 'listByUser', 'create', 2, {
        maxSessionsPerUser: 1,
      });
      const user = `u${randomBytes(4).toString('hex')}`;
      const [a, b] = [await managers[0].load(undefined), await managers[1].load(undefined)];
      a.authenticate(user);
      clock.advance(1);
      b.authenticate(user);
      // Both logins are written before either lists the user's sessions.
      const [first, second] = await Promise.all([outcome(a.commit()), outcome(b.commit())]);
      const left = await managers[0].listSessions(user);
      expect(left.map((s) => s.sessionId)).toEqual([b.id]);
      // The login bound earlier was ended by the cap: its response clears the cookie it did not keep.
      expect([first, second]).toEqual(['clear', 'set']);
      expect(a.status).toBe('destroyed');
    });

    it('LC-12 end-oldest: five concurrent logins with a cap of 3 keep the three bound last', async () => {
      const { clock, managers } = twoManagers(storeOf(), 'listByUser', 'create', 5, {
        maxSessionsPerUser: 3,
      });
      const user = `u${randomBytes(4).toString('hex')}`;
      const sessions = [];
      for (let i = 0; i < 5; i++) {
        const session = await managers[i % 2]!.load(undefined);
        session.authenticate(user);
        clock.advance(i === 3 ? 0 : 1); // two of them bound at the same instant: ordered by id
        sessions.push(session);
      }
      await Promise.all(sessions.map((s) => outcome(s.commit())));
      const order = [...sessions].sort(
        (x, y) => x.authenticatedAt! - y.authenticatedAt! || (x.id < y.id ? -1 : 1),
      );
      const left = (await managers[1].listSessions(user)).map((s) => s.sessionId).sort();
      expect(left).toEqual(
        order
          .slice(2)
          .map((s) => s.id)
          .sort(),
      );
    });

    it('LC-12 refuse: two concurrent logins with a cap of 1: one passes, the other is refused', async () => {
      const { managers } = twoManagers(storeOf(), 'create', 'listByUser', 2, {
        maxSessionsPerUser: { max: 1, onExceed: 'refuse' },
      });
      const user = `u${randomBytes(4).toString('hex')}`;
      const [a, b] = [await managers[0].load(undefined), await managers[1].load(undefined)];
      a.authenticate(user);
      b.authenticate(user);
      // Without the per-user lock both would count no session before either is written.
      const results = await Promise.all([outcome(a.commit()), outcome(b.commit())]);
      expect(results.sort()).toEqual(['USER_CAP_REACHED', 'set']);
      expect(await managers[0].listSessions(user)).toHaveLength(1);
    });
  });
}

capRaces('memory', () => {
  const memory = createMemoryStore({ sweepEvery: false });
  return () => memory;
});

onRealRedis((connect) =>
  capRaces('Redis', () => {
    const prefix = `cap${randomBytes(4).toString('hex')}`;
    // Each manager has its own connection, as two processes would.
    return () => connect(prefix);
  }),
);
