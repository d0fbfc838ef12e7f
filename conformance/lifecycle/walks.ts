/**
 * Random walks through the lifecycle (CK-4): abstract steps drawn by fast-check, each resolved against
 * the oracle's current state into a concrete step (its instant chosen relative to the session's deadlines,
 * the clock only moving forward), so that shrinking keeps a walk meaningful.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { isLive, type Oracle } from './oracle.js';
import {
  AUTH_VARIANTS,
  EXPIRY_VARIANTS,
  expiresAtOf,
  GRACE,
  type LifecycleStep,
  type RunConfig,
  type StepOp,
  touchAfterOf,
  USERS,
  WRITING_CALLS,
} from './steps.js';

/** The deadlines an instant can be chosen relative to. @internal */
type Deadline = 'idle' | 'absolute' | 'grace' | 'fresh' | 'touch';

/** When a walk step happens: now, a while later, or just before / at / after a deadline. @internal */
export type Timing = { kind: 'plus'; ms: number } | { kind: 'deadline'; which: Deadline; offset: -1 | 0 | 1 };

/** A step of a walk before it is resolved against the session's state. @internal */
export interface WalkStep {
  op: StepOp;
  timing: Timing;
  presented: 'current' | 'previous';
  endOnReuse: boolean;
  userId: number;
  variant: number;
  via: 'user' | 'session';
}

/** Mostly short advances, so that walks stay alive long enough to go somewhere; some long ones. */
const timingArb: fc.Arbitrary<Timing> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('plus' as const), ms: fc.integer({ min: 0, max: 300 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('plus' as const), ms: fc.integer({ min: 0, max: 2_500 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deadline' as const),
      which: fc.constantFrom<Deadline>('idle', 'absolute', 'grace', 'fresh', 'touch'),
      offset: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
    }),
  },
);

/** One abstract step; calls and requests are drawn more often than endings, so walks go somewhere. @internal */
export const walkStepArb: fc.Arbitrary<WalkStep> = fc.record({
  op: fc.oneof(
    { weight: 8, arbitrary: fc.constant<StepOp>('access') },
    {
      weight: 12,
      arbitrary: fc.constantFrom<StepOp>(
        'touch',
        'setExpiry',
        'authenticate',
        'reauthenticate',
        'rotate',
        'logout',
        'changeCredential',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom<StepOp>('destroy', 'revoke') },
  ),
  timing: timingArb,
  presented: fc.constantFrom<'current' | 'previous'>('current', 'previous'),
  endOnReuse: fc.boolean(),
  userId: fc.nat({ max: USERS.length - 1 }),
  variant: fc.nat({ max: 11 }),
  via: fc.constantFrom<'user' | 'session'>('user', 'session'),
});

/** The per-walk settings: the grace window off or on (CC-6). @internal */
export const runConfigArb: fc.Arbitrary<RunConfig> = fc.record({
  rotationGrace: fc.constantFrom(0, GRACE),
});

/**
 * Resolve a walk step against the oracle into a concrete step.
 * @param walk - the abstract step.
 * @param oracle - the machine's state before the step.
 * @returns a step no earlier than the last one. A writing call past the session's deadline becomes a
 *   request with the current token (see `WRITING_CALLS`); the previous token before any rotation, the
 *   current one; a revocation of an anonymous session, a deletion of its record.
 * @internal
 */
export function resolveStep(walk: WalkStep, oracle: Oracle): LifecycleStep {
  const c = oracle.context;
  const from = oracle.clock;
  let at = from;
  if (walk.timing.kind === 'plus') at = from + walk.timing.ms;
  else {
    const deadline = {
      idle: c.lastSeenAt + c.idleTimeout,
      absolute: c.absoluteDeadline,
      grace: c.previousUntil,
      fresh: c.freshUntil,
      touch: c.lastSeenAt + touchAfterOf(c),
    }[walk.timing.which];
    if (deadline !== null) at = Math.max(from, deadline + walk.timing.offset);
  }
  let op = walk.op;
  if (WRITING_CALLS.has(op) && isLive(oracle.snapshot)) {
    const deadline = expiresAtOf(c);
    if (from < deadline) at = Math.min(at, deadline - 1);
    else op = 'access';
  }
  switch (op) {
    case 'access':
      return {
        op,
        at,
        presented: walk.presented === 'previous' && c.previousHash !== null ? 'previous' : 'current',
        endOnReuse: walk.endOnReuse,
      };
    case 'setExpiry':
      return { op, at, ...EXPIRY_VARIANTS[walk.variant % EXPIRY_VARIANTS.length] };
    case 'authenticate':
      return { op, at, userId: USERS[walk.userId]!, ...AUTH_VARIANTS[walk.variant % AUTH_VARIANTS.length]! };
    case 'revoke':
      return { op, at, via: c.userId === null ? 'store' : walk.via };
    default:
      return { op, at };
  }
}
