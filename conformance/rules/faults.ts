/**
 * SEC-2 and CC-7 under injected faults (CK-7): the reference manager over the store under test, with
 * failures, lost replies and timeouts injected, fails closed and never applies a write twice.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import {
  createManualClock,
  createSessionManager,
  isSessionError,
  type SessionManager,
} from '../../src/index.js';
import { T0 } from '../arbitraries.js';
import { login } from '../concurrency/managers.js';
import { type FaultOptions, type FaultyStore, injectFaults } from '../faults.js';
import { show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule, type RuleContext } from '../rule.js';

/** The manager's store timeout under faults: a hung call costs this much real time. */
const STORE_TIMEOUT_MS = 5;

/** What a commit may fail with when the store misbehaves (SEC-2, CC-7). */
const FAULT_CODES = ['STORE_UNAVAILABLE', 'INDETERMINATE', 'CONFLICT'] as const;

/**
 * A logged-in session with `n = 0` behind a faulty store; then `requests` requests, each loading the
 * session and incrementing `n`. Checks that every load either finds the real session or fails with
 * `STORE_UNAVAILABLE` (SEC-2), that commits fail with typed errors only, and that afterwards the store
 * holds the same session with `n` between the commits that succeeded and those attempted (CC-7: never
 * applied twice).
 */
async function faultyRequests(
  ctx: RuleContext,
  rule: string,
  faults: FaultOptions,
  requests: number,
): Promise<void> {
  const opened = await ctx.open();
  const faulty: FaultyStore = injectFaults(opened.store, faults);
  faulty.active = false;
  const manager: SessionManager = createSessionManager({
    store: faulty,
    clock: createManualClock(T0),
    storeTimeout: STORE_TIMEOUT_MS,
    backoffMs: 0,
  });
  // The setup runs without faults and with the default timeout: a networked store may need more than
  // the few milliseconds the faulty requests are given.
  const setup = createSessionManager({ store: opened.store, clock: createManualClock(T0) });
  // The manager's timeout timers do not hold the process open; while a call hangs, this does.
  const keepAlive = setInterval(() => {}, 1_000);
  try {
    const { token, sessionId } = await login(setup, 'alice', { n: 0 });
    faulty.active = true;
    let attempted = 0;
    let succeeded = 0;
    for (let i = 0; i < requests; i++) {
      let session: Awaited<ReturnType<SessionManager['load']>>;
      try {
        session = await manager.load(token);
      } catch (error) {
        expect(
          isSessionError(error, 'STORE_UNAVAILABLE'),
          `SEC-2: load with a failing store threw ${describe(error)}, expected STORE_UNAVAILABLE`,
        );
        continue;
      }
      expect(
        !session.isNew && session.userId === 'alice',
        'SEC-2: with the store failing, load gave a new anonymous session instead of failing closed',
      );
      session.update('n', (n) => ((n as number | undefined) ?? 0) + 1);
      attempted += 1;
      try {
        await session.commit();
        succeeded += 1;
      } catch (error) {
        expect(
          FAULT_CODES.some((code) => isSessionError(error, code)),
          `SEC-2: a commit with a failing store threw ${describe(error)}, expected one of ${FAULT_CODES.join(', ')}`,
        );
      }
    }
    faulty.active = false;
    await faulty.idle();
    const found = await opened.store.read(sessionId, T0);
    const record = typeof found === 'object' && found !== null ? found : null;
    expect(
      record !== null && record.userId === 'alice',
      `SEC-2: after the faults the user's session reads ${show(found, 120)}: it was lost or overwritten`,
    );
    const n = record.browser.n;
    expect(
      typeof n === 'number' && n >= succeeded && n <= attempted,
      `${rule}: after ${attempted} increments (${succeeded} reported success) under faults ` +
        `${faulty.injected.map((f) => `${f.method}:${f.kind}${f.hang ? `(${f.hang})` : ''}`).join(', ')}, n = ${show(n)}` +
        (typeof n === 'number' && n > attempted ? ': a write was applied twice' : ''),
    );
  } finally {
    clearInterval(keepAlive);
    faulty.active = false;
    await faulty.idle();
    await opened.dispose();
  }
}

/** A caught value in a few words. */
function describe(error: unknown): string {
  if (isSessionError(error)) return `SessionError ${error.code}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}

/** SEC-2: with random faults, the manager fails closed and loses nothing. @internal */
export const failClosedRule: Rule = {
  id: 'SEC-2',
  title: 'with store faults the manager fails closed (STORE_UNAVAILABLE), never with an anonymous stand-in',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, requests) =>
        faultyRequests(ctx, 'SEC-2', { seed, fail: 0.15, drop: 0.15, hang: 0.1, delay: 0.2 }, requests),
      ),
    ),
};

/** CC-7: a write whose reply is lost (dropped or timed out), and that is retried, is applied once. @internal */
export const idempotentRule: Rule = {
  id: 'CC-7',
  title: 'a write whose reply was lost is never applied twice when the manager retries it',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        fc.integer(),
        fc.constantFrom('drop' as const, 'hang' as const),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        (seed, kind, nth, requests) => {
          let writes = 0;
          // Only the nth write suffers; every other call goes through.
          const decide = ({ method }: { method: string }) =>
            method === 'write' && writes++ === nth ? kind : null;
          return faultyRequests(ctx, 'CC-7', { seed, decide }, requests);
        },
      ),
    ),
};

/** The fault rules (CK-7). @internal */
export const faultRules: readonly Rule[] = [failClosedRule, idempotentRule];
