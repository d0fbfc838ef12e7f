import { describe, expect, it } from 'vitest';
import { SessionError } from '../errors.js';
import { callStore } from '../store-call.js';
import { describeFailure } from './log.js';

/** What a driver throws: its message, a code, and the command's arguments attached. */
const driverError = () =>
  Object.assign(new Error('relation "sesions" does not exist'), {
    code: '42P01',
    args: ['the-record', 'a-secret-hash'],
  });

describe('the log line of a failed request (ID-2)', () => {
  it("a store fault's line says what the store answered: class, code and message, never its arguments", async () => {
    const error = await callStore('create', () => Promise.reject(driverError()), 1_000).catch((e) => e);
    const line = describeFailure(error);
    expect(line).toBe(
      'the session store failed on create (cause: Error 42P01: relation "sesions" does not exist)',
    );
    expect(line).not.toContain('a-secret-hash');
  });

  it('the cause under a wrapping session error, or the first of a list, is found', async () => {
    const fault = await callStore('write', () => Promise.reject(driverError()), 1_000).catch((e) => e);
    const wrapped = new SessionError('INDETERMINATE', 'outcome unknown', { cause: [fault, new Error('x')] });
    expect(describeFailure(wrapped)).toBe(
      'outcome unknown (cause: Error 42P01: relation "sesions" does not exist)',
    );
  });

  it('a session error without a cause is its message; anything else is named by its class only', () => {
    expect(describeFailure(new SessionError('CONFLICT', 'kept conflicting'))).toBe('kept conflicting');
    expect(describeFailure(new RangeError('carries a-secret-hash'))).toBe(
      'unexpected RangeError in the session layer (the error was passed to onError)',
    );
  });
});
