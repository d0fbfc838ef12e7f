/**
 * JSON payloads (ST-6): values must round-trip as `JSON.parse(JSON.stringify(v))` does, and keys such
 * as `__proto__` stay plain data.
 *
 * @packageDocumentation
 */
import type { Bucket, JsonValue } from '../spec/index.js';

/** ST-6: how deeply arrays and objects may nest in one stored value. */
export const MAX_DEPTH = 100;

/**
 * ST-6: throw a TypeError naming the offending path when `value` would not survive a JSON round trip
 * unchanged (undefined, functions, symbols, bigint, non-finite numbers, class instances such as Date
 * or Map, cycles), or nests arrays and objects more than {@link MAX_DEPTH} deep.
 * @param value - the value an application wants to store.
 * @param path - where it is, for the message.
 * @throws TypeError when it is not a plain JSON value.
 */
export function assertJson(value: unknown, path: string): asserts value is JsonValue {
  walk(value, path, new Set(), 0);
}

/** @internal */
function walk(value: unknown, path: string, seen: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      throw new TypeError(`${path} is ${value}, which JSON cannot hold; store a finite number or a string`);
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw new TypeError(`${path} is circular; session values must be plain JSON`);
      if (depth >= MAX_DEPTH) {
        throw new TypeError(`${path} nests deeper than ${MAX_DEPTH} levels; store a flatter value`);
      }
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        seen.add(value);
        // An index loop, not forEach: a hole would silently become `null` in JSON.
        for (let i = 0; i < value.length; i++) walk(value[i], `${path}[${i}]`, seen, depth + 1);
        seen.delete(value);
        return;
      }
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as object).constructor?.name ?? 'object';
        throw new TypeError(
          `${path} is a ${name}, which does not round-trip through JSON; store plain objects, arrays, strings, numbers, booleans or null (e.g. a Date as its ISO string)`,
        );
      }
      seen.add(value);
      for (const key of Object.keys(value))
        walk((value as Record<string, unknown>)[key], `${path}.${key}`, seen, depth + 1);
      seen.delete(value);
      return;
    }
    default:
      throw new TypeError(
        `${path} is ${typeof value}, which JSON cannot hold; session values must be plain JSON`,
      );
  }
}

/**
 * A deep copy of a JSON value: what `JSON.parse(JSON.stringify(value))` gives, `__proto__` keys kept as
 * own data (ST-6), built directly instead of through a string (about ten times faster on a 1 KiB cart).
 * @returns the copy.
 */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null) {
    // JSON has no negative zero: a request reads back what a later request will.
    return (value === 0 ? 0 : value) as T;
  }
  if (Array.isArray(value)) {
    const copy = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i] as JsonValue);
    return copy as T;
  }
  const copy: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as Record<string, JsonValue>)[key] as JsonValue);
    if (key === '__proto__') setOwn(copy, key, item);
    else copy[key] = item;
  }
  return copy as T;
}

/** @returns the bucket's own value for `key` (never an inherited property such as `toString`). */
export function getOwn(bucket: Bucket, key: string): JsonValue | undefined {
  return Object.hasOwn(bucket, key) ? bucket[key] : undefined;
}

/** Set `bucket[key]` as own data, even for `__proto__` (ST-6: no prototype pollution). */
export function setOwn(bucket: Bucket, key: string, value: JsonValue): void {
  Object.defineProperty(bucket, key, { value, writable: true, enumerable: true, configurable: true });
}
