/**
 * Test support: valid session records for store tests.
 *
 * @internal
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { RECORD_FORMAT, type SessionRecord } from '../src/index.js';

/** The instant the records are made around. */
export const T = 1_000_000;

/**
 * A valid record, live until `T + 1000` unless overridden, with a unique session id.
 * @param overrides - fields to set; `userId` also decides the state.
 * @returns the record.
 */
export function makeRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const userId = overrides.userId ?? null;
  return {
    format: RECORD_FORMAT,
    sessionId: `s-${randomBytes(9).toString('base64url')}`,
    version: 1,
    state: userId === null ? 'anonymous' : 'authenticated',
    secretHash: 'c2VjcmV0LWhhc2g',
    previousHash: null,
    previousUntil: null,
    previousReason: null,
    retired: [],
    userId,
    browser: {},
    user: {},
    labels: {},
    createdAt: T - 100,
    lastSeenAt: T - 100,
    authenticatedAt: userId === null ? null : T - 100,
    freshUntil: null,
    idleTimeout: 1100,
    absoluteDeadline: T + 5000,
    persistent: false,
    expiresAt: T + 1000,
    writeIds: [],
    ...overrides,
  };
}
