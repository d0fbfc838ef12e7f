import { describe, expect, it } from 'vitest';
import { makeRecord } from '../test/records.js';
import { decodeRecord, encodeRecord, readResultOf } from './codec.js';
import { type SessionRecord, type SessionRecordV1, type SessionRecordV2, upgradeRecord } from './record.js';

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

/** A current record with every field set (an authenticated one, rotated twice). */
const RECORD: SessionRecord = makeRecord({
  userId: 'u1',
  previousHash: 'h-previous',
  previousUntil: 2_000,
  previousReason: 'a',
  retired: ['r1f-abcdefghijklmnopqrstuv'],
  browser: { cart: [1] },
  user: { plan: 'pro' },
  labels: { device: 'laptop' },
  freshUntil: 1_500,
  persistent: true,
  writeIds: ['w1', 'w2'],
});
Object.defineProperty(RECORD.browser, '__proto__', { value: 'own', enumerable: true });

/** Every field name of the record, as the object form spells it. */
const NAMES = Object.keys(RECORD).filter((name) => name !== 'user');

describe('ST-7: the stored encoding', () => {
  it('a current record is stored without its field names and reads back equal', () => {
    const text = encodeRecord(RECORD);
    expect(text.startsWith('[3,')).toBe(true);
    for (const name of NAMES) expect(text).not.toContain(`"${name}"`);
    const back = decodeRecord(text);
    expect(back).toEqual(RECORD);
    expect(Object.keys(back!).sort()).toEqual(Object.keys(RECORD).sort());
    expect(Object.hasOwn((back as SessionRecord).browser, '__proto__')).toBe(true);
    expect(readResultOf(text, RECORD.expiresAt - 1)).toEqual(RECORD);
    expect(readResultOf(text, RECORD.expiresAt)).toBe('expired');
  });

  it('is shorter than the object form by at least the field names', () => {
    const names = NAMES.reduce((sum, name) => sum + name.length, 0);
    expect(JSON.stringify(RECORD).length - encodeRecord(RECORD).length).toBeGreaterThan(names);
  });

  it.each([
    ['3', RECORD],
    ['2', ((r) => ({ ...r, format: 2 }))(omit(RECORD, 'previousReason', 'retired')) as SessionRecordV2],
    [
      '1',
      ((r) => ({ ...r, format: 1 }))(
        omit(RECORD, 'previousReason', 'retired', 'freshUntil', 'labels', 'writeIds'),
      ) as SessionRecordV1,
    ],
  ])(
    'a format-%s record stored as a JSON object, as earlier releases wrote it, still reads and upgrades',
    (_, stored) => {
      const back = decodeRecord(JSON.stringify(stored));
      expect(back).toEqual(stored);
      expect(upgradeRecord(back!).format).toBe(3);
      // Written again, it takes the array form.
      expect(decodeRecord(encodeRecord(upgradeRecord(back!)))).toEqual(upgradeRecord(back!));
    },
  );

  it('a record of a previous format, or with a field the layout has no place for, keeps the object form', () => {
    const v2 = { ...omit(RECORD, 'previousReason', 'retired'), format: 2 } as SessionRecordV2;
    expect(encodeRecord(v2)).toBe(JSON.stringify(v2));
    const extra = { ...RECORD, note: 'x' } as SessionRecord;
    expect(decodeRecord(encodeRecord(extra))).toEqual(extra);
    const missing = { ...RECORD, labels: undefined } as unknown as SessionRecord;
    expect(encodeRecord(missing)).toBe(JSON.stringify(missing));
  });

  const fields = JSON.parse(encodeRecord(RECORD)) as unknown[];
  it.each([
    ['too few fields', JSON.stringify(fields.slice(0, 21))],
    ['too many fields', JSON.stringify([...fields, 0])],
    ['an unknown format', JSON.stringify([4, ...fields.slice(1)])],
    ['a previous format', JSON.stringify([2, ...fields.slice(1)])],
    ['expiresAt not a number', JSON.stringify(fields.map((f, i) => (i === 20 ? '3000' : f)))],
    ['cut short', encodeRecord(RECORD).slice(0, -2)],
  ])('SEC-3: an array with %s reads as corrupt', (_, bytes) => {
    expect(decodeRecord(bytes)).toBeUndefined();
    expect(readResultOf(bytes, 0)).toBe('corrupt');
  });
});

/** @internal `record` without `names`. */
function omit<T extends object>(record: T, ...names: string[]): Partial<T> {
  const copy = { ...record } as Record<string, unknown>;
  for (const name of names) delete copy[name];
  return copy as Partial<T>;
}
