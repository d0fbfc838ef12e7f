/** The lock `acquire` command (CK-3, CC-5). @packageDocumentation */
import { relative } from '../arbitraries.js';
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import type { RealStore, StoreCommand } from './command.js';

/** Take a lock for an owner with a TTL; refused while another owner's TTL runs (CC-5). @internal */
export class AcquireLockCommand implements StoreCommand {
  /**
   * @param name - the lock.
   * @param owner - the owner token.
   * @param ttlMs - how long the lock is held.
   */
  constructor(
    readonly name: string,
    readonly owner: string,
    readonly ttlMs: number,
  ) {}

  /** The contract does not say what re-acquiring a lock one still holds does, so that is not generated. */
  check(model: Readonly<StoreModel>): boolean {
    return !model.holdsLive(this.name, this.owner, model.now);
  }

  /** Acquire in the store, step the model, compare. */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const locks = real.store.locks;
    if (locks === undefined) throw new TypeError('AcquireLockCommand needs store.locks');
    const actual = await locks.acquire(this.name, this.owner, this.ttlMs, model.now);
    const expected = model.acquire(this.name, this.owner, this.ttlMs, model.now);
    expect(
      actual === expected,
      `CC-5: ${this} at ${relative(model.now)} answered ${show(actual)}, expected ${expected}`,
    );
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `locks.acquire(${this.name}, ${this.owner}, ttl=${this.ttlMs})`;
  }
}
