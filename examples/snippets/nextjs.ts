/**
 * A Next.js (App Router) route handler through `sessionspec/web`, shown in docs/getting-started.md (a
 * test keeps the two identical). Route handlers take a `Request` (Next's `NextRequest` extends it) and
 * return a `Response`, so the project typechecks this without installing Next.js.
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import { createWebSessions, type WebSessions } from '../../src/http/web/index.js';
import { createSessionManager } from '../../src/index.js';

// lib/sessions.ts: one manager per server process, kept across reloads of `next dev`.
const shared = globalThis as typeof globalThis & { sessions?: WebSessions };
shared.sessions ??= createWebSessions({
  manager: createSessionManager({ store: createMemoryStore() }),
  trustProxy: process.env.TRUST_PROXY === '1', // behind a proxy that terminates TLS
});
export const sessions = shared.sessions;

// app/cart/[item]/route.ts
export const runtime = 'nodejs';

export const POST = sessions.wrap(
  async (_request, session, { params }: { params: Promise<{ item: string }> }) => {
    const { item } = await params;
    session.update('cart', (cart) => [...(cart ?? []), item]);
    return Response.json({ cart: session.get('cart') });
  },
);

export const GET = sessions.wrap(async (_request, session) =>
  Response.json({ user: session.userId, cart: session.get('cart') ?? [] }),
);
