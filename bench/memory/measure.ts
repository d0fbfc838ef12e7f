/**
 * Memory per session, measured in a process of its own started with `--expose-gc` (see `./index.ts`):
 * the heap growth per session of the sessionspec memory adapter and of express-session's MemoryStore,
 * and the Redis bytes per session of the sessionspec Redis adapter and of connect-redis (`MEMORY USAGE`
 * of the record keys, and the growth of Redis' `used_memory`, which also counts any other key a session
 * costs). Every session holds the 1 KiB payload and a counter. Reports over the IPC channel.
 *
 * @packageDocumentation
 */
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createSessionManager, type SessionManager } from 'sessionspec';
import { createMemoryStore } from 'sessionspec/adapters/memory';
import { createRedisStore } from 'sessionspec/adapters/redis';
import { ioredis } from '../http/backends.js';
import { PAYLOAD } from '../payload.js';

/** Bytes per session of one store. */
export interface MemoryFigure {
  store: string;
  where: 'heap' | 'redis';
  /** Growth per session: the heap's, or Redis' `used_memory`. */
  bytesPerSession: number;
  /** Redis only: mean `MEMORY USAGE` of a record key. */
  keyBytes?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('bench/memory: run with --expose-gc');
const port = Number(process.env.BENCH_REDIS_PORT);
const count = Number(process.env.BENCH_MEMORY_SESSIONS ?? 10_000);
const SAMPLE = 200;

/** express-session's record: its cookie's JSON beside the data. */
const expressRecord = () => ({
  cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' },
  payload: PAYLOAD,
  n: 1,
});

/** @internal The heap after a thorough collection. */
function heap(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** @internal Create `n` sessions through the manager, 100 at a time; returns their ids. */
async function createSessions(manager: SessionManager, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < n; done += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - done) }, async () => {
        const s = await manager.load(undefined);
        s.set('payload', PAYLOAD);
        s.set('n', 1);
        await s.commit();
        return s.id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/** Sessions a store holds before its heap figure starts. */
const WARM_UP = 1_000;

/**
 * @internal The heap growth per session while `add` stores `count` more sessions in a store that
 * already holds {@link WARM_UP}: what one more session costs. What a process pays once, whatever the
 * number of sessions (code compiled on first use, tables built lazily), falls before the first
 * measurement instead of being spread over these sessions.
 * @param open - makes the store.
 * @param add - stores `n` sessions, numbered from `from`.
 */
async function heapPerSession<S>(
  open: () => S,
  add: (store: S, from: number, n: number) => Promise<void>,
): Promise<number> {
  const store = open();
  await add(store, 0, WARM_UP);
  const before = heap();
  await add(store, WARM_UP, count);
  const after = heap();
  // Keep the store reachable until the second measurement.
  if (store === undefined) throw new Error('bench/memory: nothing kept');
  return (after - before) / count;
}

/** @internal Redis' `used_memory`. */
async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/** @internal Mean `MEMORY USAGE` of some keys. */
async function keyBytes(client: Redis, keys: string[]): Promise<number> {
  const sizes = await Promise.all(keys.slice(0, SAMPLE).map((k) => client.memory('USAGE', k)));
  return sizes.reduce<number>((sum, size) => sum + Number(size ?? 0), 0) / Math.min(SAMPLE, keys.length);
}

async function main(): Promise<MemoryFigure[]> {
  const figures: MemoryFigure[] = [];
  figures.push({
    store: 'sessionspec memory adapter',
    where: 'heap',
    bytesPerSession: await heapPerSession(
      () => createMemoryStore({ sweepEvery: false }),
      async (store, _from, n) => {
        await createSessions(createSessionManager({ store }), n);
      },
    ),
  });
  figures.push({
    store: 'express-session MemoryStore',
    where: 'heap',
    bytesPerSession: await heapPerSession(
      () => new session.MemoryStore(),
      async (store, from, n) => {
        for (let i = from; i < from + n; i++) {
          await new Promise<void>((resolve) =>
            store.set(`sid-${i}`, expressRecord() as never, () => resolve()),
          );
        }
      },
    ),
  });

  const client = await ioredis(port);
  try {
    await client.flushdb();
    let before = await usedMemory(client);
    const prefix = 'bench:mem';
    const ids = await createSessions(
      createSessionManager({ store: createRedisStore({ client, prefix }) }),
      count,
    );
    figures.push({
      store: 'sessionspec Redis adapter',
      where: 'redis',
      bytesPerSession: ((await usedMemory(client)) - before) / count,
      keyBytes: await keyBytes(
        client,
        ids.map((id) => `${prefix}:s:{${id}}`),
      ),
    });

    await client.flushdb();
    before = await usedMemory(client);
    const redis = createClient({ url: `redis://127.0.0.1:${port}` });
    await redis.connect();
    const store = new RedisStore({ client: redis, prefix: 'sess:' });
    const sids: string[] = [];
    for (let done = 0; done < count; done += 100) {
      const batch = Array.from(
        { length: Math.min(100, count - done) },
        (_, i) => `sid-${done + i}-abcdefghijklmnopqrstuvw`,
      );
      await Promise.all(batch.map((sid) => store.set(sid, expressRecord() as never)));
      sids.push(...batch);
    }
    figures.push({
      store: 'connect-redis',
      where: 'redis',
      bytesPerSession: ((await usedMemory(client)) - before) / count,
      keyBytes: await keyBytes(
        client,
        sids.map((sid) => `sess:${sid}`),
      ),
    });
    await client.flushdb();
    await redis.quit();
  } finally {
    client.disconnect();
  }
  return figures;
}

const figures = await main();
process.send?.(figures);
console.log(JSON.stringify(figures));
