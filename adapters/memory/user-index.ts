/**
 * The memory store's user index: per user, the session ids in the order they were filed, readable in
 * pages from a cursor that stays valid while entries come and go.
 *
 * @packageDocumentation
 */

/** One user's entries: ids in filing order with a sequence number each, and each id's number. */
interface Entries {
  /** `[sequence, sessionId]`, sequences strictly increasing. */
  readonly order: [number, string][];
  readonly sequence: Map<string, number>;
}

/** A page of one user's session ids. @internal */
export interface IdPage {
  ids: string[];
  /** The sequence number to continue after, or `null` after the last entry. */
  cursor: string | null;
}

/**
 * Index of session ids by user. Every entry gets the next number of one counter when filed; a page
 * continues after the number its cursor names, found by binary search, so an entry filed before the
 * first page and still present at the last is on exactly one page (CK-6), and a page costs
 * O(log n + limit) plus the removals it makes.
 * @internal
 */
export class UserIndex {
  private readonly users = new Map<string, Entries>();
  private counter = 0;

  /** File `sessionId` under `userId` (no-op when already filed). */
  add(userId: string, sessionId: string): void {
    let entries = this.users.get(userId);
    if (entries === undefined) {
      entries = { order: [], sequence: new Map() };
      this.users.set(userId, entries);
    }
    if (entries.sequence.has(sessionId)) return;
    this.counter += 1;
    entries.order.push([this.counter, sessionId]);
    entries.sequence.set(sessionId, this.counter);
  }

  /** Remove the entry; a user without entries is removed too (ST-5). */
  remove(userId: string, sessionId: string): void {
    const entries = this.users.get(userId);
    const sequence = entries?.sequence.get(sessionId);
    if (entries === undefined || sequence === undefined) return;
    entries.order.splice(firstAfter(entries.order, sequence - 1), 1);
    entries.sequence.delete(sessionId);
    if (entries.sequence.size === 0) this.users.delete(userId);
  }

  /** Every id filed under `userId`, in filing order (a copy). */
  ids(userId: string): string[] {
    return (this.users.get(userId)?.order ?? []).map(([, sessionId]) => sessionId);
  }

  /**
   * Up to `limit` ids filed under `userId` after `cursor`.
   * @throws TypeError when `limit` is not a positive integer or `cursor` not a cursor this index returned.
   */
  page(userId: string, cursor: string | null, limit: number): IdPage {
    if (!(Number.isSafeInteger(limit) && limit > 0)) {
      throw new TypeError(`memory store: a page limit must be a positive integer, not ${String(limit)}`);
    }
    const after = cursor === null ? 0 : Number(cursor);
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new TypeError(`memory store: ${JSON.stringify(cursor)} is not a cursor of this store`);
    }
    const order = this.users.get(userId)?.order ?? [];
    const start = firstAfter(order, after);
    const taken = order.slice(start, start + limit);
    const last = taken[taken.length - 1];
    return {
      ids: taken.map(([, sessionId]) => sessionId),
      cursor: start + limit < order.length && last !== undefined ? String(last[0]) : null,
    };
  }

  /** Every user with entries, and their ids. */
  entries(): [string, string[]][] {
    return [...this.users.keys()].map((userId) => [userId, this.ids(userId)]);
  }
}

/** The index of the first entry whose sequence is greater than `after`. */
function firstAfter(order: readonly [number, string][], after: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (order[middle]![0] <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
