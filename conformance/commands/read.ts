/** The `read` command (CK-3, ST-2, ST-3). @packageDocumentation */
import { relative } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import type { StoreModel } from '../model.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/**
 * The rule a wrong read breaks: ST-3 when live and expired are confused (expiry decided against the
 * wrong time), ST-6 when the record is there but its payload changed, ST-2 otherwise.
 * @internal
 */
export function readRule(expected: unknown, actual: unknown): string {
  const isRecord = (v: unknown) => typeof v === 'object' && v !== null;
  if ((expected === 'expired' && isRecord(actual)) || (actual === 'expired' && isRecord(expected)))
    return 'ST-3';
  if (isRecord(expected) && isRecord(actual)) {
    const { browser: _b, user: _u, labels: _l, ...rest } = expected as Record<string, unknown>;
    const { browser: _b2, user: _u2, labels: _l2, ...actualRest } = actual as Record<string, unknown>;
    return jsonEqual(rest, actualRest) ? 'ST-6' : 'ST-2';
  }
  return 'ST-2';
}

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
      `${readRule(expected, actual)}: ${this} at ${relative(model.now)} answered ${show(actual)}, expected ${show(expected)}`,
    );
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `read(${this.sessionId})`;
  }
}
