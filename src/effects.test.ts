import { describe, expect, expectTypeOf, it } from 'vitest';
import { EFFECT_TYPES, type SessionEffect, type SessionEffectType, sessionMachine } from '../spec/index.js';
import { type EffectHandlers, HANDLERS, planOf } from './effects.js';

describe('effects are data with one interpreter', () => {
  it('the effect names are derived from the machine: every named action that is not an assign', () => {
    const actions = sessionMachine.implementations.actions as Record<string, { type?: string }>;
    const effects = Object.keys(actions).filter((name) => actions[name]?.type !== 'xstate.assign');
    expect([...EFFECT_TYPES].sort()).toEqual(effects.sort());
  });

  it('every effect of the machine has exactly one handler, and the map has no other', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...EFFECT_TYPES].sort());
  });

  it('types: the handler map is keyed by the machine effect names; one missing or one new effect does not typecheck', () => {
    expectTypeOf<keyof EffectHandlers>().toEqualTypeOf<SessionEffectType>();
    expectTypeOf<SessionEffectType>().toEqualTypeOf<
      | 'issueToken'
      | 'clearCookie'
      | 'resetUserBucket'
      | 'deleteRecord'
      | 'revokeOtherSessions'
      | 'enforceUserCap'
      | 'acceptPrevious'
      | 'rejectCredential'
      | 'audit'
    >();
    const { audit: _audit, ...withoutAudit } = HANDLERS;
    // @ts-expect-error a map without the handler of one effect is not a handler map
    const incomplete: EffectHandlers = withoutAudit;
    // @ts-expect-error an effect added to the machine without a handler fails the typecheck
    const grown: EffectHandlers<SessionEffect | { type: 'sendEmail'; params: undefined }> = HANDLERS;
    expect([incomplete, grown]).toHaveLength(2);
  });
});

describe('the plan of a step', () => {
  it('LC-6: an ending clears the cookie, deletes the record and audits, whatever was issued before', () => {
    const plan = planOf([
      { type: 'issueToken' },
      { type: 'deleteRecord' },
      { type: 'clearCookie' },
      { type: 'audit', params: { event: 'destroyed' } },
    ] as SessionEffect[]);
    expect(plan).toMatchObject({ cookie: 'clear', deleteRecord: true, audits: ['destroyed'] });
  });

  it('CC-6, ID-5: acceptPrevious enters grace; rejectCredential refuses the credential', () => {
    expect(planOf([{ type: 'acceptPrevious' }] as SessionEffect[]).credential).toBe('grace');
    expect(planOf([{ type: 'rejectCredential' }] as SessionEffect[]).credential).toBe('rejected');
    expect(planOf([]).credential).toBe('accepted');
  });

  it('LC-2, LC-10, LC-12: a login issues a token, resets the user bucket and applies the cap; a credential change ends the others', () => {
    const plan = planOf([
      { type: 'resetUserBucket' },
      { type: 'enforceUserCap' },
      { type: 'issueToken' },
      { type: 'revokeOtherSessions' },
      { type: 'audit', params: { event: 'authenticated' } },
      { type: 'audit', params: { event: 'rotated' } },
    ] as SessionEffect[]);
    expect(plan).toEqual({
      cookie: 'issue',
      resetUserBucket: true,
      deleteRecord: false,
      endOtherSessions: true,
      enforceUserCap: true,
      credential: 'accepted',
      audits: ['authenticated', 'rotated'],
    });
  });
});
