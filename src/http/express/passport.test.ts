/**
 * Passport 0.7 with passportSessions: ids that are strings or integers, anything else refused, a user
 * that disappeared logs the session out, and Passport without it fails with an error naming the way.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../adapters/memory/index.js';
import { createSessionManager } from '../../manager.js';
import { passportSessions, sessionMiddleware, sessionOf } from './index.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

interface Account extends Express.User {
  id: unknown;
}

/** An app whose single account serialises to `id`; `accounts` can be emptied to remove the user. */
async function serve(id: unknown, withSessions = true, asyncVerify = false) {
  const accounts = new Map<string, Account>([['ann', { id, username: 'ann' }]]);
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, _password, done) => {
      const found: Account | false = accounts.get(username) ?? false;
      // An async verify function, as with a password hash check: done runs inside a promise's callback.
      if (asyncVerify) Promise.resolve(found).then((user) => done(null, user), done);
      else done(null, found);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as Account).id));
  passport.deserializeUser((key: unknown, done) => {
    const found = [...accounts.values()].find((a) => a.id === key);
    done(null, found ?? false);
  });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(
    sessionMiddleware({ manager: createSessionManager({ store: createMemoryStore({ sweepEvery: false }) }) }),
  );
  if (withSessions) app.use(passportSessions(passport));
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/login', passport.authenticate('local'), (_req, res) => res.json({ ok: true }));
  app.post('/logout', (req, res, next) =>
    req.logout((error) => (error ? next(error) : res.json({ ok: true }))),
  );
  app.get('/me', (req, res) =>
    res.json({ user: req.user ?? null, userId: sessionOf(req).userId, authenticated: req.isAuthenticated() }),
  );
  app.use(((error, _req, res, _next) =>
    res.status(500).json({ error: error.message })) as express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie: string | undefined;
  const send = async (method: string, path: string, body?: URLSearchParams) => {
    const response = await fetch(base + path, {
      method,
      ...(body === undefined ? {} : { body }),
      headers: cookie === undefined ? {} : { cookie },
    });
    for (const set of response.headers.getSetCookie()) cookie = set.split(';', 1)[0];
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const login = () => send('POST', '/login', new URLSearchParams({ username: 'ann', password: 'x' }));
  return { send, login, accounts, token: () => cookie };
}

describe('Passport 0.7 through passportSessions', () => {
  test('a string id: req.login authenticates the session (rotating the token), req.logout logs it out', async () => {
    const { send, login, token } = await serve('user-7');
    await send('GET', '/me');
    expect((await login()).status).toBe(200);
    const first = token();
    expect((await send('GET', '/me')).json).toEqual({
      user: { id: 'user-7', username: 'ann' },
      userId: 'user-7',
      authenticated: true,
    });
    expect((await send('POST', '/logout')).status).toBe(200);
    expect(token()).not.toBe(first);
    expect((await send('GET', '/me')).json).toEqual({ user: null, userId: null, authenticated: false });
  });

  test('an integer id: userId is its decimal string, deserializeUser gets the number back', async () => {
    const { send, login } = await serve(42);
    await login();
    expect((await send('GET', '/me')).json).toMatchObject({ user: { id: 42 }, userId: '42' });
  });

  test('an object id is refused with an error naming what to return', async () => {
    const { login, send } = await serve({ id: 1, role: 'admin' });
    const refused = await login();
    expect(refused.status).toBe(500);
    expect(refused.json.error).toContain('return a non-empty string or an integer');
    expect((await send('GET', '/me')).json).toMatchObject({ userId: null, authenticated: false });
  });

  test('a user that no longer exists logs the session out', async () => {
    const { login, send, accounts } = await serve('user-8');
    await login();
    accounts.clear();
    expect((await send('GET', '/me')).json).toEqual({ user: null, userId: null, authenticated: false });
  });

  test("without passportSessions, Passport's req.login fails with an error naming the sessionspec way", async () => {
    const { login } = await serve('user-9', false);
    const failed = await login();
    expect(failed.status).toBe(500);
    expect(failed.json.error).toContain('req.session.authenticate(userId)');
    expect(failed.json.error).toContain('passportSessions(passport)');
  });

  test('without passportSessions and with an async verify function, login answers 500 and the server keeps serving', async () => {
    const { login, send } = await serve('user-10', false, true);
    const failed = await login();
    expect(failed.status).toBe(500);
    expect(failed.json.error).toContain('passportSessions(passport)');
    expect((await send('GET', '/me')).status).toBe(200);
  });
});
