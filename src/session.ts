/**
 * The session handle a request works with: two buckets, labels and the lifecycle calls. Changes are
 * applied to the handle at once (so the request reads its own writes) and recorded as a patch that
 * `commit()` writes with compare-and-set (CC-1, CC-2).
 *
 * @packageDocumentation
 */
import type { JsonValue, SessionEvent, SessionRecord, SessionState } from '../spec/index.js';
import { csrfTokenMatches, maskedCsrfToken } from './csrf.js';
import { SessionError } from './errors.js';
import { assertJson, cloneJson, getOwn } from './json.js';
import { type Effect, isFresh } from './lifecycle.js';
import { applyPatch, type BucketName, type Op, type Updater } from './patch.js';
import { hashSecret, newSecret } from './token.js';

/** What the HTTP layer must do with the cookie after a commit. */
export type CookieInstruction =
  /** Send this token; `maxAge` in seconds for a persistent session, `null` for a browser-session cookie. */
  | { action: 'set'; token: string; maxAge: number | null }
  /** Clear the cookie (`Max-Age=0`): the session ended, or the presented token was not adopted (LC-6). */
  | { action: 'clear' }
  /** Leave the cookie as it is. */
  | { action: 'none' };

/** The outcome of {@link Session.commit}. */
export interface CommitResult {
  cookie: CookieInstruction;
  /** Whether anything was written to (or deleted from) the store. */
  wrote: boolean;
}

/** Options of {@link Session.authenticate}. */
export interface AuthenticateOptions {
  /** A persistent ("remember me") cookie instead of a browser-session cookie (LC-7). */
  persistent?: boolean;
  /** The absolute timeout that starts now (LC-7); the manager's default otherwise. */
  absoluteTimeout?: number;
  /** The idle timeout from now on (LC-7); the manager's default otherwise. */
  idleTimeout?: number;
}

/** Options of {@link Session.setExpiry} (LC-7, like Django's `set_expiry`). */
export interface ExpiryOptions {
  /** New idle timeout in ms. */
  idleTimeout?: number;
  /** New absolute timeout in ms from now; it never moves the deadline later. */
  absoluteTimeout?: number;
  persistent?: boolean;
}

/** @internal What a session handle needs from its manager. */
export interface SessionHost {
  now(): number;
  readonly config: {
    readonly idleTimeout: number;
    readonly absoluteTimeout: number;
    readonly freshFor: number;
    readonly rotationGrace: number;
    readonly maxSize: number;
  };
  commit(session: Session): Promise<CommitResult>;
}

/** @internal How a handle starts. */
export interface SessionInit {
  /** The record as loaded, or `null` for a new session. */
  base: SessionRecord | null;
  /** The handle's view: the loaded record (touched), or the new record. */
  local: SessionRecord;
  /** Effects already due (create effects, or the touch of the access step). */
  effects: Effect[];
  ops: Op[];
  /** The raw secret that goes with `local.secretHash` when the handle knows it. */
  secret: string | null;
  /** The request presented the previous secret inside its grace window (CC-6). */
  grace: boolean;
  /** Hash of the secret this handle holds (the one presented, or its own new one); `null` when new. */
  credential: string | null;
  /** A token was presented and not adopted: clear it unless a new session is kept (LC-6). */
  deadToken: boolean;
}

/** A view of one bucket of a session. */
export interface BucketView {
  /** @returns a copy of the value, or `undefined`. */
  get(key: string): JsonValue | undefined;
  /** @returns whether the bucket holds `key`. */
  has(key: string): boolean;
  /** @returns the keys the bucket holds. */
  keys(): string[];
  /**
   * @throws TypeError when `value` is not plain JSON (ST-6).
   * @throws SessionError `PAYLOAD_TOO_LARGE` beyond `maxSize`; `NOT_AUTHENTICATED` on the user bucket of
   *   an anonymous session.
   */
  set(key: string, value: JsonValue): void;
  /** Remove `key` from the bucket (nothing happens when it is absent). */
  delete(key: string): void;
  /** CC-3: `fn` runs on the current value now and again on the fresh value if a conflict forces a retry. */
  update(key: string, fn: Updater): void;
}

