import { describe, expect, it } from 'vitest';
import { parseRetired, pushRetired, RETIRED_HASH_CHARS, RETIRED_SECRETS, retiredEntry } from './retired.js';

// A base64url SHA-256 is 43 characters; a ring entry keeps its first 22 (SPEC 4, `retired`).
const HASH = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80';

describe('CC-6, ID-3: ring entries', () => {
  it('an entry is the reason letter, `until` in base 36 and the first 22 characters of the hash, and reads back', () => {
    const entry = retiredEntry('l', 1_700_000_000_000, HASH);
    expect(entry).toBe(`l${(1_700_000_000_000).toString(36)}${HASH.slice(0, 22)}`);
    expect(entry.length).toBe(1 + 8 + RETIRED_HASH_CHARS);
    expect(parseRetired(entry)).toEqual({ reason: 'l', until: 1_700_000_000_000, hash: HASH.slice(0, 22) });
  });

  it('a fractional `until` is rounded up (the safe side of the race margin)', () => {
    expect(parseRetired(retiredEntry('r', 1_000.2, HASH))?.until).toBe(1_001);
  });

  it.each([
    ['', 'empty'],
    [`x${(1000).toString(36)}${HASH.slice(0, 22)}`, 'an unknown reason'],
    [`r${HASH.slice(0, 22)}`, 'no time'],
    [`r${(1000).toString(36)}`, 'no hash'],
    [`r${'z'.repeat(12)}${HASH.slice(0, 22)}`, 'a time beyond 11 digits'],
    [`r1.5${HASH.slice(0, 22)}`, 'a time that is not base 36 digits'],
    [`r${(1000).toString(36)}${HASH.slice(0, 21)}+`, 'a character outside base64url'],
  ])('SEC-3: %j (%s) does not parse', (entry) => {
    expect(parseRetired(entry)).toBeNull();
  });

  it('the previous secret joins the ring newest first; past RETIRED_SECRETS the oldest is forgotten; no previous, no entry', () => {
    const previous = (n: number) => ({ hash: `${n}`.repeat(43), reason: 'r' as const, until: n });
    let ring: string[] = pushRetired([], { hash: null, reason: null, until: null });
    expect(ring).toEqual([]);
    for (let n = 1; n <= RETIRED_SECRETS + 1; n++) ring = pushRetired(ring, previous(n));
    expect(ring.map((e) => parseRetired(e)?.until)).toEqual([4, 3, 2]);
    expect(RETIRED_SECRETS).toBe(3);
  });
});
