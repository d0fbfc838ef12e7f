/**
 * Paths through the lifecycle machine that take every transition it declares (CK-4), generated with
 * `xstate/graph` over a finite abstraction: time is reduced to the instants just before, at and just
 * after each deadline of the current snapshot (idle, absolute, grace window, freshness, touch throttle).
 *
 * @packageDocumentation
 */

import { getAdjacencyMap } from 'xstate/graph';
import type { SessionEvent } from '../../spec/index.js';
import { sessionMachine } from '../../spec/index.js';
import { isLive, type MachineSnapshot, Oracle, rowOf } from './oracle.js';
import {
  AUTH_VARIANTS,
  CREATED_AT,
  EXPIRY_VARIANTS,
  expiresAtOf,
  GRACE,
  type LifecycleStep,
  machineEvent,
  POLICY,
  type RunConfig,
  touchAfterOf,
  USERS,
} from './steps.js';

/** The settings the generated paths run under: the grace window on, so `inGrace` is reachable. @internal */
export const PATHS_CONFIG: RunConfig = { rotationGrace: GRACE };

/** The instant each snapshot of the traversal was made at. */
const clocks = new WeakMap<MachineSnapshot, number>();
/** The step each generated event stands for. */
const stepOf = new WeakMap<SessionEvent, LifecycleStep>();

const clockOf = (s: MachineSnapshot): number => {
  const at = clocks.get(s);
  if (at === undefined) throw new Error('CK-4: a snapshot the traversal did not make');
  return at;
};

/** The machine, unchanged, except that every snapshot remembers the instant that made it. */
const timed: typeof sessionMachine = Object.create(sessionMachine);
Object.assign(timed, {
  getInitialSnapshot: (...args: Parameters<typeof sessionMachine.getInitialSnapshot>) => {
    const snapshot = sessionMachine.getInitialSnapshot(...args);
    clocks.set(snapshot, CREATED_AT);
    return snapshot;
  },
  transition: (
    s: MachineSnapshot,
    event: SessionEvent,
    scope: Parameters<typeof sessionMachine.transition>[2],
  ) => {
    const next = sessionMachine.transition(s, event, scope);
    if (!clocks.has(next)) clocks.set(next, Math.max(clockOf(s), event.now));
    return next;
  },
});

/**
 * Every step worth trying from a snapshot: each kind of step at each instant around its deadlines,
 * never before the snapshot's own instant; writing calls only before the deadline (`WRITING_CALLS`).
 * @internal
 */
export function candidateSteps(s: MachineSnapshot, from: number): LifecycleStep[] {
  const c = s.context;
  const deadlines = [
    c.lastSeenAt + c.idleTimeout,
    c.absoluteDeadline,
    c.previousUntil,
    c.previousUntil === null ? null : c.previousUntil + POLICY.reuseMargin,
    c.freshUntil,
    c.lastSeenAt + touchAfterOf(c),
  ];
  const instants = new Set<number>([from]);
  for (const d of deadlines) {
    if (d === null) continue;
    for (const t of [d - 1, d, d + 1]) if (t >= from) instants.add(t);
  }
  const steps: LifecycleStep[] = [];
  for (const at of [...instants].sort((a, b) => a - b)) {
    steps.push({ op: 'access', at, presented: 'current', endOnReuse: false });
    if (c.previousHash !== null) {
      steps.push({ op: 'access', at, presented: 'previous', endOnReuse: false });
      steps.push({ op: 'access', at, presented: 'previous', endOnReuse: true });
    }
    steps.push({ op: 'touch', at }, { op: 'destroy', at });
    steps.push({ op: 'revoke', at, via: c.userId === null ? 'store' : 'user' });
    if (!isLive(s) || at >= expiresAtOf(c)) continue;
    for (const variant of EXPIRY_VARIANTS) steps.push({ op: 'setExpiry', at, ...variant });
    steps.push({ op: 'authenticate', at, userId: USERS[0], ...AUTH_VARIANTS[0] });
    steps.push({ op: 'authenticate', at, userId: USERS[1], ...AUTH_VARIANTS[1] });
    steps.push({ op: 'rotate', at });
    if (c.userId !== null) {
      steps.push({ op: 'reauthenticate', at }, { op: 'changeCredential', at }, { op: 'logout', at });
    }
  }
  return steps;
}

