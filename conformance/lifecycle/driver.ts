/**
 * The system under test of the lifecycle rules (CK-4): the reference session manager over the adapter,
 * driven step by step with a manual clock, every observable result compared with the oracle's prediction.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { SessionContext } from '../../spec/index.js';
import {
  type CommitResult,
  type CookieInstruction,
  createManualClock,
  createSessionManager,
  isSessionError,
  type ManualClock,
  parseToken,
  type Session,
  type SessionManager,
  type SessionStore,
  upgradeRecord,
} from '../../src/index.js';
import { jsonEqual, show } from '../json.js';
import { expect } from '../rule.js';
import { isLive, type MachineSnapshot, Oracle, type Prediction } from './oracle.js';
import {
  CREATED_AT,
  describeStep,
  expiresAtOf,
  type LifecycleStep,
  POLICY,
  type RunConfig,
} from './steps.js';

/** The browser-bucket entry every run stores at creation (LC-5: it survives login and logout). */
const CART = { key: 'cart', value: ['sku-1'] } as const;

/** ID-2: the stored form of a secret. */
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** A session under test: the manager side of one lifecycle run, with the oracle stepping alongside. */
export class LifecycleDriver {
  readonly oracle: Oracle;
  private readonly store: SessionStore;
  private readonly clock: ManualClock = createManualClock(CREATED_AT);
  /** Two managers over the same store and clock, differing only in `endOnReuse` (CC-6). */
  private readonly managers: Record<'keep' | 'end', SessionManager>;
  /** The session of the last request that presented the current token; `null` once ended. */
  private handle: Session | null = null;
  private sessionId = '';
  /** The current token, the previous one (the grace / reuse secret) and the one before (dead, ID-5). */
  private tokens: { current: string; previous: string | null; stale: string | null } = {
    current: '',
    previous: null,
    stale: null,
  };
  /** What the buckets must hold: the browser bucket as stored at creation, the user bucket per LC-3, LC-5. */
  private user: Record<string, true> = {};
  /** The steps run so far, readable, for failure messages. */
  readonly log: string[] = [];

  constructor(store: SessionStore, config: RunConfig) {
    this.store = store;
    this.oracle = new Oracle(config);
    const options = {
      store,
      clock: this.clock,
      idleTimeout: POLICY.idleTimeout,
      absoluteTimeout: POLICY.absoluteTimeout,
      freshFor: POLICY.freshFor,
      reuseMargin: POLICY.reuseMargin,
      touchEvery: POLICY.touchEvery,
      rotationGrace: config.rotationGrace,
      // The machine's lifecycle only: the per-user cap (LC-12) is a manager policy the oracle does not model.
      maxSessionsPerUser: false as const,
    };
    this.managers = {
      keep: createSessionManager({ ...options, endOnReuse: false }),
      end: createSessionManager({ ...options, endOnReuse: true }),
    };
  }

  /**
   * The machine's `create`: a new session that keeps a browser-bucket entry, so it is stored (SEC-6).
   * @throws Violation when the manager does not issue a token or the session does not read back.
   */
  async start(): Promise<void> {
    this.log.push('T+0 create (browser.cart = ["sku-1"])');
    const session = await this.managers.keep.load(undefined);
    session.set(CART.key, [...CART.value]);
    const result = await this.guard(() => session.commit(), 'commit');
    const token = result.cookie.action === 'set' ? parseToken(result.cookie.token) : null;
    this.check(
      token !== null,
      `the cookie instruction was ${show(result.cookie)}, expected a new token (issueToken)`,
    );
    this.sessionId = token.sessionId;
    this.tokens.current = (result.cookie as { token: string }).token;
    this.handle = session;
    await this.observe();
  }

  /**
   * Run one step on both sides and compare everything observable.
   * @throws Violation at the first difference, with the steps so far.
   */
  async apply(step: LifecycleStep): Promise<void> {
    this.log.push(describeStep(step));
    const prediction = this.oracle.step(step);
    this.clock.set(step.at);
    if (!isLive(prediction.before)) await this.afterEnd();
    else if (step.op === 'access') await this.access(step, prediction);
    else if (step.op === 'revoke') await this.revoke(step, prediction);
    else await this.call(step, prediction);
    if (!isLive(prediction.after)) this.handle = null;
    await this.observe();
  }

  /** LC-1: an ended session has no way out; a request with its last token finds nothing and clears it. */
  private async afterEnd(): Promise<void> {
    const session = await this.guard(() => this.managers.keep.load(this.tokens.current), 'load');
    this.check(session.isNew, `a request with the token of the ended session loaded ${session.id}`);
    const result = await this.guard(() => session.commit(), 'commit');
    this.expectCookie(result, { action: 'clear' });
  }

