import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../adapters/redis/index.js';
import { type RedisServer, startRedisServer } from '../test/redis-server.js';
import { isSessionError } from './errors.js';
import { createSessionManager } from './manager.js';
import { hashSecret } from './token.js';

describe('ID-2: a store fault carries nothing of the request', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('a Redis error wrapped as STORE_UNAVAILABLE keeps no command arguments: no record, bucket or hash', async () => {
    const manager = createSessionManager({ store: createRedisStore({ client, prefix: 'fault' }) });
    const first = await manager.load(undefined);
    first.set('cart', ['cart-marker-1']);
    const { cookie } = await first.commit();
    if (cookie.action !== 'set') throw new Error('the first commit sets the cookie');
    const session = await manager.load(cookie.token);
    session.set('note', 'bucket-marker-2');
    // A real fault: Redis refuses writes over maxmemory, and ioredis attaches the command's arguments
    // (the encoded record with both buckets and the secret hash) to the error it rejects with.
    await client.config('SET', 'maxmemory', '1');
    try {
      const failure = await session.commit().then(
        () => null,
        (error: unknown) => error,
      );
      expect(isSessionError(failure, 'STORE_UNAVAILABLE')).toBe(true);
      const printed = inspect(failure, { depth: Number.POSITIVE_INFINITY, showHidden: true });
      expect(printed).toContain('OOM');
      for (const secret of ['cart-marker-1', 'bucket-marker-2', hashSecret(cookie.token.split('.')[1]!)]) {
        expect(printed).not.toContain(secret);
      }
    } finally {
      await client.config('SET', 'maxmemory', '0');
    }
  });
});
