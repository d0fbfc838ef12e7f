/** The `destroyByUser` command (CK-3, LC-9, LC-10). @packageDocumentation */
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/** Destroy every session of a user, live or expired, except those named (ST-2). @internal */
export class DestroyByUserCommand implements StoreCommand {
  /**
   * @param userId - the user.
   * @param except - session ids to keep.
   */
  constructor(
    readonly userId: string,
    readonly except: readonly string[],
  ) {}

  /** Always applicable. */
  check(): boolean {
    return true;
  }

  /** Destroy in the store, step the model, compare the deleted ids as sets. */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const actual = await real.store.destroyByUser(this.userId, this.except);
    const expected = model.destroyByUser(this.userId, this.except);
    const ok = Array.isArray(actual) && show([...actual].sort()) === show([...expected].sort());
    expect(ok, `ST-2: ${this} answered ${show(actual)}, expected ${show(expected.sort())}`);
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `destroyByUser(${this.userId}, except=${show(this.except)})`;
  }
}
