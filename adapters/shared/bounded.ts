/**
 * A bound on every call a networked store makes (SEC-2): no call waits longer than the store's
 * timeout, whatever the client's own settings, so an unreachable or stalled server fails the request
 * closed instead of holding it. Shared by the Redis and PostgreSQL adapters.
 *
 * @packageDocumentation
 */

/**
 * Bound `promise` by `ms` milliseconds.
 * @param what - who waited on what, for the message (e.g. `'sessionspec redis: read'`).
 * @param ms - the bound, or `false` for none.
 * @returns what `promise` settles to, or a rejection once `ms` have passed.
 * @internal
 */
export function bounded<T>(what: string, ms: number | false, promise: Promise<T>): Promise<T> {
  if (ms === false) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} got no reply within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
