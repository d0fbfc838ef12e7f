/**
 * The session lifecycle as an XState v5 machine: the normative form of the LC rules of `SPEC.md`.
 *
 * The machine is pure. It holds no timers: every event carries `now`, and timeouts are guards on it
 * (expired when `now >= deadline`). Everything random (the hash of a new secret) is made by the caller
 * and travels in the event, so a step is deterministic. Context changes are named `assign` actions; the
 * other named actions are the effects a session manager executes against a store and a response.
 *
 * @packageDocumentation
 */
import { assign, type ParameterizedObject, type StateMachine, setup } from 'xstate';
import type { AuditEventType } from './audit.js';
import { pushRetired, type RetireReason } from './retired.js';
import { graceOpen, idleDeadline } from './rules.js';

export type { LiveState, SessionState, TerminalState } from './states.js';

/**
 * What the machine knows of a session: the lifecycle part of a stored record (no application data).
 * All times are milliseconds since the epoch; all durations are milliseconds.
 */
export interface SessionContext {
  /** The bound user, or `null` while anonymous (LC-2, LC-11). */
  userId: string | null;
  /** SHA-256 of the current secret, base64url (ID-2). */
  secretHash: string;
  /** SHA-256 of the previous secret, kept for the grace window and reuse detection (CC-6). */
  previousHash: string | null;
  /** The previous secret is accepted while `now < previousUntil` (CC-6); `null` when never. */
  previousUntil: number | null;
  /** Why the previous secret was retired (CC-6); `null` exactly when `previousHash` is. */
  previousReason: RetireReason | null;
  /** The ring of secrets retired before the previous one, newest first (CC-6, ID-3; `retiredEntry`). */
  retired: string[];
  /** Creation time. */
  createdAt: number;
  /** Last access that was written (a touch, PERF-1). */
  lastSeenAt: number;
  /** Time of the last (re-)authentication (LC-2, LC-8), `null` while anonymous. */
  authenticatedAt: number | null;
  /** `isFresh` holds while `now < freshUntil` (LC-8), `null` while anonymous. */
  freshUntil: number | null;
  /** Idle timeout: the session expires at `lastSeenAt + idleTimeout` (LC-7). */
  idleTimeout: number;
  /** Absolute deadline: the session expires at this instant whatever its activity (LC-7). */
  absoluteDeadline: number;
  /** A persistent ("remember me") cookie rather than a browser-session cookie (LC-7). */
  persistent: boolean;
}

/** Input of the machine's initial transition: the `create` of the lifecycle table. */
export interface CreateInput {
  now: number;
  /** SHA-256 of the new session's secret (ID-1, ID-2). */
  secretHash: string;
  idleTimeout: number;
  absoluteTimeout: number;
  persistent: boolean;
}

/**
 * Which of the record's secrets the request presented (the manager compares hashes in constant time):
 * the current one, the previous one, or an older one the ring remembers (`retired`, CC-6).
 */
export type Presented = 'current' | 'previous' | 'retired';

/** A request loads the session with a token whose hash matched the current, the previous or a ring secret. */
export interface AccessEvent {
  type: 'access';
  now: number;
  presented: Presented;
  /** A touch is written once `now - lastSeenAt >= touchAfter` (PERF-1). */
  touchAfter: number;
  /** End the session when a replaced secret is presented outside its window (CC-6). */
  endOnReuse: boolean;
}
/** Record the access now, whatever the throttle (the manager's explicit `touch()`). */
export interface TouchEvent {
  type: 'touch';
  now: number;
}
/** Per-session lifetime overrides (LC-7, like Django's `set_expiry`). */
export interface SetExpiryEvent {
  type: 'setExpiry';
  now: number;
  /** New idle timeout. */
  idleTimeout?: number;
  /** New absolute timeout counted from `now`; it can only bring the deadline earlier (LC-7). */
  absoluteTimeout?: number;
  persistent?: boolean;
}
/** Bind a user (LC-2, LC-3). */
export interface AuthenticateEvent {
  type: 'authenticate';
  now: number;
  userId: string;
  /** SHA-256 of the secret that replaces the current one (fixation defence, LC-2). */
  secretHash: string;
  /** The absolute policy that starts at this moment (LC-7). */
  absoluteTimeout: number;
  idleTimeout: number;
  persistent: boolean;
  /** How long the authentication counts as fresh (LC-8). */
  freshFor: number;
}
/** Refresh the authentication of the bound user (LC-8). */
export interface ReauthenticateEvent {
  type: 'reauthenticate';
  now: number;
  secretHash: string;
  freshFor: number;
}
/** Replace the secret, keeping everything else (LC-4). */
export interface RotateEvent {
  type: 'rotate';
  now: number;
  secretHash: string;
  /** Grace window for the previous secret; 0 turns it off (CC-6). */
  graceMs: number;
}
/** Unbind the user, keep the browser bucket (LC-5). */
export interface LogoutEvent {
  type: 'logout';
  now: number;
  secretHash: string;
}
/** The user changed a credential: end every other session, rotate this one (LC-10). */
export interface ChangeCredentialEvent {
  type: 'changeCredential';
  now: number;
  secretHash: string;
  freshFor: number;
}
/** End the session from its own request: `destroy()` or `logout({ destroy: true })` (LC-6). */
export interface DestroyEvent {
  type: 'destroy';
  now: number;
}
/** End the session from outside it: per-user revocation, credential change elsewhere, the cap (LC-6, LC-9, LC-12). */
export interface RevokeEvent {
  type: 'revoke';
  now: number;
}

