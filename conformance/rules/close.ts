/**
 * CK-8.close: closing a store releases every handle it opened, so a process (a CLI run, a CI job)
 * ends by itself once the kit is done.
 *
 * @packageDocumentation
 */
import { writeIdOf } from '../../src/index.js';
import { buildRecord, T0 } from '../arbitraries.js';
import { trackHandles } from '../handles.js';
import type { Rule, RuleContext } from '../rule.js';

/** Open a store, call each operation once, and close it: what a request-serving instance does. */
async function exerciseOnce(ctx: RuleContext): Promise<void> {
  const opened = await ctx.open();
  try {
    const { store } = opened;
    const record = buildRecord(
      { sessionId: 'sid-A', userId: 'user-1', expiresIn: 10, browser: {}, user: {}, labels: {} },
      T0,
      1,
    );
    await store.create(record, T0);
    await store.read('sid-A', T0);
    await store.write(
      { ...record, version: 2, writeIds: [...record.writeIds, 'w-close'] },
      writeIdOf(record),
      T0,
    );
    await store.listByUser('user-1', T0);
    if (ctx.supports.locks && store.locks !== undefined) {
      await store.locks.acquire('close', 'kit', 1000, T0);
      await store.locks.release('close', 'kit');
    }
    await store.destroyByUser('user-1', []);
    await store.destroy('sid-A');
  } finally {
    await opened.dispose();
  }
}

/** CK-8.close: after `close()`, no timer or socket the store opened is still alive. @internal */
export const closeRule: Rule = {
  id: 'CK-8.close',
  title: 'close() releases every timer and socket the store opened',
  async run(ctx) {
    // A first store warms up what the module shares between stores (a pool, a client): those are the
    // module's, released by its teardown(), not by each store's close().
    await exerciseOnce(ctx);
    const tracker = trackHandles();
    let surviving: string[];
    try {
      await exerciseOnce(ctx);
    } finally {
      surviving = await tracker.stop();
    }
    if (surviving.length === 0) return { status: 'pass', runs: 1 };
    return {
      status: 'fail',
      runs: 1,
      message:
        `CK-8: after close(), the store still holds ${surviving.join(', ')} it opened, which keeps the ` +
        'process alive: close() must end its timers and connections (a client shared by every store ' +
        'belongs to the module: export teardown() to close it)',
    };
  },
};
