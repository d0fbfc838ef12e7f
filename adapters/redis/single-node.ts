/**
 * The Redis store on a single node (or behind Sentinel): every operation is one script that keeps the
 * record and the user index together, so the user index is exact.
 *
 * @packageDocumentation
 */
import { nextCursorOf, type RedisCore, type Topology } from './core.js';

/**
 * The single-node part of the store.
 * @internal
 */
export function singleNode(core: RedisCore): Topology {
  const { keys, settings } = core;
  const { prefix, purgeBatch } = settings;
  return {
    mode: '1',
    userIndex: 'exact',
    // The scripts file and unfile sessions themselves, in the same atomic step.
    claim: async () => {},
    unclaim: async () => {},

    async listByUser(userId, now, page) {
      if (page === undefined) {
        return {
          json: (await core.run('list', keys.user(userId), now, prefix, userId)) as string[],
          cursor: null,
        };
      }
      const [next, ...json] = (await core.run(
        'listPage',
        keys.user(userId),
        now,
        prefix,
        userId,
        page.cursor,
        page.count,
      )) as string[];
      return { json, cursor: nextCursorOf(next) };
    },

    async destroyByUser(userId, except, page) {
      if (page === undefined) {
        const deleted = (await core.run(
          'destroyByUser',
          keys.user(userId),
          prefix,
          userId,
          ...except,
        )) as string[];
        return { deleted, cursor: null };
      }
      const [next, ...deleted] = (await core.run(
        'destroyByUserStep',
        keys.user(userId),
        prefix,
        userId,
        page.cursor,
        page.count,
        ...except,
      )) as string[];
      return { deleted, cursor: nextCursorOf(next) };
    },

    async purgeExpired(now) {
      // ST-2: SCAN in steps of about purgeBatch keys, each one short script; no expiry index is kept.
      let total = 0;
      let cursor = '0';
      do {
        const [next, deleted] = (await core.run(
          'purge',
          keys.lockExpiry,
          now,
          prefix,
          cursor,
          purgeBatch,
          keys.recordPattern,
        )) as [string, number];
        total += deleted;
        cursor = String(next);
      } while (cursor !== '0');
      return total;
    },
  };
}
