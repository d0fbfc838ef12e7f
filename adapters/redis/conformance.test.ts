/**
 * The conformance kit against the Redis adapter, on a single node and on a 3-master cluster, each
 * started by this file from the binaries on PATH. Every kit run gets its own prefix (CK-8).
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeConformance } from '../../conformance/vitest.js';
import { startRedisCluster } from '../../test/redis-cluster.js';
import { startRedisServer } from '../../test/redis-server.js';
import { createRedisStore } from './index.js';

/** Fail fast: a bounded command timeout, no offline queue, one retry (SEC-2). */
const redisOptions: RedisOptions = { commandTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: true };

describe.each([
  { name: 'single node', cluster: false },
  { name: '3-master cluster', cluster: true },
])('Redis adapter on a $name', ({ name, cluster }) => {
  let client: Redis | Cluster;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    if (cluster) {
      const servers = await startRedisCluster();
      client = new Cluster(servers.nodes, { redisOptions, enableOfflineQueue: false, lazyConnect: true });
      stop = servers.stop;
    } else {
      const server = await startRedisServer();
      client = new Redis(server.port, '127.0.0.1', { ...redisOptions, enableOfflineQueue: false });
      stop = server.stop;
    }
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await stop?.();
  });

  describeConformance({
    name: `redis (${name})`,
    factory: ({ namespace }) => ({ store: createRedisStore({ client, prefix: namespace }), close: () => {} }),
  });
});
