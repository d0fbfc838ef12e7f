/**
 * Libraries written for express-session, unchanged, through `expressSessionCompat`: connect-flash (it
 * mutates nested arrays in place), csrf-sync (it stores its token in `req.session`), and the
 * callback methods. Real Express servers, real HTTP clients.
 */
import type { AddressInfo } from 'node:net';
import flash from 'connect-flash';
import { csrfSync } from 'csrf-sync';
import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../adapters/memory/index.js';
import { createSessionManager } from '../../manager.js';
import { sessionMiddleware, sessionOf } from './index.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

// biome-ignore lint/suspicious/noExplicitAny: express-session code writes any property on req.session.
const legacy = (req: express.Request) => req.session as any;

async function serve(build: (app: express.Express) => void) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(
    sessionMiddleware({
      manager: createSessionManager({ store: createMemoryStore({ sweepEvery: false }) }),
      expressSessionCompat: true,
    }),
  );
  build(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie: string | undefined;
  const send = async (method: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(base + path, {
      ...init,
      method,
      redirect: 'manual',
      headers: { ...(cookie === undefined ? {} : { cookie }), ...(init.headers as Record<string, string>) },
    });
    for (const set of response.headers.getSetCookie()) cookie = set.split(';', 1)[0];
    return response;
  };
  return { send };
}

describe('expressSessionCompat: connect-flash', () => {
  test('messages flashed before a redirect are shown once after it (nested arrays mutated in place)', async () => {
    const { send } = await serve((app) => {
      app.use(flash());
      app.post('/save', (req, res) => {
        req.flash('info', 'Saved');
        req.flash('info', 'Saved twice');
        req.flash('error', 'One problem');
        res.redirect(303, '/');
      });
      app.get('/', (req, res) => res.json({ info: req.flash('info'), error: req.flash('error') }));
    });
    expect((await send('POST', '/save')).status).toBe(303);
    expect(await (await send('GET', '/')).json()).toEqual({
      info: ['Saved', 'Saved twice'],
      error: ['One problem'],
    });
    expect(await (await send('GET', '/')).json()).toEqual({ info: [], error: [] });
  });
});

describe('expressSessionCompat: csrf-sync', () => {
  test('a token stored in req.session (storeTokenInState) is checked on the next POST', async () => {
    const { csrfSynchronisedProtection, generateToken } = csrfSync({
      getTokenFromRequest: (req) => req.body._csrf,
      getTokenFromState: (req) => legacy(req).csrfToken,
      storeTokenInState: (req, token) => {
        legacy(req).csrfToken = token;
      },
    });
    const { send } = await serve((app) => {
      app.get('/form', (req, res) => res.json({ token: generateToken(req) }));
      app.post('/transfer', csrfSynchronisedProtection, (_req, res) => res.json({ done: true }));
      app.use(((error, _req, res, _next) =>
        res.status(error.statusCode ?? 500).json({ error: error.code })) as express.ErrorRequestHandler);
    });
    const { token } = (await (await send('GET', '/form')).json()) as { token: string };
    const form = (value: string) => ({
      body: new URLSearchParams({ _csrf: value }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await send('POST', '/transfer', form('forged'))).status).toBe(403);
    const accepted = await send('POST', '/transfer', form(token));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ done: true });
  });
});

describe('expressSessionCompat: the express-session surface', () => {
  test('properties map onto the browser bucket; sessionOf gives the handle; delete and undefined remove', async () => {
    const { send } = await serve((app) => {
      app.post('/set', (req, res) => {
        const s = legacy(req);
        s.views = (s.views ?? 0) + 1;
        s.profile = { tags: ['a'] };
        s.profile.tags.push('b');
        s.gone = 'soon';
        delete s.gone;
        s.alsoGone = 'soon';
        s.alsoGone = undefined;
        res.json({ keys: Object.keys(s).sort(), handle: sessionOf(req).get('views') });
      });
      app.get('/read', (req, res) => res.json({ views: legacy(req).views, profile: legacy(req).profile }));
    });
    expect(await (await send('POST', '/set')).json()).toEqual({ keys: ['profile', 'views'], handle: 1 });
    await send('POST', '/set');
    expect(await (await send('GET', '/read')).json()).toEqual({ views: 2, profile: { tags: ['a', 'b'] } });
  });

  test('regenerate, save, reload and destroy call their callbacks (a request never hangs)', async () => {
    const { send } = await serve((app) => {
      app.post('/fill', (req, res) => {
        legacy(req).cart = ['apple'];
        legacy(req).save((error: unknown) => res.json({ error: error ?? null }));
      });
      app.post('/regenerate', (req, res) => {
        const before = sessionOf(req).id;
        legacy(req).regenerate((error: unknown) => {
          legacy(req).reload(() =>
            res.json({
              error: error ?? null,
              cart: legacy(req).cart ?? null,
              sameId: sessionOf(req).id === before,
            }),
          );
        });
      });
      app.post('/destroy', (req, res) =>
        legacy(req).destroy(() => res.json({ status: sessionOf(req).status })),
      );
    });
    expect(await (await send('POST', '/fill')).json()).toEqual({ error: null });
    // As express-session: regenerate empties the data (the token rotates; the id stays).
    expect(await (await send('POST', '/regenerate')).json()).toEqual({
      error: null,
      cart: null,
      sameId: true,
    });
    expect(await (await send('POST', '/destroy')).json()).toEqual({ status: 'destroyed' });
  });

  test('requests changing different keys both survive; a value that is not JSON is a TypeError', async () => {
    const { send } = await serve((app) => {
      app.post('/:key', (req, res) => {
        try {
          legacy(req)[req.params.key as string] = req.params.key === 'date' ? new Date() : true;
          res.json({ ok: true });
        } catch (error) {
          res.status(400).json({ error: (error as Error).name });
        }
      });
      app.get('/', (req, res) => res.json(Object.keys(legacy(req)).sort()));
    });
    await send('POST', '/first');
    await Promise.all([send('POST', '/a'), send('POST', '/b'), send('POST', '/c')]);
    expect(await (await send('GET', '/')).json()).toEqual(['a', 'b', 'c', 'first']);
    expect(await (await send('POST', '/date')).json()).toEqual({ error: 'TypeError' });
  });
});
