/**
 * The ring of retired secrets (CC-6, ID-3): what a record remembers of the secrets it replaced before
 * the previous one, so that an old secret of the session is told from one it never had.
 *
 * @packageDocumentation
 */

/**
 * Why a secret was retired (CC-6), one letter in the record: `r` a plain `rotate()` (LC-4); `a` an
 * authentication: login, user switch or re-authentication (LC-2, LC-3, LC-8); `c` a credential change
 * (LC-10); `l` a logout (LC-5). Only `r` can make a late secret end the session (`reuseMayEnd`).
 */
export type RetireReason = 'r' | 'a' | 'c' | 'l';

/**
 * How many secrets older than the previous one a record remembers (CC-6): three, so with the previous
 * secret the last four. A browser only ever sends its newest cookie, so a secret several rotations old
 * comes from a request in flight across them or from a copy; older ones read as never issued.
 */
export const RETIRED_SECRETS = 3;

/**
 * The characters of a secret's hash a ring entry keeps: the first 22 base64url characters, 132 bits of
 * the SHA-256. A ring entry only classifies a secret that is refused anyway (old or never issued); it
 * never authenticates, so a shorter hash weakens nothing, and it keeps a record small.
 */
export const RETIRED_HASH_CHARS = 22;

/** A retired secret as a ring entry describes it. */
export interface RetiredSecret {
  /** Why it was retired. */
  reason: RetireReason;
  /** The instant it stopped being accepted: the end of its grace window, or of its retirement. */
  until: number;
  /** The first {@link RETIRED_HASH_CHARS} characters of its hash. */
  hash: string;
}

/**
 * A ring entry: the reason letter, `until` in base 36, then the shortened hash, e.g. `rmhx3k2o0` +
 * 22 characters (about 31 in all).
 * @param reason - why the secret was retired.
 * @param until - when it stopped being accepted (ms since the epoch).
 * @param hash - the secret's full hash (base64url SHA-256); only its start is kept.
 * @returns the entry.
 */
export function retiredEntry(reason: RetireReason, until: number, hash: string): string {
  // Whole milliseconds, rounded up: the safe side of the race margin.
  return `${reason}${Math.ceil(until).toString(36)}${hash.slice(0, RETIRED_HASH_CHARS)}`;
}

const ENTRY = /^([racl])(-?[0-9a-z]{1,11})([A-Za-z0-9_-]{22})$/;

/**
 * A ring entry read back.
 * @param entry - an entry as {@link retiredEntry} writes it.
 * @returns the retired secret, or `null` when the entry is not well-formed (a corrupt record, SEC-3).
 */
export function parseRetired(entry: string): RetiredSecret | null {
  const match = ENTRY.exec(entry);
  if (match === null) return null;
  return { reason: match[1] as RetireReason, until: Number.parseInt(match[2]!, 36), hash: match[3]! };
}

/**
 * @internal CC-6: the ring after a secret is retired: the previous secret (if any) joins it, newest first, and the
 * oldest entry beyond {@link RETIRED_SECRETS} is forgotten.
 * @param ring - the current ring, newest first.
 * @param previous - the previous secret being replaced: its hash, reason and `until`.
 * @returns the new ring.
 */
export function pushRetired(
  ring: readonly string[],
  previous: { hash: string | null; reason: RetireReason | null; until: number | null },
): string[] {
  if (previous.hash === null || previous.reason === null || previous.until === null) return [...ring];
  return [retiredEntry(previous.reason, previous.until, previous.hash), ...ring].slice(0, RETIRED_SECRETS);
}
