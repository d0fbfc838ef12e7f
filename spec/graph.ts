/**
 * The lifecycle machine as a plain graph (states, transitions, guards) with the rule IDs each part
 * implements: the one model every diagram of `sessionspec visualize` is drawn from (VIS-1).
 *
 * The graph is read from the machine itself (through the one reader of its definition,
 * `definition.ts`), never written by hand. Only the mapping from
 * names to rule IDs lives here, in {@link RULE_MAP}, and a test fails when the machine gains a state,
 * event, guard or action the map does not cover.
 *
 * @packageDocumentation
 */
import type { AnyStateMachine } from 'xstate';
import { ALWAYS_EVENT, CREATE_EVENT, type DeclaredAction, readMachine } from './definition.js';
import { sessionMachine } from './machine.js';

/** A rule ID of the requirements catalog, such as `LC-6`. */
export type RuleId = string;

/** The candidate key used for a transition that has no guard (the fallback of a guarded list). */
export const NO_GUARD = 'else';

export { ALWAYS_EVENT, CREATE_EVENT };

/**
 * Which rules each part of the machine implements, by name. A transition implements the rules of its
 * event, of `event/guard` (with {@link NO_GUARD} for an unguarded candidate), of its guard and of each of
 * its actions; a state implements the rules listed for it. Events, guards and states map to at least one
 * rule; an action may map to none when its event already says everything.
 */
export const RULE_MAP = {
  states: {
    anonymous: ['LC-1'],
    authenticated: ['LC-1', 'LC-2'],
    expired: ['LC-1', 'LC-7'],
    destroyed: ['LC-1', 'LC-6'],
  },
  events: {
    [CREATE_EVENT]: ['ID-1', 'SEC-6'],
    // LC-7: deadlines are checked at every load, before anything else.
    access: ['LC-7'],
    // PERF-1: a read-only request that is not due for a touch writes nothing.
    [`access/${NO_GUARD}`]: ['PERF-1'],
    touch: ['LC-7'],
    setExpiry: ['LC-7'],
    authenticate: ['LC-2', 'LC-3', 'LC-7'],
    reauthenticate: ['LC-8'],
    rotate: ['LC-4', 'CC-6'],
    logout: ['LC-5'],
    changeCredential: ['LC-10'],
    destroy: ['LC-6'],
    revoke: ['LC-6', 'LC-9', 'LC-12'],
  },
  guards: {
    absoluteExpired: ['LC-7'],
    idleExpired: ['LC-7'],
    reuseEnds: ['CC-6', 'ID-5'],
    reuse: ['CC-6', 'ID-5'],
    inGrace: ['CC-6'],
    touchDue: ['PERF-1'],
    sameUser: ['LC-3', 'LC-8'],
    isFresh: ['LC-8'],
  },
  actions: {
    touch: ['PERF-1'],
    rotateSecret: ['LC-4'],
    // CC-6: a privilege change clears the grace secret at once.
    rotateSecretNoGrace: ['CC-6'],
    bindUser: ['LC-11'],
    refreshAuthentication: ['LC-8'],
    unbindUser: ['LC-5'],
    applyExpiry: ['LC-7'],
    // The event of each transition that issues a token already names why.
    issueToken: [],
    clearCookie: ['LC-6'],
    resetUserBucket: ['LC-11'],
    deleteRecord: ['LC-6'],
    revokeOtherSessions: ['LC-10'],
    enforceUserCap: ['LC-12'],
    acceptPrevious: ['CC-6'],
    rejectCredential: ['CC-6', 'ID-5'],
    audit: ['SEC-4'],
  },
} as const satisfies {
  states: Record<string, readonly RuleId[]>;
  events: Record<string, readonly RuleId[]>;
  guards: Record<string, readonly RuleId[]>;
  actions: Record<string, readonly RuleId[]>;
};

