/**
 * CC-4: a write against an ended session answers `'gone'` and never re-creates it.
 *
 * @packageDocumentation
 */

import fc from 'fast-check';
import { writeIdOf } from '../../src/index.js';
import { buildRecord, recordSpecArb, T0, USER_POOL } from '../arbitraries.js';
import { show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

type Ending = 'destroy' | 'destroyByUser' | 'purgeExpired' | 'never created';

/** CC-4: after every kind of ending, a write with the last version answers `'gone'` and nothing comes back. @internal */
export const goneRule: Rule = {
  id: 'CC-4',
  title: "a write after the session ended answers 'gone' and never resurrects it",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        fc.constantFrom(...USER_POOL),
        fc.constantFrom<Ending>('destroy', 'destroyByUser', 'purgeExpired', 'never created'),
        (spec, userId, ending) =>
          withStore(ctx, async (store) => {
            const record = buildRecord({ ...spec, userId, expiresIn: 10 }, T0, 1);
            const id = record.sessionId;
            if (ending !== 'never created') {
              expect((await store.create(record, T0)) === 'ok', 'ID-4: create on an empty store was refused');
            }
            if (ending === 'destroy') await store.destroy(id);
            if (ending === 'destroyByUser') await store.destroyByUser(userId, []);
            if (ending === 'purgeExpired') await store.purgeExpired(record.expiresAt);
            // The in-flight save was computed before the ending, at a time the session was live.
            const save = buildRecord({ ...spec, userId, expiresIn: 100 }, T0 + 1, 2);
            const result = await store.write(save, writeIdOf(record), T0 + 1);
            expect(
              result === 'gone',
              `CC-4: write after ${ending} answered ${show(result)}, expected 'gone'`,
            );
            const read = await store.read(id, T0 + 1);
            expect(
              read === null,
              `CC-4: after ${ending} and a refused write, read answered ${show(read)}, expected null`,
            );
            const listed = (await store.listByUser(userId, T0 + 1)).records;
            expect(
              Array.isArray(listed) && listed.length === 0,
              `CC-4: after ${ending} and a refused write, listByUser answered ${show(listed)}`,
            );
          }),
      ),
    ),
};
