/**
 * Bounded per-user operations on Redis (store contract 2): one user with many sessions (100,000 by
 * default), listed and revoked through the manager in pages. Reports the longest single Redis call of
 * each, measured twice: by Redis itself (`SLOWLOG`, server time of each script) and around each store
 * call in this process (round trip included). Beside them, one unpaged `listByUser` call, the single
 * script a contract-1 store ran. Exits non-zero when a paged call takes over the target.
 *
 * Run: `npm run build && npx tsx bench/user-ops.ts [--sessions 100000] [--page 500]`
 *
 * @packageDocumentation
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createManualClock, createSessionManager, type SessionRecord, type SessionStore } from 'sessionspec';
import { createRedisStore } from 'sessionspec/adapters/redis';
import { startRedisServer } from '../test/redis-server.js';

/** The target: no single Redis call of list or revoke over this many milliseconds. */
const TARGET_MS = 50;

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '100000' }, page: { type: 'string', default: '500' } },
});
const sessions = Number(values.sessions);
const pageSize = Number(values.page);
const T = Date.UTC(2030, 0, 1);

/** Longest duration and count of the timed calls of one operation. */
interface Timing {
  calls: number;
  maxMs: number;
  totalMs: number;
}

const timings = new Map<string, Timing>();
/** Time every call of `method` on `store` under `label`. */
function timed(store: SessionStore): SessionStore {
  const wrapped = Object.create(store) as SessionStore;
  for (const method of ['listByUser', 'destroyByUser'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(wrapped, method, {
      value: async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await original(...args);
        } finally {
          const elapsed = performance.now() - started;
          const t = timings.get(method) ?? { calls: 0, maxMs: 0, totalMs: 0 };
          timings.set(method, {
            calls: t.calls + 1,
            maxMs: Math.max(t.maxMs, elapsed),
            totalMs: t.totalMs + elapsed,
          });
        }
      },
    });
  }
  return wrapped;
}

/** A record of the one user, as the manager would store it (about 400 bytes of JSON). */
function recordOf(i: number): SessionRecord {
  return {
    format: 3,
    sessionId: `bench-${i.toString(36).padStart(8, '0')}`,
    version: 1,
    state: 'authenticated',
    secretHash: 'x'.repeat(43),
    previousHash: null,
    previousUntil: null,
    previousReason: null,
    retired: [],
    userId: 'heavy-user',
    browser: { cart: [i] },
    user: { plan: 'pro' },
    labels: { device: `device ${i}` },
    createdAt: T,
    lastSeenAt: T,
    authenticatedAt: T,
    freshUntil: T,
    idleTimeout: 3_600_000,
    absoluteDeadline: T + 86_400_000,
    persistent: false,
    expiresAt: T + 3_600_000,
    writeIds: [`w${i}`],
  };
}

/** The slowest entries of `SLOWLOG` since the last reset, as [microseconds, command name]. */
async function slowest(client: Redis): Promise<{ micros: number; command: string }> {
  const entries = (await client.call('SLOWLOG', 'GET', '-1')) as [number, number, number, string[]][];
  let worst = { micros: 0, command: '(none)' };
  for (const [, , micros, args] of entries) {
    // EVALSHA <sha> <numkeys> <key> ...: name the script by its key family.
    if (micros > worst.micros) worst = { micros, command: `${args[0]} ${args[3] ?? ''}` };
  }
  return worst;
}

const redis = await startRedisServer();
const client = new Redis(redis.port, '127.0.0.1', { commandTimeout: 60_000 });
try {
  const store = createRedisStore({ client, prefix: 'bench-user-ops', commandTimeoutMs: 60_000 });
  process.stdout.write(`creating ${sessions} sessions of one user... `);
  const createStarted = performance.now();
  for (let i = 0; i < sessions; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, sessions - i) }, (_, j) => recordOf(i + j));
    await Promise.all(batch.map((record) => store.create(record, T)));
  }
  process.stdout.write(`${((performance.now() - createStarted) / 1000).toFixed(1)} s\n`);

  // Redis' own time of every command from here on.
  await client.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
  await client.call('CONFIG', 'SET', 'slowlog-max-len', '100000');

  await client.call('SLOWLOG', 'RESET');
  const unpagedStarted = performance.now();
  const unpaged = await store.listByUser('heavy-user', T);
  const unpagedMs = performance.now() - unpagedStarted;
  const unpagedServer = await slowest(client);

  const manager = createSessionManager({
    store: timed(store),
    clock: createManualClock(T),
    userPageSize: pageSize,
    storeTimeout: 60_000,
  });
  await client.call('SLOWLOG', 'RESET');
  const listed = await manager.listSessions('heavy-user');
  const listServer = await slowest(client);
  await client.call('SLOWLOG', 'RESET');
  const revoked = await manager.revoke('heavy-user');
  const revokeServer = await slowest(client);
  const left = (await store.listByUser('heavy-user', T)).records.length;

  const list = timings.get('listByUser')!;
  const revoke = timings.get('destroyByUser')!;
  const lines = [
    `one user, ${sessions} sessions, pages of ${pageSize} (Redis ${(await client.info('server')).match(/redis_version:(\S+)/)?.[1]})`,
    `unpaged listByUser (one script, as store contract 1): ${unpaged.records.length} records, ${unpagedMs.toFixed(1)} ms round trip, ${(unpagedServer.micros / 1000).toFixed(1)} ms in Redis`,
    `listSessions: ${listed.length} sessions in ${list.calls} calls, ${list.totalMs.toFixed(0)} ms in all; longest call ${list.maxMs.toFixed(1)} ms round trip, ${(listServer.micros / 1000).toFixed(1)} ms in Redis (${listServer.command})`,
    `revoke: ${revoked.length} sessions in ${revoke.calls} calls, ${revoke.totalMs.toFixed(0)} ms in all; longest call ${revoke.maxMs.toFixed(1)} ms round trip, ${(revokeServer.micros / 1000).toFixed(1)} ms in Redis (${revokeServer.command}); ${left} left`,
  ];
  for (const line of lines) process.stdout.write(`${line}\n`);
  const worstServerMs = Math.max(listServer.micros, revokeServer.micros) / 1000;
  const met =
    worstServerMs <= TARGET_MS && listed.length === sessions && revoked.length === sessions && left === 0;
  process.stdout.write(
    `target: no single Redis call of list or revoke over ${TARGET_MS} ms in Redis: ${met ? 'met' : 'NOT met'} (longest ${worstServerMs.toFixed(1)} ms)\n`,
  );
  if (!met) process.exitCode = 1;
} finally {
  client.disconnect();
  await redis.stop();
}
