/**
 * CC-1: every write is a compare-and-set on the record version.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { buildRecord, recordSpecArb, T0 } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** CC-1: a stale or future expected version answers `'conflict'` and changes nothing; two writers, one wins. @internal */
export const casRule: Rule = {
  id: 'CC-1',
  title: "write is a compare-and-set on the version: a wrong expected version answers 'conflict'",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        recordSpecArb(),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
        (spec, other, version, delta) =>
          withStore(ctx, async (store) => {
            const stored = buildRecord({ ...spec, expiresIn: 100 }, T0, version);
            expect((await store.create(stored, T0)) === 'ok', 'ID-4: create on an empty store was refused');
            const wrong = buildRecord(
              { ...other, sessionId: stored.sessionId, expiresIn: 100 },
              T0,
              version + delta + 1,
            );
            const conflict = await store.write(wrong, version + delta, T0);
            expect(
              conflict === 'conflict',
              `CC-1: write expecting version ${version + delta} over version ${version} answered ${show(conflict)}, expected 'conflict'`,
            );
            const unchanged = await store.read(stored.sessionId, T0);
            expect(
              jsonEqual(unchanged, stored),
              `CC-1: a conflicting write changed the record to ${show(unchanged)}`,
            );
            // Two writers loaded the same version: the first commits, the second conflicts.
            const a = buildRecord({ ...other, sessionId: stored.sessionId, expiresIn: 100 }, T0, version + 1);
            const b = buildRecord({ ...spec, expiresIn: 50 }, T0, version + 1);
            const first = await store.write(a, version, T0);
            expect(
              first === 'ok',
              `CC-1: write expecting the stored version ${version} answered ${show(first)}`,
            );
            const second = await store.write(b, version, T0);
            expect(
              second === 'conflict',
              `CC-1: second writer expecting version ${version} answered ${show(second)}, expected 'conflict'`,
            );
            const final = await store.read(stored.sessionId, T0);
            expect(
              jsonEqual(final, a),
              `CC-1: after one winner, read answered ${show(final)}, expected the winner's record`,
            );
          }),
      ),
    ),
};
