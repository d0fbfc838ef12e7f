/**
 * Getting started: the session manager on the memory store, without a web framework.
 * Shown in docs/getting-started.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({
  store: createMemoryStore(),
  idleTimeout: 30 * 60_000, // ends after 30 minutes without a request
  absoluteTimeout: 12 * 3_600_000, // and 12 hours after login at the latest
});

// A request without a cookie: a new anonymous session, stored only once something is kept in it.
const session = await manager.load(undefined);
session.set('cart', ['sku-1']);
const { cookie } = await session.commit();
// cookie: { action: 'set', token: '<id>.<secret>', maxAge: null } -> send it as the session cookie.

// The next request presents the token and reads its data back.
const token = cookie.action === 'set' ? cookie.token : undefined;
const next = await manager.load(token);
console.log(next.get('cart')); // ['sku-1']
