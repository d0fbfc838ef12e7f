/**
 * CC-8, CK-5, CK-7: histories of concurrent store operations are linearizable against the store model,
 * whether the interleaving is chosen by `fc.scheduler` in-process, made by parallel clients of a
 * networked store, or disturbed by injected faults.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import type { SessionStore } from '../../src/index.js';
import { buildRecord, T0 } from '../arbitraries.js';
import { expectLinearizable } from '../concurrency/check.js';
import { logicalClock, Recorder } from '../concurrency/history.js';
import { describeProgram, type Program, programsArb, runProgram } from '../concurrency/programs.js';
import { scheduledStore } from '../concurrency/scheduled-store.js';
import { describeSchedule } from '../concurrency/timeline.js';
import { injectFaults } from '../faults.js';
import { type Counterexample, checkProperty, namedProperty } from '../property.js';
import type { Rule, RuleContext } from '../rule.js';
import { faultRules } from './faults.js';
import { raceRules } from './races.js';

/** Clients and steps per client, per profile (CK-10). */
function sizes(ctx: RuleContext): { clients: number; steps: number } {
  return ctx.profile === 'deep' ? { clients: 4, steps: 6 } : { clients: 3, steps: 4 };
}

/** The counterexample of a run: one line per client program, then the scheduler's order. */
function describeRun(programs: readonly Program[], scheduler?: fc.Scheduler): Counterexample {
  const steps = programs.map((program, i) => describeProgram(program, `c${i}`));
  if (scheduler !== undefined) steps.push(describeSchedule(scheduler));
  return { steps };
}

/** CC-8: interleavings chosen by `fc.scheduler` (calls and replies) linearize. @internal */
export const linearizableRule: Rule = {
  id: 'CC-8',
  title: 'concurrent operations, interleaved by fc.scheduler, are linearizable (per session, per user)',
  run(ctx) {
    const { clients, steps } = sizes(ctx);
    let lastFailure: Counterexample | undefined;
    return checkProperty(
      ctx,
      namedProperty(programsArb(clients, steps), fc.scheduler(), async (programs, s) => {
        const opened = await ctx.open();
        const recorder = new Recorder(logicalClock());
        try {
          // The clients start together; the scheduler alone decides the order (fast-check's rule:
          // wait on the whole batch, never on one scheduled call from outside).
          const runs = programs.map((program, i) =>
            runProgram(scheduledStore(recorder.wrap(opened.store, `c${i}`), s, `c${i}`), program),
          );
          await s.waitFor(Promise.all(runs));
          expectLinearizable('CC-8', recorder.operations);
        } catch (error) {
          lastFailure = describeRun(programs, s);
          throw error;
        } finally {
          await opened.dispose();
        }
      }),
      () => lastFailure,
    );
  },
};

/**
 * Whether the instances of one namespace see each other's writes (a networked store) or each hold
 * their own data (an in-process store, where one instance is the whole namespace).
 */
async function sharesNamespace(stores: readonly SessionStore[]): Promise<boolean> {
  if (stores.length < 2) return false;
  const probe = buildRecord(
    { sessionId: 'sid-probe', userId: null, expiresIn: 60_000, browser: {}, user: {}, labels: {} },
    T0,
    1,
  );
  await stores[0]!.create(probe, T0);
  const seen = await stores[1]!.read(probe.sessionId, T0);
  await stores[0]!.destroy(probe.sessionId);
  return typeof seen === 'object' && seen !== null;
}

/** CK-5: independent instances over one namespace, used in parallel, linearize (real time). @internal */
export const parallelRule: Rule = {
  id: 'CK-5.parallel',
  title: 'parallel clients on independent store instances of one namespace are linearizable',
  run(ctx) {
    const { clients, steps } = sizes(ctx);
    let lastFailure: Counterexample | undefined;
    return checkProperty(
      ctx,
      namedProperty(programsArb(clients, steps), async (programs) => {
        const opened = await ctx.openShared(programs.length);
        // CK-5: an in-process store is one namespace per instance: its clients share the first one.
        const shared = await sharesNamespace(opened.stores);
        const recorder = new Recorder(() => performance.now());
        try {
          await Promise.all(
            programs.map((program, i) =>
              runProgram(recorder.wrap(shared ? opened.stores[i]! : opened.stores[0]!, `c${i}`), program),
            ),
          );
          expectLinearizable('CK-5', recorder.operations);
        } catch (error) {
          lastFailure = describeRun(programs);
          throw error;
        } finally {
          await opened.dispose();
        }
      }),
      () => lastFailure,
    );
  },
};

/** How long a client waits for an answer under faults before it records an unknown outcome. */
const CLIENT_TIMEOUT_MS = 5;

/** CK-7: with delays, failures, timeouts and dropped replies, histories still linearize. @internal */
export const faultHistoryRule: Rule = {
  id: 'CK-7',
  title: 'with injected delays, timeouts and dropped replies, histories linearize (unknown outcomes allowed)',
  run(ctx) {
    const { clients, steps } = sizes(ctx);
    let lastFailure: Counterexample | undefined;
    return checkProperty(
      ctx,
      namedProperty(programsArb(clients, steps), fc.integer(), async (programs, faultSeed) => {
        const opened = await ctx.open();
        const faulty = injectFaults(opened.store, {
          seed: faultSeed,
          delay: 0.3,
          fail: 0.05,
          drop: 0.1,
          hang: 0.05,
        });
        const recorder = new Recorder(logicalClock());
        try {
          await Promise.all(
            programs.map((program, i) =>
              runProgram(recorder.wrap(faulty, `c${i}`, CLIENT_TIMEOUT_MS), program, true),
            ),
          );
          await faulty.idle();
          expectLinearizable('CK-7', recorder.operations);
        } catch (error) {
          const faults = faulty.injected.map(
            (f) => `#${f.call} ${f.method}: ${f.kind}${f.hang ? ` (${f.hang})` : ''}`,
          );
          lastFailure = {
            steps: [...describeRun(programs).steps, `fault seed ${faultSeed}: ${faults.join(', ')}`],
          };
          throw error;
        } finally {
          await faulty.idle();
          await opened.dispose();
        }
      }),
      () => lastFailure,
    );
  },
};

/**
 * The concurrency group: linearizability in-process, across clients and under faults (CC-8, CK-5,
 * CK-7).
 * @internal
 */
export const concurrencyRules: readonly Rule[] = [
  linearizableRule,
  parallelRule,
  faultHistoryRule,
  ...raceRules,
  ...faultRules,
];
