import Fastify from 'fastify';
import { behaviourSuite, type ServerSetup } from '../test-helpers/behaviour-suite.js';
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

behaviourSuite('fastify', startFastify);
