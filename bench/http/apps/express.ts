/**
 * Express 5 variants: bare, with express-session (MemoryStore, connect-redis, connect-pg-simple or
 * connect-sqlite3), with sessionspec (memory, Redis, PostgreSQL or SQLite).
 *
 * @packageDocumentation
 */
import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { sessionMiddleware, sessionOf } from 'sessionspec/express';
import {
  type Backend,
  connectPgStore,
  connectRedisStore,
  connectSqliteStore,
  ioredis,
  PEER_SECRET,
  pgPool,
  postgresManager,
  sessionspecManager,
  sqliteManager,
} from '../backends.js';
import { EXPRESS_SESSION_OPTIONS } from '../peers.js';
import {
  type Gates,
  NotFound,
  type PeerSession,
  peerRoute,
  sessionspecRoute,
  statelessRoute,
  target,
} from '../routes.js';
import { type UnsafeSession, unsafeSessions } from '../unsafe.js';

/** The unsafe session of a request, set by its middleware. @internal */
const unsafeOf = new WeakMap<Request, UnsafeSession>();

type Variant =
  | 'express'
  | 'unsafe-express-redis'
  | 'express-session-memory'
  | 'express-session-redis'
  | 'sessionspec-express-memory'
  | 'sessionspec-express-redis'
  | 'express-session-postgres'
  | 'sessionspec-express-postgres'
  | 'express-session-sqlite'
  | 'sessionspec-express-sqlite';

/**
 * Build the Express application of a variant.
 * @param variant - which one.
 * @param backend - the Redis port and the PostgreSQL URL.
 * @param gates - the logout race's rendezvous points.
 * @returns the application as a request listener.
 */
export async function expressApp(variant: Variant, backend: Backend, gates: Gates): Promise<RequestListener> {
  const port = backend.redisPort;
  const app = express();
  let route: (req: Request) => Promise<string>;
  if (variant === 'express') {
    route = async (req) => statelessRoute(target(req.url));
  } else if (variant === 'unsafe-express-redis') {
    if (typeof port !== 'number') throw new TypeError('bench: the unsafe session runs on one Redis');
    const open = unsafeSessions(await ioredis(port));
    app.use((req, _res, next) => {
      open(req.headers.cookie).then((session) => {
        unsafeOf.set(req, session);
        next();
      }, next);
    });
    route = async (req) => {
      const session = unsafeOf.get(req)!;
      const body = await peerRoute(target(req.url), session.peer, gates);
      const cookie = await session.finish();
      if (cookie !== undefined) req.res!.setHeader('set-cookie', cookie);
      return body;
    };
  } else if (variant.startsWith('express-session-')) {
    app.use(
      session({
        secret: PEER_SECRET,
        ...EXPRESS_SESSION_OPTIONS,
        ...(variant === 'express-session-redis' ? { store: await connectRedisStore(port, 'bench:es:') } : {}),
        ...(variant === 'express-session-postgres'
          ? { store: connectPgStore(pgPool(backend.postgresUrl)) }
          : {}),
        ...(variant === 'express-session-sqlite'
          ? { store: await connectSqliteStore('express-session') }
          : {}),
      }),
    );
    route = (req) => {
      const s = req.session as unknown as Record<string, unknown> & {
        destroy(cb: (e?: unknown) => void): void;
      };
      const peer: PeerSession = {
        get: (key) => s[key],
        set: (key, value) => {
          s[key] = value;
        },
        destroy: () => new Promise((resolve, reject) => s.destroy((e) => (e ? reject(e) : resolve()))),
      };
      return peerRoute(target(req.url), peer, gates);
    };
  } else {
    const manager =
      variant === 'sessionspec-express-postgres'
        ? await postgresManager(backend.postgresUrl, 'bench_express_sessions')
        : variant === 'sessionspec-express-sqlite'
          ? sqliteManager('sessionspec-express')
          : await sessionspecManager(
              variant === 'sessionspec-express-memory' ? 'memory' : 'redis',
              port,
              'bench:express',
            );
    app.use(sessionMiddleware({ manager }));
    route = (req) => sessionspecRoute(target(req.url), sessionOf(req), gates);
  }
  const handle = (req: Request, res: Response, next: NextFunction) => {
    route(req).then(
      (body) => res.type('text/plain').send(body),
      (error: unknown) => (error instanceof NotFound ? next() : next(error)),
    );
  };
  app.get('/read', handle);
  app.post(/^\/(incr|slow-incr|gated-incr|logout)$/, handle);
  return app as unknown as RequestListener;
}
