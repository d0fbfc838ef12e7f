import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS, SessionError, type SessionErrorCode } from '../errors.js';
import { defaultErrorResponse } from './core.js';
import { CrossSiteRequestError } from './origin.js';

describe('defaultErrorResponse (SEC-2)', () => {
  const expected: Record<Exclude<SessionErrorCode, 'INSECURE_COOKIE'>, number> = {
    STORE_UNAVAILABLE: 503,
    INDETERMINATE: 503,
    LOCK_UNAVAILABLE: 503,
    CONFLICT: 409,
    SESSION_GONE: 409,
    GRACE_CREDENTIAL: 409,
    NOT_AUTHENTICATED: 401,
    USER_CAP_REACHED: 403,
    PAYLOAD_TOO_LARGE: 413,
  };

  it.each(Object.entries(expected))('SEC-2: %s answers %i, naming the code and no secret', (code, status) => {
    const response = defaultErrorResponse(new SessionError(code as SessionErrorCode, 'details stay in logs'));
    expect(response.status).toBe(status);
    expect(response.body).not.toContain('details stay in logs');
    if (status === 503) expect(response.headers).toMatchObject({ 'retry-after': '1' });
  });

  it('SEC-1: INSECURE_COOKIE (plain HTTP outside production) answers 500 with the fix', () => {
    const response = defaultErrorResponse(new SessionError('INSECURE_COOKIE', 'serve HTTPS'));
    expect(response).toMatchObject({ status: 500, body: 'serve HTTPS' });
  });

  it('docs/errors.md lists the status of every code exactly as the integrations answer it', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const listed = Object.fromEntries(
      [...doc.matchAll(/^\| `([A-Z_]+)` \|.*\| (\d{3})\b[^|]*\|$/gm)].map((m) => [m[1], Number(m[2])]),
    );
    expect(listed).toEqual(HTTP_STATUS);
  });

  it('SessionError.status is the status listed for its code', () => {
    for (const [code, status] of Object.entries(expected)) {
      expect(new SessionError(code as SessionErrorCode, 'x').status).toBe(status);
    }
  });

  it('SEC-7: a refused cross-site request answers 403 with its message; anything else 500', () => {
    expect(defaultErrorResponse(new CrossSiteRequestError('cross-site')).status).toBe(403);
    expect(defaultErrorResponse(new Error('boom'))).toMatchObject({
      status: 500,
      body: 'Internal Server Error',
    });
  });
});
