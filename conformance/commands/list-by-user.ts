/** The `listByUser` command (CK-3, LC-9). @packageDocumentation */
import { relative } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import type { StoreModel } from '../model.js';
import { listPages } from '../pages.js';
import { expect } from '../rule.js';
import { afterStep, type RealStore, type StoreCommand } from './command.js';

/**
 * List a user's live sessions, in any order; expired ones are left out (ST-2). With a `limit`, page by
 * page to the last cursor (store contract 2).
 * @internal
 */
export class ListByUserCommand implements StoreCommand {
  /**
   * @param userId - the user.
   * @param limit - the page size, or undefined for one call.
   */
  constructor(
    readonly userId: string,
    readonly limit?: number,
  ) {}

  /** Always applicable. */
  check(): boolean {
    return true;
  }

  /** List from the store and compare with the model as a set of records (JSON equality). */
  async run(model: StoreModel, real: RealStore): Promise<void> {
    const actual = (await listPages(real.store, this.userId, model.now, this.limit)).records;
    const expected = model.listByUser(this.userId, model.now);
    const byId = new Map(expected.map((r) => [r.sessionId, r]));
    const ok =
      Array.isArray(actual) &&
      actual.length === expected.length &&
      new Set(actual.map((r) => r.sessionId)).size === actual.length &&
      actual.every((r) => jsonEqual(r, byId.get(r.sessionId)));
    // A record of the user expiring exactly now is the ST-3 boundary: a wrong list then is an expiry bug.
    const boundary = [...model.records.values()].some(
      (r) => r.userId === this.userId && r.expiresAt === model.now,
    );
    expect(
      ok,
      `${boundary ? 'ST-3' : 'ST-2'}: ${this} at ${relative(model.now)} answered ids ${show(Array.isArray(actual) ? actual.map((r) => r.sessionId) : actual)}, expected ${show(expected.map((r) => r.sessionId))}`,
    );
    await afterStep(model, real, String(this));
  }

  /** @returns the step as a counterexample line. */
  toString(): string {
    return `listByUser(${this.userId}${this.limit === undefined ? '' : `, pages of ${this.limit}`})`;
  }
}
