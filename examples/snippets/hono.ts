/**
 * Getting started with Hono. Shown in docs/getting-started.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { type SessionEnv, sessionMiddleware } from '../../src/http/hono/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({ store: createMemoryStore() });
const app = new Hono<SessionEnv>();
app.use(sessionMiddleware({ manager }));

app.post('/login', (c) => {
  c.get('session').authenticate('user-42');
  return c.json({ user: c.get('session').userId });
});
app.post('/cart', async (c) => {
  const { item } = await c.req.json<{ item: string }>();
  c.get('session').update('cart', (cart) => [...(cart ?? []), item]);
  return c.json({ cart: c.get('session').get('cart') });
});

// Node.js; on Bun, Deno or Cloudflare Workers, export `app` as the platform expects.
serve({ fetch: app.fetch, port: 3000 });
