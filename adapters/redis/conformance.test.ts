/**
 * The conformance kit against the Redis adapter on every supported client (ioredis 5 and 6,
 * node-redis 4, 5 and 6), on a single node and on a 3-master cluster, each started by this file from the
 * binaries on PATH. Every kit run gets its own prefix (CK-8). Each combination runs the quick profile;
 * one of them, chosen by the day, runs the deep profile instead (CK-10; `redisDeepCombination`).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeConformance } from '../../conformance/vitest.js';
import {
  CLIENT_KINDS,
  connectClient,
  type RedisTarget,
  redisDeepCombination,
  type TestClient,
  TOPOLOGIES,
} from '../../test/redis-clients.js';
import { startRedisCluster } from '../../test/redis-cluster.js';
import { startRedisServer } from '../../test/redis-server.js';
import { createRedisStore } from './index.js';

const deep = redisDeepCombination();

/** The deep run's time budget (CK-10). */
const DEEP_BUDGET_MS = 300_000;

describe.each(TOPOLOGIES)('Redis adapter on a %s', (topology) => {
  const cluster = topology === '3-master cluster';
  let target: RedisTarget;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    if (cluster) {
      const servers = await startRedisCluster();
      target = { nodes: servers.nodes };
      stop = servers.stop;
    } else {
      const server = await startRedisServer();
      target = { port: server.port };
      stop = server.stop;
    }
  });
  afterAll(async () => {
    await stop?.();
  });

  describe.each(CLIENT_KINDS)('with %s', (kind) => {
    let connected: TestClient;
    beforeAll(async () => {
      connected = await connectClient(kind, target);
    });
    afterAll(async () => {
      await connected?.close();
    });
    const isDeep = deep?.kind === kind && deep.topology === topology;
    describeConformance({
      name: `redis (${topology}, ${kind})`,
      // CK-10: the deep run is bounded to five minutes of a CI build; the quick one by its profile.
      ...(isDeep ? { profile: 'deep', budgetMs: DEEP_BUDGET_MS } : { profile: 'quick' }),
      factory: ({ namespace }) => ({
        store: createRedisStore({ client: connected.client, prefix: namespace }),
        close: () => {},
      }),
    });
  });
});
