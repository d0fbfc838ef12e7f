/**
 * What every drawing shows, grouped so it can be read: the machine's graph folded into a few edges and
 * a few lines per state. The live states sit in one `live` box; the transitions into a terminal state
 * become one edge from that box when every live state has the same ones (the expiry checks on `access`
 * and `touch` are one edge, not eight); the transitions that keep their state are lines inside its box;
 * every edge and line carries the tags of what it does (`new token`, `user bucket wiped`).
 *
 * @packageDocumentation
 */
import type { GraphState, GraphTransition, MachineGraph, RuleId } from '../../spec/graph.js';
import { effectTags } from './tags.js';

/** The id of the box around the live states. */
export const LIVE_GROUP = 'live';

/** The tag of a line whose transitions do nothing the diagram tags. */
export const NOTHING = 'nothing written';

/** One drawn edge: one or more transitions of the machine with the same source and target. */
export interface DiagramEdge {
  /** `edge-<source>-<target>`, with `initial` as the source of the initial transition. */
  id: string;
  /** A state, {@link LIVE_GROUP} for an edge that leaves every live state, or `null` for the start. */
  source: string | null;
  target: string;
  /** The events and guards that take it, such as `access, touch [absoluteExpired or idleExpired]`. */
  triggers: string;
  /** The parts of `triggers`, one per set of guards. */
  parts: string[];
  /** What it does, such as `['new token', 'user bucket wiped']`. */
  tags: string[];
  /** The machine's transitions it stands for. */
  transitions: GraphTransition[];
  /** Their rules, each once. */
  rules: RuleId[];
}

/** One line inside a live state's box: transitions that keep the state and do the same things. */
export interface DiagramLine {
  /** `line-<state>-<n>`. */
  id: string;
  /** The events and guards, as for an edge. */
  triggers: string;
  tags: string[];
  transitions: GraphTransition[];
  rules: RuleId[];
}

/** A live state's box. */
export interface DiagramBox {
  state: GraphState;
  lines: DiagramLine[];
}

/** The grouped drawing of a machine. */
export interface Diagram {
  /** The id of the box around the live states, or `null` when there are fewer than two. */
  group: string | null;
  /** The live states, in declaration order, with their lines. */
  boxes: DiagramBox[];
  /** The terminal states. */
  terminals: GraphState[];
  /** The edges: the start first, then between live states, then into terminal states. */
  edges: DiagramEdge[];
  /** The guards no transition uses (queries such as `isFresh`). */
  queryGuards: string[];
}

/**
 * The events and guards of some transitions in one phrase: events with the same guards share them,
 * `access, touch [absoluteExpired or idleExpired]`; an unguarded event is its name alone.
 * @param transitions - transitions, in the machine's order.
 * @returns the phrase.
 */
export function triggersText(transitions: readonly GraphTransition[]): string {
  return triggerParts(transitions).join(', ');
}

/**
 * The parts of {@link triggersText}: one per set of guards, such as `access [reuseEnds]` and
 * `destroy, revoke`.
 * @param transitions - transitions, in the machine's order.
 * @returns the parts, for a drawing that puts each on its own line.
 */
export function triggerParts(transitions: readonly GraphTransition[]): string[] {
  const guardsOf = new Map<string, string[]>();
  for (const t of transitions) {
    const guards = guardsOf.get(t.event) ?? [];
    const guard = t.guard ?? 'otherwise';
    if (!guards.includes(guard)) guards.push(guard);
    guardsOf.set(t.event, guards);
  }
  const byGuards = new Map<string, string[]>();
  for (const [event, guards] of guardsOf) {
    const key = guards.join(' or ');
    byGuards.set(key, [...(byGuards.get(key) ?? []), event]);
  }
  return [...byGuards].map(([guards, events]) =>
    guards === 'otherwise' ? events.join(', ') : `${events.join(', ')} [${guards}]`,
  );
}

/** @internal The rules of some transitions, each once, in their first order. */
function rulesOf(transitions: readonly GraphTransition[]): RuleId[] {
  return [...new Set(transitions.flatMap((t) => t.rules))];
}

/** @internal Groups items by a key, keeping the order of first appearance. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

/** @internal What an edge between states says. */
function edge(id: string, source: string | null, target: string, ts: GraphTransition[]): DiagramEdge {
  return {
    id,
    source,
    target,
    triggers: triggersText(ts),
    parts: triggerParts(ts),
    tags: effectTags(ts.flatMap((t) => t.actions)),
    transitions: ts,
    rules: rulesOf(ts),
  };
}

/**
 * Folds the machine's graph into the drawing every format shows.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the grouped drawing.
 */
export function toDiagram(graph: MachineGraph): Diagram {
  const live = graph.states.filter((s) => !s.final);
  const terminals = graph.states.filter((s) => s.final);
  const group = live.length > 1 ? LIVE_GROUP : null;

  const boxes = live.map((state) => {
    const internal = graph.transitions.filter((t) => t.internal && t.source === state.id);
    const sameTags = groupBy(internal, (t) => effectTags(t.actions).join('|'));
    return {
      state,
      lines: sameTags.map((ts, n) => ({
        id: `line-${state.id}-${n}`,
        triggers: triggersText(ts),
        // PERF-1: an access that is not due for a touch writes nothing; say so rather than nothing.
        tags: effectTags(ts[0]?.actions ?? []).length === 0 ? [NOTHING] : effectTags(ts[0]?.actions ?? []),
        transitions: ts,
        rules: rulesOf(ts),
      })),
    };
  });

  const edges: DiagramEdge[] = [];
  for (const t of graph.transitions.filter((t) => t.source === null)) {
    edges.push(edge(`edge-initial-${t.target}`, null, t.target, [t]));
  }
  const moving = graph.transitions.filter((t) => t.source !== null && !t.internal);
  const isTerminal = (id: string) => terminals.some((s) => s.id === id);
  for (const ts of groupBy(
    moving.filter((t) => !isTerminal(t.target)),
    (t) => `${t.source}>${t.target}`,
  )) {
    const first = ts[0] as GraphTransition;
    edges.push(edge(`edge-${first.source}-${first.target}`, first.source, first.target, ts));
  }
  for (const terminal of terminals) {
    const into = moving.filter((t) => t.target === terminal.id);
    const perSource = live.map((s) => into.filter((t) => t.source === s.id));
    const says = (ts: GraphTransition[]) =>
      lineText({ triggers: triggersText(ts), tags: effectTags(ts.flatMap((t) => t.actions)) });
    const shared = perSource.every((ts) => says(ts) === says(perSource[0] ?? []));
    if (group !== null && shared && into.length > 0) {
      edges.push(edge(`edge-${group}-${terminal.id}`, group, terminal.id, into));
      continue;
    }
    for (const ts of perSource.filter((ts) => ts.length > 0)) {
      const source = ts[0]?.source ?? '';
      edges.push(edge(`edge-${source}-${terminal.id}`, source, terminal.id, ts));
    }
  }
  return { group, boxes, terminals, edges, queryGuards: graph.queryGuards };
}

/**
 * An edge's or a line's text on one line: its triggers, then its tags after ` · `.
 * @param item - an edge or a line.
 * @returns e.g. `logout · new token · user bucket wiped`.
 */
export function lineText(item: { triggers: string; tags: readonly string[] }): string {
  return [item.triggers, ...item.tags].join(' · ');
}
