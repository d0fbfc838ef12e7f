/**
 * ST-7: a record of a previous format (1 or 2) is stored and read back unchanged, so the manager can
 * upgrade it on its next write.
 *
 * @packageDocumentation
 */

import fc from 'fast-check';
import type { SessionRecord, SessionRecordV1, SessionRecordV2 } from '../../src/index.js';
import { writeIdOf } from '../../src/index.js';
import { buildRecord, recordSpecArb, T0, USER_POOL } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** The record as the release that wrote format `format` stored it. @internal */
function previousFormat(current: SessionRecord, format: 1 | 2): SessionRecordV1 | SessionRecordV2 {
  const { previousReason: _p, retired: _r, ...v2 } = current;
  if (format === 2) return { ...v2, format: 2 };
  const { freshUntil: _f, labels: _l, writeIds: _w, ...v1 } = v2;
  return { ...v1, format: 1 };
}

/** ST-7: a format-1 or format-2 record reads back as it was and is replaced by a current-format write. @internal */
export const formatRule: Rule = {
  id: 'ST-7',
  title: 'a previous-format record is read back unchanged and upgraded by a write',
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        fc.constantFrom(...USER_POOL),
        fc.constantFrom(1 as const, 2 as const),
        (spec, userId, format) =>
          withStore(ctx, async (store) => {
            const current = buildRecord({ ...spec, userId, expiresIn: 1000 }, T0, 1);
            const old = previousFormat(current, format);
            // A record written by a previous release of sessionspec: the store holds it as it was.
            const created = await store.create(old as unknown as SessionRecord, T0);
            expect(created === 'ok', `ST-7: create of a format-${format} record answered ${show(created)}`);
            const read = await store.read(old.sessionId, T0);
            expect(
              jsonEqual(read, old),
              `ST-7: read of a format-${format} record answered ${show(read, 600)}, expected ${show(old, 600)}`,
            );
            const listed = (await store.listByUser(userId, T0)).records;
            expect(
              Array.isArray(listed) && listed.length === 1 && jsonEqual(listed[0], old),
              `ST-7: listByUser answered ${show(listed, 600)}, expected the format-${format} record`,
            );
            const upgraded: SessionRecord = { ...current, version: 2 };
            const written = await store.write(upgraded, writeIdOf(old), T0);
            expect(
              written === 'ok',
              `ST-7: upgrading write over a format-${format} record answered ${show(written)}`,
            );
            const after = await store.read(old.sessionId, T0);
            expect(jsonEqual(after, upgraded), `ST-7: read after the upgrade answered ${show(after, 600)}`);
          }),
      ),
    ),
};
