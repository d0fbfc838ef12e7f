/**
 * Logging of the HTTP integrations: one line per failed request (a store fault, a conflict, ...) and
 * one warning per misconfiguration, carrying the error code and the session id, never a token, a secret
 * hash or session data (ID-2).
 *
 * @packageDocumentation
 */
import { isSessionError } from '../errors.js';

/** What a log line carries besides its message. */
export interface LogFields {
  /** The `SessionError` code, `INSECURE_COOKIE` for a warning, or `UNEXPECTED` for anything else. */
  code: string;
  /** The session the request presented or held (not a credential, ID-1), or `null`. */
  sessionId: string | null;
}

/** Where the integrations log; `console` fits, and so do pino and winston loggers. */
export interface SessionLogger {
  /** A request failed (the response says so too). */
  error(message: string, fields: LogFields): void;
  /** A misconfiguration that does not fail requests (logged once). */
  warn(message: string, fields: LogFields): void;
}

/** @internal The default logger: the console, prefixed. */
export const consoleLogger: SessionLogger = {
  error: (message, fields) => console.error(`sessionspec ${fields.code}: ${message}`, fields),
  warn: (message, fields) => console.warn(`sessionspec ${fields.code}: ${message}`, fields),
};

/**
 * @internal The message of a failure for the log. A `SessionError`'s message names no secret or data
 * (ID-2), and neither does the store error under it (see {@link rootCause}), which says what the store
 * answered: a missing table reads differently from a server that is down. Anything else is named by its
 * class only, since its message may carry whatever it was given.
 */
export function describeFailure(error: unknown): string {
  if (isSessionError(error)) {
    const cause = rootCause(error);
    return cause === null ? error.message : `${error.message} (cause: ${cause})`;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return `unexpected ${name} in the session layer (the error was passed to onError)`;
}

/**
 * @internal The store's error under a session error, as `Name code: message`, or `null` when there is
 * none. The manager keeps only the class name, a bounded message and a string code of what a store
 * threw (`withoutArguments`, ID-2): no command arguments, record or hash reach it.
 */
function rootCause(error: Error): string | null {
  let cause: unknown = error.cause;
  // A session error may wrap another (a write whose outcome was read back), or list the faults.
  for (let depth = 0; depth < 4 && (Array.isArray(cause) || isSessionError(cause)); depth++) {
    cause = Array.isArray(cause) ? cause[0] : (cause as Error).cause;
  }
  if (!(cause instanceof Error)) return null;
  const code = (cause as { code?: unknown }).code;
  return `${cause.name}${typeof code === 'string' ? ` ${code}` : ''}: ${cause.message}`;
}
