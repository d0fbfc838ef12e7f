/**
 * ST-6: a record's encoding, checked against the size limit. The encoding is handed to the store, so a
 * commit encodes the record once.
 *
 * @packageDocumentation
 */
import { encodeRecord, type SessionRecord } from '../spec/index.js';
import { SessionError } from './errors.js';

/**
 * @internal Encode a record for the store, in its stored form (`encodeRecord`, ST-7).
 * @param record - the record to write.
 * @param maxSize - the limit in UTF-8 bytes.
 * @returns the stored text.
 * @throws SessionError `PAYLOAD_TOO_LARGE` beyond `maxSize`.
 */
export function encodeWithinLimit(record: SessionRecord, maxSize: number): string {
  const encoded = encodeRecord(record);
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