/** A one-line summary of every rule ID that {@link RULE_MAP} uses, for legends and rule tables. */
export const RULE_SUMMARIES: Readonly<Record<RuleId, string>> = {
  'ID-1': 'The token is <sessionId>.<secret>: 128 and 256 random bits from a CSPRNG.',
  'ID-5': 'A rotated-away or destroyed secret never authenticates again (except in the grace window).',
  'LC-1': 'States: anonymous and authenticated (live), expired and destroyed (terminal, no way out).',
  'LC-2': 'Authenticating rotates the secret, keeps the browser bucket and starts an empty user bucket.',
  'LC-3': 'The same user again is a re-authentication; a different user wipes the user bucket and rotates.',
  'LC-4': 'rotate() replaces the secret and keeps data, user, sessionId and deadlines.',
  'LC-5': 'logout() wipes the user bucket, unbinds the user, rotates and keeps the browser bucket.',
  'LC-6': 'Every ending deletes the record and its index entry and clears the cookie.',
  'LC-7': 'Idle and absolute timeouts, checked at every load; the absolute deadline never moves later.',
  'LC-8': 'isFresh holds for freshFor after (re-)authentication; reauthenticate() refreshes and rotates.',
  'LC-9': "A user's sessions can be listed and ended one by one, all, or all but the current one.",
  'LC-10': 'A credential change ends every other session of the user and rotates the current one.',
  'LC-11': 'The user binding and the two buckets are separate fields, never keys of application data.',
  'LC-12': 'A cap on live sessions per user ends the least recently seen one.',
  'CC-6':
    'Optional grace window for the previous secret; privilege changes clear it; late reuse is reported.',
  'SEC-4': 'Audit events carry the sessionId, never the secret.',
  'SEC-6': 'No write amplification: an untouched new session is not persisted.',
  'PERF-1': 'A read-only request writes nothing; touches are throttled.',
};

/** A state of the graph. */
export interface GraphState {
  /** The state's name (its path joined by `.` for a nested state). */
  id: string;
  /** A terminal (`final`) state: no transition leaves it. */
  final: boolean;
  /** The machine's own description of the state, or `''`. */
  description: string;
  /** The rules the state implements. */
  rules: RuleId[];
}

/** A transition of the graph: one guarded candidate of one event, from one state. */
export interface GraphTransition {
  /**
   * A stable id, `edge-<source>-<event>-<n>` where `n` counts the candidates of that event in the order
   * the machine tries them; the initial transition is `edge-initial-create-0`.
   */
  id: string;
  /** The source state, or `null` for the initial transition. */
  source: string | null;
  /** The target state; the source itself for a transition without a target. */
  target: string;
  /**
   * A transition without a target: the state does not change, nothing is exited or entered (a UML
   * internal transition). Diagrams list these inside their state rather than as loops.
   */
  internal: boolean;
  /** The event name, {@link CREATE_EVENT} for the initial transition, {@link ALWAYS_EVENT} for eventless ones. */
  event: string;
  /** The guard's name, or `null` when the candidate is unguarded. */
  guard: string | null;
  /** The action names in order (`audit(<event>)` with its parameter). */
  actions: string[];
  /** The rules the transition implements, sorted. */
  rules: RuleId[];
}

/** The machine as a graph, in declaration order. */
export interface MachineGraph {
  /** The machine's id. */
  id: string;
  /** The initial state. */
  initial: string;
  /** Every state, in declaration order (nested states flattened, parents first). */
  states: GraphState[];
  /** Every transition, the initial one first. */
  transitions: GraphTransition[];
  /** Every event name, `create` first, in order of first appearance. */
  events: string[];
  /** Every guard the machine implements, used by a transition or not, in declaration order. */
  guards: string[];
  /** The guards no transition uses (queries such as `isFresh`), which diagrams list in a note. */
  queryGuards: string[];
}

/** @internal An action with the `event` param of `audit(...)` kept, as the lifecycle table shows it. */
function actionLabel(action: DeclaredAction): string {
  return action.event === undefined ? action.type : `${action.type}(${action.event})`;
}

