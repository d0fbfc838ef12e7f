/**
 * The one reader of a machine's declared transitions. The lifecycle table, the diagrams and the
 * manager's compiled `access` table all read the machine through here, so none of them casts its
 * configuration on its own.
 *
 * It walks xstate's resolved state nodes (typed by xstate), not the raw config object: the order is
 * the declaration order, guarded candidates in the order the machine tries them.
 *
 * @packageDocumentation
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { AuditEventType } from './audit.js';
import { sessionMachine } from './machine.js';

/** A named action of a transition, with the `event` param of `audit(...)` when it has one. */
export interface DeclaredAction {
  /** The action's name, as given to `setup({ actions })`. */
  type: string;
  /** The audit event of an `audit` action (SEC-4). */
  event?: AuditEventType;
}

/** One guarded candidate of one event, from one state: a row of the lifecycle table. */
export interface DeclaredTransition {
  /** The source state, or `null` for the initial transition (`create`). */
  source: string | null;
  /** The event type; `create` for the initial transition, `always` for an eventless one. */
  event: string;
  /** The guard's name, or `null` for an unguarded candidate. */
  guard: string | null;
  /** The target state; the source itself for a transition without a target. */
  target: string;
  /** A transition without a target: nothing is exited or entered. */
  internal: boolean;
  /** The named actions in order: context changes and effects. */
  actions: DeclaredAction[];
}

/** A state of the machine as declared. */
export interface DeclaredState {
  /** The state's path joined by `.`. */
  id: string;
  /** A terminal (`final`) state: no transition leaves it (LC-1). */
  final: boolean;
  /** The machine's own description of the state, or `''`. */
  description: string;
}

/** Everything a machine declares, in declaration order. */
export interface MachineDefinition {
  /** The machine's id. */
  id: string;
  /** The initial state. */
  initial: string;
  /** Every state, parents before children. */
  states: DeclaredState[];
  /** Every transition candidate, the initial one first. */
  transitions: DeclaredTransition[];
}

/** The event name used for the initial transition. */
export const CREATE_EVENT = 'create';
/** The event name used for an eventless (`always`) transition. */
export const ALWAYS_EVENT = 'always';

/** @internal The name of a guard or action as the machine declares it. */
function nameOf(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'function') return item.name || 'inline';
  const type = (item as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'inline';
}

/** @internal */
function actionOf(item: unknown): DeclaredAction {
  const type = nameOf(item);
  const event = (item as { params?: { event?: unknown } } | null)?.params?.event;
  return typeof event === 'string' ? { type, event: event as AuditEventType } : { type };
}

/** @internal */
const idOf = (node: AnyStateNode): string => node.path.join('.');

/**
 * Read a machine's declared states and transitions.
 * @param machine - the machine; the session lifecycle machine by default.
 * @returns the definition, in declaration order.
 * @throws TypeError when the machine has no initial state.
 */
export function readMachine(machine: AnyStateMachine = sessionMachine): MachineDefinition {
  const root: AnyStateNode = machine.root;
  const initial = root.initial?.target[0];
  if (initial === undefined) {
    throw new TypeError('readMachine: the machine has no initial state; give its root an `initial`.');
  }
  const states: DeclaredState[] = [];
  const transitions: DeclaredTransition[] = [
    {
      source: null,
      event: CREATE_EVENT,
      guard: null,
      target: idOf(initial),
      internal: false,
      actions: root.initial.actions.map(actionOf),
    },
  ];
  const visit = (node: AnyStateNode): void => {
    const id = idOf(node);
    states.push({ id, final: node.type === 'final', description: node.description ?? '' });
    const candidates = [
      ...[...node.transitions.entries()].flatMap(([event, list]) => list.map((t) => ({ event, t }))),
      ...(node.always ?? []).map((t) => ({ event: ALWAYS_EVENT, t })),
    ];
    for (const { event, t } of candidates) {
      const targets = t.target === undefined || t.target.length === 0 ? [node] : t.target;
      for (const target of targets) {
        transitions.push({
          source: id,
          event,
          guard: t.guard === undefined ? null : nameOf(t.guard),
          target: idOf(target),
          internal: t.target === undefined || t.target.length === 0,
          actions: t.actions.map(actionOf),
        });
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  for (const child of Object.values(root.states)) visit(child);
  return { id: root.id, initial: idOf(initial), states, transitions };
}

/** @internal The session machine's definition, read once. */
let session: MachineDefinition | undefined;

/**
 * The session lifecycle machine's definition, read once and shared.
 * @returns the definition of {@link sessionMachine}.
 */
export function sessionDefinition(): MachineDefinition {
  session ??= readMachine(sessionMachine);
  return session;
}

/**
 * The candidates of one event in one state, in the order the machine tries them.
 * @param state - the source state.
 * @param event - the event type.
 * @returns the candidates; empty when the state does not accept the event.
 */
export function candidatesOf(state: string, event: string): DeclaredTransition[] {
  return sessionDefinition().transitions.filter((t) => t.source === state && t.event === event);
}
