/**
 * ST-3: the store decides expiry against the `now` it is given, exactly at the boundary
 * (`expiresAt - 1` live, `expiresAt` expired), whatever its own clock says.
 *
 * @packageDocumentation
 */

import fc from 'fast-check';
import { writeIdOf } from '../../src/index.js';
import { buildRecord, recordSpecArb, relative, T0, USER_POOL } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** The latest instant a JavaScript `Date` can represent. */
const FAR_FUTURE = 8_640_000_000_000_000;
/** Thirty years before the record's creation. */
const FAR_BEFORE = 30 * 365 * 24 * 3_600_000;

/** ST-3: exact expiry boundaries for read, listByUser, write and purge; far past and future `now`. @internal */
export const expiryRule: Rule = {
  id: 'ST-3',
  title: 'expiry is decided against the given now, exactly at expiresAt',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        fc.constantFrom(...USER_POOL),
        fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 400 * 24 * 3_600_000 })),
        fc.boolean(),
        (spec, userId, lifetime, skewedCreate) =>
          withStore(ctx, async (store) => {
            const record = buildRecord({ ...spec, userId, expiresIn: lifetime }, T0, 1);
            const end = record.expiresAt;
            // A creating clock far ahead must not make the store drop a record that is live at the
            // instants it is later asked about (native TTLs only collect garbage).
            const createdAt = skewedCreate ? end + FAR_BEFORE : T0;
            expect(
              (await store.create(record, createdAt)) === 'ok',
              'ID-4: create on an empty store was refused',
            );
            const at = (now: number) => `${relative(now)} (expiresAt=${relative(end)})`;
            for (const now of [T0 - FAR_BEFORE, T0, end - 1]) {
              const read = await store.read(record.sessionId, now);
              expect(
                jsonEqual(read, record),
                `ST-3: read at ${at(now)} answered ${show(read)}, expected the live record`,
              );
              const listed = (await store.listByUser(userId, now)).records;
              expect(
                Array.isArray(listed) && listed.some((r) => r.sessionId === record.sessionId),
                `ST-3: listByUser at ${at(now)} left out the live record`,
              );
            }
            expect(
              (await store.purgeExpired(end - 1)) === 0,
              `ST-3: purgeExpired at ${at(end - 1)} removed a live record`,
            );
            for (const now of [end, end + 1, FAR_FUTURE]) {
              const read = await store.read(record.sessionId, now);
              expect(
                read === 'expired',
                `ST-3: read at ${at(now)} answered ${show(read)}, expected 'expired'`,
              );
              const listed = (await store.listByUser(userId, now)).records;
              expect(
                Array.isArray(listed) && listed.length === 0,
                `ST-3: listByUser at ${at(now)} answered ${show(listed)}, expected none`,
              );
            }
            const late = buildRecord({ ...spec, userId, expiresIn: lifetime }, end, 2);
            const lateWrite = await store.write(late, writeIdOf(record), end);
            expect(
              lateWrite === 'expired',
              `ST-3: write at ${at(end)} answered ${show(lateWrite)}, expected 'expired'`,
            );
            const intime = buildRecord({ ...spec, userId, expiresIn: lifetime }, end - 1, 2);
            const write = await store.write(intime, writeIdOf(record), end - 1);
            expect(write === 'ok', `ST-3: write at ${at(end - 1)} answered ${show(write)}, expected 'ok'`);
            const newEnd = intime.expiresAt;
            expect(
              (await store.purgeExpired(newEnd - 1)) === 0,
              `ST-3: purgeExpired at ${relative(newEnd - 1)} removed the record written to expire at ${relative(newEnd)}`,
            );
            const purged = await store.purgeExpired(newEnd);
            expect(
              purged === 1,
              `ST-3: purgeExpired at ${relative(newEnd)} (expiresAt) answered ${show(purged)}, expected 1`,
            );
          }),
      ),
    ),
};
