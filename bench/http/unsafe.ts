/**
 * A session as people write one by hand: a random id in a cookie, the JSON in Redis under that id,
 * `GET` on the way in and `SET` on the way out when something changed. No compare-and-set, no hashing
 * of the id, no lifecycle: it loses updates and resurrects sessions, and it is as fast as a session in
 * Redis can be. The same session serves node:http, Express and Fastify, so what each framework adds to
 * a session can be told from what the session itself costs.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { IDLE_SECONDS } from './peers.js';
import type { PeerSession } from './routes.js';

const TTL_MS = IDLE_SECONDS * 1000;

/** One request's session. */
export interface UnsafeSession {
  /** What the routes read and write. */
  readonly peer: PeerSession;
  /**
   * Store the session if it changed.
   * @returns the `Set-Cookie` value to send, or `undefined` for none.
   */
  finish(): Promise<string | undefined>;
}

/**
 * Sessions on one Redis.
 * @param redis - the client.
 * @returns a function opening the session of a request from its `Cookie` header.
 */
export function unsafeSessions(redis: Redis): (cookie: string | undefined) => Promise<UnsafeSession> {
  return async (cookie) => {
    const sid = /(?:^|;\s*)sid=([0-9a-f]{32})/.exec(cookie ?? '')?.[1];
    const stored = sid === undefined ? null : await redis.get(`unsafe:${sid}`);
    const data = (stored === null ? {} : JSON.parse(stored)) as Record<string, unknown>;
    let changed = false;
    let destroyed = false;
    return {
      peer: {
        get: (key) => data[key],
        set: (key, value) => {
          data[key] = value;
          changed = true;
        },
        destroy: async () => {
          if (sid !== undefined) await redis.del(`unsafe:${sid}`);
          destroyed = true;
        },
      },
      async finish() {
        if (destroyed) return 'sid=; Path=/; Max-Age=0; HttpOnly';
        if (!changed) return undefined;
        const id = stored === null ? randomBytes(16).toString('hex') : sid!;
        await redis.set(`unsafe:${id}`, JSON.stringify(data), 'PX', TTL_MS);
        return id === sid ? undefined : `sid=${id}; Path=/; HttpOnly; SameSite=Lax`;
      },
    };
  };
}
