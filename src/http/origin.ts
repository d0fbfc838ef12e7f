/**
 * SEC-7: the opt-in cross-site request check on unsafe methods, from `Sec-Fetch-Site` and `Origin`, the
 * same algorithm as Go's `http.CrossOriginProtection`. It complements `SameSite=Lax` (which already keeps
 * the cookie off cross-site subrequests) for same-site attackers and for browsers without SameSite.
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
}

/** What the check reads from a request. @internal */
export interface OriginFacts {
  method: string;
  /** The `Origin` header. */
  origin: string | null | undefined;
  /** The `Sec-Fetch-Site` header. */
  secFetchSite: string | null | undefined;
  /** The `Host` header (host and port) the request was sent to. */
  host: string | null | undefined;
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

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * SEC-7: build the cross-site check.
 * @param options - `true` for the defaults, or the allowed origins.
 * @returns a function that returns `null` for an accepted request or the error for a refused one.
 * @throws TypeError when an allowed origin is not a bare `scheme://host[:port]`.
 * @internal
 */
export function createCrossSiteCheck(
  options: boolean | CrossSiteOptions | undefined,
): (facts: OriginFacts) => CrossSiteRequestError | null {
  if (options === undefined || options === false) return () => null;
  const allowed = new Set<string>();
  for (const origin of options === true ? [] : (options.allowedOrigins ?? [])) {
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
    const origin = facts.origin ?? undefined;
    if (origin !== undefined && allowed.has(origin)) return null;
    const site = facts.secFetchSite ?? undefined;
    if (site !== undefined) {
      // `none` is a user-initiated navigation (typed address, bookmark): no other site is involved.
      if (site === 'same-origin' || site === 'none') return null;
      return new CrossSiteRequestError(`cross-site ${facts.method} refused (Sec-Fetch-Site: ${site})`);
    }
    // Neither header: not a browser, or a browser too old to send them; SameSite still applies there.
    if (origin === undefined) return null;
    if (facts.host !== undefined && facts.host !== null && hostOf(origin) === facts.host.toLowerCase())
      return null;
    return new CrossSiteRequestError(`cross-site ${facts.method} refused (Origin does not match Host)`);
  };
}

/** @internal The host of an origin, or `null` for `null` and garbage. */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
