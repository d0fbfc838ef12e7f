/**
 * The migration guide's manager (connect-redis replaced) and a route migrated while express-session is
 * still installed. Shown in docs/migrating-from-express-session.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import { Redis } from 'ioredis';
import { createRedisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({
  store: createRedisStore({ client: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') }),
  idleTimeout: 30 * 60_000, // was cookie.maxAge with rolling: true
  absoluteTimeout: 12 * 3_600_000,
});

export { manager };
