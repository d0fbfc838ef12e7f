/**
 * Random identifiers from the CSPRNG, drawn from a pooled buffer: one `randomFillSync` call serves many
 * ids, since a call per id costs far more than the bytes themselves (PERF-1). Every byte comes from the
 * CSPRNG and is handed out once (ID-1).
 *
 * @packageDocumentation
 */
import { randomFillSync } from 'node:crypto';
import { startupSnapshot } from 'node:v8';

const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

// ID-1: a startup snapshot (`node --build-snapshot`) must not carry drawn bytes into every process
// started from it: the pool is emptied when the snapshot is written, and refilled on first use.
if (startupSnapshot?.isBuildingSnapshot()) {
  startupSnapshot.addSerializeCallback(() => {
    pool.fill(0);
    offset = POOL_SIZE;
  });
}

/**
 * @param bytes - how many random bytes (at most 8192).
 * @returns that many bytes from the CSPRNG, base64url without padding.
 */
export function randomId(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + bytes);
  // Handed out once: wipe what was used, so the pool never holds a secret that was given out.
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return id;
}
