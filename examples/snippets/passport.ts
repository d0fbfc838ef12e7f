/**
 * Passport 0.7 on sessionspec. Shown in docs/migrating-from-express-session.md (a test keeps the two
 * identical).
 *
 * @packageDocumentation
 */
import express from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { passportSessions, sessionMiddleware } from '../../src/http/express/index.js';
import { createSessionManager } from '../../src/index.js';

/** Stands in for the application's own password check: the user's id, or null. */
declare function checkPassword(username: string, password: string): Promise<string | null>;

const manager = createSessionManager({ store: createMemoryStore() });
const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(sessionMiddleware({ manager }));
app.use(passportSessions(passport)); // before passport.initialize()
app.use(passport.initialize());
app.use(passport.session());

passport.use(
  new LocalStrategy((username, password, done) => {
    checkPassword(username, password).then((id) => done(null, id === null ? false : { id }), done);
  }),
);
// The session is bound to this id: a non-empty string, or an integer (kept as its decimal string).
passport.serializeUser((user, done) => done(null, (user as { id: string }).id));
passport.deserializeUser((id: string, done) => done(null, { id }));

const loginForm =
  '<form method="post"><input name="username"><input name="password" type="password"><button>Log in</button></form>';
app.get('/login', (_req, res) => res.send(loginForm));
app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
app.post('/logout', (req, res, next) => {
  req.logout((error) => (error ? next(error) : res.redirect(303, '/')));
});

export { app };
