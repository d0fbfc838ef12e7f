/**
 * `sessionspec/fastify`: a session plugin for Fastify 5, with a typed `request.session`.
 *
 * @packageDocumentation
 * @module sessionspec/fastify
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../../session.js';
import { createHttpCore, type ErrorResponse, errorHeaders, type HttpSessionOptions } from '../core.js';
import { guardSession } from '../habits.js';

export type { SessionCookieOptions } from '../cookies.js';
export { defaultErrorResponse, type ErrorResponse, type HttpSessionOptions } from '../core.js';
export type { LogFields, SessionLogger } from '../log.js';
export { type CrossSiteOptions, CrossSiteRequestError } from '../origin.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's session, loaded by `sessionPlugin` (sessionspec). */
    session: Session;
  }
}

/** Options of {@link sessionPlugin}; `onError` receives the Fastify request. */
export type FastifySessionOptions = HttpSessionOptions<FastifyRequest>;

const plugin: FastifyPluginAsync<FastifySessionOptions> = async (fastify, options) => {
  const core = createHttpCore(options);
  // The handles themselves, for the commit (the request shows a guarded view of each).
  const sessions = new WeakMap<FastifyRequest, Session>();
  fastify.decorateRequest('session', null as never);

  fastify.addHook('onRequest', async (request, reply) => {
    const step = await core.begin(
      {
        method: request.method,
        cookie: request.headers.cookie,
        origin: request.headers.origin,
        secFetchSite: single(request.headers['sec-fetch-site']),
        host: request.headers.host,
        path: request.url.split('?', 1)[0]!,
        // `protocol` and `hostname` follow Fastify's `trustProxy` option.
        secure: request.protocol === 'https',
        hostname: request.hostname,
      },
      request,
    );
    if (!step.ok) {
      // SEC-2, SEC-7: answer here; the handler never runs without its real session.
      return sendError(reply, step.response);
    }
    holder(request).session = guardSession(step.value);
    sessions.set(request, step.value);
  });

  // onSend runs after serialisation and before the headers go out: the one place to commit.
  fastify.addHook('onSend', async (request, reply, payload) => {
    const session = sessions.get(request);
    if (session === undefined) return payload;
    const step = await core.end(session, request, reply.statusCode);
    if (!step.ok) {
      for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
      prepareError(reply, step.response);
      return step.response.body;
    }
    if (step.value.setCookie !== null) reply.header('set-cookie', step.value.setCookie);
    if (step.value.cacheControl !== null) reply.header('cache-control', step.value.cacheControl);
    else if (step.value.defaultCacheControl !== null && !reply.hasHeader('cache-control'))
      reply.header('cache-control', step.value.defaultCacheControl);
    return payload;
  });
};

/**
 * Session plugin for Fastify 5, named `sessionspec`; it applies to the whole instance it is registered on.
 * An `onRequest` hook loads the session named by the cookie into `request.session` (one store read, none
 * for a request without a well-formed token); an `onSend` hook commits it before the headers go out and
 * adds `Set-Cookie` and `Cache-Control: private, no-store` when the cookie changes. A store that fails
 * answers 503 and a persistent conflict 409 instead of the handler's response (SEC-2); both through
 * `onError`. Unsafe cross-site requests are refused with 403 (SEC-7), and a plain-HTTP request to a
 * remote host fails with `INSECURE_COOKIE` outside production (SEC-1): `request.protocol` decides, so set
 * Fastify's `trustProxy` behind a proxy that terminates TLS. A `SessionError` thrown by a handler
 * carries its status (`error.status`), which Fastify answers with.
 * @param fastify - the instance (passed by `register`).
 * @param options - the manager, cookie, cross-site check and error hook.
 * @throws SessionError `INSECURE_COOKIE` for `cookie.secure: false` without `insecureDevelopmentCookie`.
 * @throws TypeError on an invalid option.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createSessionManager } from 'sessionspec';
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 * import { sessionPlugin } from 'sessionspec/fastify';
 *
 * const app = Fastify();
 * await app.register(sessionPlugin, { manager: createSessionManager({ store: createMemoryStore() }) });
 * app.post('/login', async (request) => {
 *   request.session.authenticate('user-42');
 *   return { user: request.session.userId };
 * });
 * ```
 */
export const sessionPlugin: FastifyPluginAsync<FastifySessionOptions> = Object.assign(plugin, {
  // The metadata `fastify-plugin` would set, without a dependency for applications on other frameworks:
  // not encapsulated (the hooks reach every route), the name `hasPlugin` knows, and the Fastify range
  // `register` checks.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'sessionspec',
  [Symbol.for('plugin-meta')]: { name: 'sessionspec', fastify: '5.x' },
});

/**
 * The session of a request, typed without relying on the `request.session` declaration, for programs
 * that also load another library declaring `request.session` (such as `@fastify/session` during a
 * migration), where TypeScript keeps only one of the two declarations.
 * @param request - a request that went through `sessionPlugin`.
 * @returns its session.
 * @throws TypeError when the plugin did not load a session for this request.
 */
export function sessionOf(request: FastifyRequest): Session {
  const session = holder(request).session;
  if (session === null || session === undefined) {
    throw new TypeError('no sessionspec session on this request: register sessionPlugin before this route');
  }
  return session;
}

/** @internal Reads and writes `request.session` without depending on whose declaration TypeScript kept. */
function holder(request: FastifyRequest): { session: Session | null | undefined } {
  return request as unknown as { session: Session | null | undefined };
}

/** @internal */
function prepareError(reply: FastifyReply, response: ErrorResponse): void {
  reply.code(response.status);
  for (const [name, value] of errorHeaders(response)) reply.header(name, value);
}

/** @internal */
function sendError(reply: FastifyReply, response: ErrorResponse): FastifyReply {
  prepareError(reply, response);
  return reply.send(response.body);
}

/** @internal */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
