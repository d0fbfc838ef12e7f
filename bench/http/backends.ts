/**
 * The stores behind the server variants, each connected to the benchmark's Redis.
 *
 * @packageDocumentation
 */
import { RedisStore } from 'connect-redis';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createSessionManager, type SessionManager } from 'sessionspec';
import { createMemoryStore } from 'sessionspec/adapters/memory';
import { createRedisStore } from 'sessionspec/adapters/redis';

/** The secret the peer libraries sign their cookies with. */
export const PEER_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

/**
 * An ioredis client on the benchmark's Redis, connected, with the settings `docs/redis.md` recommends.
 * @param port - the Redis port.
 * @returns the client.
 */
export async function ioredis(port: number): Promise<Redis> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 1,
  });
  await client.connect();
  return client;
}

/**
 * A sessionspec manager with default policy on the memory adapter or on Redis.
 * @param kind - which store.
 * @param port - the Redis port.
 * @param prefix - the Redis key prefix.
 * @returns the manager.
 */
export async function sessionspecManager(
  kind: 'memory' | 'redis',
  port: number,
  prefix: string,
): Promise<SessionManager> {
  const store =
    kind === 'memory' ? createMemoryStore() : createRedisStore({ client: await ioredis(port), prefix });
  return createSessionManager({ store });
}

/**
 * connect-redis on the `redis` client, the store express-session's documentation points to; it also
 * fits @fastify/session's store interface (`get`, `set`, `destroy` with callbacks).
 * @param port - the Redis port.
 * @param prefix - the key prefix.
 * @returns the store.
 */
export async function connectRedisStore(port: number, prefix: string): Promise<RedisStore> {
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  await client.connect();
  return new RedisStore({ client, prefix });
}
