/**
 * Getting started with the Redis store. Shown in docs/getting-started.md (a test keeps the two
 * identical, and `redis.test.ts` runs it against a real server).
 *
 * @packageDocumentation
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { createRedisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';

const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  commandTimeout: 2_000, // an outage fails fast: STORE_UNAVAILABLE, HTTP 503
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
});
// Without a listener, every failed reconnect is logged as "Unhandled error event"; the failed calls
// themselves reach the manager, which answers 503.
client.on('error', (error) => console.error('redis:', error.message));
// Without an offline queue, a command sent before the connection is up fails: wait for it before listening.
if (client.status !== 'ready') await once(client, 'ready');
const manager = createSessionManager({
  store: createRedisStore({ client, prefix: 'myapp:sess' }),
  maxSessionsPerUser: 5, // a sixth login ends the session bound earliest
});

// Expired records disappear by themselves (Redis TTLs); purge also removes their user-index entries.
setInterval(() => void manager.purgeExpired().catch(() => {}), 10 * 60_000).unref();

export { client, manager };
