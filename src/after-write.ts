/**
 * What follows a successful write: the effects that reach other sessions (LC-12; LC-10's come before the
 * write, `credential-change.ts`), the audit
 * events (SEC-4), the cookie instruction, and the handle brought up to date with what was written.
 *
 * @packageDocumentation
 */
import type { SessionEffect, SessionRecord, SessionState } from '../spec/index.js';
import type { CommitDeps } from './commit-job.js';
import { cookieInstruction } from './cookie-instruction.js';
import { type Plan, planOf } from './effects.js';
import type { CommitResult, Handle } from './session.js';
import { endOverCap } from './user-cap.js';

/**
 * @internal Carry out a written step's plan and settle the handle. Synchronous unless the step asks
 * for the per-user cap (LC-12), so that a plain write settles without another promise.
 * @param ended - the terminal state when the write ended the session, else `null`.
 * @returns the commit's result, or a promise of it.
 */
export function afterWrite(
  deps: CommitDeps,
  session: Handle,
  written: SessionRecord,
  effects: SessionEffect[],
  ended: SessionState | null = null,
): CommitResult | Promise<CommitResult> {
  const plan = planOf(effects);
  const userId = written.userId;
  // LC-12: a concurrent login bound after this one may leave this one beyond the cap: it ends at once.
  if (userId !== null && plan.enforceUserCap) {
    return endOverCap(deps, userId, written.sessionId).then((capped) =>
      settle(deps, session, written, plan, capped ? 'destroyed' : ended, capped),
    );
  }
  return settle(deps, session, written, plan, ended, false);
}

/** @internal The audit events, the cookie instruction and the handle brought up to date. */
function settle(
  deps: CommitDeps,
  session: Handle,
  written: SessionRecord,
  plan: Plan,
  terminal: SessionState | null,
  capped: boolean,
): CommitResult {
  const userId = written.userId;
  for (const event of plan.audits) {
    deps.emit(event, written.sessionId, event === 'logged-out' ? (session.base?.userId ?? null) : userId);
  }
  if (capped) deps.emit('revoked', written.sessionId, userId, 'user-cap');
  const cookie = capped
    ? ({ action: 'clear' } as const)
    : cookieInstruction(session, written, plan.cookie, deps.now());
  session.base = terminal !== null ? null : written;
  session.local = written;
  // LC-1: the terminal state the machine reached (expired or destroyed), else the live one.
  session.state = terminal ?? written.state;
  if (session.secret !== null && plan.cookie === 'issue') session.credential = written.secretHash;
  session.ops = [];
  session.effects = [];
  return { cookie, wrote: true };
}
