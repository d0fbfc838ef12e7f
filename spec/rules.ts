/**
 * The lifecycle rules that are not transitions, each written once as a pure function beside the
 * machine: the machine's guards call them, and so does the session manager. Nothing else restates them.
 * (The conformance kit keeps its own model of each on purpose: an oracle that shared these functions
 * could not catch a bug in them.)
 *
 * @packageDocumentation
 */
import type { Presented, SessionContext, SessionEventType, SessionState, TerminalState } from './machine.js';
import { parseRetired, RETIRED_HASH_CHARS, type RetireReason } from './retired.js';

/** The secret fields of a record or context (ID-2: hashes only). */
export type SecretFields = Pick<
  SessionContext,
  'secretHash' | 'previousHash' | 'previousUntil' | 'previousReason' | 'retired'
>;

/** Compares two secret hashes; the manager passes a constant-time comparison (ID-2). */
export type HashEquals = (a: string, b: string) => boolean;

/**
 * CC-6: the previous secret is still accepted at `now` (its grace window is open).
 * @param context - the session's `previousUntil`.
 * @param now - the instant of the request.
 * @returns whether `now < previousUntil`.
 */
export function graceOpen(context: Pick<SessionContext, 'previousUntil'>, now: number): boolean {
  return context.previousUntil !== null && now < context.previousUntil;
}

/**
 * CC-6: how long after a plain rotation a late replaced secret is still taken for the same page's
 * other request rather than a thief's, so `endOnReuse` does not end the session yet (it is only
 * rejected and reported): 10 s, enough for a request sent before the rotating response arrived.
 */
export const REUSE_RACE_MARGIN = 10_000;

/**
 * CC-6: what the session remembers of a replaced secret it was presented with.
 */
export interface Retirement {
  /** When the secret stopped being accepted: the end of its grace window, or its retirement. */
  until: number;
  /**
   * What separates it from the session's current secret: `'r'` when only plain rotations retired
   * secrets since it (it included), so the current secret descends from it by rotations alone; else the
   * newest login, user switch or re-authentication (`'a'`), credential change (`'c'`) or logout (`'l'`)
   * among those retirements.
   */
  separatedBy: RetireReason;
}

/**
 * CC-6, ID-3: find a replaced secret among the session's remembered ones, newest first: the previous
 * secret (its full hash) and then the ring of older ones (the first {@link RETIRED_HASH_CHARS}
 * characters of the hash; they only classify a secret that is refused anyway).
 * @param hash - SHA-256 of the presented secret.
 * @param context - the session's secret fields.
 * @param equal - the comparison (constant-time in the manager).
 * @returns its retirement, or `null` for a secret the session never had or has forgotten.
 */
export function retirementOf(hash: string, context: SecretFields, equal: HashEquals): Retirement | null {
  const { previousHash, previousUntil, previousReason } = context;
  if (previousHash === null || previousUntil === null || previousReason === null) return null;
  let separatedBy = previousReason;
  if (equal(hash, previousHash)) return { until: previousUntil, separatedBy };
  const short = hash.slice(0, RETIRED_HASH_CHARS);
  for (const entry of context.retired) {
    const retired = parseRetired(entry);
    if (retired === null) continue;
    if (separatedBy === 'r') separatedBy = retired.reason;
    if (equal(short, retired.hash)) return { until: retired.until, separatedBy };
  }
  return null;
}

/**
 * CC-6: `endOnReuse` ends the session for a replaced secret only on evidence of theft: only plain
 * rotations separate it from the current secret (a secret from before a login, logout,
 * re-authentication or credential change, the pre-login one above all, is the browser's own or one an
 * attacker may have planted, and never ends the session), and the race margin after it stopped being
 * accepted has passed. The manager sets the `access` event's `endOnReuse` only where this holds.
 * @param retirement - what {@link retirementOf} found.
 * @param now - the instant of the request.
 * @param margin - the race margin (ms), {@link REUSE_RACE_MARGIN} unless the manager was given another.
 * @returns whether presenting the secret now may end the session.
 */
export function reuseMayEnd(
  retirement: Retirement,
  now: number,
  margin: number = REUSE_RACE_MARGIN,
): boolean {
  return retirement.separatedBy === 'r' && now >= retirement.until + margin;
}

/**
 * ID-3, ID-5, CC-6: which of the session's secrets a presented hash is.
 * @param hash - SHA-256 of the presented secret.
 * @param context - the session's secret fields.
 * @param equal - the comparison (constant-time in the manager).
 * @returns `current`, `previous`, `retired` (an older one the ring remembers), or `null` for a secret
 *   the session never had or has forgotten.
 */
