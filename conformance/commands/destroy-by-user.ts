/** The `destroyByUser` command (CK-3, LC-9, LC-10). @packageDocumentation */
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { destroyPages } from '../pages.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/** Destroy every session of a user, live or expired, except those named (ST-2). @internal */
export class DestroyByUserCommand implements StoreCommand {
  /**
   * @param userId - the user.
   * @param except - session ids to keep.
   * @param limit - the step size, or undefined for one call (store contract 2).
   */
  constructor(
    readonly userId: string,
    readonly except: readonly string[],
    readonly limit?: number,
  ) {}

  /** Always applicable. */
  check(): boolean {
    return true;
  }

  /** Destroy in the store, step the model, compare the deleted ids as sets. */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const actual = await destroyPages(real.store, this.userId, this.except, this.limit);
    const expected = model.destroyByUser(this.userId, this.except);
    const ok = Array.isArray(actual) && show([...actual].sort()) === show([...expected].sort());
    expect(ok, `ST-2: ${this} answered ${show(actual)}, expected ${show(expected.sort())}`);
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    const steps = this.limit === undefined ? '' : `, steps of ${this.limit}`;
    return `destroyByUser(${this.userId}, except=${show(this.except)}${steps})`;
  }
}
