/**
 * The one error class of sessionspec, with a stable `code` (documented in `docs/errors.md`).
 *
 * @packageDocumentation
 */

/** Stable error codes. A code never changes meaning. */
export type SessionErrorCode =
  /** The store failed or timed out (SEC-2); HTTP integrations answer 503. */
  | 'STORE_UNAVAILABLE'
  /** Compare-and-set kept conflicting after the bounded retries (CC-2); HTTP 409. */
  | 'CONFLICT'
  /** The session was ended (or expired) while this request held it; nothing was written (CC-4). */
  | 'SESSION_GONE'
  /** A value or the whole record is larger than `maxSize` (ST-6). */
  | 'PAYLOAD_TOO_LARGE'
  /** A write's reply was lost and whether it was applied cannot be established (CC-7). */
  | 'INDETERMINATE'
  /** A lifecycle call on a request that presented the previous secret inside its grace window (CC-6). */
  | 'GRACE_CREDENTIAL'
  /**
   * A change on a request that presented a secret its session has replaced, e.g. the same page's other
   * request sent with the cookie of before a login or rotation (ID-3, CC-6): served as anonymous, it may
   * not write, so that it never replaces the browser's newer cookie; HTTP 409.
   */
  | 'STALE_CREDENTIAL'
  /** A user-only operation on an anonymous session (LC-2). */
  | 'NOT_AUTHENTICATED'
  /** `withLock` could not take the lock in time, or the store has no locks (CC-5). */
  | 'LOCK_UNAVAILABLE'
  /** The per-user cap refused a new login (LC-12). */
  | 'USER_CAP_REACHED'
  /** A cookie without `Secure` was requested without the explicit development option (SEC-1). */
  | 'INSECURE_COOKIE';

const BRAND = Symbol.for('sessionspec.SessionError');

/**
 * The HTTP status of each code, as `docs/errors.md` lists it. The integrations answer a failed load or
 * commit with it, and `SessionError.status` carries it, so an error thrown in a handler reaches the
 * client with the same status through Express's and Fastify's own error handling.
 */
export const HTTP_STATUS: Readonly<Record<SessionErrorCode, number>> = {
  STORE_UNAVAILABLE: 503,
  CONFLICT: 409,
  SESSION_GONE: 409,
  PAYLOAD_TOO_LARGE: 413,
  INDETERMINATE: 503,
  GRACE_CREDENTIAL: 409,
  STALE_CREDENTIAL: 409,
  NOT_AUTHENTICATED: 401,
  LOCK_UNAVAILABLE: 503,
  USER_CAP_REACHED: 403,
  INSECURE_COOKIE: 500,
};

/**
 * An expected failure of a session operation, with a stable `code` and the underlying `cause`.
 * Recognise it across copies of the package with {@link isSessionError}, not `instanceof`.
 *
 * @example
 * ```ts
 * try { await session.commit(); } catch (e) {
 *   if (isSessionError(e) && e.code === 'STORE_UNAVAILABLE') res.status(503);
 * }
 * ```
 */
export class SessionError extends Error {
  /** The stable code. */
  readonly code: SessionErrorCode;
  /** @internal */
  readonly [BRAND] = true;

  /**
   * Make an error with a stable code.
   * @param code - the stable code.
   * @param message - what happened, never containing a secret (ID-2).
   * @param options - `cause`: the underlying error.
   */
  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionError';
    this.code = code;
  }

  /**
   * The HTTP status `docs/errors.md` lists for the code ({@link HTTP_STATUS}). Express's final handler
   * and Fastify's error handler read `status`, so a session error thrown in a handler keeps it.
   */
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

/**
 * Whether `value` is a {@link SessionError}, from any copy of sessionspec.
 * @param value - anything caught.
 * @param code - optionally, the code it must have.
 * @returns true when it is a SessionError (with that code).
 */
export function isSessionError(value: unknown, code?: SessionErrorCode): value is SessionError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [BRAND]?: unknown })[BRAND] === true &&
    (code === undefined || (value as SessionError).code === code)
  );
}
