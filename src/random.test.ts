import { describe, expect, it } from 'vitest';
import { randomId } from './random.js';

describe('randomId (ID-1)', () => {
  it('ID-1: ids of 16 and 32 bytes are 22 and 43 base64url characters', () => {
    expect(randomId(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomId(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('ID-1: no byte is handed out twice, across many refills of the pool', () => {
    const seen = new Set<string>();
    // 100,000 ids of 32 bytes: about 400 refills of the pool.
    for (let i = 0; i < 100_000; i++) seen.add(randomId(32));
    expect(seen.size).toBe(100_000);
  });

  it('ID-1: the bytes are spread evenly (a pool that hands out zeros or repeats would fail)', () => {
    const counts = new Array<number>(64).fill(0);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 12-byte ids are 16 characters with no padding bits: every character is uniform over 64 values.
    for (let i = 0; i < 20_000; i++) for (const c of randomId(12)) counts[alphabet.indexOf(c)]! += 1;
    const expected = (20_000 * 16) / 64;
    for (const count of counts) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.1);
  });
});
