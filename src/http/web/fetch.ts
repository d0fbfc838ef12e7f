/**
 * The web-standard `Request` and `Response` as the core reads and answers them: the request facts of a
 * `Request`, and the `Response` of an error. Shared by `sessionspec/web` and `sessionspec/hono`.
 *
 * @packageDocumentation
 */
import { type ErrorResponse, errorHeaders, type RequestFacts } from '../core.js';

/**
 * @internal What the core reads from a `Request`.
 * @param request - the request.
 * @param trustProxy - whether `X-Forwarded-Proto` says if the request arrived over HTTPS (SEC-1).
 * @returns the facts.
 */
export function requestFacts(request: Request, trustProxy: boolean): RequestFacts {
  const { headers } = request;
  const url = new URL(request.url);
  const forwarded = trustProxy ? headers.get('x-forwarded-proto')?.split(',', 1)[0]?.trim() : undefined;
  return {
    method: request.method,
    cookie: headers.get('cookie'),
    origin: headers.get('origin'),
    secFetchSite: headers.get('sec-fetch-site'),
    host: headers.get('host') ?? url.host,
    path: url.pathname,
    secure: (forwarded ?? url.protocol.slice(0, -1)) === 'https',
    hostname: url.hostname,
  };
}

/**
 * @internal The `Response` of an error response.
 * @param response - the error response.
 * @returns a `text/plain` response that no cache keeps.
 */
export function errorResponse(response: ErrorResponse): Response {
  return new Response(response.body, { status: response.status, headers: errorHeaders(response) });
}
