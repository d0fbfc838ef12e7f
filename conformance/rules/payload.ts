/**
 * ST-6: payloads round-trip as JSON does, hostile keys kept as plain data, no prototype pollution.
 *
 * @packageDocumentation
 */

import fc from 'fast-check';
import { writeIdOf } from '../../src/index.js';
import { bucketArb, buildRecord, recordSpecArb, T0, USER_POOL } from '../arbitraries.js';
import { jsonEqual, jsonRoundTrip, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** ST-6: create, write, read and list keep buckets and labels JSON-equal. @internal */
export const payloadRule: Rule = {
  id: 'ST-6',
  title: 'payloads round-trip as JSON, with __proto__ and constructor keys kept as data',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        fc.constantFrom(...USER_POOL),
        bucketArb(6, 4),
        bucketArb(6, 4),
        bucketArb(6, 4),
        (spec, userId, browser, user, later) =>
          withStore(ctx, async (store) => {
            const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();
            const record = buildRecord({ ...spec, userId, browser, user, expiresIn: 1000 }, T0, 1);
            const expected = jsonRoundTrip(record);
            expect((await store.create(record, T0)) === 'ok', 'ID-4: create on an empty store was refused');
            const read = await store.read(record.sessionId, T0);
            expect(
              jsonEqual(read, expected),
              `ST-6: read after create answered ${show(read, 600)}, expected ${show(expected, 600)}`,
            );
            const listed = (await store.listByUser(userId, T0)).records;
            expect(
              Array.isArray(listed) && listed.length === 1 && jsonEqual(listed[0], expected),
              `ST-6: listByUser answered ${show(listed, 600)}, expected [${show(expected, 600)}]`,
            );
            const next = buildRecord(
              { ...spec, userId, browser: later, user: browser, expiresIn: 1000 },
              T0,
              2,
            );
            expect(
              (await store.write(next, writeIdOf(record), T0)) === 'ok',
              'CC-1: write with the stored write id was refused',
            );
            const reread = await store.read(record.sessionId, T0);
            const expectedNext = jsonRoundTrip(next);
            expect(
              jsonEqual(reread, expectedNext),
              `ST-6: read after write answered ${show(reread, 600)}, expected ${show(expectedNext, 600)}`,
            );
            expect(
              Object.getOwnPropertyNames(Object.prototype).join() === prototypeKeys &&
                (Object.prototype as Record<string, unknown>).polluted === undefined,
              'ST-6: storing a payload changed Object.prototype (prototype pollution)',
            );
          }),
      ),
    ),
};
