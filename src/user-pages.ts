/**
 * Bounded per-user operations: listing and deleting a user's sessions one store page at a time, so no
 * single store call grows with the number of sessions a user has (store contract 2).
 *
 * @packageDocumentation
 */
import type { SessionRecord, SessionStore, UserPage, UserStep } from '../spec/index.js';

/** How many index entries one per-user store call covers, unless the manager is told otherwise. @internal */
export const USER_PAGE = 500;

/** Runs one store call with the manager's timeout and error mapping (SEC-2). @internal */
export type StoreCaller = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/**
 * Every live session of a user (LC-9), page by page; a session answered twice is kept once.
 * @param call - the manager's store caller.
 * @param store - the store.
 * @param userId - the user.
 * @param now - the time every page is read at.
 * @param limit - the page size.
 * @returns the records.
 * @internal
 */
export async function listAllByUser(
  call: StoreCaller,
  store: SessionStore,
  userId: string,
  now: number,
  limit: number = USER_PAGE,
): Promise<SessionRecord[]> {
  const found = new Map<string, SessionRecord>();
  let cursor: string | null = null;
  do {
    const from: string | null = cursor;
    const page: UserPage = await call('listByUser', () =>
      store.listByUser(userId, now, { limit, cursor: from }),
    );
    for (const record of page.records) found.set(record.sessionId, record);
    cursor = page.cursor;
  } while (cursor !== null);
  return [...found.values()];
}

/**
 * Delete every session of a user except `except` (LC-9, LC-10) in bounded steps. Every session bound to
 * the user before the first step is deleted (CK-6).
 * @param call - the manager's store caller.
 * @param store - the store.
 * @param userId - the user.
 * @param except - the session ids to keep.
 * @param onDeleted - called with the ids each step deleted, as soon as it returns.
 * @param limit - the step size.
 * @returns every id deleted.
 * @internal
 */
export async function destroyAllByUser(
  call: StoreCaller,
  store: SessionStore,
  userId: string,
  except: readonly string[],
  onDeleted: (ids: readonly string[]) => void = () => {},
  limit: number = USER_PAGE,
): Promise<string[]> {
  const deleted: string[] = [];
  let cursor: string | null = null;
  do {
    const from: string | null = cursor;
    const step: UserStep = await call('destroyByUser', () =>
      store.destroyByUser(userId, except, { limit, cursor: from }),
    );
    deleted.push(...step.deleted);
    onDeleted(step.deleted);
    cursor = step.cursor;
  } while (cursor !== null);
  return deleted;
}
