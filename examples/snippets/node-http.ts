/**
 * An integration for plain `node:http`, written as docs/guides/writing-an-integration.md says (a test
 * keeps the two identical, and node-http.test.ts runs the HTTP behaviour suite on it).
 *
 * @packageDocumentation
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  createHttpCore,
  type ErrorResponse,
  errorHeaders,
  type HttpSessionOptions,
  type RequestFacts,
} from '../../src/http/index.js';
import type { Session } from '../../src/index.js';

/** What a handler answers. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** A handler: the request and its session in, a reply out. */
export type Handler = (req: IncomingMessage, session: Session) => Promise<Reply>;

/** The integration's options: the core's, and whether `X-Forwarded-Proto` is trusted. */
export interface NodeSessionOptions extends HttpSessionOptions<IncomingMessage> {
  trustProxy?: boolean;
}

export function withSessions(options: NodeSessionOptions, handler: Handler): RequestListener {
  // One core per integration instance: a bad option throws here, at start-up.
  const core = createHttpCore(options);
  const trustProxy = options.trustProxy === true;

  return async (req, res) => {
    // 1. Before the handler: cross-site check, transport check, load.
    const begun = await core.begin(factsOf(req, trustProxy), req);
    if (!begun.ok) return sendError(res, begun.response);
    const session = begun.value;

    // 2. The handler; what it throws (a SessionError: 401, 409, 413, ...) becomes fail's response.
    let reply: Reply;
    try {
      reply = await handler(req, session);
    } catch (error) {
      const failed = core.fail(error, req, session);
      reply = { status: failed.status, headers: Object.fromEntries(errorHeaders(failed)), body: failed.body };
    }

    // 3. Before the headers: commit, then add the session headers (or answer the commit's failure).
    const ended = await core.end(session, req, reply.status);
    if (!ended.ok) return sendError(res, ended.response);
    const { setCookie, cacheControl, defaultCacheControl } = ended.value;
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (setCookie !== null) res.appendHeader('set-cookie', setCookie);
    if (cacheControl !== null) res.setHeader('cache-control', cacheControl);
    else if (defaultCacheControl !== null && !res.hasHeader('cache-control'))
      res.setHeader('cache-control', defaultCacheControl);
    res.end(reply.body);
  };
}

/** What the core reads from a request. */
function factsOf(req: IncomingMessage, trustProxy: boolean): RequestFacts {
  const forwarded = trustProxy
    ? first(req.headers['x-forwarded-proto'])?.split(',', 1)[0]?.trim()
    : undefined;
  const tls = 'encrypted' in req.socket && req.socket.encrypted === true;
  return {
    method: req.method ?? 'GET',
    cookie: req.headers.cookie,
    origin: req.headers.origin,
    secFetchSite: first(req.headers['sec-fetch-site']),
    host: req.headers.host,
    path: (req.url ?? '/').split('?', 1)[0]!,
    secure: forwarded === undefined ? tls : forwarded === 'https',
    hostname: hostnameOf(req.headers.host),
  };
}

/** The host name of a `Host` header, without the port (`[::1]` for IPv6), or `null`. */
function hostnameOf(host: string | undefined): string | null {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return null;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The error response, alone: no header the handler set goes with it. */
function sendError(res: ServerResponse, response: ErrorResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of errorHeaders(response)) res.setHeader(name, value);
  res.end(response.body);
}
