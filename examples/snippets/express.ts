/**
 * Getting started with Express 5: the two buckets, login, logout, rotation, the end of a session,
 * re-authentication before a sensitive operation, and a user's sessions.
 * Shown in docs/getting-started.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import express from 'express';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { sessionMiddleware } from '../../src/http/express/index.js';
import { createSessionManager } from '../../src/index.js';

/** Stands in for the application's own password check. */
declare function checkPassword(username: string, password: string): Promise<string | null>;

const manager = createSessionManager({ store: createMemoryStore() });
const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(sessionMiddleware({ manager }));

// The browser bucket: kept across login and logout (a cart, a language).
app.post('/cart', (req, res) => {
  req.session.update('cart', (cart) => [...(cart ?? []), String(req.body.item)]);
  res.redirect(303, '/');
});

// Login: the secret rotates (no fixation), the cart stays, the user bucket starts empty.
app.post('/login', async (req, res) => {
  const userId = await checkPassword(String(req.body.username), String(req.body.password));
  if (userId === null) return void res.status(401).send('wrong username or password');
  req.session.authenticate(userId, { persistent: req.body.remember === 'on' });
  req.session.setLabel('device', String(req.headers['user-agent'] ?? 'unknown').slice(0, 60));
  res.redirect(303, '/');
});

// The user bucket: only while someone is logged in, wiped at logout.
app.post('/profile', (req, res) => {
  if (!req.session.isAuthenticated) return void res.sendStatus(401);
  req.session.user.set('displayName', String(req.body.name));
  res.redirect(303, '/');
});

// Logout: the user bucket goes, the browser bucket stays, the secret rotates.
app.post('/logout', (req, res) => {
  req.session.logout();
  res.redirect(303, '/');
});

// The end of a session: the record is deleted and the cookie cleared.
app.post('/forget-me', (req, res) => {
  req.session.destroy(); // or req.session.logout({ destroy: true })
  res.redirect(303, '/');
});

// A new secret for the same session and data, e.g. after a privilege change of your own.
app.post('/rotate', (req, res) => {
  req.session.rotate();
  res.sendStatus(204);
});

// Sensitive operations ask for a recent login (freshFor, default 5 minutes).
app.post('/password', async (req, res) => {
  if (!req.session.isAuthenticated) return void res.sendStatus(401);
  if (!req.session.isFresh) return void res.redirect(303, '/confirm-password');
  // ... change the password, then end every other session of the user and rotate this one:
  req.session.changeCredential();
  res.redirect(303, '/');
});
app.post('/confirm-password', async (req, res) => {
  const userId = await checkPassword(String(req.session.userId), String(req.body.password));
  if (userId === null || userId !== req.session.userId) return void res.sendStatus(401);
  req.session.reauthenticate();
  res.redirect(303, '/password');
});

// A user's sessions, "log out this one" and "log out everywhere else". The session-scoped calls act on
// the bound user only, and refuse a request that presented the previous secret (CC-6).
app.get('/sessions', async (req, res) => {
  if (!req.session.isAuthenticated) return void res.sendStatus(401);
  const sessions = await req.session.listSessions();
  res.json(sessions.map((s) => ({ ...s, current: s.sessionId === req.session.id })));
});
app.post('/sessions/:id/end', async (req, res) => {
  if (!req.session.isAuthenticated) return void res.sendStatus(401);
  await req.session.revokeSession(String(req.params.id)); // only the user's own
  res.redirect(303, '/sessions');
});
app.post('/sessions/end-others', async (req, res) => {
  if (!req.session.isAuthenticated) return void res.sendStatus(401);
  await req.session.revokeOthers();
  res.redirect(303, '/sessions');
});

export { app };
