/**
 * Passport 0.7 on sessionspec, through Passport's public API only: the `session` strategy is replaced by
 * one that reads the sessionspec user, and `req.login` / `req.logout` authenticate and log out the
 * sessionspec session (token rotation, user bucket) instead of calling `req.session.regenerate`.
 *
 * @packageDocumentation
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Session } from '../../session.js';
import { settle } from '../callback.js';
import { handleOf } from './handles.js';

/** The part of a Passport 0.7 `Authenticator` this module uses (all of it public API). */
export interface PassportLike {
  /** Register a strategy under a name (replacing Passport's own `session` strategy). */
  use(name: string, strategy: object): unknown;
  /** Run the `serializeUser` chain: `serializeUser(user, req, done)`. */
  serializeUser(user: unknown, req: unknown, done: (error: unknown, id?: unknown) => void): unknown;
  /** Run the `deserializeUser` chain: `deserializeUser(id, req, done)`. */
  deserializeUser(id: unknown, req: unknown, done: (error: unknown, user?: unknown) => void): unknown;
}

/** Where a `serializeUser` result other than a string is kept, in the user bucket. */
const SERIALIZED = 'passport.user';

/** What Passport adds to a strategy object at run time. @internal */
interface StrategyRun {
  pass(): void;
  error(error: unknown): void;
}

/**
 * Use Passport 0.7 with sessionspec. Call it once with your `passport` instance, install the middleware
 * it returns after `sessionMiddleware` and before `passport.initialize()` (which keeps the `req.login`
 * and `req.logout` it finds), and keep `passport.session()` (it now runs the strategy registered here).
 *
 * `req.login(user, done)` runs your `serializeUser` and calls `req.session.authenticate(id)`: the token
 * rotates, the browser bucket (a cart) is kept and the user bucket starts empty (LC-2). The id must be
 * a non-empty string or a safe integer: an integer becomes the session's `userId` as its decimal string
 * (use that string with `manager.revoke`, `listSessions`), and `deserializeUser` receives the number
 * again. Anything else (an object) is refused with a `TypeError`: return `user.id` from `serializeUser`
 * and keep other data in `req.session.user`. `req.logout(done)` calls `req.session.logout()` (LC-5);
 * a user that `deserializeUser` no longer finds logs the session out the same way.
 * @param passport - the Passport authenticator (`import passport from 'passport'`).
 * @returns the middleware that provides `req.login`, `req.logout` and `req.isAuthenticated`.
 * @example
 * ```ts
 * app.use(sessionMiddleware({ manager }));
 * app.use(passportSessions(passport));
 * app.use(passport.initialize());
 * app.use(passport.session());
 * app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
 * app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.redirect('/'))));
 * ```
 */
export function passportSessions(passport: PassportLike): RequestHandler {
  if (typeof passport?.use !== 'function' || typeof passport.serializeUser !== 'function') {
    throw new TypeError(
      'passportSessions(passport): pass the Passport instance (import passport from "passport")',
    );
  }
  passport.use('session', {
    name: 'session',
    authenticate(this: StrategyRun, req: Request) {
      const session = handle(req);
      if (!session.isAuthenticated) return this.pass();
      const id = session.user.get(SERIALIZED) ?? session.userId;
      passport.deserializeUser(id, req, (error, user) => {
        if (error) return this.error(error);
        // A user who no longer exists: log the session out, as Passport forgets its login state.
        if (!user) session.logout();
        else (req as unknown as Record<string, unknown>).user = user;
        this.pass();
      });
    },
  });

  return (req: Request, _res: Response, next: NextFunction) => {
    const ext = req as unknown as Record<string, unknown>;
    ext.login = ext.logIn = (user: unknown, options: unknown, done?: unknown) =>
      logIn(passport, req, user, options, done);
    ext.logout = ext.logOut = (options: unknown, done?: unknown) =>
      settle(typeof options === 'function' ? options : done, () => {
        ext.user = null;
        handle(req).logout();
      });
    ext.isAuthenticated = () => Boolean(ext.user);
    ext.isUnauthenticated = () => !ext.user;
    next();
  };
}

/** @internal `req.login(user, [options], done)`: serialise, then authenticate the session. */
function logIn(passport: PassportLike, req: Request, user: unknown, options: unknown, done: unknown): void {
  const callback = typeof options === 'function' ? options : done;
  const settings = (typeof options === 'object' && options !== null ? options : {}) as { session?: boolean };
  const ext = req as unknown as Record<string, unknown>;
  ext.user = user;
  if (settings.session === false) {
    settle(callback, () => undefined);
    return;
  }
  passport.serializeUser(user, req, (error, id) => {
    settle(callback, () => {
      if (error) {
        ext.user = null;
        throw error;
      }
      login(handle(req), id, ext);
    });
  });
}

/** @internal Authenticate the session as the serialised id (see {@link passportSessions}). */
function login(session: Session, id: unknown, ext: Record<string, unknown>): void {
  try {
    if (typeof id === 'string' && id.length > 0) {
      session.authenticate(id);
    } else if (typeof id === 'number' && Number.isSafeInteger(id)) {
      session.authenticate(String(id));
      session.user.set(SERIALIZED, id);
    } else {
      throw new TypeError(
        `serializeUser gave ${id === null ? 'null' : typeof id}: a sessionspec session is bound to a user ` +
          'id, so return a non-empty string or an integer (such as user.id) and keep other data in ' +
          "req.session.user.set('key', value)",
      );
    }
  } catch (caught) {
    ext.user = null;
    throw caught;
  }
}

/** @internal The request's session handle, whichever view `req.session` shows. */
function handle(req: Request): Session {
  const session = handleOf(req);
  if (session === undefined) {
    throw new TypeError('Passport needs a session: install sessionMiddleware before passportSessions');
  }
  return session;
}