  /** A new request presenting the current or the previous token. */
  private async access(step: Extract<LifecycleStep, { op: 'access' }>, p: Prediction): Promise<void> {
    const token = step.presented === 'current' ? this.tokens.current : this.tokens.previous;
    if (token === null) throw new TypeError('CK-4: access(previous) before any rotation');
    const manager = this.managers[step.endOnReuse ? 'end' : 'keep'];
    const session = await this.guard(() => manager.load(token), 'load');
    const adopted = isLive(p.after) && !p.effects.includes('rejectCredential');
    this.check(
      session.isNew === !adopted,
      adopted
        ? `the ${step.presented} token was refused (a new session), expected the session (${p.row})`
        : `the ${step.presented} token loaded the session, expected a new one (${p.row})`,
    );
    if (adopted) {
      this.check(
        session.usedGraceSecret === (step.presented === 'previous'),
        `usedGraceSecret was ${session.usedGraceSecret} (${p.row})`,
      );
    }
    const result = await this.guard(() => session.commit(), 'commit');
    // PERF-1: only a due touch writes; a read-only request writes nothing.
    const touched = isLive(p.after) && p.after.context.lastSeenAt !== p.before.context.lastSeenAt;
    this.check(
      result.wrote === touched,
      `the request ${result.wrote ? 'wrote' : 'did not write'} the session, expected ${
        touched ? 'a touch' : 'no write'
      } (${p.row})`,
    );
    this.expectCookie(result, this.cookieOf(p));
    if (adopted && step.presented === 'current') this.handle = session;
  }

  /** LC-6, LC-9: the session is ended from outside it. */
  private async revoke(step: Extract<LifecycleStep, { op: 'revoke' }>, p: Prediction): Promise<void> {
    const { userId } = p.before.context;
    const readable = step.at < expiresAtOf(p.before.context);
    if (userId === null || step.via === 'store') {
      // No manager call revokes an anonymous session: it is ended by deleting its record.
      await this.guard(() => this.store.destroy(this.sessionId), 'store.destroy');
    } else if (step.via === 'user') {
      const ended = await this.guard(() => this.managers.keep.revoke(userId), 'revoke');
      if (readable)
        this.check(
          ended.includes(this.sessionId),
          `revoke(${userId}) answered ${show(ended)}, without the session`,
        );
    } else {
      const ended = await this.guard(
        () => this.managers.keep.revokeSession(userId, this.sessionId),
        'revokeSession',
      );
      if (readable) this.check(ended, `revokeSession(${userId}, id) answered false for a live session`);
    }
  }

  /** A call on the session of the last request, then its commit. */
  private async call(step: LifecycleStep, p: Prediction): Promise<void> {
    const session = this.handle;
    if (session === null) throw new TypeError('CK-4: a call on a session that has ended');
    // SEC-6: a call the state does not list writes nothing; the stored version shows any write.
    const versionBefore = p.row === null ? await this.storedVersion() : null;
    try {
      switch (step.op) {
        case 'touch':
          session.touch();
          break;
        case 'setExpiry': {
          const { op: _, at: __, ...options } = step;
          session.setExpiry(options);
          break;
        }
        case 'authenticate':
          session.authenticate(step.userId, {
            idleTimeout: step.idleTimeout,
            absoluteTimeout: step.absoluteTimeout,
            persistent: step.persistent,
          });
          break;
        case 'reauthenticate':
          session.reauthenticate();
          break;
        case 'rotate':
          session.rotate();
          break;
        case 'logout':
          session.logout();
          break;
        case 'changeCredential':
          session.changeCredential();
          break;
        case 'destroy':
          session.destroy();
          break;
        default:
          throw new TypeError(`CK-4: ${step.op} is not a call on a session`);
      }
    } catch (error) {
      // An event the state does not list changes nothing; the manager may say why (LC-8, LC-10).
      const ignored = p.row === null && isSessionError(error) && error.code === 'NOT_AUTHENTICATED';
      this.check(
        ignored,
        `${step.op}() threw ${describeError(error)}, expected ${p.row ?? 'nothing to happen'}`,
      );
    }
    this.check(
      session.status === p.after.value,
      `the session's status was '${session.status}' before the commit, expected '${String(p.after.value)}' (${p.row})`,
    );
    if (p.effects.includes('resetUserBucket')) this.user = {};
    if (step.op === 'authenticate' && isLive(p.after)) {
      // LC-3: a key per user shows whether the bucket was wiped (switch) or kept (same user again).
      session.user.set(step.userId, true);
      this.user[step.userId] = true;
    }
    const result = await this.guard(() => session.commit(), 'commit');
    if (p.row === null) {
      this.check(
        !result.wrote,
        `${step.op}() is not an event of '${String(p.before.value)}', yet the commit reported a write (SEC-6)`,
      );
      const versionAfter = await this.storedVersion();
      this.check(
        versionAfter === versionBefore,
        `${step.op}() is not an event of '${String(p.before.value)}', yet the stored version went from ${versionBefore} to ${versionAfter} (SEC-6)`,
      );
    }
    this.expectCookie(result, this.cookieOf(p));
    this.check(
      session.status === p.after.value,
      `the session's status was '${session.status}' after the commit, expected '${String(p.after.value)}' (${p.row})`,
    );
  }

