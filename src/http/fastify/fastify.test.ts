import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../adapters/memory/index.js';
import { createSessionManager } from '../../index.js';
import { describeHttpBehaviour, type ServerSetup } from '../testing/index.js';
import { sessionPlugin } from './index.js';

async function startFastify(setup: ServerSetup) {
  const app = Fastify({ trustProxy: setup.trustProxy });
  await app.register(sessionPlugin, { manager: setup.manager, ...setup.options });
  app.all('/*', async (request, reply) => {
    const url = new URL(request.url, 'http://localhost');
    const out = await setup.handle(url.pathname, request.session, url.searchParams);
    reply.code(out.status).headers(out.headers).type('application/json');
    return JSON.stringify(out.body);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

describeHttpBehaviour({
  name: 'fastify',
  start: startFastify,
  store: () => createMemoryStore({ sweepEvery: false }),
});

describe('fastify plugin metadata', () => {
  it('registers as `sessionspec` for Fastify 5 and decorates the instance it is registered on, not a child', async () => {
    const manager = createSessionManager({ store: createMemoryStore({ sweepEvery: false }) });
    const app = Fastify();
    await app.register(sessionPlugin, { manager, insecureDevelopmentCookie: true });
    app.get('/', async (request) => ({ anonymous: !request.session.isAuthenticated }));
    expect(app.hasPlugin('sessionspec')).toBe(true);
    expect(app.hasRequestDecorator('session')).toBe(true);
    expect((await app.inject({ url: '/' })).json()).toEqual({ anonymous: true });
    await app.close();
    await manager.close();
  });
});
