/**
 * The steps of a lifecycle test (CK-4): what a request does to a session, at an instant. One step is
 * one machine event for the oracle and one request (or one call on the request's session) for the
 * reference manager; this file holds the policy both sides share and the translation to machine events.
 *
 * @packageDocumentation
 */
import type { SessionContext, SessionEvent } from '../../spec/index.js';
import { T0 } from '../arbitraries.js';

/**
 * The manager policy every lifecycle run uses: short durations, so that the instants just before, at
 * and after every deadline are a few milliseconds apart and a path visits all of them. @internal
 */
export const POLICY = {
  idleTimeout: 1_000,
  absoluteTimeout: 10_000,
  freshFor: 400,
  /** CC-6: `endOnReuse` waits this long after a plain rotation's window (shorter than the deadlines). */
  reuseMargin: 100,
  /** PERF-1: a touch is written once 30 % of the idle timeout has passed. */
  touchEvery: 0.3,
} as const;

/** The grace window of `rotate()` when a run turns it on (CC-6). @internal */
export const GRACE = 200;

/** The users a lifecycle run binds: two, so that a switch (LC-3) is possible. @internal */
export const USERS = ['user-1', 'user-2'] as const;

/** The instant the session of every run is created at. @internal */
export const CREATED_AT = T0;

/** The per-run manager settings a step sequence is checked under. @internal */
export interface RunConfig {
  /** `rotationGrace` of the managers (CC-6): 0 or {@link GRACE}. */
  rotationGrace: number;
}

/**
 * One step: an instant (`at`, milliseconds since the epoch, never before the previous step's) and what
 * happens then. `access` is a new request presenting the current or the previous token; `revoke` ends the
 * session from outside it; every other step is a call on the session of the last request, then a commit.
 * @internal
 */
export type LifecycleStep =
  | { op: 'access'; at: number; presented: 'current' | 'previous'; endOnReuse: boolean }
  | { op: 'touch' | 'reauthenticate' | 'rotate' | 'logout' | 'changeCredential' | 'destroy'; at: number }
  | { op: 'setExpiry'; at: number; idleTimeout?: number; absoluteTimeout?: number; persistent?: boolean }
  | {
      op: 'authenticate';
      at: number;
      userId: string;
      idleTimeout: number;
      absoluteTimeout: number;
      persistent: boolean;
    }
  /**
   * `user`: `manager.revoke(userId)`; `session`: `manager.revokeSession(userId, id)`. An anonymous
   * session has no user to revoke it by: it is ended from outside by deleting its record (`store`).
   */
  | { op: 'revoke'; at: number; via: 'user' | 'session' | 'store' };

/** The lifetimes an `authenticate` step starts (LC-7): the policy's, a shorter persistent one, a tiny one. @internal */
export const AUTH_VARIANTS = [
  { idleTimeout: POLICY.idleTimeout, absoluteTimeout: POLICY.absoluteTimeout, persistent: false },
  { idleTimeout: POLICY.idleTimeout, absoluteTimeout: 8_000, persistent: true },
  { idleTimeout: 500, absoluteTimeout: 3_000, persistent: true },
] as const;

/**
 * The overrides a `setExpiry` step applies (LC-7): an earlier absolute deadline, a longer idle timeout
 * with a persistent cookie, a shorter one with a browser-session cookie, an absolute deadline of now.
 * @internal
 */
export const EXPIRY_VARIANTS: readonly {
  idleTimeout?: number;
  absoluteTimeout?: number;
  persistent?: boolean;
}[] = [
  { absoluteTimeout: 500 },
  { idleTimeout: 2_000, persistent: true },
  { idleTimeout: 300, persistent: false },
  { absoluteTimeout: 0 },
];

/** The operation names of {@link LifecycleStep}. @internal */
export type StepOp = LifecycleStep['op'];

/**
 * Calls that write the session as the request loaded it. The machine checks deadlines only on `access`
 * and `touch`; the store refuses writes past `expiresAt` (ST-3). So these calls are only made before the
 * session's deadline, as by a request that loaded it in time. @internal
 */
export const WRITING_CALLS: ReadonlySet<StepOp> = new Set([
  'setExpiry',
  'authenticate',
  'reauthenticate',
  'rotate',
  'logout',
  'changeCredential',
]);

/** LC-7: the instant a session stops being readable. @internal */
export function expiresAtOf(c: SessionContext): number {
  return Math.min(c.lastSeenAt + c.idleTimeout, c.absoluteDeadline);
}

/** PERF-1: the throttle the manager passes with `access`, from the session's own idle timeout. @internal */
export function touchAfterOf(c: SessionContext): number {
  return Math.floor(c.idleTimeout * POLICY.touchEvery);
}

let hashes = 0;
/** A stand-in secret hash for the oracle: the manager makes real ones; only their identity matters. */
const newHash = () => `oracle-${++hashes}`;