  /** The stored record's version, or `null` when none is readable. */
  private async storedVersion(): Promise<number | null> {
    const found = await this.guard(() => this.store.read(this.sessionId, this.clock.now()), 'store.read');
    return typeof found === 'object' && found !== null ? found.version : null;
  }

  /** What the machine says the response does with the cookie. */
  private cookieOf(p: Prediction): Expected {
    const effects = p.effects;
    if (effects.includes('clearCookie')) return { action: 'clear' };
    // ID-3, CC-6: a replaced secret's response leaves the browser's (newer) cookie alone.
    if (effects.includes('rejectCredential')) return { action: 'none' };
    const after = p.after.context;
    const maxAge = after.persistent
      ? Math.max(0, Math.floor((expiresAtOf(after) - this.clock.now()) / 1000))
      : null;
    // issueToken sends the cookie again; its token is new only when the secret changed (LC-4).
    const rotated = after.secretHash !== p.before.context.secretHash;
    if (effects.includes('issueToken')) return { action: 'set', token: rotated ? 'new' : 'same', maxAge };
    // LC-7: a persistent cookie follows the session's expiry when a write moves it.
    const moved = after.persistent && expiresAtOf(after) !== expiresAtOf(p.before.context);
    return moved ? { action: 'set', token: 'same', maxAge } : { action: 'none' };
  }

  /** Compare a commit's cookie instruction with the prediction, and follow the token. */
  private expectCookie(result: CommitResult, expected: Expected): void {
    const cookie = result.cookie;
    this.check(
      cookie.action === expected.action,
      `the cookie instruction was ${describeCookie(cookie)}, expected ${describeExpected(expected)}`,
    );
    if (cookie.action !== 'set' || expected.action !== 'set') return;
    const parsed = parseToken(cookie.token);
    this.check(
      parsed?.sessionId === this.sessionId,
      `the new token names another session (${cookie.token.slice(0, 22)})`,
    );
    const changed = cookie.token !== this.tokens.current;
    this.check(
      changed === (expected.token === 'new'),
      `the cookie carried ${changed ? 'a new' : 'the same'} token, expected ${expected.token === 'new' ? 'a new one (the secret rotated)' : 'the same one'}`,
    );
    this.check(
      cookie.maxAge === expected.maxAge,
      `the cookie maxAge was ${cookie.maxAge}, expected ${expected.maxAge}`,
    );
    if (changed)
      this.tokens = { current: cookie.token, previous: this.tokens.current, stale: this.tokens.previous };
  }

