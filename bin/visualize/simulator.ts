/**
 * The simulator of the HTML page: one session stepped through the lifecycle machine itself (the pure
 * `initialTransition` / `transition` of xstate on `sessionMachine`), with what a session manager does
 * with each effect the machine returns: the token in the cookie, the browser and user buckets, the
 * stored record and the audit log. No DOM here, so a test steps it as the page does.
 *
 * @packageDocumentation
 */
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { mulberry32 } from '../../conformance/faults.js';
import type { GraphTransition, MachineGraph } from '../../spec/graph.js';
import { type SessionContext, type SessionEvent, sessionMachine } from '../../spec/machine.js';
import { actionName } from './tags.js';

/** A snapshot of the lifecycle machine. */
export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

const MINUTE = 60_000;

/** The manager policy the simulator runs under: short enough that the clock slider shows it all. */
export const SIM_POLICY = {
  /** LC-7 */
  idleTimeout: 30 * MINUTE,
  /** LC-7 */
  absoluteTimeout: 4 * 60 * MINUTE,
  /** LC-8 */
  freshFor: 10 * MINUTE,
  /** PERF-1: a touch is written once this much of the idle window has passed. */
  touchAfter: 5 * MINUTE,
  /** CC-6: the grace window of `rotate`. */
  graceMs: 2 * MINUTE,
  persistent: false,
} as const;

/** The instant the simulated session is created at: fixed, so a trace replays exactly. */
export const SIM_T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

/** The users the simulator can bind: two, so that switching users (LC-3) can be tried. */
export const SIM_USERS = ['alice', 'bob'] as const;

/** What a simulated session runs under: its creation instant, the manager's policy, its users. */
export interface SimConfig {
  /** The instant the session is created at, milliseconds since the epoch. */
  t0: number;
  policy: {
    idleTimeout: number;
    absoluteTimeout: number;
    freshFor: number;
    touchAfter: number;
    graceMs: number;
    persistent: boolean;
  };
  users: readonly string[];
  /** The clock slider's step, in milliseconds. */
  unit: number;
}

/** The simulator's own settings: {@link SIM_POLICY}, from {@link SIM_T0}, a minute per slider step. */
export const SIM_CONFIG: SimConfig = { t0: SIM_T0, policy: SIM_POLICY, users: SIM_USERS, unit: MINUTE };

/** One thing the simulator can do: a machine event (with its variant) or a write to a bucket. */
export interface SimButton {
  /** Stable id, such as `access-previous`; the page's buttons carry it as `data-action`. */
  id: string;
  /** The button's text. */
  label: string;
  /** The machine event's type, or `null` for a bucket write (the application, not the machine). */
  event: SessionEvent['type'] | null;
}

/**
 * Every machine event the simulator can send, with its variants, for some users.
 * @param users - the users `authenticate` can bind.
 * @returns the buttons, in the order the page shows them.
 */
export function simEvents(users: readonly string[]): SimButton[] {
  return [
    { id: 'access-current', label: 'access (current token)', event: 'access' },
    { id: 'access-previous', label: 'access (previous token)', event: 'access' },
    { id: 'touch', label: 'touch', event: 'touch' },
    { id: 'setExpiry', label: 'setExpiry (persistent)', event: 'setExpiry' },
    ...users.map((user) => ({
      id: `authenticate-${user}`,
      label: `authenticate ${user}`,
      event: 'authenticate' as const,
    })),
    { id: 'reauthenticate', label: 'reauthenticate', event: 'reauthenticate' },
    { id: 'rotate', label: 'rotate (with grace)', event: 'rotate' },
    { id: 'logout', label: 'logout', event: 'logout' },
    { id: 'changeCredential', label: 'changeCredential', event: 'changeCredential' },
    { id: 'destroy', label: 'destroy', event: 'destroy' },
    { id: 'revoke', label: 'revoke', event: 'revoke' },
  ];
}

/** The buttons of the simulator's own users. A test checks they cover the machine's events. */
export const SIM_EVENTS: readonly SimButton[] = simEvents(SIM_USERS);

/** The bucket writes the simulator offers, so that what each transition keeps or wipes shows. */
export const SIM_WRITES: readonly SimButton[] = [
  { id: 'write-browser', label: 'add to cart (browser bucket)', event: null },
  { id: 'write-user', label: 'set theme (user bucket)', event: null },
];

/** One step of a trace: what was done, when, and what the machine said. */
export interface SimStep {
  /** A {@link SimButton} id, or the reported step a replay sent. */
  action: string;
  /** Milliseconds since the session was created. */
  at: number;
  /** The machine event, or `null` for a bucket write. */
  event: SessionEvent | null;
  /** The state after the step. */
  to: string;
}

