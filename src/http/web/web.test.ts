import { behaviourSuite, type ServerSetup } from '../test-helpers/behaviour-suite.js';
import { serveWeb } from '../test-helpers/serve-web.js';
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

behaviourSuite('web', startWeb);