/** @internal A name's rules in one section of {@link RULE_MAP}, or none. */
function lookup(section: Record<string, readonly RuleId[]>, key: string): readonly RuleId[] {
  return Object.hasOwn(section, key) ? (section[key] ?? []) : [];
}

/** @internal Rule IDs sorted by family (catalog order) then number, so labels read the same everywhere. */
function sortRules(rules: Iterable<RuleId>): RuleId[] {
  const family = ['ID', 'LC', 'CC', 'ST', 'SEC', 'PERF', 'CK', 'VIS'];
  const key = (id: RuleId): [number, number] => {
    const [prefix = '', n = '0'] = id.split('-');
    const f = family.indexOf(prefix);
    return [f === -1 ? family.length : f, Number(n)];
  };
  return [...new Set(rules)].sort((a, b) => {
    const [fa, na] = key(a);
    const [fb, nb] = key(b);
    return fa - fb || na - nb || a.localeCompare(b);
  });
}

/**
 * The rules a transition implements: those of its event, of `event/guard`, of its guard and of each of
 * its actions, per {@link RULE_MAP}.
 * @param event - the event name.
 * @param guard - the guard's name, or `null` when unguarded.
 * @param actions - the action names (without parameters).
 * @returns the rule IDs, sorted; empty when the map knows none of the names.
 */
export function transitionRules(event: string, guard: string | null, actions: readonly string[]): RuleId[] {
  return sortRules([
    ...lookup(RULE_MAP.events, event),
    ...lookup(RULE_MAP.events, `${event}/${guard ?? NO_GUARD}`),
    ...(guard === null ? [] : lookup(RULE_MAP.guards, guard)),
    ...actions.flatMap((a) => lookup(RULE_MAP.actions, a)),
  ]);
}

/**
 * Reads the machine as a graph: every state, every guarded candidate of every event (initial and
 * `always` transitions included), every guard it implements, with rule IDs from {@link RULE_MAP}.
 * @param machine - the machine to read; the session lifecycle machine by default.
 * @returns the graph, in the machine's declaration order.
 * @throws TypeError when the machine has no initial state (there would be nothing to draw from).
 * @example
 * ```ts
 * const graph = machineGraph();
 * graph.transitions.find((t) => t.event === 'logout')?.rules; // ['LC-5', 'CC-6', 'SEC-4', ...]
 * ```
 */
export function machineGraph(machine: AnyStateMachine = sessionMachine): MachineGraph {
  const definition = readMachine(machine);
  const counters = new Map<string, number>();
  const transitions: GraphTransition[] = definition.transitions.map((t) => {
    const key = `${t.source ?? 'initial'}-${t.event}`;
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    return {
      id: `edge-${key}-${n}`,
      source: t.source,
      target: t.target,
      internal: t.internal,
      event: t.event,
      guard: t.guard,
      actions: t.actions.map(actionLabel),
      rules: transitionRules(
        t.event,
        t.guard,
        t.actions.map((a) => a.type),
      ),
    };
  });
  const states: GraphState[] = definition.states.map((state) => ({
    ...state,
    rules: sortRules(lookup(RULE_MAP.states, state.id)),
  }));
  const used = new Set(transitions.flatMap((t) => (t.guard === null ? [] : [t.guard])));
  const guards = [...new Set([...Object.keys(machine.implementations.guards), ...used])];
  return {
    id: definition.id,
    initial: definition.initial,
    states,
    transitions,
    events: [...new Set(transitions.map((t) => t.event))],
    guards,
    queryGuards: guards.filter((g) => !used.has(g)),
  };
}

/**
 * The rules a guard implements, for guards listed outside any transition (see
 * {@link MachineGraph.queryGuards}).
 * @param guard - the guard's name.
 * @returns its rule IDs from {@link RULE_MAP}, sorted.
 */
export function guardRules(guard: string): RuleId[] {
  return sortRules(lookup(RULE_MAP.guards, guard));
}
