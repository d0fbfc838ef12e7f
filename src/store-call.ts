/**
 * SEC-2: every store call has a timeout, and a fault becomes a typed `STORE_UNAVAILABLE` error: the
 * request fails closed instead of carrying on with an anonymous session.
 *
 * @packageDocumentation
 */
import { isSessionError, SessionError } from './errors.js';

/**
 * Run one store operation with a timeout. One promise settles it, either way: the operation's outcome
 * or the timer, whichever comes first (a request pays for no race of two promises).
 * @param what - the operation's name, for the message.
 * @param run - starts the operation.
 * @param timeoutMs - how long to wait.
 * @returns what the operation resolved to.
 * @throws SessionError `STORE_UNAVAILABLE` when it rejects or does not settle in time (with `cause`).
 */
export function callStore<T>(what: string, run: () => Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
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
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(
        isSessionError(error)
          ? error
          : new SessionError('STORE_UNAVAILABLE', `the session store failed on ${what}`, {
              cause: withoutArguments(error),
            }),
      );
    };
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      fail(error);
      return;
    }
    Promise.resolve(pending).then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, fail);
  });
}

/**
 * ID-2: the store's error as a cause that is safe to log. Clients attach the failed command and its
 * arguments to their errors (ioredis `command.args`, SQL parameters): the encoded record, both buckets,
 * the secret hashes. The cause keeps only the class name, a bounded message and a string `code`.
 * @param error - what the store threw.
 * @returns a plain error without the client's properties.
 * @internal
 */
export function withoutArguments(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`the store threw a non-Error value (${typeof error})`);
  const safe = new Error(String(error.message).slice(0, 200));
  safe.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') (safe as Error & { code?: string }).code = code.slice(0, 50);
  safe.stack = `${safe.name}: ${safe.message}`;
  return safe;
}

/** @returns a promise that resolves after `ms` (retry backoff; never used to make session time pass). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
