/**
 * CC-8 as an assertion: a recorded history must linearize against the store model, or the rule fails
 * with the reduced history drawn as a timeline.
 *
 * @packageDocumentation
 */
import { describeRecord } from '../arbitraries.js';
import { show } from '../json.js';
import { checkLinearizable, UNKNOWN } from '../linearizability.js';
import { Violation } from '../rule.js';
import type { StoreOperation } from './history.js';
import { type StoreState, storeHistoryModel } from './store-model.js';
import { describeCall, describeValue, formatTimeline } from './timeline.js';

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
      '  why no order works (each order the timing allows, up to the first answer the contract forbids):',
      ...explain(result.illegal).map((line) => `    ${line}`),
    ].join('\n'),
  );
}

/** Orders shown at most: a reduced history has a handful of operations. */
const MAX_ORDERS = 6;

/**
 * For each order of the operations that real time allows (an operation that ended before another
 * started stays first; one of unknown outcome may also never have happened), the first operation whose
 * answer the contract forbids in the state the earlier ones leave.
 * @param history - a small illegal history.
 * @returns one line per order, at most {@link MAX_ORDERS}.
 * @internal
 */
export function explain(history: readonly StoreOperation[]): string[] {
  const lines: string[] = [];
  const label = (op: StoreOperation) => `${op.client} ${describeCall(op.op, op.input)}`;
  const visit = (done: StoreOperation[], left: StoreOperation[], state: StoreState): void => {
    if (lines.length >= MAX_ORDERS) return;
    if (left.length === 0) return;
    for (const op of left) {
      // Real time: an operation cannot take effect before one that returned before it was called.
      if (left.some((other) => other !== op && other.return < op.call)) continue;
      const rest = left.filter((other) => other !== op);
      if (op.output === UNKNOWN) visit(done, rest, state);
      const [next, expected] = storeHistoryModel.step(state, op.op, op.input);
      if (op.output !== UNKNOWN && !storeHistoryModel.equal(op.output, expected)) {
        const name = (o: StoreOperation) => `${o.client} ${o.op}`;
        const before = done.length === 0 ? 'nothing' : done.map(name).join(', ');
        lines.push(
          `${[...done, op].map(name).join(', ')}: after ${before} the store holds ${describeState(state)}, so ${label(op)} must answer ${show((expected as { value: unknown }).value)}, not ${describeValue(op.output)}`,
        );
        if (lines.length >= MAX_ORDERS) return;
        continue;
      }
      visit([...done, op], rest, next);
    }
  };
  visit([], [...history], storeHistoryModel.init());
  return lines;
}

/** The records of a model state, in a few words. */
function describeState(state: StoreState): string {
  const records = [...state.values()];
  return records.length === 0
    ? 'nothing'
    : records.map((r) => describeRecord(r as Parameters<typeof describeRecord>[0])).join('; ');
}