export function presentedSecret(hash: string, context: SecretFields, equal: HashEquals): Presented | null {
  if (equal(hash, context.secretHash)) return 'current';
  if (context.previousHash !== null && equal(hash, context.previousHash)) return 'previous';
  return retirementOf(hash, context, equal) === null ? null : 'retired';
}

/**
 * ID-5, CC-6: the credential check. The current secret is accepted; the previous one only inside its
 * grace window; any other never.
 * @param hash - SHA-256 of the presented secret.
 * @param context - the session's secret hashes.
 * @param now - the instant of the request.
 * @param equal - the comparison (constant-time in the manager).
 * @returns whether the secret authenticates the session at `now`.
 */
export function credentialAccepted(
  hash: string,
  context: SecretFields,
  now: number,
  equal: HashEquals,
): boolean {
  const presented = presentedSecret(hash, context, equal);
  return presented === 'current' || (presented === 'previous' && graceOpen(context, now));
}

/** The states in which a session has ended (LC-1). */
export const TERMINAL_STATES: readonly TerminalState[] = ['expired', 'destroyed'];

/**
 * LC-1, LC-6: the session has ended (expired or destroyed); no transition leaves these states.
 * @param state - a lifecycle state.
 * @returns whether `state` is terminal.
 */
export function hasEnded(state: SessionState): state is TerminalState {
  return state === 'expired' || state === 'destroyed';
}

/**
 * LC-7: the idle deadline: the session expires at `lastSeenAt + idleTimeout` unless touched.
 * @param context - the session's `lastSeenAt` and `idleTimeout`.
 * @returns the instant (ms).
 */
export function idleDeadline(context: Pick<SessionContext, 'lastSeenAt' | 'idleTimeout'>): number {
  return context.lastSeenAt + context.idleTimeout;
}

/**
 * LC-7: the instant a session stops being readable: the earlier of its idle and absolute deadlines.
 * @param context - the session's lifetime fields.
 * @returns `min(lastSeenAt + idleTimeout, absoluteDeadline)`.
 */
export function expiresAtOf(
  context: Pick<SessionContext, 'lastSeenAt' | 'idleTimeout' | 'absoluteDeadline'>,
): number {
  return Math.min(idleDeadline(context), context.absoluteDeadline);
}

/** The lifetime of a cookie as a commit sees it (LC-7). */
export interface CookieLifetime {
  persistent: boolean;
  expiresAt: number;
}

/**
 * LC-7, SEC-1: whether a commit sends the cookie again: when the machine issued a token, or when a
 * persistent cookie's expiry moved (a browser-session cookie has no expiry to follow).
 * @param issued - the step issued a token (`issueToken`).
 * @param before - the lifetime the request loaded, or `null` for a new session.
 * @param after - the lifetime written.
 * @returns whether the response sets the cookie.
 */
export function cookieResent(issued: boolean, before: CookieLifetime | null, after: CookieLifetime): boolean {
  return issued || (after.persistent && after.expiresAt !== before?.expiresAt);
}

/**
 * LC-7, SEC-1: the cookie's `Max-Age` in whole seconds: until the session expires for a persistent
 * cookie, none (`null`) for a browser-session cookie.
 * @param after - the lifetime written.
 * @param now - the instant of the commit.
 * @returns seconds, never negative, or `null`.
 */
export function cookieMaxAge(after: CookieLifetime, now: number): number | null {
  return after.persistent ? Math.max(0, Math.floor((after.expiresAt - now) / 1000)) : null;
}

/** What a lifecycle call does in a state. */
export type CallDecision =
  /** The machine takes the event: it is part of the patch. */
  | 'step'
  /** Nothing happens and nothing is written (SEC-6). */
  | 'ignore'
  /** The session has ended: the call fails with `SESSION_GONE` (LC-1). */
  | 'ended'
  /** The call needs a bound user: it fails with `NOT_AUTHENTICATED`. */
  | 'not-authenticated';

/**
 * SEC-6, LC-5, LC-6: which lifecycle calls write nothing. Logging out or destroying without a live
 * session, and logging out without a user, are ignored; any other call the state does not accept is an
 * error.
 * @param state - the session's state.
 * @param event - the call's event type.
 * @param accepts - whether the machine's state accepts the event (read from the machine).
 * @returns the decision.
 */
export function callDecision(state: SessionState, event: SessionEventType, accepts: boolean): CallDecision {
  if (hasEnded(state)) return event === 'destroy' || event === 'logout' ? 'ignore' : 'ended';
  if (accepts) return 'step';
  return event === 'logout' ? 'ignore' : 'not-authenticated';
}
