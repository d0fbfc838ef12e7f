/**
 * The clients of the HTTP behaviour suite: `fetch` with a one-cookie jar, `node:http` for what `fetch`
 * refuses to send (a `Host` of our choice, TRACE), and a raw socket for bytes no client library sends.
 *
 * @packageDocumentation
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { parseSetCookie, type SetCookie } from 'cookie';

/** One response, as the suite sees it. */
export interface Reply {
  status: number;
  body: string;
  json: Record<string, unknown>;
  cookies: SetCookie[];
  headers: Headers;
}

/** A client with a one-cookie jar: it keeps whatever session cookie the server sets or clears. */
export class Client {
  token: string | undefined;
  constructor(
    readonly url: string,
    readonly name = '__Host-sid',
  ) {}

  async send(method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await fetch(this.url + path, {
      method,
      headers: { ...(this.token === undefined ? {} : { cookie: `${this.name}=${this.token}` }), ...headers },
      redirect: 'manual',
    });
    const body = await response.text();
    const cookies = response.headers.getSetCookie().map((c) => parseSetCookie(c));
    for (const c of cookies) {
      if (c.name !== this.name) continue;
      this.token = c.maxAge === 0 ? undefined : c.value;
    }
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {}
    return { status: response.status, body, json, cookies, headers: response.headers };
  }
  get(path: string, headers?: Record<string, string>) {
    return this.send('GET', path, headers);
  }
  post(path: string, headers?: Record<string, string>) {
    return this.send('POST', path, headers);
  }
}

/**
 * Send one request through `node:http`, for what `fetch` refuses: a `Host` header of our choice (a
 * remote host name on the loopback server) and the TRACE method.
 */
export function nodeRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; setCookie: string[]; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          setCookie: res.headers['set-cookie'] ?? [],
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Send raw bytes as one HTTP/1.1 request and return the status (0 when the server just closed). */
export function rawRequest(url: string, head: Buffer): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.end(head);
  });
}
