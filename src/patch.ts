/**
 * A request's changes as a patch (CC-2): per-bucket set / delete / update operations, label changes
 * and lifecycle events, in the order the request made them. On a compare-and-set conflict the manager
 * re-applies the patch to the fresh record; `update` functions run again on the fresh value (CC-3).
 *
 * @packageDocumentation
 */
import {
  hasEnded,
  type JsonValue,
  type SessionEffect,
  type SessionEvent,
  type SessionRecord,
  type SessionState,
} from '../spec/index.js';
import { SessionError } from './errors.js';
import { assertJson, cloneJson, getOwn, setOwn } from './json.js';
import { step } from './lifecycle.js';

/** The two buckets of a record (LC-11). */
export type BucketName = 'browser' | 'user';

/** A pure function from the current value (undefined when absent) to the next one (undefined deletes). */
export type Updater = (value: JsonValue | undefined) => JsonValue | undefined;

/** One change of a patch. User-bucket operations remember the user they were made for (LC-3). */
export type Op =
  | { kind: 'set'; bucket: BucketName; key: string; value: JsonValue; userId: string | null }
  | { kind: 'delete'; bucket: BucketName; key: string; userId: string | null }
  | { kind: 'update'; bucket: BucketName; key: string; fn: Updater; userId: string | null }
  | { kind: 'label'; key: string; value: string | null }
  | { kind: 'event'; event: SessionEvent };

/** The result of applying a patch to a record. */
export interface Applied {
  record: SessionRecord;
  /** The final state; terminal when the patch ended the session. */
  state: SessionState;
  effects: SessionEffect[];
}

/**
 * Apply `ops` in order to `base`. Pure except for running `update` functions.
 * @param base - the record to start from (as loaded, or as re-read after a conflict).
 * @param ops - the patch.
 * @returns the new record, the final state and the effects the lifecycle events asked for.
 * @throws SessionError `CONFLICT` when a user-bucket change was made for a user that is no longer the
 *   bound one (LC-3: a user's data never lands in another user's bucket).
 */
export function applyPatch(base: SessionRecord, ops: readonly Op[]): Applied {
  let record: SessionRecord = { ...base };
  // Copy on write: a bucket (or the labels) is copied once, when an op first changes it; the others
  // stay shared with `base`, which nothing changes in place.
  let owned = 0;
  const writable = <K extends 'browser' | 'user' | 'labels'>(name: K): SessionRecord[K] => {
    const bit = OWNED[name];
    if ((owned & bit) === 0) {
      record[name] = { ...record[name] };
      owned |= bit;
    }
    return record[name];
  };
  let state: SessionState = base.state;
  const effects: SessionEffect[] = [];
  for (const op of ops) {
    if (hasEnded(state)) break;
    switch (op.kind) {
      case 'event': {
        // PERF-1: a touch re-applied over a record touched later must not move lastSeenAt back.
        if (op.event.type === 'touch' && record.lastSeenAt > op.event.now) break;
        const next = step(record, op.event);
        // A step returns a new record; its buckets are the ones given, or new empty ones.
        record = next.record;
        state = next.state;
        effects.push(...next.effects);
        break;
      }
      case 'label':
        if (op.value === null) delete writable('labels')[op.key];
        else setOwn(writable('labels'), op.key, op.value);
        break;
      default: {
        if (op.bucket === 'user' && record.userId !== op.userId) {
          throw new SessionError(
            'CONFLICT',
            `session ${base.sessionId}: the bound user changed while this request held it; its user-bucket changes were not applied`,
          );
        }
        const next =
          op.kind === 'set'
            ? op.value
            : op.kind === 'delete'
              ? undefined
              : op.fn(cloneOrUndefined(getOwn(record[op.bucket], op.key)));
        if (next === undefined) {
          if (Object.hasOwn(record[op.bucket], op.key)) delete writable(op.bucket)[op.key];
        } else {
          if (op.kind === 'update') assertJson(next, `the result of update('${op.key}')`);
          setOwn(writable(op.bucket), op.key, next);
        }
      }
    }
  }
  return { record, state, effects };
}

/** @internal The bit of each copied part in `applyPatch`. */
const OWNED = { browser: 1, user: 2, labels: 4 } as const;

/** @internal */
function cloneOrUndefined(value: JsonValue | undefined): JsonValue | undefined {
  return value === undefined ? undefined : cloneJson(value);
}
