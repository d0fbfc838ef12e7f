/**
 * Client programs for the concurrency rules (CK-5, CC-8): each client runs a short sequence of store
 * operations on a few shared sessions and users; the clients run at the same time.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { type SessionStore, writeIdOf } from '../../src/index.js';
import { buildRecord, type RecordSpec, T0 } from '../arbitraries.js';
import type { StoredRecord } from '../model.js';

/** Few sessions and users, so that clients collide (CK-5). @internal */
export const RACE_SESSIONS = ['sid-A', 'sid-B'] as const;
/** @internal */
export const RACE_USERS = ['user-1', 'user-2'] as const;

/** One step of a client program. `write` expects the version this client last saw (1 at first). @internal */
export type Step =
  | { kind: 'create' | 'write'; spec: RecordSpec }
  | { kind: 'read' | 'destroy'; sessionId: string }
  | { kind: 'listByUser' | 'destroyByUser'; userId: string };

/** What each client runs, in order. @internal */
export type Program = Step[];

/** A record's generated part: small payloads so timelines stay readable; mostly live, sometimes expired. */
const specArb: fc.Arbitrary<RecordSpec> = fc.record({
  sessionId: fc.constantFrom(...RACE_SESSIONS),
  userId: fc.constantFrom(null, ...RACE_USERS),
  expiresIn: fc.oneof(
    { weight: 5, arbitrary: fc.constant(60_000) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  browser: fc.nat(9).map((n) => ({ n })),
  user: fc.constant({}),
  labels: fc.constant({}),
});

/** One step: creates and writes are the most frequent, as they are what races. */
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: specArb.map((spec): Step => ({ kind: 'create', spec })) },
  { weight: 4, arbitrary: specArb.map((spec): Step => ({ kind: 'write', spec })) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...RACE_SESSIONS).map((sessionId): Step => ({ kind: 'read', sessionId })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...RACE_SESSIONS).map((sessionId): Step => ({ kind: 'destroy', sessionId })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...RACE_USERS).map((userId): Step => ({ kind: 'listByUser', userId })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...RACE_USERS).map((userId): Step => ({ kind: 'destroyByUser', userId })),
  },
);

/**
 * Programs for 2..`maxClients` clients of 1..`maxSteps` steps each.
 * @returns the arbitrary; it shrinks to fewer clients and fewer steps.
 * @internal
 */
export function programsArb(maxClients: number, maxSteps: number): fc.Arbitrary<Program[]> {
  return fc.array(fc.array(stepArb, { minLength: 1, maxLength: maxSteps }), {
    minLength: 2,
    maxLength: maxClients,
  });
}

/**
 * Run one client's program against its store, at the simulated time T0. A client remembers the
 * version it last saw of each session and expects it when it writes, as a manager would (CC-1).
 * @param store - this client's store (recorded, scheduled, faulty...).
 * @param program - the steps.
 * @param tolerate - whether a rejected call is expected (faults, CK-7) and the client carries on.
 * @internal
 */
export async function runProgram(store: SessionStore, program: Program, tolerate = false): Promise<void> {
  const seen = new Map<string, StoredRecord>();
  for (const step of program) {
    try {
      switch (step.kind) {
        case 'create': {
          const record = buildRecord(step.spec, T0, 1);
          if ((await store.create(record, T0)) === 'ok') seen.set(step.spec.sessionId, record);
          break;
        }
        case 'write': {
          // CC-1: conditioned on the write id of the last record this client saw.
          const base = seen.get(step.spec.sessionId);
          const record = buildRecord(step.spec, T0, (base?.version ?? 1) + 1);
          const expected = base === undefined ? 'never-seen' : writeIdOf(base);
          if ((await store.write(record, expected, T0)) === 'ok') seen.set(step.spec.sessionId, record);
          break;
        }
        case 'read': {
          const found = await store.read(step.sessionId, T0);
          if (typeof found === 'object' && found !== null) seen.set(step.sessionId, found);
          break;
        }
        case 'destroy':
          await store.destroy(step.sessionId);
          break;
        case 'listByUser':
          await store.listByUser(step.userId, T0);
          break;
        case 'destroyByUser':
          await store.destroyByUser(step.userId, []);
          break;
      }
    } catch (error) {
      if (!tolerate) throw error;
    }
  }
}

/**
 * A program as one counterexample line.
 * @internal
 */
export function describeProgram(program: Program, client: string): string {
  const steps = program.map((step) => {
    if (step.kind === 'create' || step.kind === 'write') {
      const { sessionId, userId, expiresIn, browser } = step.spec;
      return `${step.kind}(${sessionId} user=${userId ?? '∅'} n=${String(browser.n)}${expiresIn === 0 ? ' expired' : ''})`;
    }
    return `${step.kind}(${step.kind === 'read' || step.kind === 'destroy' ? step.sessionId : (step as { userId: string }).userId})`;
  });
  return `${client}: ${steps.join('; ')}`;
}