/** The abstract state: no raw timestamps, only how they relate to the snapshot's instant. */
function serialize(s: MachineSnapshot): string {
  if (!isLive(s)) return String(s.value);
  const c = s.context;
  const now = clockOf(s);
  const previous =
    c.previousHash === null ? 'none' : c.previousUntil !== null && now < c.previousUntil ? 'open' : 'closed';
  return JSON.stringify({
    value: s.value,
    user: c.userId,
    previous,
    fresh: c.freshUntil !== null && now < c.freshUntil,
    persistent: c.persistent,
    idleFirst: c.lastSeenAt + c.idleTimeout < c.absoluteDeadline,
  });
}

/** The generated paths and the transition coverage their replay reached. @internal */
export interface PathSet {
  paths: LifecycleStep[][];
  /** Row keys of the lifecycle table the replayed paths take. */
  taken: Set<string>;
}

let cached: PathSet | undefined;

/**
 * Paths from creation that together take every transition the machine declares: for each row of the
 * lifecycle table, the shortest discovered path to a snapshot where some step takes it, plus that step.
 * Computed once per process (it depends on the machine only).
 * @returns the paths, shortest first, and the rows their replay through the oracle takes.
 * @internal
 */
export function lifecyclePaths(): PathSet {
  if (cached !== undefined) return cached;
  const events = (s: MachineSnapshot): SessionEvent[] =>
    candidateSteps(s, clockOf(s)).map((step) => {
      const event = machineEvent(step, s.context, PATHS_CONFIG);
      stepOf.set(event, step);
      return event;
    });
  const adjacency = getAdjacencyMap(timed, {
    input: {
      now: CREATED_AT,
      secretHash: 'oracle-0',
      idleTimeout: POLICY.idleTimeout,
      absoluteTimeout: POLICY.absoluteTimeout,
      persistent: false,
    },
    events,
    serializeState: serialize,
    // A guard against an abstraction that stops being finite.
    limit: 100_000,
  });
  // Discovery tree: a snapshot object is made by exactly one transition call.
  const parent = new Map<MachineSnapshot, { from: MachineSnapshot; step: LifecycleStep }>();
  const vertices = Object.values(adjacency);
  for (const { state, transitions } of vertices) {
    for (const { event, state: to } of Object.values(transitions) as {
      event: SessionEvent;
      state: MachineSnapshot;
    }[]) {
      if (to !== state && !parent.has(to)) parent.set(to, { from: state, step: stepOf.get(event)! });
    }
  }
  const pathTo = (s: MachineSnapshot): LifecycleStep[] => {
    const steps: LifecycleStep[] = [];
    for (let at = parent.get(s); at !== undefined; at = parent.get(at.from)) steps.unshift(at.step);
    return steps;
  };
  const best = new Map<string, LifecycleStep[]>();
  for (const { state } of vertices) {
    const prefix = pathTo(state);
    for (const step of candidateSteps(state, clockOf(state))) {
      const row = rowOf(state, machineEvent(step, state.context, PATHS_CONFIG));
      if (row === null) continue;
      const known = best.get(row);
      if (known === undefined || known.length > prefix.length + 1) best.set(row, [...prefix, step]);
    }
  }
  // Drop a path that is a prefix of another: the longer one takes its rows too.
  const all = [...new Set(best.values())].sort((a, b) => a.length - b.length);
  const key = (p: LifecycleStep[]) => p.map((s) => JSON.stringify(s)).join('\n');
  const paths = all.filter((p, i) => !all.slice(i + 1).some((q) => key(q).startsWith(`${key(p)}\n`)));
  const taken = new Set<string>();
  for (const path of paths) {
    const oracle = new Oracle(PATHS_CONFIG);
    for (const step of path) oracle.step(step);
    for (const row of oracle.taken) taken.add(row);
  }
  cached = { paths, taken };
  return cached;
}
