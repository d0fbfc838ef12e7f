/**
 * `--store redis --url redis://...` (also `--redis-url`): the built-in Redis adapter over one client
 * to the server, so a Redis-compatible server (Redis, Valkey, Dragonfly, a managed Redis) is qualified
 * without writing a module. CK-8: each run on its own prefix.
 *
 * @packageDocumentation
 */
import type { RedisClient } from '../../adapters/redis/index.js';
import { UsageError } from '../args.js';
import { MissingPeerError } from '../peer.js';
import { type BuiltInStore, StoreUnreachableError } from './types.js';

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
      if (error instanceof MissingPeerError) throw error;
      throw new StoreUnreachableError(`cannot connect to ${url}: ${(error as Error).message}`);
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
 * A connected client to `url`: ioredis when installed, else node-redis (4.x, 5.x or 6.x); each failing
 * fast on an outage (SEC-2). Connection errors reach the caller through the rejected connect, so the
 * clients' error events are only listened to, never printed.
 * @throws MissingPeerError when neither is installed; the connection's error when it fails.
 */
async function connectRedis(url: string): Promise<{ client: RedisClient; close: () => Promise<unknown> }> {
  const ioredis = await import('ioredis').catch(() => undefined);
  if (ioredis !== undefined) {
    const client = new ioredis.Redis(url, {
      lazyConnect: true,
      commandTimeout: 5000,
      maxRetriesPerRequest: 1,
    });
    // ioredis rejects connect() with "Connection is closed."; the cause is the last error event.
    let cause: unknown;
    client.on('error', (error: unknown) => {
      cause = error;
    });
    await client.connect().catch((error: unknown) => {
      client.disconnect();
      throw cause ?? error;
    });
    return { client, close: () => client.quit() };
  }
  const redis = await import('redis').catch(() => undefined);
  if (redis === undefined) {
    throw new MissingPeerError('--store redis needs a Redis client: npm install ioredis (or redis)');
  }
  // node-redis 4 has no command timeout (the store bounds each call) and no close().
  const client = redis.createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: 5000 },
    socket: { connectTimeout: 5000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  await client.connect();
  return { client, close: () => closeNodeRedis(client) };
}

/**
 * Close a node-redis client the way its major allows: `close()` on 5.x and 6.x, `quit()` on 4.x.
 * @internal
 */
function closeNodeRedis(client: object): Promise<unknown> {
  const { close, quit } = client as { close?: () => Promise<unknown>; quit?: () => Promise<unknown> };
  return typeof close === 'function' ? close.call(client) : quit!.call(client);
}
