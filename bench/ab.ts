/**
 * Two builds of the package side by side in one process: the same manager operation on each, measured
 * in turns many times, and the median of the paired ratios of their CPU per operation. A change that
 * moves the CPU by a few per cent is lost in the noise of two separate runs on a shared machine; taken
 * within one process, a few hundred milliseconds apart, the noise falls on both builds alike. Not a
 * test: it prints figures for this machine.
 *
 *   npm run build && cp -r dist dist-before     (the build before the change, inside the checkout so
 *                                                that its imports resolve)
 *   ...change, then npm run build
 *   npx tsx bench/ab.ts dist-before dist [--scenario increment|read|read-payload] [--store redis|memory]
 *                                       [--concurrency 50] [--rounds 20] [--ms 400]
 *
 * It starts its own Redis. The operation is the store-level one: load a session holding the 1 KiB
 * payload, `update('n')` (increment), `get('n')` (read) or `get('payload')` (read-payload: the
 * whole cart, as a page showing it reads), commit. Measuring a build against itself
 * (`dist dist`) shows how far the ratio strays with no change at all.
 *
 * @packageDocumentation
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { SessionManager, SessionStore } from 'sessionspec';
import { startRedisServer } from '../test/redis-server.js';
import { flagReader } from './flags.js';
import { seedSessions } from './payload.js';
import { formatRatioSummary, summarise } from './stats.js';
import { throughput } from './store-level.js';

const args = process.argv.slice(2);
const flag = flagReader(args);
const scenario = flag('scenario', 'increment');
const storeKind = flag('store', 'redis');
const concurrency = Number(flag('concurrency', '50'));
const rounds = Number(flag('rounds', '20'));
const ms = Number(flag('ms', '400'));
const [before, after] = args;
if (
  before === undefined ||
  after === undefined ||
  !['increment', 'read', 'read-payload'].includes(scenario) ||
  !['redis', 'memory'].includes(storeKind)
) {
  console.error(
    'usage: npx tsx bench/ab.ts BEFORE AFTER [--scenario increment|read|read-payload] [--store redis|memory] ' +
      '[--concurrency N] [--rounds N] [--ms MS]\n  BEFORE, AFTER: built package directories (like dist)',
  );
  process.exit(2);
}

const redis = await startRedisServer();
const client = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
await client.connect();

/**
 * The operation on one build, its sessions seeded.
 * @param dir - the build's directory.
 * @param prefix - the Redis key prefix of its sessions.
 * @returns the operation of worker `w`.
 */
async function operation(dir: string, prefix: string): Promise<{ run(w: number): Promise<void> }> {
  const load = (path: string) => import(pathToFileURL(resolve(dir, path)).href);
  const { createSessionManager } = await load('src/index.js');
  const store: SessionStore =
    storeKind === 'memory'
      ? (await load('adapters/memory/index.js')).createMemoryStore()
      : (await load('adapters/redis/index.js')).createRedisStore({ client, prefix });
  const manager: SessionManager = createSessionManager({ store });
  const tokens = await seedSessions(manager, concurrency);
  return {
    async run(w) {
      const session = await manager.load(tokens[w]!);
      if (scenario === 'increment') session.update('n', (n) => ((n as number | undefined) ?? 0) + 1);
      else if (scenario === 'read-payload') session.get('payload');
      else session.get('n');
      await session.commit();
    },
  };
}

try {
  const a = await operation(before, 'ab:before');
  const b = await operation(after, 'ab:after');
  const cpuA: number[] = [];
  const cpuB: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which build goes first, so a drift of the machine's load falls on both alike.
    const first = r % 2 === 0 ? a : b;
    const x = (await throughput(first, concurrency, ms)).cpu;
    const y = (await throughput(first === a ? b : a, concurrency, ms)).cpu;
    const [ca, cb] = first === a ? [x, y] : [y, x];
    cpuA.push(ca);
    cpuB.push(cb);
    ratios.push(cb / ca);
  }
  const us = (v: number[]) => `${summarise(v).median.toFixed(1)} us`;
  console.log(
    `${scenario}, ${storeKind}, ${concurrency} concurrent, ${rounds} rounds of ${ms} ms: ` +
      `CPU per operation ${before} ${us(cpuA)}, ${after} ${us(cpuB)}; ` +
      `${after} / ${before} ${formatRatioSummary(summarise(ratios))}`,
  );
} finally {
  client.disconnect();
  await redis.stop();
}
