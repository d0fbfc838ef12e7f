/**
 * The session handle a request works with: two buckets, labels and the lifecycle calls. Changes are
 * applied to the handle at once (so the request reads its own writes) and recorded as a patch that
 * `commit()` writes with compare-and-set (CC-1, CC-2).
 *
 * @packageDocumentation
 */
import {
  callDecision,
  hasEnded,
  type JsonValue,
  type SessionEffect,
  type SessionEvent,
  type SessionEventType,
  type SessionRecord,
  type SessionState,
} from '../spec/index.js';
import { csrfTokenMatches, maskedCsrfToken } from './csrf.js';
import { SessionError } from './errors.js';
import { makeIdentity, UNMADE } from './identity.js';
import { assertJson, cloneJson, getOwn } from './json.js';
import { accepts, isFresh } from './lifecycle.js';
import { applyPatch, type BucketName, type Op, type Updater } from './patch.js';
import { hashSecret, newSecret } from './token.js';
import type { SessionSummary, UserSessions } from './user-sessions.js';

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
  commit(handle: Handle): Promise<CommitResult>;
  /** The manager's per-user calls, which the session-scoped ones narrow to the bound user (LC-9). */
  readonly users: Pick<UserSessions, 'listSessions' | 'revoke' | 'revokeSession'>;
}

/** @internal How a handle starts. */
export interface SessionInit {
  /** The record as loaded, or `null` for a new session. */
  base: SessionRecord | null;
  /** The handle's view: the loaded record (touched), or the new record. */
  local: SessionRecord;
  /** Effects already due (create effects, or the touch of the access step). */
  effects: SessionEffect[];
  ops: Op[];
  /** The raw secret that goes with `local.secretHash` when the handle knows it. */
  secret: string | null;
  /** The request presented the previous secret inside its grace window (CC-6). */
  grace: boolean;
  /** Hash of the secret this handle holds (the one presented, or its own new one); `null` when new. */
  credential: string | null;
  /** A token was presented and not adopted: clear it unless a new session is kept (LC-6). */
  deadToken: boolean;
  /**
   * The token names a live session but its secret is not the current one (ID-3, CC-6): the request is
   * anonymous and may not change anything, so that its response never touches the browser's cookie.
   */
  stale: boolean;
}

/**
 * @internal The mutable state behind a session handle. The handle keeps it in a private field and
 * hands it to its manager's committer only, so no secret or hash is reachable from the handle (ID-2).
 */
export interface Handle extends SessionInit {
  /** The state after the patch; terminal once the patch ended the session. */
  state: SessionState;
}

/**
 * The browser bucket's keys and value types, declared by the application once (declaration merging), as
 * with express-session's `SessionData`. Keys it does not declare stay `JsonValue`.
 *
 * @example
 * ```ts
 * declare module 'sessionspec' {
 *   interface SessionData { cart: string[] }
 * }
 * session.get('cart'); // string[] | undefined
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the application's declaration merging.
export interface SessionData {}

/** The user bucket's keys and value types (`session.user`), declared like {@link SessionData}. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the application's declaration merging.
export interface UserData {}

/** The type of `key` in declared data `D`: as declared, or any JSON value for an undeclared key. */
export type DataValue<D, K extends string> = K extends keyof D ? D[K] : JsonValue;

/**
 * A view of one bucket of a session, typed by the declared data `D` ({@link SessionData},
 * {@link UserData}).
 */
