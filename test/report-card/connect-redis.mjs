// connect-redis on node-redis, for `sessionspec report-card`: REDIS_URL names the server.
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';

export const name = 'connect-redis';

export async function createStore() {
  const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  await client.connect();
  return new RedisStore({ client, prefix: 'report-card:' });
}

export async function close(store) {
  await store.client.close();
}
