import { describe, expect, test } from 'vitest';
import { isSessionError } from '../errors.js';
import { MAX_COOKIE_CANDIDATES, readSessionToken, resolveCookiePolicy, setCookieValue } from './cookies.js';

const TOKEN = `${'a'.repeat(21)}A.${'b'.repeat(42)}A`;
const OTHER = `${'c'.repeat(21)}Q.${'d'.repeat(42)}E`;

describe('SEC-1: cookie policy', () => {
  test('defaults: __Host-sid, Secure, HttpOnly, SameSite=Lax, Path=/, browser-session', () => {
    const policy = resolveCookiePolicy();
    expect(setCookieValue({ action: 'set', token: TOKEN, maxAge: null }, policy)).toBe(
      `__Host-sid=${TOKEN}; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(setCookieValue({ action: 'set', token: TOKEN, maxAge: 600 }, policy)).toBe(
      `__Host-sid=${TOKEN}; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  test('LC-6: clearing sends an empty value with Max-Age=0 and an Expires in the past', () => {
    expect(setCookieValue({ action: 'clear' }, resolveCookiePolicy())).toBe(
      '__Host-sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
    expect(setCookieValue({ action: 'none' }, resolveCookiePolicy())).toBeNull();
  });

  test('secure: false without the development option is refused with a message that says what to do', () => {
    let caught: unknown;
    try {
      resolveCookiePolicy({ secure: false });
    } catch (error) {
      caught = error;
    }
    expect(isSessionError(caught, 'INSECURE_COOKIE')).toBe(true);
    expect((caught as Error).message).toContain('insecureDevelopmentCookie: true');
  });

  test('development mode: sid without Secure', () => {
    const policy = resolveCookiePolicy({}, true);
    expect(setCookieValue({ action: 'set', token: TOKEN, maxAge: null }, policy)).toBe(
      `sid=${TOKEN}; Path=/; HttpOnly; SameSite=Lax`,
    );
  });

  test('options a browser would silently reject are TypeErrors', () => {
    expect(() => resolveCookiePolicy({ domain: 'example.com' })).toThrow(TypeError);
    expect(() => resolveCookiePolicy({ path: '/app' })).toThrow(TypeError);
    expect(() => resolveCookiePolicy({ name: '__Host-sid' }, true)).toThrow(TypeError);
    expect(() => resolveCookiePolicy({ sameSite: 'none' }, true)).toThrow(TypeError);
    expect(() => resolveCookiePolicy({ name: 'bad name' })).toThrow(TypeError);
    expect(resolveCookiePolicy({ name: 'app-sid', path: '/app', domain: 'example.com' })).toMatchObject({
      name: 'app-sid',
      secure: true,
    });
  });
});

describe('SEC-5: reading the token', () => {
  const policy = resolveCookiePolicy();

  test('the first well-formed value of the session cookie wins; a malformed one before it is skipped', () => {
    expect(readSessionToken(`a=1; __Host-sid=${TOKEN}; __Host-sid=${OTHER}`, policy)).toBe(TOKEN);
    expect(readSessionToken(`__Host-sid=garbage; __Host-sid=${OTHER}`, policy)).toBe(OTHER);
  });

  test('only the first MAX_COOKIE_CANDIDATES values are looked at', () => {
    const junk = Array.from({ length: MAX_COOKIE_CANDIDATES }, (_, i) => `__Host-sid=junk${i}`).join('; ');
    expect(readSessionToken(`${junk}; __Host-sid=${TOKEN}`, policy)).toBe('junk0');
    const fewer = Array.from({ length: MAX_COOKIE_CANDIDATES - 1 }, (_, i) => `__Host-sid=junk${i}`).join(
      '; ',
    );
    expect(readSessionToken(`${fewer}; __Host-sid=${TOKEN}`, policy)).toBe(TOKEN);
  });

  test('absent: none; malformed: the first value, which the manager rejects without a store call', () => {
    for (const header of [undefined, null, '', '__Host-sid', `sid=${TOKEN}`, `x__Host-sid=${TOKEN}`]) {
      expect(readSessionToken(header, policy)).toBeUndefined();
    }
    expect(readSessionToken(`__Host-sid=${TOKEN}x; __Host-sid=junk`, policy)).toBe(`${TOKEN}x`);
    expect(readSessionToken('__Host-sid=', policy)).toBe('');
    const huge = '%'.repeat(100_000);
    expect(readSessionToken(`__Host-sid=${huge}`, policy)).toBe(huge);
  });
});