export interface BucketView<D = Record<never, never>> {
  /** @returns a copy of the value, or `undefined`. */
  get<K extends string>(key: K): DataValue<D, K> | undefined;
  /** @returns whether the bucket holds `key`. */
  has(key: string): boolean;
  /** @returns the keys the bucket holds. */
  keys(): string[];
  /**
   * @throws TypeError when `value` is not plain JSON (ST-6).
   * @throws SessionError `PAYLOAD_TOO_LARGE` beyond `maxSize`; `NOT_AUTHENTICATED` on the user bucket of
   *   an anonymous session.
   */
  set<K extends string>(key: K, value: DataValue<D, K>): void;
  /** Remove `key` from the bucket (nothing happens when it is absent). */
  delete(key: string): void;
  /** CC-3: `fn` runs on the current value now and again on the fresh value if a conflict forces a retry. */
  update<K extends string>(key: K, fn: (current: DataValue<D, K> | undefined) => DataValue<D, K>): void;
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
  readonly #host: SessionHost;
  readonly #handle: Handle;
  /** Made on first use: most requests reach the data through the shorthands, which need no view. */
  #browser: BucketView<SessionData> | undefined;
  #user: BucketView<UserData> | undefined;
  /**
   * Set by an HTTP integration when the response starts: a change made after it could not be saved,
   * so it throws this message instead of vanishing.
   */
  #sealed: string | null = null;

  /** @internal */
  constructor(host: SessionHost, init: SessionInit) {
    this.#host = host;
    this.#handle = { ...init, state: init.local.state };
  }

