/**
 * Exhaustive exploration of the lifecycle machine with `xstate/graph`, time abstracted to "just before /
 * at / just after each deadline" so the state space is finite (LC-1).
 */

import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { type AdjacencyMap, getAdjacencyMap, getStateNodes } from 'xstate/graph';
import { type CreateInput, type SessionEvent, sessionMachine } from './machine.js';
import { RETIRED_SECRETS } from './retired.js';
import { lifecycleTable } from './table.js';

type Snapshot = SnapshotFrom<typeof sessionMachine>;

const CREATE: CreateInput = {
  now: 0,
  secretHash: 'h0',
  idleTimeout: 1_000,
  absoluteTimeout: 10_000,
  persistent: false,
};
const USERS = ['u1', 'u2'] as const;
const TERMINAL = new Set(['expired', 'destroyed']);
const TOUCH_AFTER = 300;
const GRACE = 200;
const FRESH_FOR = 400;

/**
 * The time of the event that produced each snapshot. Events generated from a snapshot never go back
 * before it, so every path is a history with a clock that only moves forward.
 */
const clock = new WeakMap<Snapshot, number>();
const clockOf = (snapshot: Snapshot): number => {
  const now = clock.get(snapshot);
  if (now === undefined) throw new Error('a snapshot the traversal did not produce');
  return now;
};

/** The machine, unchanged, except that each snapshot it makes remembers the `now` that made it. */
const timed: typeof sessionMachine = Object.create(sessionMachine);
Object.assign(timed, {
  getInitialSnapshot: (...args: Parameters<typeof sessionMachine.getInitialSnapshot>) => {
    const snapshot = sessionMachine.getInitialSnapshot(...args);
    clock.set(snapshot, CREATE.now);
    return snapshot;
  },
  transition: (
    snapshot: Snapshot,
    event: SessionEvent,
    scope: Parameters<typeof sessionMachine.transition>[2],
  ) => {
    const next = sessionMachine.transition(snapshot, event, scope);
    clock.set(next, Math.max(clockOf(snapshot), event.now));
    return next;
  },
});

/**
 * The abstract state: raw timestamps are left out, only their relation to the snapshot's clock is kept.
 * Terminal states are one vertex each: nothing in them matters any more.
 */
function serialize(snapshot: Snapshot): string {
  const { value, context: c } = snapshot;
  if (snapshot.status === 'done') return String(value);
  const now = clockOf(snapshot);
  const previous =
    c.previousHash === null ? 'none' : c.previousUntil !== null && now < c.previousUntil ? 'open' : 'closed';
  return JSON.stringify({
    value,
    user: c.userId,
    previous,
    fresh: c.freshUntil !== null && now < c.freshUntil,
    persistent: c.persistent,
    idleFirst: c.lastSeenAt + c.idleTimeout < c.absoluteDeadline,
  });
}

let hashes = 0;
/** A new secret hash: what a manager gets by hashing a fresh random secret. */
const newHash = () => `h${++hashes}`;

/** Every event type at every instant around the snapshot's deadlines, never before its clock. */
function events(snapshot: Snapshot): SessionEvent[] {
  const c = snapshot.context;
  const from = clockOf(snapshot);
  const deadlines = [c.lastSeenAt + c.idleTimeout, c.absoluteDeadline, c.previousUntil, c.freshUntil];
  const instants = new Set<number>([from]);
  for (const d of deadlines) {
    if (d === null) continue;
    for (const t of [d - 1, d, d + 1]) if (t >= from) instants.add(t);
  }
  const out: SessionEvent[] = [];
  for (const now of [...instants].sort((a, b) => a - b)) {
    out.push({ type: 'access', now, presented: 'current', touchAfter: TOUCH_AFTER, endOnReuse: false });
    if (c.previousHash !== null) {
      out.push({ type: 'access', now, presented: 'previous', touchAfter: TOUCH_AFTER, endOnReuse: false });
      out.push({ type: 'access', now, presented: 'previous', touchAfter: TOUCH_AFTER, endOnReuse: true });
    }
    out.push({ type: 'touch', now });
    out.push({ type: 'setExpiry', now, absoluteTimeout: 500 });
    out.push({ type: 'setExpiry', now, absoluteTimeout: 1_000_000 });
    out.push({ type: 'setExpiry', now, idleTimeout: 2_000, persistent: !c.persistent });
    for (const userId of USERS) {
      out.push({
        type: 'authenticate',
        now,
        userId,
        secretHash: newHash(),
        absoluteTimeout: 8_000,
        idleTimeout: 1_000,
        persistent: true,
        freshFor: FRESH_FOR,
      });
    }
    out.push({ type: 'reauthenticate', now, secretHash: newHash(), freshFor: FRESH_FOR });
    out.push({ type: 'changeCredential', now, secretHash: newHash(), freshFor: FRESH_FOR });
    out.push({ type: 'logout', now, secretHash: newHash() });
    out.push({ type: 'rotate', now, secretHash: newHash(), graceMs: 0 });
    out.push({ type: 'rotate', now, secretHash: newHash(), graceMs: GRACE });
    out.push({ type: 'destroy', now });
    out.push({ type: 'revoke', now });
  }
  return out;
}

