/**
 * CC-1: every write is a compare-and-set on the write id of the stored record (store contract 2).
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { writeIdOf } from '../../src/index.js';
import { buildRecord, recordSpecArb, T0 } from '../arbitraries.js';
import { jsonEqual, show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/**
 * CC-1: a write naming another write id than the stored one (stale, or never stored, with the right
 * version) answers `'conflict'` and changes nothing; of two writers on one write id, one wins.
 * @internal
 */
export const casRule: Rule = {
  id: 'CC-1',
  title:
    "write is a compare-and-set on the write id: another write id answers 'conflict', whatever the version",
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        recordSpecArb(),
        recordSpecArb(),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom('stale', 'never stored'),
        (spec, other, version, kind) =>
          withStore(ctx, async (store) => {
            const stored = buildRecord({ ...spec, expiresIn: 100 }, T0, version);
            const earlier = 'w-earlier';
            stored.writeIds = [earlier, ...stored.writeIds];
            expect((await store.create(stored, T0)) === 'ok', 'ID-4: create on an empty store was refused');
            // The right version, another write id: only the write id tells them apart.
            const wrong = buildRecord(
              { ...other, sessionId: stored.sessionId, expiresIn: 100 },
              T0,
              version + 1,
            );
            const condition = kind === 'stale' ? earlier : 'w-never-stored';
            const conflict = await store.write(wrong, condition, T0);
            expect(
              conflict === 'conflict',
              `CC-1: write of v${version + 1} on the ${kind} write id ${condition} over ${writeIdOf(stored)} answered ${show(conflict)}, expected 'conflict'`,
            );
            const unchanged = await store.read(stored.sessionId, T0);
            expect(
              jsonEqual(unchanged, stored),
              `CC-1: a conflicting write changed the record to ${show(unchanged)}`,
            );
            // Two writers loaded the same record: the first commits, the second conflicts.
            const a = buildRecord({ ...other, sessionId: stored.sessionId, expiresIn: 100 }, T0, version + 1);
            const b = buildRecord({ ...spec, expiresIn: 50 }, T0, version + 1);
            const first = await store.write(a, writeIdOf(stored), T0);
            expect(first === 'ok', `CC-1: write on the stored write id answered ${show(first)}`);
            const second = await store.write(b, writeIdOf(stored), T0);
            expect(
              second === 'conflict',
              `CC-1: second writer on write id ${writeIdOf(stored)} answered ${show(second)}, expected 'conflict'`,
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
