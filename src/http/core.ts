/**
 * The framework-free core of the HTTP integrations: read the token, check cross-site requests and the
 * transport, load the session, and after the handler commit it and say which headers the response needs.
 * The Express, Fastify and web integrations only translate their request and response objects to and
 * from this.
 *
 * @packageDocumentation
 */
import { HTTP_STATUS, isSessionError, SessionError } from '../errors.js';
import type { SessionManager } from '../manager.js';
import type { Session } from '../session.js';
import { parseToken } from '../token.js';
import {
  type CookiePolicy,
  readSessionToken,
  resolveCookiePolicy,
  SESSION_CACHE_CONTROL,
  type SessionCookieOptions,
  setCookieValue,
} from './cookies.js';
import { rejectForeignOptions } from './habits.js';
import { consoleLogger, describeFailure, type SessionLogger } from './log.js';
import {
  type CrossSiteOptions,
  CrossSiteRequestError,
  createCrossSiteCheck,
  type OriginFacts,
} from './origin.js';
import { isLoopback, plainHttpMessage } from './transport.js';

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
   * Refused with `INSECURE_COOKIE` when `NODE_ENV` is `production`: the cookie would travel in clear text.
   */
  insecureDevelopmentCookie?: boolean;
  /**
   * SEC-7: refuse unsafe requests (POST, PUT, PATCH, DELETE, TRACE, ...) that a browser marks as
   * cross-site, with 403, before the session is loaded. On by default; `false` turns it off;
   * `{ allowedOrigins, exempt }` lets trusted origins and listed paths (an OIDC `form_post` callback, a
   * SAML POST binding, a payment return) through.
   */
  crossSiteCheck?: boolean | CrossSiteOptions;
  /**
   * Whether a response with a 5xx status still commits the session changes its handler made. Default
   * `false`: a handler that failed half-way leaves the stored session as it was (and sends no cookie).
   */
  commitServerErrors?: boolean;
  /**
   * `Cache-Control` added to the responses of an authenticated session whose handler set none (ASVS
   * 14.3.2: no shared cache keeps one user's page for the next). Default `private, no-store`; `false`
   * leaves those responses alone. A response that sets the session cookie always gets
   * `private, no-store`.
   */
  authenticatedCacheControl?: string | false;
  /**
   * Where failures (store faults, conflicts, ...) and warnings are logged, one line per failed request
   * with the error code and the session id, never a token, hash or session data. Default the console;
   * `false` for none. When `onError` is given and `logger` is not, nothing is logged: the hook decides.
   */
  logger?: SessionLogger | false;
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
  /** Whether the request arrived over HTTPS, as the framework sees it (its trust-proxy setting applies). */
  secure: boolean;
  /** The host name the request was sent to, without the port (`[::1]` for IPv6). */
  hostname: string | null | undefined;
}

/** Headers a response needs after a successful commit. @internal */
export interface SessionHeaders {
  /** A `Set-Cookie` value to append, or `null`. */
  setCookie: string | null;
  /** A `Cache-Control` value to set (replacing the handler's), or `null`. */
  cacheControl: string | null;
  /** A `Cache-Control` value to set only when the handler set none, or `null`. */
  defaultCacheControl: string | null;
}

/** Outcome of a core step: a value, or the response to send instead. @internal */
export type Step<T> = { ok: true; value: T } | { ok: false; response: ErrorResponse };

/** @internal The core, configured once per integration instance. */
export interface HttpCore<Req> {
  readonly manager: SessionManager;
  readonly cookie: CookiePolicy;
  /** Cross-site and transport checks, then load (one store round trip at most, PERF-1). */
  begin(facts: RequestFacts, request: Req): Promise<Step<Session>>;
  /**
   * Seal the session (later changes throw), commit it unless the response is a server error, and say
   * which headers the response needs (PERF-2: one more round trip when modified).
   */
  end(session: Session, request: Req, status: number): Promise<Step<SessionHeaders>>;
  /** The response for an error a handler threw, logged like the core's own failures. */
  fail(error: unknown, request: Req, session: Session | null): ErrorResponse;
}

/**
 * The default answer to a failure (SEC-2: fail closed, never an anonymous stand-in session): the status
 * `docs/errors.md` lists for the code (`HTTP_STATUS`: 503 with `Retry-After` for the store, 409, 401,
 * 403, 413), a refused cross-site request 403 with a body naming the option, a plain-HTTP request
 * outside production (`INSECURE_COOKIE`) 500 with the fix, anything else 500.
 * Bodies name no secret (ID-2).
 * @param error - what failed.
 * @returns the response to send.
 */
