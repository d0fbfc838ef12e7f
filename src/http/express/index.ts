/**
 * `sessionspec/express`: session middleware for Express 5, with a typed `req.session`.
 *
 * @packageDocumentation
 * @module sessionspec/express
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Session } from '../../session.js';
import { compatSession } from '../compat.js';
import {
  createHttpCore,
  type ErrorResponse,
  errorHeaders,
  type HttpCore,
  type HttpSessionOptions,
  type HttpStep,
  type SessionHeaders,
} from '../core.js';
import { guardSession } from '../habits.js';
import { handleOf, keepHandle } from './handles.js';

export type { SessionCookieOptions } from '../cookies.js';
export { defaultErrorResponse, type ErrorResponse, type HttpSessionOptions } from '../core.js';
export type { LogFields, SessionLogger } from '../log.js';
export { type CrossSiteOptions, CrossSiteRequestError } from '../origin.js';
export { type PassportLike, passportSessions } from './passport.js';

declare global {
  namespace Express {
    interface Request {
      /** The request's session, loaded by `sessionMiddleware` (sessionspec). */
      session: Session;
    }
  }
}

/** Options of {@link sessionMiddleware}; `onError` receives the Express request. */
export interface ExpressSessionOptions extends HttpSessionOptions<Request> {
  /**
   * Let code written for express-session (connect-flash, csrf-sync, ...) use `req.session` as it did:
   * properties are keys of the browser bucket (in-place changes of their values are found at commit by
   * deep comparison), and `regenerate`, `save`, `destroy` and `reload` take callbacks. Each key changed
   * that way is written whole: requests changing different keys still merge, the same key is
   * last-writer-wins. Default `false`: assigning a property or passing a callback throws a `TypeError`
   * naming the sessionspec way.
   */
  expressSessionCompat?: boolean;
}

/**
 * Session middleware for Express 5. Before the handler it loads the session named by the cookie (one
 * store read, none for a request without a well-formed token) into `req.session`; before the response
 * headers go out it commits the session and adds `Set-Cookie` and `Cache-Control: private, no-store`
 * when the cookie changes. A store that fails answers 503 and a persistent conflict 409 instead of the
 * handler's response (SEC-2); both through `onError`. Unsafe cross-site requests are refused with 403
 * (SEC-7), and a plain-HTTP request to a remote host fails with `INSECURE_COOKIE` outside production
 * (SEC-1): `req.secure` decides, so set Express's `trust proxy` behind a proxy that terminates TLS.
 * A `SessionError` thrown by a handler carries its status (`error.status`), which Express answers with.
 * @param options - the manager, cookie, cross-site check and error hook.
 * @returns the middleware.
 * @throws SessionError `INSECURE_COOKIE` for `cookie.secure: false` without `insecureDevelopmentCookie`.
 * @throws TypeError on an invalid option.
 * @example
 * ```ts
 * import express from 'express';
 * import { createSessionManager } from 'sessionspec';
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 * import { sessionMiddleware } from 'sessionspec/express';
 *
 * const app = express();
 * app.use(sessionMiddleware({ manager: createSessionManager({ store: createMemoryStore() }) }));
 * app.post('/cart', (req, res) => {
 *   req.session.update('cart', (cart) => [...((cart as string[] | undefined) ?? []), 'sku-1']);
 *   res.json(req.session.get('cart'));
 * });
 * ```
 */
