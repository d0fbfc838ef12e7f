/**
 * ST-6: a record's encoding, checked against the size limit. The encoding is handed to the store, so a
 * commit encodes the record once.
 *
 * @packageDocumentation
 */
import type { SessionRecord } from '../spec/index.js';
import { SessionError } from './errors.js';

/**
 * @internal Encode a record for the store.
 * @param record - the record to write.
 * @param maxSize - the limit in UTF-8 bytes.
 * @returns the JSON text.
 * @throws SessionError `PAYLOAD_TOO_LARGE` beyond `maxSize`.
 */
export function encodeRecord(record: SessionRecord, maxSize: number): string {
  const encoded = JSON.stringify(record);
  // ST-6: the limit covers the whole record, in UTF-8 bytes, as stored.
  const size = Buffer.byteLength(encoded);
  if (size > maxSize) {
    throw new SessionError(
      'PAYLOAD_TOO_LARGE',
      `session ${record.sessionId} would be ${size} bytes, over maxSize ${maxSize}`,
    );
  }
  return encoded;
}
