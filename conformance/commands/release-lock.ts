/** The lock `release` command (CK-3, CC-5). @packageDocumentation */
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import type { RealStore, StoreCommand } from './command.js';

/** Release a lock; only its holder can (CC-5). @internal */
export class ReleaseLockCommand implements StoreCommand {
  /**
   * @param name - the lock.
   * @param owner - the owner token presented.
   */
  constructor(
    readonly name: string,
    readonly owner: string,
  ) {}

  /** Always applicable: a release by a non-owner is part of what is tested. */
  check(): boolean {
    return true;
  }

  /** Release in the store, step the model, compare. */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const locks = real.store.locks;
    if (locks === undefined) throw new TypeError('ReleaseLockCommand needs store.locks');
    const actual = await locks.release(this.name, this.owner);
    const allowed = model.release(this.name, this.owner);
    expect(
      allowed.includes(actual),
      `CC-5: ${this} answered ${show(actual)}, expected ${allowed.join(' or ')}`,
    );
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `locks.release(${this.name}, ${this.owner})`;
  }
}
