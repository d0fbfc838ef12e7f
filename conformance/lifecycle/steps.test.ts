import { describe, expect, it } from 'vitest';
import {
  AUTH_VARIANTS,
  CREATED_AT,
  describeStep,
  EXPIRY_VARIANTS,
  type LifecycleStep,
  parseStep,
  USERS,
} from './steps.js';

const at = CREATED_AT + 1_234;
const steps: LifecycleStep[] = [
  { op: 'access', at, presented: 'current', endOnReuse: false },
  { op: 'access', at, presented: 'previous', endOnReuse: true },
  ...(['touch', 'reauthenticate', 'rotate', 'logout', 'changeCredential', 'destroy'] as const).map((op) => ({
    op,
    at,
  })),
  ...EXPIRY_VARIANTS.map((v) => ({ op: 'setExpiry' as const, at, ...v })),
  ...AUTH_VARIANTS.flatMap((v) => USERS.map((userId) => ({ op: 'authenticate' as const, at, userId, ...v }))),
  ...(['user', 'session', 'store'] as const).map((via) => ({ op: 'revoke' as const, at, via })),
];

describe('CK-9: a reported lifecycle step reads back as the step', () => {
  it('parses what describeStep writes, for every operation and variant the kit runs', () => {
    for (const step of steps) {
      const line = describeStep(step);
      const parsed = parseStep(line);
      expect(describeStep(parsed), line).toBe(line);
      // describeStep leaves out false flags: only setExpiry's `persistent: false` does not come back.
      const { persistent, ...rest } = step as LifecycleStep & { persistent?: boolean };
      if (step.op === 'setExpiry' && persistent === false) expect(parsed).toEqual(rest);
      else expect(parsed, line).toEqual(step);
    }
  });

  it('rejects a line that is not a step, saying what one looks like', () => {
    expect(() => parseStep('T+0 create (browser.cart = ["sku-1"])')).toThrow(TypeError);
    expect(() => parseStep('rotationGrace=200')).toThrow(/expected like 'T\+1000 access\(previous\)'/);
    expect(() => parseStep('T+5 touch(sideways)')).toThrow(/unknown argument 'sideways'/);
  });
});
