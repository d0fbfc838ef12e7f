/**
 * ST-2.pages (store contract 2): listing and deleting a user's sessions in bounded pages answers what one
 * call would, and deletes every session bound before the first step, whatever happens between steps.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { buildRecord, T0 } from '../arbitraries.js';
import { show } from '../json.js';
import { destroyPages, listPages } from '../pages.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

const USER = 'user-paged';

/** One generated case: how many sessions the user has, which expire, the page size, what is kept. */
interface Case {
  sessions: number;
  expired: number[];
  limit: number;
  keep: number[];
}

const caseArb: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 9 }).chain((sessions) =>
  fc.record({
    sessions: fc.constant(sessions),
    expired: fc.uniqueArray(fc.nat(sessions - 1), { maxLength: 2 }),
    limit: fc.integer({ min: 1, max: 4 }),
    keep: fc.uniqueArray(fc.nat(sessions - 1), { maxLength: 2 }),
  }),
);

/** A session of the paged user, alive until `T0 + 10` or already expired at `T0 + 5`. */
function sessionOf(i: number, expired: boolean) {
  const spec = { sessionId: `sid-p${i}`, userId: USER, browser: {}, user: {}, labels: {} };
  return buildRecord({ ...spec, expiresIn: expired ? 5 : 10 }, T0, 1);
}

/** ST-2.pages: pages of `limit` answer every live session; steps delete every one bound before them. @internal */
export const pagesRule: Rule = {
  id: 'ST-2.pages',
  title: 'listByUser and destroyByUser in pages of a limit cover every session bound before the first page',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(caseArb, (paged: Case) => {
        const { sessions, expired, limit, keep } = paged;
        return withStore(ctx, async (store) => {
          const records = Array.from({ length: sessions }, (_, i) => sessionOf(i, expired.includes(i)));
          for (const record of records) {
            expect((await store.create(record, T0)) === 'ok', 'ID-4: create on an empty store was refused');
          }
          const now = T0 + 5;
          const live = records.filter((_, i) => !expired.includes(i)).map((r) => r.sessionId);
          const listed = await listPages(store, USER, now, limit);
          const ids = listed.records.map((r) => r.sessionId).sort();
          expect(
            show(ids) === show([...live].sort()),
            `ST-2.pages: listByUser in pages of ${limit} answered ${show(ids)} in ${listed.pages} pages, expected ${show([...live].sort())}`,
          );
          const except = keep.map((i) => records[i]!.sessionId);
          const deleted = (await destroyPages(store, USER, except, limit)).sort();
          const expected = records
            .map((r) => r.sessionId)
            .filter((id) => !except.includes(id))
            .sort();
          expect(
            show(deleted) === show(expected),
            `ST-2.pages: destroyByUser in steps of ${limit} (except ${show(except)}) deleted ${show(deleted)}, expected ${show(expected)}`,
          );
          for (const record of records) {
            const read = await store.read(record.sessionId, T0);
            const kept = except.includes(record.sessionId);
            expect(
              kept ? read !== null : read === null,
              `ST-2.pages: after destroyByUser in steps, read(${record.sessionId}) answered ${show(read, 80)}`,
            );
          }
          const rest = await listPages(store, USER, T0, limit);
          expect(
            rest.records.length === except.length,
            `ST-2.pages: after destroyByUser in steps, listByUser answered ${show(rest.records.map((r) => r.sessionId))}`,
          );
        });
      }),
    ),
};
