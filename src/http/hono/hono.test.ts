import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { expect, expectTypeOf, test } from 'vitest';
import { createMemoryStore } from '../../../adapters/memory/index.js';
import { createSessionManager } from '../../manager.js';
import type { Session } from '../../session.js';
import { describeHttpBehaviour, type ServerSetup } from '../testing/index.js';
import { type SessionEnv, sessionMiddleware, sessionOf } from './index.js';

/** Serve a Hono app on 127.0.0.1 and a free port through `@hono/node-server`. */
async function listen(app: Hono<SessionEnv>) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startHono(setup: ServerSetup) {
  const app = new Hono<SessionEnv>();
  // An app's own error handler (Hono's default one prints each error); the middleware answers a
  // SessionError in its place with the documented status.
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  app.use(sessionMiddleware({ manager: setup.manager, ...setup.options, trustProxy: setup.trustProxy }));
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const out = await setup.handle(url.pathname, c.get('session'), url.searchParams);
    return c.json(out.body, out.status as 200, out.headers);
  });
  return listen(app);
}

describeHttpBehaviour({
  name: 'hono',
  start: startHono,
  store: () => createMemoryStore({ sweepEvery: false }),
});

const manager = () => createSessionManager({ store: createMemoryStore({ sweepEvery: false }) });

test("hono: the session cookie joins the handler's own cookies, and an app error handler still answers other errors", async () => {
  const app = new Hono<SessionEnv>();
  app.onError((error, c) => c.text(`app: ${error.message}`, 500));
  app.use(sessionMiddleware({ manager: manager() }));
  app.post('/both', (c) => {
    c.get('session').set('seen', true);
    c.header('set-cookie', 'theme=dark; Path=/', { append: true });
    return c.text('ok');
  });
  app.post('/boom', (c) => {
    c.get('session').set('lost', true);
    throw new Error('boom');
  });
  const server = await listen(app);
  try {
    const both = await fetch(`${server.url}/both`, { method: 'POST' });
    const cookies = both.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('theme=dark; Path=/');
    expect(cookies[1]).toMatch(/^__Host-sid=/);
    const boom = await fetch(`${server.url}/boom`, { method: 'POST' });
    expect(boom.status).toBe(500);
    expect(await boom.text()).toBe('app: boom');
    // A 5xx commits nothing by default: no cookie for the session the handler changed.
    expect(boom.headers.getSetCookie()).toEqual([]);
  } finally {
    await server.close();
  }
});

test('hono: sessionOf gives the session to an untyped context, and says what is missing without the middleware', async () => {
  const app = new Hono();
  app.use('/with/*', sessionMiddleware({ manager: manager() }));
  app.get('/with/me', (c) => c.json({ isNew: sessionOf(c).isNew }));
  expect(await (await app.request('/with/me')).json()).toEqual({ isNew: true });
  const bare = new Hono();
  bare.get('/', (c) => {
    try {
      sessionOf(c);
      return c.text('found');
    } catch (error) {
      return c.text((error as Error).message);
    }
  });
  expect(await (await bare.request('/')).text()).toMatch(/install sessionMiddleware/);
});

test("hono: the middleware types c.get('session') as a Session on Hono<SessionEnv>", () => {
  const middleware = sessionMiddleware({ manager: manager() });
  expectTypeOf(middleware).toEqualTypeOf<MiddlewareHandler<SessionEnv>>();
  const app = new Hono<SessionEnv>().use(middleware);
  app.get('/', (c) => {
    expectTypeOf(c.get('session')).toEqualTypeOf<Session>();
    return c.text('ok');
  });
  expectTypeOf(sessionOf).returns.toEqualTypeOf<Session>();
});
