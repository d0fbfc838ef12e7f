/**
 * What the response does with the cookie after a write: clear it (`clearCookie`, LC-6), send the token
 * (`issueToken`, or a persistent cookie whose expiry moved, LC-7), or leave it.
 *
 * @packageDocumentation
 */
import { cookieMaxAge, cookieResent, type SessionRecord } from '../spec/index.js';
import type { Plan } from './effects.js';
import type { CookieInstruction, Handle } from './session.js';
import { formatToken } from './token.js';

/**
 * @internal The cookie instruction of a commit.
 * @param session - the handle that committed (its loaded record and, when it knows it, its secret).
 * @param written - the record written.
 * @param planned - the plan's cookie.
 * @param now - the instant of the commit.
 * @returns the instruction.
 */
export function cookieInstruction(
  session: Handle,
  written: SessionRecord,
  planned: Plan['cookie'],
  now: number,
): CookieInstruction {
  if (planned === 'clear') return { action: 'clear' };
  if (session.secret === null || !cookieResent(planned === 'issue', session.base, written)) {
    return { action: 'none' };
  }
  return {
    action: 'set',
    token: formatToken(written.sessionId, session.secret),
    maxAge: cookieMaxAge(written, now),
  };
}
