/**
 * `sessionspec/web`: sessions for anything built on the web-standard `Request` and `Response`: Hono,
 * Next.js route handlers, Bun, Deno, Cloudflare-style `fetch` handlers.
 *
 * @packageDocumentation
 * @module sessionspec/web
 */
import { isSessionError } from '../../errors.js';
import type { Session } from '../../session.js';
import { createHttpCore, type HttpSessionOptions, type SessionHeaders } from '../core.js';
import { errorResponse, requestFacts } from './fetch.js';

export type { SessionCookieOptions } from '../cookies.js';
export { defaultErrorResponse, type ErrorResponse, type HttpSessionOptions } from '../core.js';
export type { LogFields, SessionLogger } from '../log.js';
export { type CrossSiteOptions, CrossSiteRequestError } from '../origin.js';

/** Options of {@link createWebSessions}; `onError` receives the `Request`. */
export interface WebSessionOptions extends HttpSessionOptions<Request> {
  /**
   * Whether `X-Forwarded-Proto` says if a request arrived over HTTPS (SEC-1): set it only behind a proxy
   * that terminates TLS and sets that header. Default `false`: the request URL's scheme decides.
   */
  trustProxy?: boolean;
}

/** The outcome of {@link WebSessions.begin}. */
export type WebSessionBegin =
  /** The session is loaded: use it, then pass the handler's response through `commit`. */
  | {
      ok: true;
      session: Session;
      /**
       * Commit the session and return the response to send: a copy of `response` with `Set-Cookie` and
       * `Cache-Control` added when the cookie changes, or the error response when the commit failed.
       */
      commit(response: Response): Promise<Response>;
    }
  /** The request was refused (403) or the store failed (503): send `response` as it is. */
  | { ok: false; response: Response };

/** Sessions for web-standard handlers. */
export interface WebSessions {
  /**
   * Load the session of a request (one store read at most).
   * @param request - the incoming request.
   * @returns the session and its `commit`, or the response to send instead.
   */
  begin(request: Request): Promise<WebSessionBegin>;
  /**
   * Wrap a handler: the session is loaded before it and committed after it, before its response is
   * returned. A `SessionError` the handler throws becomes the response `onError` makes of it (the
   * status `docs/errors.md` lists); anything else it throws propagates, and nothing is committed.
   * @param handler - receives the request, its session, and whatever else the platform passes.
   * @returns a handler of the same shape without the session argument.
   */
  wrap<A extends unknown[]>(
    handler: (request: Request, session: Session, ...rest: A) => Response | Promise<Response>,
  ): (request: Request, ...rest: A) => Promise<Response>;
}

/**
 * Sessions for web-standard `Request`/`Response` handlers. `wrap` is the usual entry; `begin` is for
 * code that must hold the response itself (a Hono middleware, say).
 * @param options - the manager, cookie, cross-site check and error hook.
 * @returns `begin` and `wrap`.
 * @throws SessionError `INSECURE_COOKIE` for `cookie.secure: false` without `insecureDevelopmentCookie`.
 * @throws TypeError on an invalid option.
 * @example
 * ```ts
 * import { createSessionManager } from 'sessionspec';
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 * import { createWebSessions } from 'sessionspec/web';
 *
 * const sessions = createWebSessions({ manager: createSessionManager({ store: createMemoryStore() }) });
 *
 * // A Next.js route handler, a Bun or Deno `fetch` handler: same shape.
 * export const POST = sessions.wrap(async (request, session) => {
 *   session.update('visits', (n) => ((n as number | undefined) ?? 0) + 1);
 *   return Response.json({ visits: session.get('visits') });
 * });
 *
 * // Hono: app.use(async (c, next) => { const s = await sessions.begin(c.req.raw); ... c.res = await s.commit(c.res) })
 * ```
 */
export function createWebSessions(options: WebSessionOptions): WebSessions {
  const core = createHttpCore(options);
  const trustProxy = options.trustProxy === true;

  const begin = async (request: Request): Promise<WebSessionBegin> => {
    const step = await core.begin(requestFacts(request, trustProxy), request);
    if (!step.ok) return { ok: false, response: errorResponse(step.response) };
    const session = step.value;
    return {
      ok: true,
      session,
      commit: async (response) => {
        const ended = await core.end(session, request, response.status);
        return ended.ok ? withSessionHeaders(response, ended.value) : errorResponse(ended.response);
      },
    };
  };

  return {
    begin,
    wrap:
      (handler) =>
      async (request, ...rest) => {
        const begun = await begin(request);
        if (!begun.ok) return begun.response;
        let response: Response;
        try {
          response = await handler(request, begun.session, ...rest);
        } catch (error) {
          if (!isSessionError(error)) throw error;
          response = errorResponse(core.fail(error, request, begun.session));
        }
        return begun.commit(response);
      },
  };
}

/** @internal Add the session headers on a copy: a `Response`'s own headers may be immutable. */
function withSessionHeaders(response: Response, headers: SessionHeaders): Response {
  const defaulted = headers.defaultCacheControl !== null && !response.headers.has('cache-control');
  if (headers.setCookie === null && headers.cacheControl === null && !defaulted) return response;
  const copy = new Headers(response.headers);
  if (headers.setCookie !== null) copy.append('set-cookie', headers.setCookie);
  if (headers.cacheControl !== null) copy.set('cache-control', headers.cacheControl);
  else if (defaulted) copy.set('cache-control', headers.defaultCacheControl!);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: copy,
  });
}
