/**
 * The framework-free core of the HTTP integrations: read the token, check cross-site requests, load the
 * session, and after the handler commit it and say which headers the response needs. The Express,
 * Fastify and web integrations only translate their request and response objects to and from this.
 *
 * @packageDocumentation
 */
import { isSessionError, type SessionErrorCode } from '../errors.js';
import type { SessionManager } from '../manager.js';
import type { Session } from '../session.js';
import {
  type CookiePolicy,
  readSessionToken,
  resolveCookiePolicy,
  SESSION_CACHE_CONTROL,
  type SessionCookieOptions,
  setCookieValue,
} from './cookies.js';
import {
  type CrossSiteOptions,
  CrossSiteRequestError,
  createCrossSiteCheck,
  type OriginFacts,
} from './origin.js';

/** What an integration answers instead of the handler's response when a session step fails. */
export interface ErrorResponse {
  /** HTTP status. */
  status: number;
  /** Body, sent as `text/plain` unless `headers` says otherwise. */
  body: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * Options shared by every integration.
 * @typeParam Req - the integration's request type, passed to `onError`.
 */
export interface HttpSessionOptions<Req> {
  /** The session manager (`createSessionManager`). */
  manager: SessionManager;
  /** The session cookie (SEC-1); every field has a secure default. */
  cookie?: SessionCookieOptions;
  /**
   * Plain-HTTP local development only: the cookie is named `sid` and sent without `Secure` (SEC-1).
   * Never set it in production: the cookie would travel in clear text.
   */
  insecureDevelopmentCookie?: boolean;
  /**
   * SEC-7: refuse unsafe requests (POST, PUT, PATCH, DELETE, ...) that a browser marks as cross-site,
   * with 403, before the session is loaded. `true`, or `{ allowedOrigins }`. Default off.
   */
  crossSiteCheck?: boolean | CrossSiteOptions;
  /**
   * Turn a failure into the response sent instead of the handler's (SEC-2). Called with a
   * `SessionError` (`STORE_UNAVAILABLE`, `CONFLICT`, ...), a {@link CrossSiteRequestError}, or whatever
   * else the store or manager threw. Default {@link defaultErrorResponse}: 503, 409, 403, ...
   */
  onError?: (error: unknown, request: Req) => ErrorResponse;
}

/** What the core reads from a request. @internal */
export interface RequestFacts extends OriginFacts {
  cookie: string | null | undefined;
}

/** Headers a response needs after a successful commit. @internal */
export interface SessionHeaders {
  /** A `Set-Cookie` value to append, or `null`. */
  setCookie: string | null;
  /** A `Cache-Control` value to set (replacing the handler's), or `null`. */
  cacheControl: string | null;
}

/** Outcome of a core step: a value, or the response to send instead. @internal */
export type Step<T> = { ok: true; value: T } | { ok: false; response: ErrorResponse };

/** @internal The core, configured once per integration instance. */
export interface HttpCore<Req> {
  readonly manager: SessionManager;
  readonly cookie: CookiePolicy;
  /** Cross-site check, then load (one store round trip at most, PERF-1). */
  begin(facts: RequestFacts, request: Req): Promise<Step<Session>>;
  /** Commit and say which headers the response needs (PERF-2: one more round trip when modified). */
  end(session: Session, request: Req): Promise<Step<SessionHeaders>>;
}

const STATUS: Partial<Record<SessionErrorCode, number>> = {
  STORE_UNAVAILABLE: 503,
  INDETERMINATE: 503,
  CONFLICT: 409,
  SESSION_GONE: 409,
  USER_CAP_REACHED: 403,
  PAYLOAD_TOO_LARGE: 413,
  GRACE_CREDENTIAL: 409,
  NOT_AUTHENTICATED: 401,
  LOCK_UNAVAILABLE: 503,
};

/**
 * The default answer to a failure (SEC-2: fail closed, never an anonymous stand-in session):
 * `STORE_UNAVAILABLE`, `INDETERMINATE` and `LOCK_UNAVAILABLE` 503 with `Retry-After`, `CONFLICT`,
 * `SESSION_GONE` and `GRACE_CREDENTIAL` 409, `NOT_AUTHENTICATED` 401, `USER_CAP_REACHED` 403,
 * `PAYLOAD_TOO_LARGE` 413, a refused cross-site request 403, anything else 500.
 * Bodies are short and name no secret (ID-2).
 * @param error - what failed.
 * @returns the response to send.
 */
export function defaultErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof CrossSiteRequestError) return { status: 403, body: 'Forbidden: cross-site request' };
  if (isSessionError(error)) {
    const status = STATUS[error.code] ?? 500;
    return {
      status,
      body: status === 500 ? 'Internal Server Error' : `session error: ${error.code}`,
      ...(status === 503 ? { headers: { 'retry-after': '1' } } : {}),
    };
  }
  return { status: 500, body: 'Internal Server Error' };
}

/**
 * Configure the core.
 * @param options - the integration's options.
 * @returns the core.
 * @throws SessionError `INSECURE_COOKIE` for `secure: false` without `insecureDevelopmentCookie` (SEC-1).
 * @throws TypeError on an invalid option.
 * @internal
 */
export function createHttpCore<Req>(options: HttpSessionOptions<Req>): HttpCore<Req> {
  if (typeof options !== 'object' || options === null || typeof options.manager?.load !== 'function') {
    throw new TypeError('session options need `manager`: pass createSessionManager({ store })');
  }
  const { manager } = options;
  const cookie = resolveCookiePolicy(options.cookie, options.insecureDevelopmentCookie === true);
  const crossSite = createCrossSiteCheck(options.crossSiteCheck);
  const onError = options.onError ?? defaultErrorResponse;
  const fail = (error: unknown, request: Req): { ok: false; response: ErrorResponse } => {
    let response: ErrorResponse;
    try {
      response = onError(error, request);
    } catch (hookError) {
      response = defaultErrorResponse(hookError);
    }
    return { ok: false, response };
  };

  return {
    manager,
    cookie,
    async begin(facts, request) {
      const refused = crossSite(facts);
      // SEC-7: refused before any store call.
      if (refused !== null) return fail(refused, request);
      try {
        return { ok: true, value: await manager.load(readSessionToken(facts.cookie, cookie)) };
      } catch (error) {
        // SEC-2: no anonymous session stands in for one the store could not read.
        return fail(error, request);
      }
    },
    async end(session, request) {
      try {
        const { cookie: instruction } = await session.commit();
        const setCookie = setCookieValue(instruction, cookie);
        return {
          ok: true,
          value: { setCookie, cacheControl: setCookie === null ? null : SESSION_CACHE_CONTROL },
        };
      } catch (error) {
        return fail(error, request);
      }
    },
  };
}