/**
 * The machine event a step is, for a session whose context is `c`, under `config`.
 * @param step - the step.
 * @param c - the machine's context before the step.
 * @param config - the run's settings.
 * @returns the event, with the same values the reference manager derives from its policy.
 * @internal
 */
export function machineEvent(step: LifecycleStep, c: SessionContext, config: RunConfig): SessionEvent {
  const now = step.at;
  switch (step.op) {
    case 'access':
      return {
        type: 'access',
        now,
        presented: step.presented,
        touchAfter: touchAfterOf(c),
        // CC-6: the policy applies only where the rule lets reuse end a session.
        endOnReuse: step.endOnReuse && lateReuseMayEnd(c, now, POLICY.reuseMargin),
      };
    case 'touch':
    case 'destroy':
      return { type: step.op, now };
    case 'revoke':
      return { type: 'revoke', now };
    case 'setExpiry': {
      const event: SessionEvent = { type: 'setExpiry', now };
      if (step.idleTimeout !== undefined) event.idleTimeout = step.idleTimeout;
      if (step.absoluteTimeout !== undefined) event.absoluteTimeout = step.absoluteTimeout;
      if (step.persistent !== undefined) event.persistent = step.persistent;
      return event;
    }
    case 'authenticate':
      return {
        type: 'authenticate',
        now,
        userId: step.userId,
        secretHash: newHash(),
        absoluteTimeout: step.absoluteTimeout,
        idleTimeout: step.idleTimeout,
        persistent: step.persistent,
        freshFor: POLICY.freshFor,
      };
    case 'reauthenticate':
    case 'changeCredential':
      return { type: step.op, now, secretHash: newHash(), freshFor: POLICY.freshFor };
    case 'rotate':
      return { type: 'rotate', now, secretHash: newHash(), graceMs: config.rotationGrace };
    case 'logout':
      return { type: 'logout', now, secretHash: newHash() };
  }
}

/**
 * A step in one readable line for counterexamples, time relative to creation.
 * @returns e.g. `T+1000 access(previous, endOnReuse)`.
 * @internal
 */
export function describeStep(step: LifecycleStep): string {
  const { op, at, ...rest } = step;
  const args = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? k : k === 'presented' || k === 'userId' || k === 'via' ? v : `${k}=${v}`));
  return `T+${at - CREATED_AT} ${op}(${args.join(', ')})`;
}

/** @internal The argument names {@link describeStep} writes as bare values, per operation. */
const BARE: Readonly<Record<string, string>> = { access: 'presented', authenticate: 'userId', revoke: 'via' };

/**
 * A step back from the line {@link describeStep} wrote, so that a reported counterexample can be stepped
 * through again (`sessionspec visualize --trace`). `describeStep` leaves out `false` flags, so they
 * come back as absent (`setExpiry`'s `persistent: false` then keeps the session's setting).
 * @param line - e.g. `T+1000 access(previous, endOnReuse)`.
 * @returns the step, `at` in milliseconds since the epoch.
 * @throws TypeError when the line is not one `describeStep` writes.
 * @internal
 */
export function parseStep(line: string): LifecycleStep {
  const match = /^T\+(\d+) (\w+)\((.*)\)$/.exec(line.trim());
  const ops = [
    'access',
    'touch',
    'reauthenticate',
    'rotate',
    'logout',
    'changeCredential',
    'destroy',
    'setExpiry',
    'authenticate',
    'revoke',
  ];
  if (match === null || !ops.includes(match[2] ?? '')) {
    throw new TypeError(`not a lifecycle step: '${line}' (expected like 'T+1000 access(previous)')`);
  }
  const [, at = '0', op = '', args = ''] = match;
  const step: Record<string, unknown> = { op, at: CREATED_AT + Number(at) };
  for (const arg of args === '' ? [] : args.split(', ')) {
    const eq = arg.indexOf('=');
    if (eq !== -1) step[arg.slice(0, eq)] = Number(arg.slice(eq + 1));
    else if (arg === 'endOnReuse' || arg === 'persistent') step[arg] = true;
    else if (BARE[op] !== undefined) step[BARE[op]] = arg;
    else throw new TypeError(`not a lifecycle step: '${line}' (unknown argument '${arg}')`);
  }
  if (op === 'access') step.endOnReuse ??= false;
  if (op === 'authenticate') step.persistent ??= false;
  return step as unknown as LifecycleStep;
}

/**
 * CC-6, stated by the kit itself (CK-4: it keeps its own model): a late previous secret may end the
 * session only when a plain rotation retired it (a login, switch, re-authentication, credential change
 * or logout retires it with another reason) and the race margin after its window has run out.
 * @internal
 */
function lateReuseMayEnd(c: SessionContext, now: number, margin: number): boolean {
  if (c.previousUntil === null) return false;
  return c.previousReason === 'r' && now - c.previousUntil >= margin;
}
