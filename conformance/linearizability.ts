/**
 * A linearizability checker (CK-5, CC-8): Wing & Gong's search with Lowe's memoization, the algorithm
 * Knossos and Porcupine use. A history of concurrent operations is linearizable when some total order
 * of its operations, consistent with real time (an operation that returned before another was called
 * comes first), makes a sequential model answer what every operation observed.
 *
 * Operations whose outcome is unknown (a timeout, a dropped reply: CK-7) may take effect at any point
 * after their call, or never. Histories are split into independent partitions first (by `sessionId`,
 * with per-user operations checked together with the sessions of their user), which keeps the search
 * small.
 *
 * @packageDocumentation
 */

/** The output of an operation whose outcome is unknown (its `return` is `Infinity`). */
export const UNKNOWN = 'unknown' as const;

/** One operation of a history, as a client saw it. */
export interface Operation<Input = unknown, Output = unknown> {
  /** Who issued it; operations of one client never overlap. */
  client: string;
  /** The operation's name, e.g. `write`. */
  op: string;
  input: Input;
  /** When it was called (any monotonic clock). */
  call: number;
  /** When its answer arrived; `Infinity` when it never did (timeout, dropped reply). */
  return: number;
  /** What it answered, or {@link UNKNOWN}. */
  output: Output | typeof UNKNOWN;
}

/** A history: operations of any number of clients, in any order. */
export type History<Input = unknown, Output = unknown> = readonly Operation<Input, Output>[];

/**
 * A sequential specification of the object under test. `step` must not change `state`.
 */
export interface SequentialModel<State, Input = unknown, Output = unknown> {
  /** The initial state. */
  init(): State;
  /**
   * Apply one operation.
   * @returns the next state and what the model expects the operation to answer.
   */
  step(state: State, op: string, input: Input): [State, unknown];
  /** Whether an observed output is one the model allows (`expected` is what `step` returned). */
  equal(output: Output, expected: unknown): boolean;
  /** A string that identifies the state, for the memo table (equal states, equal keys). */
  key(state: State): string;
  /**
   * The keys an operation touches (e.g. `session:<id>`, `user:<id>`). Operations that share a key,
   * directly or through others, are checked together; the others independently. Without it the whole
   * history is one partition.
   */
  partition?(operation: Operation<Input, Output>): readonly string[];
  /**
   * Whether removing the operation can only make a history more legal (an observer: a read, or a write
   * that changed nothing). When given, a counterexample is reduced by dropping the latest calls and then
   * observers only, so it keeps the writes that explain what the others saw; without it, by dropping
   * any operation.
   */
  removable?(operation: Operation<Input, Output>): boolean;
}

/** Options of {@link checkLinearizable}. */
export interface CheckOptions {
  /** Give up after exploring this many states (default 1,000,000). */
  maxStates?: number;
  /** Reduce an illegal partition until removing any operation makes it legal (default true). */
  reduce?: boolean;
}

/** What {@link checkLinearizable} concluded. */
export type CheckResult<Input = unknown, Output = unknown> =
  | { ok: true; explored: number; partitions: number }
  | {
      ok: false;
      /** A non-linearizable sub-history of one partition, 1-minimal when reduced. */
      illegal: History<Input, Output>;
      explored: number;
      partitions: number;
    };

/**
 * Check a history against a sequential model.
 * @param history - the operations observed.
 * @param model - the sequential specification.
 * @param options - a state budget; whether to reduce a counterexample.
 * @returns `ok: true`, or `ok: false` with an illegal sub-history; `explored` counts the search states
 *   (memo entries) visited, over every partition.
 * @throws RangeError when the search explores more than `maxStates` states.
 * @throws TypeError when an operation has a `return` before its `call`.
 *
 * @example
 * ```ts
 * const result = checkLinearizable(history, registerModel);
 * if (!result.ok) console.log(result.illegal);
 * ```
 */
export function checkLinearizable<State, Input, Output>(
  history: History<Input, Output>,
  model: SequentialModel<State, Input, Output>,
  options: CheckOptions = {},
): CheckResult<Input, Output> {
  for (const op of history) {
    if (!(op.return >= op.call)) {
      throw new TypeError(
        `operation ${op.op} of ${op.client}: return ${op.return} is before call ${op.call}`,
      );
    }
  }
  const budget = { left: options.maxStates ?? 1_000_000, explored: 0 };
  const parts = partitionHistory(history, model);
  for (const part of parts) {
    if (search(part, model, budget)) continue;
    const illegal = options.reduce === false ? part : reduce(part, model, budget);
    return { ok: false, illegal, explored: budget.explored, partitions: parts.length };
  }
  return { ok: true, explored: budget.explored, partitions: parts.length };
}

/** Split a history into groups of operations that share keys, transitively (union-find). @internal */
export function partitionHistory<State, Input, Output>(
  history: History<Input, Output>,
  model: SequentialModel<State, Input, Output>,
): Operation<Input, Output>[][] {
  if (model.partition === undefined) return history.length === 0 ? [] : [[...history]];
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(key, root);
    return root;
  };
  const add = (key: string) => {
    if (!parent.has(key)) parent.set(key, key);
  };
  const keysOf = history.map((op) => {
    const keys = model.partition!(op);
    // An operation that touches nothing still belongs somewhere: to a partition of its own.
    return keys.length === 0 ? [`\0${op.client}:${op.call}`] : keys;
  });
  for (const keys of keysOf) {
    for (const key of keys) add(key);
    for (const key of keys.slice(1)) parent.set(find(key), find(keys[0]!));
  }
  const groups = new Map<string, Operation<Input, Output>[]>();
  history.forEach((op, i) => {
    const root = find(keysOf[i]![0]!);
    const group = groups.get(root) ?? [];
    group.push(op);
    groups.set(root, group);
  });
  return [...groups.values()];
}

