/**
 * The lifecycle table, computed from the machine's own configuration (never written by hand).
 *
 * @packageDocumentation
 */
import { sessionMachine } from './machine.js';

/** One row of the lifecycle table: state x event -> guard -> next state, effects. */
export interface LifecycleRow {
  /** The source state; `—` for `create` (the initial transition). */
  state: string;
  event: string;
  /** The named guard, or `—` for the fallback (unguarded) candidate. */
  guard: string;
  next: string;
  /** Named actions in order: context changes and effects, `audit(name)` with its event. */
  effects: string[];
}

type ActionConfig = string | { type: string; params?: { event?: string } };
interface TransitionConfig {
  guard?: string;
  target?: string;
  actions?: ActionConfig[];
}
interface StateConfig {
  type?: string;
  on?: Record<string, TransitionConfig | TransitionConfig[]>;
}

const NONE = '—';

/** @internal */
function actionName(action: ActionConfig): string {
  if (typeof action === 'string') return action;
  return action.params?.event ? `${action.type}(${action.params.event})` : action.type;
}

/**
 * Every transition the machine declares, in declaration order (guarded candidates in the order the
 * machine tries them), plus the `create` row and a row per terminal state (LC-1: no way out).
 * @returns the rows of the lifecycle table.
 */
export function lifecycleTable(): LifecycleRow[] {
  const config = sessionMachine.config as unknown as {
    initial: TransitionConfig;
    states: Record<string, StateConfig>;
  };
  const rows: LifecycleRow[] = [
    {
      state: NONE,
      event: 'create',
      guard: NONE,
      next: config.initial.target ?? NONE,
      effects: (config.initial.actions ?? []).map(actionName),
    },
  ];
  for (const [state, node] of Object.entries(config.states)) {
    if (node.type === 'final') {
      rows.push({ state, event: '(any)', guard: NONE, next: state, effects: [] });
      continue;
    }
    for (const [event, spec] of Object.entries(node.on ?? {})) {
      for (const candidate of Array.isArray(spec) ? spec : [spec]) {
        rows.push({
          state,
          event,
          guard: candidate.guard ?? NONE,
          next: candidate.target ?? state,
          effects: (candidate.actions ?? []).map(actionName),
        });
      }
    }
  }
  return rows;
}

/**
 * The lifecycle table as Markdown, as `spec/SPEC.md` embeds it and `sessionspec spec` prints it.
 * @returns a Markdown table.
 */
export function lifecycleTableMarkdown(): string {
  const lines = ['| State | Event | Guard | Next state | Effects |', '| --- | --- | --- | --- | --- |'];
  for (const row of lifecycleTable()) {
    const effects = row.effects.length > 0 ? row.effects.map((e) => `\`${e}\``).join(', ') : NONE;
    lines.push(`| ${row.state} | ${row.event} | ${row.guard} | ${row.next} | ${effects} |`);
  }
  return `${lines.join('\n')}\n`;
}