  /**
   * Everything observable at the current instant, by requests that write nothing: the session read
   * with the current token, the previous and an older token, the stored record and the user's sessions.
   */
  private async observe(): Promise<void> {
    const s: MachineSnapshot = this.oracle.snapshot;
    const c: SessionContext = s.context;
    const now = this.clock.now();
    const readable = isLive(s) && now < expiresAtOf(c);
    const probe = await this.guard(() => this.managers.keep.load(this.tokens.current), 'load');
    this.check(
      probe.isNew === !readable,
      readable
        ? 'the current token was refused (a new session), expected the session'
        : `the current token loaded the session, expected it ${isLive(s) ? 'past its deadline' : String(s.value)}`,
    );
    const stored = await this.guard(() => this.store.read(this.sessionId, now), 'store.read');
    if (readable) {
      this.check(probe.userId === c.userId, `userId was ${show(probe.userId)}, expected ${show(c.userId)}`);
      this.check(probe.status === s.value, `status was '${probe.status}', expected '${String(s.value)}'`);
      const fresh = c.freshUntil !== null && now < c.freshUntil;
      this.check(probe.isFresh === fresh, `isFresh was ${probe.isFresh}, expected ${fresh} (LC-8)`);
      const browser = { [CART.key]: probe.browser.get(CART.key) };
      this.check(
        jsonEqual(browser, { [CART.key]: CART.value }),
        `the browser bucket holds ${show(browser)}, expected it kept (LC-5)`,
      );
      const user = Object.fromEntries(probe.user.keys().map((k) => [k, probe.user.get(k)]));
      this.check(
        jsonEqual(user, this.user),
        `the user bucket holds ${show(user)}, expected ${show(this.user)}`,
      );
      this.check(
        typeof stored === 'object' && stored !== null,
        `the store read the session as ${show(stored)}`,
      );
      const record = upgradeRecord(stored as Exclude<typeof stored, string | null>);
      const want = {
        state: s.value,
        ...pick(c),
        expiresAt: expiresAtOf(c),
        secretHash: hashOf(parseToken(this.tokens.current)!.secret),
      };
      const got = {
        state: record.state,
        ...pick(record),
        expiresAt: record.expiresAt,
        secretHash: record.secretHash,
      };
      this.check(
        jsonEqual(got, want),
        `the stored record's lifecycle fields are ${show(got)}, expected ${show(want)}`,
      );
      await this.probeOldTokens(c, now);
    } else {
      // LC-6: ending a readable session deletes its record; a passed deadline leaves it unreadable
      // until purged (the manager does not delete what the store already calls expired).
      const deleted = s.value === 'destroyed' && now < expiresAtOf(c);
      const ok = deleted ? stored === null : stored === null || stored === 'expired';
      this.check(
        ok,
        `the store read the session as ${show(stored)}, expected ${deleted ? 'null (LC-6)' : "null or 'expired'"}`,
      );
    }
    if (c.userId !== null) {
      const listed = await this.guard(() => this.managers.keep.listSessions(c.userId!), 'listSessions');
      const has = listed.some((x) => x.sessionId === this.sessionId);
      this.check(
        has === readable,
        `listSessions(${c.userId}) ${has ? 'lists' : 'misses'} the session (LC-9)`,
      );
    }
  }

  /** CC-6, ID-5: the previous token works only inside its grace window; an older one never does. */
  private async probeOldTokens(c: SessionContext, now: number): Promise<void> {
    if (this.tokens.previous !== null) {
      const previous = this.tokens.previous;
      const grace = c.previousUntil !== null && now < c.previousUntil;
      const session = await this.guard(() => this.managers.keep.load(previous), 'load');
      this.check(
        session.isNew === !grace,
        grace
          ? 'the previous token was refused inside its grace window (CC-6)'
          : 'the previous token still loads the session outside any grace window (CC-6, ID-5)',
      );
    }
    if (this.tokens.stale !== null) {
      const stale = this.tokens.stale;
      const session = await this.guard(() => this.managers.keep.load(stale), 'load');
      this.check(session.isNew, 'a token two rotations old still loads the session (ID-5)');
    }
  }

  /** Run a manager or store call; a throw is a difference from the machine, which never fails. */
  private async guard<T>(run: () => Promise<T>, what: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.check(false, `${what} threw ${describeError(error)}`);
      throw error;
    }
  }

  /** Fail with the path so far. */
  private check(condition: boolean, message: string): asserts condition {
    expect(condition, `CK-4: after ${this.log.length} step(s), at ${this.log.at(-1)}: ${message}`);
  }
}

/** The lifecycle fields of a record or context that the machine decides. */
function pick(c: SessionContext) {
  return {
    userId: c.userId,
    lastSeenAt: c.lastSeenAt,
    authenticatedAt: c.authenticatedAt,
    freshUntil: c.freshUntil,
    previousUntil: c.previousUntil,
    idleTimeout: c.idleTimeout,
    absoluteDeadline: c.absoluteDeadline,
    persistent: c.persistent,
  };
}

/** The predicted cookie instruction: a new or the same token, or none, or clear. */
type Expected =
  | { action: 'set'; token: 'new' | 'same'; maxAge: number | null }
  | { action: 'clear' }
  | { action: 'none' };

function describeCookie(cookie: CookieInstruction): string {
  return cookie.action === 'set' ? `set (maxAge ${cookie.maxAge})` : cookie.action;
}

function describeExpected(expected: Expected): string {
  return expected.action === 'set'
    ? `set with ${expected.token === 'new' ? 'a new token' : 'the same token'} (maxAge ${expected.maxAge})`
    : expected.action;
}

function describeError(error: unknown): string {
  if (isSessionError(error)) return `SessionError ${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
