/**
 * The README's usage example (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import express from 'express';
import { createMemoryStore } from '../../adapters/memory/index.js'; // or createRedisStore / createPostgresStore
import { sessionMiddleware } from '../../src/http/express/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({ store: createMemoryStore(), idleTimeout: 30 * 60_000 });
const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(sessionMiddleware({ manager })); // cookie __Host-sid: Secure, HttpOnly, SameSite=Lax

app.post('/cart', (req, res) => {
  // Browser bucket, kept across login and logout; update() is re-applied on a concurrent change.
  req.session.update('cart', (cart) => [...(Array.isArray(cart) ? cart : []), String(req.body.item)]);
  res.redirect(303, '/');
});
app.post('/login', (req, res) => {
  req.session.authenticate(String(req.body.userId)); // after checking the password; the token rotates
  req.session.user.set('theme', 'dark'); // user bucket, wiped at logout
  res.redirect(303, '/');
});
app.post('/logout', (req, res) => {
  req.session.logout(); // or req.session.destroy() to end the whole session
  res.redirect(303, '/');
});
app.get('/', (req, res) => {
  res.json({ userId: req.session.userId, cart: req.session.get('cart') ?? [] });
});
app.get('/sessions', async (req, res) => {
  // The user's sessions on every device (LC-9). listSessions() rejects with NOT_AUTHENTICATED (401)
  // for an anonymous visitor: hence the check.
  res.json(req.session.isAuthenticated ? await req.session.listSessions() : []);
});
app.post('/sessions/end-others', async (req, res) => {
  if (req.session.isAuthenticated) await req.session.revokeOthers(); // the user's other devices (LC-9)
  res.redirect(303, '/sessions');
});

// Open http://localhost:3000: the __Host- cookie needs HTTPS, which browsers waive for localhost only.
app.listen(Number(process.env.PORT ?? 3000));

export { app };
