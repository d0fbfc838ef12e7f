/**
 * SEC-7: the cross-site request check on unsafe methods, on by default, from `Sec-Fetch-Site` and
 * `Origin`, the same algorithm as Go's `http.CrossOriginProtection`. It complements `SameSite=Lax` (which
 * keeps the cookie off cross-site subrequests but not off a cross-site top-level form POST that logs the
 * victim into the attacker's account, login CSRF) for same-site attackers and for browsers without
 * SameSite.
 *
 * @packageDocumentation
 */

/** Options of the cross-site check. */
export interface CrossSiteOptions {
  /**
   * Origins (`scheme://host[:port]`) that may send unsafe requests from another site, such as a separate
   * front-end origin. Default none.
   */
  allowedOrigins?: readonly string[];
  /**
   * Paths (exact, such as `/oidc/callback`, or a `RegExp` tested on the path) whose unsafe requests
   * legitimately arrive from another site: an OpenID Connect `form_post` callback, a SAML POST binding,
   * a payment provider's return. The check does not apply to them; protect them as their protocol says
   * (`state`/`nonce`, a signed assertion, a signed notification). Default none.
   */
  exempt?: readonly (string | RegExp)[];
}

/** What the cross-site check reads from a request (part of `RequestFacts`). */
export interface OriginFacts {
  /** The request method, in any case. */
  method: string;
  /** The `Origin` header. */
  origin: string | null | undefined;
  /** The `Sec-Fetch-Site` header. */
  secFetchSite: string | null | undefined;
  /** The `Host` header (host and port) the request was sent to. */
  host: string | null | undefined;
  /** The request path, without the query string (for `exempt`). */
  path: string;
}

/** Thrown (and answered with 403) when the cross-site check refuses a request (SEC-7). */
export class CrossSiteRequestError extends Error {
  /** The HTTP status the integrations answer with. */
  readonly status = 403;

  /**
   * Make the error of a refused request.
   * @param message - why the request was refused; names only headers, never a cookie.
   */
  constructor(message: string) {
    super(message);
    this.name = 'CrossSiteRequestError';
  }
}

// SEC-7: TRACE is not listed: browsers never send it, and a server that answers it must not be reached
// cross-site with the session cookie.
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * SEC-7: build the cross-site check.
 * @param options - `true` or `undefined` for the defaults (on), `false` to turn it off, or the allowed
 *   origins and exempt paths.
 * @returns a function that returns `null` for an accepted request or the error for a refused one.
 * @throws TypeError when an allowed origin is not a bare `scheme://host[:port]`.
 * @internal
 */
export function createCrossSiteCheck(
  options: boolean | CrossSiteOptions | undefined,
): (facts: OriginFacts) => CrossSiteRequestError | null {
  if (options === false) return () => null;
  const settings = options === undefined || options === true ? {} : options;
  if (typeof settings !== 'object' || settings === null) {
    throw new TypeError('crossSiteCheck must be true, false or { allowedOrigins, exempt }');
  }
  const exempt = exemptPaths(settings.exempt);
  const allowed = new Set<string>();
  for (const origin of settings.allowedOrigins ?? []) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new TypeError(
        `allowedOrigins: ${JSON.stringify(origin)} is not an origin like https://app.example`,
      );
    }
    if (parsed.origin !== origin) {
      throw new TypeError(
        `allowedOrigins: ${JSON.stringify(origin)} must be a bare origin, such as ${JSON.stringify(parsed.origin)}`,
      );
    }
    allowed.add(origin);
  }
  return (facts) => {
    if (SAFE.has(facts.method.toUpperCase())) return null;
    if (exempt(facts.path)) return null;
    const origin = facts.origin ?? undefined;
    if (origin !== undefined && allowed.has(origin)) return null;
    const site = facts.secFetchSite ?? undefined;
    if (site !== undefined) {
      // `none` is a user-initiated navigation (typed address, bookmark): no other site is involved.
      if (site === 'same-origin' || site === 'none') return null;
      return refuse(facts, `Sec-Fetch-Site: ${site}`);
    }
    // Neither header: not a browser, or a browser too old to send them; SameSite still applies there.
    if (origin === undefined) return null;
    if (facts.host !== undefined && facts.host !== null && hostOf(origin) === facts.host.toLowerCase())
      return null;
    return refuse(facts, 'Origin does not match Host');
  };
}

/**
 * @internal The error of a refused request. Its message is the 403 body, so it names the options a
 * developer reaches for when a legitimate flow is refused.
 */
function refuse(facts: OriginFacts, why: string): CrossSiteRequestError {
  return new CrossSiteRequestError(
    `Forbidden: cross-site ${facts.method} refused (${why}) by the sessionspec ` +
      'cross-site check (SEC-7). A route that legitimately receives cross-site posts (OIDC form_post, ' +
      'SAML, a payment return) goes in `crossSiteCheck: { exempt: [path] }`; a trusted front-end origin ' +
      'in `crossSiteCheck: { allowedOrigins: [origin] }`.',
  );
}

/** @internal A matcher for the exempt paths, validated once. */
function exemptPaths(paths: readonly (string | RegExp)[] | undefined): (path: string) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const path of paths ?? []) {
    if (path instanceof RegExp) patterns.push(path);
    else if (typeof path === 'string' && path.startsWith('/')) exact.add(path);
    else
      throw new TypeError(
        `crossSiteCheck.exempt: ${JSON.stringify(path)} must be a path such as "/oidc/callback" or a RegExp`,
      );
  }
  if (exact.size === 0 && patterns.length === 0) return () => false;
  return (path) => exact.has(path) || patterns.some((pattern) => pattern.test(path));
}

/** @internal The host of an origin, or `null` for `null` and garbage. */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
