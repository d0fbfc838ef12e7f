/**
 * Getting started with Fastify 5. Shown in docs/getting-started.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import Fastify from 'fastify';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { sessionPlugin } from '../../src/http/fastify/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({ store: createMemoryStore() });
const app = Fastify();
await app.register(sessionPlugin, { manager });

app.post('/login', async (request) => {
  request.session.authenticate('user-42');
  return { user: request.session.userId };
});
app.get('/me', async (request) => ({
  user: request.session.userId,
  cart: request.session.get('cart') ?? [],
}));

export { app };
