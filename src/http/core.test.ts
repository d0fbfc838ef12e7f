import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { HTTP_STATUS, SessionError, type SessionErrorCode } from '../errors.js';
import { createSessionManager } from '../manager.js';
import type { Session } from '../session.js';
import {
  createHttpCore,
  defaultErrorResponse,
  type ErrorResponse,
  errorHeaders,
  type HttpCore,
  type HttpStep,
  type SessionHeaders,
} from './core.js';
import { CrossSiteRequestError } from './origin.js';

describe('defaultErrorResponse (SEC-2)', () => {
  const expected: Record<Exclude<SessionErrorCode, 'INSECURE_COOKIE'>, number> = {
    STORE_UNAVAILABLE: 503,
    INDETERMINATE: 503,
    LOCK_UNAVAILABLE: 503,
    CONFLICT: 409,
    SESSION_GONE: 409,
    GRACE_CREDENTIAL: 409,
    STALE_CREDENTIAL: 409,
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

describe('createHttpCore, the public core (sessionspec/http)', () => {
  const manager = () => createSessionManager({ store: createMemoryStore({ sweepEvery: false }) });

  it('is typed by the framework request it hands to onError, and its steps answer HttpStep values', () => {
    const core = createHttpCore<IncomingMessage>({ manager: manager() });
    expectTypeOf(core).toEqualTypeOf<HttpCore<IncomingMessage>>();
    expectTypeOf(core.begin).returns.resolves.toEqualTypeOf<HttpStep<Session>>();
    expectTypeOf(core.end).returns.resolves.toEqualTypeOf<HttpStep<SessionHeaders>>();
    expectTypeOf(core.fail).returns.toEqualTypeOf<ErrorResponse>();
  });

  it('refuses a bad option at start-up, naming what to pass', () => {
    expect(() => createHttpCore({} as never)).toThrow(/createSessionManager/);
    expect(() => createHttpCore({ manager: manager(), secret: 'x' } as never)).toThrow(/no `secret` option/);
  });

  it('errorHeaders: text/plain and no-store first, the onError headers last so they win', () => {
    expect(
      errorHeaders({ status: 503, body: 'x', headers: { 'retry-after': '1', 'cache-control': 'no-cache' } }),
    ).toEqual([
      ['content-type', 'text/plain; charset=utf-8'],
      ['cache-control', 'no-store'],
      ['retry-after', '1'],
      ['cache-control', 'no-cache'],
    ]);
  });

  it('SEC-6: begin gives a request without a token a new session; end of it untouched sends no cookie and seals it', async () => {
    const core = createHttpCore<null>({ manager: manager() });
    const facts = {
      method: 'GET',
      cookie: undefined,
      origin: undefined,
      secFetchSite: undefined,
      host: 'localhost:3000',
      path: '/',
      secure: false,
      hostname: 'localhost',
    };
    const begun = await core.begin(facts, null);
    expect(begun.ok).toBe(true);
    if (!begun.ok) return;
    expect(begun.value.isNew).toBe(true);
    expect(await core.end(begun.value, null, 200)).toEqual({
      ok: true,
      value: { setCookie: null, cacheControl: null, defaultCacheControl: null },
    });
    // A change after end could not be saved: it throws instead of vanishing.
    expect(() => begun.value.set('late', 1)).toThrow(/response has already started/);
  });
});
