/**
 * JSON equality and rendering, as the store contract defines payload equality (ST-6).
 *
 * @packageDocumentation
 */

/**
 * What a value becomes after a JSON round trip (ST-6): `JSON.parse(JSON.stringify(value))`.
 * @param value - a JSON-serialisable value.
 * @returns a fresh copy, with `__proto__` keys kept as own data properties (as `JSON.parse` does).
 * @internal
 */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * JSON equality (ST-6): same JSON type, arrays element by element in order, objects with the same set
 * of own keys (in any order: a store may reorder keys) and equal values. `-0` equals `0`, as in JSON.
 * @param a - a value read from a store.
 * @param b - the expected value.
 * @returns whether both denote the same JSON document.
 * @internal
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  return bKeys.every((key) => Object.hasOwn(a, key) && jsonEqual(aRecord[key], bRecord[key]));
}

/**
 * A short rendering of a value for failure messages.
 * @param value - anything a store returned.
 * @param max - the longest rendering kept before eliding.
 * @returns JSON text (or `String(value)` when not serialisable), cut at `max` characters.
 * @internal
 */
export function show(value: unknown, max = 240): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
