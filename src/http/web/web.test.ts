import { createMemoryStore } from '../../../adapters/memory/index.js';
import { serveWeb } from '../../../test/http/serve-web.js';
import { describeHttpBehaviour, type ServerSetup } from '../testing/index.js';
import { createWebSessions } from './index.js';

async function startWeb(setup: ServerSetup) {
  const sessions = createWebSessions({
    manager: setup.manager,
    ...setup.options,
    trustProxy: setup.trustProxy,
  });
  return serveWeb(
    sessions.wrap(async (request, session) => {
      const url = new URL(request.url);
      const out = await setup.handle(url.pathname, session, url.searchParams);
      return Response.json(out.body, { status: out.status, headers: out.headers });
    }),
  );
}

describeHttpBehaviour({
  name: 'web',
  start: startWeb,
  store: () => createMemoryStore({ sweepEvery: false }),
  traceRefusedWith: 400,
});
