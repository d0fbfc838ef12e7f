/**
 * Serve a web-standard `fetch` handler through `node:http` (Node 20 has no built-in
 * server for `Request`/`Response`). A request whose headers `Headers` refuses gets 400, as a runtime with
 * native support would answer.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/**
 * Start an HTTP server on 127.0.0.1 (port 0) that hands each request to `handler`.
 * @param handler - the web-standard handler.
 * @returns the base URL and a close function.
 */
export async function serveWeb(
  handler: (request: Request) => Promise<Response>,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let response: Response;
    try {
      response = await handler(request);
    } catch {
      res.writeHead(500).end();
      return;
    }
    const cookies = response.headers.getSetCookie();
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value);
    });
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** @internal */
function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const body =
    method === 'GET' || method === 'HEAD' ? null : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method,
    headers,
    body,
    ...(body === null ? {} : { duplex: 'half' }),
  } as RequestInit);
}