/**
 * A session, as a request sees it. Obtain one from `manager.load(token)`.
 *
 * @example
 * ```ts
 * const session = await manager.load(cookieValue);
 * session.set('cart', ['sku-1']);
 * session.authenticate('user-42');
 * session.user.set('theme', 'dark');
 * const { cookie } = await session.commit();
 * ```
 */
export class Session {
  /** The browser bucket: kept across login and logout (LC-5). */
  readonly browser: BucketView;
  /** The user bucket: empty while anonymous, wiped at logout and user switch (LC-3, LC-5). */
  readonly user: BucketView;
  /** @internal */
  readonly host: SessionHost;
  /** @internal */
  base: SessionRecord | null;
  /** @internal */
  local: SessionRecord;
  /** @internal */
  state: SessionState;
  /** @internal */
  ops: Op[];
  /** @internal */
  effects: Effect[];
  /** @internal */
  secret: string | null;
  /** @internal */
  readonly grace: boolean;
  /** @internal CC-2, CC-4: the hash of the secret this handle holds, re-validated on re-application. */
  credential: string | null;
  /** @internal */
  readonly deadToken: boolean;
  /**
   * @internal Set by an HTTP integration when the response starts: a change made after it could not be
   * saved, so it throws this message instead of vanishing.
   */
  sealed: string | null = null;

  /** @internal */
  constructor(host: SessionHost, init: SessionInit) {
    this.host = host;
    this.base = init.base;
    this.local = init.local;
    this.state = init.local.state;
    this.ops = init.ops;
    this.effects = init.effects;
    this.secret = init.secret;
    this.grace = init.grace;
    this.credential = init.credential;
    this.deadToken = init.deadToken;
    this.browser = this.view('browser');
    this.user = this.view('user');
  }

  /** The stable session id (ID-1): the handle for listing and revoking, not a credential. */
  get id(): string {
    return this.local.sessionId;
  }
  /** The bound user, or `null` (LC-2). */
  get userId(): string | null {
    return this.local.userId;
  }
  /** `anonymous` or `authenticated` while live; `expired` or `destroyed` once ended in this request. */
  get status(): SessionState {
    return this.state;
  }
  /** Whether a user is bound (LC-2): `status === 'authenticated'`. */
  get isAuthenticated(): boolean {
    return this.state === 'authenticated';
  }
  /** Whether the session has never been stored (SEC-6: an untouched new session is not persisted). */
  get isNew(): boolean {
    return this.base === null;
  }
  /** Whether this request presented the previous secret inside its grace window (CC-6). */
  get usedGraceSecret(): boolean {
    return this.grace;
  }
  /** LC-8: the last authentication is recent enough for a sensitive operation. */
  get isFresh(): boolean {
    return isFresh(this.local, this.host.now());
  }
  /** When the session stops being readable, unless touched (LC-7). */
  get expiresAt(): number {
    return this.local.expiresAt;
  }
  /** When the session was created (ms since the epoch). */
  get createdAt(): number {
    return this.local.createdAt;
  }
  /** The last recorded access (ms since the epoch); touches are throttled (PERF-1). */
  get lastSeenAt(): number {
    return this.local.lastSeenAt;
  }
  /** When the user last (re-)authenticated, or `null` while anonymous (LC-8). */
  get authenticatedAt(): number | null {
    return this.local.authenticatedAt;
  }
  /** Whether the cookie is persistent ("remember me") rather than a browser-session cookie (LC-7). */
  get persistent(): boolean {
    return this.local.persistent;
  }
  /** Application-supplied labels shown when listing a user's sessions (LC-9). */
  get labels(): Readonly<Record<string, string>> {
    return { ...this.local.labels };
  }

  /** Shorthand for `browser.get`. */
  get(key: string): JsonValue | undefined {
    return this.browser.get(key);
  }
  /** Shorthand for `browser.set`. */
  set(key: string, value: JsonValue): void {
    this.browser.set(key, value);
  }
  /** Shorthand for `browser.delete`. */
  delete(key: string): void {
    this.browser.delete(key);
  }
  /** Shorthand for `browser.update` (CC-3). */
  update(key: string, fn: Updater): void {
    this.browser.update(key, fn);
  }

  /**
   * Set or remove (`null`) a label, e.g. a device name (LC-9).
   * @throws TypeError when the key or value is not a string.
   */
  setLabel(key: string, value: string | null): void {
    assertKey(key);
    if (value !== null && typeof value !== 'string')
      throw new TypeError('a label value must be a string or null');
    this.record({ kind: 'label', key, value });
  }

