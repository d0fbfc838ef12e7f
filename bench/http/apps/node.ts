/**
 * Variants on plain `node:http`: no session (the ceiling), a hand-rolled unsafe session (the floor of
 * what safety can cost), and sessionspec through its framework-free HTTP core (`sessionspec/http`).
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createHttpCore, type ErrorResponse, errorHeaders } from 'sessionspec/http';
import { ioredis, sessionspecManager } from '../backends.js';
import { type Gates, NotFound, peerRoute, sessionspecRoute, statelessRoute, target } from '../routes.js';

const TTL_MS = 30 * 60_000;

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
 * A session as people write one by hand: a random id in a cookie, the JSON in Redis under that id,
 * `GET` on the way in and `SET` on the way out when something changed. No compare-and-set, no hashing
 * of the id, no lifecycle: it loses updates and resurrects sessions, and it is as fast as a session in
 * Redis can be.
 * @param port - the Redis port.
 * @param gates - the logout race's rendezvous points.
 * @returns the request listener.
 */
export async function unsafeNode(port: number, gates: Gates): Promise<RequestListener> {
  const redis = await ioredis(port);
  return async (req, res) => {
    try {
      const sid = /(?:^|;\s*)sid=([0-9a-f]{32})/.exec(req.headers.cookie ?? '')?.[1];
      const stored = sid === undefined ? null : await redis.get(`unsafe:${sid}`);
      const data = (stored === null ? {} : JSON.parse(stored)) as Record<string, unknown>;
      let changed = false;
      let destroyed = false;
      const body = await peerRoute(
        target(req.url),
        {
          get: (key) => data[key],
          set: (key, value) => {
            data[key] = value;
            changed = true;
          },
          destroy: async () => {
            if (sid !== undefined) await redis.del(`unsafe:${sid}`);
            destroyed = true;
          },
        },
        gates,
      );
      if (destroyed) res.setHeader('set-cookie', 'sid=; Path=/; Max-Age=0; HttpOnly');
      else if (changed) {
        const id = stored === null ? randomBytes(16).toString('hex') : sid!;
        await redis.set(`unsafe:${id}`, JSON.stringify(data), 'PX', TTL_MS);
        if (id !== sid) res.setHeader('set-cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
      }
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
