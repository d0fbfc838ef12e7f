import { describe, expect, it } from 'vitest';
import { readMachine } from './definition.js';
import { type SessionEventType, type SessionState, sessionMachine } from './machine.js';
import {
  callDecision,
  cookieMaxAge,
  cookieResent,
  credentialAccepted,
  expiresAtOf,
  graceOpen,
  hasEnded,
  idleDeadline,
  presentedSecret,
  TERMINAL_STATES,
} from './rules.js';

// Every expected value below is a literal worked out from the text of SPEC.md, not from the function.
const equal = (a: string, b: string) => a === b;
const secrets = { secretHash: 'h-current', previousHash: 'h-previous', previousUntil: 2_000 };

describe('CC-6, ID-5: the credential check with grace (SPEC 3.4 "window open": previousUntil !== null && now < previousUntil)', () => {
  it.each([
    { previousUntil: null, now: 0, open: false },
    { previousUntil: 2_000, now: 1_999, open: true },
    { previousUntil: 2_000, now: 2_000, open: false },
    { previousUntil: 2_000, now: 2_001, open: false },
    { previousUntil: 2_000, now: 0, open: true },
  ])('graceOpen(previousUntil $previousUntil, now $now) is $open', ({ previousUntil, now, open }) => {
    expect(graceOpen({ previousUntil }, now)).toBe(open);
  });

  it.each([
    { hash: 'h-current', presented: 'current' },
    { hash: 'h-previous', presented: 'previous' },
    { hash: 'h-other', presented: null },
  ])('presentedSecret($hash) is $presented', ({ hash, presented }) => {
    expect(presentedSecret(hash, secrets, equal)).toBe(presented);
  });

  it('presentedSecret: no previous secret, nothing matches it', () => {
    expect(
      presentedSecret('h-previous', { ...secrets, previousHash: null, previousUntil: null }, equal),
    ).toBe(null);
  });

  it.each([
    { hash: 'h-current', now: 5_000, accepted: true },
    { hash: 'h-previous', now: 1_999, accepted: true },
    { hash: 'h-previous', now: 2_000, accepted: false },
    { hash: 'h-previous', now: 9_000, accepted: false },
    { hash: 'h-other', now: 0, accepted: false },
  ])('credentialAccepted($hash, now $now) is $accepted', ({ hash, now, accepted }) => {
    expect(credentialAccepted(hash, secrets, now, equal)).toBe(accepted);
  });

  it('credentialAccepted compares with the comparison it is given (the manager passes a constant-time one)', () => {
    const never = () => false;
    expect(credentialAccepted('h-current', secrets, 0, never)).toBe(false);
  });
});

describe('LC-1, LC-6: "has ended" (SPEC 3.1: expired and destroyed are terminal)', () => {
  it.each([
    ['anonymous', false],
    ['authenticated', false],
    ['expired', true],
    ['destroyed', true],
  ] as const)('hasEnded(%s) is %s', (state, ended) => {
    expect(hasEnded(state)).toBe(ended);
  });

  it('TERMINAL_STATES are exactly the final states of the machine', () => {
    const finals = readMachine(sessionMachine)
      .states.filter((s) => s.final)
      .map((s) => s.id);
    expect([...TERMINAL_STATES].sort()).toEqual(finals.sort());
    expect([...TERMINAL_STATES].sort()).toEqual(['destroyed', 'expired']);
  });
});

describe('LC-7: expiresAt = min(lastSeenAt + idleTimeout, absoluteDeadline)', () => {
  it.each([
    { lastSeenAt: 1_000, idleTimeout: 500, absoluteDeadline: 10_000, idle: 1_500, expiresAt: 1_500 },
    { lastSeenAt: 9_800, idleTimeout: 500, absoluteDeadline: 10_000, idle: 10_300, expiresAt: 10_000 },
    { lastSeenAt: 9_500, idleTimeout: 500, absoluteDeadline: 10_000, idle: 10_000, expiresAt: 10_000 },
    { lastSeenAt: 0, idleTimeout: 0, absoluteDeadline: 10_000, idle: 0, expiresAt: 0 },
  ])('lastSeenAt $lastSeenAt, idle $idleTimeout, absolute $absoluteDeadline: expiresAt $expiresAt', (c) => {
    expect(idleDeadline(c)).toBe(c.idle);
    expect(expiresAtOf(c)).toBe(c.expiresAt);
  });
});

describe('LC-7: when a cookie is sent, and its Max-Age (SPEC LC-7 "Cookie lifetime")', () => {
  const persistent = (expiresAt: number) => ({ persistent: true, expiresAt });
  const browser = (expiresAt: number) => ({ persistent: false, expiresAt });
  it.each([
    { name: 'a token was issued', issued: true, before: browser(5_000), after: browser(5_000), sent: true },
    { name: 'a new session', issued: true, before: null, after: browser(5_000), sent: true },
    {
      name: 'persistent, expiry moved',
      issued: false,
      before: persistent(5_000),
      after: persistent(6_000),
      sent: true,
    },
    {
      name: 'persistent, expiry unchanged',
      issued: false,
      before: persistent(5_000),
      after: persistent(5_000),
      sent: false,
    },
    {
      name: 'browser-session, expiry moved',
      issued: false,
      before: browser(5_000),
      after: browser(6_000),
      sent: false,
    },
    {
      name: 'made persistent by setExpiry',
      issued: false,
      before: browser(5_000),
      after: persistent(6_000),
      sent: true,
    },
  ])('$name: sent is $sent', ({ issued, before, after, sent }) => {
    expect(cookieResent(issued, before, after)).toBe(sent);
  });

  it.each([
    { after: persistent(10_000), now: 0, maxAge: 10 },
    { after: persistent(10_999), now: 0, maxAge: 10 },
    { after: persistent(10_000), now: 9_001, maxAge: 0 },
    { after: persistent(10_000), now: 20_000, maxAge: 0 },
    { after: browser(10_000), now: 0, maxAge: null },
  ])('cookieMaxAge($after, now $now) is $maxAge', ({ after, now, maxAge }) => {
    expect(cookieMaxAge(after, now)).toBe(maxAge);
  });
});

describe('SEC-6, LC-5, LC-6: which calls write nothing', () => {
  const cases: Array<[SessionState, SessionEventType, boolean, string]> = [
    ['anonymous', 'logout', false, 'ignore'],
    ['expired', 'logout', false, 'ignore'],
    ['destroyed', 'destroy', false, 'ignore'],
    ['expired', 'destroy', false, 'ignore'],
    ['destroyed', 'rotate', false, 'ended'],
    ['expired', 'touch', false, 'ended'],
    ['anonymous', 'reauthenticate', false, 'not-authenticated'],
    ['anonymous', 'changeCredential', false, 'not-authenticated'],
    ['anonymous', 'rotate', true, 'step'],
    ['authenticated', 'logout', true, 'step'],
    ['anonymous', 'destroy', true, 'step'],
  ];
  it.each(cases)('%s, %s (accepted: %s): %s', (state, event, accepts, decision) => {
    expect(callDecision(state, event, accepts)).toBe(decision);
  });
});
