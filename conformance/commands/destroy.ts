/** The `destroy` command (CK-3, LC-6). @packageDocumentation */
import { show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/** Destroy one session, idempotently; `true` when a record (live or expired) was deleted (ST-2). @internal */
export class DestroyCommand implements StoreCommand {
  /** @param sessionId - the session to destroy. */
  constructor(readonly sessionId: string) {}

  /** Always applicable: destroying an absent session is part of what is tested. */
  check(): boolean {
    return true;
  }

  /** Destroy in the store, step the model, compare the answers. */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const actual = await real.store.destroy(this.sessionId);
    const expected = model.destroy(this.sessionId);
    expect(actual === expected, `ST-2: ${this} answered ${show(actual)}, expected ${expected}`);
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `destroy(${this.sessionId})`;
  }
}