/** One audit event (SEC-4): the session id, never the secret. */
export interface SimAudit {
  at: number;
  event: string;
  sessionId: string;
}

/** Where the record is: not yet written (SEC-6), in the store, or deleted (LC-6). */
export type RecordStatus = 'unsaved' | 'stored' | 'deleted';

/** The simulated session and everything around it. */
export interface SimState {
  config: SimConfig;
  /** Milliseconds since the session was created: the clock slider. */
  clock: number;
  snapshot: SessionSnapshot;
  /** The session id: the token's first part, the same for the session's whole life. */
  sessionId: string;
  /** The secrets issued so far, the current one last. */
  secrets: string[];
  /** The token the browser holds, `<id>.<secret>`, or `null` once the cookie is cleared. */
  cookie: string | null;
  /** The browser bucket: kept across login and logout (LC-2, LC-5). */
  browser: Record<string, unknown>;
  /** The user bucket: wiped at login, user switch and logout (LC-2, LC-3, LC-5). */
  user: Record<string, unknown>;
  record: RecordStatus;
  audit: SimAudit[];
  /** What the last step sent and what the machine returned. */
  last: { action: string; event: SessionEvent | null; from: string; to: string; effects: string[] } | null;
  /** Every step so far. */
  steps: SimStep[];
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** @internal `length` base64url characters drawn from `next`. */
function token(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * 64)];
  return out;
}

/**
 * The stand-in for the hash of a secret: the machine only compares hashes the manager computed, so the
 * simulator names them (`hash(<first 6 characters>…)`) instead of running SHA-256.
 * @param secret - a secret.
 * @returns its stand-in hash.
 */
export function simHash(secret: string): string {
  return `hash(${secret.slice(0, 6)}…)`;
}

/** @internal The n-th secret of a session: deterministic, from the session's seed. */
function secretAt(n: number): string {
  const next = mulberry32(0x5e55 + n * 7919);
  return token(next, 43);
}

/** @internal The session id of every simulated session. */
const SESSION_ID = token(mulberry32(0x1d), 22);

/**
 * A new session: the machine's initial transition.
 * @param config - what it runs under; the simulator's own settings by default.
 * @returns the simulator's state.
 */
export function startSimulation(config: SimConfig = SIM_CONFIG): SimState {
  const first = secretAt(0);
  const [snapshot, actions] = initialTransition(sessionMachine, {
    now: config.t0,
    secretHash: simHash(first),
    idleTimeout: config.policy.idleTimeout,
    absoluteTimeout: config.policy.absoluteTimeout,
    persistent: config.policy.persistent,
  });
  const state: SimState = {
    config,
    clock: 0,
    snapshot,
    sessionId: SESSION_ID,
    secrets: [first],
    cookie: null,
    browser: {},
    user: {},
    record: 'unsaved',
    audit: [],
    last: null,
    steps: [],
  };
  return applyEffects(state, state.snapshot, effectsOf(actions));
}

/** @internal The names of the actions a step returned, `audit(<event>)` with its event. */
function effectsOf(actions: readonly { type: string; params?: unknown }[]): string[] {
  return actions.map((a) => {
    const event = (a.params as { event?: unknown } | undefined)?.event;
    return typeof event === 'string' ? `${a.type}(${event})` : a.type;
  });
}

/**
 * The machine event a button sends at an instant.
 * @param action - a {@link SIM_EVENTS} id.
 * @param now - the instant, milliseconds since the epoch.
 * @param secretHash - the hash of the secret a rotation would install.
 * @param config - the policy and users; the simulator's own by default.
 * @returns the event.
 * @throws TypeError for an id that is not one of {@link simEvents}.
 */
export function simEvent(
  action: string,
  now: number,
  secretHash: string,
  config: SimConfig = SIM_CONFIG,
): SessionEvent {
  const p = config.policy;
  switch (action) {
    case 'access-current':
    case 'access-previous':
      return {
        type: 'access',
        now,
        presented: action === 'access-current' ? 'current' : 'previous',
        touchAfter: p.touchAfter,
        endOnReuse: false,
      };
    case 'touch':
    case 'destroy':
    case 'revoke':
      return { type: action, now };
    case 'setExpiry':
      return { type: 'setExpiry', now, persistent: true };
    case 'reauthenticate':
    case 'changeCredential':
      return { type: action, now, secretHash, freshFor: p.freshFor };
    case 'rotate':
      return { type: 'rotate', now, secretHash, graceMs: p.graceMs };
    case 'logout':
      return { type: 'logout', now, secretHash };
  }
  const user = config.users.find((u) => action === `authenticate-${u}`);
  if (user === undefined) throw new TypeError(`simEvent: unknown action '${action}'`);
  return {
    type: 'authenticate',
    now,
    userId: user,
    secretHash,
    absoluteTimeout: p.absoluteTimeout,
    idleTimeout: p.idleTimeout,
    persistent: p.persistent,
    freshFor: p.freshFor,
  };
}