  /**
   * Bind `userId` (LC-2): the secret rotates, the user bucket starts empty, the browser bucket stays.
   * Authenticating as the bound user again is a re-authentication; as another user, a switch that wipes
   * the user bucket (LC-3). A new absolute timeout policy may start now (LC-7).
   * @throws TypeError when `userId` is not a non-empty string.
   * @throws SessionError `GRACE_CREDENTIAL` on a request that presented the previous secret (CC-6).
   */
  authenticate(userId: string, options: AuthenticateOptions = {}): void {
    if (typeof userId !== 'string' || userId.length === 0) {
      throw new TypeError('authenticate(userId): userId must be a non-empty string');
    }
    const { config } = this.host;
    this.lifecycle((now, secretHash) => ({
      type: 'authenticate',
      now,
      userId,
      secretHash,
      absoluteTimeout: duration(options.absoluteTimeout ?? config.absoluteTimeout, 'absoluteTimeout'),
      idleTimeout: duration(options.idleTimeout ?? config.idleTimeout, 'idleTimeout'),
      persistent: options.persistent ?? false,
      freshFor: config.freshFor,
    }));
  }

  /** LC-8: refresh the authentication (it becomes fresh) and rotate the secret. */
  reauthenticate(): void {
    this.requireUser('reauthenticate');
    this.lifecycle((now, secretHash) => ({
      type: 'reauthenticate',
      now,
      secretHash,
      freshFor: this.host.config.freshFor,
    }));
  }

  /** LC-4: a new secret for the same session; data, user and deadlines are kept. */
  rotate(): void {
    this.lifecycle((now, secretHash) => ({
      type: 'rotate',
      now,
      secretHash,
      graceMs: this.host.config.rotationGrace,
    }));
  }

  /**
   * LC-5: unbind the user, wipe the user bucket, rotate; the browser bucket survives. With
   * `{ destroy: true }` the whole session ends instead (LC-6). Without a user it does nothing (SEC-6).
   */
  logout(options: { destroy?: boolean } = {}): void {
    if (options.destroy) {
      this.destroy();
      return;
    }
    if (this.state !== 'authenticated') return;
    this.lifecycle((now, secretHash) => ({ type: 'logout', now, secretHash }));
  }

  /** LC-6: end the session; the commit deletes it and clears the cookie. */
  destroy(): void {
    if (this.state === 'expired' || this.state === 'destroyed') return;
    this.lifecycle((now) => ({ type: 'destroy', now }), false);
  }

  /** LC-10: the user changed a credential: every other session of the user ends, this one rotates. */
  changeCredential(): void {
    this.requireUser('changeCredential');
    this.lifecycle((now, secretHash) => ({
      type: 'changeCredential',
      now,
      secretHash,
      freshFor: this.host.config.freshFor,
    }));
  }

  /**
   * LC-7: per-session overrides that survive rotation; the absolute deadline only moves earlier.
   * @throws TypeError on a negative or non-finite duration.
   */
  setExpiry(options: ExpiryOptions): void {
    this.lifecycle((now) => {
      const event: SessionEvent = { type: 'setExpiry', now };
      if (options.idleTimeout !== undefined) event.idleTimeout = duration(options.idleTimeout, 'idleTimeout');
      if (options.absoluteTimeout !== undefined) {
        event.absoluteTimeout = duration(options.absoluteTimeout, 'absoluteTimeout');
      }
      if (options.persistent !== undefined) event.persistent = options.persistent;
      return event;
    }, false);
  }

  /**
   * An anti-forgery token bound to this session's current secret, for a form or a header, when an
   * application wants one beside the cross-site check (SEC-7). It changes whenever the secret rotates
   * (login, logout, re-authentication, `rotate()`), so render it after those calls. A new session is
   * kept (stored at commit) so the token can be verified on the next request.
   * @returns a masked token (different at each call, all valid).
   */
  csrfToken(): string {
    if (this.isNew && !this.dirty) this.touch();
    return maskedCsrfToken(this.local.secretHash);
  }

  /**
   * Whether `token` is an anti-forgery token of this session's current secret ({@link Session.csrfToken}).
   * @param token - what the request sent; anything that is not a token is `false`.
   * @returns true when it matches, compared in constant time.
   */
  verifyCsrfToken(token: unknown): boolean {
    return csrfTokenMatches(this.local.secretHash, token);
  }

