/**
 * Loading a session by token (ID-3, SEC-5, LC-7, CC-6): the token is parsed before any store call, the
 * record read once, the presented secret matched in constant time, and the machine's `access` step
 * decides; its plan says whether the session is adopted, in grace, refused or ended. Anything not
 * adopted gives a new anonymous session, stored only once something is kept (SEC-6), its id and secret
 * made only then (or when read).
 *
 * @packageDocumentation
 */
import {
  hasEnded,
  presentedSecret,
  type Retirement,
  type RetireReason,
  retirementOf,
  reuseMayEnd,
  type SessionEffect,
  type SessionRecord,
  type SessionState,
  upgradeRecord,
} from '../spec/index.js';
import type { StoreAccess } from './commit-job.js';
import type { Committer } from './committer.js';
import { type Plan, planOf } from './effects.js';
import { UNMADE } from './identity.js';
import { access, createRecord, declaredEffects } from './lifecycle.js';
import { Session, type SessionHost } from './session.js';
import { hashesEqual, hashSecret, parseToken } from './token.js';
import { isStoredRecord } from './validate.js';

/** @internal The policy a loader applies. */
export interface LoadPolicy {
  idleTimeout: number;
  absoluteTimeout: number;
  /** A touch is written once this fraction of the idle timeout has passed (PERF-1). */
  touchEvery: number;
  /** End the session when a replaced secret is presented outside its window (CC-6). */
  endOnReuse: boolean;
  /** How long after a plain rotation's window `endOnReuse` waits (CC-6). */
  reuseMargin: number;
}

/**
 * @internal The manager's `load`; what it reads is shown to the committer's cache (CC-1).
 * @returns a function from a token (or nothing) to a session handle.
 */
