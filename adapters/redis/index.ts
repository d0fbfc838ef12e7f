/**
 * `sessionspec/adapters/redis`: the Redis session store on the application's client: ioredis 5.x or
 * 6.x, or node-redis 4.x, 5.x or 6.x; single node, Sentinel (not node-redis 4) or Cluster.
 *
 * @packageDocumentation
 * @module sessionspec/adapters/redis
 */
export type {
  IoredisClient,
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisSentinel,
  RedisClient,
} from './driver.js';
export type { RedisStore, RedisStoreOptions } from './store.js';
export { createRedisStore } from './store.js';
