/**
 * ID-4: create is an atomic insert-if-absent that never overwrites, live or expired.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { buildRecord, recordSpecArb, relative, T0, USER_POOL } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** ID-4: a second create with the same id answers `'exists'` and changes nothing. @internal */
export const createRule: Rule = {
  id: 'ID-4',
  title: "create never overwrites: a second create of an id answers 'exists'",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        recordSpecArb(),
        fc.constantFrom(...USER_POOL),
        fc.constantFrom(...USER_POOL),
        fc.integer({ min: 0, max: 20 }),
        (first, second, userA, userB, elapsed) =>
          withStore(ctx, async (store) => {
            const original = buildRecord(
              { ...first, userId: userA, expiresIn: Math.max(first.expiresIn, 1) },
              T0,
              1,
            );
            const now = T0 + elapsed;
            const intruder = buildRecord(
              { ...second, sessionId: original.sessionId, userId: userB, expiresIn: 100 },
              now,
              7,
            );
            expect((await store.create(original, T0)) === 'ok', 'ID-4: create on an empty store was refused');
            const again = await store.create(intruder, now);
            expect(
              again === 'exists',
              `ID-4: second create of ${original.sessionId} at ${relative(now)} (first expires ${relative(original.expiresAt)}) answered ${show(again)}, expected 'exists'`,
            );
            const read = await store.read(original.sessionId, T0);
            expect(
              jsonEqual(read, original),
              `ID-4: after a refused create, read answered ${show(read)}, expected the original`,
            );
            if (userB !== userA) {
              const listed = (await store.listByUser(userB, T0)).records;
              expect(
                Array.isArray(listed) && listed.length === 0,
                `ID-4: after a refused create, listByUser(${userB}) answered ${show(listed)}`,
              );
            }
          }),
      ),
    ),
};