  /** Record the access now, whatever the throttle (PERF-1). */
  touch(): void {
    this.lifecycle((now) => ({ type: 'touch', now }), false);
  }

  /**
   * Write the patch (CC-1, CC-2): compare-and-set with re-application on conflict, queued with the other
   * writes of this process to the same session.
   * @returns what to do with the cookie.
   * @throws SessionError `STORE_UNAVAILABLE`, `CONFLICT`, `SESSION_GONE`, `PAYLOAD_TOO_LARGE`,
   *   `INDETERMINATE` or `USER_CAP_REACHED`; the store then holds what it held before, or (for
   *   `INDETERMINATE`) possibly this commit, never twice.
   */
  commit(): Promise<CommitResult> {
    return this.host.commit(this);
  }

  /** @internal Whether there is anything to write. */
  get dirty(): boolean {
    return this.ops.length > 0;
  }

  /** @internal */
  private view(bucket: BucketName): BucketView {
    return {
      get: (key) => {
        const value = getOwn(this.local[bucket], key);
        return value === undefined ? undefined : cloneJson(value);
      },
      has: (key) => Object.hasOwn(this.local[bucket], key),
      keys: () => Object.keys(this.local[bucket]),
      set: (key, value) => {
        assertKey(key);
        assertJson(value, `${bucket}.${key}`);
        const copy = cloneJson(value);
        // ST-6: the limit is in UTF-8 bytes, as stored.
        const size = Buffer.byteLength(JSON.stringify(copy));
        if (size > this.host.config.maxSize) {
          throw new SessionError(
            'PAYLOAD_TOO_LARGE',
            `${bucket}.${key} is ${size} bytes, over maxSize ${this.host.config.maxSize}`,
          );
        }
        this.data(bucket, { kind: 'set', bucket, key, value: copy, userId: this.local.userId });
      },
      delete: (key) => {
        assertKey(key);
        this.data(bucket, { kind: 'delete', bucket, key, userId: this.local.userId });
      },
      update: (key, fn) => {
        assertKey(key);
        if (typeof fn !== 'function') throw new TypeError(`update('${key}', fn): fn must be a function`);
        this.data(bucket, { kind: 'update', bucket, key, fn, userId: this.local.userId });
      },
    };
  }

  /** @internal */
  private data(bucket: BucketName, op: Op): void {
    if (bucket === 'user' && this.state !== 'authenticated') {
      throw new SessionError(
        'NOT_AUTHENTICATED',
        'the user bucket exists only while a user is authenticated',
      );
    }
    this.record(op);
  }

  /** @internal Apply one op to the handle and keep it in the patch. */
  private record(op: Op): void {
    if (this.sealed !== null) throw new TypeError(this.sealed);
    this.requireLive();
    const applied = applyPatch(this.local, [op]);
    this.local = applied.record;
    this.state = applied.state;
    this.effects.push(...applied.effects);
    this.ops.push(op);
  }

  /** @internal A lifecycle call: the machine decides, with a new secret when it rotates. */
  private lifecycle(make: (now: number, secretHash: string) => SessionEvent, rotates = true): void {
    this.requireLive();
    if (this.grace) {
      throw new SessionError(
        'GRACE_CREDENTIAL',
        'this request presented the previous secret inside its grace window; lifecycle calls need the current one',
      );
    }
    const secret = rotates ? newSecret() : null;
    const hash = secret === null ? '' : hashSecret(secret);
    this.record({ kind: 'event', event: make(this.host.now(), hash) });
    if (secret !== null && this.local.secretHash === hash) this.secret = secret;
  }

  /** @internal */
  private requireLive(): void {
    if (this.state === 'expired' || this.state === 'destroyed') {
      throw new SessionError('SESSION_GONE', `session ${this.id} has ended`);
    }
  }

  /** @internal */
  private requireUser(call: string): void {
    if (this.state !== 'authenticated') {
      throw new SessionError('NOT_AUTHENTICATED', `${call}() needs an authenticated session`);
    }
  }
}

/** @internal */
function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(`a session key must be a string, got ${typeof key}`);
}

/** @internal */
function duration(ms: number, name: string): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`${name} must be a finite, non-negative number of milliseconds`);
  }
  return ms;
}
