// express-session's own MemoryStore, for `sessionspec report-card`.
import session from 'express-session';

export const name = 'express-session MemoryStore';

export function createStore() {
  return new session.MemoryStore();
}
