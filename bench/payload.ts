/**
 * The session payload every benchmark stores: about 1 KiB of JSON, shaped like a small shopping cart.
 *
 * @packageDocumentation
 */

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
