/**
 * `sessionspec/web` served from node:http: each request becomes a web-standard `Request`, the wrapped
 * handler answers a `Response`, and the bridge writes it back. The bridge is what any Node adapter of a
 * fetch-style framework does, so its cost is part of the figure.
 *
 * @packageDocumentation
 */
import type { RequestListener } from 'node:http';
import { createWebSessions } from 'sessionspec/web';
import { sessionspecManager } from '../backends.js';
import { type Gates, NotFound, sessionspecRoute, target } from '../routes.js';

/**
 * The `sessionspec/web` variant on Redis.
 * @param port - the Redis port.
 * @param gates - the logout race's rendezvous points.
 * @returns the request listener.
 */
export async function sessionspecWeb(port: number, gates: Gates): Promise<RequestListener> {
  const sessions = createWebSessions({ manager: await sessionspecManager('redis', port, 'bench:web') });
  const handler = sessions.wrap(async (request, session) => {
    try {
      const url = new URL(request.url);
      const body = await sessionspecRoute(target(url.pathname + url.search), session, gates);
      return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    } catch (error) {
      return new Response(String(error), { status: error instanceof NotFound ? 404 : 500 });
    }
  });
  return async (req, res) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const response = await handler(
      new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
      }),
    );
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value);
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    res.end(await response.text());
  };
}
