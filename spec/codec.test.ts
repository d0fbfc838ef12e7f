import { describe, expect, it } from 'vitest';
import { decodeRecord, readResultOf } from './codec.js';

describe('reading stored JSON', () => {
  it('ST-3: live while now < expiresAt, expired from expiresAt on', () => {
    const json = JSON.stringify({ sessionId: 's', expiresAt: 1000 });
    expect(readResultOf(json, 999)).toEqual({ sessionId: 's', expiresAt: 1000 });
    expect(readResultOf(json, 1000)).toBe('expired');
  });

  it.each(['', 'not json', '[]', 'null', '42', '{"expiresAt":"1000"}', '{}'])(
    'SEC-3: %j reads as corrupt, without throwing',
    (bytes) => {
      expect(readResultOf(bytes, 0)).toBe('corrupt');
      expect(decodeRecord(bytes)).toBeUndefined();
    },
  );

  it('ST-6: a __proto__ key stays an own data property, no prototype pollution', () => {
    const record = decodeRecord('{"expiresAt":1,"browser":{"__proto__":{"polluted":true}}}') as unknown as {
      browser: Record<string, unknown>;
    };
    expect(Object.hasOwn(record.browser, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(record.browser)).toBe(Object.prototype);
  });
});
