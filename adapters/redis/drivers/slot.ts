/**
 * Redis Cluster key slots, computed by Redis's own rule. The `cluster-key-slot` package both clients
 * route with differs from Redis on one case: a key whose first `{` is directly followed by `}` and
 * which has another `}` later (`P:u:{}x}`, a user id starting with `}`). Redis hashes the whole key;
 * the package hashes the text up to the later `}`. The client then sends the command to the wrong
 * master, and node-redis 5, recomputing the same slot on each redirection, never reaches the right one.
 *
 * @packageDocumentation
 */

/** The number of slots of Redis Cluster. @internal */
const SLOTS = 16_384;

/**
 * CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with.
 * @internal
 */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A short hash tag for each slot, found on first need. @internal */
const tags = new Map<number, string>();

/**
 * A string whose slot is `slot` by any rule: `{n}` for the first number `n` that hashes there.
 * @internal
 */
function keyForSlot(slot: number): string {
  let tag = tags.get(slot);
  for (let n = 0; tag === undefined; n++) {
    const candidate = String(n);
    const found = crc16(Buffer.from(candidate)) % SLOTS;
    if (!tags.has(found)) tags.set(found, candidate);
    if (found === slot) tag = candidate;
  }
  return `{${tag}}`;
}

/**
 * The key to route `key` by, so that a client hashing with `cluster-key-slot` reaches the master
 * Redis places `key` on: `key` itself, except in the one case where the two rules differ.
 * @param key - the key a command names.
 * @returns `key`, or a stand-in in the same slot.
 * @internal
 */
export function routingKey(key: string): string {
  const open = key.indexOf('{');
  if (open === -1 || key[open + 1] !== '}' || key.indexOf('}', open + 2) === -1) return key;
  // An empty hash tag: Redis hashes the whole key.
  return keyForSlot(crc16(Buffer.from(key)) % SLOTS);
}
