/**
 * The session cookie: its attributes (SEC-1), reading the token from a `Cookie` header (SEC-5) and
 * writing the `Set-Cookie` value a commit asks for (LC-6, LC-7). Parsing and serialising go through the
 * `cookie` package; nothing here splits cookie syntax by hand beyond handing it one pair at a time.
 *
 * @packageDocumentation
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import { SessionError } from '../errors.js';
import type { CookieInstruction } from '../session.js';
import { parseToken } from '../token.js';

/** Options of the session cookie. Every field has a secure default (SEC-1). */
export interface SessionCookieOptions {
  /** Cookie name. Default `__Host-sid`, or `sid` with `insecureDevelopmentCookie`. */
  name?: string;
  /**
   * Whether the cookie carries `Secure`. Default `true`. `false` is refused with `INSECURE_COOKIE`
   * unless `insecureDevelopmentCookie` is set as well (SEC-1).
   */
  secure?: boolean;
  /** `SameSite`. Default `lax`: top-level navigations keep the session, cross-site subrequests do not. */
  sameSite?: 'lax' | 'strict' | 'none';
  /** `Path`. Default `/`; a `__Host-` cookie must keep `/`. */
  path?: string;
  /** `Domain`. Default none (host-only); a `__Host-` cookie must not have one. */
  domain?: string;
}

/** The resolved, validated cookie policy. */
export interface CookiePolicy {
  readonly name: string;
  readonly secure: boolean;
  readonly sameSite: 'lax' | 'strict' | 'none';
  readonly path: string;
  readonly domain: string | undefined;
}

/**
 * SEC-5: how many values of the session cookie a request may carry before the rest are ignored. A
 * browser sends one, or a few when cookies of other paths or a stale one share the name.
 */
export const MAX_COOKIE_CANDIDATES = 4;

/** `Cache-Control` of every response that carries the session cookie: no shared cache may keep it. */
export const SESSION_CACHE_CONTROL = 'private, no-store';

/**
 * SEC-1: resolve the cookie options into a policy, refusing anything that weakens the defaults without
 * saying so.
 * @param options - the cookie options.
 * @param insecureDevelopmentCookie - the explicit opt-in to a cookie without `Secure` for plain-HTTP
 *   local development.
 * @returns the policy.
 * @throws SessionError `INSECURE_COOKIE` when `secure: false` is asked for without the opt-in.
 * @throws TypeError on a name, path or domain the browser would reject for the prefix.
 * @internal
 */
export function resolveCookiePolicy(
  options: SessionCookieOptions = {},
  insecureDevelopmentCookie = false,
): CookiePolicy {
  if (typeof options !== 'object' || options === null) throw new TypeError('`cookie` must be an object');
  if (options.secure === false && !insecureDevelopmentCookie) {
    throw new SessionError(
      'INSECURE_COOKIE',
      'a session cookie without Secure is refused: on plain-HTTP local development pass ' +
        '`insecureDevelopmentCookie: true` (the cookie is then named `sid`); in production serve HTTPS ' +
        'and leave `secure` at its default',
    );
  }
  const secure = !insecureDevelopmentCookie && options.secure !== false;
  const name = options.name ?? (secure ? '__Host-sid' : 'sid');
  const path = options.path ?? '/';
  const domain = options.domain;
  const sameSite = options.sameSite ?? 'lax';
  if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new TypeError(`cookie name ${JSON.stringify(name)} is not a valid cookie name`);
  }
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') {
    throw new TypeError("cookie sameSite must be 'lax', 'strict' or 'none'");
  }
  if (sameSite === 'none' && !secure) {
    throw new TypeError('browsers reject SameSite=None without Secure: choose lax or strict for development');
  }
  const lower = name.toLowerCase();
  if ((lower.startsWith('__host-') || lower.startsWith('__secure-')) && !secure) {
    throw new TypeError(
      `cookie name ${name} needs Secure, which development mode drops: use another name, such as the default \`sid\``,
    );
  }
  if (lower.startsWith('__host-') && (path !== '/' || domain !== undefined)) {
    throw new TypeError(
      `a __Host- cookie must have Path=/ and no Domain; drop \`path\`/\`domain\` or rename it`,
    );
  }
  return { name, secure, sameSite, path, domain };
}

/**
 * SEC-5: the session token presented in a `Cookie` header: the first value of the session cookie that is
 * a well-formed token (ID-3); failing that, the first value as it is, which the manager recognises as
 * malformed before any store call and answers by clearing the cookie; `undefined` without the cookie.
 * Only the first {@link MAX_COOKIE_CANDIDATES} values are looked at. Hostile headers (huge, repeated
 * names, odd bytes) never throw.
 * @param header - the `Cookie` header (joined with `; ` when a client sent several).
 * @param policy - the cookie policy.
 * @returns the token, or `undefined`.
 * @internal
 */
export function readSessionToken(
  header: string | null | undefined,
  policy: CookiePolicy,
): string | undefined {
  if (typeof header !== 'string' || !header.includes(policy.name)) return undefined;
  // `cookie` keeps only the first value of a repeated name; one pair at a time lets us skip a malformed
  // first value (a stale or planted one) and still find the real token, without a parser of our own.
  let first: string | undefined;
  let candidates = 0;
  for (const pair of header.split(';')) {
    if (!pair.includes(policy.name)) continue;
    const value = parseCookie(pair, { decode: identity })[policy.name];
    if (value === undefined) continue;
    if (parseToken(value) !== null) return value;
    first ??= value;
    if (++candidates >= MAX_COOKIE_CANDIDATES) break;
  }
  return first;
}

/**
 * The `Set-Cookie` value a commit's cookie instruction asks for (LC-6, LC-7), or `null` for none.
 * @param instruction - from `session.commit()`.
 * @param policy - the cookie policy.
 * @returns the header value, or `null` when the cookie is left as it is.
 * @internal
 */
export function setCookieValue(instruction: CookieInstruction, policy: CookiePolicy): string | null {
  if (instruction.action === 'none') return null;
  const attributes = {
    path: policy.path,
    httpOnly: true,
    secure: policy.secure,
    sameSite: policy.sameSite,
    ...(policy.domain === undefined ? {} : { domain: policy.domain }),
  };
  if (instruction.action === 'clear') {
    // LC-6: an ended session clears the cookie; `Expires` in the past too, for clients that ignore Max-Age.
    return stringifySetCookie(policy.name, '', { ...attributes, maxAge: 0, expires: new Date(0) });
  }
  return stringifySetCookie(policy.name, instruction.token, {
    ...attributes,
    // LC-7: a browser-session cookie has no lifetime; a persistent one lives as long as the session.
    ...(instruction.maxAge === null ? {} : { maxAge: instruction.maxAge }),
    encode: identity,
  });
}

/** @internal Tokens are base64url with a dot: nothing to encode or decode. */
function identity(value: string): string {
  return value;
}
