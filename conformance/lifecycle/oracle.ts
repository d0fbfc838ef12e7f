/**
 * The oracle of the lifecycle tests (CK-4): the lifecycle machine itself, stepped with XState's pure
 * `initialTransition()` and `transition()`. It predicts; it never looks at the manager or the store.
 *
 * @packageDocumentation
 */
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { lifecycleTable, type SessionContext, sessionMachine } from '../../spec/index.js';
import { CREATED_AT, type LifecycleStep, machineEvent, POLICY, type RunConfig } from './steps.js';

/** A snapshot of the lifecycle machine. @internal */
export type MachineSnapshot = SnapshotFrom<typeof sessionMachine>;

/** The machine's start: the `create` of the lifecycle table, at {@link CREATED_AT}. @internal */
export function initialSnapshot(): { snapshot: MachineSnapshot; effects: string[] } {
  const [snapshot, actions] = initialTransition(sessionMachine, {
    now: CREATED_AT,
    secretHash: 'oracle-0',
    idleTimeout: POLICY.idleTimeout,
    absoluteTimeout: POLICY.absoluteTimeout,
    persistent: false,
  });
  return { snapshot, effects: actions.map((a) => a.type) };
}

/** The key of the `create` row of the lifecycle table. @internal */
export const CREATE_ROW = '—|create|—';

/** A row of the lifecycle table as `state|event|guard`. @internal */
export const rowKey = (row: { state: string; event: string; guard: string }): string =>
  `${row.state}|${row.event}|${row.guard}`;

/** Every transition candidate the machine declares, as row keys (the lifecycle table). @internal */
export function declaredRows(): string[] {
  return lifecycleTable().map(rowKey);
}

/** Whether a snapshot is a live state (LC-1). @internal */
export const isLive = (s: MachineSnapshot): boolean => s.status !== 'done';

/**
 * The row of the lifecycle table the machine takes for `event` in `snapshot`: `state|event|guard`,
 * `<terminal>|(any)|—` in a terminal state, `null` when the live state does not list the event.
 * @internal
 */
export function rowOf(snapshot: MachineSnapshot, event: Parameters<typeof transition>[2]): string | null {
  if (!isLive(snapshot)) return `${String(snapshot.value)}|(any)|—`;
  const [taken] = sessionMachine.getTransitionData(snapshot, event as never);
  if (taken === undefined) return null;
  const guard = taken.guard;
  const name =
    guard === undefined ? '—' : typeof guard === 'string' ? guard : (guard as { type: string }).type;
  return `${taken.source.key}|${(event as { type: string }).type}|${name}`;
}

/** What the machine predicts for one step. @internal */
export interface Prediction {
  /** The row taken, or `null` for an event the state does not list (nothing happens). */
  row: string | null;
  before: MachineSnapshot;
  after: MachineSnapshot;
  /** The effect names in order (`audit` without its event). */
  effects: string[];
}

/** The machine stepping alongside a run, recording the rows it takes. @internal */
export class Oracle {
  snapshot: MachineSnapshot;
  /** The instant of the last step (time never goes back in a run). */
  clock = CREATED_AT;
  readonly taken = new Set<string>([CREATE_ROW]);
  readonly config: RunConfig;

  constructor(config: RunConfig) {
    this.config = config;
    this.snapshot = initialSnapshot().snapshot;
  }

  get context(): SessionContext {
    return this.snapshot.context;
  }

  /**
   * Step the machine.
   * @param step - the step; its `at` must not be before the previous step's.
   * @returns the prediction.
   */
  step(step: LifecycleStep): Prediction {
    const before = this.snapshot;
    const event = machineEvent(step, before.context, this.config);
    const row = rowOf(before, event);
    if (row !== null) this.taken.add(row);
    const [after, actions] = transition(sessionMachine, before, event);
    this.snapshot = after;
    this.clock = step.at;
    return { row, before, after, effects: actions.map((a) => a.type) };
  }
}
