import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect, test } from 'vitest';
import { createMemoryStore } from '../../../adapters/memory/index.js';
import { createSessionManager } from '../../manager.js';
import { describeHttpBehaviour, type ServerSetup } from '../testing/index.js';
import { sessionMiddleware, sessionOf } from './index.js';

async function listen(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startExpress(setup: ServerSetup) {
  const app = express();
  if (setup.trustProxy) app.set('trust proxy', true);
  app.use(sessionMiddleware({ manager: setup.manager, ...setup.options }));
  app.all('/{*path}', async (req, res) => {
    const query = new URL(req.originalUrl, 'http://localhost').searchParams;
    const out = await setup.handle(req.path, req.session, query);
    res.status(out.status).set(out.headers).json(out.body);
  });
  return listen(app);
}

describeHttpBehaviour({
  name: 'express',
  start: startExpress,
  store: () => createMemoryStore({ sweepEvery: false }),
});

test('express: a handler that streams with writeHead and write still gets its cookie before the headers', async () => {
  const app = express();
  app.use(
    sessionMiddleware({ manager: createSessionManager({ store: createMemoryStore({ sweepEvery: false }) }) }),
  );
  app.post('/stream', (req, res) => {
    req.session.set('streamed', true);
    res.writeHead(201, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60' });
    res.write('one ');
    res.end('two');
  });
  const server = await listen(app);
  try {
    const response = await fetch(`${server.url}/stream`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('one two');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    // A shared cache must never keep a response that sets the session cookie.
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  } finally {
    await server.close();
  }
});

test('express: sessionOf gives the typed session, and says what is missing without the middleware', async () => {
  const app = express();
  app.use(
    sessionMiddleware({ manager: createSessionManager({ store: createMemoryStore({ sweepEvery: false }) }) }),
  );
  app.get('/with', (req, res) => {
    res.json({ same: sessionOf(req).id === req.session.id });
  });
  const server = await listen(app);
  try {
    expect(await (await fetch(`${server.url}/with`)).json()).toEqual({ same: true });
  } finally {
    await server.close();
  }
  expect(() => sessionOf({} as express.Request)).toThrow(/install sessionMiddleware/);
});
