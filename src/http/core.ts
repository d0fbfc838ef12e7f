/**
 * The framework-free core of the HTTP integrations: read the token, check cross-site requests and the
 * transport, load the session, and after the handler commit it and say which headers the response needs.
 * The Express, Fastify, web and Hono integrations only translate their request and response objects to
 * and from this; `sessionspec/http` exports it for integrations of other frameworks.
 *
 * @packageDocumentation
 */
import { HTTP_STATUS, isSessionError, SessionError } from '../errors.js';
import type { SessionManager } from '../manager.js';
import type { Session } from '../session.js';
import { parseToken } from '../token.js';
import {
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

/**
 * What the core reads from a request, in the framework's own terms. Header values are the raw values
 * (the first one when the framework gives a list), `null` or `undefined` when absent.
 */
export interface RequestFacts extends OriginFacts {
  /** The `Cookie` header, several joined with `; `. */
  cookie: string | null | undefined;
  /** Whether the request arrived over HTTPS, as the framework sees it (its trust-proxy setting applies). */
  secure: boolean;
  /** The host name the request was sent to, without the port (`[::1]` for IPv6). */
  hostname: string | null | undefined;
}

/**
 * Headers a response needs after a successful commit. An integration applies all three before the
 * response headers go out, and changes nothing else.
 */
export interface SessionHeaders {
  /** A `Set-Cookie` value to append (keep the handler's other cookies), or `null`. */
  setCookie: string | null;
  /** A `Cache-Control` value to set (replacing the handler's), or `null`. */
  cacheControl: string | null;
  /** A `Cache-Control` value to set only when the handler set none, or `null`. */
  defaultCacheControl: string | null;
}

/**
 * Outcome of a core step: a value, or the response to send instead. A step never rejects: failures
 * (a store fault, a refused request) arrive as `{ ok: false, response }`, already logged.
 */
export type HttpStep<T> = { ok: true; value: T } | { ok: false; response: ErrorResponse };

/**
 * The core, configured once per integration instance (per middleware or plugin registration, not per
 * request). Its contract, for each request:
 *
 * 1. **Before the handler**, call {@link HttpCore.begin | begin} once with the request's facts. On
 *    `{ ok: false, response }` send that response ({@link ErrorResponse}) and do not run the handler:
 *    the request was refused (403, SEC-7), sent over plain HTTP (SEC-1) or the store failed (503,
 *    SEC-2), and no session stands in for the real one. On `{ ok: true, value }` give the handler
 *    `value`, the request's {@link Session}.
 * 2. **When the handler throws a `SessionError`**, answer with {@link HttpCore.fail | fail} (or with the
 *    error's `status`, where the framework maps errors that way), then go on with step 3.
 * 3. **Before the response headers go out**, call {@link HttpCore.end | end} once with the session and
 *    the status the response will have. On `{ ok: false, response }` send that response instead of the
 *    handler's, dropping every header the handler set (the commit failed: SEC-2). On `{ ok: true, value }`
 *    apply the {@link SessionHeaders}: append `setCookie`; set `cacheControl`, replacing the handler's;
 *    otherwise set `defaultCacheControl` when the handler set no `Cache-Control`.
 *
 * A framework that can stream the head before the handler finishes must hold the head until `end` has
 * settled (the Express integration does so).
 * @typeParam Req - the framework's request type, handed to `onError`.
 */
export interface HttpCore<Req> {
  /**
   * Cross-site and transport checks, then load (one store round trip at most, PERF-1; none for a request
   * without a well-formed token, ID-3).
   * @param facts - what the request says.
   * @param request - the framework's request, for `onError`.
   * @returns the session, or the response to send instead.
   */
  begin(facts: RequestFacts, request: Req): Promise<HttpStep<Session>>;
  /**
   * Seal the session (later changes throw, naming the cause), commit it unless the response is a server
   * error and `commitServerErrors` is off, and say which headers the response needs (PERF-2: one more
   * round trip when the session changed).
   * @param session - the session `begin` gave.
   * @param request - the framework's request, for `onError`.
   * @param status - the status of the response about to be sent.
   * @returns the headers to add, or the response to send instead.
   */
  end(session: Session, request: Req, status: number): Promise<HttpStep<SessionHeaders>>;
  /**
   * The response for an error a handler threw, logged like the core's own failures.
   * @param error - what the handler threw.
   * @param request - the framework's request, for `onError`.
   * @param session - the request's session, if it was loaded (its id goes to the log).
   * @returns the response to send.
   */
  fail(error: unknown, request: Req, session: Session | null): ErrorResponse;
}

/**
 * The headers of an error response besides its body, in the order to set them: `text/plain`,
 * `Cache-Control: no-store`, then the response's own headers (from `onError`), which win.
 * @param response - the error response.
 * @returns header name and value pairs.
 */
export function errorHeaders(response: ErrorResponse): Array<[string, string]> {
  return [
    ['content-type', 'text/plain; charset=utf-8'],
    ['cache-control', 'no-store'],
    ...Object.entries(response.headers ?? {}),
  ];
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
 * Configure the core of an HTTP integration: validate the options once (a bad one throws here, at
 * start-up, never on a request) and return the three calls {@link HttpCore} describes.
 * @param options - the integration's options, as its users pass them.
 * @returns the core.
 * @throws SessionError `INSECURE_COOKIE` for `secure: false` without `insecureDevelopmentCookie`, and for
 *   `insecureDevelopmentCookie` when `NODE_ENV` is `production` (SEC-1).
 * @throws TypeError on an invalid option, and on an express-session option (naming the equivalent).
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createHttpCore } from 'sessionspec/http';
 *
 * const core = createHttpCore({ manager });
 * createServer(async (req, res) => {
 *   const begun = await core.begin(factsOf(req), req);
 *   if (!begun.ok) return sendError(res, begun.response);
 *   const { status, body } = await handler(req, begun.value);
 *   const ended = await core.end(begun.value, req, status);
 *   if (!ended.ok) return sendError(res, ended.response);
 *   if (ended.value.setCookie !== null) res.appendHeader('set-cookie', ended.value.setCookie);
 *   // ... cacheControl, defaultCacheControl, then the handler's response
 * });
 * ```
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
