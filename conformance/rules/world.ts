/**
 * What the targeted rules share: a small world of records stored in both the model and the store,
 * and a fresh store per property run (CK-8).
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import type { SessionRecord, SessionStore } from '../../src/index.js';
import { buildRecord, describeRecord, type RecordSpec, recordSpecArb, T0 } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { StoreModel } from '../model.js';
import { expect, type RuleContext } from '../rule.js';

/** A few records with distinct ids, all alive at creation, and a later instant to observe them at. @internal */
export interface World {
  specs: RecordSpec[];
  /** Milliseconds after T0 at which the rule observes the store. */
  elapsed: number;
}

/** @internal */
export const worldArb: fc.Arbitrary<World> = fc.record({
  specs: fc.uniqueArray(
    recordSpecArb().map((spec) => ({ ...spec, expiresIn: Math.max(spec.expiresIn, 1) })),
    { selector: (spec) => spec.sessionId, minLength: 1, maxLength: 4 },
  ),
  elapsed: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 60 })),
});

/**
 * Create the world's records at T0 in the store and the model.
 * @returns the records created.
 * @throws Violation when a create does not answer `'ok'`.
 * @internal
 */
export async function seedWorld(
  store: SessionStore,
  model: StoreModel,
  world: World,
): Promise<SessionRecord[]> {
  const records = world.specs.map((spec) => buildRecord(spec, T0, 1));
  for (const record of records) {
    const result = await store.create(record, T0);
    expect(
      result === 'ok',
      `ID-4: create(${describeRecord(record)}) on an empty store answered ${show(result)}`,
    );
    model.create(record);
  }
  return records;
}

/**
 * Run `body` against a store on a fresh namespace with a model at T0, then clean up and close (CK-8).
 * @internal
 */
export async function withStore<T>(
  ctx: RuleContext,
  body: (store: SessionStore, model: StoreModel) => Promise<T>,
): Promise<T> {
  const opened = await ctx.open();
  try {
    return await body(opened.store, new StoreModel(T0));
  } finally {
    await opened.dispose();
  }
}

/**
 * Every session of the pool reads, at `now`, as the model says (ST-2).
 * @throws Violation naming the first session that differs.
 * @internal
 */
export async function expectReadsMatch(
  store: SessionStore,
  model: StoreModel,
  ids: readonly string[],
  now: number,
  after: string,
): Promise<void> {
  for (const id of ids) {
    const actual = await store.read(id, now);
    const expected = model.read(id, now);
    const ok =
      typeof expected === 'object' && expected !== null ? jsonEqual(actual, expected) : actual === expected;
    expect(ok, `ST-2: after ${after}, read(${id}) answered ${show(actual)}, expected ${show(expected)}`);
  }
}
