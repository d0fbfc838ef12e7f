/**
 * CC-1 under a fail-over that loses acknowledged writes (CK-7): no write conditioned on state the store
 * lost is accepted, by the store alone and through two reference managers.
 *
 * @packageDocumentation
 */
import {
  createManualClock,
  createSessionManager,
  type SessionRecord,
  type SessionStore,
  writeIdOf,
} from '../../src/index.js';
import { buildRecord, nextWriteId, T0 } from '../arbitraries.js';
import { authenticates, login } from '../concurrency/managers.js';
import { loseAcknowledgedWrites } from '../faults.js';
import { jsonEqual, show } from '../json.js';
import { errorMessage } from '../property.js';
import { expect, type Rule, type RuleContext } from '../rule.js';

/** The store-level scenario, one line per step, as its counterexample. */
const STORE_STEPS = [
  'create r1 (v1, write id w1); the replica has it',
  'write r2 (v2, w2) on w1: ok, acknowledged',
  'fail-over: r2 is lost, the store holds r1 again',
  "write r2' (v2, w2') on w1: ok (another process)",
  'write r3 (v3) on w2, the lost write: must conflict',
];

/** The manager scenario, one line per step, as its counterexample. */
const MANAGER_STEPS = [
  'process A logs alice in (user bucket { plan: 1 }); the replica has it',
  'A: request 1 loads the session',
  'A: request 2 loads it, sets user.plan = 2 and commits: acknowledged, A keeps the record it wrote',
  'fail-over: request 2 is lost',
  "process B: alice's token loads the session, logout commits",
  'A: request 1 sets cart = 1 and commits: must fail closed (its base is the lost write)',
  "alice's old token must not authenticate on A or B",
];

/** CC-1: a write conditioned on a write the store lost answers `'conflict'`. */
async function storeScenario(store: SessionStore): Promise<void> {
  const lossy = loseAcknowledgedWrites(store);
  const spec = { sessionId: 'sid-A', userId: 'user-1', expiresIn: 100, browser: {}, user: {}, labels: {} };
  const r1 = buildRecord(spec, T0, 1);
  expect((await lossy.create(r1, T0)) === 'ok', 'ID-4: create on an empty store was refused');
  lossy.replicate();
  const next = (base: SessionRecord, version: number, data: number): SessionRecord => ({
    ...buildRecord({ ...spec, browser: { data } }, T0, version),
    writeIds: [...base.writeIds, nextWriteId(version)],
  });
  const r2 = next(r1, 2, 2);
  const acknowledged = await lossy.write(r2, writeIdOf(r1), T0);
  expect(acknowledged === 'ok', `CC-1: write on the stored write id answered ${show(acknowledged)}`);
  await lossy.failOver(T0);
  const restored = await store.read(r1.sessionId, T0);
  expect(jsonEqual(restored, r1), `CK-7: after the fail-over the store holds ${show(restored)}, not r1`);
  const other = next(r1, 2, 3);
  const replaced = await store.write(other, writeIdOf(r1), T0);
  expect(replaced === 'ok', `CC-1: write r2' on the stored write id answered ${show(replaced)}`);
  const stale = await store.write(next(r2, 3, 4), writeIdOf(r2), T0);
  expect(
    stale === 'conflict',
    `CC-1.failover: a write conditioned on the lost write answered ${show(stale)}, expected 'conflict': its version matched, its write id did not`,
  );
  const after = await store.read(r1.sessionId, T0);
  expect(jsonEqual(after, other), `CC-1.failover: the stale write changed the record to ${show(after)}`);
}

/** CC-1, CC-4, LC-5: a logout made after a fail-over is not undone by a write based on the lost state. */
async function managerScenario(store: SessionStore): Promise<void> {
  const lossy = loseAcknowledgedWrites(store);
  const clock = createManualClock(T0);
  const options = { clock, backoffMs: 0 };
  const a = createSessionManager({ store: lossy, ...options });
  const b = createSessionManager({ store: lossy, ...options });
  const { token, sessionId } = await login(a, 'alice');
  const setup = await a.load(token);
  setup.user.set('plan', 1);
  await setup.commit();
  lossy.replicate();
  const first = await a.load(token);
  const second = await a.load(token);
  second.user.set('plan', 2);
  await second.commit();
  await lossy.failOver(clock.now());
  const other = await b.load(token);
  expect(!other.isNew, 'CK-7: after the fail-over the session did not load on B');
  other.logout();
  await other.commit();
  first.set('basket', 1);
  let failed = false;
  try {
    await first.commit();
  } catch {
    failed = true;
  }
  const stored = await store.read(sessionId, clock.now());
  const record = typeof stored === 'object' && stored !== null ? stored : null;
  expect(
    record === null || (record.userId === null && Object.keys(record.user ?? {}).length === 0),
    `CC-1.failover: the logout was undone: the store holds ${show(stored, 300)}`,
  );
  expect(
    !(await authenticates(a, token)) && !(await authenticates(b, token)),
    'CC-1.failover: the logged-out token authenticates again',
  );
  expect(failed, 'CC-1.failover: a commit based on the lost write reported success');
}

/** Run one scenario on a fresh namespace. */
async function inStore(ctx: RuleContext, scenario: (store: SessionStore) => Promise<void>): Promise<void> {
  const opened = await ctx.open();
  try {
    await scenario(opened.store);
  } finally {
    await opened.dispose();
  }
}

/**
 * CC-1.failover: no write conditioned on state the store lost is accepted (CK-7). What no condition
 * can restore, a lost logout itself, is out of its reach (SPEC 6, CC-1).
 * @internal
 */
export const failoverRule: Rule = {
  id: 'CC-1.failover',
  title: 'after a fail-over that lost an acknowledged write, no write conditioned on it is accepted',
  async run(ctx) {
    for (const [scenario, steps] of [
      [storeScenario, STORE_STEPS],
      [managerScenario, MANAGER_STEPS],
    ] as const) {
      try {
        await inStore(ctx, scenario);
      } catch (error) {
        return {
          status: 'fail',
          runs: 1,
          message: errorMessage(error),
          counterexample: steps.map((line, i) => `step ${i + 1}: ${line}`),
        };
      }
    }
    return { status: 'pass', runs: 1 };
  },
};
