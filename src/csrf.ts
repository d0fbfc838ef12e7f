/**
 * A session-bound anti-forgery token, for applications that want one beside the Fetch Metadata check
 * (SEC-7): derived from the session's current secret hash, so it needs no storage of its own, changes
 * whenever the secret rotates (login, logout, re-authentication) and is worthless for any other session.
 * Each call masks it with fresh random bytes, so a compressed response never repeats it (BREACH).
 *
 * @packageDocumentation
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SIZE = 32;
const TOKEN = /^[A-Za-z0-9_-]{86}$/;

/** @internal The unmasked token of a secret hash: an HMAC, so the hash itself never leaves the server. */
function raw(secretHash: string): Buffer {
  return createHmac('sha256', secretHash).update('sessionspec anti-forgery token').digest();
}

/**
 * @internal A masked anti-forgery token for a session whose current secret hash is `secretHash`.
 * @param secretHash - the session's current secret hash.
 * @returns 86 base64url characters.
 */
export function maskedCsrfToken(secretHash: string): string {
  const pad = randomBytes(SIZE);
  const token = raw(secretHash);
  for (let i = 0; i < SIZE; i++) token[i]! ^= pad[i]!;
  return Buffer.concat([pad, token]).toString('base64url');
}

/**
 * @internal Whether `presented` is a token of `secretHash`, compared in constant time.
 * @param secretHash - the session's current secret hash.
 * @param presented - what the request sent (anything).
 * @returns true when it matches.
 */
export function csrfTokenMatches(secretHash: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || !TOKEN.test(presented)) return false;
  const bytes = Buffer.from(presented, 'base64url');
  if (bytes.length !== 2 * SIZE) return false;
  const unmasked = bytes.subarray(SIZE);
  for (let i = 0; i < SIZE; i++) unmasked[i]! ^= bytes[i]!;
  return timingSafeEqual(unmasked, raw(secretHash));
}
