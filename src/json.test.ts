import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bucket, JsonValue } from '../spec/index.js';
import { assertJson, cloneJson, getOwn, MAX_DEPTH, setOwn } from './json.js';

const freshSeed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`ST-6 json property seed: ${freshSeed} (replay with FC_SEED=<seed>)`);

describe('ST-6: JSON values', () => {
  it('ST-6: every JSON value is accepted and copies round-trip exactly as JSON does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assertJson(value, 'v');
        const copy = cloneJson(value as JsonValue);
        expect(copy).toEqual(JSON.parse(JSON.stringify(value)));
        // The same keys in the same order: what a later request reads back.
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
        if (typeof value === 'object' && value !== null) expect(copy).not.toBe(value);
      }),
      { seed: freshSeed, numRuns: 300 },
    );
  });

  it('ST-6: a copy shares nothing with its source, at any depth, and has no negative zero', () => {
    const source = { cart: [{ sku: 'a', qty: 1 }], prefs: { theme: 'dark' }, z: [-0] } as JsonValue;
    const copy = cloneJson(source) as { cart: { qty: number }[]; prefs: Record<string, string>; z: number[] };
    copy.cart[0]!.qty = 9;
    copy.cart.push({ qty: 2 });
    copy.prefs.theme = 'light';
    expect(source).toEqual({ cart: [{ sku: 'a', qty: 1 }], prefs: { theme: 'dark' }, z: [-0] });
    expect(Object.is(copy.z[0], 0)).toBe(true);
  });

  it('ST-6: non-JSON values are rejected with a TypeError naming the path', () => {
    class Point {
      x = 1;
    }
    const sparse: unknown[] = [];
    sparse[1] = 1;
    const cases: [unknown, string][] = [
      [undefined, 'v is undefined'],
      [() => 0, 'v is function'],
      [Symbol('s'), 'v is symbol'],
      [1n, 'v is bigint'],
      [Number.NaN, 'v is NaN'],
      [Number.NEGATIVE_INFINITY, 'v is -Infinity'],
      [new Date(0), 'v is a Date'],
      [new Map(), 'v is a Map'],
      [new Set(), 'v is a Set'],
      [new Point(), 'v is a Point'],
      [{ a: { b: [0, undefined] } }, 'v.a.b[1] is undefined'],
      [sparse, 'v[0] is undefined'],
    ];
    for (const [value, message] of cases) {
      expect(() => assertJson(value, 'v')).toThrow(TypeError);
      expect(() => assertJson(value, 'v')).toThrow(message);
    }
  });

  it('ST-6: cycles are rejected, shared (acyclic) references are not', () => {
    const shared = { n: 1 };
    expect(() => assertJson({ a: shared, b: [shared, shared] }, 'v')).not.toThrow();
    const cycle: unknown[] = [];
    cycle.push({ back: cycle });
    expect(() => assertJson(cycle, 'v')).toThrow(/v\[0\]\.back is circular/);
  });

  it('ST-6: nesting deeper than MAX_DEPTH is a TypeError naming the path, at any depth (never a RangeError)', () => {
    const nest = (levels: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    };
    expect(() => assertJson(nest(MAX_DEPTH), 'v')).not.toThrow();
    expect(() => assertJson(nest(MAX_DEPTH + 1), 'v')).toThrow(TypeError);
    expect(() => assertJson(nest(100_000), 'v')).toThrow(/nests deeper than 100 levels/);
  });

  it('ST-6: objects without a prototype are plain data', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = 1;
    expect(() => assertJson(bare, 'v')).not.toThrow();
  });

  it('ST-6: __proto__ and constructor keys stay own data, with no prototype pollution', () => {
    const bucket: Bucket = {};
    setOwn(bucket, '__proto__', { polluted: true });
    setOwn(bucket, 'constructor', 'c');
    expect(Object.getPrototypeOf(bucket)).toBe(Object.prototype);
    expect(Object.keys(bucket)).toEqual(['__proto__', 'constructor']);
    expect(getOwn(bucket, '__proto__')).toEqual({ polluted: true });
    expect(getOwn(bucket, 'toString')).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const copy = cloneJson(JSON.parse('{"__proto__":{"x":1}}') as JsonValue) as Record<string, unknown>;
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});