export function sessionMiddleware(options: ExpressSessionOptions): RequestHandler {
  const core = createHttpCore(options);
  const compat = options.expressSessionCompat === true;
  return (req: Request, res: Response, next: NextFunction) => {
    const facts = {
      method: req.method,
      cookie: req.headers.cookie,
      origin: req.headers.origin,
      secFetchSite: single(req.headers['sec-fetch-site']),
      host: req.headers.host,
      path: req.path,
      // `req.secure` and `req.hostname` follow the app's `trust proxy` setting.
      secure: req.secure,
      hostname: req.hostname,
    };
    core.begin(facts, req).then(
      (step) => {
        if (!step.ok) {
          sendError(res, step.response, res.end as unknown as Writer);
          return;
        }
        const view = compat ? compatSession(step.value) : { session: guardSession(step.value), flush: noop };
        (req as unknown as { session: Session }).session = view.session;
        keepHandle(req, step.value);
        commitBeforeHeaders(core, req, res, step.value, view.flush);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * The session of a request, typed without relying on the `req.session` declaration, for programs that
 * also load another library declaring `req.session` (such as `@types/express-session` during a
 * migration), where TypeScript keeps only one of the two declarations. With `expressSessionCompat` it
 * is the session handle itself, without the property mapping.
 * @param req - a request that went through `sessionMiddleware`.
 * @returns its session.
 * @throws TypeError when the middleware did not load a session for this request.
 */
export function sessionOf(req: Request): Session {
  const session = handleOf(req);
  if (session === undefined) {
    throw new TypeError(
      'no sessionspec session on this request: install sessionMiddleware before this route',
    );
  }
  return session;
}

type Writer = (...args: unknown[]) => unknown;

/**
 * Hold the first `writeHead`, `write` or `end` of the response until the commit has settled, then add
 * the session headers and replay what was held. A synchronous `res.send` therefore still waits for an
 * asynchronous commit, and a failed commit replaces the handler's response (SEC-2) instead of
 * confirming a change that was not saved.
 * @internal
 */
function commitBeforeHeaders(
  core: HttpCore<Request>,
  req: Request,
  res: ServerResponse,
  session: Session,
  flush: () => void,
) {
  const held = new HeldResponse(core, req, res, session, flush);
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    return held.writeHead(this, args);
  } as typeof res.writeHead;
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    return held.write(this, args);
  } as typeof res.write;
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    return held.end(this, args);
  } as typeof res.end;
}

/**
 * @internal One response while its session commits: the response's own methods, what the handler
 * wrote meanwhile, and the commit's progress. One object per request; its methods are shared.
 */
class HeldResponse {
  private readonly original: { writeHead: Writer; write: Writer; end: Writer };
  private head: unknown[] | null = null;
  private calls: Array<{ fn: Writer; args: unknown[] }> = [];
  private state: 'open' | 'committing' | 'done' = 'open';

  constructor(
    private readonly core: HttpCore<Request>,
    private readonly req: Request,
    private readonly res: ServerResponse,
    private readonly session: Session,
    private readonly flush: () => void,
  ) {
    this.original = {
      writeHead: res.writeHead as unknown as Writer,
      write: res.write as unknown as Writer,
      end: res.end as unknown as Writer,
    };
  }

  writeHead(target: ServerResponse, args: unknown[]): unknown {
    if (this.state === 'done') return this.original.writeHead.apply(target, args);
    this.head = args;
    return target;
  }

  write(target: ServerResponse, args: unknown[]): unknown {
    if (this.state === 'done') return this.original.write.apply(target, args);
    this.calls.push({ fn: this.original.write, args });
    this.start();
    return true;
  }

  end(target: ServerResponse, args: unknown[]): unknown {
    if (this.state === 'done') return this.original.end.apply(target, args);
    this.calls.push({ fn: this.original.end, args });
    this.start();
    return target;
  }

  /** The first write: commit, then send what was held. */
  private start(): void {
    if (this.state !== 'open') return;
    this.state = 'committing';
    const { core, req, session, head } = this;
    const status = head !== null && typeof head[0] === 'number' ? head[0] : this.res.statusCode;
    const failed = (error: unknown): HttpStep<SessionHeaders> => ({
      ok: false,
      response: core.fail(error, req, session),
    });
    let ending: Promise<HttpStep<SessionHeaders>>;
    try {
      // Properties changed in place through the compatibility surface join the patch first.
      this.flush();
      ending = core.end(session, req, status);
    } catch (error) {
      ending = Promise.resolve(failed(error));
    }
    void ending.then(
      (step) => this.finish(step),
      (error: unknown) => this.finish(failed(error)),
    );
  }

  /** Put the response's methods back, add the session headers and replay what was held. */
  private finish(step: HttpStep<SessionHeaders>): void {
    const { res, original } = this;
    this.state = 'done';
    res.writeHead = original.writeHead as typeof res.writeHead;
    res.write = original.write as typeof res.write;
    res.end = original.end as typeof res.end;
    const { head, calls } = this;
    this.head = null;
    this.calls = [];
    if (!step.ok) {
      sendError(res, step.response, original.end);
      return;
    }
    if (!res.headersSent) {
      if (head !== null) applyHeadHeaders(res, head);
      if (step.value.setCookie !== null) res.appendHeader('set-cookie', step.value.setCookie);
      if (step.value.cacheControl !== null) res.setHeader('cache-control', step.value.cacheControl);
      else if (step.value.defaultCacheControl !== null && !res.hasHeader('cache-control'))
        res.setHeader('cache-control', step.value.defaultCacheControl);
      if (head !== null) original.writeHead.apply(res, head.slice(0, typeof head[1] === 'string' ? 2 : 1));
    }
    for (const call of calls) call.fn.apply(res, call.args);
  }
}

/**
 * Move the headers passed to a held `writeHead(status, [message], headers)` onto the response, so the
 * session headers are added after them (our `Cache-Control` wins) and the replayed call only sets the
 * status.
 * @internal
 */
function applyHeadHeaders(res: ServerResponse, head: unknown[]): void {
  const headers = typeof head[1] === 'string' ? head[2] : head[1];
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    // Raw [name, value, name, value, ...] form.
    for (let i = 0; i + 1 < headers.length; i += 2)
      res.appendHeader(String(headers[i]), headers[i + 1] as string);
    return;
  }
  for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
    if (value !== undefined) res.setHeader(name, value);
  }
}

/** @internal Replace whatever the response holds with the error response. */
function sendError(res: ServerResponse<IncomingMessage>, response: ErrorResponse, end: Writer): void {
  if (res.headersSent) {
    // Cannot happen while the commit holds the headers; if it does, cut the response rather than lie.
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = response.status;
  for (const [name, value] of errorHeaders(response)) res.setHeader(name, value);
  end.call(res, response.body);
}

/** @internal */
function noop(): void {}

/** @internal */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
