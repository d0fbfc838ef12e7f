import { describe, expect, test } from 'vitest';
import {
  checkLinearizable,
  type History,
  type Operation,
  type SequentialModel,
  UNKNOWN,
} from './linearizability.js';

/** A register per key: `write` sets, `read` answers the value, `cas` compares-and-sets. */
type Input = { key?: string; value?: number; from?: number; to?: number };
const registers: SequentialModel<Record<string, number>, Input, unknown> = {
  init: () => ({}),
  step(state, op, input) {
    const key = input.key ?? 'x';
    const value = state[key] ?? 0;
    if (op === 'write') return [{ ...state, [key]: input.value! }, 'ok'];
    if (op === 'cas') {
      return value === input.from ? [{ ...state, [key]: input.to! }, true] : [state, false];
    }
    return [state, value];
  },
  equal: (output, expected) => output === expected,
  key: (state) => JSON.stringify(Object.entries(state).sort()),
  partition: (op) => [op.input.key ?? 'x'],
};

/** `client op(input) → output` over [call, return]. */
function op(
  client: string,
  name: string,
  input: Input,
  call: number,
  ret: number,
  output: unknown,
): Operation<Input, unknown> {
  return { client, op: name, input, call, return: ret, output };
}

describe('CC-8 linearizability checker (Wing & Gong with Lowe memoization)', () => {
  test('the empty history and a sequential one are linearizable', () => {
    expect(checkLinearizable([], registers).ok).toBe(true);
    const history = [op('a', 'write', { value: 1 }, 0, 1, 'ok'), op('b', 'read', {}, 2, 3, 1)];
    expect(checkLinearizable(history, registers).ok).toBe(true);
  });

  test('a read concurrent with a write may see the old or the new value', () => {
    for (const seen of [0, 1]) {
      const history = [op('a', 'write', { value: 1 }, 0, 10, 'ok'), op('b', 'read', {}, 2, 3, seen)];
      expect(checkLinearizable(history, registers).ok).toBe(true);
    }
  });

  test('the classic stale read: write(1) returned, then read → 0 is not linearizable', () => {
    const history = [op('a', 'write', { value: 1 }, 0, 1, 'ok'), op('b', 'read', {}, 2, 3, 0)];
    const result = checkLinearizable(history, registers);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.illegal).toHaveLength(2);
  });

  test('new-old inversion: two sequential reads concurrent with a write cannot go back in time', () => {
    const history = [
      op('a', 'write', { value: 1 }, 0, 100, 'ok'),
      op('b', 'read', {}, 1, 2, 1),
      op('c', 'read', {}, 3, 4, 0),
    ];
    expect(checkLinearizable(history, registers).ok).toBe(false);
  });

  test('a read of a value nobody wrote is not linearizable, and the counterexample is reduced to it', () => {
    const history = [
      op('a', 'write', { value: 1 }, 0, 5, 'ok'),
      op('b', 'write', { value: 2 }, 1, 6, 'ok'),
      op('c', 'read', {}, 2, 7, 3),
      op('a', 'read', { key: 'y' }, 8, 9, 0),
    ];
    const result = checkLinearizable(history, registers);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.illegal.map((o) => o.output)).toEqual([3]);
  });

  test('two compare-and-sets from the same value cannot both succeed; the reduction keeps exactly them', () => {
    const history = [
      op('z', 'write', { key: 'y', value: 9 }, 0, 1, 'ok'),
      op('a', 'cas', { from: 0, to: 1 }, 0, 10, true),
      op('b', 'cas', { from: 0, to: 2 }, 1, 11, true),
      op('c', 'read', {}, 2, 3, 0),
    ];
    const result = checkLinearizable(history, registers);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.illegal.map((o) => o.client).sort()).toEqual(['a', 'b']);
    // One winner is fine.
    const fine = [
      op('a', 'cas', { from: 0, to: 1 }, 0, 10, true),
      op('b', 'cas', { from: 0, to: 2 }, 1, 11, false),
    ];
    expect(checkLinearizable(fine, registers).ok).toBe(true);
  });

  test('partitions are independent: each key is its own register', () => {
    const history = [
      op('a', 'write', { key: 'x', value: 1 }, 0, 1, 'ok'),
      op('b', 'read', { key: 'y' }, 2, 3, 0),
      op('b', 'read', { key: 'x' }, 4, 5, 1),
    ];
    const result = checkLinearizable(history, registers);
    expect(result).toMatchObject({ ok: true, partitions: 2 });
  });

  test('CK-7: an unknown outcome may take effect at any later point', () => {
    const history = [
      op('a', 'write', { value: 1 }, 0, Infinity, UNKNOWN),
      op('b', 'read', {}, 5, 6, 0),
      op('b', 'read', {}, 7, 8, 1),
      op('c', 'read', {}, 9, 10, 1),
    ];
    expect(checkLinearizable(history, registers).ok).toBe(true);
  });

  test('CK-7: an unknown outcome may never take effect', () => {
    const history = [op('a', 'write', { value: 1 }, 0, Infinity, UNKNOWN), op('b', 'read', {}, 5, 6, 0)];
    expect(checkLinearizable(history, registers).ok).toBe(true);
  });

  test('CK-7: an unknown outcome cannot take effect before its call, nor be undone', () => {
    const early = [op('b', 'read', {}, 0, 1, 1), op('a', 'write', { value: 1 }, 2, Infinity, UNKNOWN)];
    expect(checkLinearizable(early, registers).ok).toBe(false);
    const undone = [
      op('a', 'write', { value: 1 }, 0, Infinity, UNKNOWN),
      op('b', 'read', {}, 1, 2, 1),
      op('b', 'read', {}, 3, 4, 0),
    ];
    expect(checkLinearizable(undone, registers).ok).toBe(false);
  });

  test('a return before its call is misuse', () => {
    expect(() => checkLinearizable([op('a', 'read', {}, 5, 4, 0)], registers)).toThrow(TypeError);
  });

  test('a 1,000-operation history of 8 clients on 4 keys is checked within a bounded number of states', () => {
    const history = concurrentRegisterHistory(1000, 8, 4, 7);
    const result = checkLinearizable(history, registers);
    expect(result.ok).toBe(true);
    // Linear in the operations, not exponential: at most ~10 states per operation.
    expect(result.explored).toBeLessThanOrEqual(10_000);
    process.stdout.write(`CC-8 checker: 1,000 operations, ${result.explored} states explored\n`);
    // The same history with one stale read appended is rejected.
    const last = Math.max(...history.map((o) => o.return));
    const written = history.filter((o) => o.op === 'write' && o.input.key === 'k0').at(-1)!;
    const stale = op('z', 'read', { key: 'k0' }, last + 1, last + 2, (written.input.value as number) + 0.5);
    expect(checkLinearizable([...history, stale], registers).ok).toBe(false);
  });

  test('a state budget bounds the search', () => {
    const history = concurrentRegisterHistory(200, 8, 1, 3);
    expect(() => checkLinearizable(history, registers, { maxStates: 10 })).toThrow(RangeError);
  });
});

/**
 * A linearizable history built by simulating a register: each client's operations overlap the
 * others' (a random window around the instant it takes effect).
 */
function concurrentRegisterHistory(
  count: number,
  clients: number,
  keys: number,
  seed: number,
): History<Input> {
  let s = seed;
  const random = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const values: Record<string, number> = {};
  const busyUntil = new Array<number>(clients).fill(0);
  const history: Operation<Input, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * 10; // the instant the operation takes effect
    const client = Math.floor(random() * clients);
    const call = Math.max(busyUntil[client]! + 1, at - Math.floor(random() * 25));
    if (call > at) continue;
    const ret = at + 1 + Math.floor(random() * 25);
    busyUntil[client] = ret;
    const key = `k${Math.floor(random() * keys)}`;
    if (random() < 0.5) {
      values[key] = i;
      history.push(op(`c${client}`, 'write', { key, value: i }, call, ret, 'ok'));
    } else {
      history.push(op(`c${client}`, 'read', { key }, call, ret, values[key] ?? 0));
    }
  }
  return history;
}
