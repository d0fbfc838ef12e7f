/**
 * Generators for the kit: small pools of session and user ids so that collisions, conflicts and user
 * index moves actually happen (CK-3), and JSON payloads with hostile keys (ST-6).
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import type { Bucket, JsonValue, SessionRecord } from '../src/index.js';

/**
 * The simulated clock's start (2100-01-01): every run begins here, far from the real clock, so a store
 * that consults its own clock instead of the `now` it is given (ST-3) is caught.
 * @internal
 */
export const T0 = 4_102_444_800_000;

/** Session ids the model-based runs draw from: few, so creates collide and ids are reused. @internal */
export const SESSION_POOL = ['sid-A', 'sid-B', 'sid-C', 'sid-D'] as const;

/** User ids the model-based runs draw from: few, so sessions share users and move between them. @internal */
export const USER_POOL = ['user-1', 'user-2', 'user-3'] as const;

/** Keys that break naive object handling (ST-6): kept as plain data by a conforming store. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''] as const;

/**
 * Strings that JavaScript and JSON hold but some databases refuse (ST-6): NUL, which PostgreSQL
 * `text` and `jsonb` reject; lone UTF-16 surrogates, which are not valid Unicode and which `jsonb`, a
 * UTF-8 column or a Lua JSON library may reject or replace; a surrogate pair; a BOM; a line separator.
 * A session value may be any JSON string, so a store must keep each of them exactly.
 * @internal
 */
export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ud83d\ude00',
  '\ufeff',
  '\u2028',
] as const;

/**
 * The generated part of a record; {@link buildRecord} completes it at the time it is used.
 * @internal
 */
export interface RecordSpec {
  sessionId: string;
  userId: string | null;
  /** Milliseconds after the current time at which the record expires; `0` is expired at once. */
  expiresIn: number;
  browser: Bucket;
  user: Bucket;
  labels: { [key: string]: string };
}

/**
 * An object key: usually short text, often one of the hostile keys (ST-6).
 * @internal
 */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 6, unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
);

/**
 * A JSON value with hostile keys at every level, empty containers, falsy values and unicode (ST-6).
 * @param maxDepth - how deep objects and arrays nest.
 * @returns the arbitrary.
 * @internal
 */
export function jsonArb(maxDepth: number): fc.Arbitrary<JsonValue> {
  const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      fc.constantFrom<JsonValue>(null, false, true, 0, '', [], {}),
      fc.constantFrom<JsonValue>(...HOSTILE_STRINGS),
      fc.jsonValue({ maxDepth: 1, stringUnit: 'grapheme' }) as fc.Arbitrary<JsonValue>,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(keyArb, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));
  return value;
}

/**
 * A bucket of application data (LC-11, ST-6).
 * @param maxKeys - how many top-level keys at most.
 * @param maxDepth - how deep values nest.
 * @returns the arbitrary.
 * @internal
 */
export function bucketArb(maxKeys: number, maxDepth: number): fc.Arbitrary<Bucket> {
  return fc.dictionary(keyArb, jsonArb(maxDepth), { maxKeys, noNullPrototype: true });
}

/**
 * A record spec over the small id pools (CK-3). Expiry is often at the very next instants, so the
 * boundary `now === expiresAt` is reached by small clock advances.
 * @returns the arbitrary.
 * @internal
 */
export function recordSpecArb(): fc.Arbitrary<RecordSpec> {
  return fc.record({
    sessionId: fc.constantFrom(...SESSION_POOL),
    userId: fc.option(fc.constantFrom(...USER_POOL), { nil: null, freq: 3 }),
    expiresIn: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 1, max: 50 })),
    browser: bucketArb(2, 1),
    user: bucketArb(2, 1),
    labels: fc.dictionary(keyArb, fc.string({ maxLength: 4 }), { maxKeys: 1, noNullPrototype: true }),
  });
}

/**
 * Complete a record spec into a stored record of the current format.
 * @param spec - the generated part.
 * @param now - the current simulated time; the record expires at `now + spec.expiresIn`.
 * @param version - the record version (CC-1).
 * @returns a record as the manager would store it.
 * @internal
 */
export function buildRecord(spec: RecordSpec, now: number, version: number): SessionRecord {
  const authenticated = spec.userId !== null;
  return {
    format: 3,
    sessionId: spec.sessionId,
    version,
    state: authenticated ? 'authenticated' : 'anonymous',
    secretHash: `hash-${spec.sessionId}-${version}`,
    previousHash: null,
    previousUntil: null,
    previousReason: null,
    retired: [],
    userId: spec.userId,
    browser: spec.browser,
    user: authenticated ? spec.user : {},
    labels: spec.labels,
    createdAt: now,
    lastSeenAt: now,
    authenticatedAt: authenticated ? now : null,
    freshUntil: null,
    idleTimeout: spec.expiresIn,
    absoluteDeadline: now + spec.expiresIn,
    persistent: false,
    expiresAt: now + spec.expiresIn,
    writeIds: [nextWriteId(version)],
  };
}

let built = 0;

/**
 * A write id no other record built by the kit carries: unique per write (CC-1), even between two
 * records of the same version, as after a store fail-over.
 * @param version - the record's version, shown in the id for readable counterexamples.
 * @returns e.g. `w2.17`.
 * @internal
 */
export function nextWriteId(version: number): string {
  built += 1;
  return `w${version}.${built}`;
}

/**
 * Describe a record in one short line for counterexamples: id, user, version, expiry relative to T0.
 * @param record - the record.
 * @returns e.g. `sid-A user=user-1 v2 expiresAt=T0+5`.
 * @internal
 */
export function describeRecord(
  record: Pick<SessionRecord, 'sessionId' | 'userId' | 'version' | 'expiresAt'>,
): string {
  return `${record.sessionId} user=${record.userId ?? '∅'} v${record.version} expiresAt=${relative(record.expiresAt)}`;
}

/**
 * Render an instant relative to {@link T0}.
 * @param time - an instant of the simulated clock.
 * @returns e.g. `T0+5`.
 * @internal
 */
export function relative(time: number): string {
  const delta = time - T0;
  return delta >= 0 ? `T0+${delta}` : `T0-${-delta}`;
}
