/**
 * ST-7: a record of the previous format is stored and read back unchanged, so the manager can upgrade
 * it on its next write.
 *
 * @packageDocumentation
 */

import fc from 'fast-check';
import type { SessionRecord, SessionRecordV1 } from '../../src/index.js';
import { writeIdOf } from '../../src/index.js';
import { buildRecord, recordSpecArb, T0, USER_POOL } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** ST-7: a format-1 record reads back as format 1 and is replaced by a format-2 write. @internal */
export const formatRule: Rule = {
  id: 'ST-7',
  title: 'a previous-format record is read back unchanged and upgraded by a write',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(recordSpecArb(), fc.constantFrom(...USER_POOL), (spec, userId) =>
        withStore(ctx, async (store) => {
          const current = buildRecord({ ...spec, userId, expiresIn: 1000 }, T0, 1);
          const { freshUntil: _f, labels: _l, writeIds: _w, ...rest } = current;
          const v1: SessionRecordV1 = { ...rest, format: 1 };
          // A record written by the previous release of sessionspec: the store holds it as it was.
          const created = await store.create(v1 as unknown as SessionRecord, T0);
          expect(created === 'ok', `ST-7: create of a format-1 record answered ${show(created)}`);
          const read = await store.read(v1.sessionId, T0);
          expect(
            jsonEqual(read, v1),
            `ST-7: read of a format-1 record answered ${show(read, 600)}, expected ${show(v1, 600)}`,
          );
          const listed = (await store.listByUser(userId, T0)).records;
          expect(
            Array.isArray(listed) && listed.length === 1 && jsonEqual(listed[0], v1),
            `ST-7: listByUser answered ${show(listed, 600)}, expected the format-1 record`,
          );
          const upgraded: SessionRecord = { ...current, version: 2 };
          const written = await store.write(upgraded, writeIdOf(v1), T0);
          expect(written === 'ok', `ST-7: upgrading write over a format-1 record answered ${show(written)}`);
          const after = await store.read(v1.sessionId, T0);
          expect(jsonEqual(after, upgraded), `ST-7: read after the upgrade answered ${show(after, 600)}`);
        }),
      ),
    ),
};
