/**
 * The Redis store on a single node (or behind Sentinel): every operation is one script that keeps the
 * record, the user index and the expiry sets together, so the user index is exact.
 *
 * @packageDocumentation
 */
import type { RedisCore, Topology } from './core.js';

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

    async listByUser(userId, now) {
      return (await core.run('list', keys.user(userId), now, prefix, userId)) as string[];
    },

    async destroyByUser(userId, except) {
      return (await core.run('destroyByUser', keys.user(userId), prefix, userId, ...except)) as string[];
    },

    async purgeExpired(now) {
      let total = 0;
      for (;;) {
        const [deleted, examined] = (await core.run('purge', keys.expiry, now, prefix, purgeBatch)) as [
          number,
          number,
        ];
        total += deleted;
        if (examined < purgeBatch) return total;
      }
    },
  };
}