  /** The browser bucket: kept across login and logout (LC-5). */
  get browser(): BucketView<SessionData> {
    // The views check values at run time (ST-6); the declared data types only narrow what callers see.
    this.#browser ??= this.#view('browser') as unknown as BucketView<SessionData>;
    return this.#browser;
  }
  /** The user bucket: empty while anonymous, wiped at logout and user switch (LC-3, LC-5). */
  get user(): BucketView<UserData> {
    this.#user ??= this.#view('user') as unknown as BucketView<UserData>;
    return this.#user;
  }
  /** The stable session id (ID-1): the handle for listing and revoking, not a credential. */
  get id(): string {
    makeIdentity(this.#handle);
    return this.#handle.local.sessionId;
  }
  /** The bound user, or `null` (LC-2). */
  get userId(): string | null {
    return this.#handle.local.userId;
  }
  /** `anonymous` or `authenticated` while live; `expired` or `destroyed` once ended in this request. */
  get status(): SessionState {
    return this.#handle.state;
  }
  /** Whether a user is bound (LC-2): `status === 'authenticated'`. */
  get isAuthenticated(): boolean {
    return this.#handle.state === 'authenticated';
  }
  /** Whether the session has never been stored (SEC-6: an untouched new session is not persisted). */
  get isNew(): boolean {
    return this.#handle.base === null;
  }
  /** Whether this request presented the previous secret inside its grace window (CC-6). */
  get usedGraceSecret(): boolean {
    return this.#handle.grace;
  }
  /**
   * LC-8: the last authentication is recent enough for a sensitive operation. Never on a request that
   * presented the previous secret (CC-6: a grace request holds no privilege).
   */
  get isFresh(): boolean {
    return !this.#handle.grace && isFresh(this.#handle.local, this.#host.now());
  }
  /** When the session stops being readable, unless touched (LC-7). */
  get expiresAt(): number {
    return this.#handle.local.expiresAt;
  }
  /** When the session was created (ms since the epoch). */
  get createdAt(): number {
    return this.#handle.local.createdAt;
  }
  /** The last recorded access (ms since the epoch); touches are throttled (PERF-1). */
  get lastSeenAt(): number {
    return this.#handle.local.lastSeenAt;
  }
  /** When the user last (re-)authenticated, or `null` while anonymous (LC-8). */
  get authenticatedAt(): number | null {
    return this.#handle.local.authenticatedAt;
  }
  /** Whether the cookie is persistent ("remember me") rather than a browser-session cookie (LC-7). */
  get persistent(): boolean {
    return this.#handle.local.persistent;
  }
  /** Application-supplied labels shown when listing a user's sessions (LC-9). */
  get labels(): Readonly<Record<string, string>> {
    return { ...this.#handle.local.labels };
  }

  /** Shorthand for `browser.get`. */
  get<K extends string>(key: K): DataValue<SessionData, K> | undefined {
    return this.#get('browser', key) as DataValue<SessionData, K> | undefined;
  }
  /** Shorthand for `browser.set`. */
  set<K extends string>(key: K, value: DataValue<SessionData, K>): void {
    this.#set('browser', key, value as JsonValue);
  }
  /** Shorthand for `browser.delete`. */
  delete(key: string): void {
    this.#delete('browser', key);
  }
  /** Shorthand for `browser.update` (CC-3). */
  update<K extends string>(
    key: K,
    fn: (current: DataValue<SessionData, K> | undefined) => DataValue<SessionData, K>,
  ): void {
    this.#update('browser', key, fn as Updater);
  }

  /**
   * Set or remove (`null`) a label, e.g. a device name (LC-9). Labels are the user's data: login, a user
   * switch and logout start them empty (LC-5), so set them after `authenticate`.
   * @throws TypeError when the key or value is not a string.
   */
  setLabel(key: string, value: string | null): void {
    assertKey(key);
    if (value !== null && typeof value !== 'string')
      throw new TypeError('a label value must be a string or null');
    this.#record({ kind: 'label', key, value });
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
    const { config } = this.#host;
    this.#lifecycle('authenticate', (now, secretHash) => ({
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
    this.#lifecycle('reauthenticate', (now, secretHash) => ({
      type: 'reauthenticate',
      now,
      secretHash,
      freshFor: this.#host.config.freshFor,
    }));
  }

  /** LC-4: a new secret for the same session; data, user and deadlines are kept. */
  rotate(): void {
    this.#lifecycle('rotate', (now, secretHash) => ({
      type: 'rotate',
      now,
      secretHash,
      graceMs: this.#host.config.rotationGrace,
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
    this.#lifecycle('logout', (now, secretHash) => ({ type: 'logout', now, secretHash }));
  }

  /** LC-6: end the session; the commit deletes it and clears the cookie. */
  destroy(): void {
    this.#lifecycle('destroy', (now) => ({ type: 'destroy', now }), false);
  }

  /** LC-10: the user changed a credential: every other session of the user ends, this one rotates. */
  changeCredential(): void {
    this.#lifecycle('changeCredential', (now, secretHash) => ({
      type: 'changeCredential',
      now,
      secretHash,
      freshFor: this.#host.config.freshFor,
    }));
  }

  /**
   * LC-7: per-session overrides that survive rotation; the absolute deadline only moves earlier.
   * @throws TypeError on a negative or non-finite duration.
   */
  setExpiry(options: ExpiryOptions): void {
    this.#lifecycle(
      'setExpiry',
      (now) => {
        const event: SessionEvent = { type: 'setExpiry', now };
        if (options.idleTimeout !== undefined)
          event.idleTimeout = duration(options.idleTimeout, 'idleTimeout');
        if (options.absoluteTimeout !== undefined) {
          event.absoluteTimeout = duration(options.absoluteTimeout, 'absoluteTimeout');
        }
        if (options.persistent !== undefined) event.persistent = options.persistent;
        return event;
      },
      false,
    );
  }

  /**
   * LC-9: the bound user's live sessions, this one included (`sessionId === session.id`), read from
   * the store now.
   * @returns the sessions, each with its labels and never a hash.
   * @throws SessionError `NOT_AUTHENTICATED` without a bound user, `GRACE_CREDENTIAL` on a request that
   *   presented the previous secret (CC-6), `SESSION_GONE` once ended, `STORE_UNAVAILABLE`.
   */
  async listSessions(): Promise<SessionSummary[]> {
    return this.#host.users.listSessions(this.#privileged('listSessions'));
  }

  /**
   * LC-9: end every other session of the bound user ("log out other devices"); this one stays.
   * @returns the ended session ids.
   * @throws SessionError as {@link Session.listSessions}.
   * @example
   * ```ts
   * app.post('/sessions/end-others', async (req, res) => {
   *   await req.session.revokeOthers();
   *   res.redirect(303, '/sessions');
   * });
   * ```
   */
  async revokeOthers(): Promise<string[]> {
    return this.#host.users.revoke(this.#privileged('revokeOthers'), { except: this.id });
  }

  /**
   * LC-9: end one other session of the bound user, by id ("log out that device"); a session of
   * another user is left alone.
   * @returns whether it existed and belonged to the bound user.
   * @throws TypeError for this session's own id (end it with `destroy()` or `logout()`).
   * @throws SessionError as {@link Session.listSessions}.
   */
  async revokeSession(sessionId: string): Promise<boolean> {
    if (typeof sessionId !== 'string')
      throw new TypeError('revokeSession(sessionId): sessionId must be a string');
    if (sessionId === this.id) {
      throw new TypeError(
        'revokeSession(sessionId) ends other sessions; end this one with destroy() or logout()',
      );
    }
    return this.#host.users.revokeSession(this.#privileged('revokeSession'), sessionId);
  }

  /**
   * An anti-forgery token bound to this session's current secret, for a form or a header, when an
   * application wants one beside the cross-site check (SEC-7). It changes whenever the secret rotates
   * (login, logout, re-authentication, `rotate()`), so render it after those calls. A new session is
   * kept (stored at commit) so the token can be verified on the next request.
   * @returns a masked token (different at each call, all valid).
   */
  csrfToken(): string {
    if (this.isNew && this.#handle.ops.length === 0) this.touch();
    makeIdentity(this.#handle);
    return maskedCsrfToken(this.#handle.local.secretHash);
  }

  /**
   * Whether `token` is an anti-forgery token of this session's current secret ({@link Session.csrfToken}).
   * @param token - what the request sent; anything that is not a token is `false`.
   * @returns true when it matches, compared in constant time.
   */
  verifyCsrfToken(token: unknown): boolean {
    // A new session whose secret is not made yet issued no token.
    if (this.#handle.local.secretHash === UNMADE) return false;
    return csrfTokenMatches(this.#handle.local.secretHash, token);
  }

  /**
   * @internal Called by an HTTP integration when the response starts: any later change throws
   * `reason` (a TypeError) instead of vanishing unsaved.
   */
  seal(reason: string): void {
    this.#sealed = reason;
  }

  /** Record the access now, whatever the throttle (PERF-1). */
  touch(): void {
    this.#lifecycle('touch', (now) => ({ type: 'touch', now }), false);
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
    return this.#host.commit(this.#handle);
  }

  /** @internal A bucket's view: the bucket calls, bound to it. */
  #view(bucket: BucketName): {
    get(key: string): JsonValue | undefined;
    has(key: string): boolean;
    keys(): string[];
    set(key: string, value: JsonValue): void;
    delete(key: string): void;
    update(key: string, fn: Updater): void;
  } {
    return {
      get: (key) => this.#get(bucket, key),
      has: (key) => Object.hasOwn(this.#handle.local[bucket], key),
      keys: () => Object.keys(this.#handle.local[bucket]),
      set: (key, value) => this.#set(bucket, key, value),
      delete: (key) => this.#delete(bucket, key),
      update: (key, fn) => this.#update(bucket, key, fn),
    };
  }

  /** @internal A copy of the bucket's value (ST-6: the caller cannot change the session through it). */
  #get(bucket: BucketName, key: string): JsonValue | undefined {
    const value = getOwn(this.#handle.local[bucket], key);
    return value === undefined ? undefined : cloneJson(value);
  }

  /** @internal */
  #set(bucket: BucketName, key: string, value: JsonValue): void {
    assertKey(key);
    assertJson(value, `${bucket}.${key}`);
    // One encode gives the copy and the size. ST-6: the limit is in UTF-8 bytes, as stored.
    const text = JSON.stringify(value);
    const copy =
      typeof value === 'object' && value !== null ? (JSON.parse(text) as JsonValue) : cloneJson(value);
    const size = Buffer.byteLength(text);
    const { maxSize } = this.#host.config;
    if (size > maxSize) {
      throw new SessionError(
        'PAYLOAD_TOO_LARGE',
        `${bucket}.${key} is ${size} bytes, over maxSize ${maxSize}`,
      );
    }
    this.#data(bucket, { kind: 'set', bucket, key, value: copy, userId: this.#handle.local.userId });
  }

  /** @internal */
  #delete(bucket: BucketName, key: string): void {
    assertKey(key);
    this.#data(bucket, { kind: 'delete', bucket, key, userId: this.#handle.local.userId });
  }

  /** @internal */
  #update(bucket: BucketName, key: string, fn: Updater): void {
    assertKey(key);
    if (typeof fn !== 'function') throw new TypeError(`update('${key}', fn): fn must be a function`);
    this.#data(bucket, { kind: 'update', bucket, key, fn, userId: this.#handle.local.userId });
  }

  /** @internal */
  #data(bucket: BucketName, op: Op): void {
    if (bucket === 'user' && this.#handle.state !== 'authenticated') {
      throw new SessionError(
        'NOT_AUTHENTICATED',
        'the user bucket exists only while a user is authenticated',
      );
    }
    this.#record(op);
  }

  /** @internal Apply one op to the handle and keep it in the patch. */
  #record(op: Op): void {
    if (this.#sealed !== null) throw new TypeError(this.#sealed);
    const handle = this.#handle;
    this.#refuseStale();
    if (hasEnded(handle.state)) throw new SessionError('SESSION_GONE', `session ${this.id} has ended`);
    const applied = applyPatch(handle.local, [op]);
    handle.local = applied.record;
    handle.state = applied.state;
    handle.effects.push(...applied.effects);
    handle.ops.push(op);
  }

  /**
   * @internal ID-3, CC-6: a request that presented a replaced secret changes nothing: a new session it
   * kept would replace the browser's newer cookie.
   */
  #refuseStale(): void {
    if (this.#handle.stale) {
      throw new SessionError(
        'STALE_CREDENTIAL',
        'this request presented a secret its session has replaced (the browser already holds the newer cookie); it is served as anonymous and cannot change the session: retry the request',
      );
    }
  }

  /** @internal CC-6: a request that presented the previous secret makes no lifecycle or per-user call. */
  #refuseGrace(): void {
    if (this.#handle.grace) {
      throw new SessionError(
        'GRACE_CREDENTIAL',
        'this request presented the previous secret inside its grace window; lifecycle calls need the current one',
      );
    }
  }

  /**
   * @internal LC-9, CC-6: the bound user of a live session whose request presented the current secret.
   * @returns the user id the per-user call is narrowed to.
   */
  #privileged(call: string): string {
    if (hasEnded(this.#handle.state)) throw new SessionError('SESSION_GONE', `session ${this.id} has ended`);
    const userId = this.#handle.local.userId;
    if (userId === null)
      throw new SessionError('NOT_AUTHENTICATED', `${call}() needs an authenticated session`);
    this.#refuseGrace();
    return userId;
  }

  /**
   * @internal A lifecycle call: `callDecision` says whether it steps the machine, is ignored (and
   * writes nothing, SEC-6) or fails; the machine decides the rest, with a new secret when it rotates.
   */
  #lifecycle(
    type: SessionEventType,
    make: (now: number, secretHash: string) => SessionEvent,
    rotates = true,
  ): void {
    const handle = this.#handle;
    const decision = callDecision(handle.state, type, accepts(handle.state, type));
    if (decision === 'ignore') return;
    this.#refuseStale();
    if (decision === 'ended') throw new SessionError('SESSION_GONE', `session ${this.id} has ended`);
    if (decision === 'not-authenticated') {
      throw new SessionError('NOT_AUTHENTICATED', `${type}() needs an authenticated session`);
    }
    this.#refuseGrace();
    // The machine retires the secret a lifecycle call replaces (CC-6): a new session has its own first.
    makeIdentity(handle);
    const secret = rotates ? newSecret() : null;
    const hash = secret === null ? '' : hashSecret(secret);
    this.#record({ kind: 'event', event: make(this.#host.now(), hash) });
    if (secret !== null && handle.local.secretHash === hash) handle.secret = secret;
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
