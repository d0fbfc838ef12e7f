/** The `read` command (CK-3, ST-2, ST-3). @packageDocumentation */
import { relative } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/** Read one session at the model's time: the record, `'expired'` or `null` (ST-2, ST-3). @internal */
export class ReadCommand implements StoreCommand {
  /** @param sessionId - the session to read. */
  constructor(readonly sessionId: string) {}

  /** Always applicable: absent and expired ids are part of what is tested. */
  check(): boolean {
    return true;
  }

  /** Read from the store and compare with the model (JSON equality, ST-6). */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const actual = await real.store.read(this.sessionId, model.now);
    const expected = model.read(this.sessionId, model.now);
    const ok =
      typeof expected === 'object' && expected !== null ? jsonEqual(actual, expected) : actual === expected;
    expect(
      ok,
      `ST-2: ${this} at ${relative(model.now)} answered ${show(actual)}, expected ${show(expected)}`,
    );
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `read(${this.sessionId})`;
  }
}
