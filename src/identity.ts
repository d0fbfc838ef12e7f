/**
 * A new session's identity, made on first need: its id, its secret and the secret's hash. A request
 * without a cookie gets a new session that is kept only once something is set (SEC-6); most keep
 * nothing, so they draw no random bytes and hash nothing. The id is made when it is read, when the
 * anti-forgery token needs the secret, or when the session is about to be written.
 *
 * @packageDocumentation
 */
import type { SessionRecord } from '../spec/index.js';
import { hashSecret, newSecret, newSessionId } from './token.js';

/** @internal The id and secret hash of a new session whose identity is not made yet. */
export const UNMADE = '';

/** @internal What {@link makeIdentity} reads and sets on a session handle. */
interface Identity {
  local: SessionRecord;
  secret: string | null;
}

/**
 * @internal Give a new session its id and, unless a lifecycle call already rotated one in, its secret
 * (ID-1: from the CSPRNG; ID-2: only the hash goes into the record). Does nothing once made.
 * @param handle - the session's state.
 */
export function makeIdentity(handle: Identity): void {
  if (handle.local.sessionId !== UNMADE) return;
  let secretHash = handle.local.secretHash;
  if (secretHash === UNMADE) {
    const secret = newSecret();
    handle.secret = secret;
    secretHash = hashSecret(secret);
  }
  handle.local = { ...handle.local, sessionId: newSessionId(), secretHash };
}
