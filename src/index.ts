/**
 * `sessionspec`: the reference session manager, its errors and events, and the store contract.
 *
 * @packageDocumentation
 * @module sessionspec
 */
export type {
  Bucket,
  CreateResult,
  JsonValue,
  PageRequest,
  ReadResult,
  RetireReason,
  SessionLocks,
  SessionRecord,
  SessionRecordV1,
  SessionRecordV2,
  SessionStore,
  StoreContents,
  StoredSessionRecord,
  StoreInspection,
  StoreSupports,
  UserPage,
  UserStep,
  WriteResult,
} from '../spec/index.js';
export {
  decodeRecord,
  encodeRecord,
  RECORD_FORMAT,
  readResultOf,
  STORE_CONTRACT,
  upgradeRecord,
  WRITE_ID_HISTORY,
  writeIdOf,
} from '../spec/index.js';
export { type Clock, createManualClock, type ManualClock, systemClock } from './clock.js';
export { HTTP_STATUS, isSessionError, SessionError, type SessionErrorCode } from './errors.js';
export type { AuditListener, SessionAuditEvent } from './events.js';
export {
  createSessionManager,
  type LockOptions,
  type SessionManager,
  type SessionManagerOptions,
  type SessionPage,
  type SessionSummary,
} from './manager.js';
export type { BucketName, Updater } from './patch.js';
export {
  type AuthenticateOptions,
  type BucketView,
  type CommitResult,
  type CookieInstruction,
  type DataValue,
  type ExpiryOptions,
  Session,
  type SessionData,
  type UserData,
} from './session.js';
export { formatToken, type ParsedToken, parseToken } from './token.js';
