/** The compare-and-set `write` command (CK-3, CC-1, CC-4). @packageDocumentation */
import { WRITE_ID_HISTORY, writeIdOf } from '../../src/index.js';
import { buildRecord, type RecordSpec, relative } from '../arbitraries.js';
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';
import { describeSpec } from './describe.js';

/**
 * The rule a wrong write answer breaks: CC-4 when an absent session was written (re-created), ST-3 when
 * live and expired are confused, CC-1 (compare-and-set) otherwise.
 * @internal
 */
export function writeRule(allowed: readonly string[], actual: unknown): string {
  if (allowed.includes('gone')) return 'CC-4';
  if (allowed.includes('expired') !== (actual === 'expired')) return 'ST-3';
  return 'CC-1';
}

/**
 * Which write id a write is conditioned on (CC-1, store contract 2): the stored record's (`current`),
 * the one it replaced (`previous`, a stale request), or one the store never held (`foreign`, as after a
 * fail-over that lost it). The new record's version is always the stored version plus one, so only the
 * write id tells a right condition from a wrong one.
 * @internal
 */
export type WriteCondition = 'current' | 'previous' | 'foreign';

/**
 * Write `spec` over its session, conditioned on a write id chosen by `condition`. Moves the record
 * between users when `userId` changes.
 * @internal
 */
export class WriteCommand implements StoreCommand {
  /**
   * @param spec - the new content; its `sessionId` names the session written.
   * @param condition - which write id the write names.
   */
  constructor(
    readonly spec: RecordSpec,
    readonly condition: WriteCondition,
  ) {}

  /** Always applicable: gone, expired and conflicting writes are part of what is tested. */
  check(): boolean {
    return true;
  }

  /** Write to the store, step the model, compare the answers (CC-1, CC-4). */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const stored = model.records.get(this.spec.sessionId);
    const ids = stored !== undefined && 'writeIds' in stored ? stored.writeIds : [];
    const expected =
      this.condition === 'current' && stored !== undefined
        ? writeIdOf(stored)
        : this.condition === 'previous' && ids.length > 1
          ? ids[ids.length - 2]!
          : `lost-${this.spec.sessionId}`;
    const record = buildRecord(this.spec, model.now, (stored?.version ?? 1) + 1);
    record.writeIds = [...ids, ...record.writeIds].slice(-WRITE_ID_HISTORY);
    const actual = await real.store.write(record, expected, model.now);
    const allowed = model.write(record, expected, model.now);
    expect(
      (allowed as string[]).includes(actual),
      `${writeRule(allowed, actual)}: ${this} at ${relative(model.now)} answered ${show(actual)}, expected ${allowed.map((a) => `'${a}'`).join(' or ')}`,
    );
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `write(${describeSpec(this.spec)}, condition=${this.condition} write id)`;
  }
}
