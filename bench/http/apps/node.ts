/**
 * Variants on plain `node:http`: no session (the ceiling), a hand-rolled unsafe session (the floor of
 * what safety can cost), and sessionspec through its framework-free HTTP core (`sessionspec/http`).
 *
 * @packageDocumentation
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createHttpCore, type ErrorResponse, errorHeaders } from 'sessionspec/http';
import { ioredis, sessionspecManager } from '../backends.js';
import { type Gates, NotFound, peerRoute, sessionspecRoute, statelessRoute, target } from '../routes.js';
import { unsafeSessions } from '../unsafe.js';

/** @internal */
function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(body);
}

/** @internal */
function fail(res: ServerResponse, error: unknown): void {
  if (error instanceof NotFound) send(res, 404, 'not found');
  else send(res, 500, String(error));
}

/**
 * Plain node:http without a session.
 * @returns the request listener.
 */
export function plainNode(): RequestListener {
  return (req, res) => {
    try {
      send(res, 200, statelessRoute(target(req.url)));
    } catch (error) {
      fail(res, error);
    }
  };
}

/**
 * node:http with the hand-rolled unsafe session (`../unsafe.ts`).
 * @param port - the Redis port.
 * @param gates - the logout race's rendezvous points.
 * @returns the request listener.
 */
export async function unsafeNode(port: number, gates: Gates): Promise<RequestListener> {
  const open = unsafeSessions(await ioredis(port));
  return async (req, res) => {
    try {
      const session = await open(req.headers.cookie);
      const body = await peerRoute(target(req.url), session.peer, gates);
      const cookie = await session.finish();
      if (cookie !== undefined) res.setHeader('set-cookie', cookie);
      send(res, 200, body);
    } catch (error) {
      fail(res, error);
    }
  };
}

/**
 * sessionspec on plain node:http through the core every integration is built on (`sessionspec/http`):
 * `begin` loads the session, the handler runs, `end` commits and names the headers.
 * @param port - the Redis port.
 * @param gates - the logout race's rendezvous points.
 * @returns the request listener.
 */
export async function sessionspecNode(port: number, gates: Gates): Promise<RequestListener> {
  const core = createHttpCore<IncomingMessage>({
    manager: await sessionspecManager('redis', port, 'bench:node'),
  });
  const refuse = (res: ServerResponse, response: ErrorResponse) => {
    res.statusCode = response.status;
    for (const [name, value] of errorHeaders(response)) res.setHeader(name, value);
    res.end(response.body);
  };
  return async (req, res) => {
    try {
      const begun = await core.begin(
        {
          method: req.method ?? 'GET',
          cookie: req.headers.cookie,
          origin: req.headers.origin,
          secFetchSite: req.headers['sec-fetch-site'] as string | undefined,
          host: req.headers.host,
          path: (req.url ?? '/').split('?', 1)[0]!,
          // The benchmark serves plain HTTP on 127.0.0.1, a loopback host (SEC-1).
          secure: false,
          hostname: '127.0.0.1',
        },
        req,
      );
      if (!begun.ok) return refuse(res, begun.response);
      const body = await sessionspecRoute(target(req.url), begun.value, gates);
      const ended = await core.end(begun.value, req, 200);
      if (!ended.ok) return refuse(res, ended.response);
      if (ended.value.setCookie !== null) res.setHeader('set-cookie', ended.value.setCookie);
      const cacheControl = ended.value.cacheControl ?? ended.value.defaultCacheControl;
      if (cacheControl !== null) res.setHeader('cache-control', cacheControl);
      send(res, 200, body);
    } catch (error) {
      fail(res, error);
    }
  };
}
