/**
 * The store contract as a sequential model for the linearizability checker (CC-8): the kit's
 * reference model ({@link StoreModel}) stepped on copies, partitioned by session and by user.
 *
 * @packageDocumentation
 */
import type { SessionRecord } from '../../src/index.js';
import { jsonEqual } from '../json.js';
import type { Operation, SequentialModel } from '../linearizability.js';
import { type StoredRecord, StoreModel } from '../model.js';

/** The state: stored records by session id. @internal */
export type StoreState = ReadonlyMap<string, StoredRecord>;

/** What the model expects, tagged with the operation so `equal` knows how to compare. */
interface Expected {
  op: string;
  /** For `write`: the allowed answers; otherwise the one answer. */
  value: unknown;
}

/**
 * The sequential store model. Partition keys: `s:<sessionId>` for operations on one session, plus
 * `u:<userId>` for a record bound to a user, and `u:<userId>` for the per-user operations, so a user's
 * operations are checked together with the sessions that were ever bound to that user (CC-8).
 * @internal
 */
export const storeHistoryModel: SequentialModel<StoreState, unknown[], unknown> = {
  init: () => new Map(),
  step(state, op, args) {
    const model = new StoreModel(0);
    for (const [id, record] of state) model.records.set(id, record);
    const expect = (value: unknown): [StoreState, Expected] => [model.records, { op, value }];
    switch (op) {
      case 'create':
        return expect(model.create(args[0] as SessionRecord));
      case 'read':
        return [state, { op, value: model.read(args[0] as string, args[1] as number) }];
      case 'write':
        return expect(model.write(args[0] as SessionRecord, args[1] as string, args[2] as number));
      case 'destroy':
        return expect(model.destroy(args[0] as string));
      case 'listByUser':
        return [state, { op, value: model.listByUser(args[0] as string, args[1] as number) }];
      case 'destroyByUser':
        return expect(model.destroyByUser(args[0] as string, args[1] as string[]));
      case 'purgeExpired':
        return expect(model.purgeExpired(args[0] as number));
      default:
        throw new TypeError(`the store model has no operation '${op}'`);
    }
  },
  equal(output, expected) {
    const { op, value } = expected as Expected;
    if (op === 'write') return (value as unknown[]).includes(output);
    // Without a page limit, one call answers everything: its cursor is null (store contract 2).
    if (op === 'listByUser') {
      const page = output as { records?: unknown; cursor?: unknown } | null;
      return page?.cursor === null && sameRecords(page.records, value as StoredRecord[]);
    }
    if (op === 'destroyByUser') {
      const step = output as { deleted?: unknown; cursor?: unknown } | null;
      const deleted = step?.deleted;
      return (
        step?.cursor === null &&
        Array.isArray(deleted) &&
        jsonEqual([...deleted].sort(), [...(value as string[])].sort())
      );
    }
    return typeof value === 'object' && value !== null ? jsonEqual(output, value) : output === value;
  },
  key: (state) => JSON.stringify([...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  removable(operation) {
    // Reads and lists change nothing; neither does a call that answered that it did nothing.
    if (operation.op === 'read' || operation.op === 'listByUser') return true;
    const { output } = operation;
    return (
      output === 'exists' ||
      output === 'conflict' ||
      output === 'gone' ||
      output === 'expired' ||
      output === false ||
      (operation.op === 'destroyByUser' && (output as { deleted?: unknown[] } | null)?.deleted?.length === 0)
    );
  },
  partition(operation: Operation<unknown[], unknown>) {
    const [first] = operation.input;
    switch (operation.op) {
      case 'create':
      case 'write': {
        const record = first as SessionRecord;
        return record.userId === null
          ? [`s:${record.sessionId}`]
          : [`s:${record.sessionId}`, `u:${record.userId}`];
      }
      case 'read':
      case 'destroy':
        return [`s:${first as string}`];
      case 'listByUser':
      case 'destroyByUser':
        return [`u:${first as string}`];
      default:
        // A purge touches every session: one partition for the whole history.
        return ['*'];
    }
  },
};

/** The same records, in any order (LC-9: listing order is unspecified). */
function sameRecords(output: unknown, expected: readonly StoredRecord[]): boolean {
  if (!Array.isArray(output) || output.length !== expected.length) return false;
  const byId = (a: { sessionId: string }, b: { sessionId: string }) => (a.sessionId < b.sessionId ? -1 : 1);
  const sorted = [...(output as StoredRecord[])].sort(byId);
  return [...expected].sort(byId).every((record, i) => jsonEqual(sorted[i], record));
}
