/**
 * `sessionspec/hono`: session middleware for Hono 4, with the session in `c.get('session')`. Built on
 * `sessionspec/http` like the other integrations; Hono itself is only a type here, so this entry point
 * loads nothing of it at run time.
 *
 * @packageDocumentation
 * @module sessionspec/hono
 */
import type { Context, MiddlewareHandler } from 'hono';
import { isSessionError } from '../../errors.js';
import type { Session } from '../../session.js';
import { createHttpCore, type HttpSessionOptions } from '../core.js';
import { errorResponse, requestFacts } from '../web/fetch.js';

export type { SessionCookieOptions } from '../cookies.js';
export { defaultErrorResponse, type ErrorResponse, type HttpSessionOptions } from '../core.js';
export type { LogFields, SessionLogger } from '../log.js';
export { type CrossSiteOptions, CrossSiteRequestError } from '../origin.js';

/** Options of {@link sessionMiddleware}; `onError` receives the Hono `Context`. */
export interface HonoSessionOptions extends HttpSessionOptions<Context> {
  /**
   * Whether `X-Forwarded-Proto` says if a request arrived over HTTPS (SEC-1): set it only behind a proxy
   * that terminates TLS and sets that header. Default `false`: the request URL's scheme decides.
   */
  trustProxy?: boolean;
}

/** The Hono environment the middleware provides: `new Hono<SessionEnv>()` types `c.get('session')`. */
export interface SessionEnv {
  /** The context variables the middleware sets. */
  Variables: {
    /** The request's session. */
    session: Session;
  };
}

/**
 * Session middleware for Hono 4. Before the handler it loads the session named by the cookie (one store
 * read, none for a request without a well-formed token) into `c.get('session')`; after the handler,
 * before the response leaves the app, it commits the session and adds `Set-Cookie` and
 * `Cache-Control: private, no-store` when the cookie changes. A store that fails answers 503 and a
 * persistent conflict 409 instead of the handler's response (SEC-2), both through `onError`; a
 * `SessionError` a handler throws is answered the same way (its documented status), in place of the
 * app's error handler. Unsafe cross-site requests are refused with 403 (SEC-7), and a plain-HTTP request
 * to a remote host fails with `INSECURE_COOKIE` outside production (SEC-1): the request URL's scheme
 * decides, or `X-Forwarded-Proto` with `trustProxy: true`. A streamed body is sent after the commit, so
 * the session must be changed before the handler returns its response.
 * @param options - the manager, cookie, cross-site check, trust-proxy setting and error hook.
 * @returns the middleware.
 * @throws SessionError `INSECURE_COOKIE` for `cookie.secure: false` without `insecureDevelopmentCookie`.
 * @throws TypeError on an invalid option.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createSessionManager } from 'sessionspec';
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 * import { type SessionEnv, sessionMiddleware } from 'sessionspec/hono';
 *
 * const app = new Hono<SessionEnv>();
 * app.use(sessionMiddleware({ manager: createSessionManager({ store: createMemoryStore() }) }));
 * app.post('/login', (c) => {
 *   c.get('session').authenticate('user-42');
 *   return c.json({ user: c.get('session').userId });
 * });
 * ```
 */
export function sessionMiddleware(options: HonoSessionOptions): MiddlewareHandler<SessionEnv> {
  const core = createHttpCore(options);
  const trustProxy = options.trustProxy === true;
  return async (c, next) => {
    const begun = await core.begin(requestFacts(c.req.raw, trustProxy), c);
    // SEC-2, SEC-7: answer here; the handler never runs without its real session.
    if (!begun.ok) return errorResponse(begun.response);
    const session = begun.value;
    c.set('session', session);
    await next();
    // Hono hands a thrown error to the app's error handler and gives the middleware its response.
    if (isSessionError(c.error)) replace(c, errorResponse(core.fail(c.error, c, session)));
    const ended = await core.end(session, c, c.res.status);
    if (!ended.ok) {
      replace(c, errorResponse(ended.response));
      return;
    }
    const { setCookie, cacheControl, defaultCacheControl } = ended.value;
    if (setCookie !== null) c.header('set-cookie', setCookie, { append: true });
    if (cacheControl !== null) c.header('cache-control', cacheControl);
    else if (defaultCacheControl !== null && !c.res.headers.has('cache-control'))
      c.header('cache-control', defaultCacheControl);
  };
}

/**
 * The session of a request, for a handler whose `Context` is not typed with {@link SessionEnv}.
 * @param c - a context that went through `sessionMiddleware`.
 * @returns its session.
 * @throws TypeError when the middleware did not load a session for this request.
 */
export function sessionOf(c: Context): Session {
  const session = (c as unknown as Context<SessionEnv>).get('session');
  if (session === undefined || session === null) {
    throw new TypeError(
      'no sessionspec session on this request: install sessionMiddleware before this route',
    );
  }
  return session;
}

/**
 * @internal Replace the response whole: assigning `c.res` over a response keeps that response's headers
 * (cookies, `Cache-Control`), which an error response must not carry.
 */
function replace(c: Context, response: Response): void {
  c.res = undefined;
  c.res = response;
}
