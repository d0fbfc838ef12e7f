/**
 * The memory store's user index: per user, the session ids in the order they were filed, readable in
 * pages from a cursor that stays valid while entries come and go.
 *
 * @packageDocumentation
 */

/**
 * One user's entries: ids in filing order with a sequence number each, and each id's number. The ids
 * and their numbers are two parallel arrays rather than one array of pairs: a pair is an array of its
 * own per session, several times the size of two slots (memory per session).
 */
interface Entries {
  /** Sequence numbers, strictly increasing. */
  readonly numbers: number[];
  /** The session id filed under each number. */
  readonly ids: string[];
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
      entries = { numbers: [], ids: [], sequence: new Map() };
      this.users.set(userId, entries);
    }
    if (entries.sequence.has(sessionId)) return;
    this.counter += 1;
    entries.numbers.push(this.counter);
    entries.ids.push(sessionId);
    entries.sequence.set(sessionId, this.counter);
  }

  /** Remove the entry; a user without entries is removed too (ST-5). */
  remove(userId: string, sessionId: string): void {
    const entries = this.users.get(userId);
    const sequence = entries?.sequence.get(sessionId);
    if (entries === undefined || sequence === undefined) return;
    const at = firstAfter(entries.numbers, sequence - 1);
    entries.numbers.splice(at, 1);
    entries.ids.splice(at, 1);
    entries.sequence.delete(sessionId);
    if (entries.sequence.size === 0) this.users.delete(userId);
  }

  /** Every id filed under `userId`, in filing order (a copy). */
  ids(userId: string): string[] {
    return [...(this.users.get(userId)?.ids ?? [])];
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
    const entries = this.users.get(userId);
    if (entries === undefined) return { ids: [], cursor: null };
    const start = firstAfter(entries.numbers, after);
    const end = Math.min(start + limit, entries.numbers.length);
    return {
      ids: entries.ids.slice(start, end),
      cursor: end < entries.numbers.length && end > start ? String(entries.numbers[end - 1]) : null,
    };
  }

  /** Every user with entries, and their ids. */
  entries(): [string, string[]][] {
    return [...this.users.keys()].map((userId) => [userId, this.ids(userId)]);
  }
}

/** The index of the first entry whose sequence is greater than `after`. */
function firstAfter(numbers: readonly number[], after: number): number {
  let low = 0;
  let high = numbers.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (numbers[middle]! <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
