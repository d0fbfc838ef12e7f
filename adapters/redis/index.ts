/**
 * `sessionspec/adapters/redis`: the Redis session store on ioredis (single node, Sentinel or Cluster).
 *
 * @packageDocumentation
 * @module sessionspec/adapters/redis
 */
export type { RedisStore, RedisStoreOptions } from './store.js';
export { createRedisStore } from './store.js';
