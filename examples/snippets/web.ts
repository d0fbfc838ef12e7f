/**
 * Getting started with web-standard `Request`/`Response` handlers (Hono, Next.js route handlers, Bun,
 * Deno). Shown in docs/getting-started.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import { createWebSessions } from '../../src/http/web/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({ store: createMemoryStore() });
const sessions = createWebSessions({ manager });

// wrap(): load before the handler, commit after it, add Set-Cookie to its response.
export const POST = sessions.wrap(async (_request, session) => {
  session.update('visits', (n) => (n ?? 0) + 1);
  return Response.json({ visits: session.get('visits') });
});

// begin(): when the code must hold the response itself, as in a middleware.
export async function middleware(request: Request, next: () => Promise<Response>): Promise<Response> {
  const begun = await sessions.begin(request);
  if (!begun.ok) return begun.response; // 403 cross-site, 503 store down
  return begun.commit(await next());
}
