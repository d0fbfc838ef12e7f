/**
 * Express 5 variants: bare, with express-session (MemoryStore or connect-redis), with sessionspec.
 *
 * @packageDocumentation
 */
import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { sessionMiddleware, sessionOf } from 'sessionspec/express';
import { connectRedisStore, PEER_SECRET, sessionspecManager } from '../backends.js';
import {
  type Gates,
  NotFound,
  type PeerSession,
  peerRoute,
  sessionspecRoute,
  statelessRoute,
  target,
} from '../routes.js';

type Variant =
  | 'express'
  | 'express-session-memory'
  | 'express-session-redis'
  | 'sessionspec-express-memory'
  | 'sessionspec-express-redis';

/**
 * Build the Express application of a variant.
 * @param variant - which one.
 * @param port - the Redis port.
 * @param gates - the logout race's rendezvous points.
 * @returns the application as a request listener.
 */
export async function expressApp(variant: Variant, port: number, gates: Gates): Promise<RequestListener> {
  const app = express();
  let route: (req: Request) => Promise<string>;
  if (variant === 'express') {
    route = async (req) => statelessRoute(target(req.url));
  } else if (variant === 'express-session-memory' || variant === 'express-session-redis') {
    // The options express-session's documentation recommends; a secure cookie would never be set on
    // plain HTTP.
    app.use(
      session({
        secret: PEER_SECRET,
        resave: false,
        saveUninitialized: false,
        ...(variant === 'express-session-redis' ? { store: await connectRedisStore(port, 'bench:es:') } : {}),
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
    const kind = variant === 'sessionspec-express-memory' ? 'memory' : 'redis';
    app.use(sessionMiddleware({ manager: await sessionspecManager(kind, port, 'bench:express') }));
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
