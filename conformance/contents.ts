/**
 * The no-dangling-data check (ST-5): what the inspection interface reports must be exactly what the
 * reference model holds, user-index entries included.
 *
 * @packageDocumentation
 */
import type { SessionStore } from '../src/index.js';
import { show } from './json.js';
import type { StoreModel } from './model.js';
import { expect } from './rule.js';

/**
 * Compare the store's contents with the model's (ST-5): the same record ids, the same user index
 * (users with an empty entry count as absent), and no raw key at all once nothing is stored.
 * @param model - the reference model after the same operations.
 * @param store - the store under test; must implement `inspection`.
 * @param after - the operation just run, for the failure message.
 * @throws Violation when the store holds something the model does not, or misses something.
 * @internal
 */
export async function checkContents(model: StoreModel, store: SessionStore, after: string): Promise<void> {
  if (store.inspection === undefined) throw new TypeError('checkContents needs store.inspection');
  const contents = await store.inspection.contents();
  const records = [...contents.records].sort();
  const expectedRecords = [...model.records.keys()].sort();
  expect(
    show(records) === show(expectedRecords),
    `ST-5: after ${after} the store holds records ${show(records)}, expected ${show(expectedRecords)}`,
  );
  const index = normaliseIndex(contents.userIndex);
  const expectedIndex = Object.fromEntries([...model.userIndex()].sort(([a], [b]) => (a < b ? -1 : 1)));
  expect(
    show(index, 1000) === show(expectedIndex, 1000),
    `ST-5: after ${after} the user index is ${show(index)}, expected ${show(expectedIndex)}`,
  );
  if (model.records.size === 0 && model.locks.size === 0) {
    expect(
      contents.keys.length === 0,
      `ST-5: after ${after} nothing is stored, yet the store holds keys ${show(contents.keys)}`,
    );
  }
}

/** Drop empty entries, sort users and ids, so two indexes compare by their JSON text. */
function normaliseIndex(index: { [userId: string]: string[] }): { [userId: string]: string[] } {
  return Object.fromEntries(
    Object.entries(index)
      .filter(([, ids]) => ids.length > 0)
      .map(([user, ids]): [string, string[]] => [user, [...ids].sort()])
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
