/**
 * CC-8 as an assertion: a recorded history must linearize against the store model, or the rule fails
 * with the reduced history drawn as a timeline.
 *
 * @packageDocumentation
 */
import { checkLinearizable } from '../linearizability.js';
import { Violation } from '../rule.js';
import type { StoreOperation } from './history.js';
import { storeHistoryModel } from './store-model.js';
import { formatTimeline } from './timeline.js';

/**
 * @param rule - the rule id for the message (CK-2).
 * @param history - every operation of the run.
 * @throws Violation with the 1-minimal illegal sub-history as a timeline, one lane per client.
 * @internal
 */
export function expectLinearizable(rule: string, history: readonly StoreOperation[]): void {
  const result = checkLinearizable(history, storeHistoryModel);
  if (result.ok) return;
  const n = result.illegal.length;
  throw new Violation(
    [
      `${rule}: the history is not linearizable: no order of these ${n} operation${n === 1 ? '' : 's'} (of ${history.length}) agrees with the store contract:`,
      ...formatTimeline(result.illegal).map((line) => `    ${line}`),
    ].join('\n'),
  );
}
