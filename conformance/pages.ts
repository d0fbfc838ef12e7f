/**
 * Following the cursors of the paged per-user operations to the end (store contract 2), for the rules
 * and commands that compare a whole listing or deletion with the model.
 *
 * @packageDocumentation
 */
import type { SessionRecord, SessionStore } from '../src/index.js';
import { show } from './json.js';
import { expect } from './rule.js';

/** More pages than this for a handful of sessions means the cursor does not advance. */
const MAX_PAGES = 100;

/**
 * Every live record of the user, following `listByUser` pages of `limit` (one call when absent).
 * @returns the records (a record answered on two pages kept once) and how many pages were read.
 * @throws Violation when a page is malformed or the cursor never ends.
 * @internal
 */
export async function listPages(
  store: SessionStore,
  userId: string,
  now: number,
  limit?: number,
): Promise<{ records: SessionRecord[]; pages: number }> {
  const found = new Map<string, SessionRecord>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await store.listByUser(userId, now, limit === undefined ? undefined : { limit, cursor });
    pages += 1;
    expect(
      Array.isArray(page?.records) && (page.cursor === null || typeof page.cursor === 'string'),
      `ST-2: listByUser(${userId}) answered ${show(page, 200)}, expected { records: [...], cursor }`,
    );
    expect(
      limit !== undefined || page.cursor === null,
      `ST-2: listByUser(${userId}) without a limit answered a cursor ${show(page.cursor)}, expected null`,
    );
    for (const record of page.records) found.set(record.sessionId, record);
    cursor = page.cursor;
    expect(
      pages <= MAX_PAGES,
      `ST-2.pages: listByUser(${userId}, limit ${limit}) never reached the last page`,
    );
  } while (cursor !== null);
  return { records: [...found.values()], pages };
}

/**
 * Delete the user's sessions except `except`, following `destroyByUser` steps of `limit` (one call
 * when absent).
 * @returns every id deleted, each once.
 * @throws Violation when a step is malformed or the cursor never ends.
 * @internal
 */
export async function destroyPages(
  store: SessionStore,
  userId: string,
  except: readonly string[],
  limit?: number,
): Promise<string[]> {
  const deleted = new Set<string>();
  let cursor: string | null = null;
  let steps = 0;
  do {
    const step = await store.destroyByUser(
      userId,
      except,
      limit === undefined ? undefined : { limit, cursor },
    );
    steps += 1;
    expect(
      Array.isArray(step?.deleted) && (step.cursor === null || typeof step.cursor === 'string'),
      `ST-2: destroyByUser(${userId}) answered ${show(step, 200)}, expected { deleted: [...], cursor }`,
    );
    expect(
      limit !== undefined || step.cursor === null,
      `ST-2: destroyByUser(${userId}) without a limit answered a cursor ${show(step.cursor)}, expected null`,
    );
    for (const id of step.deleted) deleted.add(id);
    cursor = step.cursor;
    expect(
      steps <= MAX_PAGES,
      `ST-2.pages: destroyByUser(${userId}, limit ${limit}) never reached the last step`,
    );
  } while (cursor !== null);
  return [...deleted];
}
