/**
 * The Redis store behind Sentinel, on every supported client that has a Sentinel client (all but
 * node-redis 4): the client asks the Sentinel for the
 * master, the store sees a single node and keeps its exact user index there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord, T } from '../../test/records.js';
import { connectClient, SENTINEL_CLIENT_KINDS, type TestClient } from '../../test/redis-clients.js';
import { type RedisSentinel, startRedisSentinel } from '../../test/redis-sentinel.js';
import { createRedisStore } from './index.js';

describe('Redis store behind Sentinel', () => {
  let sentinel: RedisSentinel;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  describe.each(SENTINEL_CLIENT_KINDS)('%s', (kind) => {
    let connected: TestClient;
    beforeAll(async () => {
      connected = await connectClient(kind, { sentinel: sentinel.sentinel, name: sentinel.name });
    });
    afterAll(async () => {
      await connected?.close();
    });

    it('ST-4, LC-9: stores, lists and destroys sessions on the master, with an exact user index', async () => {
      const store = createRedisStore({
        client: connected.client,
        prefix: `sentinel-${kind.replace(/\W/g, '')}`,
      });
      expect(store.supports.userIndex).toBe('exact');
      const record = makeRecord({ userId: 'u1' });
      expect(await store.create(record, T)).toBe('ok');
      expect(await store.read(record.sessionId, T)).toEqual(record);
      expect(await store.listByUser('u1', T)).toEqual({ records: [record], cursor: null });
      expect(await store.destroyByUser('u1', [])).toEqual({ deleted: [record.sessionId], cursor: null });
      expect(await store.inspection.contents()).toMatchObject({ records: [], userIndex: {}, locks: 0 });
    });
  });
});