/**
 * Whether the machine takes a button's event in the current state: the state declares a transition for
 * it (a candidate may then do nothing, like an `access` that is not due for a touch, PERF-1).
 * @param state - the simulator's state.
 * @param action - a {@link simEvents} or {@link SIM_WRITES} id.
 * @returns `true` when it does (a write needs a live session, and a user for the user bucket).
 */
export function isEnabled(state: SimState, action: string): boolean {
  if (state.snapshot.status === 'done') return false;
  if (action === 'write-user') return state.snapshot.context.userId !== null;
  if (action === 'write-browser') return true;
  const type = simEvent(action, state.config.t0 + state.clock, '', state.config).type;
  const node = sessionMachine.states[String(state.snapshot.value)];
  return node !== undefined && Object.hasOwn(node.on, type);
}

/**
 * Moves the clock (the slider). Time only moves forward: every event carries `now` (LC-7).
 * @param state - the simulator's state.
 * @param clock - milliseconds since the session was created, not before the last step.
 * @returns the new state.
 */
export function setClock(state: SimState, clock: number): SimState {
  const floor = state.steps.at(-1)?.at ?? 0;
  return { ...state, clock: Math.max(floor, Math.round(clock)) };
}

/**
 * Does one thing at the current clock: sends a machine event and carries out the effects it returns,
 * or writes to a bucket.
 * @param state - the simulator's state.
 * @param action - a {@link simEvents} or {@link SIM_WRITES} id.
 * @returns the new state; the same state when the action is not enabled (see {@link isEnabled}).
 */
export function step(state: SimState, action: string): SimState {
  if (!isEnabled(state, action)) return state;
  const from = String(state.snapshot.value);
  if (action === 'write-browser' || action === 'write-user') {
    const steps = [...state.steps, { action, at: state.clock, event: null, to: from }];
    const bucket = action === 'write-browser' ? 'browser' : 'user';
    const next = { ...state[bucket] };
    if (bucket === 'browser')
      next.cart = [...((next.cart as unknown[] | undefined) ?? []), `item-${steps.length}`];
    else next.theme = (next.theme ?? 'light') === 'light' ? 'dark' : 'light';
    return {
      ...state,
      [bucket]: next,
      record: 'stored',
      steps,
      last: { action, event: null, from, to: from, effects: [] },
    };
  }
  const hash = simHash(secretAt(state.secrets.length));
  return send(state, action, simEvent(action, state.config.t0 + state.clock, hash, state.config));
}

/**
 * Sends one machine event and carries out the effects the machine returns.
 * @param state - the simulator's state.
 * @param action - what the trace calls the step.
 * @param event - the event; its `now` should be the clock's instant.
 * @returns the new state.
 */
export function send(state: SimState, action: string, event: SessionEvent): SimState {
  const from = String(state.snapshot.value);
  const [snapshot, actions] = transition(sessionMachine, state.snapshot, event);
  const effects = effectsOf(actions);
  const to = String(snapshot.value);
  const changed = snapshot.context !== state.snapshot.context;
  const next: SimState = {
    ...state,
    snapshot,
    steps: [...state.steps, { action, at: state.clock, event, to }],
    record: changed && state.record === 'unsaved' ? 'stored' : state.record,
    last: { action, event, from, to, effects },
  };
  return applyEffects(next, state.snapshot, effects);
}

/**
 * @internal What a session manager does with each effect (the lifecycle table of `SPEC.md`): a new
 * token (ID-1, LC-2, LC-4), a wiped user bucket (LC-5, LC-11), a deleted record (LC-6).
 */
