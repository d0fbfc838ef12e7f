/**
 * The bridge between stored records and the lifecycle machine. Every lifecycle decision is the
 * machine's: this file only moves fields between a record and the machine's context, and runs the
 * machine (PERF-4: `create` and `access` are compiled from the machine's own definition at start-up,
 * so a new session, a read-only load and a touch take no step).
 *
 * @packageDocumentation
 */
import { initialTransition, transition } from 'xstate';
import {
  type AccessEvent,
  CREATE_EVENT,
  type CreateInput,
  candidatesOf,
  type DeclaredAction,
  EFFECT_TYPES,
  expiresAtOf,
  RECORD_FORMAT,
  type SessionContext,
  type SessionEffect,
  type SessionEvent,
  type SessionEventType,
  type SessionRecord,
  type SessionState,
  sessionDefinition,
  sessionMachine,
} from '../spec/index.js';
import { planOf } from './effects.js';

/** The outcome of one machine step applied to a record. */
export interface Step {
  /** The next state; a terminal one means the session ends (LC-6). */
  state: SessionState;
  /** The record with the machine's context changes and `resetUserBucket` applied. */
  record: SessionRecord;
  /** The effects the machine asked for, in order, as data. */
  effects: SessionEffect[];
}

/** @internal */
type Guard = (args: { context: SessionContext; event: SessionEvent }) => boolean;

const guards = sessionMachine.implementations.guards as unknown as Record<string, Guard>;
const effectTypes = new Set<string>(EFFECT_TYPES);

/**
 * @internal One guarded candidate of the `access` event, compiled from the machine's definition at
 * start-up (PERF-4). A property test proves {@link access} equal to `transition()`.
 */
interface Candidate {
  guard: Guard | null;
  effects: SessionEffect[];
  /** The machine's own assignments of the candidate's context changes, in order (a touch, PERF-1). */
  assigns: Assigner[];
  /** The candidate changes the state, or the context other than by `assign`: it takes a real step. */
  needsStep: boolean;
}

/** @internal A context change of the machine: the assignment its `assign` action keeps. */
type Assigner = (args: { context: SessionContext; event: SessionEvent }) => Partial<SessionContext>;

const actions = sessionMachine.implementations.actions as unknown as Record<string, unknown>;

/**
 * @internal The assignment of the machine's named action `name` when it is an xstate `assign`, as
 * xstate itself resolves one (a function of the context and event, or an object of such functions and
 * values); `null` for anything else, and the candidate then takes a real step.
 */
function assignerOf(name: string): Assigner | null {
  const action = actions[name] as { type?: unknown; assignment?: unknown } | undefined;
  if (action?.type !== 'xstate.assign') return null;
  const assignment = action.assignment;
  if (typeof assignment === 'function') return assignment as Assigner;
  if (typeof assignment !== 'object' || assignment === null) return null;
  const entries = Object.entries(assignment);
  return (args) =>
    Object.fromEntries(
      entries.map(([key, value]) => [key, typeof value === 'function' ? value(args) : value]),
    ) as Partial<SessionContext>;
}

/** @internal An action of the machine as effect data, or `null` for a context change. */
function effectOf(action: { type: string; params?: unknown }): SessionEffect | null {
  if (!effectTypes.has(action.type)) return null;
  const effect =
    action.params === undefined ? { type: action.type } : { type: action.type, params: action.params };
  return effect as SessionEffect;
}

/** @internal The effects of a list of actions, in order. */
function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): SessionEffect[] {
  return actions.flatMap((a) => effectOf(a) ?? []);
}

/** @internal A declared action in the shape `transition()` returns it. */
const asAction = (a: DeclaredAction) =>
  a.event === undefined ? { type: a.type } : { type: a.type, params: { event: a.event } };

/** @internal */
function compileAccess(state: 'anonymous' | 'authenticated'): Candidate[] {
  return candidatesOf(state, 'access').map((c) => {
    const effects = effectsOf(c.actions.map(asAction));
    const changes = c.actions.filter((a) => !effectTypes.has(a.type));
    const assigns = changes.map((a) => (a.event === undefined ? assignerOf(a.type) : null));
    const compiled = assigns.every((a) => a !== null) && !planOf(effects).resetUserBucket;
    return {
      guard: c.guard === null ? null : guards[c.guard]!,
      effects,
      assigns: compiled ? (assigns as Assigner[]) : [],
      needsStep: !c.internal || !compiled,
    };
  });
}

const accessTable = { anonymous: compileAccess('anonymous'), authenticated: compileAccess('authenticated') };

/** @internal What `create` gives: the initial state, its context and the effects to run. */
interface Created {
  state: SessionState;
  context: SessionContext;
  effects: SessionEffect[];
}