const OPTIONS = {
  input: CREATE,
  events,
  serializeState: serialize,
  // A guard against an abstraction that stops being finite: the traversal throws past this.
  limit: 2_000_000,
};

/** The candidate a step takes: `state|event|guard`, as the lifecycle table names rows. */
function candidate(snapshot: Snapshot, event: SessionEvent): string | null {
  if (snapshot.status === 'done') return `${String(snapshot.value)}|(any)|—`;
  const [taken] = sessionMachine.getTransitionData(snapshot, event);
  if (taken === undefined) return null; // not listed for this state: ignored
  return `${taken.source.key}|${event.type}|${guardName(taken.guard)}`;
}

/** A guard as the lifecycle table names it: `—` for none. */
function guardName(guard: unknown): string {
  if (guard === undefined) return '—';
  if (typeof guard === 'string') return guard;
  return (guard as { type: string }).type;
}

const rowKey = (row: { state: string; event: string; guard: string }) =>
  `${row.state}|${row.event}|${row.guard}`;

let adjacency: AdjacencyMap<Snapshot, SessionEvent>;
/** Every (source, event, target) the traversal took. */
let edges: { from: Snapshot; event: SessionEvent; to: Snapshot }[];
/** For each abstract state, the events that lead from the initial snapshot to its representative. */
let paths: { state: Snapshot; events: SessionEvent[] }[];

/**
 * Paths to every abstract state, following the traversal's own discovery: the representative snapshot of
 * a state is the target of one concrete edge from the representative of an earlier state, so each path
 * replays exactly. (`getShortestPaths` joins abstract vertices and its paths may end in another concrete
 * snapshot of the same abstract state, whose deadlines differ.)
 */
function discoveryPaths(): { state: Snapshot; events: SessionEvent[] }[] {
  const parent = new Map<Snapshot, { from: Snapshot; event: SessionEvent }>();
  // A snapshot object is made by exactly one transition call; a step that changes nothing returns its
  // source object itself, which is no way to reach it.
  for (const { from, event, to } of edges)
    if (to !== from && !parent.has(to)) parent.set(to, { from, event });
  const pathTo = (state: Snapshot): SessionEvent[] => {
    const events: SessionEvent[] = [];
    for (let at = parent.get(state); at !== undefined; at = parent.get(at.from)) events.unshift(at.event);
    return events;
  };
  return Object.values(adjacency).map(({ state }) => ({ state, events: pathTo(state) }));
}

beforeAll(() => {
  adjacency = getAdjacencyMap(timed, OPTIONS);
  edges = Object.values(adjacency).flatMap(({ state, transitions }) =>
    (Object.values(transitions) as { event: SessionEvent; state: Snapshot }[]).map(
      ({ event, state: to }) => ({
        from: state,
        event,
        to,
      }),
    ),
  );
  paths = discoveryPaths();
});

