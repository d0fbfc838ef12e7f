/**
 * The lifecycle table, computed from the machine's own configuration (never written by hand).
 *
 * @packageDocumentation
 */
import { type DeclaredAction, type DeclaredTransition, sessionDefinition } from './definition.js';

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

const NONE = '—';

/** @internal An action as the table shows it: `audit(name)` with its event. */
function actionName(action: DeclaredAction): string {
  return action.event === undefined ? action.type : `${action.type}(${action.event})`;
}

/**
 * Every transition the machine declares, in declaration order (guarded candidates in the order the
 * machine tries them), plus the `create` row and a row per terminal state (LC-1: no way out).
 * @returns the rows of the lifecycle table.
 */
export function lifecycleTable(): LifecycleRow[] {
  const { states, transitions } = sessionDefinition();
  const rows: LifecycleRow[] = [];
  const row = (t: DeclaredTransition): LifecycleRow => ({
    state: t.source ?? NONE,
    event: t.event,
    guard: t.guard ?? NONE,
    next: t.target,
    effects: t.actions.map(actionName),
  });
  rows.push(row(transitions[0]!));
  for (const state of states) {
    if (state.final) {
      rows.push({ state: state.id, event: '(any)', guard: NONE, next: state.id, effects: [] });
      continue;
    }
    for (const t of transitions) if (t.source === state.id) rows.push(row(t));
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
