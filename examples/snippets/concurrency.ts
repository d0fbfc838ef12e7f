// docs/concurrency.md: the per-user cap (LC-12).
import { createMemoryStore } from '../../adapters/memory/index.js';
import { createSessionManager } from '../../src/index.js';

const store = createMemoryStore();
createSessionManager({ store }); // at most 100 per user, a login beyond ends the earliest bound
createSessionManager({ store, maxSessionsPerUser: 5 }); // at most 5
createSessionManager({ store, maxSessionsPerUser: { max: 5, onExceed: 'refuse' } }); // refuse the sixth
createSessionManager({ store, maxSessionsPerUser: false }); // no cap
