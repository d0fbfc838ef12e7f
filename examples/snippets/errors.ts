/**
 * Getting started: errors. Shown in docs/getting-started.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import { sessionMiddleware } from '../../src/http/express/index.js';
import { createSessionManager, isSessionError, type Session } from '../../src/index.js';

const manager = createSessionManager({ store: createMemoryStore() });

// The HTTP integrations answer failures for you (503, 409, 413, 403); change the answer with onError.
export const middleware = sessionMiddleware({
  manager,
  onError: (error) =>
    isSessionError(error, 'STORE_UNAVAILABLE')
      ? { status: 503, body: 'Sessions are down, try again shortly', headers: { 'retry-after': '5' } }
      : { status: 500, body: 'Something went wrong' },
});

// Without an integration, commit() throws a SessionError with a stable code.
export async function save(session: Session): Promise<'saved' | 'retry' | 'gone'> {
  try {
    await session.commit();
    return 'saved';
  } catch (error) {
    if (isSessionError(error, 'CONFLICT') || isSessionError(error, 'STORE_UNAVAILABLE')) return 'retry';
    if (isSessionError(error, 'SESSION_GONE')) return 'gone'; // logged out or ended meanwhile
    throw error;
  }
}
