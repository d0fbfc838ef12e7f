/**
 * `--store redis --url redis://...` (also `--redis-url`): the built-in Redis adapter over one client
 * to the server, so a Redis-compatible server (Redis, Valkey, Dragonfly, a managed Redis) is qualified
 * without writing a module. CK-8: each run on its own prefix.
 *
 * @packageDocumentation
 */
import type { RedisClient } from '../../adapters/redis/index.js';
import { UsageError } from '../args.js';
import type { BuiltInStore } from './types.js';

/** The Redis store of the command. */
export const redis: BuiltInStore = {
  help: [
    'a Redis-compatible server (Redis, Valkey, Dragonfly, a',
    'managed Redis) at --url redis://host:port/db (or rediss://),',
    'on ioredis or node-redis (redis), whichever is installed',
  ],
  options: ['url'],
  async open({ url = '' }) {
    if (!/^rediss?:\/\//.test(url))
      throw new UsageError(`the Redis url is redis://host:port or rediss://..., not '${url}'`);
    let createRedisStore: typeof import('../../adapters/redis/index.js').createRedisStore;
    let client: RedisClient;
    let close: () => Promise<unknown>;
    try {
      ({ createRedisStore } = await import('../../adapters/redis/index.js'));
    } catch (error) {
      throw new UsageError(`cannot load the Redis adapter: ${(error as Error).message}`);
    }
    try {
      const connected = await connectRedis(url);
      client = connected.client;
      close = connected.close;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot connect to ${url}: ${(error as Error).message}`);
    }
    return {
      name: `redis (${new URL(url).host})`,
      factory: ({ namespace }) => ({
        store: createRedisStore({ client, prefix: namespace }),
        close: () => {},
      }),
      teardown: close,
    };
  },
};

/**
 * A connected client to `url`: ioredis when installed, else node-redis; each failing fast on an
 * outage (SEC-2).
 * @throws UsageError when neither is installed; the connection's error when it fails.
 */
async function connectRedis(url: string): Promise<{ client: RedisClient; close: () => Promise<unknown> }> {
  const ioredis = await import('ioredis').catch(() => undefined);
  if (ioredis !== undefined) {
    const client = new ioredis.Redis(url, {
      lazyConnect: true,
      commandTimeout: 5000,
      maxRetriesPerRequest: 1,
    });
    await client.connect().catch((error: unknown) => {
      client.disconnect();
      throw error;
    });
    return { client, close: () => client.quit() };
  }
  const redis = await import('redis').catch(() => undefined);
  if (redis === undefined) {
    throw new UsageError('--store redis needs a Redis client: npm install ioredis (or redis)');
  }
  const client = redis.createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: 5000 },
    socket: { connectTimeout: 5000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  await client.connect();
  return { client, close: () => client.close() };
}
