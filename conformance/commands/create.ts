/** The `create` command (CK-3, ID-4). @packageDocumentation */
import { buildRecord, type RecordSpec } from '../arbitraries.js';
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';
import { describeSpec } from './describe.js';

/** Insert a version-1 record made from `spec` at the model's time; `'exists'` on a collision (ID-4). @internal */
export class CreateCommand implements StoreCommand {
  /** @param spec - the record to insert. */
  constructor(readonly spec: RecordSpec) {}

  /** Always applicable: a collision is part of what is tested. */
  check(): boolean {
    return true;
  }

  /** Create in the store, step the model, compare the answers. */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const record = buildRecord(this.spec, model.now, 1);
    const actual = await real.store.create(record, model.now);
    const expected = model.create(record);
    expect(actual === expected, `ID-4: ${this} answered ${show(actual)}, expected '${expected}'`);
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `create(${describeSpec(this.spec)})`;
  }
}