function applyEffects(state: SimState, before: SessionSnapshot, effects: readonly string[]): SimState {
  let next = state;
  const at = state.config.t0 + state.clock;
  for (const effect of effects) {
    if (effect === 'issueToken') {
      // A token is issued again with the same secret when the machine kept it (setExpiry, LC-7).
      const rotated = next.snapshot.context.secretHash !== before.context.secretHash;
      const secrets = rotated ? [...next.secrets, secretAt(next.secrets.length)] : next.secrets;
      next = { ...next, secrets, cookie: `${next.sessionId}.${secrets.at(-1)}` };
    } else if (effect === 'resetUserBucket') next = { ...next, user: {} };
    else if (effect === 'deleteRecord') next = { ...next, record: 'deleted', browser: {}, user: {} };
    else if (effect === 'clearCookie') next = { ...next, cookie: null };
    else if (effect.startsWith('audit(')) {
      const event = effect.slice('audit('.length, -1);
      next = { ...next, audit: [...next.audit, { at, event, sessionId: next.sessionId }] };
    }
  }
  return next;
}

/**
 * The record a store would hold now: the machine's context, the buckets, or `null` when there is none
 * (not yet written, SEC-6, or deleted, LC-6).
 * @param state - the simulator's state.
 * @returns the record's fields.
 */
export function storedRecord(state: SimState): (SessionContext & { data: unknown }) | null {
  if (state.record !== 'stored') return null;
  return { ...state.snapshot.context, data: { browser: state.browser, user: state.user } };
}

/** The deadlines of the session at the current clock (LC-7), for the clock slider. */
export interface Deadlines {
  /** `lastSeenAt + idleTimeout`, milliseconds since the session was created. */
  idle: number;
  /** The absolute deadline, milliseconds since the session was created. */
  absolute: number;
  /** The deadline that has passed at the clock, if any: the next `access` or `touch` expires it. */
  passed: 'idle' | 'absolute' | null;
}

/**
 * The idle and absolute deadlines, and which has passed at the clock (LC-7).
 * @param state - the simulator's state.
 * @returns the deadlines.
 */
export function deadlines(state: SimState): Deadlines {
  const c = state.snapshot.context;
  const idle = c.lastSeenAt + c.idleTimeout - state.config.t0;
  const absolute = c.absoluteDeadline - state.config.t0;
  const passed = state.clock >= absolute ? 'absolute' : state.clock >= idle ? 'idle' : null;
  return { idle, absolute, passed };
}

/**
 * The trace as a vitest test that replays it on the machine and checks each state it reached.
 * @param state - the simulator's state.
 * @returns the test's source.
 */
export function traceAsTest(state: SimState): string {
  const { t0, policy } = state.config;
  const create = {
    secretHash: simHash(state.secrets[0] ?? ''),
    idleTimeout: policy.idleTimeout,
    absoluteTimeout: policy.absoluteTimeout,
    persistent: policy.persistent,
  };
  const lines = [
    "import { initialTransition, transition } from 'xstate';",
    "import { sessionMachine } from 'sessionspec/spec';",
    "import { expect, test } from 'vitest';",
    '',
    "test('a simulated session', () => {",
    `  const t0 = ${t0};`,
    `  let [s] = initialTransition(sessionMachine, { now: t0, ${fieldsOf(create)} });`,
  ];
  for (const s of state.steps) {
    if (s.event === null) {
      lines.push(`  // T+${s.at} ms: ${s.action} (the application writes to a bucket)`);
      continue;
    }
    const { now, ...rest } = s.event;
    lines.push(`  [s] = transition(sessionMachine, s, { ${fieldsOf(rest)}, now: t0 + ${now - t0} });`);
    lines.push(`  expect(s.value).toBe(${JSON.stringify(s.to)});`);
  }
  lines.push('});', '');
  return lines.join('\n');
}

/** @internal An object's fields as source, `a: 1, b: "x"`. */
function fieldsOf(value: object): string {
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
}

/** @internal Whether a named action of the machine changes its context (an `assign`), not an effect. */
function changesContext(action: string): boolean {
  const impl = (sessionMachine.implementations.actions as Record<string, { type?: unknown } | undefined>)[
    actionName(action)
  ];
  return impl?.type === 'xstate.assign';
}

/**
 * The transition of the graph the last step took: the candidate of its state and event that reaches
 * the state it reached with exactly the effects the machine returned.
 * @param graph - the machine's graph.
 * @param state - the simulator's state.
 * @returns the transition, or `null` before the first event or after a bucket write.
 */
export function takenTransition(graph: MachineGraph, state: SimState): GraphTransition | null {
  const last = state.last;
  if (last === null || last.event === null) return null;
  const effects = last.effects.join('|');
  return (
    graph.transitions.find(
      (t) =>
        t.source === last.from &&
        t.event === last.event?.type &&
        t.target === last.to &&
        t.actions.filter((a) => !changesContext(a)).join('|') === effects,
    ) ?? null
  );
}