/** @internal `create` as a real step: the machine's `initialTransition()`. */
function machineCreate(input: CreateInput): Created {
  machineSteps.count++;
  const [snapshot, acts] = initialTransition(sessionMachine, input);
  return { state: snapshot.value as SessionState, context: snapshot.context, effects: effectsOf(acts) };
}

/**
 * @internal The machine's `create`, compiled at start-up (PERF-4) when it can be: its own context
 * factory, its initial state and the effects of its initial actions. That holds while every initial
 * action is an effect (no context change) and the initial state has no entry actions or eventless
 * transitions; otherwise `create` takes a real step. A property test proves it equal to
 * `initialTransition()`.
 */
const compiledCreate = ((): ((input: CreateInput) => Created) | null => {
  const row = sessionDefinition().transitions.find((t) => t.event === CREATE_EVENT && t.source === null);
  const factory = sessionMachine.config.context;
  const target = row === undefined ? undefined : sessionMachine.root.states[row.target];
  if (row === undefined || typeof factory !== 'function' || target === undefined) return null;
  if (target.entry.length > 0 || target.always !== undefined) return null;
  const effects = effectsOf(row.actions.map(asAction));
  if (effects.length < row.actions.length) return null;
  const state = row.target as SessionState;
  const context = factory as (args: { input: CreateInput }) => SessionContext;
  return (input) => ({ state, context: context({ input }), effects: effects.map((e) => ({ ...e })) });
})();

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
    previousReason: record.previousReason,
    retired: record.retired,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    authenticatedAt: record.authenticatedAt,
    freshUntil: record.freshUntil,
    idleTimeout: record.idleTimeout,
    absoluteDeadline: record.absoluteDeadline,
    persistent: record.persistent,
  };
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
  const { state, context, effects } = (compiledCreate ?? machineCreate)(input);
  const blank: SessionRecord = {
    format: RECORD_FORMAT,
    sessionId,
    version: 1,
    state: 'anonymous',
    browser: {},
    user: {},
    labels: {},
    writeIds: [],
    ...context,
    expiresAt: expiresAtOf(context),
  };
  return { state, record: withContext(blank, state, context), effects };
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
  const effects = effectsOf(acts);
  let updated = withContext(record, next.value as SessionState, next.context);
  // LC-2, LC-3, LC-5: the user's data (user bucket and labels) starts empty at login, user switch and
  // logout.
  if (planOf(effects).resetUserBucket) updated = { ...updated, user: {}, labels: {} };
  return { state: next.value as SessionState, record: updated, effects };
}

/**
 * The `access` event on load (PERF-4): the machine's own guards, compiled into a table, pick the
 * candidate; a touch applies the machine's own `assign` (PERF-1), and only a candidate that changes
 * the state, or the context otherwise, takes a `transition()` step.
 * @param record - the loaded record.
 * @param event - the access event.
 * @returns the outcome, equal to {@link step} for the same inputs.
 */
export function access(record: SessionRecord, event: AccessEvent): Step {
  const context = contextOf(record);
  for (const candidate of accessTable[record.state]) {
    if (candidate.guard !== null && !candidate.guard({ context, event })) continue;
    if (candidate.needsStep) return step(record, event);
    if (candidate.assigns.length === 0) return { state: record.state, record, effects: candidate.effects };
    // PERF-1: a touch, by the machine's own assignments, without a `transition()` step.
    let next = context;
    for (const assign of candidate.assigns) next = { ...next, ...assign({ context: next, event }) };
    return {
      state: record.state,
      record: withContext(record, record.state, next),
      effects: candidate.effects,
    };
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
 * The effects the machine prescribes for an event that has a single, unguarded meaning in a live
 * state: `revoke` (a session ended from outside, LC-6) so that revocation by user id means exactly
 * what it means for one session, and the expiry candidates of `access`.
 * @param state - the live state to read.
 * @param event - the event.
 * @param guard - the candidate's guard, or `null` for the unguarded one.
 * @returns the effects of that candidate.
 */
export function declaredEffects(
  state: 'anonymous' | 'authenticated',
  event: SessionEventType,
  guard: string | null,
): SessionEffect[] {
  const candidate = candidatesOf(state, event).find((c) => c.guard === guard);
  return effectsOf((candidate?.actions ?? []).map(asAction));
}

/**
 * Whether a live state of the machine accepts an event at all (SEC-6: see `callDecision`).
 * @param state - a state.
 * @param event - an event type.
 * @returns whether the machine declares a transition for it.
 */
export function accepts(state: SessionState, event: SessionEventType): boolean {
  return candidatesOf(state, event).length > 0;
}
