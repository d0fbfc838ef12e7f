import { createHash } from 'node:crypto';
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
  retirementOf,
  reuseMayEnd,
  TERMINAL_STATES,
} from './rules.js';

// Every expected value below is a literal worked out from the text of SPEC.md, not from the function.
const equal = (a: string, b: string) => a === b;
const secrets = {
  secretHash: 'h-current',
  previousHash: 'h-previous',
  previousUntil: 2_000,
  previousReason: 'r' as const,
  retired: [],
};

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
      presentedSecret(
        'h-previous',
        { ...secrets, previousHash: null, previousUntil: null, previousReason: null },
        equal,
      ),
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

describe('CC-6, ID-3: the ring of retired secrets tells an old secret from one never issued, and only rotations end', () => {
  // Real hashes: a ring entry keeps the first 22 base64url characters of one (SPEC 4, `retired`).
  const h = (name: string) => createHash('sha256').update(name).digest('base64url');
  // Newest first: s3 retired by a plain rotation at 3000, s2 by a login at 2000, s1 by a rotation at 1000.
  const ring = {
    secretHash: h('s5'),
    previousHash: h('s4'),
    previousUntil: 4_000,
    previousReason: 'r' as const,
    retired: [
      `r${(3_000).toString(36)}${h('s3').slice(0, 22)}`,
      `a${(2_000).toString(36)}${h('s2').slice(0, 22)}`,
      `r${(1_000).toString(36)}${h('s1').slice(0, 22)}`,
    ],
  };

  it.each([
    { secret: 's5', presented: 'current' },
    { secret: 's4', presented: 'previous' },
    { secret: 's3', presented: 'retired' },
    { secret: 's2', presented: 'retired' },
    { secret: 's1', presented: 'retired' },
    { secret: 's0', presented: null },
  ])('presentedSecret($secret) is $presented', ({ secret, presented }) => {
    expect(presentedSecret(h(secret), ring, equal)).toBe(presented);
  });

  it.each([
    { secret: 's4', retirement: { until: 4_000, separatedBy: 'r' } },
    { secret: 's3', retirement: { until: 3_000, separatedBy: 'r' } },
    { secret: 's2', retirement: { until: 2_000, separatedBy: 'a' } },
    { secret: 's1', retirement: { until: 1_000, separatedBy: 'a' } },
    { secret: 's0', retirement: null },
    { secret: 's5', retirement: null },
  ])('retirementOf($secret) is $retirement', ({ secret, retirement }) => {
    expect(retirementOf(h(secret), ring, equal)).toEqual(retirement);
  });

  it('the newest privilege change separates: a logout after a credential change is what an older secret reports', () => {
    const changes = {
      ...ring,
      previousReason: 'l' as const,
      retired: [`c${(3_000).toString(36)}${h('s3').slice(0, 22)}`],
    };
    expect(retirementOf(h('s3'), changes, equal)).toEqual({ until: 3_000, separatedBy: 'l' });
  });

  it('a secret matching only the first 22 characters of a ring entry is old, never the previous one', () => {
    const lookalike = `${h('s3').slice(0, 22)}${'A'.repeat(21)}`;
    expect(presentedSecret(lookalike, ring, equal)).toBe('retired');
    expect(presentedSecret(`${h('s4').slice(0, 22)}${'A'.repeat(21)}`, ring, equal)).toBe(null);
  });

  it.each([
    { name: 'only plain rotations, at the margin', separatedBy: 'r', now: 4_100, ends: true },
    { name: 'only plain rotations, inside the margin', separatedBy: 'r', now: 4_099, ends: false },
    { name: 'a login', separatedBy: 'a', now: 99_000, ends: false },
    { name: 'a credential change', separatedBy: 'c', now: 99_000, ends: false },
    { name: 'a logout', separatedBy: 'l', now: 99_000, ends: false },
  ] as const)('reuseMayEnd: separated by $name: $ends', ({ separatedBy, now, ends }) => {
    expect(reuseMayEnd({ until: 4_000, separatedBy }, now, 100)).toBe(ends);
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
