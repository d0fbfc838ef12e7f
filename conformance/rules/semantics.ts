/**
 * ST-2: what each core operation answers for live, expired and absent sessions.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { writeIdOf } from '../../src/index.js';
import { buildRecord, relative, SESSION_POOL, T0, USER_POOL } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { expectReadsMatch, seedWorld, withStore, worldArb } from './world.js';

/** ST-2.read: live record, `'expired'` at or after `expiresAt`, `null` when absent. @internal */
export const readRule: Rule = {
  id: 'ST-2.read',
  title: 'read distinguishes live, expired and absent sessions',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(worldArb, (world) =>
        withStore(ctx, async (store, model) => {
          await seedWorld(store, model, world);
          await expectReadsMatch(
            store,
            model,
            SESSION_POOL,
            T0 + world.elapsed,
            `the creates, at ${relative(T0 + world.elapsed)}`,
          );
        }),
      ),
    ),
};

/** ST-2.write: compare-and-set answers `ok`, `conflict`, `expired` or `gone`, and only `ok` changes anything. @internal */
export const writeRule: Rule = {
  id: 'ST-2.write',
  title: "write answers 'ok', 'conflict', 'expired' or 'gone' and only 'ok' changes the record",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        worldArb,
        fc.constantFrom(...SESSION_POOL),
        fc.constantFrom(true, true, false),
        fc.option(fc.constantFrom(...USER_POOL), { nil: null }),
        (world, sessionId, current, userId) =>
          withStore(ctx, async (store, model) => {
            await seedWorld(store, model, world);
            const now = T0 + world.elapsed;
            const stored = model.records.get(sessionId);
            // CC-1: the stored write id, or one the store never held.
            const expected = current && stored !== undefined ? writeIdOf(stored) : 'w-never-stored';
            const spec = { ...world.specs[0]!, sessionId, userId, expiresIn: 30 };
            const record = buildRecord(spec, now, (stored?.version ?? 1) + 1);
            const actual = await store.write(record, expected, now);
            const allowed = model.write(record, expected, now);
            expect(
              (allowed as string[]).includes(actual),
              `ST-2: write(${sessionId}, expected=${current ? 'stored' : 'another'} write id) at ${relative(now)} answered ${show(actual)}, expected ${show(allowed)}`,
            );
            await expectReadsMatch(
              store,
              model,
              SESSION_POOL,
              now,
              `write(${sessionId}) answered ${show(actual)}`,
            );
          }),
      ),
    ),
};

/** ST-2.destroy: `true` for a stored record (live or expired), then `false`: idempotent. @internal */
export const destroyRule: Rule = {
  id: 'ST-2.destroy',
  title: 'destroy deletes live and expired records and is idempotent',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(worldArb, fc.constantFrom(...SESSION_POOL), (world, sessionId) =>
        withStore(ctx, async (store, model) => {
          await seedWorld(store, model, world);
          const now = T0 + world.elapsed;
          for (const attempt of ['first', 'second']) {
            const actual = await store.destroy(sessionId);
            const expected = model.destroy(sessionId);
            expect(
              actual === expected,
              `ST-2: ${attempt} destroy(${sessionId}) answered ${show(actual)}, expected ${expected}`,
            );
          }
          await expectReadsMatch(store, model, SESSION_POOL, now, `destroy(${sessionId})`);
        }),
      ),
    ),
};

/** ST-2.list: exactly the user's live sessions. @internal */
export const listRule: Rule = {
  id: 'ST-2.list',
  title: "listByUser returns exactly the user's live sessions",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(worldArb, (world) =>
        withStore(ctx, async (store, model) => {
          await seedWorld(store, model, world);
          const now = T0 + world.elapsed;
          for (const userId of USER_POOL) {
            const actual = (await store.listByUser(userId, now)).records;
            const expected = model.listByUser(userId, now);
            const byId = new Map(expected.map((r) => [r.sessionId, r]));
            const ok =
              Array.isArray(actual) &&
              actual.length === expected.length &&
              actual.every((r) => jsonEqual(r, byId.get(r.sessionId)));
            expect(
              ok,
              `ST-2: listByUser(${userId}) at ${relative(now)} answered ${show(Array.isArray(actual) ? actual.map((r) => r.sessionId) : actual)}, expected ${show([...byId.keys()])}`,
            );
          }
        }),
      ),
    ),
};

/** ST-2.destroy-by-user: every session of the user, live or expired, except those named; no other. @internal */
export const destroyByUserRule: Rule = {
  id: 'ST-2.destroy-by-user',
  title: "destroyByUser deletes exactly the user's sessions except those named",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        worldArb,
        fc.constantFrom(...USER_POOL),
        fc.subarray([...SESSION_POOL], { maxLength: 2 }),
        (world, userId, except) =>
          withStore(ctx, async (store, model) => {
            await seedWorld(store, model, world);
            const now = T0 + world.elapsed;
            const actual = (await store.destroyByUser(userId, except)).deleted;
            const expected = model.destroyByUser(userId, except);
            expect(
              Array.isArray(actual) && show([...actual].sort()) === show([...expected].sort()),
              `ST-2: destroyByUser(${userId}, except=${show(except)}) answered ${show(actual)}, expected ${show(expected)}`,
            );
            await expectReadsMatch(store, model, SESSION_POOL, now, `destroyByUser(${userId})`);
          }),
      ),
    ),
};

/** ST-2.purge: exactly the records expired at `now`, no live one. @internal */
export const purgeRule: Rule = {
  id: 'ST-2.purge',
  title: 'purgeExpired removes exactly the records expired at now',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(worldArb, (world) =>
        withStore(ctx, async (store, model) => {
          await seedWorld(store, model, world);
          const now = T0 + world.elapsed;
          const actual = await store.purgeExpired(now);
          const expected = model.purgeExpired(now);
          expect(
            actual === expected,
            `ST-2: purgeExpired at ${relative(now)} answered ${show(actual)}, expected ${expected}`,
          );
          await expectReadsMatch(store, model, SESSION_POOL, now, `purgeExpired at ${relative(now)}`);
        }),
      ),
    ),
};

/** The ST-2 rules, in report order. @internal */
export const semanticsRules: readonly Rule[] = [
  readRule,
  writeRule,
  destroyRule,
  listRule,
  destroyByUserRule,
  purgeRule,
];
