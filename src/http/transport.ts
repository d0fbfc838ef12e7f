/**
 * SEC-1: plain HTTP at request time. Browsers drop a `Secure` cookie set over plain HTTP on any host but
 * a loopback one, without an error: every request then starts a new session. The core detects it from
 * what the framework says about the request (its trust-proxy setting applies).
 *
 * @packageDocumentation
 */

/**
 * @internal Whether a host name is loopback, where browsers accept `Secure` cookies over plain HTTP:
 * `localhost` and its subdomains, 127.0.0.0/8 and `::1`.
 */
export function isLoopback(hostname: string | null | undefined): boolean {
  if (typeof hostname !== 'string') return false;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '[::1]' ||
    host === '::1'
  );
}

/** @internal The message of `INSECURE_COOKIE` for a plain-HTTP request: what happens and the fixes. */
export function plainHttpMessage(hostname: string | null | undefined): string {
  const host = typeof hostname === 'string' ? hostname.slice(0, 100) : 'this host';
  return (
    `a request reached ${host} over plain HTTP: browsers drop the Secure session cookie there, so every ` +
    'request would start a new session. Serve HTTPS; behind a proxy that terminates TLS, enable the ' +
    "framework's trust-proxy setting (Express: app.set('trust proxy', 1); Fastify: { trustProxy: true }; " +
    'sessionspec/web: trustProxy: true); for plain-HTTP local development use http://localhost or pass ' +
    '`insecureDevelopmentCookie: true`.'
  );
}
