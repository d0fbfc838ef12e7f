/**
 * Fastify 5 variants: bare, with @fastify/session (its MemoryStore or connect-redis), with sessionspec.
 *
 * @packageDocumentation
 */
import type { Server } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { sessionOf, sessionPlugin } from 'sessionspec/fastify';
import {
  connectRedisStore,
  ioredis,
  PEER_SECRET,
  type RedisAddress,
  sessionspecManager,
} from '../backends.js';
import { FASTIFY_SESSION_OPTIONS } from '../peers.js';
import {
  type Gates,
  type PeerSession,
  peerRoute,
  sessionspecRoute,
  statelessRoute,
  target,
} from '../routes.js';
import { type UnsafeSession, unsafeSessions } from '../unsafe.js';

type Variant =
  | 'fastify'
  | 'unsafe-fastify-redis'
  | 'fastify-session-memory'
  | 'fastify-session-redis'
  | 'sessionspec-fastify-memory'
  | 'sessionspec-fastify-redis';

/** @internal What the routes use of @fastify/session's session. */
interface FastifyPeerSession {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  destroy(): Promise<void>;
}

/**
 * Build the Fastify instance of a variant, ready, not yet listening.
 * @param variant - which one.
 * @param port - where Redis is.
 * @param gates - the logout race's rendezvous points.
 * @returns its node:http server.
 */
export async function fastifyServer(variant: Variant, port: RedisAddress, gates: Gates): Promise<Server> {
  const app = Fastify({ logger: false });
  let route: (request: FastifyRequest, reply: FastifyReply) => Promise<string>;
  if (variant === 'fastify') {
    route = async (request) => statelessRoute(target(request.url));
  } else if (variant === 'unsafe-fastify-redis') {
    if (typeof port !== 'number') throw new TypeError('bench: the unsafe session runs on one Redis');
    const open = unsafeSessions(await ioredis(port));
    const unsafeOf = new WeakMap<FastifyRequest, UnsafeSession>();
    app.addHook('preHandler', async (request) => {
      unsafeOf.set(request, await open(request.headers.cookie));
    });
    route = async (request, reply) => {
      const session = unsafeOf.get(request)!;
      const body = await peerRoute(target(request.url), session.peer, gates);
      const cookie = await session.finish();
      if (cookie !== undefined) reply.header('set-cookie', cookie);
      return body;
    };
  } else if (variant === 'fastify-session-memory' || variant === 'fastify-session-redis') {
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret: PEER_SECRET,
      ...FASTIFY_SESSION_OPTIONS,
      ...(variant === 'fastify-session-redis'
        ? { store: (await connectRedisStore(port, 'bench:fs:')) as unknown as fastifySession.SessionStore }
        : {}),
    });
    route = (request) => {
      const s = (request as unknown as { session: FastifyPeerSession }).session;
      const peer: PeerSession = {
        get: (key) => s.get(key),
        set: (key, value) => s.set(key, value),
        destroy: () => s.destroy(),
      };
      return peerRoute(target(request.url), peer, gates);
    };
  } else {
    const kind = variant === 'sessionspec-fastify-memory' ? 'memory' : 'redis';
    await app.register(sessionPlugin, { manager: await sessionspecManager(kind, port, 'bench:fastify') });
    route = (request) => sessionspecRoute(target(request.url), sessionOf(request), gates);
  }
  // Only the routes below reach `route`, so it never meets an unknown path.
  const handle = (request: FastifyRequest, reply: FastifyReply) => route(request, reply);
  app.get('/read', handle);
  for (const path of ['/incr', '/slow-incr', '/gated-incr', '/logout']) app.post(path, handle);
  await app.ready();
  return app.server;
}
