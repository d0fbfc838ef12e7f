/**
 * The bridge between stored records and the lifecycle machine. Every lifecycle decision is the
 * machine's: this file only moves fields between a record and the machine's context, and runs the
 * machine (PERF-4: with a pre-compiled guard table for `access`, so a read-only load takes no step).
 *
 * @packageDocumentation
 */
import { initialTransition, transition } from 'xstate';
import {
  type AccessEvent,
  type AuditEventType,
  type CreateInput,
  RECORD_FORMAT,
  type SessionContext,
  type SessionEvent,
  type SessionRecord,
  type SessionState,
  sessionMachine,
} from '../spec/index.js';

/** An effect the machine asked for, with the audit event name for `audit`. */
export interface Effect {
  type: string;
  event?: AuditEventType;
}

/** The outcome of one machine step applied to a record. */
export interface Step {
  /** The next state; a terminal one means the session ends (LC-6). */
  state: SessionState;
  /** The record with the machine's context changes and `resetUserBucket` applied. */
  record: SessionRecord;
  effects: Effect[];
}

/** @internal */
type Guard = (args: { context: SessionContext; event: SessionEvent }) => boolean;

const guards = sessionMachine.implementations.guards as unknown as Record<string, Guard>;
const actions = sessionMachine.implementations.actions as unknown as Record<string, { type?: string }>;

/** @internal Whether a named action changes the context (an `assign`). */
const changesContext = (name: string) => actions[name]?.type === 'xstate.assign';

/**
 * @internal One guarded candidate of the `access` event, compiled from the machine's configuration at
 * start-up (PERF-4). A property test proves {@link access} equal to `transition()`.
 */
interface Candidate {
  guard: Guard | null;
  target: SessionState | null;
  effects: Effect[];
  /** The candidate changes the context or the state: it takes a real machine step. */
  needsStep: boolean;
}

type ActionConfig = string | { type: string; params?: { event?: AuditEventType } };
type TransitionConfig = { guard?: string; target?: string; actions?: ActionConfig[] };

/** @internal */
function toEffect(action: ActionConfig): Effect {
  if (typeof action === 'string') return { type: action };
  return action.params?.event ? { type: action.type, event: action.params.event } : { type: action.type };
}

/** @internal */
function compileAccess(state: 'anonymous' | 'authenticated'): Candidate[] {
  const on = (
    sessionMachine.config.states as unknown as Record<string, { on: Record<string, TransitionConfig[]> }>
  )[state]!.on;
  return on.access!.map((c) => {
    const names = (c.actions ?? []).map((a) => (typeof a === 'string' ? a : a.type));
    return {
      guard: c.guard ? guards[c.guard]! : null,
      target: (c.target as SessionState | undefined) ?? null,
      effects: (c.actions ?? [])
        .filter((a) => !changesContext(typeof a === 'string' ? a : a.type))
        .map(toEffect),
      needsStep: c.target !== undefined || names.some(changesContext),
    };
  });
}

const accessTable = { anonymous: compileAccess('anonymous'), authenticated: compileAccess('authenticated') };

/** Counts machine steps, for the PERF-4 test (a read-only load must take none). */
export const machineSteps = { count: 0 };

/**
 * The machine's context for a record.
 * @param record - a stored record.
 * @returns the lifecycle fields the machine reads.
 */
export function contextOf(record: SessionRecord): SessionContext {
  return {
    userId: record.userId,
    secretHash: record.secretHash,
    previousHash: record.previousHash,
    previousUntil: record.previousUntil,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    authenticatedAt: record.authenticatedAt,
    freshUntil: record.freshUntil,
    idleTimeout: record.idleTimeout,
    absoluteDeadline: record.absoluteDeadline,
    persistent: record.persistent,
  };
}

/** LC-7: the instant a session stops being readable. */
export function expiresAtOf(c: SessionContext): number {
  return Math.min(c.lastSeenAt + c.idleTimeout, c.absoluteDeadline);
}

/** @internal Copy a context (and state) back into a record. */
function withContext(record: SessionRecord, state: SessionState, c: SessionContext): SessionRecord {
  return {
    ...record,
    state: state === 'authenticated' ? 'authenticated' : 'anonymous',
    ...c,
    expiresAt: expiresAtOf(c),
  };
}

/**
 * `create`: a new record from the machine's initial transition.
 * @param sessionId - the new session's id (ID-1).
 * @param input - the machine's create input.
 * @returns the record (version 1) and the create effects, to run when it is first kept (SEC-6).
 */
export function createRecord(sessionId: string, input: CreateInput): Step {
  machineSteps.count++;
  const [snapshot, acts] = initialTransition(sessionMachine, input);
  const blank: SessionRecord = {
    format: RECORD_FORMAT,
    sessionId,
    version: 1,
    state: 'anonymous',
    browser: {},
    user: {},
    labels: {},
    writeIds: [],
    ...snapshot.context,
    expiresAt: expiresAtOf(snapshot.context),
  };
  return {
    state: snapshot.value as SessionState,
    record: withContext(blank, snapshot.value as SessionState, snapshot.context),
    effects: acts.map((a) => toEffect(a as ActionConfig)),
  };
}

/**
 * Run one lifecycle event through the machine's pure `transition()` and apply it to the record.
 * @param record - the current record (live).
 * @param event - the event, with `now` and any new secret hash.
 * @returns the next state, the updated record and the effects in order.
 */
export function step(record: SessionRecord, event: SessionEvent): Step {
  machineSteps.count++;
  const snapshot = sessionMachine.resolveState({ value: record.state, context: contextOf(record) });
  const [next, acts] = transition(sessionMachine, snapshot, event);
  const effects = acts.map((a) => toEffect(a as ActionConfig));
  let updated = withContext(record, next.value as SessionState, next.context);
  // LC-2, LC-3, LC-5: the user bucket starts empty at login, user switch and logout.
  if (effects.some((e) => e.type === 'resetUserBucket')) updated = { ...updated, user: {} };
  return { state: next.value as SessionState, record: updated, effects };
}

/**
 * The `access` event on load (PERF-4): the machine's own guards, compiled into a table, pick the
 * candidate; only a candidate that changes the context or the state takes a `transition()` step.
 * @param record - the loaded record.
 * @param event - the access event.
 * @returns the outcome, equal to {@link step} for the same inputs.
 */
export function access(record: SessionRecord, event: AccessEvent): Step {
  const context = contextOf(record);
  for (const candidate of accessTable[record.state]) {
    if (candidate.guard !== null && !candidate.guard({ context, event })) continue;
    if (candidate.needsStep) return step(record, event);
    return { state: record.state, record, effects: candidate.effects };
  }
  /* c8 ignore next */
  return step(record, event);
}

/**
 * LC-8: the machine's `isFresh` guard.
 * @returns whether the last authentication is recent enough at `now`.
 */
export function isFresh(record: SessionRecord, now: number): boolean {
  return guards.isFresh!({ context: contextOf(record), event: { type: 'touch', now } });
}

/**
 * The effects the machine prescribes when a session is ended from outside (`revoke`, LC-6), read from
 * the machine so that revocation by user id means exactly what it means for one session.
 * @returns the effect list of the `revoke` transition.
 */
export function revokeEffects(): Effect[] {
  const on = (
    sessionMachine.config.states as unknown as Record<string, { on: Record<string, TransitionConfig> }>
  ).authenticated!.on;
  return (on.revoke!.actions ?? []).map(toEffect);
}
