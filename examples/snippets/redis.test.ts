/**
 * The guide's Redis snippet, run as written against a real server: it waits for the client before the
 * application would listen, so its first request is served, where the same client settings without the
 * wait answer the first request with STORE_UNAVAILABLE (HTTP 503 in the integrations, SEC-2).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../adapters/redis/index.js';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { type RedisServer, startRedisServer } from '../../test/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A first request: a new session that stores something, so the commit writes to Redis. */
async function firstRequest(manager: ReturnType<typeof createSessionManager>): Promise<string> {
  const session = await manager.load(undefined);
  session.set('cart', ['sku-1']);
  return (await session.commit()).cookie.action;
}

describe('getting started with Redis: readiness before listening', () => {
  it('the same client settings without waiting fail the first request with STORE_UNAVAILABLE', async () => {
    const client = new Redis(server.url, {
      commandTimeout: 2_000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const manager = createSessionManager({
      store: createRedisStore({ client, prefix: 'ready-test:no-wait' }),
    });
    const error = await firstRequest(manager).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isSessionError(error) && error.code).toBe('STORE_UNAVAILABLE');
    await manager.close();
    client.disconnect();
  });

  it("the guide's snippet waits for the client, so the first request is served", async () => {
    process.env.REDIS_URL = server.url;
    const { client, manager } = await import('./redis.js');
    expect(client.status).toBe('ready');
    expect(await firstRequest(manager)).toBe('set');
    await manager.close();
    client.disconnect();
  });
});
