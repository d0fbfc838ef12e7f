/**
 * CK-8: each run uses its own namespace, namespaces do not see each other, and cleaning up leaves
 * nothing behind.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { SESSION_POOL, T0, USER_POOL } from '../arbitraries.js';
import { show } from '../json.js';
import { StoreModel } from '../model.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { expectReadsMatch, seedWorld, worldArb } from './world.js';

/** CK-8.isolation: what one namespace stores, another neither sees nor deletes. @internal */
export const isolationRule: Rule = {
  id: 'CK-8.isolation',
  title: "two namespaces of the same store do not see or delete each other's sessions",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(worldArb, async (world) => {
        const a = await ctx.open();
        const b = await ctx.open();
        try {
          const model = new StoreModel(T0);
          await seedWorld(a.store, model, world);
          for (const id of SESSION_POOL) {
            const read = await b.store.read(id, T0);
            expect(
              read === null,
              `CK-8: namespace ${b.namespace} reads ${id} of namespace ${a.namespace}: ${show(read)}`,
            );
            expect(
              (await b.store.destroy(id)) === false,
              `CK-8: namespace ${b.namespace} destroyed ${id} of another namespace`,
            );
          }
          for (const userId of USER_POOL) {
            const listed = (await b.store.listByUser(userId, T0)).records;
            expect(
              Array.isArray(listed) && listed.length === 0,
              `CK-8: another namespace lists ${show(listed)} for ${userId}`,
            );
            const destroyed = (await b.store.destroyByUser(userId, [])).deleted;
            expect(
              Array.isArray(destroyed) && destroyed.length === 0,
              `CK-8: another namespace destroyed ${show(destroyed)}`,
            );
          }
          const purged = await b.store.purgeExpired(Number.MAX_SAFE_INTEGER);
          expect(purged === 0, `CK-8: purgeExpired in another namespace removed ${show(purged)} records`);
          await expectReadsMatch(a.store, model, SESSION_POOL, T0, 'calls in another namespace');
        } finally {
          await b.dispose();
          await a.dispose();
        }
      }),
    ),
};

/** CK-8.teardown: after the kit deletes what it stored and releases its locks, inspection shows nothing. @internal */
export const teardownRule: Rule = {
  id: 'CK-8.teardown',
  title: 'after destroy, purge and lock release, the namespace holds nothing',
  requires: ['inspection'],
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(worldArb, fc.boolean(), async (world, purgeOnly) => {
        const opened = await ctx.open();
        try {
          const { store } = opened;
          const model = new StoreModel(T0);
          await seedWorld(store, model, world);
          const locks = ctx.supports.locks ? store.locks : undefined;
          if (locks !== undefined) await locks.acquire('teardown', 'kit', 1000, T0);
          if (!purgeOnly) for (const spec of world.specs) await store.destroy(spec.sessionId);
          await store.purgeExpired(Number.MAX_SAFE_INTEGER);
          if (locks !== undefined) await locks.release('teardown', 'kit');
          const contents = await store.inspection!.contents();
          const leftovers = Object.entries(contents.userIndex).filter(([, ids]) => ids.length > 0);
          expect(
            contents.records.length === 0 &&
              leftovers.length === 0 &&
              contents.locks === 0 &&
              contents.keys.length === 0,
            `CK-8: after ${purgeOnly ? 'purgeExpired' : 'destroy of every session and purgeExpired'} and releasing the locks, the namespace still holds ${show(contents, 600)}`,
          );
        } finally {
          await opened.dispose();
        }
      }),
    ),
};