/** A call or a return in the doubly linked list of events. */
interface Entry {
  id: number;
  isCall: boolean;
  time: number;
  prev: Entry | null;
  next: Entry | null;
  /** For a call, its return (absent when the outcome is unknown). */
  match: Entry | null;
}

/**
 * Wing & Gong's backtracking search over the events of one partition, with Lowe's memo table of
 * (linearized set, state) pairs already explored.
 * @returns whether the partition is linearizable.
 */
function search<State, Input, Output>(
  ops: readonly Operation<Input, Output>[],
  model: SequentialModel<State, Input, Output>,
  budget: { left: number; explored: number },
): boolean {
  const head: Entry = { id: -1, isCall: false, time: -Infinity, prev: null, next: null, match: null };
  const events: Entry[] = [];
  ops.forEach((op, id) => {
    const call: Entry = { id, isCall: true, time: op.call, prev: null, next: null, match: null };
    events.push(call);
    // CK-7: an unknown outcome has no return event, so it stays a candidate until the end.
    if (op.return !== Infinity) {
      call.match = { id, isCall: false, time: op.return, prev: null, next: null, match: null };
      events.push(call.match);
    }
  });
  // At equal times calls come first: the two operations are then treated as concurrent.
  events.sort((a, b) => a.time - b.time || Number(b.isCall) - Number(a.isCall) || a.id - b.id);
  let tail = head;
  for (const event of events) {
    tail.next = event;
    event.prev = tail;
    tail = event;
  }
  const lift = (entry: Entry) => {
    entry.prev!.next = entry.next;
    if (entry.next !== null) entry.next.prev = entry.prev;
    const match = entry.match;
    if (match !== null) {
      match.prev!.next = match.next;
      if (match.next !== null) match.next.prev = match.prev;
    }
  };
  const unlift = (entry: Entry) => {
    const match = entry.match;
    if (match !== null) {
      match.prev!.next = match;
      if (match.next !== null) match.next.prev = match;
    }
    entry.prev!.next = entry;
    if (entry.next !== null) entry.next.prev = entry;
  };

  const linearized = new Uint32Array(Math.ceil(ops.length / 32));
  const flip = (id: number) => {
    linearized[id >>> 5]! ^= 1 << (id & 31);
  };
  const cache = new Set<string>();
  const stack: { entry: Entry; state: State }[] = [];
  let known = ops.filter((op) => op.return !== Infinity).length;
  let state = model.init();
  let entry = head.next;
  for (;;) {
    // Every operation with a known outcome is placed; the unknown ones left never took effect.
    if (known === 0) return true;
    if (entry?.isCall) {
      const op = ops[entry.id]!;
      const [next, expected] = model.step(state, op.op, op.input);
      if (op.return === Infinity || model.equal(op.output as Output, expected)) {
        flip(entry.id);
        const key = `${linearized.join(',')}|${model.key(next)}`;
        if (!cache.has(key)) {
          cache.add(key);
          budget.explored += 1;
          if (--budget.left < 0) {
            throw new RangeError('linearizability check: the state budget ran out before a verdict');
          }
          stack.push({ entry, state });
          state = next;
          if (op.return !== Infinity) known -= 1;
          lift(entry);
          entry = head.next;
          continue;
        }
        flip(entry.id);
      }
      entry = entry.next;
      continue;
    }
    // A return (or the end) reached with its operation not placed: undo the last choice.
    const top = stack.pop();
    if (top === undefined) return false;
    state = top.state;
    flip(top.entry.id);
    if (ops[top.entry.id]!.return !== Infinity) known += 1;
    unlift(top.entry);
    entry = top.entry.next;
  }
}

/**
 * Delta debugging down to a 1-minimal illegal history: drop halves, then quarters, ..., then single
 * operations, keeping every removal after which the history is still not linearizable. With
 * `model.removable`, first drop the latest calls while the history stays illegal, then only observers.
 */
function reduce<State, Input, Output>(
  ops: readonly Operation<Input, Output>[],
  model: SequentialModel<State, Input, Output>,
  budget: { left: number; explored: number },
): Operation<Input, Output>[] {
  const illegal = (candidate: Operation<Input, Output>[]) =>
    candidate.length > 0 && !search(candidate, model, budget);
  let current = [...ops];
  const removable = model.removable;
  if (removable !== undefined) {
    current.sort((a, b) => a.call - b.call);
    while (current.length > 1 && illegal(current.slice(0, -1))) current = current.slice(0, -1);
  }
  const canDrop = (op: Operation<Input, Output>) => removable === undefined || removable(op);
  for (let size = Math.floor(current.length / 2); size >= 1; size = Math.floor(size / 2)) {
    for (let start = 0; start < current.length; ) {
      const chunk = current.slice(start, start + size);
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (chunk.every(canDrop) && illegal(candidate)) current = candidate;
      else start += size;
    }
  }
  return current;
}
