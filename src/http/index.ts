/**
 * `sessionspec/http`: the core every HTTP integration of sessionspec is built on, for authors of an
 * integration with another framework. {@link createHttpCore} gives three calls: `begin` before the
 * handler (cookie, cross-site check, transport, load), `end` before the response headers (commit and
 * the headers to add), and `fail` for a `SessionError` a handler threw. The guide
 * `docs/guides/writing-an-integration.md` walks through one; `sessionspec/http/testing` is the suite
 * an integration must pass.
 *
 * @packageDocumentation
 * @module sessionspec/http
 */
export type { SessionCookieOptions } from './cookies.js';
export {
  createHttpCore,
  defaultErrorResponse,
  type ErrorResponse,
  errorHeaders,
  type HttpCore,
  type HttpSessionOptions,
  type HttpStep,
  type RequestFacts,
  type SessionHeaders,
} from './core.js';
export type { LogFields, SessionLogger } from './log.js';
export { type CrossSiteOptions, CrossSiteRequestError, type OriginFacts } from './origin.js';
