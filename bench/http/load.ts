/**
 * HTTP load with autocannon where every connection is one browser: it keeps the cookies its responses
 * set and sends them back, so a session-keeping variant serves one session per connection.
 *
 * @packageDocumentation
 */
import autocannon from 'autocannon';

/** `read`: read-only requests on an existing session; `incr`: read-increment-save. */
export type Scenario = 'read' | 'incr';

/** The outcome of one measurement. */
export interface LoadResult {
  requestsPerSecond: number;
  /** Responses received. */
  requests: number;
  /** Responses that were not 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Read-only responses that found no session although the connection had its cookie. */
  misses: number;
}

/**
 * Update a connection's cookie jar from `Set-Cookie` headers: a value is kept, an empty value or
 * `Max-Age=0` drops the cookie.
 * @param jar - name to value.
 * @param headers - the response headers, names as sent.
 */
export function keepCookies(jar: Map<string, string>, headers: Record<string, string | string[]>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    for (const line of Array.isArray(value) ? value : [value]) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie = pair.slice(0, eq).trim();
      const content = pair.slice(eq + 1).trim();
      if (content === '' || /;\s*max-age=0\b/i.test(line)) jar.delete(cookie);
      else jar.set(cookie, content);
    }
  }
}

/**
 * The `Cookie` header a jar sends.
 * @param jar - name to value.
 * @returns the header value, or `undefined` when the jar is empty.
 */
export function cookieHeader(jar: Map<string, string>): string | undefined {
  if (jar.size === 0) return undefined;
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** A connection as autocannon hands it to `setupClient`. @internal */
interface Client {
  setRequests(requests: autocannon.Request[]): void;
}

/**
 * Load `url` for `seconds` from `connections` connections, each with its own cookie jar. In `read`,
 * a connection without a cookie first sends `POST /incr` (which creates its session), then `GET /read`.
 * @param url - the server's base URL.
 * @param scenario - which requests.
 * @param connections - concurrent connections.
 * @param seconds - duration.
 * @returns requests per second and what went wrong.
 */
export async function load(
  url: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  let misses = 0;
  const setupClient = (client: Client) => {
    const jar = new Map<string, string>();
    let reading = false;
    client.setRequests([
      {
        setupRequest: (request) => {
          const cookie = cookieHeader(jar);
          reading = scenario === 'read' && cookie !== undefined;
          request.method = reading ? 'GET' : 'POST';
          request.path = reading ? '/read' : '/incr';
          request.headers = cookie === undefined ? {} : { cookie };
          return request;
        },
        onResponse: (_status, body, _context, headers) => {
          if (reading && body === 'none' && jar.size > 0) misses += 1;
          keepCookies(jar, (headers ?? {}) as Record<string, string | string[]>);
        },
      },
    ]);
  };
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    setupClient: setupClient as unknown as NonNullable<autocannon.Options['setupClient']>,
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    misses,
  };
}
