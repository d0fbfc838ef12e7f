/**
 * The command generators of the model-based rules (CK-3): one per store operation, one per clock
 * advance, and the lock commands when the store has locks.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { recordSpecArb, SESSION_POOL, USER_POOL } from '../arbitraries.js';
import { AcquireLockCommand } from './acquire-lock.js';
import { AdvanceClockCommand } from './advance-clock.js';
import type { StoreCommand } from './command.js';
import { CreateCommand } from './create.js';
import { DestroyCommand } from './destroy.js';
import { DestroyByUserCommand } from './destroy-by-user.js';
import { ListByUserCommand } from './list-by-user.js';
import { PurgeCommand } from './purge.js';
import { ReadCommand } from './read.js';
import { ReleaseLockCommand } from './release-lock.js';
import { WriteCommand } from './write.js';

const LOCK_NAMES = ['lock-1', 'lock-2'] as const;
const LOCK_OWNERS = ['owner-a', 'owner-b'] as const;

/**
 * Generators for every command.
 * @param options - `locks`: include the lock commands (CC-5).
 * @returns the arbitraries to pass to `fc.commands`.
 * @internal
 */
export function storeCommandArbs(options: { locks: boolean }): fc.Arbitrary<StoreCommand>[] {
  const sessionId = fc.constantFrom(...SESSION_POOL);
  const userId = fc.constantFrom(...USER_POOL);
  // Store contract 2: per-user operations in one call, or in pages of one or two.
  const limit = fc.option(fc.constantFrom(1, 2), { nil: undefined });
  const create = recordSpecArb().map((spec) => new CreateCommand(spec));
  const write = fc
    .tuple(
      recordSpecArb(),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('current' as const) },
        fc.constantFrom('previous' as const, 'foreign' as const),
      ),
    )
    .map(([spec, condition]) => new WriteCommand(spec, condition));
  // Creates and writes are listed twice: sequences need stored records for the other steps to bite.
  const arbs: fc.Arbitrary<StoreCommand>[] = [
    create,
    create,
    write,
    write,
    sessionId.map((id) => new ReadCommand(id)),
    sessionId.map((id) => new DestroyCommand(id)),
    fc.tuple(userId, limit).map(([id, pages]) => new ListByUserCommand(id, pages)),
    fc
      .tuple(userId, fc.subarray([...SESSION_POOL], { maxLength: 2 }), limit)
      .map(([id, except, pages]) => new DestroyByUserCommand(id, except, pages)),
    fc.constant(new PurgeCommand()),
    fc
      .oneof(fc.constantFrom(1, 1, 2, 5), fc.integer({ min: 1, max: 60 }))
      .map((ms) => new AdvanceClockCommand(ms)),
  ];
  if (options.locks) {
    arbs.push(
      fc
        .tuple(fc.constantFrom(...LOCK_NAMES), fc.constantFrom(...LOCK_OWNERS), fc.constantFrom(1, 2, 10))
        .map(([name, owner, ttl]) => new AcquireLockCommand(name, owner, ttl)),
      fc
        .tuple(fc.constantFrom(...LOCK_NAMES), fc.constantFrom(...LOCK_OWNERS))
        .map(([name, owner]) => new ReleaseLockCommand(name, owner)),
    );
  }
  return arbs;
}
