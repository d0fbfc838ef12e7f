/** The clock-advance command (CK-3, ST-3). @packageDocumentation */
import type { StoreModel } from '../model.js';
import type { StoreCommand } from './command.js';

/** Move the simulated clock forward; the store sees the new time on its next call (ST-3). @internal */
export class AdvanceClockCommand implements StoreCommand {
  /** @param ms - how far to move, in milliseconds. */
  constructor(readonly ms: number) {}

  /** Always applicable. */
  check(): boolean {
    return true;
  }

  /** Step the model's clock; nothing to ask the store. */
  async run(model: StoreModel): Promise<void> {
    model.now += this.ms;
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `advanceClock(+${this.ms}ms)`;
  }
}
