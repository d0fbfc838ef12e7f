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
 * (ID-2); anything else is named by its class only, since its message may carry whatever it was given.
 */
export function describeFailure(error: unknown): string {
  if (isSessionError(error)) return error.message;
  const name = error instanceof Error ? error.name : typeof error;
  return `unexpected ${name} in the session layer (the error was passed to onError)`;
}
