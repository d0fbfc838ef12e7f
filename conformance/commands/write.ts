/** The compare-and-set `write` command (CK-3, CC-1, CC-4). @packageDocumentation */
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
 * Write `spec` over its session, expecting the stored version plus `versionDelta` (0: the right
 * version; otherwise a stale or future one). Moves the record between users when `userId` changes.
 * @internal
 */
export class WriteCommand implements StoreCommand {
  /**
   * @param spec - the new content; its `sessionId` names the session written.
   * @param versionDelta - added to the stored version to make `expectedVersion`.
   */
  constructor(
    readonly spec: RecordSpec,
    readonly versionDelta: number,
  ) {}

  /** Always applicable: gone, expired and conflicting writes are part of what is tested. */
  check(): boolean {
    return true;
  }

  /** Write to the store, step the model, compare the answers (CC-1, CC-4). */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const expectedVersion = (model.records.get(this.spec.sessionId)?.version ?? 1) + this.versionDelta;
    const record = buildRecord(this.spec, model.now, expectedVersion + 1);
    const actual = await real.store.write(record, expectedVersion, model.now);
    const allowed = model.write(record, expectedVersion, model.now);
    expect(
      (allowed as string[]).includes(actual),
      `${writeRule(allowed, actual)}: ${this} (expectedVersion ${expectedVersion}) at ${relative(model.now)} answered ${show(actual)}, expected ${allowed.map((a) => `'${a}'`).join(' or ')}`,
    );
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    const version =
      this.versionDelta === 0 ? 'current' : `current${this.versionDelta > 0 ? '+' : ''}${this.versionDelta}`;
    return `write(${describeSpec(this.spec)}, expectedVersion=${version})`;
  }
}
