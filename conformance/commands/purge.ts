/** The `purgeExpired` command (CK-3, ST-2). @packageDocumentation */
import { relative } from '../arbitraries.js';
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/** Purge exactly the records expired at the model's time (ST-2). @internal */
export class PurgeCommand implements StoreCommand {
  /** Always applicable. */
  check(): boolean {
    return true;
  }

  /** Purge in the store, step the model, compare the counts (the next steps see what was removed). */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    // A record expiring exactly now is the ST-3 boundary: a wrong count then is an expiry bug.
    const boundary = [...model.records.values()].some((r) => r.expiresAt === model.now);
    const actual = await real.store.purgeExpired(model.now);
    const expected = model.purgeExpired(model.now);
    expect(
      actual === expected,
      `${boundary ? 'ST-3' : 'ST-2'}: purgeExpired at ${relative(model.now)} answered ${show(actual)}, expected ${expected}`,
    );
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return 'purgeExpired()';
  }
}
