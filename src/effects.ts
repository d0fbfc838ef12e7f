/**
 * The one interpreter of the machine's effects. Each effect the machine can emit has exactly one
 * handler in {@link HANDLERS}; the map's type is derived from the machine's own effect names, so an
 * effect added to the machine without a handler here fails the typecheck. The handlers turn a step's
 * effects into a {@link Plan}: plain data that the loader and the committer then carry out against the
 * store and the response.
 *
 * @packageDocumentation
 */
import type { AuditEventType, SessionEffect } from '../spec/index.js';

/** What a step asks of the store and the response, read from its effects. */
export interface Plan {
  /** `issue`: send the session's token; `clear`: clear the cookie (`Max-Age=0`, LC-6); `keep`: neither. */
  cookie: 'issue' | 'clear' | 'keep';
  /** The user's data starts empty: the user bucket and the labels (LC-2, LC-3, LC-5). */
  resetUserBucket: boolean;
  /** The record is deleted from the store (LC-6). */
  deleteRecord: boolean;
  /** Every other session of the user ends (LC-10). */
  endOtherSessions: boolean;
  /** The per-user cap applies to this login (LC-12). */
  enforceUserCap: boolean;
  /** The presented secret: `grace` when accepted inside its window (CC-6), `rejected` when refused (ID-5). */
  credential: 'accepted' | 'grace' | 'rejected';
  /** The audit events to raise, in order (SEC-4). */
  audits: AuditEventType[];
}

/**
 * The handler of each effect: how it changes the plan. Keyed by the machine's own effect names
 * (`SessionEffectType`), so the map must have one handler per effect.
 */
export type EffectHandlers<Effect extends { type: string } = SessionEffect> = {
  [K in Effect['type']]: (plan: Plan, effect: Extract<Effect, { type: K }>) => void;
};

/** @internal Every effect of the machine, handled once. */
export const HANDLERS: EffectHandlers = {
  issueToken: (plan) => {
    if (plan.cookie !== 'clear') plan.cookie = 'issue';
  },
  // LC-6: an ending clears the cookie, whatever was issued before it.
  clearCookie: (plan) => {
    plan.cookie = 'clear';
  },
  resetUserBucket: (plan) => {
    plan.resetUserBucket = true;
  },
  deleteRecord: (plan) => {
    plan.deleteRecord = true;
  },
  revokeOtherSessions: (plan) => {
    plan.endOtherSessions = true;
  },
  enforceUserCap: (plan) => {
    plan.enforceUserCap = true;
  },
  // CC-6: the request goes on with the previous secret: reads and writes, no lifecycle calls.
  acceptPrevious: (plan) => {
    plan.credential = 'grace';
  },
  // ID-5, CC-6: a previous secret after its window is never adopted.
  rejectCredential: (plan) => {
    plan.credential = 'rejected';
  },
  audit: (plan, effect) => {
    plan.audits.push(effect.params.event);
  },
};

/**
 * Interpret a step's effects.
 * @param effects - the effects in the order the machine emitted them.
 * @returns the plan.
 */
export function planOf(effects: readonly SessionEffect[]): Plan {
  const plan: Plan = {
    cookie: 'keep',
    resetUserBucket: false,
    deleteRecord: false,
    endOtherSessions: false,
    enforceUserCap: false,
    credential: 'accepted',
    audits: [],
  };
  for (const effect of effects) {
    (HANDLERS[effect.type] as (plan: Plan, effect: SessionEffect) => void)(plan, effect);
  }
  return plan;
}
