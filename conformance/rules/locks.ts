/**
 * CC-5: optional pessimistic locks: only the owner releases; a lock whose owner died expires at its TTL.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { relative, T0 } from '../arbitraries.js';
import { show } from '../json.js';
import { checkProperty, namedProperty } from '../property.js';
import { expect, type Rule } from '../rule.js';
import { withStore } from './world.js';

/** CC-5: exclusivity, owner-only release, expiry exactly at `now + ttlMs`. @internal */
export const locksRule: Rule = {
  id: 'CC-5',
  title: 'locks: one holder, only the owner releases, the TTL ends exactly at acquire time + ttl',
  requires: ['locks'],
  run: (ctx) =>
    checkProperty(
      ctx,
      namedProperty(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1000 }),
        (name, ttl, offset) =>
          withStore(ctx, async (store) => {
            const locks = store.locks;
            if (locks === undefined)
              throw new TypeError('CC-5: supports.locks is true but store.locks is missing');
            const start = T0 + offset;
            const end = start + ttl;
            const step = async (label: string, actual: Promise<boolean>, expected: boolean) => {
              const got = await actual;
              expect(
                got === expected,
                `CC-5: ${label} answered ${show(got)}, expected ${expected} (lock taken at ${relative(start)}, ttl ${ttl})`,
              );
            };
            await step('release of a lock nobody holds', locks.release(name, 'owner-a'), false);
            await step(
              `acquire by owner-a at ${relative(start)}`,
              locks.acquire(name, 'owner-a', ttl, start),
              true,
            );
            await step(
              `acquire by owner-b at ${relative(end - 1)}`,
              locks.acquire(name, 'owner-b', ttl, end - 1),
              false,
            );
            await step('release by owner-b, who does not hold it', locks.release(name, 'owner-b'), false);
            await step(
              `acquire by owner-b at ${relative(start)} after its refused release`,
              locks.acquire(name, 'owner-b', ttl, start),
              false,
            );
            await step(
              `acquire by owner-b at ${relative(end)} (TTL passed)`,
              locks.acquire(name, 'owner-b', ttl, end),
              true,
            );
            await step('release by owner-a after owner-b took over', locks.release(name, 'owner-a'), false);
            await step('release by owner-b', locks.release(name, 'owner-b'), true);
            await step(
              `acquire by owner-a at ${relative(end)} after the release`,
              locks.acquire(name, 'owner-a', ttl, end),
              true,
            );
            await step('release by owner-a', locks.release(name, 'owner-a'), true);
          }),
      ),
    ),
};