export function defaultErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof CrossSiteRequestError) return { status: 403, body: error.message };
  if (isSessionError(error)) {
    const status = HTTP_STATUS[error.code] ?? 500;
    if (error.code === 'INSECURE_COOKIE') return { status, body: error.message };
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
 * @throws SessionError `INSECURE_COOKIE` for `secure: false` without `insecureDevelopmentCookie`, and for
 *   `insecureDevelopmentCookie` when `NODE_ENV` is `production` (SEC-1).
 * @throws TypeError on an invalid option, and on an express-session option (naming the equivalent).
 * @internal
 */
export function createHttpCore<Req>(options: HttpSessionOptions<Req>): HttpCore<Req> {
  if (typeof options !== 'object' || options === null || typeof options.manager?.load !== 'function') {
    throw new TypeError('session options need `manager`: pass createSessionManager({ store })');
  }
  // express-session options are refused with their equivalent, never silently ignored.
  rejectForeignOptions(options);
  const { manager } = options;
  const production = globalThis.process?.env?.NODE_ENV === 'production';
  if (options.insecureDevelopmentCookie === true && production) {
    // SEC-1: the development cookie travels in clear text; it never runs where NODE_ENV says production.
    throw new SessionError(
      'INSECURE_COOKIE',
      '`insecureDevelopmentCookie` is refused when NODE_ENV is production: the session cookie would ' +
        'travel in clear text. Serve HTTPS and remove the option.',
    );
  }
  const cookie = resolveCookiePolicy(options.cookie, options.insecureDevelopmentCookie === true);
  const crossSite = createCrossSiteCheck(options.crossSiteCheck);
  const onError = options.onError ?? defaultErrorResponse;
  const commitServerErrors = options.commitServerErrors === true;
  const authenticatedCacheControl = cacheControlOption(options.authenticatedCacheControl);
  const logger =
    options.logger === false || (options.logger === undefined && options.onError !== undefined)
      ? null
      : (options.logger ?? consoleLogger);
  let warnedPlainHttp = false;

  const respond = (error: unknown, request: Req, sessionId: string | null): ErrorResponse => {
    // One line per failed request, with the code and the session id only (ID-2: no token or hash).
    if (logger !== null && !(error instanceof CrossSiteRequestError)) {
      logger.error(describeFailure(error), {
        code: isSessionError(error) ? error.code : 'UNEXPECTED',
        sessionId,
      });
    }
    try {
      return onError(error, request);
    } catch (hookError) {
      return defaultErrorResponse(hookError);
    }
  };

  /** SEC-1: a Secure cookie on plain HTTP to a remote host is dropped by every browser, silently. */
  const plainHttp = (facts: RequestFacts): SessionError | null => {
    if (!cookie.secure || facts.secure || isLoopback(facts.hostname)) return null;
    const message = plainHttpMessage(facts.hostname);
    if (!production) return new SessionError('INSECURE_COOKIE', message);
    // In production a TLS-terminating proxy without trust-proxy looks the same: warn, once.
    if (!warnedPlainHttp && logger !== null)
      logger.warn(message, { code: 'INSECURE_COOKIE', sessionId: null });
    warnedPlainHttp = true;
    return null;
  };

  return {
    manager,
    cookie,
    async begin(facts, request) {
      // SEC-7: refused before any store call.
      const refused = crossSite(facts) ?? plainHttp(facts);
      if (refused !== null) return { ok: false, response: respond(refused, request, null) };
      const token = readSessionToken(facts.cookie, cookie);
      try {
        return { ok: true, value: await manager.load(token) };
      } catch (error) {
        // SEC-2: no anonymous session stands in for one the store could not read.
        return { ok: false, response: respond(error, request, parseToken(token)?.sessionId ?? null) };
      }
    },
    async end(session, request, status) {
      // A change after this point could not be saved: it throws instead of vanishing.
      session.seal(
        'the response has already started, so this session change could not be saved: make it before ' +
          'sending the response (res.send, reply.send, returning the Response)',
      );
      if (status >= 500 && !commitServerErrors) {
        return { ok: true, value: { setCookie: null, cacheControl: null, defaultCacheControl: null } };
      }
      try {
        const { cookie: instruction } = await session.commit();
        const setCookie = setCookieValue(instruction, cookie);
        return {
          ok: true,
          value: {
            setCookie,
            cacheControl: setCookie === null ? null : SESSION_CACHE_CONTROL,
            defaultCacheControl: session.isAuthenticated ? authenticatedCacheControl : null,
          },
        };
      } catch (error) {
        return { ok: false, response: respond(error, request, session.id) };
      }
    },
    fail(error, request, session) {
      return respond(error, request, session?.id ?? null);
    },
  };
}

/** @internal */
function cacheControlOption(value: string | false | undefined): string | null {
  if (value === false) return null;
  if (value === undefined) return SESSION_CACHE_CONTROL;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(
      "authenticatedCacheControl must be a Cache-Control value such as 'private, no-store', or false",
    );
  }
  return value;
}
