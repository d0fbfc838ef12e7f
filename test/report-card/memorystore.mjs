// memorystore (an LRU-bounded memory store), for `sessionspec report-card`.
import session from 'express-session';
import createMemoryStore from 'memorystore';

export const name = 'memorystore';

export function createStore() {
  const MemoryStore = createMemoryStore(session);
  return new MemoryStore({ checkPeriod: 60 * 60 * 1000 });
}

export function close(store) {
  store.stopInterval();
}
