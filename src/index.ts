/**
 * `sessionspec`: the reference session manager, its errors and events, and the store contract.
 *
 * @packageDocumentation
 */
export type {
  Bucket,
  CreateResult,
  JsonValue,
  ReadResult,
  SessionLocks,
  SessionRecord,
  SessionRecordV1,
  SessionStore,
  StoreContents,
  StoreInspection,
  StoreSupports,
  WriteResult,
} from '../spec/index.js';
export { RECORD_FORMAT, upgradeRecord, WRITE_ID_HISTORY } from '../spec/index.js';
