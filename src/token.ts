/**
 * Tokens: `<sessionId>.<secret>` (ID-1); only SHA-256 of the secret is stored (ID-2).
 *
 * @packageDocumentation
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { randomId } from './random.js';

/** ID-1: 128 bits, base64url without padding. */
const ID_LENGTH = 22;
/** ID-1: 256 bits, base64url without padding. */
const SECRET_LENGTH = 43;
/**
 * ID-3: the exact shape, length and alphabet of a token, in canonical base64url: the unused low bits of
 * the last character are zero (4 bits of the id's, 2 of the secret's), as the encoder writes them, so
 * no two strings name the same bytes.
 */
const TOKEN = /^([A-Za-z0-9_-]{21}[AQgw])\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;
/** The longest string worth looking at: anything longer is malformed without a regex run (SEC-5). */
const TOKEN_LENGTH = ID_LENGTH + 1 + SECRET_LENGTH;

/** A parsed token. `secret` must never reach the store, a log line, an event or an error (ID-2). */
export interface ParsedToken {
  sessionId: string;
  secret: string;
}

/** @returns a new sessionId: 128 random bits from the CSPRNG, base64url (ID-1). */
export function newSessionId(): string {
  return randomId(16);
}

/** @returns a new secret: 256 random bits from the CSPRNG, base64url (ID-1). */
export function newSecret(): string {
  return randomId(32);
}

/**
 * ID-2: the only form of a secret that is stored.
 * @param secret - the raw secret.
 * @returns base64url SHA-256 of the secret.
 */
export function hashSecret(secret: string): string {
  // One-shot: no Hash object per request.
  return hash('sha256', secret, 'base64url');
}

/**
 * ID-3, SEC-5: parse a presented token strictly; anything of the wrong shape, length or alphabet is
 * `null`, decided before any store call.
 * @param token - the cookie value, or anything else from outside.
 * @returns the parts, or `null` when malformed.
 */
export function parseToken(token: unknown): ParsedToken | null {
  if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return null;
  const match = TOKEN.exec(token);
  if (match === null) return null;
  return { sessionId: match[1]!, secret: match[2]! };
}

/**
 * @param sessionId - the session's id.
 * @param secret - the raw secret.
 * @returns the cookie token.
 */
export function formatToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

/**
 * ID-2: constant-time comparison of two base64url SHA-256 hashes.
 * @returns whether they are equal.
 */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
