/**
 * How a transition is labelled in every format: `event [guard] (rules)`.
 *
 * @packageDocumentation
 */
import type { GraphTransition, RuleId } from '../../spec/graph.js';

/**
 * Rule IDs in parentheses, the way diagram labels show them.
 * @param rules - the rule IDs.
 * @returns `(LC-6, LC-7)`, or `''` when there are none.
 */
export function rulesText(rules: readonly RuleId[]): string {
  return rules.length === 0 ? '' : `(${rules.join(', ')})`;
}

/**
 * The label of a transition: its event, its guard in brackets, its rules in parentheses.
 * @param t - the transition.
 * @param separator - what goes between `event [guard]` and the rules (a space, or a line break in DOT).
 * @returns the label, such as `access [absoluteExpired] (LC-6, LC-7, SEC-4)`.
 */
export function edgeLabel(t: GraphTransition, separator: string): string {
  const head = t.guard === null ? t.event : `${t.event} [${t.guard}]`;
  return t.rules.length === 0 ? head : `${head}${separator}${rulesText(t.rules)}`;
}
