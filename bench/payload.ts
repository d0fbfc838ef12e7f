/**
 * The session payload every benchmark stores: about 1 KiB of JSON, shaped like a small shopping cart.
 *
 * @packageDocumentation
 */
import type { SessionManager } from 'sessionspec';

/** A JSON object of 1 000 to 1 100 bytes once serialised. */
export const PAYLOAD = {
  cart: Array.from({ length: 19 }, (_, i) => ({
    sku: `sku-${1000 + i}`,
    qty: (i % 3) + 1,
    price: 19.99 + i,
  })),
  prefs: { theme: 'dark', lang: 'en-GB', tz: 'Europe/London', currency: 'GBP' },
  viewed: ['p-100', 'p-101', 'p-102', 'p-103', 'p-104', 'p-105', 'p-106', 'p-107', 'p-108', 'p-109'],
};

/** Bytes of {@link PAYLOAD} as JSON. */
export const PAYLOAD_BYTES = JSON.stringify(PAYLOAD).length;

/**
 * New sessions holding {@link PAYLOAD} and a counter `n` at 0, committed.
 * @param manager - the manager to create them with.
 * @param count - how many.
 * @returns their tokens.
 */
export async function seedSessions(manager: SessionManager, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const session = await manager.load(undefined);
      session.set('payload', PAYLOAD);
      session.set('n', 0);
      const { cookie } = await session.commit();
      if (cookie.action !== 'set') throw new Error('bench: a new session gave no token');
      return cookie.token;
    }),
  );
}
