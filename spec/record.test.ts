import { describe, expect, it } from 'vitest';
import {
  RECORD_FORMAT,
  type SessionRecord,
  type SessionRecordV1,
  type SessionRecordV2,
  upgradeRecord,
} from './record.js';

const V2: SessionRecordV2 = {
  format: 2,
  sessionId: 'S'.repeat(22),
  version: 3,
  state: 'authenticated',
  secretHash: 'h-current',
  previousHash: 'h-previous',
  previousUntil: 2_000,
  userId: 'u1',
  browser: { cart: [1] },
  user: { plan: 'pro' },
  labels: { device: 'laptop' },
  createdAt: 0,
  lastSeenAt: 2_000,
  authenticatedAt: 1_000,
  freshUntil: 1_500,
  idleTimeout: 1_000,
  absoluteDeadline: 10_000,
  persistent: false,
  expiresAt: 3_000,
  writeIds: ['w1'],
};

describe('ST-7: records of the previous formats are upgraded in memory', () => {
  it('format 2 gains an empty ring and keeps every field', () => {
    const upgraded = upgradeRecord(V2);
    expect(upgraded).toEqual({ ...V2, format: RECORD_FORMAT, previousReason: 'r', retired: [] });
    expect(RECORD_FORMAT).toBe(3);
  });

  it.each([
    { name: 'authenticated, retired after the authentication: a plain rotation', over: {}, reason: 'r' },
    { name: 'authenticated, retired at the authentication', over: { previousUntil: 1_000 }, reason: 'a' },
    {
      name: 'anonymous: a logout or an anonymous rotation, taken as a logout (never ends)',
      over: { state: 'anonymous', userId: null, authenticatedAt: null, freshUntil: null, user: {} },
      reason: 'l',
    },
    { name: 'no previous secret', over: { previousHash: null, previousUntil: null }, reason: null },
  ] as const)('CC-6: format 2, $name: previousReason $reason', ({ over, reason }) => {
    expect(upgradeRecord({ ...V2, ...over }).previousReason).toBe(reason);
  });

  it('format 1 also gains freshUntil = null, no labels and no write ids', () => {
    const { freshUntil: _f, labels: _l, writeIds: _w, ...rest } = V2;
    const v1: SessionRecordV1 = { ...rest, format: 1 };
    expect(upgradeRecord(v1)).toEqual({
      ...v1,
      format: RECORD_FORMAT,
      freshUntil: null,
      labels: {},
      writeIds: [],
      previousReason: 'r',
      retired: [],
    });
  });

  it('a current record passes unchanged', () => {
    const current: SessionRecord = upgradeRecord(V2);
    expect(upgradeRecord(current)).toBe(current);
  });
});