export function createLoader(
  deps: StoreAccess,
  committer: Pick<Committer, 'observe'>,
  host: SessionHost,
  policy: LoadPolicy,
): (token: string | null | undefined) => Promise<Session> {
  const { store, now, call, emit } = deps;
  // LC-6, LC-7: a session the store reports expired gets the machine's own effects for an expiry.
  const expiredPlan = planOf(declaredEffects('anonymous', 'access', 'idleExpired'));
  const mismatches = createMismatchReporter(emit);

  /**
   * A new anonymous session, not stored until something is kept (SEC-6); `stale` when the token named a
   * live session with another secret (ID-3: its cookie is left alone and nothing may be kept).
   */
  const fresh = (deadToken: boolean, stale = false): Session => {
    // SEC-6: its id and secret are made when first needed (`identity.ts`); most are never kept.
    const created = createRecord(UNMADE, {
      now: now(),
      secretHash: UNMADE,
      idleTimeout: policy.idleTimeout,
      absoluteTimeout: policy.absoluteTimeout,
      persistent: false,
    });
    return new Session(host, {
      base: null,
      local: created.record,
      effects: created.effects,
      ops: [],
      secret: null,
      grace: false,
      credential: null,
      deadToken,
      stale,
    });
  };

  /** The handle an access step's plan gives (LC-6, CC-6, ID-5). */
  const adopted = (
    record: SessionRecord,
    accessed: SessionRecord,
    state: SessionState,
    plan: Plan,
    secret: string,
    hash: string,
    at: number,
  ): Session => {
    // LC-6: an ended session is never adopted and its cookie is cleared (`clearCookie`); ID-5: nor is a
    // rejected credential.
    if (hasEnded(state) || plan.cookie === 'clear') return fresh(true);
    // ID-3, CC-6: a replaced secret (a parallel request of the page that rotated) is not adopted, and
    // its response neither clears nor replaces the newer cookie the browser already holds.
    if (plan.credential === 'rejected') return fresh(false, true);
    const grace = plan.credential === 'grace';
    return new Session(host, {
      base: record,
      local: accessed,
      effects: [],
      ops: accessed !== record ? [{ kind: 'event', event: { type: 'touch', now: at } }] : [],
      secret: grace ? null : secret,
      grace,
      credential: hash,
      deadToken: false,
      stale: false,
    });
  };

  /**
   * Carry out the access step's plan (SEC-4, LC-6). Synchronous unless the plan deletes the record, so
   * that a plain load settles without another promise.
   */
  const adopt = (
    record: SessionRecord,
    accessed: SessionRecord,
    state: SessionState,
    effects: SessionEffect[],
    secret: string,
    hash: string,
    at: number,
    retirement: Retirement | null,
  ): Session | Promise<Session> => {
    const plan = planOf(effects);
    // SEC-4: a reuse says what separates the presented secret from the current one (CC-6).
    const why = retirement === null ? undefined : SEPARATED_BY[retirement.separatedBy];
    for (const event of plan.audits)
      emit(event, record.sessionId, record.userId, event === 'reuse-detected' ? why : undefined);
    if (!plan.deleteRecord) return adopted(record, accessed, state, plan, secret, hash, at);
    return call('destroy', () => store.destroy(record.sessionId)).then(() =>
      adopted(record, accessed, state, plan, secret, hash, at),
    );
  };

  return async (token) => {
    const presentedAny = token !== undefined && token !== null && token !== '';
    const parsed = parseToken(token);
    // ID-3, SEC-5: a malformed token never reaches the store.
    if (parsed === null) return fresh(presentedAny);
    const at = now();
    const found = await call('read', () => store.read(parsed.sessionId, at));
    // SEC-3: checked once, for the committer's cache and for adoption.
    const wellFormed = typeof found === 'object' && found !== null && isStoredRecord(found, parsed.sessionId);
    committer.observe(parsed.sessionId, wellFormed ? found : null);
    if (found === null) return fresh(true);
    if (found === 'expired') {
      // SEC-4, LC-7: the store already decided the deadline passed (it does not hand out expired
      // records): the machine's expiry effects without the record. Purge removes the bytes (LC-6).
      for (const event of expiredPlan.audits) emit(event, parsed.sessionId, null);
      return fresh(true);
    }
    if (!wellFormed) {
      // SEC-3: a corrupt or tampered record reads as absent and raises a security event.
      emit('tampered', parsed.sessionId, null, 'record does not decode');
      return fresh(true);
    }
    const record = upgradeRecord(found);
    const hash = hashSecret(parsed.secret);
    const presented = presentedSecret(hash, record, hashesEqual);
    // ID-3, ID-5: a secret the session never issued (or has forgotten, past its ring) is never adopted;
    // SEC-4: it is reported, rate-limited. Its cookie is left alone and the request may change nothing
    // (ID-3): it never ends the session, whatever `endOnReuse` says.
    if (presented === null) {
      mismatches.report(record.sessionId, record.userId, at);
      return fresh(false, true);
    }
    const retirement = presented === 'current' ? null : retirementOf(hash, record, hashesEqual);
    const outcome = access(record, {
      type: 'access',
      now: at,
      presented,
      touchAfter: Math.floor(record.idleTimeout * policy.touchEvery),
      // CC-6: only for a secret plain rotations retired, after the race margin (`reuseMayEnd`).
      endOnReuse: policy.endOnReuse && retirement !== null && reuseMayEnd(retirement, at, policy.reuseMargin),
    });
    return adopt(record, outcome.record, outcome.state, outcome.effects, parsed.secret, hash, at, retirement);
  };
}

/**
 * SEC-4, CC-6: the `reason` of a `reuse-detected` event: what separates the presented secret from the
 * current one. `rotation` (plain rotations alone: the case `endOnReuse` acts on) is possible theft; the
 * others mostly the browser's own request from before a login, credential change or logout.
 */
const SEPARATED_BY: Record<RetireReason, string> = {
  r: 'rotation',
  a: 'authentication',
  c: 'credential-change',
  l: 'logout',
};

/** SEC-4: at most one `credential-mismatch` per session id in this interval (ms). */
const MISMATCH_INTERVAL = 60_000;
/** How many session ids the reporter remembers; past it, it starts over (an attacker cannot grow it). */
const MISMATCH_MEMORY = 10_000;

/**
 * @internal SEC-4, ID-3: reports a wrong secret for a live session's id as `credential-mismatch`, at
 * most once per {@link MISMATCH_INTERVAL} per session, so that guessing cannot flood the audit sink.
 */
function createMismatchReporter(emit: StoreAccess['emit']) {
  const last = new Map<string, number>();
  return {
    report(sessionId: string, userId: string | null, at: number): void {
      const previous = last.get(sessionId);
      if (previous !== undefined && at - previous < MISMATCH_INTERVAL) return;
      if (last.size >= MISMATCH_MEMORY) last.clear();
      last.set(sessionId, at);
      emit('credential-mismatch', sessionId, userId, 'the secret is not one this session issued');
    },
  };
}