/** Every event of the lifecycle machine. */
export type SessionEvent =
  | AccessEvent
  | TouchEvent
  | SetExpiryEvent
  | AuthenticateEvent
  | ReauthenticateEvent
  | RotateEvent
  | LogoutEvent
  | ChangeCredentialEvent
  | DestroyEvent
  | RevokeEvent;

/** The type names of the lifecycle events. */
export type SessionEventType = SessionEvent['type'];

/** The params of the `audit` effect (SEC-4). */
export interface AuditParams {
  event: AuditEventType;
}

/** @internal An `audit` effect with its event name (SEC-4). */
const audit = (event: AuditEventType) => ({ type: 'audit' as const, params: { event } });
/** @internal LC-6: every ending means the same effects. */
const end = (event: AuditEventType) => ['deleteRecord' as const, 'clearCookie' as const, audit(event)];

/** @internal LC-2, LC-3: binding a user from anonymous or switching users: same effects. */
const bind = [
  'bindUser' as const,
  'rotateSecretNoGrace' as const,
  'resetUserBucket' as const,
  'enforceUserCap' as const,
  'issueToken' as const,
  audit('authenticated'),
];

/** @internal CC-6: the access presented the previous secret inside its grace window. */
const inGraceWindow = (context: SessionContext, event: SessionEvent) =>
  event.type === 'access' && event.presented === 'previous' && graceOpen(context, event.now);

/** @internal CC-6: the access presented a replaced secret (previous or retired) outside any window. */
const replacedSecret = (context: SessionContext, event: SessionEvent) =>
  event.type === 'access' && event.presented !== 'current' && !inGraceWindow(context, event);

/** @internal The events that replace the secret (LC-2, LC-4, LC-5, LC-8, LC-10). */
type RotatingEvent =
  | RotateEvent
  | AuthenticateEvent
  | ReauthenticateEvent
  | LogoutEvent
  | ChangeCredentialEvent;

/** @internal CC-6: why the secret an event replaces is retired (`RetireReason`). */
const RETIRED_BY: Record<RotatingEvent['type'], RetireReason> = {
  rotate: 'r',
  authenticate: 'a',
  reauthenticate: 'a',
  changeCredential: 'c',
  logout: 'l',
};

/**
 * @internal CC-6: the secret fields after `event` retires the current secret until `until`: the
 * previous one joins the ring (`pushRetired`), the current one becomes the previous one.
 */
const retire = (context: SessionContext, event: RotatingEvent, until: number) => ({
  secretHash: event.secretHash,
  previousHash: context.secretHash,
  previousUntil: until,
  previousReason: RETIRED_BY[event.type],
  retired: pushRetired(context.retired, {
    hash: context.previousHash,
    reason: context.previousReason,
    until: context.previousUntil,
  }),
});

/** @internal The transitions both live states share (LC-4, LC-6, LC-7, CC-6, PERF-1). */
const live = {
  access: [
    { guard: 'absoluteExpired' as const, target: 'expired', actions: end('expired') },
    { guard: 'idleExpired' as const, target: 'expired', actions: end('expired') },
    { guard: 'reuseEnds' as const, target: 'destroyed', actions: end('reuse-detected') },
    { guard: 'reuse' as const, actions: ['rejectCredential' as const, audit('reuse-detected')] },
    { guard: 'inGrace' as const, actions: ['acceptPrevious' as const] },
    { guard: 'touchDue' as const, actions: ['touch' as const] },
    {},
  ],
  touch: [
    { guard: 'absoluteExpired' as const, target: 'expired', actions: end('expired') },
    { guard: 'idleExpired' as const, target: 'expired', actions: end('expired') },
    { actions: ['touch' as const] },
  ],
  setExpiry: { actions: ['applyExpiry' as const, 'issueToken' as const] },
  rotate: { actions: ['rotateSecret' as const, 'issueToken' as const, audit('rotated')] },
  destroy: { target: 'destroyed', actions: end('destroyed') },
  revoke: { target: 'destroyed', actions: end('revoked') },
};

