/**
 * SEC-2: every store call has a timeout, and a fault becomes a typed `STORE_UNAVAILABLE` error: the
 * request fails closed instead of carrying on with an anonymous session.
 *
 * @packageDocumentation
 */
import { isSessionError, SessionError } from './errors.js';

/**
 * Run one store operation with a timeout.
 * @param what - the operation's name, for the message.
 * @param run - starts the operation.
 * @param timeoutMs - how long to wait.
 * @returns what the operation resolved to.
 * @throws SessionError `STORE_UNAVAILABLE` when it rejects or does not settle in time (with `cause`).
 */
export async function callStore<T>(what: string, run: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SessionError(
            'STORE_UNAVAILABLE',
            `the session store did not answer ${what} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    if (isSessionError(error)) throw error;
    throw new SessionError('STORE_UNAVAILABLE', `the session store failed on ${what}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** @returns a promise that resolves after `ms` (retry backoff; never used to make session time pass). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
