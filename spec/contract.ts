/**
 * `sessionspec/store`: the store contract on its own, for store authors and for applications that only
 * name the store types: the record layout, the store interface and its results, and the helpers that
 * decode and compare records. Nothing here reaches the machine or xstate, so these declarations check
 * under any compiler settings (`exactOptionalPropertyTypes` without `skipLibCheck` included).
 *
 * @packageDocumentation
 */
export { decodeRecord, encodeRecord, readResultOf } from './codec.js';
export {
  type Bucket,
  type JsonValue,
  RECORD_FORMAT,
  type SessionRecord,
  type SessionRecordV1,
  type SessionRecordV2,
  type StoredSessionRecord,
  upgradeRecord,
  WRITE_ID_HISTORY,
  writeIdOf,
} from './record.js';
export { RETIRED_SECRETS, type RetireReason } from './retired.js';
export type { LiveState, SessionState, TerminalState } from './states.js';
export type {
  CreateResult,
  PageRequest,
  ReadResult,
  SessionLocks,
  SessionStore,
  StoreContents,
  StoreInspection,
  StoreSupports,
  UserPage,
  UserStep,
  WriteResult,
} from './store.js';
export { STORE_CONTRACT } from './store.js';