/**
 * The effects of the machine: its named actions that change nothing in the context. Their
 * implementations here do nothing; a manager executes each against the store and the response, through
 * one exhaustive map of handlers (the effect table of `SPEC.md` says what each means).
 */
export const sessionEffects = {
  /** Send the cookie with the session's current token (SEC-1), after the write succeeded. */
  issueToken: () => {},
  /** Clear the cookie (`Max-Age=0`) where a response exists (LC-6). */
  clearCookie: () => {},
  /** The user's data starts empty: the user bucket and the labels (LC-2, LC-3, LC-5). */
  resetUserBucket: () => {},
  /** Delete the record and its user-index entry (LC-6). */
  deleteRecord: () => {},
  /** End every other session of the user (LC-10). */
  revokeOtherSessions: () => {},
  /** Apply the cap on live sessions per user (LC-12). */
  enforceUserCap: () => {},
  /** Go on with the previous secret, inside its grace window: no lifecycle calls, no cookie (CC-6). */
  acceptPrevious: () => {},
  /** Refuse the presented (previous) secret: the request gets a new session (ID-5, CC-6). */
  rejectCredential: () => {},
  /** Raise the audit event in `params.event` (SEC-4). */
  audit: (_args: unknown, _params: AuditParams) => {},
};

/**
 * The session lifecycle machine. Step it with `initialTransition(sessionMachine, input)` and
 * `transition(sessionMachine, snapshot, event)` from `xstate`; both are pure.
 *
 * @example
 * ```ts
 * import { initialTransition, transition } from 'xstate';
 * const [s0] = initialTransition(sessionMachine, { now: 0, secretHash: 'h0', idleTimeout: 1800_000,
 *   absoluteTimeout: 86_400_000, persistent: false });
 * const [s1, effects] = transition(sessionMachine, s0, { type: 'authenticate', now: 10, userId: 'u1',
 *   secretHash: 'h1', absoluteTimeout: 86_400_000, idleTimeout: 1800_000, persistent: false, freshFor: 300_000 });
 * s1.value; // 'authenticated'
 * ```
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as CreateInput,
  },
  guards: {
    /** LC-7: the absolute deadline has passed (`now >= absoluteDeadline`). */
    absoluteExpired: ({ context, event }) => event.now >= context.absoluteDeadline,
    /** LC-7: the idle deadline has passed (`now >= lastSeenAt + idleTimeout`). */
    idleExpired: ({ context, event }) => event.now >= idleDeadline(context),
    /** CC-6: a replaced secret was presented outside its window, and the policy ends the session. */
    reuseEnds: ({ context, event }) =>
      replacedSecret(context, event) && event.type === 'access' && event.endOnReuse,
    /** CC-6: a replaced secret (previous after its window, or an older one) was presented. */
    reuse: ({ context, event }) => replacedSecret(context, event),
    /** CC-6: the previous secret was presented inside its grace window. */
    inGrace: ({ context, event }) => inGraceWindow(context, event),
    /** PERF-1: enough of the idle window has passed since the last written touch. */
    touchDue: ({ context, event }) =>
      event.type === 'access' && event.now - context.lastSeenAt >= event.touchAfter,
    /** LC-3: the user being authenticated is the bound one. */
    sameUser: ({ context, event }) => event.type === 'authenticate' && event.userId === context.userId,
    /** LC-8: the last authentication is recent enough for sensitive operations. */
    isFresh: ({ context, event }) => context.freshUntil !== null && event.now < context.freshUntil,
  },
  actions: {
    /** PERF-1: record the access. */
    touch: assign({ lastSeenAt: ({ event }) => event.now }),
    /** LC-4, CC-6: a new secret; the old one stays valid for the grace window, if any. */
    rotateSecret: assign(({ context, event }) => {
      const e = event as RotateEvent;
      return retire(context, e, e.graceMs > 0 ? e.now + e.graceMs : e.now);
    }),
    /** LC-2, CC-6: a new secret after a privilege change; the old one never works again (no grace). */
    rotateSecretNoGrace: assign(({ context, event }) => {
      const e = event as RotatingEvent;
      return retire(context, e, e.now);
    }),
    /** LC-2, LC-3, LC-7: bind the user and start the new lifetime policy from now. */
    bindUser: assign(({ event }) => {
      const e = event as AuthenticateEvent;
      return {
        userId: e.userId,
        authenticatedAt: e.now,
        freshUntil: e.now + e.freshFor,
        lastSeenAt: e.now,
        idleTimeout: e.idleTimeout,
        absoluteDeadline: e.now + e.absoluteTimeout,
        persistent: e.persistent,
      };
    }),
    /**
     * LC-8: the authentication is fresh again, and (NIST SP 800-63B-4 §5.2) both timeouts start over: the
     * idle one from now, the absolute one with the length in force since the last authentication (a
     * same-user `authenticate` brings its own policy, which it applies, LC-3).
     */
    refreshAuthentication: assign(({ context, event }) => {
      const e = event as AuthenticateEvent | ReauthenticateEvent | ChangeCredentialEvent;
      const fresh = { authenticatedAt: e.now, freshUntil: e.now + e.freshFor, lastSeenAt: e.now };
      if (e.type === 'authenticate') {
        const { idleTimeout, persistent } = e;
        return { ...fresh, idleTimeout, persistent, absoluteDeadline: e.now + e.absoluteTimeout };
      }
      const length = context.absoluteDeadline - (context.authenticatedAt ?? context.createdAt);
      return { ...fresh, absoluteDeadline: e.now + length };
    }),
    /** LC-5: no user any more. */
    /** LC-5: "remember me" was the user's choice: the anonymous session after logout is a browser-session one. */
    unbindUser: assign({ userId: null, authenticatedAt: null, freshUntil: null, persistent: false }),
    /** LC-7: per-session overrides; the absolute deadline only moves earlier. */
    applyExpiry: assign(({ context, event }) => {
      const e = event as SetExpiryEvent;
      return {
        idleTimeout: e.idleTimeout ?? context.idleTimeout,
        absoluteDeadline:
          e.absoluteTimeout === undefined
            ? context.absoluteDeadline
            : Math.min(context.absoluteDeadline, e.now + e.absoluteTimeout),
        persistent: e.persistent ?? context.persistent,
      };
    }),
    ...sessionEffects,
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    userId: null,
    secretHash: input.secretHash,
    previousHash: null,
    previousUntil: null,
    previousReason: null,
    retired: [],
    createdAt: input.now,
    lastSeenAt: input.now,
    authenticatedAt: null,
    freshUntil: null,
    idleTimeout: input.idleTimeout,
    absoluteDeadline: input.now + input.absoluteTimeout,
    persistent: input.persistent,
  }),
  // The `create` of the lifecycle table; a manager runs these effects when the session is first kept (SEC-6).
  initial: { target: 'anonymous', actions: ['issueToken', audit('created')] },
  states: {
    anonymous: {
      description: 'Live, no user bound (LC-1).',
      on: {
        ...live,
        authenticate: { target: 'authenticated', actions: bind },
      },
    },
    authenticated: {
      description: 'Live, a user bound (LC-1, LC-2).',
      on: {
        ...live,
        authenticate: [
          {
            guard: 'sameUser',
            actions: ['refreshAuthentication', 'rotateSecretNoGrace', 'issueToken', audit('authenticated')],
          },
          { actions: bind },
        ],
        reauthenticate: {
          actions: ['refreshAuthentication', 'rotateSecretNoGrace', 'issueToken', audit('authenticated')],
        },
        logout: {
          target: 'anonymous',
          actions: [
            'unbindUser',
            'rotateSecretNoGrace',
            'resetUserBucket',
            'issueToken',
            audit('logged-out'),
          ],
        },
        changeCredential: {
          actions: [
            'refreshAuthentication',
            'rotateSecretNoGrace',
            'revokeOtherSessions',
            'issueToken',
            audit('rotated'),
          ],
        },
      },
    },
    expired: { type: 'final', description: 'Terminal: a deadline passed (LC-1, LC-7).' },
    destroyed: {
      type: 'final',
      description: 'Terminal: ended by destroy, logout, revocation or reuse (LC-1, LC-6).',
    },
  },
});

/** The machine's type. */
export type SessionMachine = typeof sessionMachine;

/** The machine's named actions with their params, read from its type. */
export type MachineAction =
  SessionMachine extends StateMachine<
    infer _Context,
    infer _Event,
    infer _Children,
    infer _Actor,
    infer A extends ParameterizedObject,
    infer _Guard,
    infer _Delay,
    infer _StateValue,
    infer _Tag,
    infer _Input,
    infer _Output,
    infer _Emitted,
    infer _Meta,
    infer _Schema
  >
    ? A
    : never;

/** The names of the machine's effects: its named actions that are not context changes. */
export type SessionEffectType = keyof typeof sessionEffects;

/**
 * An effect the machine asks for, as data: one of its named actions that is not a context change, with
 * its params (`audit` carries its event, SEC-4). Derived from the machine, never listed by hand; a
 * manager handles them through one exhaustive map, so an effect added to the machine without a handler
 * does not typecheck.
 */
export type SessionEffect = Extract<MachineAction, { type: SessionEffectType }>;

/** The names of the machine's effects, at run time (the keys of its effect actions). */
export const EFFECT_TYPES = Object.keys(sessionEffects) as SessionEffectType[];