describe('the reachable states of the lifecycle machine', () => {
  it('LC-1: the abstraction is finite and reaches every state of the machine', () => {
    const vertices = Object.values(adjacency).map(({ state }) => String(state.value));
    expect(new Set(vertices)).toEqual(new Set(['anonymous', 'authenticated', 'expired', 'destroyed']));
    expect(vertices.length).toBeLessThan(1_000);
    console.log(`lifecycle graph: ${vertices.length} abstract states, ${edges.length} transitions explored`);
  });

  it('LC-1: no transition leaves a terminal state; every event sent to one leaves it unchanged and done', () => {
    // LC-1 names the terminal states; whatever reaches them must be done and stay so.
    const terminals = [...new Set(edges.map(({ to }) => to).filter((s) => TERMINAL.has(String(s.value))))];
    expect(terminals.length).toBeGreaterThan(0);
    const types = new Set<string>();
    const escapes: string[] = [];
    for (const snapshot of terminals) {
      // One event of each type per terminal snapshot, at the instant the session ended.
      const byType = new Map(events(snapshot).map((event) => [event.type, event]));
      for (const event of byType.values()) {
        types.add(event.type);
        const [next, actions] = transition(sessionMachine, snapshot, event);
        const unchanged =
          snapshot.status === 'done' &&
          next.value === snapshot.value &&
          next.status === 'done' &&
          isDeepStrictEqual(next.context, snapshot.context) &&
          actions.length === 0;
        if (!unchanged)
          escapes.push(`${String(snapshot.value)} --${JSON.stringify(event)}--> ${String(next.value)}`);
      }
    }
    expect(escapes).toEqual([]);
    expect(types.size).toBe(new Set(lifecycleTable().map((row) => row.event)).size - 2);
  });

  it('LC-2, LC-5, LC-11: an authenticated state always has a user bound, an anonymous one never does', () => {
    const violations: string[] = [];
    for (const { to: s } of edges) {
      const c = s.context;
      const bound = c.userId !== null && c.authenticatedAt !== null && c.freshUntil !== null;
      const unbound = c.userId === null && c.authenticatedAt === null && c.freshUntil === null;
      if (s.value === 'authenticated' && !(bound && USERS.includes(c.userId as (typeof USERS)[number]))) {
        violations.push(`authenticated without a user: ${JSON.stringify(c)}`);
      }
      if (s.value === 'anonymous' && !unbound) violations.push(`anonymous with a user: ${JSON.stringify(c)}`);
    }
    expect(violations).toEqual([]);
  });

  it('CC-6: a previous secret hash, its window end and its reason are set together; the ring stays short', () => {
    const mismatched = edges
      .map(({ to }) => to.context)
      .filter(
        (c) =>
          (c.previousHash === null) !== (c.previousUntil === null) ||
          (c.previousHash === null) !== (c.previousReason === null) ||
          c.retired.length > RETIRED_SECRETS,
      );
    expect(mismatched).toEqual([]);
  });

  it('LC-7, LC-8: the absolute deadline never moves later, except when a user (re-)authenticates', () => {
    const moved = new Set<string>();
    for (const { from, event, to } of edges) {
      if (to.context.absoluteDeadline <= from.context.absoluteDeadline) continue;
      expect(
        ['authenticate', 'reauthenticate', 'changeCredential'],
        `${serialize(from)} --${JSON.stringify(event)}-->`,
      ).toContain(event.type);
      moved.add(event.type);
    }
    // The exceptions are real: a login and a re-authentication (NIST SP 800-63B-4) did start over.
    expect(moved).toContain('authenticate');
    expect(moved).toContain('reauthenticate');
  });

  it('LC-1..LC-12, CC-6: the generated paths take every transition the machine declares', () => {
    const declared = lifecycleTable().map(rowKey);
    // The table is the machine's own configuration: cross-check it against the resolved state nodes.
    const fromNodes = getStateNodes(sessionMachine.root).flatMap((node) =>
      [...node.transitions.entries()].flatMap(([event, list]) =>
        list.map((t) => `${node.key}|${event}|${guardName(t.guard)}`),
      ),
    );
    expect(new Set(fromNodes)).toEqual(
      new Set(declared.filter((key) => !key.includes('|create|') && !key.includes('|(any)|'))),
    );

    const taken = new Set<string>();
    for (const path of paths) {
      // Replay the path from scratch with the pure functions, recording the candidate of every step.
      let [s] = initialTransition(sessionMachine, CREATE);
      clock.set(s, CREATE.now);
      taken.add('—|create|—');
      for (const event of path.events) {
        const key = candidate(s, event);
        if (key !== null) taken.add(key);
        const [next] = transition(sessionMachine, s, event);
        clock.set(next, Math.max(clockOf(s), event.now));
        s = next;
      }
      expect(s.value).toBe(path.state.value);
      expect(s.context).toEqual(path.state.context);
      // Then every event generated from there: the path extended by one step.
      for (const event of events(s)) {
        const key = candidate(s, event);
        if (key !== null) taken.add(key);
      }
    }
    const missed = declared.filter((key) => !taken.has(key));
    expect(missed, 'declared transitions no path takes').toEqual([]);
    expect(taken.size).toBe(declared.length);
  });
});
